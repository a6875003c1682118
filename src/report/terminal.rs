//! The human report: findings grouped by duty, a scorecard line per duty, the gaps, and a
//! summary line.

use std::fmt::Write as _;

use posture_rules::Status;

use super::inert::visible;
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
}

/// Writes the report a duty at a time: one duty's findings are in memory at once.
pub fn write(
    report: &Report,
    style: Style,
    show_passing: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
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
    for duty in &report.duties {
        let _ = writeln!(out);
        if !duty.observable {
            let _ = writeln!(out, "{}", style.bold(duty.title));
            let _ = writeln!(
                out,
                "  not scored: {}",
                duty.note.unwrap_or("not observable")
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{}  {}",
            style.bold(duty.title),
            style.dim(&format!(
                "{} rule(s): {} failing, {} unknown, {} passing",
                duty.rules, duty.fail, duty.unknown, duty.pass
            ))
        );
        // Worst first: failing by severity, then unknown, waived, passing.
        let shown = report.findings.sorted_by(
            |f| f.duty == duty.duty && (show_passing || f.status != Status::Pass),
            |f| (f.status, std::cmp::Reverse(f.severity)),
        );
        for finding in shown {
            super::flush_when_full(&mut out, w)?;
            let region = finding
                .region
                .as_deref()
                .map(|r| format!(" ({})", visible(r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {:<8} {}  {}{}",
                style.status(finding.status),
                finding.severity.id(),
                finding.rule_id,
                visible(&finding.resource),
                region
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
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            style.paint(
                "1;33",
                &format!(
                    "Not checked: {} call(s) failed, so parts of the account were not read",
                    report.gaps.len()
                )
            )
        );
        for gap in &report.gaps {
            let resource = gap
                .resource
                .as_deref()
                .map(|r| format!(" [{}]", visible(r)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{resource}", visible(&gap.describe()));
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", style.paint("1;33", "Warnings"));
        for warning in &report.warnings {
            let _ = writeln!(out, "  {}", visible(warning));
        }
    }
    let summary = &report.summary;
    let by_severity: Vec<String> = summary
        .fail_by_severity
        .iter()
        .rev()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} {} failing{}, {} unknown, {} waived, {} passing — {}",
        style.bold("Summary:"),
        summary.fail,
        if by_severity.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_severity.join(", "))
        },
        summary.unknown,
        summary.waived,
        summary.pass,
        if report.complete {
            "scan complete".to_string()
        } else {
            style.paint("1;33", "scan INCOMPLETE")
        }
    );
    w.write_all(out.as_bytes())
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
