use crate::declare_rule;
use crate::evidence;
use crate::access::root::{neither_source, root_row, summary_value};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::iam_scope;

declare_rule! {
    /// ## What it checks
    /// Whether the root user has access keys: `AccountAccessKeysPresent` in the account
    /// summary, or else the root line of the credential report.
    ///
    /// ## Why it matters
    /// Root access keys are long-lived credentials with unrestricted power over the account
    /// that no policy can limit. Nothing needs them: every task that needs root is done in
    /// the console.
    ///
    /// ## How to fix
    /// - Console: sign in as root → Security credentials → Access keys → Delete.
    /// - CLI: as root, `aws iam delete-access-key --access-key-id AKIA…` (there is no way to
    ///   do it from another identity).
    /// - Terraform: not manageable; remove by hand.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html>
    pub static RULE = {
        id: "iam-root-access-keys",
        title: "Root user has access keys",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Critical,
        reads: [CredentialReport, AccountSummary],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = iam_scope(cx, "root");
    let from_report =
        root_row(cx).map(|row| row.access_keys.iter().filter(|k| k.active).count() as i32);
    let (keys, source) = match (summary_value(cx, "AccountAccessKeysPresent"), from_report) {
        (Some(keys), _) => (keys, "account summary"),
        (None, Some(keys)) => (keys, "credential report"),
        (None, None) => return vec![rule.unknown(resource, None, neither_source(cx))],
    };
    let finding = if keys > 0 {
        rule.fail(resource, None, "the root user has access keys")
    } else {
        rule.pass(resource, None, "the root user has no access keys")
    };
    vec![finding.with_evidence(evidence!({ "root_access_keys": keys, "source": source }))]
}
