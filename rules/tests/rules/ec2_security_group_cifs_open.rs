use posture_rules::model::Observed;
use posture_rules::rules::ec2_security_group_cifs_open::RULE;

use crate::fixtures::{gap, group, interface, permission, region, run, snapshot};

#[test]
fn smb_from_the_internet() {
    let mut region = region("us-east-1");
    region.security_groups = Observed::Collected(vec![
        group(
            "sg-smb-public",
            vec![permission("tcp", Some((445, 445)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-smb-ipv6-range",
            vec![permission("tcp", Some((400, 500)), &[], &["::/0"])],
        ),
        group(
            "sg-all-traffic",
            vec![permission("-1", None, &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-smb-udp-only",
            vec![permission("udp", Some((445, 445)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-smb-office",
            vec![permission(
                "tcp",
                Some((445, 445)),
                &["198.51.100.0/28"],
                &[],
            )],
        ),
        group(
            "sg-smb-private",
            vec![permission("tcp", Some((445, 445)), &["10.0.0.0/8"], &[])],
        ),
    ]);
    region.network_interfaces = Observed::Collected(vec![interface(
        "eni-files",
        "sg-smb-public",
        Some("203.0.113.9"),
    )]);
    let mut unreadable = super::fixtures::region("eu-west-1");
    unreadable.security_groups = Observed::Gap(Box::new(gap(
        "ec2",
        Some("eu-west-1"),
        "DescribeSecurityGroups",
    )));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region, unreadable];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
