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
    let cx = Context { snapshot, settings };
    let mut findings: Vec<Finding> = RULES
        .iter()
        .filter(|rule| selected(rule))
        .flat_map(|rule| (rule.check)(rule, &cx))
        .collect();
    findings.sort_by(|a, b| {
        (&a.rule_id, &a.region, &a.resource).cmp(&(&b.rule_id, &b.region, &b.resource))
    });
    findings
}
