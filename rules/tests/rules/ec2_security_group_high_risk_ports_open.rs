use posture_rules::model::Observed;
use posture_rules::rules::ec2_security_group_high_risk_ports_open::RULE;

use crate::fixtures::{group, interface, permission, region, run, snapshot};

#[test]
fn service_ports_from_the_internet() {
    let mut region = region("us-east-1");
    region.security_groups = Observed::Collected(vec![
        group(
            "sg-mysql",
            vec![permission("tcp", Some((3306, 3306)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-db-range",
            vec![permission("tcp", Some((5000, 6500)), &[], &["::/0"])],
        ),
        group(
            "sg-memcached-udp",
            vec![permission("udp", Some((11211, 11211)), &["0.0.0.0/0"], &[])],
        ),
        group(
            "sg-redis-private",
            vec![permission(
                "tcp",
                Some((6379, 6379)),
                &["172.16.0.0/12"],
                &[],
            )],
        ),
        group(
            "sg-postgres-office",
            vec![permission(
                "tcp",
                Some((5432, 5432)),
                &["198.51.100.16/28"],
                &[],
            )],
        ),
        group(
            "sg-web",
            vec![permission(
                "tcp",
                Some((80, 443)),
                &["0.0.0.0/0"],
                &["::/0"],
            )],
        ),
        group(
            "sg-everything",
            vec![permission("-1", None, &["0.0.0.0/0"], &[])],
        ),
    ]);
    region.network_interfaces = Observed::Collected(vec![interface("eni-db", "sg-mysql", None)]);
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
