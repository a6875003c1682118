//! CSV: one row per finding, for spreadsheets, then one row (status `gap`) per failed call.

use super::{inert, Report};

const HEADER: [&str; 11] = [
    "rule_id",
    "title",
    "duty",
    "severity",
    "status",
    "resource",
    "region",
    "message",
    "waiver_reason",
    "waiver_expires",
    "evidence",
];

/// Writes the rows as the findings are read.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    // Every cell, ours included: a spreadsheet must evaluate none of them.
    let mut write = |cells: [&str; 11]| {
        let cells = cells.map(inert::spreadsheet_cell);
        writer.write_record(cells.iter().map(|c| c.as_ref()))
    };
    write(HEADER)?;
    for f in report.findings.iter() {
        let evidence = if f.evidence.is_null() {
            String::new()
        } else {
            f.evidence.to_string()
        };
        write([
            f.rule_id.as_str(),
            f.title.as_str(),
            f.duty.id(),
            f.severity.id(),
            f.status.id(),
            f.resource.as_str(),
            f.region.as_deref().unwrap_or(""),
            f.message.as_str(),
            f.waiver.as_ref().map(|w| w.reason.as_str()).unwrap_or(""),
            f.waiver.as_ref().map(|w| w.expires.as_str()).unwrap_or(""),
            evidence.as_str(),
        ])?;
    }
    // Calls that failed, so the spreadsheet says what was not checked: status `gap`.
    for gap in &report.gaps {
        let resource = gap
            .resource
            .clone()
            .unwrap_or_else(|| format!("{}:{}", gap.service, gap.operation));
        write([
            "",
            "not checked",
            "",
            "",
            "gap",
            resource.as_str(),
            gap.region.as_deref().unwrap_or(""),
            gap.describe().as_str(),
            "",
            "",
            "",
        ])?;
    }
    writer.flush()
}
