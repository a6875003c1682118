//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Rules come from the registry with their full help; results are the failing, unknown and
//! waived findings (passes are not alerts). Each result has a stable fingerprint of rule and
//! resource, so an alert follows the same resource from run to run.
//!
//! GitHub code scanning rejects a run of more than 25,000 results and keeps only the 5,000
//! most severe, shows 100 locations of a result and 10 tags of a rule ("SARIF results
//! exceed limit", GitHub's code scanning documentation). So by default a file stays within
//! what GitHub shows: when the findings would make more than 5,000 results, the rules with
//! the most findings among the least severe are written as one result per status and
//! severity, listing their first 100 resources as locations; the run says what was grouped,
//! and the JSON report has every finding.

use std::collections::{BTreeMap, HashMap};

use posture_rules::registry::RULES;
use posture_rules::{Finding, Rule, Severity, Status};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The stable identity of a finding across runs: rule and resource.
pub fn fingerprint(finding: &Finding) -> String {
    let digest = Sha256::digest(format!("{}\u{0}{}", finding.rule_id, finding.resource).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The results GitHub keeps of a run: more are dropped, or past 25,000 the file refused.
pub const GITHUB_RESULTS_SHOWN: usize = 5_000;
/// The locations GitHub shows of a result (it accepts 1,000).
const GITHUB_LOCATIONS_SHOWN: usize = 100;
/// The tags GitHub shows of a rule (it accepts 20).
const GITHUB_TAGS_SHOWN: usize = 10;

/// A rule's tags, the duty first, then its compliance ids, as many as GitHub shows.
fn rule_tags(rule: &Rule) -> Vec<String> {
    let mut tags = vec!["security".to_string(), format!("duty:{}", rule.duty.id())];
    tags.extend(
        posture_rules::compliance::of_rule(rule.id)
            .into_iter()
            .map(|(framework, id)| format!("{}:{id}", framework.id)),
    );
    tags.truncate(GITHUB_TAGS_SHOWN);
    tags
}

fn rule_descriptor(rule: &Rule) -> Value {
    let tags = rule_tags(rule);
    let documentation = rule.documentation();
    json!({
        "id": rule.id,
        // SARIF wants a readable name distinct from the opaque id: the id in PascalCase.
        "name": rule.id.split('-').map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        }).collect::<String>(),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.doc_section("What it checks").unwrap_or_default() },
        "help": { "text": documentation, "markdown": documentation },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "precision": "high",
            "problem.severity": level(rule.severity),
            "security-severity": security_severity(rule.severity),
        },
    })
}

fn kind(status: Status) -> &'static str {
    match status {
        Status::Unknown => "open",
        _ => "fail",
    }
}

/// SARIF §3.27.10: a result whose kind is not `fail` has level `none`.
fn result_level(status: Status, severity: Severity) -> &'static str {
    match status {
        Status::Unknown => "none",
        _ => level(severity),
    }
}

/// Code scanning needs a location; an AWS resource has no file, so the location is a
/// logical one (the ARN) plus a stable pseudo-path that groups alerts by account and region.
fn location(finding: &Finding, account: &str) -> Value {
    let region = finding.region.as_deref().unwrap_or("global");
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": format!("aws/{account}/{region}/{}", finding.rule_id) },
            // The pseudo-artifact has no lines; the finding concerns all of it.
            "region": { "startLine": 1 },
        },
        "logicalLocations": [{ "fullyQualifiedName": finding.resource, "kind": "resource" }],
    })
}

fn result(finding: &Finding, rule_index: usize, account: &str) -> Value {
    let mut result = json!({
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": kind(finding.status),
        "level": result_level(finding.status, finding.severity),
        "message": { "text": format!("{} [{}]", finding.message, finding.resource) },
        "locations": [location(finding, account)],
        "partialFingerprints": { "postureFinding/v1": fingerprint(finding) },
        "properties": {
            "status": finding.status,
            "severity": finding.severity,
            "duty": finding.duty,
            "region": finding.region,
            "security-severity": security_severity(finding.severity),
            "evidence": finding.evidence.to_value(),
        },
    });
    if let Some(waiver) = &finding.waiver {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (waived until {})", waiver.reason, waiver.expires),
        }]);
    }
    result
}

/// Which findings a SARIF file holds one result each, and which it groups.
#[derive(Debug, Default)]
pub struct Plan {
    /// Rules whose findings are grouped, with how many findings they have.
    grouped: BTreeMap<&'static str, usize>,
    /// Results written one per finding.
    individual: usize,
}

impl Plan {
    /// Every finding its own result: for consumers without GitHub's limits.
    pub fn every_finding() -> Plan {
        Plan::default()
    }

    /// One result per finding while they are at most `budget`; past it, the rules are
    /// taken most severe first (fewest findings first among equals) while they fit, and
    /// the rest are grouped. A rule is never split: its alerts stay one kind from run to run.
    pub fn within(report: &Report, budget: usize) -> Plan {
        let mut rules: HashMap<&'static str, (Severity, usize)> = HashMap::new();
        for finding in report.findings.iter().filter(|f| f.status != Status::Pass) {
            let Some(rule) = RULES.iter().find(|r| r.id == finding.rule_id) else {
                continue;
            };
            let entry = rules.entry(rule.id).or_insert((finding.severity, 0));
            entry.0 = entry.0.max(finding.severity);
            entry.1 += 1;
        }
        let mut order: Vec<(&'static str, Severity, usize)> =
            rules.into_iter().map(|(id, (s, n))| (id, s, n)).collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(b.0)));
        let mut plan = Plan::default();
        for (id, _, count) in order {
            if plan.individual + count <= budget {
                plan.individual += count;
            } else {
                plan.grouped.insert(id, count);
            }
        }
        plan
    }

    fn groups(&self, rule_id: &str) -> bool {
        self.grouped.contains_key(rule_id)
    }

    /// What was grouped, for the run and the user; `None` when nothing was.
    pub fn summary(&self) -> Option<String> {
        if self.grouped.is_empty() {
            return None;
        }
        let findings: usize = self.grouped.values().sum();
        let rules: Vec<&str> = self.grouped.keys().copied().collect();
        Some(format!(
            "SARIF: {findings} finding(s) of {} rule(s) ({}) are grouped into one result per \
             status and severity, each listing its first {GITHUB_LOCATIONS_SHOWN} resources, so \
             that the file stays within the {GITHUB_RESULTS_SHOWN} results GitHub code scanning \
             keeps; the JSON report (--format json) lists every finding, and \
             --sarif-all-results writes one result per finding",
            rules.len(),
            rules.join(", ")
        ))
    }
}

/// The findings of one rule with one status and severity, written as one result.
struct Group {
    rule_index: usize,
    rule: &'static Rule,
    status: Status,
    severity: Severity,
    count: usize,
    locations: Vec<Value>,
    waived: usize,
}

impl Group {
    fn result(&self) -> Value {
        let listed = self.locations.len();
        let mut result = json!({
            "ruleId": self.rule.id,
            "ruleIndex": self.rule_index,
            "kind": kind(self.status),
            "level": result_level(self.status, self.severity),
            "message": { "text": format!(
                "{}: {} resources ({}); the first {listed} are this result's locations, the \
                 JSON report (--format json) lists every one",
                self.rule.title, self.count, self.status.id()
            ) },
            "locations": self.locations,
            "partialFingerprints": { "postureGroup/v1": group_fingerprint(self.rule.id, self.status, self.severity) },
            "properties": {
                "status": self.status,
                "severity": self.severity,
                "duty": self.rule.duty,
                "security-severity": security_severity(self.severity),
                "grouped": { "findings": self.count, "listed": listed },
            },
        });
        if self.waived > 0 {
            result["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!(
                    "{} waived finding(s); each waiver's reason and expiry are in the JSON report",
                    self.waived
                ),
            }]);
        }
        result
    }
}

fn group_fingerprint(rule_id: &str, status: Status, severity: Severity) -> String {
    let key = format!(
        "{rule_id}\u{0}group\u{0}{}\u{0}{}",
        status.id(),
        severity.id()
    );
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The grouped rules' findings as results, after a pass over the findings.
fn grouped_results(report: &Report, plan: &Plan) -> Vec<Value> {
    let mut groups: BTreeMap<(usize, Status, std::cmp::Reverse<Severity>), Group> = BTreeMap::new();
    for finding in report.findings.iter() {
        if finding.status == Status::Pass || !plan.groups(&finding.rule_id) {
            continue;
        }
        let Some(rule_index) = RULES.iter().position(|r| r.id == finding.rule_id) else {
            continue;
        };
        let key = (
            rule_index,
            finding.status,
            std::cmp::Reverse(finding.severity),
        );
        let group = groups.entry(key).or_insert_with(|| Group {
            rule_index,
            rule: RULES[rule_index],
            status: finding.status,
            severity: finding.severity,
            count: 0,
            locations: Vec::new(),
            waived: 0,
        });
        group.count += 1;
        group.waived += usize::from(finding.waiver.is_some());
        if group.locations.len() < GITHUB_LOCATIONS_SHOWN {
            let account = finding.account.as_deref().unwrap_or(&report.account.id);
            group.locations.push(location(&finding, account));
        }
    }
    groups.values().map(Group::result).collect()
}

/// One run: its results are built as they are written (a large account has hundreds of
/// thousands), the rest is small.
#[derive(serde::Serialize)]
struct Run<R> {
    tool: Value,
    invocations: Value,
    #[serde(rename = "automationDetails")]
    automation_details: Value,
    results: R,
    properties: Value,
}

/// Writes the log as it serializes, without the results in memory: the findings written
/// one result each as they are read back, then the groups of `plan`, made in a second pass.
pub fn write(report: &Report, plan: &Plan, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let results = super::Streamed(|| {
        let individual = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass && !plan.groups(&f.rule_id))
            .map(|f| {
                let index = RULES.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
                let account = f.account.as_deref().unwrap_or(&report.account.id);
                result(&f, index, account)
            });
        individual.chain(std::iter::once_with(|| grouped_results(report, plan)).flatten())
    });
    let mut notifications: Vec<Value> = report
        .gaps
        .iter()
        .map(|gap| json!({ "level": "warning", "message": { "text": format!("not checked: {}", gap.describe()) } }))
        .collect();
    if let Some(summary) = plan.summary() {
        notifications.push(json!({ "level": "note", "message": { "text": summary } }));
    }
    let run = Run {
        tool: json!({
            "driver": {
                "name": "posture",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": RULES.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            },
        }),
        invocations: json!([{
            "executionSuccessful": true,
            "endTimeUtc": report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "toolExecutionNotifications": notifications,
        }]),
        automation_details: json!({ "id": format!("posture/{}/", report.account.id) }),
        results,
        properties: json!({
            "account": report.account.id,
            "caller": report.account.caller_arn,
            "accounts": report.accounts.iter().map(|a| &a.id).collect::<Vec<_>>(),
            "regions": report.regions,
            "complete": report.complete,
            "grouped": plan.grouped,
        }),
    };
    #[derive(serde::Serialize)]
    struct Log<'a, R> {
        #[serde(rename = "$schema")]
        schema: &'a str,
        version: &'a str,
        runs: [Run<R>; 1],
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [run],
    };
    super::write_json(out, &log)
}
