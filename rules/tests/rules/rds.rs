//! The RDS rules over standalone instances, Aurora clusters and their members, a
//! serverless cluster, snapshots of every kind, a region whose read failed and a region
//! never read.

use posture_rules::model::{DbCluster, DbInstance, DbSnapshot, Observed, RdsDatabases, RdsRegion};
use posture_rules::rules::{
    rds_database_single_az, rds_instance_minor_version_upgrade_off,
    rds_instance_publicly_accessible, rds_snapshot_public, rds_snapshot_unencrypted,
    rds_storage_unencrypted,
};
use posture_rules::Snapshot;

use crate::fixtures::{gap, run, snapshot};

const ACCOUNT: &str = "111122223333";

fn instance(id: &str, engine: &str) -> DbInstance {
    DbInstance {
        id: id.into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{id}"),
        engine: engine.into(),
        cluster: None,
        storage_encrypted: true,
        kms_key_id: Some(format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k")),
        publicly_accessible: Some(false),
        auto_minor_version_upgrade: true,
        multi_az: true,
        replica_of: None,
        security_group_ids: vec!["sg-1".into()],
    }
}

fn cluster(id: &str, engine: &str) -> DbCluster {
    DbCluster {
        id: id.into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:cluster:{id}"),
        engine: engine.into(),
        storage_encrypted: true,
        kms_key_id: Some(format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k")),
        multi_az: true,
        engine_mode: Some("provisioned".into()),
    }
}

fn snapshot_of(id: &str, source: &str, kind: &str, restore: &[&str]) -> DbSnapshot {
    let restorable_by = (kind != "automated")
        .then(|| Observed::Collected(restore.iter().map(|a| a.to_string()).collect()));
    DbSnapshot {
        id: id.into(),
        arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:{id}"),
        of_cluster: false,
        source: source.into(),
        snapshot_type: kind.into(),
        encrypted: true,
        kms_key_id: None,
        restorable_by,
    }
}

fn databases() -> RdsDatabases {
    let mut legacy = instance("legacy", "mysql");
    legacy.storage_encrypted = false;
    legacy.kms_key_id = None;
    legacy.publicly_accessible = Some(true);
    legacy.auto_minor_version_upgrade = false;
    legacy.multi_az = false;
    let mut writer = instance("orders-1", "aurora-postgresql");
    writer.cluster = Some("orders".into());
    writer.multi_az = false;
    let mut reader = instance("orders-2", "aurora-postgresql");
    reader.cluster = Some("orders".into());
    reader.multi_az = false;
    reader.publicly_accessible = Some(true);
    let mut unsaid = instance("orders-3", "aurora-postgresql");
    unsaid.cluster = Some("orders".into());
    unsaid.publicly_accessible = None;
    let mut plain = cluster("reports", "aurora-mysql");
    plain.storage_encrypted = false;
    plain.multi_az = false;
    let mut serverless = cluster("batch", "aurora-mysql");
    serverless.engine_mode = Some("serverless".into());
    serverless.multi_az = false;
    RdsDatabases {
        instances: vec![
            instance("billing", "postgres"),
            legacy,
            writer,
            reader,
            unsaid,
        ],
        clusters: vec![cluster("orders", "aurora-postgresql"), plain, serverless],
    }
}

fn snapshots() -> Vec<DbSnapshot> {
    let public = snapshot_of("export", "billing", "manual", &["all"]);
    let mut unencrypted = snapshot_of("before-upgrade", "legacy", "manual", &["444455556666"]);
    unencrypted.encrypted = false;
    let mut automated = snapshot_of("rds:legacy-2026-11-01", "legacy", "automated", &[]);
    automated.encrypted = false;
    let mut of_cluster = snapshot_of("orders-final", "orders", "manual", &[]);
    of_cluster.of_cluster = true;
    of_cluster.arn = format!("arn:aws:rds:us-east-1:{ACCOUNT}:cluster-snapshot:orders-final");
    let mut unread = snapshot_of("backup", "billing", "awsbackup", &[]);
    let attribute = gap("rds", Some("us-east-1"), "DescribeDBSnapshotAttributes");
    unread.restorable_by = Some(Observed::Gap(Box::new(attribute)));
    vec![public, unencrypted, automated, of_cluster, unread]
}

fn account() -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.regions = vec!["us-east-1".into(), "eu-west-1".into(), "sa-east-1".into()];
    snapshot.rds = vec![
        RdsRegion {
            region: "us-east-1".into(),
            databases: Observed::Collected(databases()),
            snapshots: Observed::Collected(snapshots()),
        },
        RdsRegion {
            region: "eu-west-1".into(),
            databases: Observed::Gap(Box::new(gap(
                "rds",
                Some("eu-west-1"),
                "DescribeDBInstances",
            ))),
            snapshots: Observed::Gap(Box::new(gap(
                "rds",
                Some("eu-west-1"),
                "DescribeDBSnapshots",
            ))),
        },
    ];
    // sa-east-1 is scanned but was not read.
    snapshot
}

#[test]
fn storage_encryption_is_judged_where_the_storage_is() {
    insta::assert_snapshot!(run(&rds_storage_unencrypted::RULE, &account()));
}

#[test]
fn every_instance_is_judged_for_public_access() {
    insta::assert_snapshot!(run(&rds_instance_publicly_accessible::RULE, &account()));
}

#[test]
fn every_instance_is_judged_for_minor_version_upgrades() {
    insta::assert_snapshot!(run(
        &rds_instance_minor_version_upgrade_off::RULE,
        &account()
    ));
}

#[test]
fn clusters_and_standalone_instances_are_judged_for_availability_zones() {
    insta::assert_snapshot!(run(&rds_database_single_az::RULE, &account()));
}

#[test]
fn shareable_snapshots_are_judged_for_public_restore() {
    insta::assert_snapshot!(run(&rds_snapshot_public::RULE, &account()));
}

#[test]
fn manual_snapshots_are_judged_for_encryption() {
    insta::assert_snapshot!(run(&rds_snapshot_unencrypted::RULE, &account()));
}
