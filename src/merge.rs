//! `posture merge`: JSON reports joined into one report, rendered in any format. Made for
//! the shards of an organization scan (`check --org --shard i/n`, one job each on a CI
//! matrix or a Kubernetes indexed Job), and for reports of separate accounts.
//!
//! Reports of different posture versions, schemas or rule selections are refused: their
//! findings do not mean the same thing. An account in two reports is kept once, from the
//! first, and said so; a shard missing from a set is a gap, so the merged report is
//! incomplete rather than silently smaller. Every account of the merged reports is the
//! customer's own: a finding on grants to other accounts that names some of them is
//! judged again from its evidence (`own_accounts::rejudge`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::bail;
use posture_rules::access::own_accounts;
use posture_rules::model::{Gap, RequestCounts};
use posture_rules::registry::RULES;
use posture_rules::Rule;

use crate::cli::MergeArgs;
use crate::findings::Findings;
use crate::output::{self, Destination};
use crate::report::file::{self as report_file, Rendering, ReportFile};
use crate::report::{self, Report, Scan, ScannedAccount, Shard};

pub fn merge(args: MergeArgs) -> anyhow::Result<u8> {
    let formats = output::plan_formats(&args.formats, args.output.as_deref())?;
    let destination = Destination::plan(args.output.as_deref(), formats.len())?;
    let files: Vec<(PathBuf, ReportFile)> = args
        .reports
        .iter()
        .map(|path| Ok((path.clone(), report_file::load(path, "posture merge")?)))
        .collect::<anyhow::Result<_>>()?;
    let rules = check_compatible(&files)?;
    let rules_run: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| rules.iter().any(|id| id == rule.id))
        .collect();
    let Joined {
        findings,
        mut scans,
        warnings,
    } = join(&files)?;
    let missing = missing_shards(&files)?;
    scans.sort_by(|a, b| a.account.id.cmp(&b.account.id));
    if !args.quiet {
        for warning in &warnings {
            eprintln!("posture: warning: {}", report::inert::visible(warning));
        }
    }
    let evaluated_at = files
        .iter()
        .map(|(_, f)| f.evaluated_at)
        .max()
        .unwrap_or_else(chrono::Utc::now);
    let identity = files[0].1.account.clone();
    let mut report = Report::new(
        identity,
        scans,
        findings,
        &rules_run,
        evaluated_at,
        warnings,
    );
    if !missing.is_empty() {
        report.gaps.extend(missing);
        report.complete = false;
    }
    let display = report::triage::Display::default();
    let rendering = Rendering {
        display: &display,
        compliance: None,
        color: args.color,
        sarif_all_results: args.sarif_all_results,
    };
    report_file::write(&report, &formats, &destination, &rendering, args.quiet)?;
    Ok(report.exit_code(args.fail_on, args.allow_incomplete))
}

/// The reports' accounts joined: each account once, with its findings and gaps.
struct Joined {
    findings: Findings,
    scans: Vec<Scan>,
    /// The accounts found twice.
    warnings: Vec<String>,
}

/// Joins the reports' accounts, each from the first report that has it.
fn join(files: &[(PathBuf, ReportFile)]) -> anyhow::Result<Joined> {
    // Every account of the merged reports is the customer's own: a finding that names
    // some of them as other accounts is judged again from its evidence.
    let own: BTreeSet<String> = (files.iter())
        .flat_map(|(_, file)| file.covered())
        .map(|account| account.id)
        .collect();
    let mut joined = Joined {
        findings: Findings::new()?,
        scans: Vec::new(),
        warnings: Vec::new(),
    };
    let mut kept: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, file) in files {
        let single = file.covered().len() == 1;
        let mut first_of_file = true;
        for account in file.covered() {
            if let Some(earlier) = kept.get(&account.id) {
                joined.warnings.push(format!(
                    "account {} is in both {} and {}: kept the first",
                    account.id,
                    earlier.display(),
                    path.display()
                ));
                continue;
            }
            kept.insert(account.id.clone(), path.clone());
            let scan = account_of(file, account, single, first_of_file, &own, &mut joined)?;
            joined.scans.push(scan);
            first_of_file = false;
        }
    }
    joined.findings.finish()?;
    Ok(joined)
}

/// One account of `file` (`single`: the file's only one, which its gaps and findings
/// without an account belong to): its findings stored into `joined`, its scan returned.
fn account_of(
    file: &ReportFile,
    account: ScannedAccount,
    single: bool,
    first_of_file: bool,
    own: &BTreeSet<String>,
    joined: &mut Joined,
) -> anyhow::Result<Scan> {
    let belongs = |id: Option<&String>| match id {
        Some(id) => *id == account.id,
        None => single,
    };
    let gaps: Vec<Gap> = file
        .gaps
        .iter()
        .filter(|g| belongs(g.account.as_ref()))
        .cloned()
        .collect();
    let of_account = file.findings.iter().filter(|f| belongs(f.account.as_ref()));
    joined.findings.extend_kept(
        of_account.map(|f| {
            let mut f = own_accounts::rejudge(f, own).unwrap_or_else(|| f.clone());
            f.account = Some(account.id.clone());
            f
        }),
        |_| true,
    )?;
    Ok(Scan {
        account,
        collected_at: Some(file.collected_at),
        gaps,
        // A file's requests and notes once, with its first account.
        requests: if first_of_file {
            file.requests
        } else {
            RequestCounts::default()
        },
        notes: if first_of_file {
            file.warnings.clone()
        } else {
            Vec::new()
        },
    })
}

/// One posture version and one rule selection, or nothing to merge: returns the rules the
/// reports ran.
fn check_compatible(files: &[(PathBuf, ReportFile)]) -> anyhow::Result<&[String]> {
    let ours = env!("CARGO_PKG_VERSION");
    let mut selections = Vec::with_capacity(files.len());
    for (path, file) in files {
        if file.tool.version != ours {
            bail!(
                "{} was written by posture {}; this is posture {ours}: merge reports of one version",
                path.display(),
                file.tool.version
            );
        }
        // Every report of this version lists them (only older ones may not).
        let Some(rules) = &file.rules else {
            bail!(
                "report {} is malformed: missing field `rules`",
                path.display()
            );
        };
        selections.push(rules);
    }
    // Findings of rules this posture does not know could not be explained or trusted.
    for (path, file) in files {
        if let Some(unknown) = file
            .findings
            .iter()
            .find(|f| !RULES.iter().any(|r| r.id == f.rule_id))
        {
            bail!(
                "{} has a finding of rule `{}`, which this posture does not know",
                path.display(),
                crate::report::inert::visible(&unknown.rule_id)
            );
        }
    }
    fn as_set(rules: &[String]) -> BTreeSet<&String> {
        rules.iter().collect()
    }
    let (first_path, first) = (&files[0].0, selections[0]);
    for ((path, _), rules) in files.iter().zip(&selections).skip(1) {
        if as_set(rules) != as_set(first) {
            bail!(
                "{} and {} ran different rules: merge reports of one rule selection",
                first_path.display(),
                path.display()
            );
        }
    }
    Ok(first)
}

/// One gap per shard a set of shard reports lacks (none when the reports are not shards).
fn missing_shards(files: &[(PathBuf, ReportFile)]) -> anyhow::Result<Vec<Gap>> {
    let shards: Vec<(&Path, Option<Shard>)> =
        files.iter().map(|(p, f)| (p.as_path(), f.shard)).collect();
    let Some(count) = shards.iter().find_map(|(_, s)| s.map(|s| s.count)) else {
        return Ok(Vec::new());
    };
    for (path, shard) in &shards {
        match shard {
            Some(shard) if shard.count == count => {}
            Some(shard) => bail!(
                "{} is shard {}/{} of another split than {count}: merge the shards of one split",
                path.display(),
                shard.index,
                shard.count
            ),
            None => bail!(
                "{} is not a shard, and the other reports are shards of {count}",
                path.display()
            ),
        }
    }
    let present: BTreeSet<u32> = shards
        .iter()
        .filter_map(|(_, s)| s.map(|s| s.index))
        .collect();
    let gaps = (1..=count)
        .filter(|index| !present.contains(index))
        .map(|index| Gap {
            service: "posture".to_string(),
            region: None,
            operation: "MergeShards".to_string(),
            resource: Some(format!("shard {index}/{count}")),
            error_code: "MissingShard".to_string(),
            message: format!(
                "the report of shard {index}/{count} was not given to posture merge: its accounts are not in this report"
            ),
            account: None,
        })
        .collect();
    Ok(gaps)
}
