//! The human report: what to fix first, the scorecard, the findings by duty with repeats
//! collapsed, what could not be checked grouped by cause, and a summary line naming the
//! worst finding.

use std::fmt::Write as _;

use posture_rules::compliance::Framework;
use posture_rules::{Duty, Finding, Severity, Status};

use super::inert::visible;
use super::triage::{self, Display, FixItem, EXAMPLES};
use super::Report;

/// How many lines the fix-first list has.
const FIX_FIRST: usize = 10;

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
    let fixes = triage::fix_first(report, display);
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
    summary(&mut out, report, style, fixes.first());
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
fn fix_first(out: &mut String, fixes: &[FixItem], style: Style) {
    if fixes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.bold("Fix first"));
    for (rank, item) in fixes.iter().take(FIX_FIRST).enumerate() {
        let exposure = match triage::exposure_label(item.exposure) {
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
        let _ = writeln!(out, "       {}", fix_detail(item));
    }
    if fixes.len() > FIX_FIRST {
        let rest: usize = fixes[FIX_FIRST..].iter().map(|f| f.count).sum();
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "     …then {} more group(s), {rest} failing finding(s), listed below",
                fixes.len() - FIX_FIRST
            ))
        );
    }
}

/// The message for one resource; for several, how many and the first few.
fn fix_detail(item: &FixItem) -> String {
    if item.count == 1 {
        let (resource, region) = &item.examples[0];
        return format!(
            "{}{} — {}",
            visible(resource),
            region_suffix(region.as_deref()),
            visible(&item.message)
        );
    }
    let names: Vec<String> = item
        .examples
        .iter()
        .map(|(resource, region)| {
            format!("{}{}", visible(resource), region_suffix(region.as_deref()))
        })
        .collect();
    let more = triage::and_more(item.count, item.examples.len());
    format!("{} resources: {}{more}", item.count, names.join(", "))
}

fn region_suffix(region: Option<&str>) -> String {
    region
        .map(|r| format!(" ({})", visible(r)))
        .unwrap_or_default()
}

/// Duties × severity of the failing findings, with unknown and passing counts.
fn scorecard(out: &mut String, report: &Report, style: Style) {
    let _ = writeln!(out, "\n{}", style.bold("Scorecard"));
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "  {:<38}{:>5}{:>9}{:>6}{:>7}{:>5}{:>5}{:>9}{:>6}",
            "duty", "rules", "critical", "high", "medium", "low", "info", "unknown", "pass"
        ))
    );
    for duty in &report.duties {
        if !duty.observable {
            let _ = writeln!(out, "  {:<38}  not scored: cannot be observed", duty.title);
            continue;
        }
        let of = |severity| duty.fail_by_severity.get(&severity).copied().unwrap_or(0);
        let cell = |severity: Severity, width: usize| {
            let n = of(severity);
            let text = format!("{n:>width$}");
            match (n, severity) {
                (0, _) => style.dim(&text),
                (_, Severity::Critical | Severity::High) => style.paint("1;31", &text),
                _ => text,
            }
        };
        let _ = writeln!(
            out,
            "  {:<38}{:>5}{}{}{}{}{}{:>9}{:>6}",
            duty.title,
            duty.rules,
            cell(Severity::Critical, 9),
            cell(Severity::High, 6),
            cell(Severity::Medium, 7),
            cell(Severity::Low, 5),
            cell(Severity::Info, 5),
            duty.unknown,
            duty.pass
        );
    }
}

/// Accounts × duties (failing findings), when the run covered several accounts.
fn accounts(out: &mut String, report: &Report, style: Style) {
    if report.accounts.len() < 2 {
        return;
    }
    let counts = report.findings.counts();
    let duties: Vec<Duty> = Duty::ALL.into_iter().filter(|d| d.observable()).collect();
    let _ = writeln!(
        out,
        "\n{}",
        style.bold("Accounts (failing findings by duty)")
    );
    let mut head = format!("  {:<34}", "account");
    for duty in &duties {
        head.push_str(&format!("{:>9}", super::duty_column(*duty)));
    }
    head.push_str(&format!("{:>9}{:>6}", "unknown", "pass"));
    let _ = writeln!(out, "{}", style.dim(&head));
    for account in &report.accounts {
        let label = match &account.name {
            Some(name) => format!("{} {}", visible(&account.id), visible(name)),
            None => visible(&account.id).into_owned(),
        };
        let label: String = label.chars().take(33).collect();
        let mut line = format!("  {label:<34}");
        for duty in &duties {
            let key = (account.id.clone(), *duty);
            let n = counts
                .failing_by_account_duty
                .get(&key)
                .copied()
                .unwrap_or(0);
            let cell = format!("{n:>9}");
            line.push_str(&if n == 0 { style.dim(&cell) } else { cell });
        }
        let of = |status: Status| {
            let key = (account.id.clone(), status);
            counts.by_account_status.get(&key).copied().unwrap_or(0)
        };
        line.push_str(&format!(
            "{:>9}{:>6}",
            of(Status::Unknown),
            of(Status::Pass)
        ));
        if account.caller_arn.is_none() {
            line.push_str(&style.paint("1;33", "  not reachable"));
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Each duty's findings that the filters show, worst first; a run of more than
/// [`EXAMPLES`] findings of one rule, status and severity becomes one line unless expanded.
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
        let mut run: Vec<Finding> = Vec::new();
        let mut run_length = 0;
        let mut titled = false;
        for finding in shown {
            if !titled {
                let _ = writeln!(out, "\n{}", style.bold(duty.title));
                titled = true;
            }
            let same = run.first().is_some_and(|first| {
                (&first.rule_id, first.status, first.severity)
                    == (&finding.rule_id, finding.status, finding.severity)
            });
            if !same {
                write_run(out, &run, run_length, style, display);
                run.clear();
                run_length = 0;
            }
            run_length += 1;
            if display.expand {
                write_finding(out, &finding, style);
            } else if run.len() < EXAMPLES + 1 {
                run.push(finding);
            }
            super::flush_when_full(out, w)?;
        }
        write_run(out, &run, run_length, style, display);
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// A run of findings of one rule, status and severity: each in full when there are few,
/// else one line with the count and the first resources.
fn write_run(out: &mut String, run: &[Finding], length: usize, style: Style, display: &Display) {
    if display.expand || run.is_empty() {
        return;
    }
    if length <= EXAMPLES + 1 {
        run.iter().for_each(|f| write_finding(out, f, style));
        return;
    }
    let first = &run[0];
    let _ = writeln!(
        out,
        "  {} {} {}  {} resources: {}",
        style.status(first.status),
        style.severity(first.severity),
        first.rule_id,
        length,
        visible(&first.title)
    );
    let names: Vec<String> = run
        .iter()
        .take(EXAMPLES)
        .map(|f| {
            format!(
                "{}{}",
                visible(&f.resource),
                region_suffix(f.region.as_deref())
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "          {} …and {} more (-v lists them; every format but this one has them all)",
        names.join(", "),
        length - EXAMPLES
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
    if report.gaps.is_empty() {
        return;
    }
    let groups = triage::group_gaps(report);
    let _ = writeln!(
        out,
        "\n{}",
        style.paint(
            "1;33",
            &format!(
                "Not checked: {} call(s) failed ({} cause(s)), so parts of the account were not read",
                report.gaps.len(),
                groups.len()
            )
        )
    );
    for group in &groups {
        let _ = writeln!(
            out,
            "  {}  {}",
            style.bold(&visible(&group.call())),
            visible(&group.extent())
        );
        if !group.cause.is_empty() {
            let _ = writeln!(out, "      cause: {}", visible(&group.cause));
        }
        let _ = writeln!(out, "      to do: {}", visible(&group.advice));
    }
}

fn summary(out: &mut String, report: &Report, style: Style, worst: Option<&FixItem>) {
    let summary = &report.summary;
    let worst = worst
        .map(|item| {
            let (resource, region) = &item.examples[0];
            format!(
                "; worst: {} {} on {}{}",
                item.severity.id(),
                item.rule_id,
                visible(resource),
                region_suffix(region.as_deref())
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{} {} failing{}, {} unknown, {} waived, {} passing{} — {}",
        style.bold("Summary:"),
        summary.fail,
        summary.by_severity(),
        summary.unknown,
        summary.waived,
        summary.pass,
        worst,
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
