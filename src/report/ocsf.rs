//! OCSF 1.5 Detection Finding (class 2004) events, one per finding, as a JSON array: the
//! shape Security Hub / Security Lake pipelines ingest.

use posture_rules::registry;
use posture_rules::{Finding, Severity, Status};
use serde_json::{json, Value};

use super::sarif::fingerprint;
use super::Report;

const OCSF_VERSION: &str = "1.5.0";

fn severity_id(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

/// OCSF finding status: New (1) for open problems, Suppressed (3) for waived ones, Resolved
/// (4) for passes; unknown findings are New with an explanatory status detail.
fn status(finding: &Finding) -> (u8, &'static str) {
    match finding.status {
        Status::Fail | Status::Unknown => (1, "New"),
        Status::Waived => (3, "Suppressed"),
        Status::Pass => (4, "Resolved"),
    }
}

fn event(report: &Report, finding: &Finding) -> Value {
    let time = report.evaluated_at.timestamp_millis();
    let rule = registry::find(&finding.rule_id);
    let remediation = rule
        .and_then(|r| r.doc_section("How to fix"))
        .unwrap_or_else(|| "See `posture explain`.".into());
    let references: Vec<String> = rule
        .and_then(|r| r.doc_section("References"))
        .map(|text| {
            text.lines()
                .map(|l| l.trim_start_matches("- ").trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let (status_id, status_name) = status(finding);
    let mut types = vec![format!("duty/{}", finding.duty.id())];
    if let Some(rule) = rule {
        types.extend(
            posture_rules::compliance::of_rule(rule.id)
                .into_iter()
                .map(|(framework, id)| format!("{}/{id}", framework.name)),
        );
    }
    let account = finding.account.as_deref().unwrap_or(&report.account.id);
    let account_name = report
        .accounts
        .iter()
        .find(|a| a.id == account)
        .and_then(|a| a.name.as_deref())
        .unwrap_or(account);
    json!({
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "time": time,
        "severity_id": severity_id(finding.severity),
        "severity": finding.severity.id(),
        "status_id": status_id,
        "status": status_name,
        "status_code": finding.status.id(),
        "status_detail": finding.message,
        "message": finding.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": { "name": "posture", "vendor_name": "posture", "version": report.tool.version },
        },
        "finding_info": {
            "uid": fingerprint(finding),
            "title": finding.title,
            "desc": finding.message,
            "types": types,
            "created_time": time,
        },
        "resources": [{
            "uid": finding.resource,
            "region": finding.region,
            "cloud_partition": report.account.partition,
            "data": { "evidence": finding.evidence.to_value() },
        }],
        "cloud": {
            "provider": "AWS",
            "region": finding.region,
            "account": { "uid": account, "name": account_name, "type_id": 10, "type": "AWS Account" },
        },
        "remediation": { "desc": remediation, "references": references },
        "unmapped": {
            "rule_id": finding.rule_id,
            "duty": finding.duty,
            "waiver": finding.waiver,
        },
    })
}

/// Writes the events as they are built, one at a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let events = super::Streamed(|| report.findings.iter().map(|f| event(report, &f)));
    super::write_json(out, &events)
}
