//! The organization rules from each standing: the management account (guardrails,
//! centralized root access, workloads), a member account, an account in no organization,
//! and an organization that could not be read.

use posture_rules::model::{
    EfsRegion, FileSystem, Instance, MemberAccount, Observed, Organization, OrganizationManagement,
    RdsDatabases, RdsRegion,
};
use posture_rules::rules::{
    organization_account_without_guardrails, organization_management_account_has_workloads,
    organization_root_access_not_centralized,
};
use posture_rules::{Rule, Snapshot};

use crate::fixtures::{gap, region, run, snapshot};

const MANAGEMENT: &str = "111122223333";

fn member(id: &str, name: &str, guardrails: &[&str]) -> MemberAccount {
    MemberAccount {
        id: id.into(),
        name: name.into(),
        guardrails: guardrails.iter().map(|g| g.to_string()).collect(),
    }
}

fn organization(management: Option<OrganizationManagement>) -> Organization {
    Organization {
        id: "o-abc123".into(),
        management_account_id: MANAGEMENT.into(),
        feature_set: "ALL".into(),
        management,
    }
}

/// The management account, with EC2, RDS and EFS read and empty in its one region.
fn management_account() -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.ec2 = vec![region("us-east-1")];
    snapshot.rds = vec![RdsRegion {
        region: "us-east-1".into(),
        databases: Observed::Collected(RdsDatabases::default()),
        snapshots: Observed::Collected(vec![]),
    }];
    snapshot.efs = vec![EfsRegion {
        region: "us-east-1".into(),
        file_systems: Observed::Collected(vec![]),
    }];
    let accounts = vec![
        member(MANAGEMENT, "management", &[]),
        member(
            "222233334444",
            "prod",
            &["SCP DenyLeavingOrg", "RCP NoExternalAccess"],
        ),
        member("333344445555", "sandbox", &[]),
    ];
    let management = OrganizationManagement {
        accounts: Observed::Collected(accounts),
        root_access_features: Observed::Collected(vec!["RootCredentialsManagement".into()]),
    };
    snapshot.organization = Observed::Collected(Some(organization(Some(management))));
    snapshot
}

/// The rule's findings from every standing, one block each.
fn standings(rule: &Rule, management: Snapshot) -> String {
    let mut unread = management.clone();
    if let Observed::Collected(Some(org)) = &mut unread.organization {
        let management = org.management.as_mut().unwrap();
        let tree = gap("organizations", None, "ListAccountsForParent");
        management.accounts = Observed::Gap(Box::new(tree));
        let features = gap("iam", None, "ListOrganizationsFeatures");
        management.root_access_features = Observed::Gap(Box::new(features));
    }
    let mut member = snapshot();
    member.organization = Observed::Collected(Some(organization(None)));
    let standalone = snapshot();
    let mut not_read = snapshot();
    let described = gap("organizations", None, "DescribeOrganization");
    not_read.organization = Observed::Gap(Box::new(described));
    format!(
        "management account:\n{}\n\nits reads failed:\n{}\n\nmember account: [{}]\n\n\
         no organization:\n{}\n\norganization not read:\n{}",
        run(rule, &management),
        run(rule, &unread),
        run(rule, &member),
        run(rule, &standalone),
        run(rule, &not_read),
    )
}

#[test]
fn guardrails_are_judged_for_every_member_but_the_management_account() {
    let rule = &organization_account_without_guardrails::RULE;
    insta::assert_snapshot!(standings(rule, management_account()));
}

#[test]
fn root_access_is_central_only_with_root_credentials_management() {
    let rule = &organization_root_access_not_centralized::RULE;
    let mut sessions_only = management_account();
    if let Observed::Collected(Some(org)) = &mut sessions_only.organization {
        let features = vec!["RootSessions".to_string()];
        org.management.as_mut().unwrap().root_access_features = Observed::Collected(features);
    }
    insta::assert_snapshot!(format!(
        "{}\n\nroot sessions alone:\n{}",
        standings(rule, management_account()),
        run(rule, &sessions_only)
    ));
}

#[test]
fn workloads_in_the_management_account_fail_and_unknown_lists_say_so() {
    let rule = &organization_management_account_has_workloads::RULE;
    let empty = run(rule, &management_account());
    let mut busy = management_account();
    let us = &mut busy.ec2[0];
    let instance = |id: &str, state: &str| Instance {
        id: id.into(),
        state: Some(state.into()),
        public_ip: None,
        instance_profile_arn: None,
        security_group_ids: vec![],
        metadata: None,
        name: None,
    };
    us.instances = Observed::Collected(vec![
        instance("i-1", "running"),
        instance("i-2", "stopped"),
        instance("i-3", "terminated"),
    ]);
    busy.efs[0].file_systems = Observed::Collected(vec![FileSystem {
        id: "fs-1".into(),
        arn: format!("arn:aws:elasticfilesystem:us-east-1:{MANAGEMENT}:file-system/fs-1"),
        name: None,
        encrypted: true,
        kms_key_id: None,
    }]);
    let mut unknown = busy.clone();
    unknown.ec2[0].instances =
        Observed::Gap(Box::new(gap("ec2", Some("us-east-1"), "DescribeInstances")));
    let mut rds_not_read = busy.clone();
    rds_not_read.rds.clear();
    insta::assert_snapshot!(format!(
        "nothing runs:\n{empty}\n\nan instance running, one stopped, one terminated, a file \
         system:\n{}\n\ninstances unknown:\n{}\n\nRDS not read:\n{}\n\nfrom every \
         standing:\n{}",
        run(rule, &busy),
        run(rule, &unknown),
        run(rule, &rds_not_read),
        standings(rule, management_account()),
    ));
}
