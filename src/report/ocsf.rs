//! OCSF 1.5 Detection Finding (class 2004) events, one per finding, as a JSON array: the
//! shape Security Hub / Security Lake pipelines ingest.
//!
//! A large account has hundreds of thousands of events, so each is written compactly on a
//! line of its own (pipelines read events, not indentation), from borrowed values: what is
//! the same for every finding of a rule (its remediation, references and compliance types)
//! is made once per rule, and the evidence is copied as the JSON text it is kept as. The
//! captions that are the same in every event of the class (`class_name`, `category_name`,
//! `activity_name`, `type_name`: OCSF derives them from the ids beside them) and
//! `created_time` (the event's `time`) are left out; the duty is the first of the
//! finding's `types`.

use std::collections::HashMap;
use std::io::Write as _;

use posture_rules::registry::RULES;
use posture_rules::rule::{Evidence, WaiverNote};
use posture_rules::{Finding, Rule, Severity, Status};
use serde::Serialize;

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

/// What every event of one rule shares.
struct RuleFacts {
    remediation: String,
    references: Vec<String>,
    types: Vec<String>,
}

impl RuleFacts {
    /// The remediation is the first paragraph of the rule's "How to fix" (its strategy),
    /// with where the console, CLI and Terraform steps are: they are the same for every
    /// finding of the rule, and a large account's events each carrying them made the file
    /// five times the JSON report. References are the documentation's links; the
    /// compliance ids are in `types`.
    fn of(rule: &Rule) -> RuleFacts {
        let how = rule.doc_section("How to fix").unwrap_or_default();
        let strategy = how
            .split("\n\n")
            .next()
            .filter(|paragraph| !paragraph.trim_start().starts_with("- "))
            .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "));
        let steps = format!(
            "console, CLI and Terraform steps: `posture explain {}`",
            rule.id
        );
        let remediation = match strategy {
            Some(strategy) => format!("{strategy} The {steps}."),
            None => format!("The {steps}."),
        };
        let references = rule
            .doc_section("References")
            .map(|text| {
                text.lines()
                    .filter_map(|l| l.trim().strip_prefix("- <")?.strip_suffix('>'))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let mut types = vec![format!("duty/{}", rule.duty.id())];
        types.extend(
            posture_rules::compliance::of_rule(rule.id)
                .into_iter()
                .map(|(framework, id)| format!("{}/{id}", framework.id)),
        );
        RuleFacts {
            remediation,
            references,
            types,
        }
    }

    /// For a finding whose rule this version does not know (a merged report's).
    fn unknown(finding: &Finding) -> RuleFacts {
        RuleFacts {
            remediation: format!("See `posture explain {}`.", finding.rule_id),
            references: Vec::new(),
            types: vec![format!("duty/{}", finding.duty.id())],
        }
    }
}

#[derive(Serialize)]
struct Event<'a> {
    class_uid: u32,
    category_uid: u8,
    activity_id: u8,
    type_uid: u32,
    time: i64,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    /// Why the status: said for unknown findings (what could not be read), which are
    /// otherwise New like failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'a str>,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    resources: [Resource<'a>; 1],
    cloud: Cloud<'a>,
    remediation: Remediation<'a>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product<'a>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    types: &'a [String],
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    cloud_partition: &'a str,
    data: ResourceData<'a>,
}

#[derive(Serialize)]
struct ResourceData<'a> {
    evidence: &'a Evidence,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    account: CloudAccount<'a>,
}

#[derive(Serialize)]
struct CloudAccount<'a> {
    uid: &'a str,
    name: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Remediation<'a> {
    desc: &'a str,
    references: &'a [String],
}

#[derive(Serialize)]
struct Unmapped<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a WaiverNote>,
}

fn event<'a>(
    report: &'a Report,
    finding: &'a Finding,
    facts: &'a RuleFacts,
    names: &'a HashMap<&'a str, &'a str>,
) -> Event<'a> {
    let time = report.evaluated_at.timestamp_millis();
    let (status_id, status_name) = status(finding);
    let account = finding.account.as_deref().unwrap_or(&report.account.id);
    let region = finding.region.as_deref();
    Event {
        class_uid: 2004,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200401,
        time,
        severity_id: severity_id(finding.severity),
        severity: finding.severity.id(),
        status_id,
        status: status_name,
        status_code: finding.status.id(),
        status_detail: (finding.status == Status::Unknown).then_some(finding.message.as_str()),
        message: &finding.message,
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product {
                name: "posture",
                vendor_name: "posture",
                version: report.tool.version,
            },
        },
        finding_info: FindingInfo {
            uid: fingerprint(finding),
            title: &finding.title,
            types: &facts.types,
        },
        resources: [Resource {
            uid: &finding.resource,
            region,
            cloud_partition: &report.account.partition,
            data: ResourceData {
                evidence: &finding.evidence,
            },
        }],
        cloud: Cloud {
            provider: "AWS",
            region,
            account: CloudAccount {
                uid: account,
                name: names.get(account).copied().unwrap_or(account),
                type_id: 10,
                kind: "AWS Account",
            },
        },
        remediation: Remediation {
            desc: &facts.remediation,
            references: &facts.references,
        },
        unmapped: Unmapped {
            rule_id: &finding.rule_id,
            waiver: finding.waiver.as_deref(),
        },
    }
}

/// Writes the events as they are read back, one compact event per line.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let facts: HashMap<&str, RuleFacts> = RULES
        .iter()
        .map(|rule| (rule.id, RuleFacts::of(rule)))
        .collect();
    let names: HashMap<&str, &str> = report
        .accounts
        .iter()
        .filter_map(|a| Some((a.id.as_str(), a.name.as_deref()?)))
        .collect();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"[")?;
    for (index, finding) in report.findings.iter().enumerate() {
        out.write_all(if index == 0 { b"\n" } else { b",\n" })?;
        let unknown;
        let rule_facts = match facts.get(finding.rule_id.as_ref()) {
            Some(known) => known,
            None => {
                unknown = RuleFacts::unknown(&finding);
                &unknown
            }
        };
        serde_json::to_writer(&mut out, &event(report, &finding, rule_facts, &names))?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()
}
