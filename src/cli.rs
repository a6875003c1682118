//! The command line: parsing only. Meaning (does that rule exist? is the snapshot
//! readable?) is checked by the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use posture_rules::{Duty, Severity, Status};

/// The audit role `check --org` assumes in each account, and `permissions --org` names.
const ORG_ROLE: &str = "posture-audit";

/// The `--fail-on` of every command: a failing finding of low severity or higher fails it.
const FAIL_ON: &str = "low";

#[derive(Debug, Parser)]
#[command(
    name = "posture",
    version,
    about = "Audits an AWS account for the customer's side of the Shared Responsibility Model",
    after_help = "Exit codes: 0 no failing finding at or above --fail-on and a complete scan; \
                  1 failing findings at or above --fail-on; 2 usage or fatal error; \
                  3 the scan is incomplete (some data could not be read) and \
                  --allow-incomplete was not given."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect (or load) a snapshot, evaluate the rules and report.
    Check(Box<CheckArgs>),
    /// Collect a snapshot of the account and save it as JSON.
    Collect(CollectArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print the least-privilege IAM policy a scan needs (read-only actions only).
    Permissions {
        /// Print instead the policy of the identity that runs `check --org` in the
        /// management account: list the organization and assume the audit role.
        #[arg(long)]
        org: bool,
        /// The audit role's name, as `check --org-role` takes it.
        #[arg(
            long,
            value_name = "NAME",
            default_value = ORG_ROLE,
            requires = "org"
        )]
        org_role: String,
    },
    /// Print a shell completion script (e.g. `posture completions bash > /etc/bash_completion.d/posture`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from these definitions.
    Man,
    /// Compare two JSON reports: new, resolved and changed findings.
    Diff(DiffArgs),
    /// Join JSON reports (the shards of an organization scan) into one report, in any format.
    Merge(MergeArgs),
    /// Show a rule's documentation.
    Explain {
        /// The rule id, as `posture rules` lists it.
        rule: String,
    },
}

/// Where and as whom to read the account.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// Named profile from the AWS config files (the SDK also reads AWS_PROFILE).
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to scan; repeat for several. Default: every region enabled in the account.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Assume this role (with the chain's credentials) and scan as it.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External id to pass when assuming --role-arn (or, with --org, each account's role).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Session name of the assumed role, visible in the account's CloudTrail.
    #[arg(long, value_name = "NAME", default_value = "posture")]
    pub role_session_name: String,
    /// Seconds the assumed role's session lasts (900 to 43200, within the role's maximum);
    /// sessions without MFA renew themselves for longer scans.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(900..=43200))]
    pub duration: Option<u32>,
    /// MFA device (serial number or ARN) the role's trust requires, for --role-arn.
    #[arg(long, value_name = "ARN", requires = "role_arn")]
    pub mfa_serial: Option<String>,
    /// The device's current code; asked for on a terminal when left out.
    #[arg(long, value_name = "CODE", requires = "mfa_serial")]
    pub mfa_token: Option<String>,
    /// Seconds to wait for a connection to an endpoint.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    pub connect_timeout: f64,
    /// Seconds one attempt of one call may take. A call is tried up to 8 times within
    /// 3 attempts' time plus backoff; one that never answers becomes a gap. The first call
    /// (sts:GetCallerIdentity) gets one attempt plus 5 s, then the run stops.
    #[arg(long, value_name = "SECONDS", default_value = "20", value_parser = seconds)]
    pub call_timeout: f64,
}

/// A timeout: a positive number of seconds, at most an hour.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value <= 3600.0 => Ok(value),
        Ok(_) => Err("must be more than 0 and at most 3600 seconds".to_string()),
        Err(_) => Err(format!("`{text}` is not a number of seconds")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`to_terminal`) or not. NO_COLOR
    /// (no-color.org) wins over CLICOLOR_FORCE; an explicit choice wins over both.
    pub fn colors(self, to_terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto if set("CLICOLOR_FORCE") => {
                std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            }
            ColorChoice::Auto => to_terminal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Human-readable, grouped by duty.
    Terminal,
    /// The versioned JSON report (docs/report-schema.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML: a test suite per duty.
    Junit,
    /// OCSF Detection Findings (class 2004), a JSON array.
    Ocsf,
    /// A Markdown summary for pull requests and $GITHUB_STEP_SUMMARY.
    Markdown,
    /// One CSV row per finding.
    Csv,
    /// A self-contained HTML report for reviews.
    Html,
}

impl ReportFormat {
    /// The file name used when several formats are written to a directory.
    pub fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Terminal => "posture.txt",
            ReportFormat::Json => "posture.json",
            ReportFormat::Sarif => "posture.sarif",
            ReportFormat::Junit => "posture.junit.xml",
            ReportFormat::Ocsf => "posture.ocsf.json",
            ReportFormat::Markdown => "posture.md",
            ReportFormat::Csv => "posture.csv",
            ReportFormat::Html => "posture.html",
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Print nothing but the report (no progress, no warnings, no "wrote").
    #[arg(short, long)]
    pub quiet: bool,
    /// List every finding in the human formats, passing ones too, none collapsed; when no
    /// credentials are found, each source of the credential chain and its answer.
    #[arg(short, long)]
    pub verbose: bool,
    /// List only findings of this severity or higher in the human formats (terminal,
    /// Markdown, HTML). The scan, the counts, the machine formats and the exit code still
    /// see every finding.
    #[arg(long, value_name = "SEVERITY", value_parser = severity())]
    pub min_severity: Option<Severity>,
    /// List only findings with these statuses in the human formats (comma-separated or
    /// repeated). Default: fail, unknown, waived; with -v also pass.
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',', value_parser = status())]
    pub statuses: Vec<Status>,
    /// Apply --min-severity and --status to every format, machine ones too (a SARIF upload
    /// of high findings only); counts and the exit code still cover every finding.
    #[arg(long)]
    pub filter_all: bool,
    /// Add a table of this framework's controls, grouped by its sections, to the human
    /// formats (the HTML report always has every framework).
    #[arg(long, value_name = "FRAMEWORK", value_parser = frameworks())]
    pub compliance: Option<String>,
    /// Scan every ACTIVE account of the organization, from its management account or a
    /// delegated administrator, through --org-role in each.
    #[arg(long, conflicts_with_all = ["snapshot", "role_arn"])]
    pub org: bool,
    /// With --org: only the accounts under this organizational unit (or root), at any
    /// depth; repeat for several.
    #[arg(long = "ou", value_name = "OU_ID", requires = "org")]
    pub ous: Vec<String>,
    /// With --org: the role to assume in each account (with --external-id if given).
    #[arg(long, value_name = "NAME", default_value = ORG_ROLE)]
    pub org_role: String,
    /// With --org: only these account ids (comma-separated or repeated).
    #[arg(
        long = "accounts",
        value_name = "ID",
        value_delimiter = ',',
        requires = "org"
    )]
    pub accounts: Vec<String>,
    /// With --org: leave these account ids out (comma-separated or repeated).
    #[arg(
        long = "exclude-accounts",
        value_name = "ID",
        value_delimiter = ',',
        requires = "org"
    )]
    pub excluded_accounts: Vec<String>,
    /// With --org: how many accounts are read at once.
    #[arg(long, value_name = "N", default_value = "4", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub accounts_concurrency: u16,
    /// With --org: scan only shard INDEX of COUNT (1-based) of the accounts, chosen by a
    /// hash of the account id so that adding accounts moves no other; `posture merge`
    /// joins the shards' JSON reports.
    #[arg(long, value_name = "INDEX/COUNT", requires = "org")]
    pub shard: Option<String>,
    /// Evaluate a saved snapshot instead of reading the account.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "regions", "role_arn"])]
    pub snapshot: Option<PathBuf>,
    /// Report format; repeat for several (with --output DIR).
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub formats: Vec<ReportFormat>,
    /// Write the report to this file (atomically) instead of standard output; without
    /// --format, its ending says the format (.json, .sarif, .junit.xml, .ocsf.json, .md,
    /// .csv, .html). With several formats, the directory to write posture.json,
    /// posture.sarif... into.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write every finding as its own SARIF result. By default a SARIF file stays within
    /// what GitHub code scanning keeps (5,000 results): past that, the rules with the most
    /// findings among the least severe are grouped, one result listing their resources.
    #[arg(long)]
    pub sarif_all_results: bool,
    /// Thresholds and trusted accounts (see examples/posture.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Exit 1 when a failing finding has this severity or higher.
    #[arg(long, value_name = "SEVERITY", default_value = FAIL_ON, value_parser = severity())]
    pub fail_on: Severity,
    /// Exit 0 even if some data could not be read (the report still says so).
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Run only this rule; repeat for several.
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,
    /// Do not run this rule; repeat for several.
    #[arg(long = "exclude-rule", value_name = "RULE")]
    pub excluded_rules: Vec<String>,
    /// Colour in the terminal report: `auto` colours a terminal unless NO_COLOR is set
    /// (or any output when CLICOLOR_FORCE is set and not 0).
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Run only the rules of this duty; repeat for several.
    #[arg(long = "duty", value_name = "DUTY", value_parser = duty())]
    pub duties: Vec<Duty>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// No progress, no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// When no credentials are found, list each source of the credential chain and its
    /// answer.
    #[arg(short, long)]
    pub verbose: bool,
    /// Where to write the snapshot (atomically); `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Exit 0 even if some calls failed (the snapshot records every gap either way).
    #[arg(long)]
    pub allow_incomplete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    /// The rule catalogue as Markdown (docs/rules.md is generated with it).
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// List a framework's controls and the rules that observe each instead.
    #[arg(long, value_name = "FRAMEWORK", value_parser = frameworks())]
    pub compliance: Option<String>,
}

/// A value given by one of the stable ids of `all`: clap lists them in the help and
/// refuses any other in its one-line error.
fn by_id<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    id: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(all.iter().map(|value| id(*value))).map(move |name| {
        let value = all.iter().find(|value| id(**value) == name);
        *value.expect("clap accepts only the possible values")
    })
}

/// `--fail-on` and `--min-severity`.
fn severity() -> impl clap::builder::TypedValueParser<Value = Severity> {
    by_id(&Severity::ALL, Severity::id)
}

/// `--duty`.
fn duty() -> impl clap::builder::TypedValueParser<Value = Duty> {
    by_id(&Duty::ALL, Duty::id)
}

/// `--status`, in the order the help lists them.
fn status() -> impl clap::builder::TypedValueParser<Value = Status> {
    const STATUSES: [Status; 4] = [Status::Fail, Status::Unknown, Status::Waived, Status::Pass];
    by_id(&STATUSES, Status::id)
}

/// The ids `--compliance` takes, from the compliance table.
fn frameworks() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(posture_rules::compliance::FRAMEWORKS.map(|f| f.id))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The JSON reports (`posture check --format json`), of one posture version and one
    /// rule selection.
    #[arg(required = true, num_args = 1..)]
    pub reports: Vec<PathBuf>,
    /// Report format; repeat for several (with --output DIR).
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub formats: Vec<ReportFormat>,
    /// Write the report to this file (atomically) instead of standard output; without
    /// --format, its ending says the format (as for `check`). With several formats, the
    /// directory to write them into.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write every finding as its own SARIF result. By default a SARIF file stays within
    /// what GitHub code scanning keeps (5,000 results): past that, the rules with the most
    /// findings among the least severe are grouped, one result listing their resources.
    #[arg(long)]
    pub sarif_all_results: bool,
    /// Exit 1 when a failing finding has this severity or higher.
    #[arg(long, value_name = "SEVERITY", default_value = FAIL_ON, value_parser = severity())]
    pub fail_on: Severity,
    /// Exit 0 even if the merged report is incomplete (gaps, unknown findings, missing
    /// shards).
    #[arg(long)]
    pub allow_incomplete: bool,
    /// No warnings or "wrote" lines.
    #[arg(short, long)]
    pub quiet: bool,
    /// Colour in the terminal report.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (`posture check --format json`).
    pub old: PathBuf,
    /// The later report.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: DiffFormat,
    /// Write the diff to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a new failing finding has this severity or higher.
    #[arg(long, value_name = "SEVERITY", default_value = FAIL_ON, value_parser = severity())]
    pub fail_on: Severity,
    /// Compare reports of two different accounts (by default an error).
    #[arg(long)]
    pub allow_account_change: bool,
}
