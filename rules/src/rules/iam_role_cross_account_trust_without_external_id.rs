use std::collections::BTreeSet;

use serde_json::Value;

use crate::access::resource_policy::foreign_accounts;
use crate::declare_rule;
use crate::evidence;
use crate::access::own_accounts::{self, OwnAccounts};
use crate::access::policy::{Effect, Statement};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_role_trust;

declare_rule! {
    /// ## What it checks
    /// Roles whose trust policy lets principals of another AWS account assume them without
    /// an `sts:ExternalId` condition (with `StringEquals`). The customer's own accounts are
    /// not reported: those listed in the configuration (`trusted_accounts`), the accounts
    /// of the organization (every account `check --org` lists; in a scan of one account,
    /// its organization's management account, and from the management account every
    /// member), and in `posture merge` the accounts of the merged reports. AWS service
    /// principals and federated (SAML, OIDC) principals are not cross-account grants.
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
        reads: [IamAuthorizationDetails, Organization],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let own = OwnAccounts::of(cx);
    let own = |account: &str| own.contains(account);
    each_role_trust(rule, cx, |role, document| {
        judge(rule, &role.arn, &role.name, &document.statements, &own)
    })
}

/// The role's finding from the statements of its trust policy.
fn judge(
    rule: &Rule,
    arn: &str,
    name: &str,
    statements: &[Statement],
    own: &impl Fn(&str) -> bool,
) -> Finding {
    let mut unprotected = Vec::new();
    let mut accounts: Vec<String> = Vec::new();
    for statement in statements.iter().filter(|s| s.effect == Effect::Allow) {
        let foreign = foreign_accounts(statement, own);
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
            arn,
            None,
            format!("{name} has no cross-account trust without an external id"),
        );
    }
    accounts.sort();
    accounts.dedup();
    rule.fail(
        arn,
        None,
        format!(
            "{name} can be assumed from account(s) {} without an external id",
            accounts.join(", ")
        ),
    )
    .with_evidence(evidence!({ "accounts": accounts, "statements": unprotected }))
}

/// `own_accounts::rejudge` for this rule: the statements the evidence quotes, judged again
/// with the accounts it names in `also_own` no longer foreign.
pub(crate) fn rejudge(
    finding: &Finding,
    evidence: &Value,
    also_own: &BTreeSet<String>,
) -> Option<Finding> {
    let named = own_accounts::named_accounts([&evidence["accounts"]], also_own)?;
    let statements = own_accounts::quoted(evidence["statements"].as_array()?)?;
    let own = |account: &str| !named.contains(account) || also_own.contains(account);
    // Role names hold no `/`: the ARN's last segment is the name.
    let name = finding.resource.rsplit('/').next()?;
    Some(judge(
        &RULE,
        &finding.resource,
        name,
        &statements.statements,
        &own,
    ))
}
