use crate::bucket_policy::foreign_accounts;
use crate::declare_rule;
use crate::evidence;
use crate::policy::Effect;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::scope::each_role_trust;

declare_rule! {
    /// ## What it checks
    /// Roles whose trust policy lets principals of another AWS account assume them without
    /// an `sts:ExternalId` condition (with `StringEquals`). Accounts listed as the
    /// customer's own in the configuration are not reported; AWS service principals and
    /// federated (SAML, OIDC) principals are not cross-account grants.
    ///
    /// ## Why it matters
    /// A third party that assumes roles in many customers' accounts can be tricked into
    /// using its access on your behalf (the "confused deputy"). The external id, known only
    /// to you and the vendor, prevents that; between your own accounts it is unnecessary.
    ///
    /// ## How to fix
    /// Add the condition with the id the vendor gave you, or list your own accounts in the
    /// configuration.
    ///
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "ID-FROM-THE-VENDOR"}}
    /// ```
    ///
    /// - Console: IAM → Roles → the role → Trust relationships → Edit trust policy.
    /// - CLI: `aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json`
    /// - Terraform: a `condition` block in the `assume_role_policy` document.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>
    pub static RULE = {
        id: "iam-role-cross-account-trust-without-external-id",
        title: "Cross-account role trust has no external id",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let own = cx.snapshot.account.id.as_str();
    each_role_trust(rule, cx, |role, document| {
        let mut unprotected = Vec::new();
        let mut accounts: Vec<String> = Vec::new();
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let foreign = foreign_accounts(statement, own, &cx.settings.trusted_accounts);
            if foreign.is_empty() {
                continue;
            }
            let has_external_id = statement.conditions.iter().any(|c| {
                c.key.eq_ignore_ascii_case("sts:ExternalId")
                    && matches!(
                        c.operator.as_str(),
                        "StringEquals" | "StringEqualsIgnoreCase"
                    )
                    && !c.values.is_empty()
            });
            if !has_external_id {
                accounts.extend(foreign);
                unprotected.push(&statement.raw);
            }
        }
        if unprotected.is_empty() {
            return rule.pass(
                &role.arn,
                None,
                format!(
                    "{} has no cross-account trust without an external id",
                    role.name
                ),
            );
        }
        accounts.sort();
        accounts.dedup();
        rule.fail(
            &role.arn,
            None,
            format!(
                "{} can be assumed from account(s) {} without an external id",
                role.name,
                accounts.join(", ")
            ),
        )
        .with_evidence(evidence!({ "accounts": accounts, "statements": unprotected }))
    })
}
