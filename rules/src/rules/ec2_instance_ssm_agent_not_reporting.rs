use crate::declare_rule;
use crate::evidence;
use crate::patching::each_running_instance;
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Running EC2 instances that Systems Manager manages but whose agent is not online
    /// (`ConnectionLost` or `Inactive`), in every scanned region. Instances it does not
    /// manage at all are `ec2-instance-not-managed-by-ssm`'s.
    ///
    /// ## Why it matters
    /// An agent that has stopped reporting is a managed instance in name only: patch
    /// baselines are no longer applied or scanned, the patch state Systems Manager shows is
    /// as old as the last report, and Session Manager cannot reach it.
    ///
    /// ## How to fix
    /// - On the instance, check that the `amazon-ssm-agent` service runs and can reach the
    ///   Systems Manager endpoints; check that its role still has
    ///   `AmazonSSMManagedInstanceCore`.
    /// - `aws ssm describe-instance-information --filters Key=InstanceIds,Values=ID` shows
    ///   the last ping.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html>
    pub static RULE = {
        id: "ec2-instance-ssm-agent-not-reporting",
        title: "EC2 instance's Systems Manager agent has stopped reporting",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [Instances, SsmManagedNodes],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_running_instance(rule, cx, |managed| {
        let label = managed.label();
        let region = Some(managed.region);
        // An instance with no agent registered is the not-managed rule's.
        let node = managed.node?;
        let evidence = evidence!({ "ping_status": node.ping_status, "last_ping": node.last_ping });
        let finding = if node.ping_status == "Online" {
            rule.pass(&managed.arn, region, format!("{label}'s agent is online"))
        } else {
            let since = match node.last_ping {
                Some(at) => {
                    let days = (cx.snapshot.collected_at - at).num_days();
                    let at = at.format("%Y-%m-%d");
                    format!("last reported on {at}, {days} days before the scan")
                }
                None => "which has never reported".to_string(),
            };
            let message = format!(
                "{label} is running but its agent is {}, {since}: its patch state is out of date",
                node.ping_status
            );
            rule.fail(&managed.arn, region, message)
        };
        Some(finding.with_evidence(evidence))
    })
}
