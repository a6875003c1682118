use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket;

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose object ownership is not `BucketOwnerEnforced`, so access control
    /// lists still take effect (`ObjectWriter`, `BucketOwnerPreferred`, or no ownership
    /// controls at all, which behaves as `ObjectWriter`).
    ///
    /// ## Why it matters
    /// With ACLs enabled, every object can carry its own grants, which are easy to get wrong
    /// and hard to audit; objects uploaded by other accounts stay owned by them. Disabling
    /// ACLs leaves access to policies alone.
    ///
    /// ## How to fix
    /// Check that no workload depends on ACLs, then enforce bucket ownership.
    ///
    /// - Console: S3 → the bucket → Permissions → Object Ownership → Edit → ACLs disabled.
    /// - CLI: `aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]`
    /// - Terraform: `aws_s3_bucket_ownership_controls` with `object_ownership = "BucketOwnerEnforced"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>
    pub static RULE = {
        id: "s3-bucket-acls-enabled",
        title: "S3 bucket still uses access control lists",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [Buckets, BucketOwnership],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket(rule, cx, |bucket, region| {
        let ownership = match bucket.object_ownership.as_ref() {
            Ok(ownership) => ownership.as_deref(),
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let finding = match ownership {
            Some("BucketOwnerEnforced") => rule.pass(
                &bucket.arn,
                region,
                format!("{} has ACLs disabled", bucket.name),
            ),
            Some(other) => rule.fail(
                &bucket.arn,
                region,
                format!(
                    "{} has ACLs enabled (object ownership {other})",
                    bucket.name
                ),
            ),
            None => rule.fail(
                &bucket.arn,
                region,
                format!("{} has ACLs enabled (no ownership controls)", bucket.name),
            ),
        };
        finding.with_evidence(evidence!({ "object_ownership": ownership }))
    })
}
