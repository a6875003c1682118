use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// IAM users with a console password and no MFA device, from the credential report.
    ///
    /// ## Why it matters
    /// A console password alone falls to phishing, reuse and guessing. MFA is the control
    /// that makes a stolen password insufficient.
    ///
    /// ## How to fix
    /// Assign an MFA device to the user, and enforce it with a policy that denies everything
    /// without `aws:MultiFactorAuthPresent`; better, move people to IAM Identity Center.
    ///
    /// - Console: IAM → Users → the user → Security credentials → Assign MFA device.
    /// - CLI: `aws iam create-virtual-mfa-device` then `aws iam enable-mfa-device --user-name USER …`
    /// - Terraform: `aws_iam_virtual_mfa_device` (enabling still needs the user's codes).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html>
    pub static RULE = {
        id: "iam-user-console-without-mfa",
        title: "IAM user with a console password has no MFA",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_user_credentials(rule, cx, |row| {
        if !row.password_enabled {
            return None;
        }
        let evidence = evidence!({ "password_enabled": true, "mfa_active": row.mfa_active, "password_last_used": row.password_last_used });
        Some(
            if row.mfa_active {
                rule.pass(&row.arn, None, format!("{} signs in with MFA", row.user))
            } else {
                rule.fail(
                    &row.arn,
                    None,
                    format!("{} has a console password and no MFA", row.user),
                )
            }
            .with_evidence(evidence),
        )
    })
}
