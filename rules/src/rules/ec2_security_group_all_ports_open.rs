use crate::declare_rule;
use crate::network::covers_all_ports;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::network::security_group::check_ingress;

declare_rule! {
    /// ## What it checks
    /// Security group ingress rules that admit the internet on every port: protocol `-1`
    /// (all traffic), or TCP or UDP on 0-65535. "The internet" is `0.0.0.0/0`, `::/0`, or a
    /// public range at least as wide as the configured threshold (IPv4 /8, IPv6 /32 by
    /// default); specific addresses, private ranges, prefix lists and security-group
    /// references are not.
    ///
    /// Severity: high when an interface using the group has a public IP (reachable now),
    /// medium when attached without a public IP, low when attached to nothing (latent).
    ///
    /// ## Why it matters
    /// A group open on every port exposes every service that listens on the instance,
    /// including the ones nobody meant to publish (databases, admin consoles, debug
    /// endpoints). The firewall is the customer's half of network security.
    ///
    /// ## How to fix
    /// Replace the rule with rules for the ports the service needs, from the sources that
    /// need them.
    ///
    /// - Console: EC2 → Security Groups → the group → Inbound rules → Edit.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]`
    /// - Terraform: remove the `protocol = "-1"` (or `from_port = 0, to_port = 65535`)
    ///   ingress block with `cidr_blocks = ["0.0.0.0/0"]` from the `aws_security_group`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    pub static RULE = {
        id: "ec2-security-group-all-ports-open",
        title: "Security group allows all ports from the internet",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [SecurityGroups, NetworkInterfaces],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    check_ingress(
        rule,
        cx,
        "does not open every port to the internet",
        |permission| {
            covers_all_ports(
                &permission.protocol,
                permission.from_port,
                permission.to_port,
            )
            .then(|| {
                let what = if permission.protocol == "-1" {
                    "all traffic"
                } else {
                    "all ports"
                };
                vec![format!("{what} ({})", permission.protocol)]
            })
        },
    )
}
