use serde_json::json;

use crate::declare_rule;
use crate::evidence;
use crate::patching::each_running_instance;
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Running EC2 instances that Systems Manager does not manage, in every scanned region:
    /// no SSM Agent has registered them, so nobody can read or enforce their patch state
    /// through AWS.
    ///
    /// ## Why it matters
    /// AWS patches the hypervisor; the guest operating system, "including updates and
    /// security patches", is the customer's (the Shared Responsibility Model). Systems
    /// Manager is how AWS shows whether that duty is met: an instance outside it has a
    /// patch state nobody can see, and posture reports it as unknown in
    /// `ec2-instance-patches-missing`.
    ///
    /// ## How to fix
    /// - Give the instance an instance profile whose role has the
    ///   `AmazonSSMManagedInstanceCore` managed policy, or turn on Default Host Management
    ///   Configuration in Systems Manager (`aws ssm update-service-setting`).
    /// - Make sure the SSM Agent is installed (it is on most AWS-provided AMIs) and can
    ///   reach the Systems Manager endpoints (a route to the internet, or VPC endpoints for
    ///   `ssm`, `ssmmessages` and `ec2messages`).
    /// - Where another tool patches the instance, waive the finding and name the tool.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/managed_instances.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html>
    pub static RULE = {
        id: "ec2-instance-not-managed-by-ssm",
        title: "EC2 instance is not managed by Systems Manager",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [Instances, SsmManagedNodes],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_running_instance(rule, cx, |managed| {
        Some({
            let label = managed.label();
            let region = Some(managed.region);
            match managed.node {
                Some(node) => {
                    let message = format!("{label} is managed by Systems Manager");
                    let evidence = evidence!({ "ping_status": node.ping_status, "agent_version": node.agent_version });
                    rule.pass(&managed.arn, region, message)
                        .with_evidence(evidence)
                }
                None => {
                    let message = format!(
                        "{label} is running but not managed by Systems Manager: its patch state \
                     cannot be read or enforced through AWS"
                    );
                    let evidence =
                        json!({ "instance_profile": managed.instance.instance_profile_arn });
                    rule.fail(&managed.arn, region, message)
                        .with_evidence(evidence)
                }
            }
        })
    })
}
