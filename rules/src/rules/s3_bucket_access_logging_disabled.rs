use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket;

declare_rule! {
    /// ## What it checks
    /// S3 buckets without server access logging.
    ///
    /// ## Why it matters
    /// Access logs record every request to the bucket: who read or changed which object,
    /// from where. Without them (or CloudTrail data events), a leak cannot be scoped after
    /// the fact.
    ///
    /// ## How to fix
    /// Send the logs to a dedicated bucket in the same region (not to the bucket itself).
    ///
    /// - Console: S3 → the bucket → Properties → Server access logging → Edit → Enable.
    /// - CLI: `aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"LOG-BUCKET","TargetPrefix":"BUCKET/"}}'`
    /// - Terraform: `aws_s3_bucket_logging` with `target_bucket`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>
    pub static RULE = {
        id: "s3-bucket-access-logging-disabled",
        title: "S3 bucket server access logging is off",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [Buckets, BucketLogging],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket(rule, cx, |bucket, region| {
        let target = match bucket.logging_target.as_ref() {
            Ok(target) => target,
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let finding = match target {
            Some(target) => rule.pass(
                &bucket.arn,
                region,
                format!("{} logs access to {target}", bucket.name),
            ),
            None => rule.fail(
                &bucket.arn,
                region,
                format!("{} has no server access logging", bucket.name),
            ),
        };
        finding.with_evidence(evidence!({ "target_bucket": target }))
    })
}
