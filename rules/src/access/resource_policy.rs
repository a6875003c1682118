//! What a bucket policy grants, in S3's own terms: which `Allow` statements make a bucket
//! public ("The meaning of public" in the S3 user guide), and which grant other accounts.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::access::policy::{
    Condition, Effect, PolicyDocument, Principals, Statement, StatementText,
};
use crate::model::arn;
use crate::model::{Bucket, Observed, PublicAccessBlock};
use crate::network::{source_reach, SourceReach};
use crate::rule::{Finding, Rule};
use crate::settings::Settings;

/// The bucket's parsed policy (`None`: it has none), or the `unknown` finding to report
/// when the policy could not be read or parsed.
pub fn parsed(
    rule: &Rule,
    bucket: &Bucket,
    region: Option<&str>,
) -> Result<Option<Arc<PolicyDocument>>, Box<Finding>> {
    match bucket.policy.as_ref() {
        Ok(None) => Ok(None),
        Ok(Some(text)) => text.document().map(Some).map_err(|error| {
            Box::new(rule.unknown(
                &bucket.arn,
                region,
                format!(
                    "could not be checked: the bucket policy of {}: {error}",
                    bucket.name
                ),
            ))
        }),
        Err(gap) => Err(Box::new(rule.unknown_gap(&bucket.arn, region, gap))),
    }
}

/// Condition keys that, with fixed values, limit a statement to known callers. These are
/// the keys of AWS's own definition of a public bucket policy (S3 API reference,
/// `PublicAccessBlockConfiguration`: "Amazon S3 considers a bucket policy public unless"
/// it grants only to fixed values of them), and the caller keys of key policies.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:userid",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    // KMS's own name for the caller's account (key policies).
    "kms:calleraccount",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    // Only requests that encrypt with this one key: AWS's definition lists it.
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Condition keys that limit callers to an organization or account of the customer's
/// own: not the public, and the evidence says so.
const OWN_CALLER_KEYS: &[&str] = &["aws:principalorgid", "aws:principalaccount"];

/// Actions that change data or permissions: a public or foreign grant of any of them is
/// more severe than read access.
pub const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteBucket",
];

/// How an `Allow` statement for everyone is (or is not) limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Anyone on the internet.
    Public,
    /// Limited by this condition to known callers.
    Restricted {
        condition: String,
        own_organization: bool,
    },
}

/// For an `Allow` statement whose principal is everyone (or that uses `NotPrincipal`), how
/// far it reaches; `None` for other statements.
pub fn reach(statement: &Statement, settings: &Settings) -> Option<Reach> {
    if statement.effect != Effect::Allow {
        return None;
    }
    // `Allow` with `NotPrincipal` grants everyone but the listed principals.
    if !statement.principal_is_everyone() && statement.not_principal.is_none() {
        return None;
    }
    for condition in &statement.conditions {
        if restricts(condition, settings) {
            let key = condition.key.to_ascii_lowercase();
            return Some(Reach::Restricted {
                condition: format!(
                    "{} {} {}",
                    condition.operator,
                    condition.key,
                    condition.values.join(", ")
                ),
                own_organization: OWN_CALLER_KEYS.contains(&key.as_str()),
            });
        }
    }
    Some(Reach::Public)
}

/// Whether one condition limits the callers to a fixed, known set.
fn restricts(condition: &Condition, settings: &Settings) -> bool {
    let operator = condition.operator.as_str();
    // `...IfExists` matches when the key is absent; `ForAllValues:` matches an empty set.
    if operator.ends_with("IfExists") || operator.starts_with("ForAllValues:") {
        return false;
    }
    let operator = operator.trim_start_matches("ForAnyValue:");
    let key = condition.key.to_ascii_lowercase();
    if !RESTRICTING_KEYS.contains(&key.as_str()) || condition.values.is_empty() {
        return false;
    }
    if key == "aws:sourceip" {
        return operator == "IpAddress"
            && condition
                .values
                .iter()
                .all(|cidr| source_reach(cidr, settings) == Ok(SourceReach::Limited));
    }
    let positive = matches!(
        operator,
        "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" | "ArnEquals" | "ArnLike"
    );
    positive && condition.values.iter().all(|value| is_fixed(&key, value))
}

/// A value that names specific callers: no wildcard and no policy variable, except that
/// `aws:userid` may be `ROLEID:*` (every session of one role).
fn is_fixed(key: &str, value: &str) -> bool {
    if value.contains("${") {
        return false;
    }
    if key == "aws:userid" {
        if let Some(role_id) = value.strip_suffix(":*") {
            return !role_id.is_empty() && !role_id.contains(['*', '?']);
        }
    }
    !value.contains(['*', '?'])
}

/// Whether the statement grants any write or permission-changing action.
pub fn grants_write(statement: &Statement) -> bool {
    WRITE_ACTIONS
        .iter()
        .any(|action| statement.covers_action(action))
}

/// The AWS accounts that are not the customer's `own` (`own_accounts.rs`) that the
/// statement's principal names: account ids, or the account of principal ARNs.
pub fn foreign_accounts(statement: &Statement, own: &impl Fn(&str) -> bool) -> Vec<String> {
    let Some(Principals::Map(map)) = &statement.principal else {
        return Vec::new();
    };
    let mut accounts: Vec<String> = map
        .get("AWS")
        .into_iter()
        .flatten()
        .filter_map(|principal| arn::account_of(principal))
        .filter(|account| !own(account))
        .collect();
    accounts.sort();
    accounts.dedup();
    accounts
}

/// The `Allow` statements of a resource policy that reach anyone on the internet (any
/// principal, no restricting condition), as evidence.
pub fn public_statements<'d>(
    document: &'d PolicyDocument,
    settings: &Settings,
) -> Vec<&'d StatementText> {
    document
        .statements
        .iter()
        .filter(|s| matches!(reach(s, settings), Some(Reach::Public)))
        .map(|s| &s.raw)
        .collect()
}

/// What a resource policy grants accounts that are not the customer's `own`.
pub struct ForeignGrants {
    /// The accounts, sorted, once each.
    pub accounts: Vec<String>,
    /// Each granting statement with the accounts it names, as evidence.
    pub grants: Vec<Value>,
    /// Whether any of those statements grants a write or permission-changing action.
    pub writes: bool,
}

pub fn foreign_grants(document: &PolicyDocument, own: &impl Fn(&str) -> bool) -> ForeignGrants {
    let mut found = ForeignGrants {
        accounts: Vec::new(),
        grants: Vec::new(),
        writes: false,
    };
    for statement in document
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let foreign = foreign_accounts(statement, own);
        if foreign.is_empty() {
            continue;
        }
        found.writes |= grants_write(statement);
        found
            .grants
            .push(json!({ "accounts": foreign, "statement": &statement.raw }));
        found.accounts.extend(foreign);
    }
    found.accounts.sort();
    found.accounts.dedup();
    found
}

/// Whether Block Public Access stops a public policy from taking effect.
pub enum PolicyBlock {
    /// Yes, by the setting named.
    By(&'static str),
    No,
    /// A level could not be read and the other does not settle it.
    Unknown,
}

pub fn restrict_public_buckets(
    bucket: &Observed<Option<PublicAccessBlock>>,
    account: &Observed<Option<PublicAccessBlock>>,
) -> PolicyBlock {
    let on = |block: &Observed<Option<PublicAccessBlock>>| match block {
        Observed::Collected(block) => Some(block.is_some_and(|b| b.restrict_public_buckets)),
        Observed::Gap(_) => None,
    };
    match (on(bucket), on(account)) {
        (Some(true), _) => PolicyBlock::By("the bucket's RestrictPublicBuckets"),
        (_, Some(true)) => PolicyBlock::By("the account's RestrictPublicBuckets"),
        (Some(false), Some(false)) => PolicyBlock::No,
        _ => PolicyBlock::Unknown,
    }
}
