use crate::access::resource_policy;
use crate::declare_rule;
use crate::evidence;
use crate::model::KmsKey;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::{each_customer_key, key_policy};

declare_rule! {
    /// ## What it checks
    /// Customer-managed KMS keys whose key policy allows any principal (`"Principal": "*"`
    /// or `NotPrincipal`) without a condition that limits callers to known ones
    /// (`kms:CallerAccount`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`,
    /// `aws:SourceVpce`, ... with fixed values), read as the S3 rules read bucket
    /// policies.
    ///
    /// ## Why it matters
    /// A key policy is the key's first gate: a statement for everyone lets any AWS account
    /// use the key — to decrypt what it protects, or, with `kms:*`, to take the key over.
    /// IAM policies in the owning account cannot take that grant back.
    ///
    /// ## How to fix
    /// - Name the principals: the account root (`arn:aws:iam::ACCOUNT:root`) to delegate
    ///   to IAM, or specific roles; or add a condition on `kms:CallerAccount` /
    ///   `aws:PrincipalOrgID`.
    /// - CLI: `aws kms put-key-policy --key-id KEY_ID --policy-name default --policy file://policy.json`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account>
    pub static RULE = {
        id: "kms-key-policy-any-principal",
        title: "A KMS key policy allows any principal",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Critical,
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
    let open = resource_policy::public_statements(&document, cx.settings);
    if open.is_empty() {
        let message = format!(
            "the policy of key {} names its principals or limits them",
            key.id
        );
        return rule.pass(&key.arn, Some(region), message);
    }
    let message = format!(
        "the policy of key {} allows any principal in {} statement(s) without a restricting \
         condition",
        key.id,
        open.len()
    );
    rule.fail(&key.arn, Some(region), message)
        .with_evidence(evidence!({ "any_principal_statements": open }))
}
