//! Exposure is declared by the rule that finds it, and the fix-first ranking reads only the
//! declaration: every failing finding that says it is open to anyone, reachable from the
//! internet or an administrator must declare so, and no other finding may.

use posture_rules::model::Observed;
use posture_rules::rule::Exposure;
use posture_rules::{Finding, Snapshot, Status};

/// The example account, with its security groups also as default groups (it has none), and
/// the fixtures of the rules that find what the example lacks: every rule that can declare
/// an exposure finds one.
fn accounts() -> Vec<Snapshot> {
    let example: Snapshot =
        serde_json::from_str(include_str!("../../../examples/demo-account.json")).unwrap();
    let mut with_default_group = example.clone();
    for region in &mut with_default_group.ec2 {
        if let Observed::Collected(groups) = &mut region.security_groups {
            groups.iter_mut().for_each(|g| g.name = "default".into());
        }
    }
    let public_bucket = crate::s3_bucket_public_policy::with_policy(
        "open",
        r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#,
    );
    vec![
        example,
        with_default_group,
        crate::ec2_data_rules::account(),
        crate::iam_policies::account(),
        crate::iam_privilege_escalation::vulnerable_account(),
        crate::fixtures::with_buckets(vec![public_bucket]),
    ]
}

/// What a finding says of its reach, read from its message and evidence as a person
/// reads them, independently of the rule that made it.
fn said(finding: &Finding) -> Option<Exposure> {
    let message = finding.message.as_str();
    let evidence = finding.evidence.to_value();
    let says = |phrases: &[&str]| phrases.iter().any(|p| message.contains(p));
    if evidence.pointer("/exposure/state").and_then(|s| s.as_str()) == Some("reachable")
        || says(&["is publicly accessible"])
    {
        Some(Exposure::Internet)
    } else if says(&[
        "by any AWS account",
        "by any AWS principal",
        "access to anyone",
        "to AllUsers",
        "to AuthenticatedUsers",
    ]) {
        Some(Exposure::Public)
    } else if says(&[
        "can do everything",
        "can become an administrator",
        "grants every action on every resource",
        "of them an administrator",
    ]) {
        Some(Exposure::Administrator)
    } else {
        None
    }
}

#[test]
fn failing_findings_declare_the_exposure_they_describe() {
    let mut declared = std::collections::BTreeMap::new();
    for snapshot in accounts() {
        let settings = crate::fixtures::settings();
        for finding in posture_rules::evaluate(&snapshot, &settings, |_| true) {
            if finding.status != Status::Fail {
                assert_eq!(
                    finding.exposure, None,
                    "{}: {}",
                    finding.rule_id, finding.message
                );
                continue;
            }
            assert_eq!(
                finding.exposure,
                said(&finding),
                "{} on {}: {}",
                finding.rule_id,
                finding.resource,
                finding.message
            );
            if let Some(exposure) = finding.exposure {
                declared.insert(finding.rule_id.to_string(), exposure);
            }
        }
    }
    // Each kind is found on the example, by each rule that can find it.
    let expected = [
        ("ec2-default-security-group-has-rules", Exposure::Internet),
        ("ec2-image-public", Exposure::Public),
        ("ec2-security-group-admin-ports-open", Exposure::Internet),
        ("ec2-snapshot-public", Exposure::Public),
        ("iam-policy-full-admin", Exposure::Administrator),
        ("iam-principal-administrator", Exposure::Administrator),
        ("iam-principal-can-empower-others", Exposure::Administrator),
        ("iam-privilege-escalation", Exposure::Administrator),
        ("iam-role-trust-any-principal", Exposure::Public),
        ("rds-instance-publicly-accessible", Exposure::Internet),
        ("rds-snapshot-public", Exposure::Public),
        ("s3-bucket-public-acl", Exposure::Public),
        ("s3-bucket-public-policy", Exposure::Public),
    ];
    let declared: Vec<(&str, Exposure)> = declared.iter().map(|(r, e)| (r.as_str(), *e)).collect();
    assert_eq!(declared, expected);
}
