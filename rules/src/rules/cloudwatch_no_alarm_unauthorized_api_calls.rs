use serde_json::{json, Value};

use crate::declare_rule;
use crate::logging::monitoring::{api_call, judge};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Whether unauthorized API calls raise an alarm somebody receives: a multi-region trail
    /// that logs every management event delivers to a CloudWatch Logs group; a metric
    /// filter on that group matches every sample event of the class (posture evaluates the
    /// filter's pattern against them, so any spelling of an equivalent pattern counts); an
    /// alarm with its actions enabled watches the filter's metric; and one of its actions
    /// is an SNS topic with a confirmed subscriber. One finding for the account: the alarm
    /// that covers it, or where the chain breaks.
    ///
    /// ## Why it matters
    /// Calls refused for lack of permission are how a stolen credential shows itself: an
/// intruder probing what a key may do, or a workload whose role was changed. Seen within
/// minutes, they are an early warning; found in a log file months later, they are history.
    ///
    /// ## How to fix
    /// - Deliver a multi-region trail to CloudWatch Logs
    ///   (`cloudtrail-cloudwatch-logs-not-integrated`).
    /// - Add a metric filter on its log group, for example `aws logs put-metric-filter
    ///   --log-group-name GROUP --filter-name NAME --metric-transformations
    ///   metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
    ///   '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'`.
    /// - Add an alarm on the metric (`aws cloudwatch put-metric-alarm ... --threshold 1
    ///   --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`)
    ///   and subscribe the people who respond to the topic (and confirm the subscription).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    pub static RULE = {
        id: "cloudwatch-no-alarm-unauthorized-api-calls",
        title: "Nothing alarms on unauthorized API calls",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [Trails, LogMetricAlarms],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    judge(rule, cx, "unauthorized API calls", &events())
}

/// Sample events of the class: a filter must match every one.
pub fn events() -> Vec<Value> {
    let mut ec2 = api_call("ec2.amazonaws.com", "RunInstances");
    ec2["errorCode"] = json!("Client.UnauthorizedOperation");
    let mut s3 = api_call("s3.amazonaws.com", "GetObject");
    s3["errorCode"] = json!("AccessDenied");
    vec![ec2, s3]
}
