use std::collections::BTreeSet;

use serde_json::Value;

use crate::access::resource_policy;
use crate::declare_rule;
use crate::evidence;
use crate::access::own_accounts::{self, OwnAccounts};
use crate::access::policy::PolicyDocument;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::{each_customer_key, key_policy};

declare_rule! {
    /// ## What it checks
    /// Customer-managed KMS keys whose key policy allows principals of other AWS accounts
    /// than the customer's own: this one, those listed in `trusted_accounts`
    /// (`posture.toml`), the accounts of the organization (every account `check --org`
    /// lists; in a scan of one account, its organization's management account, and from
    /// the management account every member), and in `posture merge` the accounts of the
    /// merged reports.
    ///
    /// ## Why it matters
    /// Another account allowed on the key can decrypt whatever the key protects that it can
    /// reach — a shared snapshot, a replicated object — and, with administrative actions,
    /// change the key's policy. Such grants are sometimes intended (a log archive, a backup
    /// account); they should be known, and listed as trusted.
    ///
    /// ## How to fix
    /// - Remove the other account's principals from the key policy, or list the account in
    ///   `trusted_accounts` if the grant is intended.
    /// - CLI: `aws kms get-key-policy --key-id KEY_ID --policy-name default`, edit, then
    ///   `aws kms put-key-policy --key-id KEY_ID --policy-name default --policy file://policy.json`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html>
    pub static RULE = {
        id: "kms-key-cross-account-access",
        title: "A KMS key policy allows other accounts",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [KmsKeys, Organization],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let own = OwnAccounts::of(cx);
    let own = |account: &str| own.contains(account);
    each_customer_key(rule, cx, |key, region| {
        Some(match key_policy(rule, key, region) {
            Ok(document) => judge(rule, &key.arn, &key.id, region, &document, &own),
            Err(unknown) => *unknown,
        })
    })
}

/// The key's finding from its policy.
fn judge(
    rule: &Rule,
    arn: &str,
    id: &str,
    region: &str,
    document: &PolicyDocument,
    own: &impl Fn(&str) -> bool,
) -> Finding {
    let found = resource_policy::foreign_grants(document, own);
    if found.accounts.is_empty() {
        let message = format!("the policy of key {id} allows no other account");
        return rule.pass(arn, Some(region), message);
    }
    let message = format!(
        "the policy of key {id} allows account(s) {}",
        found.accounts.join(", ")
    );
    rule.fail(arn, Some(region), message)
        .with_evidence(evidence!({ "grants": found.grants }))
}

/// `own_accounts::rejudge` for this rule: the statements the evidence quotes, judged again
/// with the accounts it names in `also_own` no longer foreign.
pub(crate) fn rejudge(
    finding: &Finding,
    evidence: &Value,
    also_own: &BTreeSet<String>,
) -> Option<Finding> {
    let (named, statements) = own_accounts::quoted_grants(evidence, also_own)?;
    let own = |account: &str| !named.contains(account) || also_own.contains(account);
    // `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    let id = finding.resource.rsplit('/').next()?;
    let region = finding.region.as_deref()?;
    Some(judge(
        &RULE,
        &finding.resource,
        id,
        region,
        &statements,
        &own,
    ))
}
