//! Markdown: a short summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: what to
//! fix first, the scorecard, the findings grouped by rule, and what could not be checked,
//! well under GitHub's 1 MiB limit.

use std::fmt::Write as _;

use posture_rules::compliance::Framework;
use posture_rules::{Severity, Status};

use super::triage::{self, Display, FixItem, EXAMPLES};
use super::{inert, Report};

/// How many lines the fix-first table has.
const FIX_FIRST: usize = 10;
/// How many rows the findings table lists; the rest are counted.
const MAX_LISTED: usize = 100;
/// GitHub rejects step summaries over 1 MiB; stay far below.
const MAX_BYTES: usize = 512 * 1024;

/// Account text inside a Markdown table cell or line: inert (no markup, no line breaks).
fn cell(text: &str) -> String {
    inert::markdown(text)
}

pub fn render(report: &Report, display: &Display, compliance: Option<&Framework>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## posture — account {}\n", cell(&report.account.id));
    let scope = if report.accounts.len() > 1 {
        format!(" across {} accounts", report.accounts.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Scanned as {}{scope}, collected {}.\n",
        cell(&report.account.caller_arn),
        report.collected_at.format("%Y-%m-%d %H:%M UTC")
    );
    let fixes = triage::fix_first(report, display);
    summary(&mut out, report, fixes.first());
    if let Some(filters) = display.describe() {
        let _ = writeln!(out, "Showing: {filters}.\n");
    }
    fix_first(&mut out, &fixes);
    scorecard(&mut out, report);
    accounts(&mut out, report);
    findings(&mut out, report, display);
    if let Some(framework) = compliance {
        controls(&mut out, report, framework);
    }
    not_checked(&mut out, report);
    out
}

fn summary(out: &mut String, report: &Report, worst: Option<&FixItem>) {
    let s = &report.summary;
    let _ = writeln!(
        out,
        "**{} failing**{}, {} unknown, {} waived, {} passing across {} region(s). {}",
        s.fail,
        s.by_severity(),
        s.unknown,
        s.waived,
        s.pass,
        report.regions.len(),
        if report.complete {
            "Scan complete."
        } else {
            "**Scan incomplete**: some data could not be read."
        }
    );
    if let Some(item) = worst {
        let (resource, _) = &item.examples[0];
        let _ = writeln!(
            out,
            "Worst: **{}** `{}` on {}.",
            item.severity,
            item.rule_id,
            cell(resource)
        );
    }
    out.push('\n');
}

fn resources(item: &FixItem) -> String {
    let name = |(resource, region): &(String, Option<String>)| match region {
        Some(region) => format!("{} ({})", cell(resource), cell(region)),
        None => cell(resource),
    };
    if item.count == 1 {
        return format!("{} — {}", name(&item.examples[0]), cell(&item.message));
    }
    let names: Vec<String> = item.examples.iter().map(name).collect();
    let more = triage::and_more(item.count, item.examples.len());
    format!("{}: {}{more}", item.count, names.join(", "))
}

fn fix_first(out: &mut String, fixes: &[FixItem]) {
    if fixes.is_empty() {
        return;
    }
    out.push_str("### Fix first\n\n| # | Severity | Exposure | Finding | Resources |\n|---:|---|---|---|---|\n");
    for (rank, item) in fixes.iter().take(FIX_FIRST).enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} (`{}`) | {} |",
            rank + 1,
            item.severity,
            triage::exposure_label(item.exposure),
            cell(&item.title),
            item.rule_id,
            resources(item)
        );
    }
    if fixes.len() > FIX_FIRST {
        let _ = writeln!(
            out,
            "\n…then {} more group(s) of failing findings.",
            fixes.len() - FIX_FIRST
        );
    }
    out.push('\n');
}

fn scorecard(out: &mut String, report: &Report) {
    out.push_str(
        "### Scorecard\n\n| Duty | Rules | Critical | High | Medium | Low | Info | Unknown | Passing |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for duty in &report.duties {
        if !duty.observable {
            let _ = writeln!(out, "| {} | — | not observable | | | | | | |", duty.title);
            continue;
        }
        let of = |s| duty.fail_by_severity.get(&s).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            duty.title,
            duty.rules,
            of(Severity::Critical),
            of(Severity::High),
            of(Severity::Medium),
            of(Severity::Low),
            of(Severity::Info),
            duty.unknown,
            duty.pass
        );
    }
    out.push('\n');
}

/// Accounts × duties (failing findings), when the run covered several accounts.
fn accounts(out: &mut String, report: &Report) {
    if report.accounts.len() < 2 {
        return;
    }
    let counts = report.findings.counts();
    let duties: Vec<posture_rules::Duty> = posture_rules::Duty::ALL
        .into_iter()
        .filter(|d| d.observable())
        .collect();
    out.push_str("### Accounts\n\n| Account | Name |");
    for duty in &duties {
        let _ = write!(out, " {} |", duty.title());
    }
    out.push_str(" Unknown | Passing |\n|---|---|");
    out.push_str(&"---:|".repeat(duties.len() + 2));
    out.push('\n');
    for account in &report.accounts {
        let reach = if account.caller_arn.is_none() {
            " (not reachable)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "| {}{reach} | {} |",
            cell(&account.id),
            cell(account.name.as_deref().unwrap_or(""))
        );
        for duty in &duties {
            let key = (account.id.clone(), *duty);
            let n = counts
                .failing_by_account_duty
                .get(&key)
                .copied()
                .unwrap_or(0);
            let _ = write!(out, " {n} |");
        }
        let of = |status: Status| {
            let key = (account.id.clone(), status);
            counts.by_account_status.get(&key).copied().unwrap_or(0)
        };
        let _ = writeln!(out, " {} | {} |", of(Status::Unknown), of(Status::Pass));
    }
    out.push('\n');
}

/// The findings the filters show, worst first; one row per rule, status and severity
/// unless expanded.
fn findings(out: &mut String, report: &Report, display: &Display) {
    let shown = report.findings.sorted_by(
        |f| display.shows(f),
        |f| (f.status, std::cmp::Reverse(f.severity), f.rule_id.clone()),
    );
    // (status, severity, rule, count, first places, message; the title once collapsed)
    let mut rows: Vec<(Status, Severity, String, usize, Vec<String>, String)> = Vec::new();
    let mut total = 0;
    for f in shown {
        total += 1;
        let place = match &f.region {
            Some(region) => format!("{} ({})", cell(&f.resource), cell(region)),
            None => cell(&f.resource),
        };
        let full = rows.len() >= MAX_LISTED;
        let last = rows.last_mut().filter(|row| {
            !display.expand
                && (row.0, row.1, row.2.as_str()) == (f.status, f.severity, f.rule_id.as_ref())
        });
        match last {
            Some(row) => {
                row.3 += 1;
                row.5 = cell(&f.title);
                if row.4.len() < EXAMPLES {
                    row.4.push(place);
                }
            }
            None if !full => rows.push((
                f.status,
                f.severity,
                f.rule_id.to_string(),
                1,
                vec![place],
                cell(&f.message),
            )),
            None => {}
        }
    }
    if rows.is_empty() {
        return;
    }
    out.push_str("### Findings\n\n| Status | Severity | Rule | Resources | Finding |\n|---|---|---|---|---|\n");
    let mut listed = 0;
    for (status, severity, rule, count, places, message) in &rows {
        let (resources, finding) = if *count == 1 {
            (places[0].clone(), message.clone())
        } else {
            let more = triage::and_more(*count, places.len());
            (
                format!("{count}: {}{more}", places.join(", ")),
                message.clone(),
            )
        };
        let row = format!("| {status} | {severity} | `{rule}` | {resources} | {finding} |\n");
        if out.len() + row.len() > MAX_BYTES {
            break;
        }
        out.push_str(&row);
        listed += count;
    }
    if listed < total {
        let _ = writeln!(
            out,
            "\n…and {} more finding(s) in the full report (JSON, CSV or HTML).",
            total - listed
        );
    }
    out.push('\n');
}

fn controls(out: &mut String, report: &Report, framework: &Framework) {
    let _ = writeln!(out, "### {}\n", framework.name);
    let mut section = String::new();
    for row in triage::controls(report, framework) {
        if row.section != section {
            section = row.section.clone();
            let _ = writeln!(
                out,
                "\n**{section}**\n\n| Control | Status | Title | Failing | Unknown | Passing |\n|---|---|---|---:|---:|---:|"
            );
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.control.id,
            row.status.id(),
            row.control.title.replace('|', "\\|").replace('*', "\\*"),
            row.fail,
            row.unknown,
            row.pass
        );
    }
    out.push('\n');
}

fn not_checked(out: &mut String, report: &Report) {
    if report.gaps.is_empty() {
        return;
    }
    let groups = triage::group_gaps(report);
    let _ = writeln!(
        out,
        "### Not checked\n\n{} call(s) failed, from {} cause(s):\n\n| Call | Extent | Cause | To do |\n|---|---|---|---|",
        report.gaps.len(),
        groups.len()
    );
    for group in &groups {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&group.call()),
            cell(&group.extent()),
            cell(&group.cause),
            cell(&group.advice)
        );
    }
}
