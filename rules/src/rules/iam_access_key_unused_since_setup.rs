use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// Users with a console password who also have an active access key that has never been
    /// used — the pattern of keys created by default at user setup.
    ///
    /// ## Why it matters
    /// People who sign in to the console rarely need keys. A key made "just in case" at
    /// setup is a long-lived credential nobody uses or watches.
    ///
    /// ## How to fix
    /// Delete the unused key; create keys only when a workload needs them, and prefer roles.
    ///
    /// - Console: IAM → Users → the user → Security credentials → Access keys → Delete.
    /// - CLI: `aws iam delete-access-key --user-name USER --access-key-id AKIA…`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html>
    pub static RULE = {
        id: "iam-access-key-unused-since-setup",
        title: "Console user has an access key that was never used",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Low,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_user_credentials(rule, cx, |row| {
        let active: Vec<_> = row.access_keys.iter().filter(|k| k.active).collect();
        if !row.password_enabled || active.is_empty() {
            return None;
        }
        let never_used: Vec<u8> = active
            .iter()
            .filter(|k| k.last_used.is_none())
            .map(|k| k.slot)
            .collect();
        Some(if never_used.is_empty() {
            rule.pass(
                &row.arn,
                None,
                format!("{}'s active access keys have been used", row.user),
            )
        } else {
            let keys: Vec<String> = never_used.iter().map(u8::to_string).collect();
            rule.fail(
                &row.arn,
                None,
                format!(
                    "{} signs in to the console and has never used access key {}",
                    row.user,
                    keys.join(" and ")
                ),
            )
            .with_evidence(evidence!({ "never_used_keys": never_used }))
        })
    })
}
