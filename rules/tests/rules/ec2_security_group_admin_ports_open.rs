use posture_rules::model::Observed;
use posture_rules::rules::ec2_security_group_admin_ports_open::RULE;

use crate::fixtures::{gap, group, interface, permission, region, run, snapshot};

#[test]
fn open_and_allow_listed_sources() {
    let mut referencing = group(
        "sg-references-group",
        vec![permission("tcp", Some((22, 22)), &[], &[])],
    );
    referencing.ingress[0].referenced_group_ids = vec!["sg-bastion".into()];
    let mut egress_only = group("sg-egress-only", vec![]);
    egress_only.egress = vec![permission("-1", None, &["0.0.0.0/0"], &["::/0"])];
    let mut region = region("us-east-1");
    region.security_groups = Observed::Collected(vec![
        group(
            "sg-ssh-world",
            vec![permission("tcp", Some((22, 22)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-rdp-range-ipv6",
            vec![permission("tcp", Some((3380, 3390)), &[], &["::/0"])],
        ),
        group(
            "sg-all-protocols",
            vec![permission("-1", None, &["0.0.0.0/1"], &[])],
        ),
        group(
            "sg-all-tcp-ports",
            vec![permission("6", Some((0, 65535)), &["44.0.0.0/8"], &[])],
        ),
        group(
            "sg-private-range",
            vec![permission("tcp", Some((22, 22)), &["10.0.0.0/8"], &[])],
        ),
        group(
            "sg-office-address",
            vec![permission("tcp", Some((22, 22)), &["203.0.113.7/32"], &[])],
        ),
        group(
            "sg-https-world",
            vec![permission(
                "tcp",
                Some((443, 443)),
                &["0.0.0.0/0"],
                &["::/0"],
            )],
        ),
        group(
            "sg-udp-22",
            vec![permission("udp", Some((22, 22)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-range-below-rdp",
            vec![permission("tcp", Some((3380, 3388)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-garbled-cidr",
            vec![permission("tcp", Some((22, 22)), &["not-a-cidr"], &[])],
        ),
        referencing,
        egress_only,
    ]);
    region.network_interfaces = Observed::Collected(vec![
        interface("eni-public", "sg-ssh-world", Some("54.1.2.3")),
        interface("eni-private", "sg-all-protocols", None),
    ]);
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}

#[test]
fn unknown_exposure_keeps_the_base_severity() {
    let mut region = region("us-east-1");
    region.security_groups = Observed::Collected(vec![group(
        "sg-ssh-world",
        vec![permission("tcp", Some((22, 22)), &["0.0.0.0/0"], &[])],
    )]);
    region.network_interfaces = Observed::Gap(Box::new(gap(
        "ec2",
        Some("us-east-1"),
        "DescribeNetworkInterfaces",
    )));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}

#[test]
fn a_region_whose_groups_could_not_be_read_is_unknown() {
    let mut region = region("us-east-1");
    region.security_groups = Observed::Gap(Box::new(gap(
        "ec2",
        Some("us-east-1"),
        "DescribeSecurityGroups",
    )));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    let findings = run(&RULE, &snapshot);
    assert!(findings.starts_with("unknown"), "{findings}");
    assert!(!findings.contains("pass"), "{findings}");
    insta::assert_snapshot!(findings);
}
