use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_rds_databases;

declare_rule! {
    /// ## What it checks
    /// RDS databases that run in one Availability Zone, in every scanned region: DB
    /// clusters whose instances are all in one zone, and DB instances outside a cluster
    /// without a Multi-AZ standby. Aurora Serverless v1 clusters, which move their
    /// capacity to another zone on their own, are left out.
    ///
    /// ## Why it matters
    /// AWS keeps the zone running; whether the data stays available when one zone fails
    /// is the customer's design. A single-zone database is down, and its recent writes are
    /// at the mercy of the last backup, until the zone recovers or a snapshot is restored
    /// elsewhere.
    ///
    /// ## How to fix
    /// - An instance: `aws rds modify-db-instance --db-instance-identifier ID --multi-az
    ///   --apply-immediately`.
    /// - An Aurora cluster: add a reader in another zone (`aws rds create-db-instance
    ///   --db-cluster-identifier ID --availability-zone ZONE ...`); it becomes the failover
    ///   target.
    /// - A development database that may be down for hours: waive it, with the reason.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html>
    pub static RULE = {
        id: "rds-database-single-az",
        title: "RDS database runs in a single Availability Zone",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [RdsDatabases],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_databases(rule, cx, |databases, region| {
        let clusters = (databases.clusters.iter())
            .filter(|c| c.engine_mode.as_deref() != Some("serverless"))
            .map(|c| {
                let label = format!("cluster {} ({})", c.id, c.engine);
                judge(rule, &c.arn, region, label, c.multi_az)
            });
        let instances = (databases.instances.iter())
            .filter(|i| i.cluster.is_none())
            .map(|i| {
                let label = format!("instance {} ({})", i.id, i.engine);
                judge(rule, &i.arn, region, label, i.multi_az)
            });
        clusters.chain(instances).collect()
    })
}

fn judge(rule: &Rule, arn: &str, region: &str, label: String, multi_az: bool) -> Finding {
    let finding = if multi_az {
        rule.pass(
            arn,
            Some(region),
            format!("{label} runs in more than one zone"),
        )
    } else {
        let message = format!("{label} runs in one Availability Zone, with no standby elsewhere");
        rule.fail(arn, Some(region), message)
    };
    finding.with_evidence(evidence!({ "multi_az": multi_az }))
}
