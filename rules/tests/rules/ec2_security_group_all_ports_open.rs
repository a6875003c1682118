use posture_rules::model::Observed;
use posture_rules::rules::ec2_security_group_all_ports_open::RULE;

use crate::fixtures::{group, interface, permission, region, run, snapshot};

#[test]
fn all_ports_from_the_internet() {
    let mut region = region("eu-west-1");
    region.security_groups = Observed::Collected(vec![
        group(
            "sg-all-traffic",
            vec![permission("-1", None, &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-all-tcp-ipv6",
            vec![permission("tcp", Some((0, 65535)), &[], &["::/0"])],
        ),
        group(
            "sg-all-udp-wide",
            vec![permission("udp", Some((0, 65535)), &["0.0.0.0/1"], &[])],
        ),
        group(
            "sg-all-traffic-private",
            vec![permission(
                "-1",
                None,
                &["10.0.0.0/8", "192.168.0.0/16"],
                &[],
            )],
        ),
        group(
            "sg-almost-all",
            vec![permission("tcp", Some((1, 65535)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-icmp",
            vec![permission("icmp", Some((-1, -1)), &["0.0.0.0/0"], &[])],
        ),
    ]);
    region.network_interfaces =
        Observed::Collected(vec![interface("eni-1", "sg-all-traffic", Some("3.4.5.6"))]);
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
