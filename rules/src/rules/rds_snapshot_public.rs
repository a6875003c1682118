use crate::declare_rule;
use crate::evidence;
use crate::model::DbSnapshot;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_rds_snapshots;

declare_rule! {
    /// ## What it checks
    /// RDS snapshots, of instances and of clusters, that any AWS account may restore (the
    /// `restore` attribute holds `all`), in every scanned region. Automated snapshots
    /// cannot be shared and are left out.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account can restore a public snapshot into a database of their
    /// own and read every row: the database's own network settings and passwords no longer
    /// protect the data. Public snapshots are found by scanning, as public EBS snapshots
    /// are.
    ///
    /// ## How to fix
    /// - `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ID --attribute-name
    ///   restore --values-to-remove all` (for a cluster snapshot,
    ///   `modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier ID ...`);
    ///   share with the accounts that need it by id instead.
    /// - Treat data in a snapshot that was public as disclosed.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html>
    pub static RULE = {
        id: "rds-snapshot-public",
        title: "RDS snapshot is public",
        duty: Duty::CustomerData,
        severity: Severity::Critical,
        reads: [RdsSnapshots],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_snapshots(rule, cx, |snapshots, region| {
        snapshots
            .iter()
            .filter_map(|s| Some((s, s.restorable_by.as_ref()?)))
            .map(|(snapshot, restorable_by)| match restorable_by.as_ref() {
                Ok(accounts) => judge(rule, snapshot, accounts, region),
                Err(gap) => rule.unknown_gap(&snapshot.arn, Some(region), gap),
            })
            .collect()
    })
}

fn judge(rule: &Rule, snapshot: &DbSnapshot, accounts: &[String], region: &str) -> Finding {
    let label = label(snapshot);
    let evidence = evidence!({ "restore": accounts, "encrypted": snapshot.encrypted });
    let finding = if accounts.iter().any(|a| a == "all") {
        let message = format!("{label} can be restored by any AWS account");
        rule.fail(&snapshot.arn, Some(region), message)
            .with_exposure(Exposure::Public)
    } else {
        rule.pass(
            &snapshot.arn,
            Some(region),
            format!("{label} is not public"),
        )
    };
    finding.with_evidence(evidence)
}

/// "cluster snapshot S of C" or "snapshot S of I".
pub(crate) fn label(snapshot: &DbSnapshot) -> String {
    let kind = if snapshot.of_cluster {
        "cluster snapshot"
    } else {
        "snapshot"
    };
    format!("{kind} {} of {}", snapshot.id, snapshot.source)
}
