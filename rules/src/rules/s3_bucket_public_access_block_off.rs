use crate::declare_rule;
use crate::evidence;
use crate::model::Observed;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};
use crate::iterate::each_bucket;

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose own Block Public Access configuration does not have all four
    /// settings on (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`,
    /// `RestrictPublicBuckets`). A bucket passes when the account-level configuration has
    /// all four on, which covers every bucket; the evidence says which level protects it.
    ///
    /// ## Why it matters
    /// Block Public Access is the guard rail that keeps a mistaken ACL or policy from
    /// publishing data. Without it, one wrong grant is enough.
    ///
    /// ## How to fix
    /// - Console: S3 → the bucket → Permissions → Block public access → Edit → Block all
    ///   public access (or do it once for the account: S3 → Block Public Access settings for
    ///   this account).
    /// - CLI: `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    /// - Terraform: `aws_s3_bucket_public_access_block` with all four settings `true`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
    pub static RULE = {
        id: "s3-bucket-public-access-block-off",
        title: "S3 bucket Block Public Access is not fully on",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [Buckets, AccountPublicAccessBlock, BucketPublicAccessBlock],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let account_all_on = match &cx.snapshot.s3.account_public_access_block {
        Observed::Collected(block) => Some(block.is_some_and(|b| b.all_on())),
        Observed::Gap(_) => None,
    };
    each_bucket(rule, cx, |bucket, region| {
        let block = match bucket.public_access_block.as_ref() {
            Ok(block) => block,
            Err(gap) if account_all_on != Some(true) => {
                return rule.unknown_gap(&bucket.arn, region, gap)
            }
            Err(_) => &None,
        };
        let evidence = evidence!({ "bucket": Tree(&block), "account_all_on": account_all_on });
        let finding = if block.is_some_and(|b| b.all_on()) {
            rule.pass(
                &bucket.arn,
                region,
                format!("{} blocks public access", bucket.name),
            )
        } else if account_all_on == Some(true) {
            rule.pass(
                &bucket.arn,
                region,
                format!(
                    "{} is covered by the account's Block Public Access",
                    bucket.name
                ),
            )
        } else {
            let account = match account_all_on {
                Some(_) => "",
                None => " (the account-level setting could not be read)",
            };
            let message = match block {
                None => format!(
                    "{} has no Block Public Access configuration{account}",
                    bucket.name
                ),
                Some(b) => {
                    let off: Vec<&str> = [
                        (b.block_public_acls, "BlockPublicAcls"),
                        (b.ignore_public_acls, "IgnorePublicAcls"),
                        (b.block_public_policy, "BlockPublicPolicy"),
                        (b.restrict_public_buckets, "RestrictPublicBuckets"),
                    ]
                    .into_iter()
                    .filter(|(on, _)| !on)
                    .map(|(_, name)| name)
                    .collect();
                    format!(
                        "{} has Block Public Access settings off: {}{account}",
                        bucket.name,
                        off.join(", ")
                    )
                }
            };
            rule.fail(&bucket.arn, region, message)
        };
        finding.with_evidence(evidence)
    })
}
