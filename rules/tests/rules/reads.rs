//! Every rule's `reads:` is complete: on the example account, its findings are the same
//! whether the snapshot holds everything or only the parts it declares (the others being
//! `NotCollected` gaps, as a run of that rule alone collects them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use posture_rules::model::Observed;
use posture_rules::parts::{needed_by, only, Part};
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

/// A place in a snapshot's JSON: object keys, `*` for every element of a list.
type JsonPath = Vec<String>;

/// The places where `a` and `b` differ in shape (data turned into a gap, a list emptied).
fn differences(a: &Value, b: &Value, at: &mut JsonPath, found: &mut BTreeSet<JsonPath>) {
    let gap = |value: &Value| value.get("gap").is_some();
    match (a, b) {
        _ if a == b => {}
        // One gap for another (a gap of the example, `NotCollected`): the part lives here,
        // not in the gaps' text.
        _ if gap(a) && gap(b) => {
            found.insert(at.clone());
        }
        (Value::Object(x), Value::Object(y)) if x.keys().eq(y.keys()) => {
            for (key, value) in x {
                at.push(key.clone());
                differences(value, &y[key], at, found);
                at.pop();
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            at.push("*".into());
            for (p, q) in x.iter().zip(y) {
                differences(p, q, at, found);
            }
            at.pop();
        }
        _ => {
            found.insert(at.clone());
        }
    }
}

/// `value` without what `path` names, in every element of the lists on the way.
fn remove(value: &mut Value, path: &[String]) {
    match (value, path) {
        (Value::Array(items), [star, rest @ ..]) if star == "*" => {
            items.iter_mut().for_each(|item| remove(item, rest));
        }
        (Value::Object(fields), [key]) => {
            fields.remove(key);
        }
        (Value::Object(fields), [key, rest @ ..]) => {
            if let Some(inner) = fields.get_mut(key) {
                remove(inner, rest);
            }
        }
        _ => {}
    }
}

fn to_json(snapshot: &Snapshot) -> Value {
    serde_json::to_value(snapshot).expect("a snapshot serializes")
}

/// Where each part lives in the example's JSON, and the shortest of those places that a
/// snapshot may lack and still load, if any: a part added since the first schema, which
/// an older snapshot does not hold.
fn parts_an_older_snapshot_lacks(snapshot: &Snapshot) -> BTreeMap<Part, JsonPath> {
    let every = needed_by(RULES.iter().copied());
    let json = to_json(snapshot);
    let loads_without = |path: &[String]| {
        let mut older = json.clone();
        remove(&mut older, path);
        older != json && serde_json::from_value::<Snapshot>(older).is_ok()
    };
    let mut lacked = BTreeMap::new();
    for part in &every {
        let others: Vec<Part> = every.iter().copied().filter(|p| p != part).collect();
        let mut homes = BTreeSet::new();
        let (with, without) = (only(snapshot, &every), only(snapshot, &others));
        differences(&to_json(&with), &to_json(&without), &mut vec![], &mut homes);
        assert!(!homes.is_empty(), "the example holds no {part:?}");
        let optional = homes
            .iter()
            .flat_map(|home| (1..=home.len()).map(|n| home[..n].to_vec()))
            .filter(|place| loads_without(place))
            .min_by_key(Vec::len);
        if let Some(place) = optional {
            lacked.insert(*part, place);
        }
    }
    lacked
}

/// A snapshot written before the parts added since the first schema (CloudTrail, Config,
/// KMS, Access Analyzer, the security contact, EFS, RDS, Systems Manager, the
/// organization...), found as the places of the example a snapshot loads without. A rule
/// reading only such parts says `unknown` for every scope; a rule reading one beside older
/// parts passes nothing the full example does not pass (a missing organization makes its
/// accounts strangers); every other rule is unchanged. A part added later is held to this
/// as it is added.
#[test]
fn an_older_snapshot_leaves_the_newer_parts_unknown() {
    let example = example();
    let lacked = parts_an_older_snapshot_lacks(&example);
    let mut json = to_json(&example);
    lacked.values().for_each(|place| remove(&mut json, place));
    let older: Snapshot = serde_json::from_value(json).expect("an older snapshot loads");
    let mut settings = Settings::at(example.collected_at);
    // The residency rule judges only with allowed regions set.
    settings.allowed_regions = Some(vec!["eu-central-1".into()]);

    let mut checked = 0;
    for rule in RULES {
        let alone = |r: &posture_rules::Rule| r.id == rule.id;
        let full = posture_rules::evaluate(&example, &settings, alone);
        let findings = posture_rules::evaluate(&older, &settings, alone);
        let newer: Vec<&Part> = rule
            .reads
            .iter()
            .filter(|p| lacked.contains_key(*p))
            .collect();
        if newer.is_empty() {
            assert!(findings == full, "{} changed without newer parts", rule.id);
            continue;
        }
        checked += 1;
        let only_newer = newer.len() == rule.reads.len();
        assert!(!findings.is_empty(), "{} judges nothing", rule.id);
        for finding in &findings {
            let allowed = match finding.status {
                Status::Unknown => true,
                _ if only_newer => false,
                Status::Pass => full.contains(finding),
                Status::Fail | Status::Waived => true,
            };
            assert!(
                allowed,
                "{} reads {newer:?}, which an older snapshot lacks: {finding:#?}",
                rule.id
            );
        }
    }
    assert!(checked > 0, "no rule reads a part older snapshots lack");
}
