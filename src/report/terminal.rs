//! The human report: what to fix first, the scorecard, the findings by duty with repeats
//! collapsed, what could not be checked grouped by cause, and a summary line naming the
//! worst finding.

use std::fmt::Write as _;

use posture_rules::compliance::Framework;
use posture_rules::{Finding, Severity, Status};

use super::human::{self, FixFirst, Group};
use super::inert::visible;
use super::triage::{self, Display, FixItem, EXAMPLES};
use super::Report;

/// ANSI styling, or none at all when colour is off.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn status(&self, status: Status) -> String {
        let (code, label) = match status {
            Status::Fail => ("1;31", "FAIL"),
            Status::Unknown => ("1;33", "UNKNOWN"),
            Status::Waived => ("36", "WAIVED"),
            Status::Pass => ("32", "PASS"),
        };
        self.paint(code, &format!("{label:<7}"))
    }
    /// Critical on red, high in bold red: the two that must stand out.
    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Critical => "1;97;41",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &format!("{:<8}", severity.id().to_uppercase()))
    }
}

/// What the terminal report shows besides the findings the filters select.
pub struct Options<'a> {
    pub display: &'a Display,
    pub compliance: Option<&'a Framework>,
}

/// Writes the report a section at a time: one duty's findings are in memory at once.
pub fn write(
    report: &Report,
    style: Style,
    options: &Options<'_>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let display = options.display;
    let mut out = String::new();
    header(&mut out, report, style, display);
    let fixes = FixFirst::of(report, display);
    fix_first(&mut out, &fixes, style);
    scorecard(&mut out, report, style);
    accounts(&mut out, report, style);
    w.write_all(out.as_bytes())?;
    out.clear();
    findings_by_duty(&mut out, report, style, display, w)?;
    if let Some(framework) = options.compliance {
        compliance(&mut out, report, framework, style);
    }
    not_checked(&mut out, report, style);
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", style.paint("1;33", "Warnings"));
        for warning in &report.warnings {
            let _ = writeln!(out, "  {}", visible(warning));
        }
    }
    summary(&mut out, report, style, fixes.items.first());
    w.write_all(out.as_bytes())
}

fn header(out: &mut String, report: &Report, style: Style, display: &Display) {
    let _ = writeln!(
        out,
        "{} {} — account {} as {}",
        style.bold("posture"),
        report.tool.version,
        visible(&report.account.id),
        visible(&report.account.caller_arn)
    );
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "{} region(s): {}; collected {}{}",
            report.regions.len(),
            visible(&report.regions.join(", ")),
            report.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
            request_counts(report)
        ))
    );
    if report.accounts.len() > 1 {
        let unreachable = report
            .accounts
            .iter()
            .filter(|a| a.caller_arn.is_none())
            .count();
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "{} account(s): {} read, {unreachable} not reachable",
                report.accounts.len(),
                report.accounts.len() - unreachable
            ))
        );
    }
    if let Some(filters) = display.describe() {
        let _ = writeln!(out, "{}", style.dim(&format!("showing: {filters}")));
    }
}

/// The ranked list: one line per rule, severity and exposure, with its resources.
fn fix_first(out: &mut String, fixes: &FixFirst, style: Style) {
    if fixes.items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.bold("Fix first"));
    for (rank, item) in fixes.items.iter().enumerate() {
        let exposure = match human::exposure_label(item.exposure) {
            "" => String::new(),
            label => format!(" [{label}]"),
        };
        let _ = writeln!(
            out,
            "{:>3}. {} {}{}  {}",
            rank + 1,
            style.severity(item.severity),
            visible(&item.title),
            style.bold(&exposure),
            style.dim(&item.rule_id)
        );
        let resources = human::fix_resources(item, place, |text| visible(text).into_owned());
        let _ = writeln!(out, "       {resources}");
    }
    if let Some(more) = fixes.more() {
        let _ = writeln!(out, "{}", style.dim(&format!("     {more}")));
    }
}

/// A resource and its region, as the terminal names it.
fn place(resource: &str, region: Option<&str>) -> String {
    format!("{}{}", visible(resource), region_suffix(region))
}

fn region_suffix(region: Option<&str>) -> String {
    region
        .map(|r| format!(" ({})", visible(r)))
        .unwrap_or_default()
}

/// Duties × severity of the failing findings, with unknown and passing counts.
fn scorecard(out: &mut String, report: &Report, style: Style) {
    let _ = writeln!(out, "\n{}", style.bold("Scorecard"));
    let [duty, rules, critical, high, medium, low, info, unknown, passing] =
        human::SCORECARD_COLUMNS;
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "  {duty:<38}{rules:>5}{critical:>9}{high:>6}{medium:>7}{low:>5}{info:>5}{unknown:>9}{passing:>8}"
        ))
    );
    for duty in &report.duties {
        let Some(counts) = human::scorecard_counts(duty) else {
            let _ = writeln!(out, "  {:<38}  {}", duty.title, human::NOT_SCORED);
            continue;
        };
        let [rules, critical, high, medium, low, info, unknown, passing] = counts;
        let cell = |n: usize, width: usize, severe: bool| {
            let text = format!("{n:>width$}");
            match (n, severe) {
                (0, _) => style.dim(&text),
                (_, true) => style.paint("1;31", &text),
                _ => text,
            }
        };
        let _ = writeln!(
            out,
            "  {:<38}{rules:>5}{}{}{}{}{}{unknown:>9}{passing:>8}",
            duty.title,
            cell(critical, 9, true),
            cell(high, 6, true),
            cell(medium, 7, false),
            cell(low, 5, false),
            cell(info, 5, false),
        );
    }
}

/// Accounts × duties (failing findings), when the run covered several accounts.
fn accounts(out: &mut String, report: &Report, style: Style) {
    let rows = human::accounts(report);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.bold(human::ACCOUNTS_TITLE));
    let mut head = format!("  {:<34}", "account");
    for duty in human::account_duties() {
        head.push_str(&format!("{:>9}", super::duty_column(duty)));
    }
    head.push_str(&format!("{:>9}{:>8}", "unknown", "passing"));
    let _ = writeln!(out, "{}", style.dim(&head));
    for row in rows {
        let account = row.account;
        let label = match &account.name {
            Some(name) => format!("{} {}", visible(&account.id), visible(name)),
            None => visible(&account.id).into_owned(),
        };
        let label: String = label.chars().take(33).collect();
        let mut line = format!("  {label:<34}");
        for n in row.failing {
            let cell = format!("{n:>9}");
            line.push_str(&if n == 0 { style.dim(&cell) } else { cell });
        }
        line.push_str(&format!("{:>9}{:>8}", row.unknown, row.passing));
        if account.caller_arn.is_none() {
            line.push_str(&style.paint("1;33", &format!("  {}", human::NOT_REACHABLE)));
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Each duty's findings that the filters show, worst first; a group of more than
/// [`EXAMPLES`] + 1 findings of one rule, status and severity is one line unless expanded.
fn findings_by_duty(
    out: &mut String,
    report: &Report,
    style: Style,
    display: &Display,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for duty in report.duties.iter().filter(|d| d.observable) {
        let shown = report.findings.sorted_by(
            |f| f.duty == duty.duty && display.shows(f),
            |f| (f.status, std::cmp::Reverse(f.severity)),
        );
        for (index, group) in human::groups(shown, display.expand).enumerate() {
            if index == 0 {
                let _ = writeln!(out, "\n{}", style.bold(duty.title));
            }
            write_group(out, &group, style);
            super::flush_when_full(out, w)?;
        }
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// A group of findings: each in full when there are few, else one line with the count and
/// the first resources.
fn write_group(out: &mut String, group: &Group, style: Style) {
    if !group.collapsed() {
        group
            .findings
            .iter()
            .for_each(|f| write_finding(out, f, style));
        return;
    }
    let first = group.first();
    let _ = writeln!(
        out,
        "  {} {} {}  {} resources: {}",
        style.status(first.status),
        style.severity(first.severity),
        first.rule_id,
        group.count,
        visible(&first.title)
    );
    let names: Vec<String> = (group.findings.iter().take(EXAMPLES))
        .map(|f| place(&f.resource, f.region.as_deref()))
        .collect();
    let _ = writeln!(
        out,
        "          {} …and {} more (-v lists them; every format but this one has them all)",
        names.join(", "),
        group.count - EXAMPLES
    );
}

fn write_finding(out: &mut String, finding: &Finding, style: Style) {
    let _ = writeln!(
        out,
        "  {} {} {}  {}{}",
        style.status(finding.status),
        style.severity(finding.severity),
        finding.rule_id,
        visible(&finding.resource),
        region_suffix(finding.region.as_deref())
    );
    let _ = writeln!(out, "          {}", visible(&finding.message));
    if let Some(waiver) = &finding.waiver {
        let _ = writeln!(
            out,
            "          waived until {}: {}",
            visible(&waiver.expires),
            visible(&waiver.reason)
        );
    }
}

/// The framework's controls by section, with their status.
fn compliance(out: &mut String, report: &Report, framework: &Framework, style: Style) {
    let _ = writeln!(out, "\n{}", style.bold(framework.name));
    let mut section = String::new();
    for row in triage::controls(report, framework) {
        if row.section != section {
            section = row.section.clone();
            let _ = writeln!(out, "  {}", style.bold(&section));
        }
        let status = match row.status {
            triage::ControlStatus::Fail => style.paint("1;31", "fail"),
            triage::ControlStatus::Unknown => style.paint("1;33", "unknown"),
            triage::ControlStatus::Pass => style.paint("32", "pass"),
            other => style.dim(other.id()),
        };
        let counts = if row.control.rules.is_empty() {
            String::new()
        } else {
            format!(
                " ({} failing, {} unknown, {} passing)",
                row.fail, row.unknown, row.pass
            )
        };
        let _ = writeln!(
            out,
            "    {:<7} {} {}{}",
            row.control.id,
            status,
            row.control.title,
            style.dim(&counts)
        );
    }
}

/// The failed calls, one line per cause, with what to do.
fn not_checked(out: &mut String, report: &Report, style: Style) {
    let Some(not_checked) = human::NotChecked::of(report) else {
        return;
    };
    let title = format!("{}: {}", human::NotChecked::TITLE, not_checked.headline);
    let _ = writeln!(out, "\n{}", style.paint("1;33", &title));
    let [_, _, cause, to_do] = human::NOT_CHECKED_COLUMNS;
    for group in &not_checked.groups {
        let _ = writeln!(
            out,
            "  {}  {}",
            style.bold(&visible(&group.call())),
            visible(&group.extent())
        );
        if !group.cause.is_empty() {
            let _ = writeln!(out, "      {cause}: {}", visible(&group.cause));
        }
        let _ = writeln!(out, "      {to_do}: {}", visible(&group.advice));
    }
}

fn summary(out: &mut String, report: &Report, style: Style, worst: Option<&FixItem>) {
    let worst = worst
        .map(|item| format!("; worst: {}", human::worst(item, place)))
        .unwrap_or_default();
    let (failing, others) = human::summary_counts(report);
    let _ = writeln!(
        out,
        "\n{} {failing}, {others}{worst} — {}",
        style.bold("Summary:"),
        if report.complete {
            "scan complete".to_string()
        } else {
            style.paint("1;33", "scan INCOMPLETE")
        }
    );
}

/// "; 612 requests, 3 retried" — what reading the account cost, when it was recorded.
fn request_counts(report: &Report) -> String {
    let requests = &report.requests;
    if requests.attempts == 0 {
        return String::new();
    }
    let mut text = format!(
        "; {} request(s), {} retried",
        requests.attempts, requests.retries
    );
    if requests.paced_millis >= 1000 {
        let seconds = requests.paced_millis as f64 / 1000.0;
        text.push_str(&format!(", {seconds:.1} s paced to the API rate"));
    }
    text
}
