use crate::access::resource_policy::{reach, Reach};
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_role_trust;

declare_rule! {
    /// ## What it checks
    /// Roles whose trust policy lets anyone assume them: an `Allow` statement whose
    /// principal is `"*"` or `{"AWS": "*"}` (or an `Allow` with `NotPrincipal`) and no
    /// condition that limits the callers to known ones (a fixed `aws:PrincipalOrgID`,
    /// `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`...,
    /// as for S3 policies). An `sts:ExternalId` condition alone does not limit it: anyone
    /// who learns the id can use it. A trust policy that cannot be parsed gives unknown.
    ///
    /// ## Why it matters
    /// Every AWS account in the world can call `sts:AssumeRole` on such a role and act with
    /// its permissions inside your account.
    ///
    /// ## How to fix
    /// Name the principals that may assume the role (accounts, roles, services), or limit
    /// `*` with `aws:PrincipalOrgID`.
    ///
    /// - Console: IAM → Roles → the role → Trust relationships → Edit trust policy.
    /// - CLI: `aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json`
    /// - Terraform: the role's `assume_role_policy`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy>
    pub static RULE = {
        id: "iam-role-trust-any-principal",
        title: "IAM role can be assumed by anyone",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Critical,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_role_trust(rule, cx, |role, document| {
        let open: Vec<_> = document
            .statements
            .iter()
            .filter(|s| {
                s.covers_action("sts:AssumeRole")
                    || s.covers_action("sts:AssumeRoleWithWebIdentity")
            })
            .filter(|s| reach(s, cx.settings) == Some(Reach::Public))
            .map(|s| &s.raw)
            .collect();
        if open.is_empty() {
            rule.pass(
                &role.arn,
                None,
                format!("{} cannot be assumed by just any AWS principal", role.name),
            )
        } else {
            rule.fail(
                &role.arn,
                None,
                format!("{} can be assumed by any AWS principal", role.name),
            )
            .with_exposure(Exposure::Public)
            .with_evidence(evidence!({ "statements": open }))
        }
    })
}
