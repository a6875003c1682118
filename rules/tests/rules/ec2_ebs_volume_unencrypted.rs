use posture_rules::model::{Observed, Volume};
use posture_rules::rules::ec2_ebs_volume_unencrypted::RULE;

use crate::fixtures::{gap, region, run, snapshot};

fn volume(id: &str, encrypted: bool) -> Volume {
    Volume {
        id: id.into(),
        encrypted,
        kms_key_id: encrypted.then(|| "arn:aws:kms:us-east-1:111122223333:key/abc".into()),
        state: Some("in-use".into()),
        attached_instance_ids: vec!["i-1".into()],
        size_gib: Some(8),
    }
}

#[test]
fn encrypted_and_plain_volumes() {
    let mut region = region("us-east-1");
    region.volumes = Observed::Collected(vec![volume("vol-plain", false), volume("vol-kms", true)]);
    let mut gap_region = crate::fixtures::region("eu-west-1");
    gap_region.volumes = Observed::Gap(Box::new(gap("ec2", Some("eu-west-1"), "DescribeVolumes")));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region, gap_region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
