use posture_rules::model::{FlowLog, Observed, Vpc};
use posture_rules::rules::ec2_vpc_flow_logs_disabled::RULE;

use crate::fixtures::{gap, region, run, snapshot};

fn vpc(id: &str) -> Vpc {
    Vpc {
        id: id.into(),
        cidr_block: Some("10.0.0.0/16".into()),
        is_default: false,
    }
}

fn flow_log(id: &str, resource: &str, status: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        resource_id: resource.into(),
        status: Some(status.into()),
    }
}

#[test]
fn vpcs_and_their_flow_logs() {
    let mut region = region("us-east-1");
    region.vpcs = Observed::Collected(vec![
        vpc("vpc-logged"),
        vpc("vpc-unlogged"),
        vpc("vpc-subnet-only"),
        vpc("vpc-failed-log"),
    ]);
    region.flow_logs = Observed::Collected(vec![
        flow_log("fl-1", "vpc-logged", "ACTIVE"),
        flow_log("fl-2", "subnet-123", "ACTIVE"),
        flow_log("fl-3", "vpc-failed-log", "FAILED"),
    ]);
    let mut unreadable = crate::fixtures::region("eu-west-1");
    unreadable.vpcs = Observed::Collected(vec![vpc("vpc-eu")]);
    unreadable.flow_logs =
        Observed::Gap(Box::new(gap("ec2", Some("eu-west-1"), "DescribeFlowLogs")));
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region, unreadable];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
