//! RDS, region by region: DB instances and clusters; the account's DB and cluster
//! snapshots, with who may restore each one that can be shared.

use aws_config::{Region, SdkConfig};
use aws_sdk_rds::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{DbCluster, DbInstance, DbSnapshot, Observed, RdsDatabases, RdsRegion};
use posture_rules::parts::Part;

use super::{each_region, Call, Tracker};

/// The largest page the RDS Describe calls return.
const PAGE: i32 = 100;

/// How many snapshots of one region have their attributes read at once.
const SNAPSHOT_CONCURRENCY: usize = 8;

pub async fn collect(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Vec<RdsRegion> {
    let (databases, snapshots) = tokio::join!(
        each_region(regions, tracker, Part::RdsDatabases, |region| {
            databases(config, region, tracker)
        }),
        each_region(regions, tracker, Part::RdsSnapshots, |region| {
            snapshots(config, region, tracker)
        }),
    );
    (databases.into_iter().zip(snapshots))
        .map(|((region, databases), (_, snapshots))| RdsRegion {
            region,
            databases,
            snapshots,
        })
        .collect()
}

fn client(config: &SdkConfig, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_rds::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    )
}

/// Instances and clusters; either list failing makes both a gap, since the rules judge an
/// instance in a cluster through its cluster.
async fn databases(config: &SdkConfig, region: &str, tracker: &Tracker) -> Observed<RdsDatabases> {
    let client = client(config, region);
    let (instances, clusters) = tokio::join!(
        (client
            .describe_db_instances()
            .max_records(PAGE)
            .into_paginator())
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>(),
        (client
            .describe_db_clusters()
            .max_records(PAGE)
            .into_paginator())
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>(),
    );
    let call = |operation| Call::new(Part::RdsDatabases, Some(region), operation);
    let instances = tracker.observe(call("DescribeDBInstances"), instances);
    let clusters = tracker.observe(call("DescribeDBClusters"), clusters);
    let (instances, clusters) = match (instances, clusters) {
        (Observed::Collected(i), Observed::Collected(c)) => (i, c),
        (Observed::Gap(gap), _) | (_, Observed::Gap(gap)) => return Observed::Gap(gap),
    };
    Observed::Collected(RdsDatabases {
        instances: instances.into_iter().map(instance).collect(),
        clusters: clusters.into_iter().map(cluster).collect(),
    })
}

fn instance(db: aws_sdk_rds::types::DbInstance) -> DbInstance {
    DbInstance {
        id: db.db_instance_identifier.unwrap_or_default(),
        arn: db.db_instance_arn.unwrap_or_default(),
        engine: db.engine.unwrap_or_default(),
        cluster: db.db_cluster_identifier,
        storage_encrypted: db.storage_encrypted.unwrap_or(false),
        kms_key_id: db.kms_key_id,
        publicly_accessible: db.publicly_accessible,
        auto_minor_version_upgrade: db.auto_minor_version_upgrade.unwrap_or(false),
        multi_az: db.multi_az.unwrap_or(false),
        replica_of: db.read_replica_source_db_instance_identifier,
        security_group_ids: (db.vpc_security_groups.unwrap_or_default().into_iter())
            .filter_map(|g| g.vpc_security_group_id)
            .collect(),
    }
}

fn cluster(db: aws_sdk_rds::types::DbCluster) -> DbCluster {
    DbCluster {
        id: db.db_cluster_identifier.unwrap_or_default(),
        arn: db.db_cluster_arn.unwrap_or_default(),
        engine: db.engine.unwrap_or_default(),
        storage_encrypted: db.storage_encrypted.unwrap_or(false),
        kms_key_id: db.kms_key_id,
        multi_az: db.multi_az.unwrap_or(false),
        engine_mode: db.engine_mode,
    }
}

/// The account's instance and cluster snapshots (not those shared with it), each
/// shareable one with its `restore` attribute. A list failing makes the region's
/// snapshots a gap; an attribute failing is a gap on that snapshot alone.
async fn snapshots(
    config: &SdkConfig,
    region: &str,
    tracker: &Tracker,
) -> Observed<Vec<DbSnapshot>> {
    let client = client(config, region);
    // Without a type, DescribeDBSnapshots lists automated and manual snapshots only: AWS
    // Backup's are asked for on their own.
    let of_instances = |kind: Option<&str>| {
        (client
            .describe_db_snapshots()
            .set_snapshot_type(kind.map(str::to_string)))
        .max_records(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
    };
    let of_clusters = (client.describe_db_cluster_snapshots().max_records(PAGE))
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let (listed, backups, of_clusters) = tokio::join!(
        of_instances(None),
        of_instances(Some("awsbackup")),
        of_clusters
    );
    let call = |operation| Call::new(Part::RdsSnapshots, Some(region), operation);
    let listed = tracker.observe(call("DescribeDBSnapshots"), listed);
    let backups = tracker.observe(call("DescribeDBSnapshots"), backups);
    let of_clusters = tracker.observe(call("DescribeDBClusterSnapshots"), of_clusters);
    let (listed, backups, of_clusters) = match (listed, backups, of_clusters) {
        (Observed::Collected(i), Observed::Collected(b), Observed::Collected(c)) => (i, b, c),
        (Observed::Gap(gap), _, _) | (_, Observed::Gap(gap), _) | (_, _, Observed::Gap(gap)) => {
            return Observed::Gap(gap)
        }
    };
    // Listed once each, whatever an endpoint that ignores the type filter answers.
    let mut seen = std::collections::BTreeSet::new();
    let of_instances: Vec<_> = (listed.into_iter().chain(backups))
        .filter(|s| seen.insert(s.db_snapshot_arn.clone()))
        .collect();
    let listed = (of_instances.into_iter().map(instance_snapshot))
        .chain(of_clusters.into_iter().map(cluster_snapshot));
    let read = stream::iter(listed)
        .map(|snapshot| restorable_by(&client, region, tracker, snapshot))
        .buffered(SNAPSHOT_CONCURRENCY)
        .collect()
        .await;
    Observed::Collected(read)
}

fn instance_snapshot(s: aws_sdk_rds::types::DbSnapshot) -> DbSnapshot {
    DbSnapshot {
        id: s.db_snapshot_identifier.unwrap_or_default(),
        arn: s.db_snapshot_arn.unwrap_or_default(),
        of_cluster: false,
        source: s.db_instance_identifier.unwrap_or_default(),
        snapshot_type: s.snapshot_type.unwrap_or_default(),
        encrypted: s.encrypted.unwrap_or(false),
        kms_key_id: s.kms_key_id,
        restorable_by: None,
    }
}

fn cluster_snapshot(s: aws_sdk_rds::types::DbClusterSnapshot) -> DbSnapshot {
    DbSnapshot {
        id: s.db_cluster_snapshot_identifier.unwrap_or_default(),
        arn: s.db_cluster_snapshot_arn.unwrap_or_default(),
        of_cluster: true,
        source: s.db_cluster_identifier.unwrap_or_default(),
        snapshot_type: s.snapshot_type.unwrap_or_default(),
        encrypted: s.storage_encrypted.unwrap_or(false),
        kms_key_id: s.kms_key_id,
        restorable_by: None,
    }
}

/// The snapshot with its `restore` attribute read, unless it is automated: automated
/// snapshots cannot be shared (they must be copied first), so there is nothing to read.
async fn restorable_by(
    client: &Client,
    region: &str,
    tracker: &Tracker,
    mut snapshot: DbSnapshot,
) -> DbSnapshot {
    if snapshot.snapshot_type == "automated" {
        return snapshot;
    }
    let restore = |values: Option<Vec<String>>, name: Option<String>| {
        (name.as_deref() == Some("restore")).then(|| values.unwrap_or_default())
    };
    let accounts = if snapshot.of_cluster {
        let read = (client.describe_db_cluster_snapshot_attributes())
            .db_cluster_snapshot_identifier(&snapshot.id)
            .send()
            .await;
        let operation = "DescribeDBClusterSnapshotAttributes";
        let call = Call::new(Part::RdsSnapshots, Some(region), operation);
        tracker.observe(call.on(&snapshot.arn), read).map(|out| {
            (out.db_cluster_snapshot_attributes_result)
                .and_then(|r| r.db_cluster_snapshot_attributes)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| restore(a.attribute_values, a.attribute_name))
                .flatten()
                .collect()
        })
    } else {
        let read = (client.describe_db_snapshot_attributes())
            .db_snapshot_identifier(&snapshot.id)
            .send()
            .await;
        let call = Call::new(
            Part::RdsSnapshots,
            Some(region),
            "DescribeDBSnapshotAttributes",
        );
        tracker.observe(call.on(&snapshot.arn), read).map(|out| {
            (out.db_snapshot_attributes_result)
                .and_then(|r| r.db_snapshot_attributes)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| restore(a.attribute_values, a.attribute_name))
                .flatten()
                .collect()
        })
    };
    snapshot.restorable_by = Some(accounts);
    snapshot
}
