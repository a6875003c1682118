use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_rds_databases;

declare_rule! {
    /// ## What it checks
    /// RDS DB instances marked publicly accessible, in every scanned region.
    ///
    /// ## Why it matters
    /// A publicly accessible instance gets an endpoint name that resolves to a public IP
    /// address; then its security groups and the route of its subnets are all that stand
    /// between the database's listener and the internet, and one rule added for a test
    /// opens it. Databases are reached by applications inside the VPC, or through a VPN,
    /// a bastion or AWS Systems Manager.
    ///
    /// ## How to fix
    /// - `aws rds modify-db-instance --db-instance-identifier ID --no-publicly-accessible
    ///   --apply-immediately`; clients outside the VPC connect through a VPN, a bastion or
    ///   Session Manager port forwarding instead.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding>
    pub static RULE = {
        id: "rds-instance-publicly-accessible",
        title: "RDS instance is publicly accessible",
        duty: Duty::NetworkConfiguration,
        severity: Severity::High,
        reads: [RdsDatabases],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_databases(rule, cx, |databases, region| {
        (databases.instances.iter())
            .map(|instance| {
                let label = format!("instance {} ({})", instance.id, instance.engine);
                let evidence = evidence!({
                    "publicly_accessible": instance.publicly_accessible,
                    "security_group_ids": instance.security_group_ids,
                });
                let finding = match instance.publicly_accessible {
                    None => {
                        let message = format!(
                            "could not be checked: RDS did not say whether {label} is publicly \
                             accessible"
                        );
                        return rule.unknown(&instance.arn, Some(region), message);
                    }
                    Some(true) => {
                        let message = format!(
                            "{label} is publicly accessible: its endpoint resolves to a public \
                         address, and only its security groups keep the internet out"
                        );
                        rule.fail(&instance.arn, Some(region), message)
                            .with_exposure(Exposure::Internet)
                    }
                    Some(false) => {
                        let message = format!("{label} is not publicly accessible");
                        rule.pass(&instance.arn, Some(region), message)
                    }
                };
                finding.with_evidence(evidence)
            })
            .collect()
    })
}
