//! Markdown: a short summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: what to
//! fix first, the scorecard, the findings grouped by rule, and what could not be checked,
//! well under GitHub's 1 MiB limit.

use std::fmt::Write as _;

use posture_rules::compliance::Framework;

use super::human::{self, capitalized, FixFirst};
use super::triage::{self, Display, FixItem, EXAMPLES};
use super::{inert, Report};

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
    let fixes = FixFirst::of(report, display);
    summary(&mut out, report, fixes.items.first());
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
    let (failing, others) = human::summary_counts(report);
    let _ = write!(
        out,
        "**{failing}**, {others} across {} region(s). ",
        report.regions.len()
    );
    if report.complete {
        out.push_str("Scan complete.\n");
    } else {
        let _ = writeln!(
            out,
            "**Scan incomplete**: {}.",
            human::incomplete_because(report)
        );
    }
    if let Some(item) = worst {
        let _ = writeln!(out, "Worst: {}.", human::worst(item, place));
    }
    out.push('\n');
}

/// A resource and its region, as account text in a table cell.
fn place(resource: &str, region: Option<&str>) -> String {
    match region {
        Some(region) => format!("{} ({})", cell(resource), cell(region)),
        None => cell(resource),
    }
}

fn fix_first(out: &mut String, fixes: &FixFirst) {
    if fixes.items.is_empty() {
        return;
    }
    out.push_str("### Fix first\n\n| # | Severity | Exposure | Finding | Resources |\n|---:|---|---|---|---|\n");
    for (rank, item) in fixes.items.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} (`{}`) | {} |",
            rank + 1,
            item.severity,
            human::exposure_label(item.exposure),
            cell(&item.title),
            item.rule_id,
            human::fix_resources(item, place, cell)
        );
    }
    if let Some(more) = fixes.more() {
        let _ = writeln!(out, "\n{more}.");
    }
    out.push('\n');
}

/// A table's head from its column names.
fn head(columns: &[&str], alignments: &str) -> String {
    let names: Vec<String> = columns.iter().map(|c| capitalized(c)).collect();
    format!("| {} |\n{alignments}\n", names.join(" | "))
}

fn scorecard(out: &mut String, report: &Report) {
    out.push_str("### Scorecard\n\n");
    out.push_str(&head(
        &human::SCORECARD_COLUMNS,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ));
    for duty in &report.duties {
        let Some(counts) = human::scorecard_counts(duty) else {
            let _ = writeln!(
                out,
                "| {} | — | {} | | | | | | |",
                duty.title,
                human::NOT_SCORED
            );
            continue;
        };
        let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "| {} | {} |", duty.title, cells.join(" | "));
    }
    out.push('\n');
}

/// Accounts × duties (failing findings), when the run covered several accounts.
fn accounts(out: &mut String, report: &Report) {
    let rows = human::accounts(report);
    if rows.is_empty() {
        return;
    }
    let duties = human::account_duties();
    let _ = write!(out, "### {}\n\n| Account | Name |", human::ACCOUNTS_TITLE);
    for duty in &duties {
        let _ = write!(out, " {} |", duty.title());
    }
    out.push_str(" Unknown | Passing |\n|---|---|");
    out.push_str(&"---:|".repeat(duties.len() + 2));
    out.push('\n');
    for row in rows {
        let account = row.account;
        let reach = match account.caller_arn {
            None => format!(" ({})", human::NOT_REACHABLE),
            Some(_) => String::new(),
        };
        let _ = write!(
            out,
            "| {}{reach} | {} |",
            cell(&account.id),
            cell(account.name.as_deref().unwrap_or(""))
        );
        for n in row.failing {
            let _ = write!(out, " {n} |");
        }
        let _ = writeln!(out, " {} | {} |", row.unknown, row.passing);
    }
    out.push('\n');
}

/// The findings the filters show, worst first; one row per group of one rule, status and
/// severity (one per finding when expanded).
fn findings(out: &mut String, report: &Report, display: &Display) {
    let shown = report.findings.sorted_by(
        |f| display.shows(f),
        |f| (f.status, std::cmp::Reverse(f.severity), f.rule_id.clone()),
    );
    let mut rows = Vec::new();
    let mut total = 0;
    for group in human::groups(shown, display.expand) {
        total += group.count;
        if rows.len() < MAX_LISTED {
            rows.push(row(&group));
        }
    }
    if rows.is_empty() {
        return;
    }
    out.push_str("### Findings\n\n| Status | Severity | Rule | Resources | Finding |\n|---|---|---|---|---|\n");
    let mut listed = 0;
    for (count, row) in &rows {
        if out.len() + row.len() > MAX_BYTES {
            break;
        }
        out.push_str(row);
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

/// A group's row of the findings table, with the number of findings it stands for: the
/// message of a single finding, the rule's title for several.
fn row(group: &human::Group) -> (usize, String) {
    let first = group.first();
    let places: Vec<String> = (group.findings.iter().take(EXAMPLES))
        .map(|f| place(&f.resource, f.region.as_deref()))
        .collect();
    let (resources, finding) = if group.count == 1 {
        (places[0].clone(), cell(&first.message))
    } else {
        let more = triage::and_more(group.count, places.len());
        let resources = format!("{}: {}{more}", group.count, places.join(", "));
        (resources, cell(&first.title))
    };
    let row = format!(
        "| {} | {} | `{}` | {resources} | {finding} |\n",
        first.status, first.severity, first.rule_id
    );
    (group.count, row)
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
    let Some(not_checked) = human::NotChecked::of(report) else {
        return;
    };
    let _ = write!(
        out,
        "### {}\n\n{}:\n\n{}",
        human::NotChecked::TITLE,
        not_checked.headline,
        head(&human::NOT_CHECKED_COLUMNS, "|---|---|---|---|")
    );
    for group in &not_checked.groups {
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
