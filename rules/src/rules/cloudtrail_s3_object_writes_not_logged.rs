use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::logging::trails::{each_bucket_object_logging, Access};

declare_rule! {
    /// ## What it checks
    /// Buckets whose object-level writes (`PutObject`, `DeleteObject`, ...) no trail
    /// records: data events of type `AWS::S3::Object` for the whole bucket, write or all,
    /// from a trail that is logging and covers the bucket's region. Basic and advanced
    /// event selectors are both read; a selector limited to a prefix of the bucket, or one
    /// that excludes part of it, does not count.
    ///
    /// ## Why it matters
    /// Management events say who changed a bucket's settings, not who changed or deleted
    /// its objects. Without data events, the overwrite or deletion of data, by mistake,
    /// by ransomware or by a leaked key, leaves no record of who did it.
    ///
    /// ## How to fix
    /// - Console: CloudTrail → Trails → the trail → Data events → Edit → Add data event
    ///   type S3, log selector template "Log writeOnly events" (or all events), for all
    ///   current and future buckets or for this bucket.
    /// - CLI: `aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors '[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"readOnly","Equals":["false"]}]}]'`
    /// - Terraform: an `advanced_event_selector` with those field selectors on
    ///   `aws_cloudtrail`.
    ///
    /// Data events are billed per event: a bucket of no value may be left out on purpose,
    /// with a waiver saying so.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html>
    pub static RULE = {
        id: "cloudtrail-s3-object-writes-not-logged",
        title: "No trail records a bucket's object-level writes",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [Trails, Buckets],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket_object_logging(rule, cx, Access::Write)
}
