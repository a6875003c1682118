//! JUnit XML: one test suite per duty, one test case per rule and resource. A failing
//! finding is a failure, an unknown one is skipped with its reason, a waived one is skipped
//! with the waiver's reason. Each failed call is an error in a `Not checked` suite.

use std::fmt::Write as _;

use posture_rules::{Duty, Finding, Status};

use super::{escape_markup as escape, Report};

/// Writes the XML a test suite at a time: one duty's findings are in memory at once.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "<testsuites name=\"posture {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
        escape(&report.account.id),
        report.findings.len() + report.gaps.len(),
        summary.fail,
        report.gaps.len(),
        summary.unknown + summary.waived,
        report.evaluated_at.format("%Y-%m-%dT%H:%M:%S")
    );
    for duty in Duty::ALL {
        duty_suite(report, duty, &mut out, w)?;
    }
    gaps_suite(report, &mut out);
    out.push_str("</testsuites>\n");
    w.write_all(out.as_bytes())
}

/// The suite of one duty's findings, if it has any, written out with what `out` held.
fn duty_suite(
    report: &Report,
    duty: Duty,
    out: &mut String,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let count = |status| {
        let counts = &report.findings.counts().by_duty_status;
        counts.get(&(duty, status)).copied().unwrap_or(0)
    };
    let failures = count(Status::Fail);
    let skipped = count(Status::Unknown) + count(Status::Waived);
    let tests = failures + skipped + count(Status::Pass);
    if tests == 0 {
        return Ok(());
    }
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        escape(duty.title()),
        tests
    );
    for finding in report.findings.iter().filter(|f| f.duty == duty) {
        super::flush_when_full(out, w)?;
        test_case(&finding, out);
    }
    out.push_str("  </testsuite>\n");
    w.write_all(out.as_bytes())?;
    out.clear();
    Ok(())
}

/// One finding: a failing one is a failure, an unknown or waived one is skipped.
fn test_case(finding: &Finding, out: &mut String) {
    let region = finding
        .region
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&finding.rule_id),
        escape(&format!("{}{region}", finding.resource))
    );
    let skipped = |out: &mut String, message: &str| {
        let _ = writeln!(
            out,
            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
            escape(message)
        );
    };
    match finding.status {
        Status::Pass => out.push_str("/>\n"),
        Status::Fail => {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}\n{}</failure>\n    </testcase>",
                escape(&finding.message),
                finding.severity,
                escape(&finding.title),
                escape(&finding.evidence.to_string())
            );
        }
        Status::Unknown => skipped(out, &finding.message),
        Status::Waived => {
            let reason = finding
                .waiver
                .as_ref()
                .map(|w| format!("waived until {}: {}", w.expires, w.reason))
                .unwrap_or_else(|| "waived".into());
            skipped(out, &reason);
        }
    }
}

/// Calls that failed: errors, so a CI test view shows that parts were not checked.
fn gaps_suite(report: &Report, out: &mut String) {
    if report.gaps.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "  <testsuite name=\"Not checked\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">",
        report.gaps.len()
    );
    for gap in &report.gaps {
        let _ = writeln!(
            out,
            "    <testcase classname=\"gap\" name=\"{}\">\n      <error message=\"{}\" type=\"{}\"/>\n    </testcase>",
            escape(&format!(
                "{}:{} {}{}",
                gap.service,
                gap.operation,
                gap.region.as_deref().unwrap_or("global"),
                gap.resource.as_deref().map(|r| format!(" {r}")).unwrap_or_default()
            )),
            escape(&gap.describe()),
            escape(&gap.error_code)
        );
    }
    out.push_str("  </testsuite>\n");
}
