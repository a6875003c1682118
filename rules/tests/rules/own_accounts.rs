//! The customer's own accounts (`own_accounts.rs`) in the rules on grants to other
//! accounts: the organization's accounts are not strangers — as `check --org` listed them
//! (read or not), and as the snapshot's organization part knows them — while an account
//! outside it still is. And `posture merge`'s re-judging of a finding from its evidence
//! gives what the rule gives when it knows the accounts.

use std::collections::BTreeSet;

use posture_rules::access::own_accounts::rejudge;
use posture_rules::model::{
    AuthorizationDetails, KmsKey, KmsRegion, MemberAccount, Observed, Organization,
    OrganizationManagement, Role,
};
use posture_rules::rule::{Context, WaiverNote};
use posture_rules::rules::{
    iam_role_cross_account_trust_without_external_id as role_trust,
    kms_key_cross_account_access as key_policy, s3_bucket_cross_account_access as bucket_policy,
};
use posture_rules::{Finding, Rule, Settings, Snapshot, Status};

use crate::fixtures::{gap, run_with, settings, snapshot, with_buckets};
use crate::s3_bucket_public_policy::with_policy;

/// The scanned account (the fixtures'), a member of the organization.
const SCANNED: &str = "111122223333";
const MANAGEMENT: &str = "222233334444";
const SIBLING: &str = "333344445555";
/// An account `check --org` listed but could not read.
const NOT_READ: &str = "555566667777";
const OUTSIDER: &str = "999988887777";

fn role(name: &str, principals: &[&str], condition: &str) -> Role {
    let principals: Vec<String> = principals.iter().map(|p| format!("\"{p}\"")).collect();
    Role {
        name: name.into(),
        arn: format!("arn:aws:iam::{SCANNED}:role/{name}"),
        created: None,
        trust_policy: Some(
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":"sts:AssumeRole"{condition}}}]}}"#,
                principals.join(",")
            )
            .into(),
        ),
        attached_policies: vec![],
        inline_policies: vec![],
        permissions_boundary_arn: None,
        last_used: None,
        id: format!("AROA{}", name.to_uppercase()),
        tags: Default::default(),
        instance_profiles: vec![],
    }
}

/// A member account's roles: the two AWS Organizations and the audit StackSet create, and
/// others trusting a sibling, an account not read, an outsider, and a sibling with an
/// outsider in one statement.
fn roles() -> Snapshot {
    let mut account = snapshot();
    let management_root = format!("arn:aws:iam::{MANAGEMENT}:root");
    let scanner = format!("arn:aws:iam::{MANAGEMENT}:role/posture-scanner");
    let vendor_role = format!("arn:aws:iam::{OUTSIDER}:role/import");
    let external_id = r#","Condition":{"StringEquals":{"sts:ExternalId":"v-42"}}"#;
    let details = AuthorizationDetails {
        roles: vec![
            role("OrganizationAccountAccessRole", &[&management_root], ""),
            role("posture-audit", &[&scanner], ""),
            role("from-sibling", &[SIBLING], ""),
            role("from-account-not-read", &[NOT_READ], ""),
            role("vendor", &[OUTSIDER], ""),
            role("vendor-with-external-id", &[OUTSIDER], external_id),
            role("sibling-and-vendor", &[SIBLING, &vendor_role], ""),
        ],
        ..Default::default()
    };
    account.iam.authorization_details = Observed::Collected(details);
    account
}

/// Buckets granting write to an organization account and read to an outsider, and write
/// to the management account alone.
fn buckets() -> Snapshot {
    let allow = |principals: &str, action: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":{principals}}},"Action":"{action}","Resource":"arn:aws:s3:::BUCKET/*"}}"#
        )
    };
    let mixed = [
        allow(&format!(r#""{SIBLING}""#), "s3:PutObject"),
        allow(
            &format!(r#""arn:aws:iam::{OUTSIDER}:root""#),
            "s3:GetObject",
        ),
    ]
    .join(",");
    let management = allow(&format!(r#"["{MANAGEMENT}"]"#), "s3:PutObject");
    with_buckets(vec![
        with_policy("sibling-writes-vendor-reads", &mixed),
        with_policy("management-writes", &management),
    ])
}

/// Keys shared with a sibling, and with an outsider.
fn keys() -> Snapshot {
    let key = |id: &str, account: &str| {
        let policy = format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{SCANNED}:root"}},"Action":"kms:*","Resource":"*"}},{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:Decrypt","Resource":"*"}}]}}"#
        );
        KmsKey {
            id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:{SCANNED}:key/{id}"),
            manager: "CUSTOMER".into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            origin: "AWS_KMS".into(),
            deletion_date: None,
            rotation: Some(Observed::Collected(true)),
            policy: Some(Observed::Collected(policy.into())),
        }
    };
    let mut account = snapshot();
    account.kms = vec![KmsRegion {
        region: "us-east-1".into(),
        keys: Observed::Collected(vec![
            key("shared-with-sibling", SIBLING),
            key("shared-with-vendor", OUTSIDER),
        ]),
    }];
    account
}

fn organization(
    management_account_id: &str,
    management: Option<OrganizationManagement>,
) -> Organization {
    Organization {
        id: "o-abc123".into(),
        management_account_id: management_account_id.into(),
        feature_set: "ALL".into(),
        management,
    }
}

/// `check --org`'s settings: every account it listed, the one not read included.
fn org_scan() -> Settings {
    let mut settings = settings();
    settings.organization_accounts = [SCANNED, MANAGEMENT, SIBLING, NOT_READ]
        .into_iter()
        .map(String::from)
        .collect();
    settings
}

/// The rule's findings from each standing of a member account.
fn standings(rule: &Rule, account: Snapshot) -> String {
    let mut not_read = account.clone();
    let described = gap("organizations", None, "DescribeOrganization");
    not_read.organization = Observed::Gap(Box::new(described.clone()));
    let standalone = account.clone();
    let mut member = account;
    member.organization = Observed::Collected(Some(organization(MANAGEMENT, None)));
    format!(
        "one account, in no organization:\n{}\n\n\
         one account, its organization not read:\n{}\n\n\
         one member account, its organization read:\n{}\n\n\
         check --org, the member's organization not read:\n{}",
        run_with(rule, &standalone, &settings()),
        run_with(rule, &not_read, &settings()),
        run_with(rule, &member, &settings()),
        run_with(rule, &not_read, &org_scan()),
    )
}

#[test]
fn roles_trusting_the_organizations_accounts_are_not_cross_account() {
    insta::assert_snapshot!(standings(&role_trust::RULE, roles()));
}

#[test]
fn buckets_and_keys_shared_within_the_organization_are_not_cross_account() {
    insta::assert_snapshot!(format!(
        "{}\n\n{}",
        standings(&bucket_policy::RULE, buckets()),
        standings(&key_policy::RULE, keys())
    ));
}

/// A single scan of the management account knows every member: a role trusting one is
/// not reported, one trusting an outsider is; with the member list not read, both are.
#[test]
fn the_management_accounts_snapshot_knows_its_members() {
    let member = |id: &str| MemberAccount {
        id: id.into(),
        name: id.into(),
        guardrails: vec![],
    };
    let mut account = snapshot();
    let details = AuthorizationDetails {
        roles: vec![
            role(
                "from-member",
                &[&format!("arn:aws:iam::{SIBLING}:root")],
                "",
            ),
            role("vendor", &[OUTSIDER], ""),
        ],
        ..Default::default()
    };
    account.iam.authorization_details = Observed::Collected(details);
    let management = OrganizationManagement {
        accounts: Observed::Collected(vec![member(SCANNED), member(SIBLING)]),
        root_access_features: Observed::Collected(vec![]),
    };
    account.organization = Observed::Collected(Some(organization(SCANNED, Some(management))));
    let mut unlisted = account.clone();
    if let Observed::Collected(Some(org)) = &mut unlisted.organization {
        let tree = gap("organizations", None, "ListAccountsForParent");
        org.management.as_mut().unwrap().accounts = Observed::Gap(Box::new(tree));
    }
    let rule = &role_trust::RULE;
    insta::assert_snapshot!(format!(
        "members listed:\n{}\n\nmembers not listed:\n{}",
        run_with(rule, &account, &settings()),
        run_with(rule, &unlisted, &settings())
    ));
}

/// The findings of one rule as a JSON report holds them, read back.
fn reported(rule: &Rule, snapshot: &Snapshot, settings: &Settings) -> Vec<Finding> {
    let cx = Context { snapshot, settings };
    (rule.check)(rule, &cx)
        .iter()
        .map(|f| {
            let mut f: Finding = serde_json::from_str(&serde_json::to_string(f).unwrap()).unwrap();
            f.account = Some(SCANNED.into());
            f
        })
        .collect()
}

/// `posture merge` re-judges a finding from its evidence: for every set of accounts the
/// merged reports may hold, the result is what the rule finds with them trusted.
#[test]
fn rejudging_a_finding_equals_judging_with_the_accounts_known() {
    let cases = [
        (&role_trust::RULE, roles()),
        (&bucket_policy::RULE, buckets()),
        (&key_policy::RULE, keys()),
    ];
    let accounts = [MANAGEMENT, SIBLING, NOT_READ, OUTSIDER];
    for (rule, snapshot) in &cases {
        let before = reported(rule, snapshot, &settings());
        assert!(
            before.iter().any(|f| f.status == Status::Fail),
            "{}",
            rule.id
        );
        for subset in 0..1u32 << accounts.len() {
            let merged: BTreeSet<String> = (accounts.iter().enumerate())
                .filter(|(i, _)| subset & (1 << i) != 0)
                .map(|(_, a)| a.to_string())
                .collect();
            let mut known = settings();
            known.trusted_accounts = merged.iter().cloned().collect();
            let expected = reported(rule, snapshot, &known);
            let rejudged: Vec<Finding> = before
                .iter()
                .map(|f| rejudge(f, &merged).unwrap_or_else(|| f.clone()))
                .collect();
            assert_eq!(rejudged, expected, "{} with {merged:?}", rule.id);
        }
    }
}

/// A waived finding that still names an outsider stays waived; one whose accounts are all
/// the customer's own is a pass. Other findings are left alone.
#[test]
fn rejudging_keeps_a_waiver_only_on_what_still_fails() {
    let mut findings = reported(&role_trust::RULE, &roles(), &settings());
    for finding in &mut findings {
        if finding.status == Status::Fail {
            finding.status = Status::Waived;
            finding.waiver = Some(Box::new(WaiverNote {
                reason: "reviewed".into(),
                expires: "2027-01-01".into(),
            }));
        }
    }
    let of = |name: &str| {
        let resource = format!("arn:aws:iam::{SCANNED}:role/{name}");
        findings.iter().find(|f| f.resource == resource).unwrap()
    };
    let merged: BTreeSet<String> = [MANAGEMENT, SIBLING]
        .into_iter()
        .map(String::from)
        .collect();
    let pass = rejudge(of("from-sibling"), &merged).unwrap();
    assert_eq!((pass.status, pass.waiver.is_none()), (Status::Pass, true));
    assert_eq!(pass.account.as_deref(), Some(SCANNED));
    let still = rejudge(of("sibling-and-vendor"), &merged).unwrap();
    assert_eq!(still.status, Status::Waived);
    assert_eq!(still.waiver, of("sibling-and-vendor").waiver);
    assert!(still.message.contains(OUTSIDER) && !still.message.contains(SIBLING));
    assert!(rejudge(of("vendor"), &merged).is_none());
    assert!(rejudge(of("vendor-with-external-id"), &merged).is_none());
}
