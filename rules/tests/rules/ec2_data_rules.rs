//! Snapshots, images and EBS encryption by default.

use posture_rules::model::{EbsSnapshot, Image, Observed};
use posture_rules::rules::*;

use crate::fixtures::{gap, region, run, snapshot};

fn ebs_snapshot(id: &str, encrypted: bool, public: Observed<bool>) -> EbsSnapshot {
    EbsSnapshot {
        id: id.into(),
        volume_id: Some("vol-1".into()),
        encrypted,
        started: None,
        public,
    }
}

pub fn account() -> posture_rules::Snapshot {
    let mut east = region("us-east-1");
    east.snapshots = Observed::Collected(vec![
        ebs_snapshot("snap-public-plain", false, Observed::Collected(true)),
        ebs_snapshot("snap-private-encrypted", true, Observed::Collected(false)),
        ebs_snapshot(
            "snap-permission-unreadable",
            true,
            Observed::Gap(Box::new(gap(
                "ec2",
                Some("us-east-1"),
                "DescribeSnapshotAttribute",
            ))),
        ),
    ]);
    east.images = Observed::Collected(vec![
        Image {
            id: "ami-public".into(),
            name: Some("golden-2026".into()),
            public: true,
        },
        Image {
            id: "ami-private".into(),
            name: None,
            public: false,
        },
    ]);
    east.ebs_encryption_by_default = Observed::Collected(false);
    let mut west = region("eu-west-1");
    west.snapshots = Observed::Gap(Box::new(gap("ec2", Some("eu-west-1"), "DescribeSnapshots")));
    west.images = Observed::Gap(Box::new(gap("ec2", Some("eu-west-1"), "DescribeImages")));
    west.ebs_encryption_by_default = Observed::Collected(true);
    let mut south = region("sa-east-1");
    south.ebs_encryption_by_default = Observed::Gap(Box::new(gap(
        "ec2",
        Some("sa-east-1"),
        "GetEbsEncryptionByDefault",
    )));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![east, west, south];
    snapshot
}

#[test]
fn snapshots_images_and_default_encryption() {
    let account = account();
    for rule in [
        &ec2_snapshot_public::RULE,
        &ec2_snapshot_unencrypted::RULE,
        &ec2_image_public::RULE,
        &ec2_ebs_encryption_by_default_off::RULE,
    ] {
        insta::assert_snapshot!(rule.id, run(rule, &account));
    }
}
