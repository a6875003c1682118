//! CSV: one row per finding, for spreadsheets, then one row (status `gap`) per failed call.

use super::{inert, Report};

const HEADER: [&str; 13] = [
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
    "account",
    "account_name",
];

/// Writes the rows as the findings are read.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    // Every cell, ours included: a spreadsheet must evaluate none of them.
    let mut write = |cells: [&str; 13]| {
        let cells = cells.map(inert::spreadsheet_cell);
        writer.write_record(cells.iter().map(|c| c.as_ref()))
    };
    write(HEADER)?;
    let name_of = |account: &str| -> String {
        let named = report.accounts.iter().find(|a| a.id == account);
        named.and_then(|a| a.name.clone()).unwrap_or_default()
    };
    for f in report.findings.iter() {
        let account = f
            .account
            .clone()
            .unwrap_or_else(|| report.account.id.clone());
        let account_name = name_of(&account);
        let evidence = if f.evidence.is_null() {
            String::new()
        } else {
            f.evidence.to_string()
        };
        write([
            f.rule_id.as_ref(),
            f.title.as_ref(),
            f.duty.id(),
            f.severity.id(),
            f.status.id(),
            f.resource.as_str(),
            f.region.as_deref().unwrap_or(""),
            f.message.as_str(),
            f.waiver.as_ref().map(|w| w.reason.as_str()).unwrap_or(""),
            f.waiver.as_ref().map(|w| w.expires.as_str()).unwrap_or(""),
            evidence.as_str(),
            account.as_str(),
            account_name.as_str(),
        ])?;
    }
    // Calls that failed, so the spreadsheet says what was not checked: status `gap`.
    for gap in &report.gaps {
        let resource = gap
            .resource
            .clone()
            .unwrap_or_else(|| format!("{}:{}", gap.service, gap.operation));
        let account = gap
            .account
            .clone()
            .unwrap_or_else(|| report.account.id.clone());
        let account_name = name_of(&account);
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
            account.as_str(),
            account_name.as_str(),
        ])?;
    }
    writer.flush()
}
