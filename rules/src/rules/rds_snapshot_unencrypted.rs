use serde_json::json;

use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::rules::rds_snapshot_public::label;
use crate::iterate::each_rds_snapshots;

declare_rule! {
    /// ## What it checks
    /// Manual and AWS Backup RDS snapshots, of instances and of clusters, that are not
    /// encrypted, in every scanned region. Automated snapshots follow their database,
    /// which `rds-storage-unencrypted` judges.
    ///
    /// ## Why it matters
    /// A snapshot holds the whole database, outlives it, and is the thing that gets copied
    /// and shared. Unencrypted, a snapshot shared by mistake can be restored by its
    /// recipient without any key policy of yours being asked.
    ///
    /// ## How to fix
    /// - `aws rds copy-db-snapshot --source-db-snapshot-identifier ID
    ///   --target-db-snapshot-identifier NEW --kms-key-id KEY` (for clusters,
    ///   `copy-db-cluster-snapshot`), then delete the unencrypted snapshot.
    /// - Encrypt the database itself (`rds-storage-unencrypted`) so that new snapshots are.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html>
    pub static RULE = {
        id: "rds-snapshot-unencrypted",
        title: "RDS snapshot is not encrypted",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [RdsSnapshots],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_snapshots(rule, cx, |snapshots, region| {
        (snapshots.iter())
            .filter(|s| s.snapshot_type != "automated")
            .map(|snapshot| {
                let label = label(snapshot);
                let finding = if snapshot.encrypted {
                    rule.pass(&snapshot.arn, Some(region), format!("{label} is encrypted"))
                } else {
                    let message = format!("{label} is not encrypted");
                    rule.fail(&snapshot.arn, Some(region), message)
                };
                let evidence =
                    json!({ "encrypted": snapshot.encrypted, "kms_key_id": snapshot.kms_key_id });
                finding.with_evidence(evidence)
            })
            .collect()
    })
}
