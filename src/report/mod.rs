//! Report: findings and rule metadata rendered for people and machines. Every format is
//! rendered from the same [`Report`].

pub mod csv;
pub mod file;
pub mod html;
pub mod human;
pub mod inert;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod ocsf;
pub mod sarif;
pub mod terminal;
pub mod triage;

use chrono::{DateTime, Utc};
use posture_rules::model::{Account, Gap, RequestCounts, Snapshot};
use posture_rules::{Duty, Severity, Status};
use serde::Serialize;

use crate::findings::Findings;

/// Escapes text for XML and HTML content and attribute values (HTML5 knows `&apos;`).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A sequence serialized as it is produced and never held whole: the findings of a large
/// account, turned into SARIF results or OCSF events one at a time.
pub struct Streamed<F>(pub F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// Moves a format's text buffer to its writer once it holds a mebibyte, so that a large
/// section never sits whole in memory.
pub fn flush_when_full(buffer: &mut String, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if buffer.len() >= 1 << 20 {
        out.write_all(buffer.as_bytes())?;
        buffer.clear();
    }
    Ok(())
}

/// Writes `value` as pretty JSON and a final newline to `out`, through a buffer of its
/// own: the serializer writes each key, quote and indent on its own, and through `dyn
/// Write` each of those tens of millions of writes on a large report was a call through a
/// pointer.
pub fn write_json(out: &mut dyn std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, value)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Identifies the JSON report format; bumped on any incompatible change
/// (docs/report-schema.md).
pub const REPORT_SCHEMA: &str = "posture.report/v1";

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    /// Who ran the scan: the account and identity of the credentials (for `--org`, the
    /// management account or delegated administrator).
    pub account: Account,
    /// Every account the run covered: one, or the organization's.
    pub accounts: Vec<ScannedAccount>,
    /// The slice of the organization this run scanned (`--shard`), for `posture merge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// The regions scanned, in any account.
    pub regions: Vec<String>,
    /// The ids of the rules that ran, so that `posture diff` compares like with like.
    pub rules: Vec<&'static str>,
    pub collected_at: DateTime<Utc>,
    pub evaluated_at: DateTime<Utc>,
    /// False when any call failed or any finding is `unknown`: parts of the account were
    /// not checked.
    pub complete: bool,
    pub summary: Summary,
    pub duties: Vec<DutySummary>,
    pub gaps: Vec<Gap>,
    /// What collecting cost: requests, retries, time spent pacing (zero for snapshots of
    /// posture before 0.1's reliability work).
    pub requests: RequestCounts,
    /// What the run left out on purpose (buckets of regions not scanned) and problems
    /// with the configuration that did not stop it (expired or unused waivers).
    pub warnings: Vec<String>,
    /// Every finding, in report order, read back from disk as they are written.
    pub findings: Findings,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub fail: usize,
    pub unknown: usize,
    pub waived: usize,
    pub pass: usize,
    /// Failing findings by severity.
    pub fail_by_severity: std::collections::BTreeMap<Severity, usize>,
}

impl Summary {
    /// " (1 critical, 6 high)": the failing findings by severity, worst first, for a
    /// summary line; empty when nothing fails.
    pub fn by_severity(&self) -> String {
        let parts: Vec<String> = self
            .fail_by_severity
            .iter()
            .rev()
            .map(|(severity, n)| format!("{n} {severity}"))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    }
}

/// One line of the shared-responsibility scorecard.
#[derive(Debug, Serialize)]
pub struct DutySummary {
    pub duty: Duty,
    pub title: &'static str,
    pub observable: bool,
    /// Why the duty is not scored, for the unobservable one.
    pub note: Option<&'static str>,
    pub rules: usize,
    pub fail: usize,
    /// Failing findings of the duty by severity.
    pub fail_by_severity: std::collections::BTreeMap<Severity, usize>,
    pub unknown: usize,
    pub pass: usize,
}

/// One account of the run: scanned, or named by the organization and not reachable.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ScannedAccount {
    pub id: String,
    /// The account's name in the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Organizational units from the root down.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ou_path: Vec<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tags: std::collections::BTreeMap<String, String>,
    /// Who read it; `None` when it could not be reached (its role could not be assumed).
    pub caller_arn: Option<String>,
    pub regions: Vec<String>,
}

/// Shard `index` of `count` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// What one account's collection contributes to the report besides its findings.
#[derive(Debug, Clone)]
pub struct Scan {
    pub account: ScannedAccount,
    pub collected_at: Option<DateTime<Utc>>,
    pub gaps: Vec<Gap>,
    pub requests: RequestCounts,
    pub notes: Vec<String>,
}

impl Scan {
    /// The scan of one snapshot.
    pub fn of(snapshot: &Snapshot) -> Scan {
        Scan {
            account: ScannedAccount {
                id: snapshot.account.id.clone(),
                name: None,
                ou_path: Vec::new(),
                tags: Default::default(),
                caller_arn: Some(snapshot.account.caller_arn.clone()),
                regions: snapshot.regions.clone(),
            },
            collected_at: Some(snapshot.collected_at),
            gaps: snapshot.gaps.clone(),
            requests: snapshot.requests,
            notes: snapshot.notes.clone(),
        }
    }
}

impl Report {
    /// The report of these findings (stored and counted by [`Findings`]) over the scans of
    /// one account or several, run as `identity`.
    pub fn new(
        identity: Account,
        scans: Vec<Scan>,
        findings: Findings,
        rules_run: &[&posture_rules::Rule],
        evaluated_at: DateTime<Utc>,
        warnings: Vec<String>,
    ) -> Report {
        let several = scans.len() > 1;
        let counts = findings.counts();
        let of_status = |status| counts.by_status.get(&status).copied().unwrap_or(0);
        let summary = Summary {
            fail: of_status(Status::Fail),
            unknown: of_status(Status::Unknown),
            waived: of_status(Status::Waived),
            pass: of_status(Status::Pass),
            fail_by_severity: counts.failing_by_severity.clone(),
        };
        let duties = Duty::ALL
            .into_iter()
            .map(|duty| duty_summary(duty, counts, rules_run))
            .collect();
        // In the order scanned, each once.
        let mut regions: Vec<String> = Vec::new();
        for region in scans.iter().flat_map(|s| &s.account.regions) {
            if !regions.contains(region) {
                regions.push(region.clone());
            }
        }
        let mut gaps = Vec::new();
        let mut notes = Vec::new();
        let mut requests = RequestCounts::default();
        for scan in &scans {
            for gap in &scan.gaps {
                let mut gap = gap.clone();
                if several {
                    gap.account = Some(scan.account.id.clone());
                }
                gaps.push(gap);
            }
            notes.extend(scan.notes.iter().map(|note| match several {
                true => format!("account {}: {note}", scan.account.id),
                false => note.clone(),
            }));
            requests.attempts += scan.requests.attempts;
            requests.retries += scan.requests.retries;
            requests.paced_millis += scan.requests.paced_millis;
        }
        let collected_at = scans
            .iter()
            .filter_map(|s| s.collected_at)
            .min()
            .unwrap_or(evaluated_at);
        Report {
            schema: REPORT_SCHEMA,
            tool: Tool {
                name: "posture",
                version: env!("CARGO_PKG_VERSION"),
            },
            account: identity,
            accounts: scans.into_iter().map(|s| s.account).collect(),
            shard: None,
            regions,
            rules: rules_run.iter().map(|r| r.id).collect(),
            collected_at,
            evaluated_at,
            complete: gaps.is_empty() && summary.unknown == 0,
            summary,
            duties,
            gaps,
            requests,
            warnings: notes.into_iter().chain(warnings).collect(),
            findings,
        }
    }

    /// Whether any failing finding reaches the threshold.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.summary
            .fail_by_severity
            .iter()
            .any(|(severity, count)| *severity >= threshold && *count > 0)
    }

    /// The exit code of a command that made this report: failing findings at `fail_on`
    /// first, then an incomplete scan unless it is allowed.
    pub fn exit_code(&self, fail_on: Severity, allow_incomplete: bool) -> u8 {
        if self.fails_at(fail_on) {
            crate::exit::FINDINGS
        } else if !self.complete && !allow_incomplete {
            crate::exit::INCOMPLETE
        } else {
            crate::exit::CLEAN
        }
    }
}

/// One line of the scorecard, from the counts of the findings.
fn duty_summary(
    duty: Duty,
    counts: &crate::findings::Counts,
    rules_run: &[&posture_rules::Rule],
) -> DutySummary {
    let count = |status| {
        let key = (duty, status);
        counts.by_duty_status.get(&key).copied().unwrap_or(0)
    };
    DutySummary {
        duty,
        title: duty.title(),
        observable: duty.observable(),
        note: duty.not_observable_reason(),
        rules: rules_run.iter().filter(|r| r.duty == duty).count(),
        fail: count(Status::Fail),
        fail_by_severity: Severity::ALL
            .into_iter()
            .filter_map(|severity| {
                let key = (duty, severity);
                let n = counts.failing_by_duty_severity.get(&key).copied()?;
                Some((severity, n))
            })
            .collect(),
        unknown: count(Status::Unknown),
        pass: count(Status::Pass),
    }
}

/// A duty's name in a narrow column (the accounts × duties scorecard).
pub fn duty_column(duty: Duty) -> &'static str {
    match duty {
        Duty::CustomerData => "data",
        Duty::IdentityAndAccessManagement => "iam",
        Duty::TemporaryCredentials => "creds",
        Duty::NetworkConfiguration => "network",
        Duty::ServerSideEncryption => "encrypt",
        Duty::NetworkTrafficProtection => "transit",
        Duty::ClientSideEncryption => "client",
    }
}
