use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// IAM users with two active access keys.
    ///
    /// ## Why it matters
    /// Two keys are meant for the minutes of a rotation. Left active, the older one is
    /// usually forgotten in some script or laptop, doubling what can leak.
    ///
    /// ## How to fix
    /// Finish the rotation: deactivate, then delete, the key that is not used.
    ///
    /// - Console: IAM → Users → the user → Security credentials → Access keys → Deactivate.
    /// - CLI: `aws iam update-access-key --user-name USER --access-key-id AKIA… --status Inactive`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html>
    pub static RULE = {
        id: "iam-user-multiple-active-keys",
        title: "IAM user has more than one active access key",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Low,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_user_credentials(rule, cx, |row| {
        let active = row.access_keys.iter().filter(|k| k.active).count();
        if active == 0 {
            return None;
        }
        let evidence = evidence!({ "active_keys": active });
        Some(
            if active > 1 {
                rule.fail(
                    &row.arn,
                    None,
                    format!("{} has {active} active access keys", row.user),
                )
            } else {
                rule.pass(
                    &row.arn,
                    None,
                    format!("{} has one active access key", row.user),
                )
            }
            .with_evidence(evidence),
        )
    })
}
