//! `posture`: collect → evaluate → report. See ARCHITECTURE.md.

mod aws;
mod catalogue;
mod check;
mod cli;
mod collect;
mod config;
mod diff;
mod findings;
mod merge;
mod output;
mod report;
mod suggest;
mod waivers;

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory as _, Parser};
use posture_rules::registry;
use posture_rules::Rule;

use cli::{Cli, CollectArgs, Command};

/// See the workspace's Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes; each means one thing.
pub(crate) mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
}

/// The allocator's settings for a small run, made before mimalloc reads its options
/// (the first allocation, or its own start): a function in `.init_array` runs when the
/// program is loaded, before `main` and Rust's runtime. Huge pages, which it is about,
/// are Linux's.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static SMALL_FOOTPRINT: extern "C" fn() = {
    extern "C" fn small_footprint() {
        posture_allocator::small_footprint();
    }
    small_footprint
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = output::clean_up_on_interrupt() {
        eprintln!("posture: error: {error:#}");
        return ExitCode::from(exit::ERROR);
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // One line: the context and every cause, innermost last.
            let message = format!("{error:#}");
            eprintln!("posture: error: {}", report::inert::visible(&message));
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check(args) => {
            let (quiet, verbose) = (args.quiet, args.verbose);
            check::check(*args, quiet, verbose)
        }
        Command::Collect(args) => collect_snapshot(args),
        Command::Rules(args) => {
            let framework = args
                .compliance
                .as_deref()
                .and_then(posture_rules::compliance::Framework::by_id);
            match framework {
                Some(framework) => emit(&catalogue::coverage(framework, args.format))?,
                None => emit(&catalogue::list_rules(args.format))?,
            }
            Ok(exit::CLEAN)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "posture", &mut script);
            emit(&String::from_utf8_lossy(&script))?;
            Ok(exit::CLEAN)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("rendering the manual page")?;
            emit(&String::from_utf8_lossy(&page))?;
            Ok(exit::CLEAN)
        }
        Command::Permissions { org, org_role } => {
            let policy = if org {
                collect::permissions::organization_policy_document(&org_role)
            } else {
                collect::permissions::policy_document()
            };
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&policy).context("serializing the policy")?
            ))?;
            Ok(exit::CLEAN)
        }
        Command::Merge(args) => merge::merge(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain { rule } => {
            let rule = find_rule(&rule)?;
            emit(&format!("{}\n", catalogue::explain(rule)))?;
            Ok(exit::CLEAN)
        }
    }
}

/// `posture collect`: the whole snapshot, written even with gaps, which the exit code
/// says.
fn collect_snapshot(args: CollectArgs) -> anyhow::Result<u8> {
    aws::check_role_options(&args.aws, false)?;
    let destination = output::Destination::plan(Some(&args.output), 1)?;
    let snapshot = aws::collect_snapshot(&args.aws, None, args.quiet)
        .map_err(|e| aws::list_credential_sources(e, args.verbose, &args.aws))?;
    let content = |out: &mut dyn std::io::Write| report::write_json(out, &snapshot);
    match destination {
        output::Destination::File(path) => {
            output::write_all_atomically(vec![(path, Box::new(content))])?
        }
        _ => emit_with(content)?,
    }
    let to_file = args.output != std::path::Path::new("-");
    if !args.quiet && to_file {
        eprintln!(
            "posture: wrote {} ({} region(s), {} failed call(s))",
            args.output.display(),
            snapshot.regions.len(),
            snapshot.gaps.len()
        );
    }
    // A snapshot with gaps is written whole, but the run does not pass silently.
    Ok(if snapshot.gaps.is_empty() || args.allow_incomplete {
        exit::CLEAN
    } else {
        exit::INCOMPLETE
    })
}

/// Writes to standard output. A closed pipe (`posture rules | head`) is not an error: the
/// reader has what it wanted.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    emit_with(|out| out.write_all(text.as_bytes()))
}

/// Writes to standard output as the content is produced, buffered.
pub(crate) fn emit_with(
    content: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match content(&mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

pub(crate) fn find_rule(id: &str) -> anyhow::Result<&'static Rule> {
    registry::find(id).with_context(|| {
        let known = registry::RULES.iter().map(|r| r.id);
        match suggest::closest(id, known) {
            Some(near) => format!("unknown rule id `{id}`; did you mean `{near}`?"),
            None => format!("unknown rule id `{id}` (`posture rules` lists them)"),
        }
    })
}
