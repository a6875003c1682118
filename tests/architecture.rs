//! Structural invariants that a reviewer would otherwise have to remember.

use std::path::{Path, PathBuf};
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
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let file = src.join(format!("{name}.rs"));
    if file.exists() {
        return std::fs::read_to_string(file).unwrap();
    }
    let files = rust_files(&src.join(name));
    let text: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
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

/// Glue stays readable: no function of the two crates' sources is longer than a screen
/// and a half (ARCHITECTURE.md, cross-cutting concerns). Long glue grew here before
/// (`collect_region` was 332 lines); this names the function that grows past the limit.
#[test]
fn no_function_is_longer_than_80_lines() {
    const LIMIT: usize = 80;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    for folder in ["src", "rules/src", "allocator/src"] {
        for file in rust_files(&root.join(folder)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (name, line, length) in function_lengths(&text) {
                if length > LIMIT {
                    let place = file.strip_prefix(root).unwrap().display();
                    long.push(format!("{place}:{line} {name}: {length} lines"));
                }
            }
        }
    }
    assert!(long.is_empty(), "over {LIMIT} lines:\n{}", long.join("\n"));
}

#[test]
fn function_lengths_skip_braces_in_strings_comments_and_characters() {
    let text = "fn a() {\n    let s = \"}}\";\n    // }\n    let c = '}';\n}\n\
                trait T { fn b(&self); }\nfn c<'a>(x: &'a str) {\n    let r = r#\"{\"#;\n}\n";
    assert_eq!(
        function_lengths(text),
        [("a".to_string(), 1, 5), ("c".to_string(), 7, 3)]
    );
}

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Each function with a body: its name, first line and length in lines, found by
/// matching braces outside strings, comments and character literals.
fn function_lengths(text: &str) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut depth) = (0, 1, 0usize);
    let mut pending: Option<(String, usize)> = None;
    let mut open: Vec<(String, usize, usize)> = Vec::new();
    let mut found = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => line += 1,
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                i += 1;
            }
            '"' => i = skip_string(&chars, i, None, &mut line),
            'r' if matches!(next, Some('"' | '#')) && !is_ident(chars.get(i.wrapping_sub(1))) => {
                let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                if chars.get(i + 1 + hashes) == Some(&'"') {
                    i = skip_string(&chars, i + 1 + hashes, Some(hashes), &mut line);
                }
            }
            '\'' if next == Some('\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
            '{' => {
                depth += 1;
                if let Some((name, start)) = pending.take() {
                    open.push((name, start, depth));
                }
            }
            '}' => {
                if open.last().is_some_and(|(_, _, d)| *d == depth) {
                    let (name, start, _) = open.pop().unwrap();
                    found.push((name, start, line - start + 1));
                }
                depth = depth.saturating_sub(1);
            }
            ';' => pending = None,
            'f' if next == Some('n') && !is_ident(chars.get(i.wrapping_sub(1))) => {
                let name: String = chars[i + 2..]
                    .iter()
                    .skip_while(|c| **c == ' ')
                    .take_while(|c| is_ident(Some(c)))
                    .collect();
                let spaced = chars.get(i + 2) == Some(&' ');
                if spaced && !name.is_empty() {
                    pending = Some((name, line));
                }
            }
            _ => {}
        }
        i += 1;
    }
    found.sort_by_key(|(_, line, _)| *line);
    found
}

/// From the opening quote at `start`, the index of the string's last character: the
/// closing quote, or for a raw string (`raw`: how many `#` close it) the last `#`.
fn skip_string(chars: &[char], start: usize, raw: Option<usize>, line: &mut usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if raw.is_none() => {
                i += 1;
                *line += usize::from(chars.get(i) == Some(&'\n'));
            }
            '"' => {
                let hashes = raw.unwrap_or(0);
                let closing = chars[i + 1..].iter().take(hashes);
                if closing.filter(|c| **c == '#').count() == hashes {
                    return i + hashes;
                }
            }
            '\n' => *line += 1,
            _ => {}
        }
        i += 1;
    }
    i
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}
