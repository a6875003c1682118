//! RDS: DB instances, clusters and snapshots of every region.

use serde::{Deserialize, Serialize};

use super::Observed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RdsRegion {
    pub region: String,
    /// rds:DescribeDBInstances and DescribeDBClusters, all pages.
    pub databases: Observed<RdsDatabases>,
    /// rds:DescribeDBSnapshots and DescribeDBClusterSnapshots (the account's own), with
    /// who may restore each manual one.
    pub snapshots: Observed<Vec<DbSnapshot>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RdsDatabases {
    pub instances: Vec<DbInstance>,
    pub clusters: Vec<DbCluster>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub arn: String,
    pub engine: String,
    /// The cluster it belongs to (Aurora, Multi-AZ DB clusters), whose storage it shares.
    pub cluster: Option<String>,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    /// `None` when RDS did not say (then public access is unknown, never assumed).
    pub publicly_accessible: Option<bool>,
    pub auto_minor_version_upgrade: bool,
    pub multi_az: bool,
    /// The instance this one is a read replica of.
    pub replica_of: Option<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbCluster {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub multi_az: bool,
    /// `provisioned`, `serverless`, or absent (Aurora Serverless v1 names `serverless`).
    pub engine_mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSnapshot {
    pub id: String,
    pub arn: String,
    /// Whether it is a snapshot of a cluster (DescribeDBClusterSnapshots) or of an instance.
    pub of_cluster: bool,
    /// The instance or cluster it was taken of.
    pub source: String,
    /// `manual`, `automated`, `awsbackup`.
    pub snapshot_type: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// The `restore` attribute: the accounts that may copy or restore it, `all` for anyone.
    /// `None` for automated snapshots, which cannot be shared.
    pub restorable_by: Option<Observed<Vec<String>>>,
}
