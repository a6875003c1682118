//! The binary without an account: the shipped example snapshot, rule listing and
//! documentation, argument and input errors, output files.

mod support;

use std::path::Path;
use std::process::Command;

use support::{json_report, posture, stderr};

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/demo-account.json")
        .to_string_lossy()
        .into_owned()
}

/// The README's first screen of the main job is what the demo account prints: the lines
/// before its "…" line are the first lines of the output, and its last line is the
/// output's summary line. On a mismatch, the test prints the block to paste.
#[test]
fn the_readme_shows_what_the_main_job_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("Its first screen")
        .expect("the README's sample");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let (screen, elided) = block.split_once("\n…").expect("an elided part");
    let summary = elided.lines().last().unwrap();

    let output = posture(
        &["check", "--snapshot", &example()],
        &[("NO_COLOR".to_string(), "1".to_string())],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let lines = screen.lines().count();
    let printed: Vec<&str> = text.lines().take(lines).collect();
    let printed_summary = text.lines().find(|l| l.starts_with("Summary: ")).unwrap();
    let expected = format!(
        "{}\n…the findings of each duty (repeats of one rule collapsed), what could not be \
         checked, then:\n{printed_summary}\n",
        printed.join("\n")
    );
    assert!(
        printed.join("\n") == screen && printed_summary == summary,
        "the README's sample is stale; its block should read:\n{expected}"
    );
}

#[test]
fn the_example_snapshot_runs_the_main_job() {
    let output = posture(&["check", "--snapshot", &example()], &[]);
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "failing findings exit 1: {}",
        stderr(&output)
    );
    for duty in [
        "Customer data",
        "Identity & access management",
        "Temporary credentials",
        "OS, network & firewall configuration",
        "Server-side encryption",
        "Network traffic protection",
        "Client-side encryption",
    ] {
        assert!(
            text.contains(duty),
            "the report has a section for {duty}:\n{text}"
        );
    }
    assert!(
        text.contains("not scored"),
        "client-side encryption is said to be unobservable"
    );
    assert!(text.contains("scan INCOMPLETE"), "{text}");
    assert!(text.contains("Not checked: 1 call(s) failed"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(stderr(&output).contains("incomplete"));
}

#[test]
fn an_aws_profile_in_the_environment_does_not_conflict_with_a_snapshot() {
    let output = posture(
        &["check", "--snapshot", &example(), "-q"],
        &[("AWS_PROFILE".into(), "audit".into())],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn json_report_of_the_example() {
    let output = posture(
        &["check", "--snapshot", &example(), "--format", "json"],
        &[],
    );
    let report = json_report(&output);
    assert_eq!(report["schema"], "posture.report/v1");
    assert_eq!(report["complete"], false);
    assert_eq!(report["gaps"].as_array().unwrap().len(), 1);
    let duties = report["duties"].as_array().unwrap();
    assert_eq!(duties.len(), 7);
    let client_side = duties
        .iter()
        .find(|d| d["duty"] == "client-side-encryption")
        .unwrap();
    assert_eq!(client_side["observable"], false);
    let summary = &report["summary"];
    let findings = report["findings"].as_array().unwrap();
    let count = |status: &str| findings.iter().filter(|f| f["status"] == status).count();
    assert_eq!(summary["fail"], count("fail"));
    assert_eq!(summary["pass"], count("pass"));
    assert_eq!(summary["unknown"], count("unknown"));
    assert!(count("fail") > 0 && count("pass") > 0 && count("unknown") > 0);
    for finding in findings {
        for field in [
            "rule_id", "title", "duty", "severity", "status", "resource", "message",
        ] {
            assert!(finding[field].is_string(), "{field} missing in {finding}");
        }
    }
}

#[test]
fn fail_on_and_allow_incomplete_set_the_exit_code() {
    let args = ["check", "--snapshot", &example(), "--format", "json"];
    let at = |extra: &[&str]| posture(&[&args[..], extra].concat(), &[]).status.code();
    assert_eq!(
        at(&["--fail-on", "critical"]),
        Some(1),
        "one critical finding"
    );
    // Only the unknown TLS finding remains in this selection: incomplete, not failing.
    let tls_only = ["--rule", "s3-bucket-tls-not-enforced", "--fail-on", "high"];
    assert_eq!(at(&tls_only), Some(3));
    assert_eq!(
        at(&[&tls_only[..], &["--allow-incomplete"]].concat()),
        Some(0)
    );
}

#[test]
fn rule_and_duty_selection() {
    let output = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--format",
            "json",
            "--duty",
            "server-side-encryption",
        ],
        &[],
    );
    let report = json_report(&output);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["duty"] == "server-side-encryption"));

    let output = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--format",
            "json",
            "--exclude-rule",
            "ec2-ebs-volume-unencrypted",
        ],
        &[],
    );
    let report = json_report(&output);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule_id"] != "ec2-ebs-volume-unencrypted"));
}

#[test]
fn unknown_rule_ids_are_usage_errors() {
    for args in [
        vec![
            "check",
            "--snapshot",
            "unused.json",
            "--rule",
            "no-such-rule",
        ],
        vec!["explain", "no-such-rule"],
    ] {
        let output = posture(&args, &[]);
        assert_eq!(output.status.code(), Some(2));
        let message = stderr(&output);
        assert!(
            message.contains("unknown rule id `no-such-rule`"),
            "{message}"
        );
        assert_eq!(message.trim().lines().count(), 1, "{message}");
    }
    let misspelt = posture(&["explain", "iam-root-mfa-disbled"], &[]);
    assert_eq!(misspelt.status.code(), Some(2));
    let message = stderr(&misspelt);
    assert!(
        message.contains("did you mean `iam-root-mfa-disabled`?"),
        "{message}"
    );
}

#[test]
fn bad_snapshots_are_fatal_errors_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("missing.json", None, "cannot read snapshot"),
        ("garbage.json", Some("{not json"), "is not valid JSON"),
        (
            "foreign.json",
            Some("{\"a\": 1}"),
            "is not a posture snapshot",
        ),
        (
            "future.json",
            Some("{\"schema_version\": 99}"),
            "schema version 99",
        ),
        (
            "old.json",
            Some("{\"schema_version\": 1, \"regions\": []}"),
            "schema version 1; this posture reads version 2",
        ),
        (
            "truncated.json",
            Some("{\"schema_version\": 2, \"regions\": []}"),
            "is malformed",
        ),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        if let Some(content) = content {
            std::fs::write(&path, content).unwrap();
        }
        let output = posture(&["check", "--snapshot", path.to_str().unwrap()], &[]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let message = stderr(&output);
        assert!(message.contains(expected), "{name}: {message}");
        assert!(!message.contains("panicked"), "{name}: {message}");
    }
}

#[test]
fn output_files_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let output = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "the report went to the file");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(written["schema"], "posture.report/v1");
    // A run that fails before reporting leaves the previous report untouched.
    let before = std::fs::read(&report).unwrap();
    let failed = posture(
        &[
            "check",
            "--snapshot",
            "missing.json",
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(failed.status.code(), Some(2));
    assert_eq!(std::fs::read(&report).unwrap(), before);
    // Nothing but the report is left in the directory (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn rules_and_explain_come_from_the_registry() {
    let output = posture(&["rules", "--format", "json"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 6);
    for rule in rules {
        let docs = rule["documentation"].as_str().unwrap();
        assert!(docs.contains("## How to fix"), "{}", rule["id"]);
    }
    let table = posture(&["rules"], &[]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert_eq!(
        table.lines().count(),
        rules.len() + 1,
        "a header and a line per rule"
    );

    let explained = posture(&["explain", "ec2-security-group-admin-ports-open"], &[]);
    assert_eq!(explained.status.code(), Some(0));
    let text = String::from_utf8(explained.stdout).unwrap();
    assert!(
        text.contains("CIS v7.0 6.3, 6.4; CIS v5.0 5.3, 5.4; CIS v3.0 5.2, 5.3"),
        "{text}"
    );
    assert!(text.contains("## Why it matters"), "{text}");
    assert!(
        text.contains("aws ec2 revoke-security-group-ingress"),
        "{text}"
    );
}

/// docs/rules.md is generated from the registry; regenerate it with
/// `cargo run -- rules --format markdown > docs/rules.md`.
#[test]
fn the_rule_catalogue_in_docs_is_current() {
    let output = posture(&["rules", "--format", "markdown"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let generated = String::from_utf8(output.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is out of date: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
    assert!(generated.contains("### `ec2-network-acl-admin-ports-open`"));
}

#[test]
fn the_config_file_sets_thresholds_and_trusted_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("posture.toml");
    let run = |config_text: Option<&str>| {
        let mut args = vec![
            "check".to_string(),
            "--snapshot".into(),
            example(),
            "--format".into(),
            "json".into(),
        ];
        if let Some(text) = config_text {
            std::fs::write(&config, text).unwrap();
            args.extend([
                "--config".to_string(),
                config.to_string_lossy().into_owned(),
            ]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json_report(&posture(&args, &[]))
    };
    let status_of = |report: &serde_json::Value, rule: &str, suffix: &str| {
        support::finding(report, rule, suffix)["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let defaults = run(None);
    assert_eq!(
        status_of(
            &defaults,
            "iam-role-cross-account-trust-without-external-id",
            "role/vendor-monitoring"
        ),
        "fail"
    );
    assert_eq!(
        status_of(&defaults, "iam-password-policy-weak", ":root"),
        "fail"
    );

    let tuned = run(Some("[thresholds]\npassword_min_length = 8\npassword_reuse_prevention = 5\n\n[accounts]\ntrusted = [\"999988887777\"]\n"));
    assert_eq!(
        status_of(
            &tuned,
            "iam-role-cross-account-trust-without-external-id",
            "role/vendor-monitoring"
        ),
        "pass"
    );
    assert_eq!(
        status_of(&tuned, "iam-password-policy-weak", ":root"),
        "pass"
    );

    // Data residency: the demo keeps data in both of its regions.
    let resident = run(Some("[residency]\nallowed_regions = [\"eu-central-1\"]\n"));
    let residency = "data-outside-allowed-regions";
    assert_eq!(
        status_of(&resident, residency, ":::acme-data-lake-raw"),
        "pass"
    );
    assert_eq!(
        status_of(&resident, residency, ":::acme-public-website"),
        "fail"
    );
    let unjudged = defaults["findings"].as_array().unwrap();
    assert!(unjudged.iter().all(|f| f["rule_id"] != residency));

    // The shipped example parses.
    let example_config = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/posture.toml");
    let output = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--config",
            example_config.to_str().unwrap(),
            "-q",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn config_errors_are_one_line_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "[thresholds]\ncredential_unused_days = 30\n",
            ":2: unknown field `credential_unused_days`",
        ),
        (
            "[accounts]\ntrusted = [\"12345\"]\n",
            ":2: accounts.trusted: `12345` is not a 12-digit",
        ),
        (
            "[residency]\nallowed_regions = [\"eu-central-1\", \"frankfurt\"]\n",
            ":2: residency.allowed_regions: `frankfurt` is not a region name",
        ),
        (
            "[residency]\nallowed_regions = []\n",
            ":2: residency.allowed_regions: name at least one region",
        ),
        (
            "[thresholds]\naccess_key_max_age_days = 0\n",
            ":2: thresholds.access_key_max_age_days = 0: must be 1 to 36500",
        ),
        (
            "\n[thresholds]\npassword_min_length = -1\n",
            ":3: thresholds.password_min_length = -1: must be 6 to 128",
        ),
        (
            "[thresholds]\nroot_recent_use_days = 1000000000000000000\n",
            ":2: thresholds.root_recent_use_days = 1000000000000000000: must be",
        ),
        (
            "[thresholds]\ninternet_prefix_v6 = 129\n",
            ":2: thresholds.internet_prefix_v6 = 129: must be 0 to 128",
        ),
        (
            "[thresholds]\npassword_reuse_prevention = \"24\"\n",
            ":2: password_reuse_prevention: invalid type: string",
        ),
        ("[thresholds\n", ":1: "),
    ] {
        let path = dir.path().join("posture.toml");
        std::fs::write(&path, text).unwrap();
        let config = path.to_str().unwrap();
        let output = posture(
            &["check", "--snapshot", &example(), "--config", config],
            &[],
        );
        assert_eq!(output.status.code(), Some(2), "{text}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{text}: {message}");
        let prefix = format!("posture: error: {config}{expected}");
        assert!(message.starts_with(&prefix), "{text}: {message}");
    }
}

/// Colour on a terminal, none with NO_COLOR: run under a pseudo-terminal with `script`
/// (util-linux, part of every Debian system).
#[test]
fn colour_follows_the_terminal_and_no_color() {
    let command = format!(
        "{} check --snapshot {} -q",
        env!("CARGO_BIN_EXE_posture"),
        example()
    );
    let on_terminal = |no_color: bool| {
        let mut script = Command::new("script");
        script.args(["-qec", &command, "/dev/null"]);
        if no_color {
            script.env("NO_COLOR", "1");
        } else {
            script.env_remove("NO_COLOR");
        }
        let output = script
            .output()
            .expect("`script` (util-linux) is needed for this test");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\x1b[1;31mFAIL"),
        "{}",
        &coloured[..coloured.len().min(300)]
    );
    let plain = on_terminal(true);
    assert!(
        plain.contains("FAIL") && !plain.contains('\x1b'),
        "{}",
        &plain[..plain.len().min(300)]
    );
}

#[test]
fn color_can_be_forced_or_refused() {
    let snapshot = example();
    let run = |extra: &[&str], env: &[(String, String)]| {
        let args = [&["check", "--snapshot", &snapshot, "-q"][..], extra].concat();
        String::from_utf8(posture(&args, env).stdout).unwrap()
    };
    let var = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    // Piped: plain unless forced.
    assert!(!run(&[], &[]).contains('\x1b'));
    assert!(run(&["--color", "always"], &[]).contains("\x1b[1;31mFAIL"));
    // Critical and high stand out from the other severities.
    assert!(run(&["--color", "always"], &[]).contains("\x1b[1;97;41mCRITICAL"));
    assert!(run(&["--color", "always"], &[]).contains("\x1b[1;31mHIGH"));
    assert!(run(&[], &var("CLICOLOR_FORCE", "1")).contains("\x1b[1;31mFAIL"));
    assert!(!run(&[], &var("CLICOLOR_FORCE", "0")).contains('\x1b'));
    // NO_COLOR wins over CLICOLOR_FORCE; an explicit flag wins over both.
    let both = [var("NO_COLOR", "1"), var("CLICOLOR_FORCE", "1")].concat();
    assert!(!run(&[], &both).contains('\x1b'));
    assert!(run(&["--color", "always"], &both).contains('\x1b'));
    assert!(!run(&["--color", "never"], &var("CLICOLOR_FORCE", "1")).contains('\x1b'));
}

/// The example with its security groups copied `copies` times under new ids: a snapshot
/// whose reports take a while to write.
fn large_snapshot(dir: &Path, copies: usize) -> std::path::PathBuf {
    let text = std::fs::read_to_string(example()).unwrap();
    let mut snapshot: serde_json::Value = serde_json::from_str(&text).unwrap();
    for region in snapshot["ec2"].as_array_mut().unwrap() {
        let groups = region["security_groups"]["collected"]
            .as_array_mut()
            .unwrap();
        let originals = groups.clone();
        for copy in 1..copies {
            for group in &originals {
                let mut group = group.clone();
                group["id"] = format!("{}-{copy}", group["id"].as_str().unwrap()).into();
                groups.push(group);
            }
        }
    }
    let path = dir.join("large.json");
    std::fs::write(&path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    path
}

#[test]
fn an_interrupt_while_writing_keeps_the_old_reports_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = large_snapshot(dir.path(), 3000);
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    for name in ["posture.html", "posture.csv"] {
        std::fs::write(reports.join(name), "old").unwrap();
    }
    let child = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["check", "-q", "--snapshot", snapshot.to_str().unwrap()])
        .args(["--format", "csv", "--format", "html", "--output"])
        .arg(&reports)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt as soon as the first temporary file exists.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let temporary =
        |entry: &std::fs::DirEntry| entry.file_name().to_string_lossy().starts_with(".posture-");
    while !std::fs::read_dir(&reports)
        .unwrap()
        .flatten()
        .any(|e| temporary(&e))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    let mut left: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["posture.csv", "posture.html"]);
    for name in left {
        assert_eq!(std::fs::read_to_string(reports.join(name)).unwrap(), "old");
    }
}

#[test]
fn output_mistakes_fail_before_any_work_and_dash_means_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let existing_file = dir.path().join("report.json");
    std::fs::write(&existing_file, "old").unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let missing = path(&dir.path().join("missing-dir/x.json"));
    let (a_dir, a_file) = (path(dir.path()), path(&existing_file));
    // A snapshot that does not exist: the output is checked before it is even read.
    let cases: [(&[&str], &str); 4] = [
        (
            &["--format", "json", "-o", &missing],
            "missing-dir does not exist",
        ),
        (
            &["--format", "json", "-o", &a_dir],
            "is a directory; with one format",
        ),
        (
            &["--format", "json", "--format", "csv", "-o", &a_file],
            "is a file; several",
        ),
        (
            &["--format", "json", "--format", "csv", "-o", "-"],
            "cannot share standard output",
        ),
    ];
    for (args, expected) in cases {
        let all = [&["check", "--snapshot", "no-such-snapshot.json"][..], args].concat();
        let output = posture(&all, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
    assert_eq!(std::fs::read_to_string(&existing_file).unwrap(), "old");

    let to_stdout = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--format",
            "json",
            "-o",
            "-",
        ],
        &[],
    );
    assert_eq!(json_report(&to_stdout)["schema"], "posture.report/v1");
    assert!(!dir.path().join("-").exists() && !Path::new("-").exists());

    let written = posture(
        &[
            "check",
            "--snapshot",
            &example(),
            "--format",
            "json",
            "-o",
            &a_file,
        ],
        &[],
    );
    let message = stderr(&written);
    let line = format!("posture: wrote {a_file} (");
    assert!(message.lines().any(|l| l.starts_with(&line)), "{message}");
}

#[test]
fn the_output_file_name_says_the_format_and_may_not_contradict_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for command in ["check", "merge"] {
        let report = file("report.json");
        let args: Vec<&str> = match command {
            "check" => vec!["check", "--snapshot", "EXAMPLE", "-q", "-o"],
            _ => vec!["merge", "REPORT", "-q", "-o"],
        };
        let example = example();
        let source = file("source.json");
        if command == "merge" {
            let made = posture(&["check", "--snapshot", &example, "-q", "-o", &source], &[]);
            assert_eq!(made.status.code(), Some(1), "{}", stderr(&made));
        }
        let run = |output: &str, extra: &[&str]| {
            let mut all: Vec<&str> = args
                .iter()
                .map(|a| match *a {
                    "EXAMPLE" => example.as_str(),
                    "REPORT" => source.as_str(),
                    other => other,
                })
                .collect();
            all.push(output);
            all.extend(extra);
            posture(&all, &[])
        };
        let written = run(&report, &[]);
        assert_eq!(written.status.code(), Some(1), "{}", stderr(&written));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        assert_eq!(json["schema"], "posture.report/v1", "{command}");
        let sarif = file("report.sarif");
        assert_eq!(run(&sarif, &[]).status.code(), Some(1));
        let sarif: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
        assert_eq!(sarif["version"], "2.1.0", "{command}");
        let html = file("review.html");
        assert_eq!(run(&html, &[]).status.code(), Some(1));
        assert!(std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>"));

        let refused = run(&file("report.html"), &["--format", "json"]);
        assert_eq!(refused.status.code(), Some(2), "{command}");
        assert!(
            stderr(&refused).contains("a `.html` file holds html, not --format json"),
            "{}",
            stderr(&refused)
        );
        assert!(!dir.path().join("report.html").exists());
    }
}

#[test]
fn credential_problems_are_one_line_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile audit]\nregion = eu-west-1\n[profile ci]\n",
    )
    .unwrap();
    let env = |extra: &[(&str, &str)]| {
        let mut env = vec![
            (
                "AWS_CONFIG_FILE".to_string(),
                config.to_string_lossy().into_owned(),
            ),
            // Nothing listens on port 1: no request could succeed anyway.
            (
                "AWS_ENDPOINT_URL".to_string(),
                "http://127.0.0.1:1".to_string(),
            ),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ];
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        env
    };
    type Env = Vec<(String, String)>;
    let keys = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ];
    let cases: [(&[&str], Env, &str); 5] = [
        (
            &[],
            env(&[]),
            "no AWS credentials found: set AWS_PROFILE or --profile",
        ),
        (
            &[],
            env(&keys),
            "no answer from http://127.0.0.1:1 to sts:GetCallerIdentity: Connection refused",
        ),
        (
            &["--profile", "adit"],
            env(&[]),
            "profile `adit` is not defined in the AWS config or credentials file; \
             did you mean `audit`? (profiles: audit, ci)",
        ),
        (
            &[],
            env(&[("AWS_PROFILE", "nope")]),
            "profile `nope` is not defined",
        ),
        (
            &["--profile", "audit"],
            env(&[]),
            "profile `audit` gives no credentials",
        ),
    ];
    for (args, env, expected) in cases {
        let output = posture(&[&["check"][..], args].concat(), &env);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

/// A metadata service that is not AWS's, as a CI runner of another cloud or a container
/// without a route to it has: every request is answered 404. Counts the requests.
fn foreign_metadata_service() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read as _, Write as _};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            if stream.read(&mut request).unwrap_or(0) > 0 {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            let body = "Not Found";
            let answer = format!(
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (endpoint, requests)
}

#[test]
fn a_foreign_metadata_service_means_no_credentials_found() {
    let (endpoint, requests) = foreign_metadata_service();
    let env: Vec<(String, String)> = [
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str()),
        // Nothing listens on port 1: no request could reach AWS anyway.
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
        ("AWS_REGION", "us-east-1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for command in ["check", "collect"] {
        let mut args = vec![command];
        if command == "collect" {
            args.extend(["-o", "-"]);
        }
        let output = posture(&args, &env);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{command}: {message}");
        assert!(
            message.starts_with("posture: error: no AWS credentials found: set AWS_PROFILE"),
            "{command}: {message}"
        );
        assert!(!message.contains("IMDS"), "{command}: {message}");
    }
    assert!(
        requests.load(std::sync::atomic::Ordering::SeqCst) > 0,
        "the metadata service was asked"
    );

    // -v: each source of the chain, in its order, and what it answered.
    let output = posture(&["check", "-v"], &env);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    let sources: Vec<&str> = message
        .lines()
        .filter_map(|l| l.strip_prefix("posture: credential source "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "environment variables",
            "profile (AWS config and credentials files)",
            "web identity token",
            "container credentials",
            "instance metadata (IMDS)"
        ],
        "{message}"
    );
    let metadata = message
        .lines()
        .find(|l| l.contains("source instance metadata"))
        .unwrap();
    assert!(metadata.contains("404"), "{metadata}");
    let last = message.lines().last().unwrap();
    assert!(
        last.starts_with("posture: error: no AWS credentials found"),
        "{message}"
    );
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_definitions() {
    let script = posture(&["completions", "bash"], &[]);
    assert_eq!(script.status.code(), Some(0));
    let text = String::from_utf8(script.stdout).unwrap();
    assert!(text.contains("--fail-on") && text.contains("check"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("posture.bash");
    std::fs::write(&file, &text).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let output = posture(&["completions", shell], &[]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(!output.stdout.is_empty(), "{shell}");
    }
    let page = posture(&["man"], &[]);
    let page = String::from_utf8(page.stdout).unwrap();
    assert!(page.contains(".TH posture 1"), "{page}");
    assert!(
        page.contains("posture\\-check") || page.contains("check"),
        "{page}"
    );
    let unknown = posture(&["completions", "tcsh"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn expired_credentials_say_how_to_renew_them() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // STS's answer to an expired session token, to every request.
    std::thread::spawn(move || {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code>\
                    <Message>The security token included in the request is expired</Message>\
                    </Error><RequestId>1</RequestId></ErrorResponse>";
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 65536];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let env: Vec<(String, String)> = [
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_SESSION_TOKEN", "expired".into()),
        ("AWS_REGION", "us-east-1".into()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let output = posture(&["check"], &env);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("credentials have expired (ExpiredToken)"),
        "{message}"
    );
    assert!(message.contains("aws sso login"), "{message}");
}

/// The audit-role templates in examples/organization grant exactly the actions
/// `posture permissions` prints: no more, no fewer.
#[test]
fn the_audit_role_examples_grant_what_posture_permissions_prints() {
    let output = posture(&["permissions"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let policy: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut expected: Vec<String> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/organization");
    let action = |line: &str| -> Option<String> {
        let text = line.trim().trim_start_matches("- ").trim_end_matches(',');
        let text = text.trim_matches('"');
        let (service, name) = text.split_once(':')?;
        let plausible = !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && name.chars().all(|c| c.is_ascii_alphanumeric())
            && name.starts_with(|c: char| c.is_ascii_uppercase());
        plausible.then(|| text.to_string())
    };
    for (file, start) in [
        ("posture-audit-role.cfn.yaml", "Action:"),
        ("posture-audit-role.tf", "actions = ["),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        // The read-only statement: the last action list of the file.
        let list = text.rsplit(start).next().unwrap();
        let mut granted: Vec<String> = list.lines().filter_map(action).collect();
        granted.sort();
        assert_eq!(granted, expected, "{file}");
    }
}

#[test]
fn role_options_without_a_role_and_mfa_without_a_code_are_errors() {
    for (args, says) in [
        (
            vec!["check", "--external-id", "x", "--region", "us-east-1"],
            "--external-id",
        ),
        (
            vec!["collect", "-o", "-", "--duration", "900"],
            "--duration",
        ),
        (
            vec![
                "check",
                "--role-arn",
                "arn:aws:iam::123456789012:role/audit",
                "--mfa-serial",
                "arn:aws:iam::123456789012:mfa/me",
            ],
            "--mfa-token",
        ),
    ] {
        let output = posture(&args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = stderr(&output);
        assert!(text.contains(says), "{args:?}: {text}");
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}

/// `posture merge` refuses what it cannot vouch for: another version, a rule it does not
/// know, a file that is not a report.
#[test]
fn merge_refuses_reports_it_cannot_vouch_for() {
    let dir = tempfile::tempdir().unwrap();
    let demo = support::example_snapshot();
    let report = posture(&["check", "--snapshot", &demo, "--format", "json"], &[]);
    let mut json = json_report(&report);
    let write = |name: &str, value: &serde_json::Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };
    let good = write("good.json", &json);
    let merged = posture(&["merge", &good, "--format", "json"], &[]);
    assert_eq!(
        json_report(&merged)["summary"],
        json["summary"],
        "{}",
        stderr(&merged)
    );
    json["findings"][0]["rule_id"] = "\u{1b}[2Jforged-rule".into();
    let forged = write("forged.json", &json);
    let output = posture(&["merge", &good, &forged], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("does not know") && text.contains("\\x1b"),
        "{text}"
    );
    json["tool"]["version"] = "0.0.1".into();
    let old = write("old.json", &json);
    let output = posture(&["merge", &good, &old], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("posture 0.0.1"),
        "{}",
        stderr(&output)
    );
}
