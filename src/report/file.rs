//! A report as a file of its own, for the commands that read or write one: a JSON report
//! read back ([`ReportFile`], [`load`]) by `merge` and `diff`, and a run's report written in
//! every format asked for ([`write`]) by `check` and `merge`.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use posture_rules::model::{Account, Gap, RequestCounts};
use posture_rules::Finding;
use serde::Deserialize;

use super::{Report, ScannedAccount, Shard, REPORT_SCHEMA};
use crate::cli::{ColorChoice, ReportFormat};
use crate::output::{self, Destination};

/// The posture that wrote the report.
#[derive(Debug, Deserialize)]
pub struct Tool {
    pub version: String,
}

/// A JSON report read back: what `merge` and `diff` read of it.
#[derive(Debug, Deserialize)]
pub struct ReportFile {
    pub tool: Tool,
    pub account: Account,
    /// Absent from reports of posture before organizations: then the one `account`. Empty
    /// for a shard that held no account.
    #[serde(default)]
    pub accounts: Option<Vec<ScannedAccount>>,
    pub regions: Vec<String>,
    /// Absent from reports of posture before the diff checked its scope.
    #[serde(default)]
    pub rules: Option<Vec<String>>,
    pub collected_at: chrono::DateTime<chrono::Utc>,
    pub evaluated_at: chrono::DateTime<chrono::Utc>,
    pub gaps: Vec<Gap>,
    #[serde(default)]
    pub requests: RequestCounts,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub shard: Option<Shard>,
    pub findings: Vec<Finding>,
}

impl ReportFile {
    /// The accounts the report covers, with the one of an older single-account report.
    pub fn covered(&self) -> Vec<ScannedAccount> {
        if let Some(accounts) = &self.accounts {
            return accounts.clone();
        }
        vec![ScannedAccount {
            id: self.account.id.clone(),
            name: None,
            ou_path: Vec::new(),
            tags: BTreeMap::new(),
            caller_arn: Some(self.account.caller_arn.clone()),
            regions: self.regions.clone(),
        }]
    }
}

/// A JSON report of this schema; a foreign or older file gets a clear message naming
/// `command`.
pub fn load(path: &Path, command: &str) -> anyhow::Result<ReportFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    /// Only the schema, read first so that a foreign file gets a clear message.
    #[derive(Deserialize)]
    struct Schema {
        schema: Option<serde_json::Value>,
    }
    let head: Schema = serde_json::from_str(&text)
        .with_context(|| format!("report {} is not valid JSON", path.display()))?;
    match head.schema.as_ref().and_then(|s| s.as_str()) {
        Some(REPORT_SCHEMA) => {}
        Some(other) => bail!(
            "{} is a `{other}` report; {command} reads `{REPORT_SCHEMA}`",
            path.display()
        ),
        None => bail!(
            "{} is not a posture JSON report (no `schema`); make one with --format json",
            path.display()
        ),
    }
    serde_json::from_str(&text).with_context(|| format!("report {} is malformed", path.display()))
}

/// How the human formats are rendered.
pub struct Rendering<'a> {
    pub display: &'a super::triage::Display,
    pub compliance: Option<&'a posture_rules::compliance::Framework>,
    pub color: ColorChoice,
    /// One SARIF result per finding, past what GitHub code scanning keeps.
    pub sarif_all_results: bool,
}

/// Writes `report` in every format asked for, to standard output, one file, or a
/// directory whose files all replace the old ones together.
pub fn write(
    report: &Report,
    formats: &[ReportFormat],
    destination: &Destination,
    rendering: &Rendering<'_>,
    quiet: bool,
) -> anyhow::Result<()> {
    let writer = Writer {
        report,
        sarif: sarif_plan(report, formats, rendering.sarif_all_results, quiet),
        rendering,
        quiet,
    };
    match (destination, formats) {
        (Destination::Stdout, [format]) => writer.write_to_stdout(*format),
        (Destination::Stdout, _) => unreachable!("several formats need a directory (planned)"),
        (Destination::File(path), [format]) => {
            output::write_all_atomically(vec![(
                path.clone(),
                Box::new(|out: &mut dyn std::io::Write| writer.write_format(*format, false, out)),
            )])?;
            writer.wrote(path);
            Ok(())
        }
        (Destination::File(_), _) => unreachable!("one file is for one format (planned)"),
        (Destination::Directory(dir), formats) => writer.write_to_directory(dir, formats),
    }
}

/// One report on its way out, in one format after another.
struct Writer<'a> {
    report: &'a Report,
    sarif: super::sarif::Plan,
    rendering: &'a Rendering<'a>,
    quiet: bool,
}

impl Writer<'_> {
    /// Writes one format. Every format reads the findings back from disk as it writes; a
    /// finding that cannot be read back fails the file, which then does not replace the
    /// old one.
    fn write_format(
        &self,
        format: ReportFormat,
        to_terminal: bool,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let (report, rendering) = (self.report, self.rendering);
        match format {
            ReportFormat::Json => super::json::write(report, out),
            ReportFormat::Sarif => super::sarif::write(report, &self.sarif, out),
            ReportFormat::Ocsf => super::ocsf::write(report, out),
            ReportFormat::Junit => super::junit::write(report, out),
            ReportFormat::Csv => super::csv::write(report, out),
            ReportFormat::Html => {
                let options = super::html::Options {
                    compliance: rendering.compliance,
                };
                super::html::write(report, &options, out)
            }
            ReportFormat::Markdown => {
                let text = super::markdown::render(report, rendering.display, rendering.compliance);
                out.write_all(text.as_bytes())
            }
            ReportFormat::Terminal => {
                let color = rendering.color.colors(to_terminal);
                let style = super::terminal::Style { color };
                let options = super::terminal::Options {
                    display: rendering.display,
                    compliance: rendering.compliance,
                };
                super::terminal::write(report, style, &options, out)
            }
        }?;
        report.findings.read_error().map_err(std::io::Error::other)
    }

    fn write_to_stdout(&self, format: ReportFormat) -> anyhow::Result<()> {
        let to_terminal = std::io::stdout().is_terminal();
        crate::emit_with(|out| self.write_format(format, to_terminal, out))
    }

    /// Every format but the terminal's as a file of `dir`, all of this run's files
    /// replacing those of the last one together, or none; then the terminal's, if asked
    /// for, on standard output.
    fn write_to_directory(&self, dir: &Path, formats: &[ReportFormat]) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
        let files: Vec<(ReportFormat, PathBuf)> = formats
            .iter()
            .filter(|format| **format != ReportFormat::Terminal)
            .map(|format| (*format, dir.join(format.file_name())))
            .collect();
        let contents: Vec<(PathBuf, output::Content)> = files
            .iter()
            .map(|(format, path)| {
                let format = *format;
                let content: output::Content = Box::new(move |out: &mut dyn std::io::Write| {
                    self.write_format(format, false, out)
                });
                (path.clone(), content)
            })
            .collect();
        output::write_all_atomically(contents)?;
        files.iter().for_each(|(_, path)| self.wrote(path));
        if formats.contains(&ReportFormat::Terminal) {
            self.write_to_stdout(ReportFormat::Terminal)?;
        }
        Ok(())
    }

    fn wrote(&self, path: &Path) {
        if !self.quiet {
            let findings = self.report.findings.len();
            eprintln!("posture: wrote {} ({findings} findings)", path.display());
        }
    }
}

/// Which findings a SARIF file groups to stay within GitHub code scanning's limits (none
/// with `--sarif-all-results`), said on standard error when some are.
fn sarif_plan(
    report: &Report,
    formats: &[ReportFormat],
    all_results: bool,
    quiet: bool,
) -> super::sarif::Plan {
    if all_results || !formats.contains(&ReportFormat::Sarif) {
        return super::sarif::Plan::every_finding();
    }
    let plan = super::sarif::Plan::within(report, super::sarif::GITHUB_RESULTS_SHOWN);
    if let (Some(summary), false) = (plan.summary(), quiet) {
        eprintln!("posture: warning: {summary}");
    }
    plan
}
