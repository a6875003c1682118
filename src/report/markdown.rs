//! Markdown: a short summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the
//! scorecard and the worst failing findings, well under GitHub's 1 MiB limit.

use std::fmt::Write as _;

use posture_rules::{Severity, Status};

use super::{inert, Report};

/// How many failing findings the summary lists; the rest are counted.
const MAX_LISTED: usize = 100;
/// GitHub rejects step summaries over 1 MiB; stay far below.
const MAX_BYTES: usize = 512 * 1024;

/// Account text inside a Markdown table cell or line: inert (no markup, no line breaks).
fn cell(text: &str) -> String {
    inert::markdown(text)
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## posture — account {}\n", cell(&report.account.id));
    let s = &report.summary;
    let _ = writeln!(
        out,
        "**{} failing**, {} unknown, {} waived, {} passing across {} region(s). {}\n",
        s.fail,
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
    out.push_str("| Duty | Rules | Failing | Unknown | Passing |\n|---|---:|---:|---:|---:|\n");
    for duty in &report.duties {
        if duty.observable {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                duty.title, duty.rules, duty.fail, duty.unknown, duty.pass
            );
        } else {
            let _ = writeln!(out, "| {} | — | not observable | — | — |", duty.title);
        }
    }
    // Worst first: a pass over the stored findings per severity, each in rule order.
    let failing = Severity::ALL.into_iter().rev().flat_map(|severity| {
        report
            .findings
            .iter()
            .filter(move |f| f.status == Status::Fail && f.severity == severity)
    });
    let failing_count = report.summary.fail;
    if failing_count > 0 {
        out.push_str("\n### Top failing findings\n\n| Severity | Rule | Resource | Region | Finding |\n|---|---|---|---|---|\n");
        let mut listed = 0;
        for f in failing {
            let row = format!(
                "| {} | `{}` | {} | {} | {} |\n",
                f.severity,
                f.rule_id,
                cell(&f.resource),
                cell(f.region.as_deref().unwrap_or("global")),
                cell(&f.message)
            );
            if listed >= MAX_LISTED || out.len() + row.len() > MAX_BYTES {
                break;
            }
            out.push_str(&row);
            listed += 1;
        }
        if listed < failing_count {
            let _ = writeln!(
                out,
                "\n…and {} more failing finding(s) in the full report.",
                failing_count - listed
            );
        }
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "\n### Not checked\n\n{} call(s) failed:\n",
            report.gaps.len()
        );
        for gap in report.gaps.iter().take(20) {
            let _ = writeln!(out, "- {}", cell(&gap.describe()));
        }
        if report.gaps.len() > 20 {
            let _ = writeln!(out, "- …and {} more", report.gaps.len() - 20);
        }
    }
    out
}
