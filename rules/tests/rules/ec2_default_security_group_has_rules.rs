use posture_rules::model::Observed;
use posture_rules::rules::ec2_default_security_group_has_rules::RULE;

use crate::fixtures::{gap, group, interface, permission, region, run, snapshot};

#[test]
fn default_groups() {
    let mut as_created = group(
        "sg-default-as-created",
        vec![permission("-1", None, &[], &[])],
    );
    as_created.name = "default".into();
    as_created.ingress[0].referenced_group_ids = vec!["sg-default-as-created".into()];
    as_created.egress = vec![permission("-1", None, &["0.0.0.0/0"], &[])];
    let mut egress_only = group("sg-default-egress", vec![]);
    egress_only.name = "default".into();
    egress_only.vpc_id = Some("vpc-2".into());
    egress_only.egress = vec![permission("-1", None, &["0.0.0.0/0"], &[])];
    let mut emptied = group("sg-default-emptied", vec![]);
    emptied.name = "default".into();
    emptied.vpc_id = Some("vpc-3".into());
    let named_like = group(
        "sg-not-default",
        vec![permission("-1", None, &["0.0.0.0/0"], &[])],
    );
    let mut region = region("us-east-1");
    region.security_groups =
        Observed::Collected(vec![as_created, egress_only, emptied, named_like]);
    region.network_interfaces =
        Observed::Collected(vec![interface("eni-1", "sg-default-as-created", None)]);
    let mut unreadable = crate::fixtures::region("eu-west-1");
    unreadable.security_groups = Observed::Gap(Box::new(gap(
        "ec2",
        Some("eu-west-1"),
        "DescribeSecurityGroups",
    )));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region, unreadable];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
