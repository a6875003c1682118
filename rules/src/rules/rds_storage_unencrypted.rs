use serde_json::json;

use crate::declare_rule;
use crate::evidence;
use crate::model::{DbCluster, DbInstance};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_rds_databases;

declare_rule! {
    /// ## What it checks
    /// RDS databases whose storage is not encrypted at rest, in every scanned region: DB
    /// clusters (Aurora, Multi-AZ DB clusters, and the DocumentDB and Neptune clusters the
    /// same API lists) and DB instances outside a cluster. An instance in a cluster uses
    /// its cluster's storage and is judged through it.
    ///
    /// ## Why it matters
    /// Encryption at rest keeps the database's storage, its automated backups, its read
    /// replicas and its snapshots unreadable without the KMS key, and puts every use of
    /// the key in CloudTrail. It can only be chosen when the database is created.
    ///
    /// ## How to fix
    /// - Take a snapshot, copy it with `aws rds copy-db-snapshot --kms-key-id KEY` (for a
    ///   cluster, `copy-db-cluster-snapshot`), restore the encrypted copy, move the
    ///   clients' endpoint to it, and delete the unencrypted database and snapshots.
    /// - Prevent new ones: an SCP or IAM policy denying `rds:CreateDBInstance` and
    ///   `rds:CreateDBCluster` when `rds:StorageEncrypted` is false.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html>
    pub static RULE = {
        id: "rds-storage-unencrypted",
        title: "RDS database storage is not encrypted at rest",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [RdsDatabases],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_rds_databases(rule, cx, |databases, region| {
        let clusters = databases.clusters.iter().map(|c| cluster(rule, c, region));
        let instances = (databases.instances.iter())
            .filter(|i| i.cluster.is_none())
            .map(|i| instance(rule, i, region));
        clusters.chain(instances).collect()
    })
}

fn cluster(rule: &Rule, cluster: &DbCluster, region: &str) -> Finding {
    let label = format!("cluster {} ({})", cluster.id, cluster.engine);
    judge(rule, &cluster.arn, region, label, cluster.storage_encrypted).with_evidence(
        json!({ "storage_encrypted": cluster.storage_encrypted, "kms_key_id": cluster.kms_key_id }),
    )
}

fn instance(rule: &Rule, instance: &DbInstance, region: &str) -> Finding {
    let label = format!("instance {} ({})", instance.id, instance.engine);
    judge(rule, &instance.arn, region, label, instance.storage_encrypted)
        .with_evidence(evidence!({ "storage_encrypted": instance.storage_encrypted, "kms_key_id": instance.kms_key_id }))
}

fn judge(rule: &Rule, arn: &str, region: &str, label: String, encrypted: bool) -> Finding {
    if encrypted {
        rule.pass(arn, Some(region), format!("{label} is encrypted at rest"))
    } else {
        rule.fail(
            arn,
            Some(region),
            format!("{label} is not encrypted at rest"),
        )
    }
}
