use crate::bucket_policy;
use crate::declare_rule;
use crate::evidence;
use crate::model::KmsKey;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::scope::{each_customer_key, key_policy};

declare_rule! {
    /// ## What it checks
    /// Customer-managed KMS keys whose key policy allows principals of other AWS accounts
    /// than this one and those listed in `trusted_accounts` (`posture.toml`).
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
        reads: [KmsKeys],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_key(rule, cx, |key, region| Some(judge(rule, cx, key, region)))
}

fn judge(rule: &Rule, cx: &Context<'_>, key: &KmsKey, region: &str) -> Finding {
    let document = match key_policy(rule, key, region) {
        Ok(document) => document,
        Err(unknown) => return *unknown,
    };
    let own = cx.snapshot.account.id.as_str();
    let found = bucket_policy::foreign_grants(&document, own, &cx.settings.trusted_accounts);
    if found.accounts.is_empty() {
        let message = format!("the policy of key {} allows no other account", key.id);
        return rule.pass(&key.arn, Some(region), message);
    }
    let message = format!(
        "the policy of key {} allows account(s) {}",
        key.id,
        found.accounts.join(", ")
    );
    rule.fail(&key.arn, Some(region), message)
        .with_evidence(evidence!({ "grants": found.grants }))
}
