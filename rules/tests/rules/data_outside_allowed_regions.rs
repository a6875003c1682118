use crate::fixtures::{bucket, gap, region, run, run_with, settings, with_buckets};
use posture_rules::model::{
    DbInstance, DbSnapshot, EbsSnapshot, EfsRegion, FileSystem, Observed, RdsDatabases, RdsRegion,
};
use posture_rules::rules::data_outside_allowed_regions::RULE;

#[test]
fn data_in_and_outside_the_allowed_regions() {
    let mut frankfurt = bucket("frankfurt-data");
    frankfurt.region = Observed::Collected("eu-central-1".into());
    let virginia = bucket("virginia-data");
    let mut lost = bucket("lost");
    lost.region = Observed::Gap(Box::new(gap("s3", None, "GetBucketLocation")));
    let mut snapshot = with_buckets(vec![frankfurt, virginia, lost]);
    let mut eu = region("eu-central-1");
    let mut us = region("us-east-1");
    let copy = |id: &str| EbsSnapshot {
        id: id.into(),
        volume_id: None,
        encrypted: true,
        started: None,
        public: Observed::Collected(false),
    };
    eu.snapshots = Observed::Collected(vec![copy("snap-eu")]);
    us.snapshots = Observed::Collected(vec![copy("snap-copied-to-us")]);
    us.images = Observed::Gap(Box::new(gap("ec2", Some("us-east-1"), "DescribeImages")));
    snapshot.ec2 = vec![eu, us];
    snapshot.regions = vec!["eu-central-1".into(), "us-east-1".into()];
    snapshot.rds = vec![rds("eu-central-1", "orders"), rds("us-east-1", "reports")];
    // EFS was read in us-east-1 only: eu-central-1 is unknown, even though it is allowed.
    snapshot.efs = vec![EfsRegion {
        region: "us-east-1".into(),
        file_systems: Observed::Collected(vec![FileSystem {
            id: "fs-1".into(),
            arn: "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1".into(),
            name: None,
            encrypted: true,
            kms_key_id: None,
        }]),
    }];

    let mut settings = settings();
    settings.allowed_regions = Some(vec!["eu-central-1".into(), "eu-west-1".into()]);
    let judged = run_with(&RULE, &snapshot, &settings);
    // Without allowed regions the rule judges nothing.
    let unset = run(&RULE, &snapshot);
    insta::assert_snapshot!(format!("{judged}\n\nwithout allowed regions: [{unset}]"));
}

/// One standalone database in `region`, with a manual and an automated snapshot of it.
fn rds(region: &str, id: &str) -> RdsRegion {
    let arn = |kind: &str, name: &str| format!("arn:aws:rds:{region}:111122223333:{kind}:{name}");
    let snapshot = |name: &str, kind: &str| DbSnapshot {
        id: name.into(),
        arn: arn("snapshot", name),
        of_cluster: false,
        source: id.into(),
        snapshot_type: kind.into(),
        encrypted: true,
        kms_key_id: None,
        restorable_by: None,
    };
    RdsRegion {
        region: region.into(),
        databases: Observed::Collected(RdsDatabases {
            instances: vec![DbInstance {
                id: id.into(),
                arn: arn("db", id),
                engine: "postgres".into(),
                cluster: None,
                storage_encrypted: true,
                kms_key_id: None,
                publicly_accessible: Some(false),
                auto_minor_version_upgrade: true,
                multi_az: true,
                replica_of: None,
                security_group_ids: vec![],
            }],
            clusters: vec![],
        }),
        snapshots: Observed::Collected(vec![
            snapshot(&format!("{id}-manual"), "manual"),
            snapshot(&format!("rds:{id}-daily"), "automated"),
        ]),
    }
}
