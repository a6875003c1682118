//! The registry's invariants: ids stable and unique, documentation complete, every
//! observable duty covered.

use std::collections::BTreeSet;

use posture_rules::compliance;
use posture_rules::registry::RULES;
use posture_rules::Duty;

#[test]
fn rule_ids_are_unique_kebab_case_and_named_after_their_file() {
    let mut seen = BTreeSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
        assert!(
            rule.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            rule.id
        );
        let file = format!("{}.rs", rule.id.replace('-', "_"));
        assert!(
            rule.source.ends_with(&file),
            "{} is declared in {}, not {file}",
            rule.id,
            rule.source
        );
    }
}

/// Rules that no CIS v3.0 recommendation or FSBP control covers (they go beyond the
/// benchmarks); every other rule must carry its ids.
const NO_BENCHMARK_CONTROL: &[&str] = &[
    "data-outside-allowed-regions",
    "ec2-image-public",
    "ec2-instance-ssm-agent-not-reporting",
    "ec2-snapshot-unencrypted",
    "iam-policy-not-action-allow",
    "iam-principal-administrator",
    "iam-privilege-escalation",
    "iam-role-cross-account-trust-without-external-id",
    "iam-role-web-identity-trust-without-subject",
    "iam-user-long-lived-access-keys",
    "kms-key-cross-account-access",
];

#[test]
fn every_rule_is_documented() {
    for rule in RULES {
        for section in [
            "What it checks",
            "Why it matters",
            "How to fix",
            "References",
        ] {
            let text = rule.doc_section(section);
            assert!(
                text.as_deref().is_some_and(|t| !t.is_empty()),
                "{}: the doc comment has no `## {section}` section",
                rule.id
            );
        }
        assert!(
            !rule.title.ends_with('.'),
            "{}: titles have no trailing period",
            rule.id
        );
        assert_eq!(
            compliance::of_rule(rule.id).is_empty(),
            NO_BENCHMARK_CONTROL.contains(&rule.id),
            "{}: map it to CIS / FSBP ids, or list it in NO_BENCHMARK_CONTROL",
            rule.id
        );
    }
}

#[test]
fn every_rule_the_compliance_table_names_exists() {
    for framework in &compliance::FRAMEWORKS {
        for control in framework.controls() {
            for id in control.rules {
                assert!(
                    RULES.iter().any(|r| r.id == *id),
                    "{} {} names {id}, which is no rule",
                    framework.id,
                    control.id
                );
            }
        }
    }
}

#[test]
fn every_observable_duty_has_a_rule() {
    for duty in Duty::ALL.into_iter().filter(|d| d.observable()) {
        assert!(RULES.iter().any(|r| r.duty == duty), "no rule for {duty}");
    }
    assert!(
        !RULES.iter().any(|r| r.duty == Duty::ClientSideEncryption),
        "client-side encryption is not observable"
    );
}

/// The full set of rule ids, so that renaming one (which breaks users' waivers and
/// selections) shows up in review.
#[test]
fn rule_ids() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    insta::assert_snapshot!(ids.join("\n"));
}
