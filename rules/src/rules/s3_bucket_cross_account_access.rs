use crate::bucket_policy;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::scope::each_bucket_policy;

declare_rule! {
    /// ## What it checks
    /// S3 bucket policies with `Allow` statements for principals of other AWS accounts
    /// (an account id, or a user, role or `root` ARN of another account). Accounts listed as
    /// the customer's own in the configuration are not reported. Public statements
    /// (principal `*`) are the business of `s3-bucket-public-policy`.
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
    /// - AWS FSBP S3.6
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html>
    pub static RULE = {
        id: "s3-bucket-cross-account-access",
        title: "S3 bucket policy grants access to other AWS accounts",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [Buckets, BucketPolicy],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let own = cx.snapshot.account.id.as_str();
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
        |bucket, region, document| {
            let found = bucket_policy::foreign_grants(document, own, &cx.settings.trusted_accounts);
            if found.accounts.is_empty() {
                return rule.pass(
                    &bucket.arn,
                    region,
                    format!("{}'s policy grants no other account", bucket.name),
                );
            }
            rule.fail(
                &bucket.arn,
                region,
                format!(
                    "{}'s policy grants {} access to account(s) {}",
                    bucket.name,
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
        },
    )
}
