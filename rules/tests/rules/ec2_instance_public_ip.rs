use posture_rules::model::{Instance, Observed};
use posture_rules::rules::{ec2_instance_public_ip, ec2_instance_without_profile};

use crate::fixtures::{group, permission, region, run, snapshot};

fn instance(id: &str, public_ip: Option<&str>, profile: Option<&str>, groups: &[&str]) -> Instance {
    Instance {
        id: id.into(),
        state: Some("running".into()),
        public_ip: public_ip.map(str::to_string),
        instance_profile_arn: profile.map(str::to_string),
        security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
        metadata: None,
        name: None,
    }
}

fn account() -> posture_rules::Snapshot {
    let mut region = region("us-east-1");
    region.security_groups = Observed::Collected(vec![
        group(
            "sg-web",
            vec![permission("tcp", Some((443, 443)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-internal",
            vec![permission("tcp", Some((443, 443)), &["10.0.0.0/8"], &[])],
        ),
    ]);
    let mut terminated = instance("i-terminated", Some("3.3.3.3"), None, &[]);
    terminated.state = Some("terminated".into());
    region.instances = Observed::Collected(vec![
        instance("i-public-open", Some("54.1.1.1"), None, &["sg-web"]),
        instance(
            "i-public-closed",
            Some("54.2.2.2"),
            Some("arn:aws:iam::111122223333:instance-profile/app"),
            &["sg-internal"],
        ),
        instance(
            "i-public-unknown-group",
            Some("54.3.3.3"),
            None,
            &["sg-gone"],
        ),
        instance(
            "i-private",
            None,
            Some("arn:aws:iam::111122223333:instance-profile/app"),
            &["sg-web"],
        ),
        terminated,
    ]);
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    snapshot
}

#[test]
fn public_addresses_with_their_exposure() {
    insta::assert_snapshot!(run(&ec2_instance_public_ip::RULE, &account()));
}

#[test]
fn instances_without_a_role() {
    insta::assert_snapshot!(run(&ec2_instance_without_profile::RULE, &account()));
}
