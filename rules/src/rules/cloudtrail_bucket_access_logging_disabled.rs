use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_own_trail;

declare_rule! {
    /// ## What it checks
    /// Trails whose log bucket does not have S3 server access logging on. A bucket in
    /// another account (a central log archive) is that account's to check: the finding is
    /// `unknown`, saying so.
    ///
    /// ## Why it matters
    /// The trail's bucket holds the evidence of everything done in the account. Access
    /// logging records every request made to it, so that reading, overwriting or deleting
    /// the logs is itself on record, somewhere else.
    ///
    /// ## How to fix
    /// - Console: S3 → the trail's bucket → Properties → Server access logging → Edit →
    ///   Enable, with a target bucket that is not the log bucket itself.
    /// - CLI: `aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"ACCESS_LOG_BUCKET","TargetPrefix":"cloudtrail/"}}'`
    /// - Terraform: `aws_s3_bucket_logging` for the trail's bucket.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>
    pub static RULE = {
        id: "cloudtrail-bucket-access-logging-disabled",
        title: "A trail's log bucket has no access logging",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [Trails, Buckets, BucketLogging],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let buckets = cx.snapshot.s3.buckets.as_ref();
    each_own_trail(rule, cx, |trail, region| {
        let Some(name) = &trail.s3_bucket else {
            let reason = format!("could not be checked: trail {} names no bucket", trail.name);
            return rule.unknown(&trail.arn, region, reason);
        };
        let buckets = match buckets {
            Ok(buckets) => buckets,
            Err(gap) => return rule.unknown_gap(&trail.arn, region, gap),
        };
        let Some(bucket) = buckets.iter().find(|b| &b.name == name) else {
            let reason = format!(
                "could not be checked: trail {} writes to bucket {name}, which is not in \
                 this account; check it where it is",
                trail.name
            );
            return rule.unknown(&trail.arn, region, reason);
        };
        match bucket.logging_target.as_ref() {
            Ok(Some(target)) => {
                let message = format!(
                    "the log bucket {name} of trail {} logs its access to {target}",
                    trail.name
                );
                rule.pass(&trail.arn, region, message)
            }
            Ok(None) => {
                let message = format!(
                    "the log bucket {name} of trail {} has no server access logging",
                    trail.name
                );
                rule.fail(&trail.arn, region, message)
            }
            Err(gap) => return rule.unknown_gap(&trail.arn, region, gap),
        }
        .with_evidence(evidence!({ "bucket": name, "logging_target": bucket.logging_target }))
    })
}
