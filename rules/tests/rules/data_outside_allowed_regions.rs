use crate::fixtures::{bucket, gap, region, run, run_with, settings, with_buckets};
use posture_rules::model::{EbsSnapshot, Observed};
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

    let mut settings = settings();
    settings.allowed_regions = Some(vec!["eu-central-1".into(), "eu-west-1".into()]);
    let judged = run_with(&RULE, &snapshot, &settings);
    // Without allowed regions the rule judges nothing.
    let unset = run(&RULE, &snapshot);
    insta::assert_snapshot!(format!("{judged}\n\nwithout allowed regions: [{unset}]"));
}
