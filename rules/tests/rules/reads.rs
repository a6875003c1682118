//! Every rule's `reads:` is complete: on the example account, its findings are the same
//! whether the snapshot holds everything or only the parts it declares (the others being
//! `NotCollected` gaps, as a run of that rule alone collects them).

use posture_rules::model::Observed;
use posture_rules::parts::{needed_by, only};
use posture_rules::registry::RULES;
use posture_rules::{Settings, Snapshot, Status};

fn example() -> Snapshot {
    serde_json::from_str(include_str!("../../../examples/demo-account.json"))
        .expect("the example snapshot loads")
}

/// The example, and the example with a default security group (it has none).
fn accounts() -> Vec<Snapshot> {
    let mut with_default_group = example();
    for region in &mut with_default_group.ec2 {
        if let Observed::Collected(groups) = &mut region.security_groups {
            groups.iter_mut().for_each(|g| g.name = "default".into());
        }
    }
    vec![example(), with_default_group]
}

#[test]
fn each_rule_reads_only_the_parts_it_declares() {
    let mut decided = std::collections::BTreeSet::new();
    for snapshot in accounts() {
        let mut settings = Settings::at(snapshot.collected_at);
        // The residency rule judges only with allowed regions set.
        settings.allowed_regions = Some(vec!["eu-central-1".into()]);
        for rule in RULES {
            let alone = |r: &posture_rules::Rule| r.id == rule.id;
            let full = posture_rules::evaluate(&snapshot, &settings, alone);
            let partial = only(&snapshot, &needed_by([*rule]));
            let scoped = posture_rules::evaluate(&partial, &settings, alone);
            assert!(
                full == scoped,
                "{} reads a part it does not declare",
                rule.id
            );
            if full.iter().any(|f| f.status != Status::Unknown) {
                decided.insert(rule.id);
            }
        }
    }
    let undecided: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !decided.contains(id))
        .collect();
    assert_eq!(
        undecided,
        Vec::<&str>::new(),
        "the accounts decide nothing for these"
    );
}

#[test]
fn a_part_left_out_is_a_gap_never_a_pass() {
    let snapshot = example();
    let settings = Settings::at(snapshot.collected_at);
    let nothing = only(&snapshot, &[]);
    for finding in posture_rules::evaluate(&nothing, &settings, |_| true) {
        assert_ne!(
            finding.status,
            Status::Pass,
            "{} {}",
            finding.rule_id,
            finding.resource
        );
    }
}

/// A snapshot written before CloudTrail, Config, KMS, Access Analyzer and the security
/// contact were read: their rules say `unknown` for every scope, never `pass` or `fail`.
#[test]
fn an_older_snapshot_leaves_the_newer_parts_unknown() {
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/demo-account.json")).unwrap();
    for key in [
        "logging",
        "kms",
        "access_analyzers",
        "security_contact",
        "efs",
    ] {
        json.as_object_mut().unwrap().remove(key).expect(key);
    }
    let older: Snapshot = serde_json::from_value(json).expect("an older snapshot loads");
    let settings = Settings::at(older.collected_at);
    let newer = |rule: &posture_rules::Rule| {
        [
            "cloudtrail-",
            "config-",
            "kms-",
            "iam-access-analyzer",
            "account-",
        ]
        .iter()
        .any(|prefix| rule.id.starts_with(prefix))
    };
    let findings = posture_rules::evaluate(&older, &settings, newer);
    let judged: std::collections::BTreeSet<&str> = findings.iter().map(|f| &*f.rule_id).collect();
    assert_eq!(judged.len(), RULES.iter().filter(|r| newer(r)).count());
    for finding in &findings {
        assert_eq!(finding.status, Status::Unknown, "{finding:?}");
    }
}
