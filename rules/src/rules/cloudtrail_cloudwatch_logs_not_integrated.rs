use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_own_trail;

declare_rule! {
    /// ## What it checks
    /// Trails of the account that do not deliver their events to a CloudWatch Logs log
    /// group.
    ///
    /// ## Why it matters
    /// Log files in S3 are a record to read after the fact; events in CloudWatch Logs can
    /// raise an alarm within minutes (root sign-in, a security group opened, a policy
    /// changed). The CIS monitoring recommendations (metric filters and alarms) all start
    /// from this delivery.
    ///
    /// ## How to fix
    /// - CLI: create a log group and a role CloudTrail can assume to write to it, then `aws
    ///   cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn GROUP_ARN
    ///   --cloud-watch-logs-role-arn ROLE_ARN`.
    /// - Console: CloudTrail → Trails → the trail → CloudWatch Logs → Edit → Enabled.
    /// - Terraform: `cloud_watch_logs_group_arn` and `cloud_watch_logs_role_arn` on
    ///   `aws_cloudtrail`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html>
    pub static RULE = {
        id: "cloudtrail-cloudwatch-logs-not-integrated",
        title: "A trail does not deliver its events to CloudWatch Logs",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [Trails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_own_trail(rule, cx, |trail, region| {
        let group = &trail.cloudwatch_logs_group_arn;
        let evidence = evidence!({ "cloudwatch_logs_log_group_arn": group });
        match group {
            Some(group) => {
                let message = format!("trail {} delivers to log group {group}", trail.name);
                rule.pass(&trail.arn, region, message)
            }
            None => {
                let message = format!(
                    "trail {} does not deliver to CloudWatch Logs: no alarm can be raised on \
                     its events",
                    trail.name
                );
                rule.fail(&trail.arn, region, message)
            }
        }
        .with_evidence(evidence)
    })
}
