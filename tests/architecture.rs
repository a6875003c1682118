//! Structural invariants that a reviewer would otherwise have to remember.

use std::process::Command;

/// The rules crate must build and test without the AWS SDK, and stay pure: the allocator
/// (a C library, set up through the environment) is the binary's (ARCHITECTURE.md).
#[test]
fn the_rules_crate_depends_on_neither_the_aws_sdk_nor_the_allocator() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "posture-rules",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cannot run cargo tree");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.starts_with("posture-rules"), "{tree}");
    let impure: Vec<&str> = tree
        .lines()
        .filter(|line| line.starts_with("aws-") || line.contains("mimalloc"))
        .collect();
    assert!(impure.is_empty(), "posture-rules depends on {impure:?}");
}

/// The modules of `src/` that are commands. What two commands share lives in a library
/// module (`report::file`, `output`, ...) that both call, never in one of them.
const COMMANDS: [&str; 4] = ["check", "merge", "diff", "catalogue"];

/// The top-level modules a source text names through `crate::`: `crate::output::x`,
/// `crate::{collect, output}` and `crate::report::{self, Report}` each give their first
/// segments.
fn crate_modules(source: &str) -> Vec<String> {
    let mut modules = Vec::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        let names = match rest.strip_prefix('{') {
            Some(group) => group_items(group),
            None => vec![rest],
        };
        for name in names {
            let name = name.trim_start();
            let end = name
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(name.len());
            modules.push(name[..end].to_string());
        }
    }
    modules
}

/// The items of a `{...}` group, `group` starting after its `{`: split at its own commas,
/// not those of a group within.
fn group_items(group: &str) -> Vec<&str> {
    let (mut items, mut start, mut depth) = (Vec::new(), 0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..at]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    panic!("a `{{` group without its `}}`: {group}");
}

/// A command's source: `src/<name>.rs`, or every file under `src/<name>/`.
fn command_source(name: &str) -> String {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let file = src.join(format!("{name}.rs"));
    if file.exists() {
        return std::fs::read_to_string(file).unwrap();
    }
    let mut text = String::new();
    let mut folders = vec![src.join(name)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    assert!(!text.is_empty(), "no source for command module `{name}`");
    text
}

#[test]
fn a_command_module_imports_no_other_command_module() {
    let mut imports = Vec::new();
    for command in COMMANDS {
        for module in crate_modules(&command_source(command)) {
            if module != command && COMMANDS.contains(&module.as_str()) {
                imports.push(format!("{command} uses crate::{module}"));
            }
        }
    }
    assert!(imports.is_empty(), "{imports:?}");
    // The reading of imports itself, on the forms the commands use.
    let example = "use crate::report::{self, Report};\n\
                   use crate::{collect, report::{file, Scan}, diff::Diff};\n\
                   let x = crate::merge::merge(args);";
    assert_eq!(
        crate_modules(example),
        ["report", "collect", "report", "diff", "merge"]
    );
}
