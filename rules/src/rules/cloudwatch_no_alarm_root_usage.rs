use serde_json::{json, Value};

use crate::declare_rule;
use crate::logging::monitoring::{api_call, console_sign_in, judge};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Whether uses of the root user raise an alarm somebody receives: a multi-region trail
    /// that logs every management event delivers to a CloudWatch Logs group; a metric
    /// filter on that group matches every sample event of the class (posture evaluates the
    /// filter's pattern against them, so any spelling of an equivalent pattern counts); an
    /// alarm with its actions enabled watches the filter's metric; and one of its actions
    /// is an SNS topic with a confirmed subscriber. One finding for the account: the alarm
    /// that covers it, or where the chain breaks.
    ///
    /// ## Why it matters
    /// The root user can do anything in the account and no policy limits it. It should be
/// used for a handful of tasks a year; any other use is an incident until shown otherwise.
    ///
    /// ## How to fix
    /// - Deliver a multi-region trail to CloudWatch Logs
    ///   (`cloudtrail-cloudwatch-logs-not-integrated`).
    /// - Add a metric filter on its log group, for example `aws logs put-metric-filter
    ///   --log-group-name GROUP --filter-name NAME --metric-transformations
    ///   metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
    ///   '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'`.
    /// - Add an alarm on the metric (`aws cloudwatch put-metric-alarm ... --threshold 1
    ///   --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`)
    ///   and subscribe the people who respond to the topic (and confirm the subscription).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    pub static RULE = {
        id: "cloudwatch-no-alarm-root-usage",
        title: "Nothing alarms on use of the root user",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [Trails, LogMetricAlarms],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    judge(rule, cx, "uses of the root user", &events())
}

/// Sample events of the class: a filter must match every one.
pub fn events() -> Vec<Value> {
    let mut call = api_call("iam.amazonaws.com", "CreateAccessKey");
    call["userIdentity"] = json!({ "type": "Root", "arn": "arn:aws:iam::111122223333:root" });
    let mut sign_in = console_sign_in("Success", "Yes");
    sign_in["userIdentity"] = call["userIdentity"].clone();
    vec![call, sign_in]
}
