use std::collections::BTreeSet;

use serde_json::Value;

use crate::access::resource_policy;
use crate::declare_rule;
use crate::evidence;
use crate::access::own_accounts::{self, OwnAccounts};
use crate::access::policy::PolicyDocument;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket_policy;

declare_rule! {
    /// ## What it checks
    /// S3 bucket policies with `Allow` statements for principals of other AWS accounts
    /// (an account id, or a user, role or `root` ARN of another account). The customer's own
    /// accounts are not reported: those listed in the configuration (`trusted_accounts`),
    /// the accounts of the organization (every account `check --org` lists; in a scan of
    /// one account, its organization's management account, and from the management
    /// account every member), and in `posture merge` the accounts of the merged reports.
    /// Public statements (principal `*`) are the business of `s3-bucket-public-policy`.
    ///
    /// Severity: high when another account may write data or change the bucket's
    /// permissions (`s3:PutObject`, `s3:DeleteObject`, `s3:PutBucketPolicy`,
    /// `s3:PutBucketAcl`...), medium for read access.
    ///
    /// ## Why it matters
    /// Access granted to another account is governed by that account's IAM, which you do
    /// not control: anyone it lets act can reach your data. Grants to partners, vendors or
    /// old accounts should be deliberate, minimal and reviewed.
    ///
    /// ## How to fix
    /// Remove grants that are not needed; limit the remaining ones to the actions and
    /// prefixes the other account needs, and prefer roles in your account that the partner
    /// assumes with an external id.
    ///
    /// - Console: S3 → the bucket → Permissions → Bucket policy → Edit.
    /// - CLI: `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`
    /// - Terraform: the `aws_s3_bucket_policy` document.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html>
    pub static RULE = {
        id: "s3-bucket-cross-account-access",
        title: "S3 bucket policy grants access to other AWS accounts",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [Buckets, BucketPolicy, Organization],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let own = OwnAccounts::of(cx);
    let own = |account: &str| own.contains(account);
    each_bucket_policy(
        rule,
        cx,
        |bucket, region| {
            rule.pass(
                &bucket.arn,
                region,
                format!("{} has no bucket policy", bucket.name),
            )
        },
        |bucket, region, document| judge(rule, &bucket.arn, &bucket.name, region, document, &own),
    )
}

/// The bucket's finding from its policy.
fn judge(
    rule: &Rule,
    arn: &str,
    name: &str,
    region: Option<&str>,
    document: &PolicyDocument,
    own: &impl Fn(&str) -> bool,
) -> Finding {
    let found = resource_policy::foreign_grants(document, own);
    if found.accounts.is_empty() {
        return rule.pass(
            arn,
            region,
            format!("{name}'s policy grants no other account"),
        );
    }
    rule.fail(
        arn,
        region,
        format!(
            "{name}'s policy grants {} access to account(s) {}",
            if found.writes { "write" } else { "read" },
            found.accounts.join(", ")
        ),
    )
    .with_severity(if found.writes {
        Severity::High
    } else {
        rule.severity
    })
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
    // `arn:aws:s3:::NAME`: bucket names hold no `:`.
    let name = finding.resource.rsplit(':').next()?;
    let region = finding.region.as_deref();
    Some(judge(
        &RULE,
        &finding.resource,
        name,
        region,
        &statements,
        &own,
    ))
}
