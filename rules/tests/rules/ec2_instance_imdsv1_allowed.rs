use posture_rules::model::{Instance, InstanceMetadataOptions, Observed};
use posture_rules::rules::ec2_instance_imdsv1_allowed::RULE;

use crate::fixtures::{gap, region, run, snapshot};

fn instance(id: &str, state: &str, tokens: Option<&str>, endpoint: Option<&str>) -> Instance {
    Instance {
        id: id.into(),
        state: Some(state.into()),
        public_ip: None,
        instance_profile_arn: None,
        security_group_ids: vec![],
        metadata: Some(InstanceMetadataOptions {
            http_tokens: tokens.map(str::to_string),
            http_endpoint: endpoint.map(str::to_string),
        }),
        name: None,
    }
}

#[test]
fn imds_versions() {
    let mut no_metadata = instance("i-no-metadata", "running", None, None);
    no_metadata.metadata = None;
    let mut region = region("eu-west-1");
    region.instances = Observed::Collected(vec![
        instance("i-v1", "running", Some("optional"), Some("enabled")),
        instance("i-v2", "running", Some("required"), Some("enabled")),
        instance(
            "i-endpoint-off",
            "stopped",
            Some("optional"),
            Some("disabled"),
        ),
        instance(
            "i-terminated",
            "terminated",
            Some("optional"),
            Some("enabled"),
        ),
        no_metadata,
    ]);
    let mut gap_region = crate::fixtures::region("us-east-1");
    gap_region.instances =
        Observed::Gap(Box::new(gap("ec2", Some("us-east-1"), "DescribeInstances")));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region, gap_region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
