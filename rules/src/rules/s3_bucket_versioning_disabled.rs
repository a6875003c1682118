use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket;
use crate::{evidence, evidence_object};

declare_rule! {
    /// ## What it checks
    /// S3 buckets where versioning is not `Enabled` (never enabled, or `Suspended`).
    ///
    /// ## Why it matters
    /// Without versioning, an overwrite or a delete — by mistake, by a faulty deployment or
    /// by ransomware with stolen credentials — destroys the data for good. Versions make
    /// both recoverable; protecting the data against loss is the customer's duty.
    ///
    /// ## How to fix
    /// Enable versioning, with a lifecycle rule that expires old versions to bound the cost.
    ///
    /// - Console: S3 → the bucket → Properties → Bucket Versioning → Edit → Enable.
    /// - CLI: `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled`
    /// - Terraform: `aws_s3_bucket_versioning` with `status = "Enabled"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html>
    pub static RULE = {
        id: "s3-bucket-versioning-disabled",
        title: "S3 bucket versioning is not enabled",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [Buckets, BucketVersioning],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket(rule, cx, |bucket, region| {
        let versioning = match bucket.versioning.as_ref() {
            Ok(versioning) => versioning,
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let finding = match versioning.status.as_deref() {
            Some("Enabled") => {
                rule.pass(&bucket.arn, region, format!("{} is versioned", bucket.name))
            }
            Some(status) => rule.fail(
                &bucket.arn,
                region,
                format!("{} has versioning {status}", bucket.name),
            ),
            None => rule.fail(
                &bucket.arn,
                region,
                format!("{} has never had versioning enabled", bucket.name),
            ),
        };
        finding.with_evidence(evidence!({
            "versioning": evidence_object!({
                "mfa_delete": versioning.mfa_delete,
                "status": versioning.status,
            })
        }))
    })
}
