use crate::declare_rule;
use crate::evidence;
use crate::network::instance::{internet_ingress, GroupsById};
use crate::network::is_public_address;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_instance;

declare_rule! {
    /// ## What it checks
    /// EC2 instances (not terminated) with a public IPv4 address. The finding lists the
    /// instance's security groups and which of them admit ingress from the internet, since
    /// that decides whether the address is an open door or only a route out.
    ///
    /// Severity: medium when one of its security groups admits the internet on some port,
    /// low otherwise.
    ///
    /// ## Why it matters
    /// A public address makes the instance directly reachable from the internet, so one
    /// permissive security group rule is enough to expose it. Instances behind a load
    /// balancer, NAT gateway or Systems Manager need no public address.
    ///
    /// ## How to fix
    /// Launch instances in private subnets; reach them through a load balancer or Session
    /// Manager.
    ///
    /// - Console: VPC → Subnets → the subnet → Edit subnet settings → clear "Enable
    ///   auto-assign public IPv4 address"; release Elastic IPs that are not needed.
    /// - CLI: `aws ec2 modify-subnet-attribute --subnet-id subnet-… --no-map-public-ip-on-launch`
    /// - Terraform: `associate_public_ip_address = false` on `aws_instance` /
    ///   the launch template; `map_public_ip_on_launch = false` on `aws_subnet`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html>
    pub static RULE = {
        id: "ec2-instance-public-ip",
        title: "EC2 instance has a public IPv4 address",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Low,
        reads: [Instances, SecurityGroups],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let groups = GroupsById::of(&cx.snapshot.ec2);
    each_instance(rule, cx, |region, instance, resource| {
        let name = Some(region.region.as_str());
        let Some(ip) = instance
            .public_ip
            .as_deref()
            .filter(|ip| is_public_address(ip))
        else {
            return rule.pass(
                resource,
                name,
                format!("{} has no public IPv4 address", instance.id),
            );
        };
        let ingress = internet_ingress(&groups, region, instance, cx.settings);
        let (severity, reach) = match &ingress {
            Ok(groups) if !groups.is_empty() => (
                Severity::Medium,
                format!("security group(s) {} admit the internet", groups.join(", ")),
            ),
            Ok(_) => (
                rule.severity,
                "no security group admits the internet".to_string(),
            ),
            Err(reason) => (
                rule.severity,
                format!("whether its security groups admit the internet is unknown: {reason}"),
            ),
        };
        rule.fail(
            resource,
            name,
            format!("{} has public IP {ip}; {reach}", instance.id),
        )
        .with_severity(severity)
        .with_evidence(evidence!({
            "public_ip": ip,
            "security_groups": instance.security_group_ids,
            "security_groups_open_to_internet": ingress.as_ref().ok(),
        }))
    })
}
