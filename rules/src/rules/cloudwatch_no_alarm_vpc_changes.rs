use serde_json::Value;

use crate::declare_rule;
use crate::logging::monitoring::{api_calls, judge};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Whether VPC changes raise an alarm somebody receives: a multi-region trail
    /// that logs every management event delivers to a CloudWatch Logs group; a metric
    /// filter on that group matches every sample event of the class (posture evaluates the
    /// filter's pattern against them, so any spelling of an equivalent pattern counts); an
    /// alarm with its actions enabled watches the filter's metric; and one of its actions
    /// is an SNS topic with a confirmed subscriber. One finding for the account: the alarm
    /// that covers it, or where the chain breaks.
    ///
    /// ## Why it matters
    /// A VPC created, deleted or peered changes what can reach what; a peering accepted
/// joins two networks' trust.
    ///
    /// ## How to fix
    /// - Deliver a multi-region trail to CloudWatch Logs
    ///   (`cloudtrail-cloudwatch-logs-not-integrated`).
    /// - Add a metric filter on its log group, for example `aws logs put-metric-filter
    ///   --log-group-name GROUP --filter-name NAME --metric-transformations
    ///   metricName=NAME,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern
    ///   '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ... }'`.
    /// - Add an alarm on the metric (`aws cloudwatch put-metric-alarm ... --threshold 1
    ///   --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions TOPIC_ARN`)
    ///   and subscribe the people who respond to the topic (and confirm the subscription).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    pub static RULE = {
        id: "cloudwatch-no-alarm-vpc-changes",
        title: "Nothing alarms on VPC changes",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Low,
        reads: [Trails, LogMetricAlarms],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    judge(rule, cx, "VPC changes", &events())
}

/// Sample events of the class: a filter must match every one.
pub fn events() -> Vec<Value> {
    // The benchmark also lists the ClassicLink calls; EC2-Classic was retired in 2022 and
    // they can no longer be made, so a filter need not name them.
    let names = [
        "CreateVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
    ];
    api_calls("ec2.amazonaws.com", &names)
}
