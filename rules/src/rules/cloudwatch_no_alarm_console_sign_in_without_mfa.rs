use serde_json::Value;

use crate::declare_rule;
use crate::logging::monitoring::{console_sign_in, judge};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Whether console sign-ins without MFA raise an alarm somebody receives: a multi-region trail
    /// that logs every management event delivers to a CloudWatch Logs group; a metric
    /// filter on that group matches every sample event of the class (posture evaluates the
    /// filter's pattern against them, so any spelling of an equivalent pattern counts); an
    /// alarm with its actions enabled watches the filter's metric; and one of its actions
    /// is an SNS topic with a confirmed subscriber. One finding for the account: the alarm
    /// that covers it, or where the chain breaks.
    ///
    /// ## Why it matters
    /// A console sign-in without MFA is one password away from an intruder. Where MFA is
/// required, such a sign-in is either a gap in enforcement or a user nobody knew about.
    ///
    /// ## How to fix
    /// - Deliver a multi-region trail to CloudWatch Logs
    ///   (`cloudtrail-cloudwatch-logs-not-integrated`).
    /// - Add a metric filter on its log group, for example `aws logs put-metric-filter
    ///   --log-group-name GROUP --filter-name NAME --metric-transformations
    ///   metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
    ///   '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'`.
    /// - Add an alarm on the metric (`aws cloudwatch put-metric-alarm ... --threshold 1
    ///   --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`)
    ///   and subscribe the people who respond to the topic (and confirm the subscription).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    pub static RULE = {
        id: "cloudwatch-no-alarm-console-sign-in-without-mfa",
        title: "Nothing alarms on console sign-in without MFA",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [Trails, LogMetricAlarms],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    judge(rule, cx, "console sign-ins without MFA", &events())
}

/// Sample events of the class: a filter must match every one.
pub fn events() -> Vec<Value> {
    vec![console_sign_in("Success", "No")]
}
