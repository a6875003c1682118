//! `posture diff OLD NEW`: what changed between two JSON reports, keyed by rule and
//! resource, so CI can gate on regressions only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context as _};
use posture_rules::{Finding, Severity, Status};
use serde::{Deserialize, Serialize};

use crate::report::inert::{self, visible};
use crate::report::REPORT_SCHEMA;

/// The part of a JSON report that a diff reads.
#[derive(Debug, Deserialize)]
struct ReportFile {
    schema: String,
    account: posture_rules::model::Account,
    evaluated_at: chrono::DateTime<chrono::Utc>,
    findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct Side {
    pub account: String,
    pub evaluated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize)]
pub struct SeverityChange {
    pub old_severity: Severity,
    pub finding: Finding,
}

/// Failing findings that appeared, disappeared, stayed, or changed severity.
#[derive(Debug, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub old: Side,
    pub new: Side,
    pub new_findings: Vec<Finding>,
    pub resolved: Vec<Finding>,
    pub changed_severity: Vec<SeverityChange>,
    pub unchanged: Vec<Finding>,
}

fn load(path: &Path) -> anyhow::Result<ReportFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    /// Only the schema, read first so that a foreign file gets a clear message.
    #[derive(Deserialize)]
    struct Schema {
        schema: Option<serde_json::Value>,
    }
    let head: Schema = serde_json::from_str(&text)
        .with_context(|| format!("report {} is not valid JSON", path.display()))?;
    match head.schema.as_ref().and_then(|s| s.as_str()) {
        Some(REPORT_SCHEMA) => {}
        Some(other) => bail!(
            "{} is a `{other}` report; posture diff reads `{REPORT_SCHEMA}`",
            path.display()
        ),
        None => bail!(
            "{} is not a posture JSON report (no `schema`); make one with --format json",
            path.display()
        ),
    }
    let report: ReportFile = serde_json::from_str(&text)
        .with_context(|| format!("report {} is malformed", path.display()))?;
    debug_assert_eq!(report.schema, REPORT_SCHEMA);
    Ok(report)
}

/// Failing findings by (rule, resource). Waived findings are accepted, not failing.
fn failing(report: &ReportFile) -> BTreeMap<(String, String), &Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| ((f.rule_id.clone(), f.resource.clone()), f))
        .collect()
}

pub fn diff(old_path: &Path, new_path: &Path) -> anyhow::Result<Diff> {
    let (old, new) = (load(old_path)?, load(new_path)?);
    let (before, after) = (failing(&old), failing(&new));
    let mut diff = Diff {
        schema: "posture.diff/v1",
        old: Side {
            account: old.account.id.clone(),
            evaluated_at: old.evaluated_at,
        },
        new: Side {
            account: new.account.id.clone(),
            evaluated_at: new.evaluated_at,
        },
        new_findings: Vec::new(),
        resolved: Vec::new(),
        changed_severity: Vec::new(),
        unchanged: Vec::new(),
    };
    for (key, finding) in &after {
        match before.get(key) {
            None => diff.new_findings.push((*finding).clone()),
            Some(previous) if previous.severity != finding.severity => {
                diff.changed_severity.push(SeverityChange {
                    old_severity: previous.severity,
                    finding: (*finding).clone(),
                })
            }
            Some(_) => diff.unchanged.push((*finding).clone()),
        }
    }
    diff.resolved = before
        .iter()
        .filter(|(key, _)| !after.contains_key(*key))
        .map(|(_, f)| (*f).clone())
        .collect();
    Ok(diff)
}

impl Diff {
    /// Whether a new failing finding reaches the threshold (what gates CI).
    pub fn regresses_at(&self, threshold: Severity) -> bool {
        self.new_findings.iter().any(|f| f.severity >= threshold)
    }

    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the diff serializes");
        text.push('\n');
        text
    }

    pub fn terminal(&self) -> String {
        let mut out = format!(
            "posture diff — account {} ({}) → {} ({})\n{} new, {} resolved, {} changed severity, {} unchanged\n",
            visible(&self.old.account),
            self.old.evaluated_at.format("%Y-%m-%d %H:%M"),
            visible(&self.new.account),
            self.new.evaluated_at.format("%Y-%m-%d %H:%M"),
            self.new_findings.len(),
            self.resolved.len(),
            self.changed_severity.len(),
            self.unchanged.len()
        );
        let line = |out: &mut String, mark: &str, f: &Finding, note: &str| {
            let _ = writeln!(
                out,
                "  {mark} {:<8} {}  {}{note}\n      {}",
                f.severity.id(),
                visible(&f.rule_id),
                visible(&f.resource),
                visible(&f.message)
            );
        };
        if !self.new_findings.is_empty() {
            out.push_str("\nNew\n");
            for f in &self.new_findings {
                line(&mut out, "+", f, "");
            }
        }
        if !self.resolved.is_empty() {
            out.push_str("\nResolved\n");
            for f in &self.resolved {
                line(&mut out, "-", f, "");
            }
        }
        if !self.changed_severity.is_empty() {
            out.push_str("\nChanged severity\n");
            for c in &self.changed_severity {
                line(
                    &mut out,
                    "~",
                    &c.finding,
                    &format!(" (was {})", c.old_severity),
                );
            }
        }
        out
    }

    pub fn markdown(&self) -> String {
        let cell = inert::markdown;
        let mut out = format!(
            "## posture diff — account {}\n\n**{} new**, {} resolved, {} changed severity, {} unchanged failing finding(s).\n",
            cell(&self.new.account),
            self.new_findings.len(),
            self.resolved.len(),
            self.changed_severity.len(),
            self.unchanged.len()
        );
        let mut table = |title: &str, rows: Vec<(String, &Finding)>| {
            if rows.is_empty() {
                return;
            }
            let _ = write!(
                out,
                "\n### {title}\n\n| Severity | Rule | Resource | Finding |\n|---|---|---|---|\n"
            );
            for (severity, f) in rows {
                let _ = writeln!(
                    out,
                    "| {severity} | {} | {} | {} |",
                    cell(&f.rule_id),
                    cell(&f.resource),
                    cell(&f.message)
                );
            }
        };
        table(
            "New",
            self.new_findings
                .iter()
                .map(|f| (f.severity.to_string(), f))
                .collect(),
        );
        table(
            "Resolved",
            self.resolved
                .iter()
                .map(|f| (f.severity.to_string(), f))
                .collect(),
        );
        table(
            "Changed severity",
            self.changed_severity
                .iter()
                .map(|c| {
                    (
                        format!("{} → {}", c.old_severity, c.finding.severity),
                        &c.finding,
                    )
                })
                .collect(),
        );
        out
    }
}
