use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::network::reachability::Reachability;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};
use crate::iterate::each_in_region;

declare_rule! {
    /// ## What it checks
    /// The default security group of every VPC: it must have no inbound and no outbound
    /// rule. (AWS creates it allowing all traffic between its members and all outbound
    /// traffic.) The finding says whether any network interface still uses it.
    ///
    /// ## Why it matters
    /// Resources launched without an explicit security group land in the default one. If it
    /// allows traffic, they silently get that access; restricting it forces every workload
    /// to declare the network access it needs.
    ///
    /// ## How to fix
    /// Move workloads to purpose-made groups, then delete every rule of the default group
    /// (it cannot be deleted itself).
    ///
    /// - Console: VPC → Security groups → the group named `default` → Inbound rules and
    ///   Outbound rules → Edit → delete all.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions '<the rules>'`
    ///   and `aws ec2 revoke-security-group-egress` likewise.
    /// - Terraform: adopt it with an `aws_default_security_group` resource with no
    ///   `ingress` or `egress` blocks: Terraform then removes every rule.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
    pub static RULE = {
        id: "ec2-default-security-group-has-rules",
        title: "Default security group allows traffic",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [SecurityGroups, NetworkInterfaces],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_in_region(
        rule,
        cx,
        "security-group",
        |r| &r.security_groups,
        |region, group| {
            // Only VPC security groups have a per-VPC default; EC2-Classic is gone.
            let vpc = group
                .vpc_id
                .as_deref()
                .filter(|_| group.name == "default")?;
            let name = Some(region.region.as_str());
            let resource = arn::ec2(cx.snapshot, &region.region, "security-group", &group.id);
            let (inbound, outbound) = (group.ingress.len(), group.egress.len());
            if inbound == 0 && outbound == 0 {
                return Some(rule.pass(
                    resource,
                    name,
                    format!("{} (default of {vpc}) has no rules", group.id),
                ));
            }
            let exposure = Reachability::of_security_group(region, &group.id);
            Some(
            rule.fail(
                resource,
                name,
                format!(
                    "{} (default of {vpc}) has {inbound} inbound and {outbound} outbound rule(s); {}",
                    group.id,
                    exposure.summary()
                ),
            )
            .with_exposure(exposure.of_finding())
            .with_evidence(evidence!({
                "vpc_id": vpc,
                "ingress": Tree(&group.ingress),
                "egress": Tree(&group.egress),
                "exposure": exposure,
            })),
        )
        },
    )
}
