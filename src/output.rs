//! Writing output files without ever leaving a half-written one behind, even when the run
//! is interrupted.
//!
//! Each file is written to a hidden temporary file beside it (`.posture-*.tmp`) and renamed
//! over it. An interrupt (SIGINT, SIGTERM, SIGHUP) removes the temporary files that exist
//! and exits with 130; one that arrives while a set of files is being renamed into place
//! waits until all of them are, so a directory never holds a mix of two runs.

use std::fs::Permissions;
use std::io::{BufWriter, Write};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use clap::ValueEnum as _;

use crate::cli::ReportFormat;

/// Exit status after an interrupt, as shells report SIGINT.
const INTERRUPTED: i32 = 130;

#[derive(Default)]
struct Pending {
    temporary_files: Vec<PathBuf>,
    renaming: bool,
    interrupted: bool,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    temporary_files: Vec::new(),
    renaming: false,
    interrupted: false,
});

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    // A panic elsewhere while holding the lock leaves the list itself intact.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Installs the interrupt handler. Called once, first thing in `main`.
pub fn clean_up_on_interrupt() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        let mut pending = pending();
        if pending.renaming {
            pending.interrupted = true;
            return;
        }
        for file in pending.temporary_files.drain(..) {
            let _ = std::fs::remove_file(file);
        }
        eprintln!("posture: interrupted");
        std::process::exit(INTERRUPTED);
    })
    .context("cannot install the interrupt handler")
}

/// A file written in full to a temporary name, waiting to be renamed into place.
struct Staged {
    temporary: tempfile::TempPath,
    path: PathBuf,
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes a file's content into what it is given, as it is produced.
pub type Content<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// Writes the content to a hidden temporary file beside `path`, with the mode the file will
/// have: the mode of the file it replaces, or else what any new file gets (0666 minus the
/// umask).
fn stage(path: &Path, content: Content<'_>) -> anyhow::Result<Staged> {
    let directory = directory_of(path);
    let replaced_mode = std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777);
    let mut file = tempfile::Builder::new()
        .prefix(".posture-")
        .suffix(".tmp")
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(directory)
        .with_context(|| format!("cannot create a temporary file in {}", directory.display()))?;
    pending().temporary_files.push(file.path().to_path_buf());
    if let Some(mode) = replaced_mode {
        file.as_file()
            .set_permissions(Permissions::from_mode(mode))
            .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    }
    let mut buffered = BufWriter::with_capacity(1 << 20, &mut file);
    content(&mut buffered)
        .and_then(|()| buffered.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    drop(buffered);
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Staged {
        temporary: file.into_temp_path(),
        path: path.to_path_buf(),
    })
}

/// Renames every staged file into place, with interrupts held off until the last one.
fn commit(staged: Vec<Staged>) -> anyhow::Result<()> {
    pending().renaming = true;
    let mut result = Ok(());
    for file in staged {
        let temporary = file.temporary.to_path_buf();
        if let Err(error) = file.temporary.persist(&file.path) {
            result =
                Err(error.error).with_context(|| format!("cannot replace {}", file.path.display()));
            break;
        }
        pending().temporary_files.retain(|t| *t != temporary);
    }
    let interrupted = {
        let mut pending = pending();
        pending.renaming = false;
        pending.interrupted
    };
    if interrupted {
        eprintln!("posture: interrupted (after writing every report)");
        std::process::exit(INTERRUPTED);
    }
    result
}

/// Writes `bytes` to `path` atomically: a reader sees the old file or the new one, and a
/// failure or an interrupt leaves the old one untouched and no temporary file behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_all_atomically(vec![(
        path.to_path_buf(),
        Box::new(|out: &mut dyn Write| out.write_all(bytes)),
    )])
}

/// Writes several files, all or none: every file is written in full, one at a time (so
/// that only one is being produced at once), before any replaces its old version.
pub fn write_all_atomically(files: Vec<(PathBuf, Content<'_>)>) -> anyhow::Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, content) in files {
        match stage(&path, content) {
            Ok(file) => staged.push(file),
            Err(error) => {
                // Dropping the staged files removes them.
                let names: Vec<PathBuf> =
                    staged.iter().map(|s| s.temporary.to_path_buf()).collect();
                drop(staged);
                pending().temporary_files.retain(|t| !names.contains(t));
                return Err(error);
            }
        }
    }
    commit(staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_ordinary_mode_and_a_replaced_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.json");
        write_atomically(&new, b"{}").unwrap();
        // What any program's new file gets: 0666 minus the umask (read from a file
        // created the ordinary way).
        let ordinary = dir.path().join("ordinary");
        std::fs::write(&ordinary, b"").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), mode(&ordinary));

        let shared = dir.path().join("shared.json");
        std::fs::write(&shared, b"old").unwrap();
        std::fs::set_permissions(&shared, Permissions::from_mode(0o640)).unwrap();
        write_atomically(&shared, b"new").unwrap();
        assert_eq!(mode(&shared), 0o640);
        assert_eq!(std::fs::read(&shared).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(".posture-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn without_format_the_output_file_name_says_the_format() {
        let plan = |name: &str| plan_formats(&[], Some(Path::new(name))).unwrap();
        assert_eq!(plan("out/report.json"), [ReportFormat::Json]);
        assert_eq!(plan("report.ocsf.json"), [ReportFormat::Ocsf]);
        assert_eq!(plan("report.SARIF"), [ReportFormat::Sarif]);
        assert_eq!(plan("report.sarif.json"), [ReportFormat::Sarif]);
        assert_eq!(plan("tests.junit.xml"), [ReportFormat::Junit]);
        assert_eq!(plan("tests.xml"), [ReportFormat::Junit]);
        assert_eq!(plan("summary.md"), [ReportFormat::Markdown]);
        assert_eq!(plan("findings.csv"), [ReportFormat::Csv]);
        assert_eq!(plan("review.html"), [ReportFormat::Html]);
        assert_eq!(plan("report"), [ReportFormat::Terminal]);
        assert_eq!(plan("-"), [ReportFormat::Terminal]);
        assert_eq!(plan_formats(&[], None).unwrap(), [ReportFormat::Terminal]);
    }

    #[test]
    fn a_file_name_that_contradicts_the_format_is_refused() {
        let plan =
            |format: ReportFormat, name: &str| plan_formats(&[format], Some(Path::new(name)));
        let error = plan(ReportFormat::Json, "report.html")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "--output report.html: a `.html` file holds html, not --format json"
        );
        assert!(plan(ReportFormat::Sarif, "report.ocsf.json").is_err());
        assert!(plan(ReportFormat::Csv, "report.json").is_err());
        // OCSF and SARIF are JSON; a file name the table does not know says nothing.
        assert_eq!(
            plan(ReportFormat::Ocsf, "events.json").unwrap(),
            [ReportFormat::Ocsf]
        );
        assert_eq!(
            plan(ReportFormat::Sarif, "x.json").unwrap(),
            [ReportFormat::Sarif]
        );
        assert_eq!(
            plan(ReportFormat::Csv, "report.out").unwrap(),
            [ReportFormat::Csv]
        );
        // Several formats go to a directory, whatever its name; repeats count once.
        let asked = [ReportFormat::Json, ReportFormat::Html, ReportFormat::Json];
        let planned = plan_formats(&asked, Some(Path::new("reports.json"))).unwrap();
        assert_eq!(planned, [ReportFormat::Json, ReportFormat::Html]);
    }

    #[test]
    fn a_failed_set_replaces_nothing_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, b"old").unwrap();
        let missing = dir.path().join("no-such-directory/report.html");
        let write = |bytes: &'static [u8]| -> Content<'static> {
            Box::new(move |out: &mut dyn Write| out.write_all(bytes))
        };
        let result =
            write_all_atomically(vec![(kept.clone(), write(b"new")), (missing, write(b""))]);
        assert!(result.is_err());
        assert_eq!(std::fs::read(&kept).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

/// The file-name endings that say a report's format, longest first, each with the formats
/// a file so named may hold (the first is the one inferred): OCSF and SARIF are JSON too,
/// so a `.json` file may hold either when `--format` says so.
const FORMAT_ENDINGS: &[(&str, &[ReportFormat])] = &[
    (".ocsf.json", &[ReportFormat::Ocsf]),
    (".sarif.json", &[ReportFormat::Sarif]),
    (".junit.xml", &[ReportFormat::Junit]),
    (".sarif", &[ReportFormat::Sarif]),
    (
        ".json",
        &[ReportFormat::Json, ReportFormat::Ocsf, ReportFormat::Sarif],
    ),
    (".xml", &[ReportFormat::Junit]),
    (".markdown", &[ReportFormat::Markdown]),
    (".md", &[ReportFormat::Markdown]),
    (".csv", &[ReportFormat::Csv]),
    (".html", &[ReportFormat::Html]),
    (".htm", &[ReportFormat::Html]),
    (".txt", &[ReportFormat::Terminal]),
];

/// The formats a command writes: those asked for, once each in the order given; with none,
/// the one the `--output` file's name ends in (`report.sarif`), else the terminal's. A file
/// whose ending names another format than the one asked for is refused, before any work.
pub fn plan_formats(
    asked: &[ReportFormat],
    output: Option<&Path>,
) -> anyhow::Result<Vec<ReportFormat>> {
    let mut formats: Vec<ReportFormat> = Vec::new();
    for format in asked {
        if !formats.contains(format) {
            formats.push(*format);
        }
    }
    let file = output.filter(|path| *path != Path::new("-") && !path.is_dir());
    let named = file.and_then(|path| {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let (ending, holds) = FORMAT_ENDINGS.iter().find(|(e, _)| name.ends_with(e))?;
        Some((path, *ending, *holds))
    });
    match (formats.as_slice(), named) {
        ([], Some((_, _, holds))) => formats.push(holds[0]),
        ([], None) => formats.push(ReportFormat::Terminal),
        ([format], Some((path, ending, holds))) if !holds.contains(format) => {
            let name = |f: ReportFormat| f.to_possible_value().map(|v| v.get_name().to_owned());
            anyhow::bail!(
                "--output {}: a `{ending}` file holds {}, not --format {}",
                path.display(),
                holds
                    .iter()
                    .filter_map(|f| name(*f))
                    .collect::<Vec<_>>()
                    .join(" or "),
                name(*format).unwrap_or_default()
            )
        }
        _ => {}
    }
    Ok(formats)
}

/// Where a command's report goes, decided (and checked) before any slow work, so that a
/// mistake in `--output` costs nothing.
#[derive(Debug, PartialEq)]
pub enum Destination {
    /// Standard output: no `--output`, or `--output -`.
    Stdout,
    /// One file, replaced atomically.
    File(PathBuf),
    /// A directory that receives one file per format.
    Directory(PathBuf),
}

impl Destination {
    /// Checks `--output` for `formats` report files: a file for one, a directory for
    /// several; the directory that will hold them must exist and take a new file.
    pub fn plan(output: Option<&Path>, files: usize) -> anyhow::Result<Destination> {
        let destination = match output {
            None if files > 1 => {
                anyhow::bail!("several formats need --output DIR to write them into")
            }
            Some(path) if path == Path::new("-") && files > 1 => {
                anyhow::bail!("several formats cannot share standard output; give --output DIR")
            }
            None => return Ok(Destination::Stdout),
            Some(path) if path == Path::new("-") => return Ok(Destination::Stdout),
            Some(path) if files > 1 => {
                if path.exists() && !path.is_dir() {
                    anyhow::bail!(
                        "--output {}: is a file; several formats need a directory",
                        path.display()
                    );
                }
                Destination::Directory(path.to_path_buf())
            }
            Some(path) => {
                if path.is_dir() {
                    anyhow::bail!(
                        "--output {}: is a directory; with one format, name the file to write",
                        path.display()
                    );
                }
                Destination::File(path.to_path_buf())
            }
        };
        let parent = match &destination {
            Destination::Directory(dir) if dir.is_dir() => dir.as_path(),
            Destination::Directory(dir) | Destination::File(dir) => directory_of(dir),
            Destination::Stdout => unreachable!("returned above"),
        };
        if !parent.is_dir() {
            anyhow::bail!("--output: directory {} does not exist", parent.display());
        }
        // Proof that a file can be created there; removed at once.
        tempfile::Builder::new()
            .prefix(".posture-")
            .suffix(".tmp")
            .tempfile_in(parent)
            .with_context(|| format!("--output: cannot write in {}", parent.display()))?;
        Ok(destination)
    }
}
