use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};

declare_rule! {
    /// ## What it checks
    /// The account's IAM password policy: it must exist, require at least 14 characters and
    /// prevent the reuse of the last 24 passwords (both thresholds configurable). One finding
    /// lists every shortfall.
    ///
    /// ## Why it matters
    /// Console passwords are long-lived credentials. Short or recycled passwords fall to
    /// guessing and credential stuffing; which passwords the account accepts is set by the
    /// customer, not by AWS.
    ///
    /// ## How to fix
    /// - Console: IAM → Account settings → Password policy → Edit.
    /// - CLI: `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24`
    /// - Terraform: `aws_iam_account_password_policy` with `minimum_password_length = 14`
    ///   and `password_reuse_prevention = 24`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>
    pub static RULE = {
        id: "iam-password-policy-weak",
        title: "IAM password policy is missing or weak",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [PasswordPolicy],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = arn::account(cx.snapshot);
    let policy = match cx.snapshot.iam.password_policy.as_ref() {
        Ok(policy) => policy,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let Some(policy) = policy else {
        return vec![rule.fail(resource, None, "the account has no password policy")];
    };
    let settings = cx.settings;
    let mut shortfalls = Vec::new();
    let length = policy.minimum_length.unwrap_or(0);
    if length < settings.password_min_length {
        shortfalls.push(format!(
            "minimum length {length} (want {})",
            settings.password_min_length
        ));
    }
    let reuse = policy.reuse_prevention.unwrap_or(0);
    if reuse < settings.password_reuse_prevention {
        shortfalls.push(format!(
            "reuse prevention {reuse} (want {})",
            settings.password_reuse_prevention
        ));
    }
    let evidence = evidence!({ "password_policy": Tree(&policy) });
    let finding = if shortfalls.is_empty() {
        rule.pass(
            resource,
            None,
            "the password policy meets length and reuse requirements",
        )
    } else {
        rule.fail(
            resource,
            None,
            format!("the password policy is weak: {}", shortfalls.join("; ")),
        )
    };
    vec![finding.with_evidence(evidence)]
}
