//! What the root-user rules share: the two places IAM reports on the root user.

use crate::iterate::ROOT_ROW;
use crate::model::CredentialReportRow;
use crate::rule::Context;

/// The root user's line of the credential report, if the report was read and has one.
pub fn root_row<'a>(cx: &'a Context<'_>) -> Option<&'a CredentialReportRow> {
    cx.snapshot
        .iam
        .credential_report
        .as_ref()
        .ok()?
        .iter()
        .find(|row| row.user == ROOT_ROW)
}

/// A value of iam:GetAccountSummary (`AccountMFAEnabled`, `AccountAccessKeysPresent`),
/// if the summary was read and has it.
pub fn summary_value(cx: &Context<'_>, key: &str) -> Option<i32> {
    cx.snapshot
        .iam
        .account_summary
        .as_ref()
        .ok()?
        .get(key)
        .copied()
}

/// Why neither source could tell, for an `unknown` finding.
pub fn neither_source(cx: &Context<'_>) -> String {
    let summary = match cx.snapshot.iam.account_summary.as_ref() {
        Ok(_) => "the account summary does not report it".to_string(),
        Err(gap) => gap.short(),
    };
    let report = match cx.snapshot.iam.credential_report.as_ref() {
        Ok(_) => "the credential report has no root line".to_string(),
        Err(gap) => gap.short(),
    };
    format!("could not be checked: {summary}; {report}")
}

/// Whether the root user has MFA: the account summary's `AccountMFAEnabled`, or else the
/// credential report's root line; `None` when neither says.
pub fn root_mfa_enabled(cx: &Context<'_>) -> Option<bool> {
    match (summary_value(cx, "AccountMFAEnabled"), root_row(cx)) {
        (Some(value), _) => Some(value > 0),
        (None, Some(row)) => Some(row.mfa_active),
        (None, None) => None,
    }
}
