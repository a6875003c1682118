use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::{authorization_details, iam_scope};

declare_rule! {
    /// ## What it checks
    /// Whether any role, user or group has the AWS managed policy `AWSSupportAccess`, so
    /// that incidents can be raised with AWS Support by a designated identity.
    ///
    /// ## Why it matters
    /// Working with AWS during an incident is part of the customer's duties; without a
    /// prepared identity, people reach for root or for over-privileged users under pressure.
    ///
    /// ## How to fix
    /// - Console: IAM → Roles → Create role → trusted entity your account → attach
    ///   `AWSSupportAccess`.
    /// - CLI: `aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json`
    ///   then `aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`
    /// - Terraform: an `aws_iam_role` with an `aws_iam_role_policy_attachment` of that ARN.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html>
    pub static RULE = {
        id: "iam-support-role-missing",
        title: "No IAM identity can manage AWS Support cases",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

const SUPPORT_POLICY: &str = ":iam::aws:policy/AWSSupportAccess";

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "root") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    let has = |policies: &[crate::model::AttachedPolicy]| {
        policies.iter().any(|p| p.arn.ends_with(SUPPORT_POLICY))
    };
    let holders: Vec<&str> = details
        .roles
        .iter()
        .filter(|r| has(&r.attached_policies))
        .map(|r| r.arn.as_str())
        .chain(
            details
                .users
                .iter()
                .filter(|u| has(&u.attached_policies))
                .map(|u| u.arn.as_str()),
        )
        .chain(
            details
                .groups
                .iter()
                .filter(|g| has(&g.attached_policies))
                .map(|g| g.arn.as_str()),
        )
        .collect();
    let resource = iam_scope(cx, "root");
    vec![if holders.is_empty() {
        rule.fail(
            resource,
            None,
            "no role, user or group has AWSSupportAccess",
        )
    } else {
        rule.pass(
            resource,
            None,
            format!("AWSSupportAccess is held by {}", holders.join(", ")),
        )
        .with_evidence(evidence!({ "holders": holders }))
    }]
}
