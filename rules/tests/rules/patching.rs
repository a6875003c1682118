//! The guest OS patching rules over running and stopped instances, managed or not, with
//! agents online or silent, clean, missing, failed, stale and absent patch scans, a region
//! whose managed nodes could not be read and a region where Systems Manager was not read.

use chrono::{DateTime, TimeZone, Utc};
use posture_rules::model::{Instance, ManagedNode, Observed, PatchState, SsmRegion};
use posture_rules::rules::{
    ec2_instance_not_managed_by_ssm, ec2_instance_patches_missing,
    ec2_instance_ssm_agent_not_reporting,
};
use posture_rules::Snapshot;

use crate::fixtures::{gap, region, run, snapshot};

fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 6, 0, 0).unwrap()
}

fn instance(id: &str, state: &str) -> Instance {
    Instance {
        id: id.into(),
        state: Some(state.into()),
        public_ip: None,
        instance_profile_arn: None,
        security_group_ids: vec![],
        metadata: None,
        name: None,
    }
}

fn node(id: &str, ping: &str, last_ping: DateTime<Utc>) -> ManagedNode {
    ManagedNode {
        id: id.into(),
        ping_status: ping.into(),
        last_ping: Some(last_ping),
        resource_type: Some("EC2Instance".into()),
        platform: Some("Amazon Linux".into()),
        agent_version: Some("3.3.0.0".into()),
        name: None,
    }
}

fn scan(id: &str, end: DateTime<Utc>, missing: i32, failed: i32) -> PatchState {
    PatchState {
        instance_id: id.into(),
        operation_end: Some(end),
        operation: Some("Scan".into()),
        missing,
        failed,
        installed_pending_reboot: 0,
        critical_non_compliant: None,
        security_non_compliant: None,
    }
}

fn account() -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.regions = vec!["us-east-1".into(), "eu-west-1".into(), "sa-east-1".into()];
    let mut web = instance("i-web", "running");
    web.name = Some("web-1".into());
    let mut us = region("us-east-1");
    us.instances = Observed::Collected(vec![
        web,
        instance("i-behind", "running"),
        instance("i-unmanaged", "running"),
        instance("i-stopped", "stopped"),
        instance("i-silent", "running"),
        instance("i-unscanned", "running"),
        instance("i-failed", "running"),
    ]);
    let mut behind = scan("i-behind", day(10, 30), 12, 1);
    behind.critical_non_compliant = Some(3);
    behind.security_non_compliant = Some(5);
    let ssm_us = SsmRegion {
        region: "us-east-1".into(),
        managed_nodes: Observed::Collected(vec![
            node("i-web", "Online", day(10, 31)),
            node("i-behind", "Online", day(10, 31)),
            node("i-silent", "ConnectionLost", day(10, 12)),
            node("i-unscanned", "Online", day(10, 31)),
            node("i-failed", "Online", day(10, 31)),
        ]),
        patch_states: Observed::Collected(vec![
            scan("i-web", day(10, 30), 0, 0),
            behind,
            scan("i-silent", day(8, 1), 0, 0),
            scan("i-failed", day(10, 29), 0, 2),
        ]),
    };
    let mut eu = region("eu-west-1");
    eu.instances = Observed::Collected(vec![instance("i-eu", "running")]);
    let nodes_unread = gap("ssm", Some("eu-west-1"), "DescribeInstanceInformation");
    let ssm_eu = SsmRegion {
        region: "eu-west-1".into(),
        managed_nodes: Observed::Gap(Box::new(nodes_unread.clone())),
        patch_states: Observed::Gap(Box::new(nodes_unread)),
    };
    // sa-east-1: a running instance, Systems Manager not read. ap-south-1: only a stopped
    // instance, nothing to judge, so no finding even though SSM was not read there.
    let mut sa = region("sa-east-1");
    sa.instances = Observed::Collected(vec![instance("i-sa", "running")]);
    let mut ap = region("ap-south-1");
    ap.instances = Observed::Collected(vec![instance("i-ap", "stopped")]);
    snapshot.ec2 = vec![us, eu, sa, ap];
    snapshot.ssm = vec![ssm_us, ssm_eu];
    snapshot
}

#[test]
fn running_instances_are_judged_for_management() {
    insta::assert_snapshot!(run(&ec2_instance_not_managed_by_ssm::RULE, &account()));
}

#[test]
fn managed_instances_are_judged_for_a_reporting_agent() {
    insta::assert_snapshot!(run(&ec2_instance_ssm_agent_not_reporting::RULE, &account()));
}

#[test]
fn patch_states_are_judged_and_unknown_where_they_cannot_be_read() {
    insta::assert_snapshot!(run(&ec2_instance_patches_missing::RULE, &account()));
}

#[test]
fn patch_states_that_could_not_be_read_are_unknown() {
    let mut snapshot = account();
    let unread = gap("ssm", Some("us-east-1"), "DescribeInstancePatchStates");
    snapshot.ssm[0].patch_states = Observed::Gap(Box::new(unread));
    let judged = run(&ec2_instance_patches_missing::RULE, &snapshot);
    assert!(
        !judged.contains("pass "),
        "a pass without patch states:\n{judged}"
    );
    assert!(
        !judged.contains("fail "),
        "a fail without patch states:\n{judged}"
    );
    insta::assert_snapshot!(judged);
}
