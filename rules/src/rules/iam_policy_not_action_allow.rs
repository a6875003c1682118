use crate::declare_rule;
use crate::evidence;
use crate::access::policy::Effect;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_customer_policy;

declare_rule! {
    /// ## What it checks
    /// Customer-managed policies that are attached to something, and inline policies, with
    /// an `Allow` statement that uses `NotAction` on every resource (`"*"`): everything
    /// except the few actions listed. A `NotAction` allow scoped to specific resources, and
    /// a `NotAction` deny (the usual way to fence a principal in), are passes. A policy that
    /// cannot be parsed gives unknown.
    ///
    /// ## Why it matters
    /// "Everything but IAM" reads like a restriction but grants every other action of every
    /// service, including the ones AWS adds later, and usually still leaves a way back to
    /// administrator (`iam:PassRole` excluded but `ssm:SendCommand` allowed, say). It is one
    /// of the broadest grants a policy can make.
    ///
    /// ## How to fix
    /// List the actions the principal needs with `Action`; keep `NotAction` for `Deny`
    /// statements.
    ///
    /// - Console: IAM → Policies → the policy → Edit.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://least.json --set-as-default`
    /// - Terraform: the `aws_iam_policy` / `aws_iam_role_policy` document (`not_actions` in
    ///   an `Allow` statement).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
    /// - <https://github.com/BishopFox/iam-vulnerable> (tool test fn4, exploitable `NotAction`)
    pub static RULE = {
        id: "iam-policy-not-action-allow",
        title: "Customer policy allows every action but a few on every resource",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_policy(rule, cx, |policy, document| {
        let broad: Vec<_> = document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && s.not_action.is_some())
            .filter(|s| s.covers_every_resource())
            .collect();
        if broad.is_empty() {
            return rule.pass(
                &policy.resource,
                None,
                format!("{} has no NotAction allow on every resource", policy.label),
            );
        }
        let excluded: Vec<&str> = broad
            .iter()
            .flat_map(|s| s.not_action.iter().flatten())
            .map(String::as_str)
            .collect();
        let message = format!(
            "{} allows every action except {} on every resource",
            policy.label,
            excluded.join(", ")
        );
        let statements: Vec<_> = broad.iter().map(|s| &s.raw).collect();
        rule.fail(&policy.resource, None, message)
            .with_evidence(evidence!({ "statements": statements }))
    })
}
