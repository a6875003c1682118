//! `posture check`: load or collect a snapshot, evaluate, apply waivers, report, and
//! decide the exit code.

use std::path::Path;

use anyhow::{bail, Context as _};
use futures::StreamExt as _;
use indicatif::ProgressBar;
use posture_rules::model::{arn, Snapshot, SNAPSHOT_SCHEMA_VERSION};
use posture_rules::registry::RULES;
use posture_rules::{Rule, Status};

use crate::cli::{AwsArgs, CheckArgs, ReportFormat};
use crate::findings::Findings;
use crate::output::{self, Destination};
use crate::report::file::{self as report_file, Rendering};
use crate::report::{self, Report};
use crate::{aws, collect, config, find_rule, waivers};

pub fn check(args: CheckArgs, quiet: bool, verbose: bool) -> anyhow::Result<u8> {
    let plan = Plan::of(&args, verbose)?;
    let now = chrono::Utc::now();
    let saved = args.snapshot.as_deref().map(load_snapshot).transpose()?;
    // A saved snapshot is judged as of its collection, as the live run that made it was:
    // the ages of keys, passwords and certificates are those it recorded, whenever it is
    // read again. Waivers expire by today's date.
    let clock = saved.as_ref().map_or(now, |snapshot| snapshot.collected_at);
    // Waivers of rules that did not run this time are neither applied nor reported.
    let waivers: Vec<waivers::Waiver> = (plan.config.waivers())
        .filter(|w| plan.rules_run.iter().any(|r| r.id == w.rule))
        .cloned()
        .collect();
    let keep = |f: &posture_rules::Finding| !args.filter_all || plan.display.shows(f);
    let mut evaluator = Evaluator {
        settings: plan.config.settings(clock),
        waivers: &waivers,
        matches: vec![0; waivers.len()],
        today: now.date_naive(),
        findings: Findings::new()?,
        rules_run: &plan.rules_run,
        keep: &keep,
        scans: Vec::new(),
        listing_requests: Default::default(),
    };
    let identity = read_account(&args, &plan, saved, quiet, verbose, &mut evaluator)?;
    let mut report = evaluator.into_report(identity, now, quiet)?;
    report.shard = plan
        .shard
        .map(|(index, count)| report::Shard { index, count });
    let rendering = Rendering {
        display: &plan.display,
        compliance: plan.compliance,
        color: args.color,
        sarif_all_results: args.sarif_all_results,
    };
    report_file::write(&report, &plan.formats, &plan.destination, &rendering, quiet)?;
    if !report.complete && !quiet {
        eprintln!(
            "posture: warning: the scan is incomplete: {} call(s) failed and {} finding(s) are unknown",
            report.gaps.len(),
            report.summary.unknown
        );
    }
    Ok(report.exit_code(args.fail_on, args.allow_incomplete))
}

/// What the command line asks for, checked before any slow collection.
struct Plan {
    rules_run: Vec<&'static Rule>,
    display: report::triage::Display,
    compliance: Option<&'static posture_rules::compliance::Framework>,
    config: config::Config,
    formats: Vec<ReportFormat>,
    destination: Destination,
    shard: Option<(u32, u32)>,
}

impl Plan {
    fn of(args: &CheckArgs, verbose: bool) -> anyhow::Result<Plan> {
        aws::check_role_options(&args.aws, args.org)?;
        for id in args.rules.iter().chain(&args.excluded_rules) {
            find_rule(id)?;
        }
        let display = display_filters(args, verbose);
        let compliance = args
            .compliance
            .as_deref()
            .map(|id| {
                posture_rules::compliance::Framework::by_id(id)
                    .with_context(|| format!("unknown compliance framework `{id}`"))
            })
            .transpose()?;
        let config = match &args.config {
            Some(path) => config::Config::load(path)?,
            None => config::Config::default(),
        };
        let formats = output::plan_formats(&args.formats, args.output.as_deref())?;
        let destination = Destination::plan(args.output.as_deref(), formats.len())?;
        let selected = |rule: &Rule| {
            (args.rules.is_empty() || args.rules.iter().any(|id| id == rule.id))
                && !args.excluded_rules.iter().any(|id| id == rule.id)
                && (args.duties.is_empty() || args.duties.contains(&rule.duty))
        };
        let shard = args
            .shard
            .as_deref()
            .map(collect::org::parse_shard)
            .transpose()?;
        for id in args.accounts.iter().chain(&args.excluded_accounts) {
            if !arn::is_account_id(id) {
                bail!("`{id}` is not an AWS account id (twelve digits)");
            }
        }
        Ok(Plan {
            rules_run: RULES.iter().copied().filter(|r| selected(r)).collect(),
            display,
            compliance,
            config,
            formats,
            destination,
            shard,
        })
    }
}

/// Reads the account (the saved snapshot, the organization's accounts, or the account of
/// the credentials) into `evaluator`; returns the identity the run used.
fn read_account(
    args: &CheckArgs,
    plan: &Plan,
    saved: Option<Snapshot>,
    quiet: bool,
    verbose: bool,
    evaluator: &mut Evaluator<'_>,
) -> anyhow::Result<posture_rules::model::Account> {
    // Only what the selected rules read.
    let parts = posture_rules::parts::needed_by(plan.rules_run.iter().copied());
    let identity = match saved {
        Some(snapshot) => {
            evaluator.snapshot(&snapshot, None)?;
            snapshot.account
        }
        None if args.org => {
            let organization = OrgRequest {
                ous: &args.ous,
                role: &args.org_role,
                accounts: &args.accounts,
                excluded: &args.excluded_accounts,
                concurrency: usize::from(args.accounts_concurrency),
                shard: plan.shard,
            };
            scan_organization(&args.aws, &organization, parts, quiet, evaluator)
                .map_err(|e| aws::list_credential_sources(e, verbose, &args.aws))?
        }
        None => {
            let snapshot = aws::collect_snapshot(&args.aws, Some(parts), quiet)
                .map_err(|e| aws::list_credential_sources(e, verbose, &args.aws))?;
            evaluator.snapshot(&snapshot, None)?;
            snapshot.account
        }
    };
    Ok(identity)
}

/// The display filters of the human formats, from `--min-severity`, `--status` and `-v`.
fn display_filters(args: &CheckArgs, verbose: bool) -> report::triage::Display {
    let mut display = report::triage::Display::default();
    if let Some(severity) = args.min_severity {
        display.min_severity = severity;
    }
    if verbose {
        display.statuses.push(Status::Pass);
        display.expand = true;
    }
    if !args.statuses.is_empty() {
        display.statuses = args.statuses.clone();
    }
    display
}

/// Evaluates one account's snapshot after another into one store of findings: each rule's
/// findings go to disk as soon as they are waived, so that a large account's findings
/// never sit in memory together (findings.rs).
struct Evaluator<'a> {
    /// With `--org`, holding the organization's accounts once listed.
    settings: posture_rules::settings::Settings,
    waivers: &'a [waivers::Waiver],
    matches: Vec<usize>,
    today: chrono::NaiveDate,
    findings: Findings,
    rules_run: &'a [&'a Rule],
    keep: &'a dyn Fn(&posture_rules::Finding) -> bool,
    scans: Vec<report::Scan>,
    /// Requests made outside any account's scan (listing the organization).
    listing_requests: posture_rules::model::RequestCounts,
}

impl Evaluator<'_> {
    /// The findings of one snapshot; `org` describes its account in an organization.
    fn snapshot(
        &mut self,
        snapshot: &Snapshot,
        org: Option<collect::org::OrgAccount>,
    ) -> anyhow::Result<()> {
        let account = &snapshot.account.id;
        let mut stored = Ok(());
        let rules_run = self.rules_run;
        let selected = |rule: &Rule| rules_run.iter().any(|r| r.id == rule.id);
        posture_rules::evaluate_each(snapshot, &self.settings, selected, |of_rule| {
            of_rule
                .iter_mut()
                .for_each(|f| f.account = Some(account.clone()));
            waivers::mark(self.waivers, of_rule, self.today, &mut self.matches);
            if stored.is_ok() {
                stored = self.findings.extend_kept(of_rule.iter(), self.keep);
            }
        });
        stored?;
        let mut scan = report::Scan::of(snapshot);
        if let Some(org) = org {
            scan.account.name = Some(org.name);
            scan.account.ou_path = org.ou_path;
            scan.account.tags = org.tags;
        }
        self.scans.push(scan);
        Ok(())
    }

    /// The report of every account evaluated, with the warnings on standard error.
    fn into_report(
        mut self,
        identity: posture_rules::model::Account,
        now: chrono::DateTime<chrono::Utc>,
        quiet: bool,
    ) -> anyhow::Result<Report> {
        self.findings.finish()?;
        let warnings = waivers::warnings(self.waivers, &self.matches, self.today);
        if !quiet {
            let notes = self.scans.iter().flat_map(|s| &s.notes);
            for warning in notes.chain(&warnings) {
                eprintln!("posture: warning: {}", report::inert::visible(warning));
            }
        }
        let (findings, scans) = (self.findings, self.scans);
        let mut report = Report::new(identity, scans, findings, self.rules_run, now, warnings);
        let listing = self.listing_requests;
        report.requests.attempts += listing.attempts;
        report.requests.retries += listing.retries;
        report.requests.paced_millis += listing.paced_millis;
        Ok(report)
    }

    /// An account that could not be read at all: its failure is a gap, and every rule is
    /// `unknown` for the account, never passing.
    fn unreachable(
        &mut self,
        org: collect::org::OrgAccount,
        partition: &str,
        gap: posture_rules::model::Gap,
    ) -> anyhow::Result<()> {
        let resource = format!("arn:{partition}:iam::{}:root", org.id);
        let findings: Vec<posture_rules::Finding> = self
            .rules_run
            .iter()
            .map(|rule| {
                let mut finding = rule.unknown_gap(&resource, None, &gap);
                finding.account = Some(org.id.clone());
                finding
            })
            .collect();
        self.findings.extend_kept(&findings, self.keep)?;
        self.scans.push(report::Scan {
            account: report::ScannedAccount {
                id: org.id,
                name: Some(org.name),
                ou_path: org.ou_path,
                tags: org.tags,
                caller_arn: None,
                regions: Vec::new(),
            },
            collected_at: None,
            gaps: vec![gap],
            requests: Default::default(),
            notes: Vec::new(),
        });
        Ok(())
    }
}

/// Which accounts of the organization to scan, and how.
struct OrgRequest<'a> {
    ous: &'a [String],
    role: &'a str,
    accounts: &'a [String],
    excluded: &'a [String],
    concurrency: usize,
    shard: Option<(u32, u32)>,
}

/// Lists the organization's accounts, keeps those asked for, and reads each through its
/// audit role, several at once; each snapshot is evaluated as it arrives. Returns the
/// identity the run used.
fn scan_organization(
    aws: &AwsArgs,
    request: &OrgRequest<'_>,
    parts: Vec<posture_rules::parts::Part>,
    quiet: bool,
    evaluator: &mut Evaluator<'_>,
) -> anyhow::Result<posture_rules::model::Account> {
    aws::runtime(aws)?.block_on(async {
        let listing = std::sync::Arc::new(collect::pacing::Pacer::default());
        let region = aws.regions.first().map(String::as_str);
        let base = collect::sdk::Credentials {
            profile: aws.profile.clone(),
            ..Default::default()
        };
        let config = collect::sdk::load(&base, region, aws::timeouts(aws), listing.clone()).await?;
        let deadline = aws::first_call_deadline(aws);
        let identity = collect::caller(&config, deadline, aws.profile.clone()).await?;
        let (every, accounts) = collect::org::accounts(&config, request.ous).await?;
        // Every account of the organization is the customer's own, read by this run or not.
        evaluator.settings.organization_accounts = every;
        let accounts = request.select(accounts)?;
        if !quiet {
            eprintln!(
                "posture: scanning {} account(s) of the organization through role {}",
                accounts.len(),
                report::inert::visible(request.role)
            );
        }
        let reader = MemberReader {
            aws,
            role: request.role,
            partition: &identity.partition,
            parts: &parts,
        };
        reader
            .read_all(accounts, request.concurrency, quiet, evaluator)
            .await?;
        // The organization's listing is part of what the run cost.
        evaluator.listing_requests = listing.counts();
        anyhow::Ok(identity)
    })
}

/// Reads member accounts of the organization through their audit role.
struct MemberReader<'a> {
    aws: &'a AwsArgs,
    role: &'a str,
    partition: &'a str,
    parts: &'a [posture_rules::parts::Part],
}

impl MemberReader<'_> {
    /// Reads `accounts`, `concurrency` at once, and evaluates each as it arrives.
    async fn read_all(
        &self,
        accounts: Vec<collect::org::OrgAccount>,
        concurrency: usize,
        quiet: bool,
        evaluator: &mut Evaluator<'_>,
    ) -> anyhow::Result<()> {
        let total = accounts.len();
        let scans = futures::stream::iter(accounts)
            .map(|account| self.read(account))
            .buffer_unordered(concurrency);
        futures::pin_mut!(scans);
        let mut done = 0;
        while let Some((account, role_arn, result)) = scans.next().await {
            done += 1;
            let id = account.id.clone();
            let outcome = record_account(evaluator, account, &role_arn, result, self.partition)?;
            if !quiet {
                eprintln!("posture: account {id} {outcome} ({done} of {total})");
            }
        }
        Ok(())
    }

    /// One account's snapshot, read through the role in it (named in what it returns).
    async fn read(
        &self,
        account: collect::org::OrgAccount,
    ) -> (collect::org::OrgAccount, String, anyhow::Result<Snapshot>) {
        let aws = self.aws;
        let role_arn = format!(
            "arn:{}:iam::{}:role/{}",
            self.partition, account.id, self.role
        );
        let credentials = collect::sdk::Credentials {
            role_arn: Some(role_arn.clone()),
            ..aws::credentials(aws, None)
        };
        let pacer = std::sync::Arc::new(collect::pacing::Pacer::default());
        let region = aws.regions.first().map(String::as_str);
        let config =
            collect::sdk::load(&credentials, region, aws::timeouts(aws), pacer.clone()).await;
        let config = match config {
            Ok(config) => config,
            Err(error) => return (account, role_arn, Err(error)),
        };
        let request = collect::Request {
            regions: (!aws.regions.is_empty()).then(|| aws.regions.clone()),
            first_call_deadline: aws::first_call_deadline(aws),
            profile: aws.profile.clone(),
            parts: Some(self.parts.to_vec()),
        };
        let result = collect::collect(&config, request, &pacer, ProgressBar::hidden()).await;
        (account, role_arn, result)
    }
}

impl OrgRequest<'_> {
    /// The accounts asked for (`--accounts`, each of which must exist), less those left
    /// out (`--exclude-accounts`), in this run's shard.
    fn select(
        &self,
        mut accounts: Vec<collect::org::OrgAccount>,
    ) -> anyhow::Result<Vec<collect::org::OrgAccount>> {
        for id in self.accounts {
            if !accounts.iter().any(|a| &a.id == id) {
                bail!("--accounts {id}: no ACTIVE account with this id in the organization");
            }
        }
        accounts.retain(|a| {
            (self.accounts.is_empty() || self.accounts.contains(&a.id))
                && !self.excluded.contains(&a.id)
                && self
                    .shard
                    .is_none_or(|(index, count)| collect::org::in_shard(&a.id, index, count))
        });
        Ok(accounts)
    }
}

/// One account's collection, evaluated or, if it could not be read, recorded as a gap;
/// returns what to tell the user.
fn record_account(
    evaluator: &mut Evaluator<'_>,
    account: collect::org::OrgAccount,
    role_arn: &str,
    result: anyhow::Result<Snapshot>,
    partition: &str,
) -> anyhow::Result<String> {
    let (code, message) = match result {
        Ok(snapshot) if snapshot.account.id == account.id => {
            evaluator.snapshot(&snapshot, Some(account))?;
            return Ok("read".to_string());
        }
        Ok(snapshot) => (
            "WrongAccount",
            format!(
                "the role's credentials belong to account {}",
                snapshot.account.id
            ),
        ),
        Err(error) => {
            let message = format!("{error:#}");
            let code = if message.contains("AccessDenied") {
                "AccessDenied"
            } else {
                "AssumeRoleFailed"
            };
            (code, message)
        }
    };
    let gap = assume_role_gap(&account.id, role_arn, code, &message);
    evaluator.unreachable(account, partition, gap)?;
    Ok(format!("NOT read ({code})"))
}

fn assume_role_gap(
    account: &str,
    role_arn: &str,
    code: &str,
    message: &str,
) -> posture_rules::model::Gap {
    posture_rules::model::Gap {
        service: "sts".to_string(),
        region: None,
        operation: "AssumeRole".to_string(),
        resource: Some(role_arn.to_string()),
        error_code: code.to_string(),
        message: message.to_string(),
        account: Some(account.to_string()),
    }
}

/// The size of a snapshot file from which the allocator is set for a large run
/// (`allocator::keep_freed_memory`: huge pages, and freed memory kept for reuse), which
/// spares a large snapshot faulting the same memory in again and again; a live scan or a
/// small snapshot keeps the small footprint set at start (`allocator::small_footprint`).
const KEEP_FREED_MEMORY_FROM: usize = 32 << 20;

fn load_snapshot(path: &Path) -> anyhow::Result<Snapshot> {
    // The whole file, then the model from it: serde_json reads text in memory two and a
    // half times as fast as through a reader (1M resources: 1.4 s instead of 3.5 s). The
    // text is freed once parsed, and the memory is reused by the evaluation.
    let text =
        std::fs::read(path).with_context(|| format!("cannot read snapshot {}", path.display()))?;
    if text.len() >= KEEP_FREED_MEMORY_FROM {
        posture_allocator::keep_freed_memory();
    }
    let parsed = serde_json::from_slice::<Snapshot>(&text);
    let version = match &parsed {
        Ok(snapshot) => Some(u64::from(snapshot.schema_version)),
        // Only the version, so that an old or foreign file gets a clear message rather
        // than a field error. The rest of the file is skipped unallocated.
        Err(_) => {
            #[derive(serde::Deserialize)]
            struct Version {
                schema_version: Option<serde_json::Value>,
            }
            let version: Version = serde_json::from_slice(&text)
                .with_context(|| format!("snapshot {} is not valid JSON", path.display()))?;
            version.schema_version.as_ref().and_then(|v| v.as_u64())
        }
    };
    drop(text);
    match version {
        Some(version) if version == u64::from(SNAPSHOT_SCHEMA_VERSION) => {}
        Some(version) => bail!(
            "snapshot {} has schema version {version}; this posture reads version {SNAPSHOT_SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!("{} is not a posture snapshot (no `schema_version`)", path.display()),
    }
    let mut snapshot =
        parsed.with_context(|| format!("snapshot {} is malformed", path.display()))?;
    // Snapshots of older versions, or made by hand, may list resources in any order.
    posture_rules::evaluate::order::arrange(&mut snapshot);
    Ok(snapshot)
}
