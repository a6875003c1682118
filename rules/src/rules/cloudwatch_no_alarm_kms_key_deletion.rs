use serde_json::Value;

use crate::declare_rule;
use crate::logging::monitoring::{api_calls, judge};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Whether customer KMS keys disabled or scheduled for deletion raise an alarm somebody receives: a multi-region trail
    /// that logs every management event delivers to a CloudWatch Logs group; a metric
    /// filter on that group matches every sample event of the class (posture evaluates the
    /// filter's pattern against them, so any spelling of an equivalent pattern counts); an
    /// alarm with its actions enabled watches the filter's metric; and one of its actions
    /// is an SNS topic with a confirmed subscriber. One finding for the account: the alarm
    /// that covers it, or where the chain breaks.
    ///
    /// ## Why it matters
    /// Data encrypted under a deleted key is gone for good, and a disabled key stops every
/// read of it. The waiting period before deletion is only useful if somebody hears of it.
    ///
    /// ## How to fix
    /// - Deliver a multi-region trail to CloudWatch Logs
    ///   (`cloudtrail-cloudwatch-logs-not-integrated`).
    /// - Add a metric filter on its log group, for example `aws logs put-metric-filter
    ///   --log-group-name GROUP --filter-name NAME --metric-transformations
    ///   metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
    ///   '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }'`.
    /// - Add an alarm on the metric (`aws cloudwatch put-metric-alarm ... --threshold 1
    ///   --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`)
    ///   and subscribe the people who respond to the topic (and confirm the subscription).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    pub static RULE = {
        id: "cloudwatch-no-alarm-kms-key-deletion",
        title: "Nothing alarms on disabling or deleting customer KMS keys",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Low,
        reads: [Trails, LogMetricAlarms],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    judge(
        rule,
        cx,
        "customer KMS keys disabled or scheduled for deletion",
        &events(),
    )
}

/// Sample events of the class: a filter must match every one.
pub fn events() -> Vec<Value> {
    api_calls("kms.amazonaws.com", &["DisableKey", "ScheduleKeyDeletion"])
}
