use crate::declare_rule;
use crate::evidence;
use crate::access::eval::every_action_together;
use crate::access::identity::grants_full_admin;
use crate::access::policy::Effect;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_customer_policy;

declare_rule! {
    /// ## What it checks
    /// Customer-managed policies that are attached to something, and inline policies, with
    /// an `Allow` statement for every action (`"*"` or `"*:*"`) on every resource (`"*"`),
    /// or `Allow` statements on every resource that allow every action together (`iam:*`
    /// beside `NotAction: iam:*`). AWS-managed policies such as `AdministratorAccess` are AWS's to write and are not
    /// reported here. A policy that cannot be parsed gives unknown.
    ///
    /// ## Why it matters
    /// Full administrator rights written by hand are the opposite of least privilege: every
    /// principal holding the policy can do anything, including erasing logs and granting
    /// itself more. Least privilege is squarely the customer's duty.
    ///
    /// ## How to fix
    /// Replace `*` with the actions and resources the principal needs (IAM Access Analyzer
    /// can generate a policy from CloudTrail activity); keep true administrators few, on
    /// roles with MFA.
    ///
    /// - Console: IAM → Policies → the policy → Edit.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://least.json --set-as-default`
    /// - Terraform: the `aws_iam_policy` / `aws_iam_role_policy` document.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
    pub static RULE = {
        id: "iam-policy-full-admin",
        title: "Customer policy grants full administrator rights",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_policy(rule, cx, |policy, document| {
        let mut admin: Vec<_> = document
            .statements
            .iter()
            .filter(|s| grants_full_admin(s))
            .map(|s| &s.raw)
            .collect();
        if admin.is_empty() {
            // Several statements may allow everything only together.
            let everywhere = document
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow && s.covers_every_resource());
            if let Some(together) = every_action_together(everywhere) {
                admin = together.into_iter().map(|s| &s.raw).collect();
            }
        }
        if admin.is_empty() {
            rule.pass(
                &policy.resource,
                None,
                format!("{} does not grant *:*", policy.label),
            )
        } else {
            rule.fail(
                &policy.resource,
                None,
                format!("{} grants every action on every resource", policy.label),
            )
            .with_exposure(Exposure::Administrator)
            .with_evidence(evidence!({ "statements": admin }))
        }
    })
}
