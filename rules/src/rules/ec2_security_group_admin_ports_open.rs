use crate::declare_rule;
use crate::network::{opened, ADMIN_PORTS};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::network::security_group::check_ingress;

declare_rule! {
    /// ## What it checks
    /// Security group ingress rules that let the internet reach the remote-administration
    /// ports: SSH (22) and RDP (3389). A rule counts when its protocol is TCP or `-1` (all)
    /// and its port range covers 22 or 3389 (so `0-65535` and `3380-3390` count), and its
    /// source is `0.0.0.0/0`, `::/0`, or a public range so wide it is the internet in
    /// practice (IPv4 /8 or shorter, IPv6 /32 or shorter, by default). A specific address or
    /// small range (an office's /32 or /28), private ranges, prefix lists and references to
    /// other security groups are deliberate allow-lists and are not flagged.
    ///
    /// The finding says which network interfaces and instances use the group. Severity:
    /// critical when an interface using the group has a public IP (reachable now), high when
    /// attached without a public IP, medium when the group is attached to nothing (latent).
    ///
    /// ## Why it matters
    /// The firewall is the customer's half of network security. SSH and RDP open to the
    /// world are scanned and brute-forced within minutes of exposure, and are a common entry
    /// point for ransomware.
    ///
    /// ## How to fix
    /// Remove the rule and reach instances through AWS Systems Manager Session Manager, or
    /// allow only your own addresses.
    ///
    /// - Console: EC2 → Security Groups → the group → Inbound rules → Edit → delete the rule.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]`
    /// - Terraform: remove the `0.0.0.0/0` / `::/0` entry from the `cidr_blocks` /
    ///   `ipv6_cidr_blocks` of the `aws_security_group` ingress block (or the
    ///   `aws_vpc_security_group_ingress_rule`).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html>
    pub static RULE = {
        id: "ec2-security-group-admin-ports-open",
        title: "Security group allows SSH or RDP from the internet",
        duty: Duty::NetworkConfiguration,
        severity: Severity::High,
        reads: [SecurityGroups, NetworkInterfaces],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    check_ingress(
        rule,
        cx,
        "allows neither SSH nor RDP from the internet",
        |permission| Some(opened(permission, ADMIN_PORTS)),
    )
}
