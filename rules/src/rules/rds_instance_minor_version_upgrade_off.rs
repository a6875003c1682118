use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_rds_databases;

declare_rule! {
    /// ## What it checks
    /// RDS DB instances that do not take minor engine versions automatically, in every
    /// scanned region.
    ///
    /// ## Why it matters
    /// Minor versions of a database engine carry its security fixes. AWS patches the host,
    /// but which engine version runs is the customer's choice: with automatic minor version
    /// upgrade off, an instance keeps a vulnerable version until somebody upgrades it by
    /// hand. With it on, the upgrade happens in the maintenance window.
    ///
    /// ## How to fix
    /// - `aws rds modify-db-instance --db-instance-identifier ID
    ///   --auto-minor-version-upgrade`, and choose a maintenance window that suits the
    ///   application.
    /// - Where upgrades must be tested first, keep it off only with a process that applies
    ///   them within weeks, and record the waiver.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades>
    pub static RULE = {
        id: "rds-instance-minor-version-upgrade-off",
        title: "RDS instance does not take minor version upgrades automatically",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Low,
        reads: [RdsDatabases],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_databases(rule, cx, |databases, region| {
        (databases.instances.iter())
            .map(|instance| {
                let label = format!("instance {} ({})", instance.id, instance.engine);
                let upgrades = instance.auto_minor_version_upgrade;
                let finding = if upgrades {
                    let message = format!("{label} takes minor version upgrades automatically");
                    rule.pass(&instance.arn, Some(region), message)
                } else {
                    let message = format!(
                        "{label} does not take minor version upgrades automatically: engine \
                         security fixes wait for a manual upgrade"
                    );
                    rule.fail(&instance.arn, Some(region), message)
                };
                finding.with_evidence(evidence!({ "auto_minor_version_upgrade": upgrades }))
            })
            .collect()
    })
}
