use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::{authorization_details, iam_scope};

declare_rule! {
    /// ## What it checks
    /// Users, groups and roles with the AWS managed policy `AWSCloudShellFullAccess`.
    ///
    /// ## Why it matters
    /// The policy allows uploading and downloading files to and from CloudShell
    /// environments, an easy path for data out of the account that bypasses other
    /// controls; CIS recommends not granting it.
    ///
    /// ## How to fix
    /// Detach it; grant a scoped policy that denies `cloudshell:GetFileDownloadUrls` and
    /// `cloudshell:GetFileUploadUrls` if CloudShell is needed.
    ///
    /// - Console: IAM → Policies → AWSCloudShellFullAccess → Entities attached → Detach.
    /// - CLI: `aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html>
    pub static RULE = {
        id: "iam-cloudshell-full-access",
        title: "AWSCloudShellFullAccess is attached",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

const CLOUDSHELL_POLICY: &str = ":iam::aws:policy/AWSCloudShellFullAccess";

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "root") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    let has = |policies: &[crate::model::AttachedPolicy]| {
        policies.iter().any(|p| p.arn.ends_with(CLOUDSHELL_POLICY))
    };
    let holders: Vec<(&str, String)> = details
        .users
        .iter()
        .filter(|u| has(&u.attached_policies))
        .map(|u| (u.arn.as_str(), format!("user {}", u.name)))
        .chain(
            details
                .groups
                .iter()
                .filter(|g| has(&g.attached_policies))
                .map(|g| (g.arn.as_str(), format!("group {}", g.name))),
        )
        .chain(
            details
                .roles
                .iter()
                .filter(|r| has(&r.attached_policies))
                .map(|r| (r.arn.as_str(), format!("role {}", r.name))),
        )
        .collect();
    if holders.is_empty() {
        return vec![rule.pass(
            iam_scope(cx, "root"),
            None,
            "no identity has AWSCloudShellFullAccess",
        )];
    }
    holders
        .into_iter()
        .map(|(arn, label)| {
            rule.fail(arn, None, format!("{label} has AWSCloudShellFullAccess"))
                .with_evidence(evidence!({ "policy": format!("arn:aws{CLOUDSHELL_POLICY}") }))
        })
        .collect()
}
