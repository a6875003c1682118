use posture_rules::model::{NetworkAcl, NetworkAclEntry, Observed};
use posture_rules::rules::ec2_network_acl_admin_ports_open::RULE;

use crate::fixtures::{region, run, snapshot};

fn entry(
    number: i32,
    action: &str,
    protocol: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NetworkAclEntry {
    let v6 = cidr.contains(':');
    NetworkAclEntry {
        rule_number: number,
        egress: false,
        action: action.into(),
        protocol: protocol.into(),
        cidr_block: (!v6).then(|| cidr.to_string()),
        ipv6_cidr_block: v6.then(|| cidr.to_string()),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
    }
}

fn acl(id: &str, entries: Vec<NetworkAclEntry>) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        vpc_id: Some("vpc-1".into()),
        is_default: false,
        subnet_ids: vec!["subnet-1".into()],
        entries,
    }
}

#[test]
fn rule_order_and_denies() {
    let default_deny = entry(32767, "deny", "-1", "0.0.0.0/0", None);
    let mut egress_allow = entry(100, "allow", "-1", "0.0.0.0/0", None);
    egress_allow.egress = true;
    let mut region = region("us-east-1");
    region.network_acls = Observed::Collected(vec![
        acl(
            "acl-deny-100-before-allow-200",
            vec![
                entry(100, "deny", "-1", "0.0.0.0/0", None),
                entry(200, "allow", "-1", "0.0.0.0/0", None),
                default_deny.clone(),
            ],
        ),
        acl(
            "acl-ssh-denied-but-rdp-allowed",
            vec![
                entry(100, "deny", "6", "0.0.0.0/0", Some((22, 22))),
                entry(200, "allow", "6", "0.0.0.0/0", Some((0, 65535))),
                entry(300, "deny", "-1", "::/0", None),
                default_deny.clone(),
            ],
        ),
        acl(
            "acl-allow-100-before-deny-200",
            vec![
                entry(100, "allow", "6", "0.0.0.0/0", Some((22, 22))),
                entry(200, "deny", "6", "0.0.0.0/0", Some((22, 22))),
                default_deny.clone(),
            ],
        ),
        acl(
            "acl-default-allow-all",
            vec![
                entry(100, "allow", "-1", "0.0.0.0/0", None),
                entry(101, "allow", "-1", "::/0", None),
                default_deny.clone(),
            ],
        ),
        acl(
            "acl-office-only",
            vec![
                entry(90, "allow", "6", "203.0.113.0/24", Some((22, 22))),
                entry(100, "deny", "6", "0.0.0.0/0", Some((22, 22))),
                entry(110, "deny", "6", "0.0.0.0/0", Some((3389, 3389))),
                entry(120, "allow", "6", "0.0.0.0/0", Some((443, 443))),
                default_deny.clone(),
            ],
        ),
        acl(
            "acl-partial-deny",
            vec![
                entry(100, "deny", "6", "10.0.0.0/8", Some((0, 65535))),
                entry(200, "allow", "6", "0.0.0.0/0", Some((3389, 3389))),
            ],
        ),
        acl(
            "acl-ipv4-deny-ipv6-open",
            vec![
                entry(100, "deny", "-1", "0.0.0.0/0", None),
                entry(110, "allow", "6", "::/0", Some((22, 22))),
            ],
        ),
        acl("acl-egress-only", vec![egress_allow, default_deny]),
    ]);
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
