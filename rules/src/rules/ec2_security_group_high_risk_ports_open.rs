use crate::declare_rule;
use crate::network::{covers_all_ports, opened, HIGH_RISK_PORTS};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::network::security_group::check_ingress;

declare_rule! {
    /// ## What it checks
    /// Security group ingress rules that admit the internet to high-risk service ports:
    /// FTP (20-21), Telnet (23), Microsoft RPC and NetBIOS (135-139), Microsoft SQL Server (1433-1434), Oracle (1521), Docker (2375-2376), etcd (2379),
    /// MySQL (3306), PostgreSQL (5432), VNC (5500, 5900), Kibana (5601), CouchDB (5984),
    /// Redis (6379), Cassandra (7199, 9042, 9160), Hadoop (8020, 50070), Jupyter (8888),
    /// Kafka (9092), Elasticsearch / OpenSearch (9200, 9300), Memcached (11211) and
    /// MongoDB (27017-27018) — the table is `HIGH_RISK_PORTS` in `rules/src/network/mod.rs`.
    /// Port ranges that include one of them count. "The internet" is as in
    /// `ec2-security-group-admin-ports-open`. SMB/CIFS (445) has its own rule,
    /// `ec2-security-group-cifs-open`, so that one open port is one finding.
    ///
    /// A rule open on every port is reported here too ("every high-risk service port"), and
    /// by `ec2-security-group-all-ports-open`.
    ///
    /// Severity: critical when an interface using the group has a public IP, high when
    /// attached without one, medium when attached to nothing (latent).
    ///
    /// ## Why it matters
    /// These services were built for trusted networks: many have no authentication by
    /// default (Redis, Memcached, Elasticsearch, MongoDB, Docker), send credentials in clear
    /// text (FTP, Telnet), or are constant targets of worms (SMB). Data stores reachable from
    /// the internet are the most common source of large data leaks.
    ///
    /// ## How to fix
    /// Put these services in private subnets and allow only the application's security
    /// group (a security-group reference) or your own address ranges.
    ///
    /// - Console: EC2 → Security Groups → the group → Inbound rules → Edit.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}]`
    /// - Terraform: replace `cidr_blocks = ["0.0.0.0/0"]` with `security_groups = [aws_security_group.app.id]`
    ///   in the ingress block.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19>
    pub static RULE = {
        id: "ec2-security-group-high-risk-ports-open",
        title: "Security group allows high-risk service ports from the internet",
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
        "allows no high-risk service port from the internet",
        |permission| {
            if covers_all_ports(
                &permission.protocol,
                permission.from_port,
                permission.to_port,
            ) {
                return Some(vec!["every high-risk service port".to_string()]);
            }
            Some(opened(permission, HIGH_RISK_PORTS))
        },
    )
}
