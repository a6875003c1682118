//! Runs the selected rules over a snapshot.

use crate::model::Snapshot;
use crate::registry::RULES;
use crate::rule::{Context, Finding, Rule};
use crate::settings::Settings;

/// Every finding of every rule that `selected` keeps, in a stable order (rule, region,
/// resource) so that two runs over the same snapshot print the same report.
pub fn evaluate(
    snapshot: &Snapshot,
    settings: &Settings,
    selected: impl Fn(&Rule) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    evaluate_each(snapshot, settings, selected, |of_rule| {
        findings.extend(of_rule)
    });
    findings
}

/// The same findings in the same order, handed over one rule at a time, so that a caller
/// can write them out and never hold every finding of a large account at once.
pub fn evaluate_each(
    snapshot: &Snapshot,
    settings: &Settings,
    selected: impl Fn(&Rule) -> bool,
    mut each: impl FnMut(Vec<Finding>),
) {
    let cx = Context { snapshot, settings };
    let mut rules: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| selected(rule))
        .collect();
    rules.sort_by_key(|rule| rule.id);
    for rule in rules {
        let mut findings = (rule.check)(rule, &cx);
        findings.sort_by(|a, b| {
            (&a.rule_id, &a.region, &a.resource).cmp(&(&b.rule_id, &b.region, &b.resource))
        });
        each(findings);
    }
}
