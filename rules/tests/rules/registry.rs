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
            compliance::BEYOND_BENCHMARKS.contains(&rule.id),
            "{}: map it to CIS / FSBP controls in compliance.rs, or list it in \
             BEYOND_BENCHMARKS there",
            rule.id
        );
    }
}

/// `RULES` is declared with the rule modules, so a rule file left out of the list is not
/// even compiled: its own fixture tests would still be missing, so the folder is read.
#[test]
fn every_rule_file_is_in_the_registry() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules");
    let mut files: Vec<String> = std::fs::read_dir(folder)
        .expect("the rules folder")
        .map(|entry| entry.expect("a rules folder entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name != "mod.rs")
        .collect();
    files.sort();
    let mut registered: Vec<String> = RULES
        .iter()
        .map(|rule| format!("{}.rs", rule.id.replace('-', "_")))
        .collect();
    registered.sort();
    assert_eq!(files, registered, "rules/src/rules/ and RULES differ");
}

/// Compliance numbers live in `compliance.rs` only (`explain` prints them from there): a
/// number cited in a rule's documentation would be a second copy, in one edition, that
/// drifts when the benchmark renumbers.
#[test]
fn rule_documentation_cites_no_compliance_number() {
    for rule in RULES {
        for line in rule.doc.lines() {
            let cites = line.contains("CIS ") && line.chars().any(|c| c.is_ascii_digit())
                || line.contains("FSBP");
            assert!(
                !cites,
                "{}: a compliance number in its doc: {line}",
                rule.id
            );
        }
    }
}

#[test]
fn rules_beyond_the_benchmarks_exist() {
    for id in compliance::BEYOND_BENCHMARKS {
        assert!(RULES.iter().any(|r| r.id == *id), "{id} is no rule");
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
