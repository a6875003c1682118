//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Rules come from the registry with their full help; results are the failing, unknown and
//! waived findings (passes are not alerts). Each result has a stable fingerprint of rule and
//! resource, so an alert follows the same resource from run to run.

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

fn rule_descriptor(rule: &Rule) -> Value {
    let mut tags = vec![format!("duty:{}", rule.duty.id()), "security".to_string()];
    tags.extend(
        posture_rules::compliance::of_rule(rule.id)
            .into_iter()
            .map(|(framework, id)| format!("{}:{id}", framework.id)),
    );
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

fn result(finding: &Finding, rule_index: usize, account: &str) -> Value {
    let kind = match finding.status {
        Status::Unknown => "open",
        _ => "fail",
    };
    // Code scanning needs a location; an AWS resource has no file, so the location is a
    // logical one (the ARN) plus a stable pseudo-path that groups alerts by account and region.
    let region = finding.region.as_deref().unwrap_or("global");
    let mut result = json!({
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": kind,
        // SARIF §3.27.10: a result whose kind is not `fail` has level `none`.
        "level": if finding.status == Status::Unknown { "none" } else { level(finding.severity) },
        "message": { "text": format!("{} [{}]", finding.message, finding.resource) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": format!("aws/{account}/{region}/{}", finding.rule_id) },
                // The pseudo-artifact has no lines; the finding concerns all of it.
                "region": { "startLine": 1 },
            },
            "logicalLocations": [{ "fullyQualifiedName": finding.resource, "kind": "resource" }],
        }],
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

/// Writes the log as it serializes, without the results in memory.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let results = super::Streamed(|| {
        report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .map(|f| {
                let index = RULES.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
                let account = f.account.as_deref().unwrap_or(&report.account.id);
                result(&f, index, account)
            })
    });
    let notifications: Vec<Value> = report
        .gaps
        .iter()
        .map(|gap| json!({ "level": "warning", "message": { "text": format!("not checked: {}", gap.describe()) } }))
        .collect();
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
