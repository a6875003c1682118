use crate::declare_rule;
use crate::evidence;
use crate::access::root::{neither_source, root_mfa_enabled};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::iam_scope;

declare_rule! {
    /// ## What it checks
    /// Whether the root user has MFA: `AccountMFAEnabled` in the account summary, or else
    /// the root line of the credential report.
    ///
    /// ## Why it matters
    /// The root user can do anything, including closing the account. A password alone —
    /// phished, reused or guessed — is then enough to take the account.
    ///
    /// ## How to fix
    /// - Console: sign in as root → Security credentials → Multi-factor authentication →
    ///   Assign MFA device (a hardware key or passkey preferably).
    /// - CLI / Terraform: not possible for root; use the console.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html>
    pub static RULE = {
        id: "iam-root-mfa-disabled",
        title: "Root user has no MFA",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Critical,
        reads: [CredentialReport, AccountSummary],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = iam_scope(cx, "root");
    let Some(enabled) = root_mfa_enabled(cx) else {
        return vec![rule.unknown(resource, None, neither_source(cx))];
    };
    let finding = if enabled {
        rule.pass(resource, None, "the root user has MFA")
    } else {
        rule.fail(resource, None, "the root user has no MFA")
    };
    vec![finding.with_evidence(evidence!({ "root_mfa_enabled": enabled }))]
}
