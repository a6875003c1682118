use crate::declare_rule;
use crate::network::{opened, CIFS_PORTS};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::network::security_group::check_ingress;

declare_rule! {
    /// ## What it checks
    /// Security group ingress rules that let the internet reach Windows file sharing: SMB
    /// over TCP, port 445 (CIFS). A rule counts when its protocol is TCP or `-1` (all) and
    /// its port range covers 445 (so `0-65535` counts), and its source is `0.0.0.0/0`,
    /// `::/0`, or a public range so wide it is the internet in practice, as in
    /// `ec2-security-group-admin-ports-open`. Private ranges, specific addresses, prefix
    /// lists and references to other groups are allow-lists and are not flagged.
    ///
    /// Severity: critical when an interface using the group has a public IP, high when
    /// attached without one, medium when attached to nothing (latent).
    ///
    /// ## Why it matters
    /// SMB was built for office networks. Exposed to the internet it has carried some of the
    /// most damaging worms (WannaCry and NotPetya spread through it), and it offers password
    /// guessing and NTLM relay against whatever file server answers. File shares belong
    /// behind a VPN, Direct Connect or a private link, never on a public address.
    ///
    /// ## How to fix
    /// Remove the rule, or replace the internet-wide source with your own networks or the
    /// security group of the clients that need the share.
    ///
    /// - Console: EC2 → Security Groups → the group → Inbound rules → Edit.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=tcp,FromPort=445,ToPort=445,IpRanges=[{CidrIp=0.0.0.0/0}]`
    /// - Terraform: in the `ingress` block for port 445, replace `cidr_blocks = ["0.0.0.0/0"]`
    ///   with your ranges or `security_groups = [aws_security_group.clients.id]`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>
    pub static RULE = {
        id: "ec2-security-group-cifs-open",
        title: "Security group allows SMB/CIFS (445) from the internet",
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
        "allows no SMB/CIFS from the internet",
        |permission| Some(opened(permission, CIFS_PORTS)),
    )
}
