//! `posture`: collect → evaluate → report. See ARCHITECTURE.md.

mod cli;
mod collect;
mod config;
mod diff;
mod output;
mod report;
mod waivers;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use posture_rules::model::{Snapshot, SNAPSHOT_SCHEMA_VERSION};
use posture_rules::registry::{self, RULES};
use posture_rules::{Duty, Rule, Severity};

use cli::{AwsArgs, CheckArgs, Cli, Command, DiffFormat, ListFormat, ReportFormat};
use report::Report;

/// Exit codes; each means one thing.
mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // One line: the context and every cause, innermost last.
            eprintln!("posture: error: {error:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check(args) => check(args, cli.quiet, cli.verbose),
        Command::Collect(args) => {
            let snapshot = collect_snapshot(&args.aws, cli.quiet)?;
            let json =
                serde_json::to_string_pretty(&snapshot).context("serializing the snapshot")?;
            output::write_atomically(&args.output, json.as_bytes())?;
            if !cli.quiet {
                eprintln!(
                    "posture: wrote {} ({} region(s), {} failed call(s))",
                    args.output.display(),
                    snapshot.regions.len(),
                    snapshot.gaps.len()
                );
            }
            Ok(exit::CLEAN)
        }
        Command::Rules(args) => {
            emit(&list_rules(args.format))?;
            Ok(exit::CLEAN)
        }
        Command::Permissions => {
            let policy = collect::permissions::policy_document();
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&policy).context("serializing the policy")?
            ))?;
            Ok(exit::CLEAN)
        }
        Command::Diff(args) => {
            let fail_on = Severity::from_id(&args.fail_on)
                .with_context(|| format!("unknown severity `{}`", args.fail_on))?;
            let diff = diff::diff(&args.old, &args.new)?;
            let text = match args.format {
                DiffFormat::Terminal => diff.terminal(),
                DiffFormat::Json => diff.json(),
                DiffFormat::Markdown => diff.markdown(),
            };
            match &args.output {
                Some(path) => output::write_atomically(path, text.as_bytes())?,
                None => emit(&text)?,
            }
            Ok(if diff.regresses_at(fail_on) {
                exit::FINDINGS
            } else {
                exit::CLEAN
            })
        }
        Command::Explain { rule } => {
            let rule = find_rule(&rule)?;
            emit(&format!("{}\n", explain(rule)))?;
            Ok(exit::CLEAN)
        }
    }
}

/// Writes to standard output. A closed pipe (`posture rules | head`) is not an error: the
/// reader has what it wanted.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

fn find_rule(id: &str) -> anyhow::Result<&'static Rule> {
    registry::find(id)
        .with_context(|| format!("unknown rule id `{id}` (`posture rules` lists them)"))
}

fn check(args: CheckArgs, quiet: bool, verbose: bool) -> anyhow::Result<u8> {
    // Validate the selection before any slow collection.
    for id in args.rules.iter().chain(&args.excluded_rules) {
        find_rule(id)?;
    }
    let duties: Vec<Duty> = args
        .duties
        .iter()
        .map(|d| Duty::from_id(d).with_context(|| format!("unknown duty `{d}`")))
        .collect::<anyhow::Result<_>>()?;
    let fail_on = Severity::from_id(&args.fail_on)
        .with_context(|| format!("unknown severity `{}`", args.fail_on))?;
    let config = match &args.config {
        Some(path) => config::Config::load(path)?,
        None => config::Config::default(),
    };
    let mut formats: Vec<ReportFormat> = Vec::new();
    for format in &args.formats {
        if !formats.contains(format) {
            formats.push(*format);
        }
    }
    if formats.is_empty() {
        formats.push(ReportFormat::Terminal);
    }
    if formats.len() > 1 && args.output.is_none() {
        bail!("several formats need --output DIR to write them into");
    }

    let snapshot = match &args.snapshot {
        Some(path) => load_snapshot(path)?,
        None => collect_snapshot(&args.aws, quiet)?,
    };
    let selected = |rule: &Rule| {
        (args.rules.is_empty() || args.rules.iter().any(|id| id == rule.id))
            && !args.excluded_rules.iter().any(|id| id == rule.id)
            && (duties.is_empty() || duties.contains(&rule.duty))
    };
    let now = chrono::Utc::now();
    let settings = config.settings(now);
    let mut findings = posture_rules::evaluate(&snapshot, &settings, selected);
    let rules_run: Vec<&Rule> = RULES.iter().copied().filter(|r| selected(r)).collect();
    // Waivers of rules that did not run this time are neither applied nor reported.
    let waivers: Vec<waivers::Waiver> = config
        .waivers
        .iter()
        .filter(|w| rules_run.iter().any(|r| r.id == w.rule))
        .cloned()
        .collect();
    let warnings = waivers::apply(&waivers, &mut findings, now.date_naive());
    if !quiet {
        for warning in &warnings {
            eprintln!("posture: warning: {warning}");
        }
    }
    let report = Report::new(&snapshot, findings, &rules_run, now, warnings);

    let render = |format: ReportFormat, to_terminal: bool| match format {
        ReportFormat::Terminal => {
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::terminal::render(&report, report::terminal::Style { color }, verbose)
        }
        ReportFormat::Json => report::json::render(&report),
        ReportFormat::Sarif => report::sarif::render(&report),
        ReportFormat::Junit => report::junit::render(&report),
        ReportFormat::Ocsf => report::ocsf::render(&report),
        ReportFormat::Markdown => report::markdown::render(&report),
        ReportFormat::Csv => report::csv::render(&report),
        ReportFormat::Html => report::html::render(&report),
    };
    match (&args.output, formats.as_slice()) {
        (None, [format]) => emit(&render(*format, std::io::stdout().is_terminal()))?,
        (Some(path), [format]) if !path.is_dir() => {
            output::write_atomically(path, render(*format, false).as_bytes())?
        }
        (None, _) => unreachable!("checked before collecting"),
        (Some(dir), formats) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
            for format in formats {
                if *format == ReportFormat::Terminal && formats.len() > 1 {
                    emit(&render(*format, std::io::stdout().is_terminal()))?;
                } else {
                    output::write_atomically(
                        &dir.join(format.file_name()),
                        render(*format, false).as_bytes(),
                    )?;
                }
            }
        }
    }
    if !report.complete && !quiet {
        eprintln!(
            "posture: warning: the scan is incomplete: {} call(s) failed and {} finding(s) are unknown",
            report.gaps.len(),
            report.summary.unknown
        );
    }
    Ok(if report.fails_at(fail_on) {
        exit::FINDINGS
    } else if !report.complete && !args.allow_incomplete {
        exit::INCOMPLETE
    } else {
        exit::CLEAN
    })
}

fn load_snapshot(path: &Path) -> anyhow::Result<Snapshot> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read snapshot {}", path.display()))?;
    // Check the version first, so an old or foreign file gets a clear message rather than
    // a confusing field error.
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("snapshot {} is not valid JSON", path.display()))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(version) if version == u64::from(SNAPSHOT_SCHEMA_VERSION) => {}
        Some(version) => bail!(
            "snapshot {} has schema version {version}; this posture reads version {SNAPSHOT_SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!("{} is not a posture snapshot (no `schema_version`)", path.display()),
    }
    serde_json::from_value(value)
        .with_context(|| format!("snapshot {} is malformed", path.display()))
}

fn collect_snapshot(aws: &AwsArgs, quiet: bool) -> anyhow::Result<Snapshot> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let credentials = collect::sdk::Credentials {
            profile: aws.profile.clone(),
            role_arn: aws.role_arn.clone(),
            external_id: aws.external_id.clone(),
        };
        let config =
            collect::sdk::load(&credentials, aws.regions.first().map(String::as_str)).await;
        let progress = if !quiet && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} collecting: {pos} calls done {msg}")
                    .expect("static progress template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        let request = collect::Request {
            regions: (!aws.regions.is_empty()).then(|| aws.regions.clone()),
        };
        collect::collect(&config, request, progress).await
    })
}

fn list_rules(format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let rules: Vec<serde_json::Value> = RULES.iter().map(|rule| rule_json(rule)).collect();
            let mut text = serde_json::to_string_pretty(&rules).expect("rules serialize");
            text.push('\n');
            text
        }
        ListFormat::Markdown => rules_markdown(),
        ListFormat::Table => {
            let mut text = format!(
                "{:<40} {:<9} {:<32} {}\n",
                "RULE", "SEVERITY", "DUTY", "TITLE"
            );
            for rule in RULES {
                text.push_str(&format!(
                    "{:<40} {:<9} {:<32} {}\n",
                    rule.id,
                    rule.severity.id(),
                    rule.duty.id(),
                    rule.title
                ));
            }
            text
        }
    }
}

/// The rule catalogue, grouped by duty: docs/rules.md is this output.
fn rules_markdown() -> String {
    let mut text = String::from(
        "# Rules\n\nGenerated by `posture rules --format markdown` from the rule registry; do not edit.\n",
    );
    for duty in Duty::ALL {
        text.push_str(&format!("\n## {}\n", duty.title()));
        if let Some(reason) = duty.not_observable_reason() {
            text.push_str(&format!("\nNot scored: {reason}.\n"));
        }
        for rule in RULES.iter().filter(|r| r.duty == duty) {
            text.push_str(&format!(
                "\n### `{}`\n\n{}. Severity: {}.",
                rule.id, rule.title, rule.severity
            ));
            if !rule.cis.is_empty() {
                text.push_str(&format!(
                    " CIS AWS Foundations v3.0: {}.",
                    rule.cis.join(", ")
                ));
            }
            if !rule.fsbp.is_empty() {
                text.push_str(&format!(" AWS FSBP: {}.", rule.fsbp.join(", ")));
            }
            text.push_str("\n\n");
            // The rule's own `##` sections sit under its `###` heading.
            text.push_str(
                &rule
                    .documentation()
                    .replace("\n## ", "\n#### ")
                    .replacen("## ", "#### ", 1),
            );
            text.push('\n');
        }
    }
    text
}

fn rule_json(rule: &Rule) -> serde_json::Value {
    serde_json::json!({
        "id": rule.id,
        "title": rule.title,
        "duty": rule.duty,
        "severity": rule.severity,
        "cis_v3": rule.cis,
        "fsbp": rule.fsbp,
        "documentation": rule.documentation(),
        "source": rule.source,
    })
}

fn explain(rule: &Rule) -> String {
    let mut text = format!(
        "{} — {}\nduty: {}   severity: {}\n",
        rule.id,
        rule.title,
        rule.duty.title(),
        rule.severity
    );
    if !rule.cis.is_empty() {
        text.push_str(&format!(
            "CIS AWS Foundations v3.0: {}\n",
            rule.cis.join(", ")
        ));
    }
    if !rule.fsbp.is_empty() {
        text.push_str(&format!("AWS FSBP: {}\n", rule.fsbp.join(", ")));
    }
    text.push('\n');
    text.push_str(&rule.documentation());
    text
}
