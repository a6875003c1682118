//! `posture diff OLD NEW`: what changed between two JSON reports, keyed by rule and
//! resource, so CI can gate on regressions only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::bail;
use posture_rules::{Finding, Severity, Status};
use serde::Serialize;

use crate::cli::{DiffArgs, DiffFormat};
use crate::output::{self, Destination};
use crate::report::file::{self as report_file, ReportFile};
use crate::report::inert::{self, visible};

#[derive(Debug, Serialize)]
struct Side {
    account: String,
    evaluated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize)]
struct SeverityChange {
    old_severity: Severity,
    finding: Finding,
}

/// Failing findings that appeared, disappeared, stayed, or changed severity.
#[derive(Debug, Serialize)]
struct Diff {
    schema: &'static str,
    old: Side,
    new: Side,
    new_findings: Vec<Finding>,
    resolved: Vec<Finding>,
    changed_severity: Vec<SeverityChange>,
    unchanged: Vec<Finding>,
    /// Failing findings of a region or rule that only one of the reports covered: neither
    /// new nor resolved.
    not_comparable: Vec<Finding>,
    /// What only one report covered, for the reader.
    scope_differences: Vec<String>,
}

/// Failing findings by (rule, resource). Waived findings are accepted, not failing.
fn failing(report: &ReportFile) -> BTreeMap<(String, String), &Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| ((f.rule_id.to_string(), f.resource.clone()), f))
        .collect()
}

/// What both reports covered: a finding outside it cannot be compared.
struct CommonScope {
    regions: Vec<String>,
    rules: Option<Vec<String>>,
    differences: Vec<String>,
}

/// The items of `from` that `of` lacks.
fn missing<'a>(from: &'a [String], of: &[String]) -> Vec<&'a String> {
    from.iter().filter(|x| !of.contains(x)).collect()
}

impl CommonScope {
    fn of(old: &ReportFile, new: &ReportFile) -> CommonScope {
        let mut differences = Vec::new();
        let mut only = |what: &str, side: &str, items: Vec<&String>| {
            if !items.is_empty() {
                let items: Vec<&str> = items.iter().map(|s| s.as_str()).collect();
                differences.push(format!("{what} only in {side}: {}", items.join(", ")));
            }
        };
        only(
            "regions",
            "the old report",
            missing(&old.regions, &new.regions),
        );
        only(
            "regions",
            "the new report",
            missing(&new.regions, &old.regions),
        );
        let rules = match (&old.rules, &new.rules) {
            (Some(before), Some(after)) => {
                only("rules", "the old report", missing(before, after));
                only("rules", "the new report", missing(after, before));
                Some(
                    before
                        .iter()
                        .filter(|r| after.contains(r))
                        .cloned()
                        .collect(),
                )
            }
            _ => None,
        };
        let regions = old
            .regions
            .iter()
            .filter(|r| new.regions.contains(r))
            .cloned()
            .collect();
        CommonScope {
            regions,
            rules,
            differences,
        }
    }

    fn covers(&self, finding: &Finding) -> bool {
        let region = finding
            .region
            .as_ref()
            .is_none_or(|r| self.regions.contains(r));
        let rule = self
            .rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|rule| *rule == finding.rule_id));
        region && rule
    }
}

/// `posture diff`: the diff in the format asked for, and whether it regresses.
pub fn run(args: DiffArgs) -> anyhow::Result<u8> {
    let destination = Destination::plan(args.output.as_deref(), 1)?;
    let diff = diff(&args.old, &args.new, args.allow_account_change)?;
    let text = match args.format {
        DiffFormat::Terminal => diff.terminal(),
        DiffFormat::Json => diff.json(),
        DiffFormat::Markdown => diff.markdown(),
    };
    match destination {
        Destination::File(path) => output::write_atomically(&path, text.as_bytes())?,
        _ => crate::emit(&text)?,
    }
    Ok(if diff.regresses_at(args.fail_on) {
        crate::exit::FINDINGS
    } else {
        crate::exit::CLEAN
    })
}

/// Compares two reports of the same account (another account only when `allow_account_change`),
/// within what both covered.
fn diff(old_path: &Path, new_path: &Path, allow_account_change: bool) -> anyhow::Result<Diff> {
    let load = |path| report_file::load(path, "posture diff");
    let (old, new) = (load(old_path)?, load(new_path)?);
    if old.account.id != new.account.id && !allow_account_change {
        bail!(
            "{} is a report of account {} and {} of account {}; \
             pass --allow-account-change to compare them anyway",
            old_path.display(),
            visible(&old.account.id),
            new_path.display(),
            visible(&new.account.id)
        );
    }
    let scope = CommonScope::of(&old, &new);
    let (mut before, mut after) = (failing(&old), failing(&new));
    let mut not_comparable: Vec<Finding> = Vec::new();
    for side in [&mut before, &mut after] {
        side.retain(|_, f| {
            let covered = scope.covers(f);
            if !covered {
                not_comparable.push((*f).clone());
            }
            covered
        });
    }
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
        not_comparable,
        scope_differences: scope.differences,
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
    fn regresses_at(&self, threshold: Severity) -> bool {
        self.new_findings.iter().any(|f| f.severity >= threshold)
    }

    fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the diff serializes");
        text.push('\n');
        text
    }

    fn terminal(&self) -> String {
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
        if !self.not_comparable.is_empty() || !self.scope_differences.is_empty() {
            let _ = writeln!(
                out,
                "{} failing finding(s) not comparable: outside what both reports covered ({})",
                self.not_comparable.len(),
                visible(&self.scope_differences.join("; "))
            );
        }
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

    fn markdown(&self) -> String {
        let cell = inert::markdown;
        let mut out = format!(
            "## posture diff — account {}\n\n**{} new**, {} resolved, {} changed severity, {} unchanged failing finding(s).\n",
            cell(&self.new.account),
            self.new_findings.len(),
            self.resolved.len(),
            self.changed_severity.len(),
            self.unchanged.len()
        );
        if !self.not_comparable.is_empty() || !self.scope_differences.is_empty() {
            let _ = writeln!(
                out,
                "\n{} failing finding(s) not comparable: outside what both reports covered ({}).",
                self.not_comparable.len(),
                cell(&self.scope_differences.join("; "))
            );
        }
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
