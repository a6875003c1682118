use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::authorization_details;

declare_rule! {
    /// ## What it checks
    /// IAM users with policies of their own: managed policies attached to the user, or
    /// inline policies in the user.
    ///
    /// ## Why it matters
    /// Permissions granted person by person drift apart and are hard to review or revoke.
    /// Granting them through groups (or, better, roles) keeps access by job function,
    /// visible in one place.
    ///
    /// ## How to fix
    /// Put the user in a group that has the policy, then detach or delete the user's own.
    ///
    /// - Console: IAM → Users → the user → Permissions → Remove; IAM → User groups → Add users.
    /// - CLI: `aws iam detach-user-policy --user-name USER --policy-arn ARN`;
    ///   `aws iam delete-user-policy --user-name USER --policy-name NAME`
    /// - Terraform: replace `aws_iam_user_policy_attachment` / `aws_iam_user_policy` with
    ///   `aws_iam_group_policy_attachment` and `aws_iam_user_group_membership`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html>
    pub static RULE = {
        id: "iam-user-policy-attached-directly",
        title: "IAM user has policies attached directly",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "user/*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    details
        .users
        .iter()
        .map(|user| {
            let attached: Vec<&str> = user
                .attached_policies
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let inline: Vec<&str> = user
                .inline_policies
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            if attached.is_empty() && inline.is_empty() {
                return rule.pass(
                    &user.arn,
                    None,
                    format!("{} gets its permissions through groups only", user.name),
                );
            }
            let mut parts = Vec::new();
            if !attached.is_empty() {
                parts.push(format!("attached {}", attached.join(", ")));
            }
            if !inline.is_empty() {
                parts.push(format!("inline {}", inline.join(", ")));
            }
            rule.fail(
                &user.arn,
                None,
                format!(
                    "{} has policies of its own: {}",
                    user.name,
                    parts.join("; ")
                ),
            )
            .with_evidence(evidence!({ "attached_policies": attached, "inline_policies": inline }))
        })
        .collect()
}
