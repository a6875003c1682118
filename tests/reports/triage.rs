//! What a person reads first: the fix-first order, collapsed repeats, the display filters
//! and the grouped gaps, on the demo and on generated large snapshots; and the HTML review
//! page driven through its URL fragment in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{
    example_snapshot, example_value, json_report, posture, stderr, tool,
    with_copied_groups_and_volumes, write_snapshot,
};

/// A message as long and unreadable as the SDK's parser errors.
const LONG_MESSAGE: &str = "unhandled error (InternalError): Error { code: \"InternalError\", \
    message: \"We encountered an internal error. Please try again.\", aws_request_id: \
    \"4442587FB7D0A2F9\", s3_extended_request_id: \"bZ0a8dG9E4xq2lYt1bB7p5mQ9tG5b9Xo2yY5s5Q=\" } \
    while parsing the response body of GetBucketVersioning: unexpected element \
    <VersioningConfigurationX> at line 1, column 212; expected <VersioningConfiguration>";

fn check(snapshot: &Path, args: &[&str]) -> (String, std::process::Output) {
    let mut all = vec![
        "check",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--color",
        "never",
    ];
    all.extend(args);
    let output = posture(&all, &[]);
    (String::from_utf8(output.stdout.clone()).unwrap(), output)
}

fn json(snapshot: &Path) -> serde_json::Value {
    let (_, output) = check(snapshot, &["--format", "json"]);
    json_report(&output)
}

/// The lines of one section of the terminal report (its title line to the next blank one).
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

const SEVERITIES: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];

fn severity_rank(line: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| line.split_whitespace().any(|w| w == *s))
        .unwrap_or_else(|| panic!("no severity in `{line}`"))
}

#[test]
fn fix_first_puts_the_worst_and_most_exposed_first() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write_snapshot(
        dir.path(),
        "large.json",
        &with_copied_groups_and_volumes(40),
    );
    for path in [PathBuf::from(example_snapshot()), snapshot] {
        let (text, _) = check(&path, &[]);
        let lines = section(&text, "Fix first");
        let items: Vec<(&str, &str)> = lines
            .chunks(2)
            .filter(|pair| pair.len() == 2 && pair[0].trim_start().starts_with(char::is_numeric))
            .map(|pair| (pair[0], pair[1]))
            .collect();
        assert_eq!(items.len(), 10, "{text}");
        // The demo's one critical finding, SSH open on a bastion with a public IP, leads.
        assert!(items[0].0.contains("CRITICAL"), "{}", items[0].0);
        assert!(items[0].0.contains("[internet]"), "{}", items[0].0);
        assert!(items[0].1.contains("sg-0bastion01"), "{}", items[0].1);
        let exposed = |line: &str| line.contains("[internet]") || line.contains("[public]");
        let count = |detail: &str| {
            detail
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|_| detail.contains(" resources: "))
                .unwrap_or(1)
        };
        for pair in items.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (sa, sb) = (severity_rank(a.0), severity_rank(b.0));
            assert!(sa <= sb, "severity order: {} then {}", a.0, b.0);
            if sa == sb {
                assert!(
                    exposed(a.0) || !exposed(b.0),
                    "exposure order: {} then {}",
                    a.0,
                    b.0
                );
                if exposed(a.0) == exposed(b.0) {
                    assert!(
                        count(a.1) >= count(b.1),
                        "reach order: {} then {}",
                        a.1,
                        b.1
                    );
                }
            }
        }
        // The summary names the worst finding.
        let summary = text.lines().find(|l| l.starts_with("Summary:")).unwrap();
        assert!(
            summary.contains("worst: critical ec2-security-group-admin-ports-open"),
            "{summary}"
        );
    }
}

#[test]
fn repeats_collapse_into_one_line_and_verbose_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write_snapshot(
        dir.path(),
        "large.json",
        &with_copied_groups_and_volumes(500),
    );
    let report = json(&snapshot);
    let findings = report["findings"].as_array().unwrap();
    let unencrypted = findings
        .iter()
        .filter(|f| f["rule_id"] == "ec2-ebs-volume-unencrypted" && f["status"] == "fail")
        .count();
    assert!(unencrypted >= 1000, "{unencrypted}");

    let (text, _) = check(&snapshot, &[]);
    let collapsed = format!("ec2-ebs-volume-unencrypted  {unencrypted} resources:");
    let line = text.lines().position(|l| l.contains(&collapsed));
    let line = line.unwrap_or_else(|| panic!("no `{collapsed}` line"));
    let next = text.lines().nth(line + 1).unwrap();
    assert!(
        next.contains(&format!("…and {} more", unencrypted - 3)),
        "{next}"
    );
    assert!(
        text.lines().count() < 400,
        "{} findings printed {} lines",
        findings.len(),
        text.lines().count()
    );
    // The fix-first line says how many resources one fix covers (among the encryption
    // findings: the example's higher severities fill the whole list).
    let (encryption, _) = check(&snapshot, &["--duty", "server-side-encryption"]);
    let fix_first = encryption.split("Scorecard").next().unwrap();
    assert!(
        fix_first.contains(&format!("{unencrypted} resources: arn:aws:ec2:")),
        "{fix_first}"
    );

    let (verbose, _) = check(&snapshot, &["-v"]);
    let listed = verbose
        .lines()
        .filter(|l| l.trim_start().starts_with("FAIL ") && l.contains("ec2-ebs-volume-unencrypted"))
        .count();
    assert_eq!(listed, unencrypted);
    let passing = findings.iter().filter(|f| f["status"] == "pass").count();
    let listed = verbose
        .lines()
        .filter(|l| l.trim_start().starts_with("PASS "))
        .count();
    assert_eq!(listed, passing, "-v lists passing findings too");

    // Markdown collapses the same way, and stays far below GitHub's limit.
    let (markdown, _) = check(&snapshot, &["--format", "markdown"]);
    assert!(
        markdown.contains(&format!("`ec2-ebs-volume-unencrypted` | {unencrypted}: ")),
        "{markdown}"
    );
    assert!(markdown.len() < 100 * 1024, "{} bytes", markdown.len());
}

#[test]
fn display_filters_change_what_is_listed_and_nothing_else() {
    let snapshot = PathBuf::from(example_snapshot());
    let (all, everything) = check(&snapshot, &[]);
    let (high, filtered) = check(&snapshot, &["--min-severity", "high"]);
    assert_eq!(
        everything.status.code(),
        filtered.status.code(),
        "same exit code"
    );
    assert!(high.contains("showing: high and above"));
    let finding_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                let l = l.trim_start();
                ["FAIL ", "UNKNOWN ", "WAIVED ", "PASS "]
                    .iter()
                    .any(|s| l.starts_with(s))
            })
            .map(str::to_string)
            .collect()
    };
    let listed = finding_lines(&high);
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|l| severity_rank(l) <= 1), "{listed:?}");
    assert!(finding_lines(&all).iter().any(|l| severity_rank(l) > 1));
    for line in section(&high, "Fix first")
        .iter()
        .filter(|l| l.contains(". "))
    {
        if line.trim_start().starts_with(char::is_numeric) {
            assert!(severity_rank(line) <= 1, "{line}");
        }
    }
    // The counts and the summary still cover the whole scan.
    let summary = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("Summary:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(summary(&all), summary(&high));

    let (unknown, _) = check(&snapshot, &["--status", "unknown"]);
    let listed = finding_lines(&unknown);
    assert!(!listed.is_empty());
    assert!(
        listed.iter().all(|l| l.trim_start().starts_with("UNKNOWN")),
        "{listed:?}"
    );

    let (passing, _) = check(
        &snapshot,
        &["--status", "pass,fail", "--min-severity", "critical"],
    );
    let listed = finding_lines(&passing);
    assert!(listed.iter().any(|l| l.trim_start().starts_with("PASS")));
    assert!(listed.iter().all(|l| l.contains("CRITICAL")), "{listed:?}");

    // Machine formats keep every finding.
    let dir = tempfile::tempdir().unwrap();
    let (_, output) = check(
        &snapshot,
        &["--min-severity", "critical", "--format", "json"],
    );
    let report = json_report(&output);
    let (_, unfiltered) = check(&snapshot, &["--format", "json"]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        json_report(&unfiltered)["findings"]
            .as_array()
            .unwrap()
            .len()
    );
    let _ = dir;
    // Unless asked: then they keep only what the filters show, and still count everything.
    let (_, output) = check(
        &snapshot,
        &[
            "--min-severity",
            "critical",
            "--filter-all",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), unfiltered.status.code());
    let filtered = json_report(&output);
    let kept = filtered["findings"].as_array().unwrap();
    assert!(!kept.is_empty());
    assert!(kept
        .iter()
        .all(|f| f["severity"] == "critical" && f["status"] != "pass"));
    assert_eq!(filtered["summary"], json_report(&unfiltered)["summary"]);

    // Markdown rows follow the filters.
    let (markdown, _) = check(
        &snapshot,
        &["--format", "markdown", "--min-severity", "high"],
    );
    let rows: Vec<&str> = markdown
        .lines()
        .skip_while(|l| *l != "### Findings")
        .filter(|l| l.starts_with("| fail") || l.starts_with("| unknown"))
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.contains("| high |") || r.contains("| critical |")),
        "{rows:?}"
    );

    let bad = posture(
        &[
            "check",
            "--snapshot",
            &example_snapshot(),
            "--status",
            "broken",
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("broken"), "{}", stderr(&bad));
}

/// The demo where `GetBucketVersioning` failed for every bucket with a long parser error.
fn versioning_unreadable() -> serde_json::Value {
    let mut snapshot = example_value();
    let mut gaps = Vec::new();
    for bucket in snapshot["s3"]["buckets"]["collected"]
        .as_array_mut()
        .unwrap()
    {
        let gap = serde_json::json!({
            "service": "s3",
            "region": bucket["region"]["collected"],
            "operation": "GetBucketVersioning",
            "resource": bucket["name"],
            "error_code": "InternalError",
            "message": LONG_MESSAGE,
        });
        bucket["versioning"] = serde_json::json!({ "gap": gap });
        gaps.push(gap);
    }
    snapshot["gaps"].as_array_mut().unwrap().extend(gaps);
    snapshot
}

#[test]
fn failed_calls_are_grouped_by_cause_and_long_messages_are_shortened() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write_snapshot(dir.path(), "versioning.json", &versioning_unreadable());
    let report = json(&snapshot);
    let buckets = example_value()["s3"]["buckets"]["collected"]
        .as_array()
        .unwrap()
        .len();
    let unknown_by_versioning = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["status"] == "unknown" && f["evidence"]["gap"]["operation"] == "GetBucketVersioning"
        })
        .count();
    assert!(
        unknown_by_versioning >= 2 * buckets,
        "{unknown_by_versioning}"
    );
    // The JSON report keeps every call and its whole message.
    assert!(report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["message"] == LONG_MESSAGE));

    let (text, _) = check(&snapshot, &[]);
    let group: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("s3:GetBucketVersioning (InternalError)"))
        .collect();
    assert_eq!(group.len(), 1, "one line per cause: {group:?}");
    assert!(
        group[0].contains(&format!(
            "{buckets} call(s) on {buckets} resource(s) in 2 region(s)"
        )),
        "{}",
        group[0]
    );
    assert!(
        group[0].contains(&format!("{unknown_by_versioning} finding(s) unknown")),
        "{}",
        group[0]
    );
    assert!(
        text.contains("Not checked: 5 call(s) failed (2 cause(s))"),
        "{text}"
    );
    let to_do = text
        .lines()
        .find(|l| l.contains("s3:GetBucketPolicy (AccessDenied)"))
        .unwrap();
    let advice = text
        .lines()
        .skip_while(|l| *l != to_do)
        .find(|l| l.contains("to do:"));
    assert!(
        advice.is_some_and(|a| a.contains("posture permissions")),
        "{advice:?}"
    );

    // The unknown findings name the call, not the endpoint's message; no human format
    // prints the message whole.
    let unknown_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("could not be checked: s3:GetBucketVersioning"))
        .collect();
    assert!(!unknown_lines.is_empty());
    assert!(unknown_lines.iter().all(|l| !l.contains("aws_request_id")));
    for format in ["terminal", "markdown", "html"] {
        let (rendered, _) = check(&snapshot, &["--format", format, "-v"]);
        assert!(
            !rendered.contains(LONG_MESSAGE),
            "{format} prints the whole message"
        );
        assert!(
            !rendered.contains("expected &lt;VersioningConfiguration&gt;")
                && !rendered.contains("expected <VersioningConfiguration>")
                && !rendered.contains("expected \\<VersioningConfiguration\\>"),
            "{format} prints the end of the message"
        );
        assert!(
            rendered.contains("unhandled error"),
            "{format} names the cause"
        );
    }
}

#[test]
fn compliance_coverage_and_controls() {
    let output = posture(&["rules", "--compliance", "cis-7.0"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let row = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no control {id}"))
            .to_string()
    };
    assert!(row("2.4").contains("iam-root-access-keys"));
    assert!(row("2.21").contains("s3-bucket-policy-any-principal"));
    assert!(row("6.1.2").contains("ec2-security-group-cifs-open"));
    assert!(row("6.7").contains("ec2-instance-imdsv1-allowed"));
    assert!(row("4.1").contains("cloudtrail-multi-region-trail-missing"));
    assert!(row("5.1").contains("cloudwatch-no-alarm-unauthorized-api-calls"));
    assert!(row("5.16").contains("not observed"));
    let json_output = posture(
        &["rules", "--compliance", "cis-5.0", "--format", "json"],
        &[],
    );
    let coverage: serde_json::Value = serde_json::from_slice(&json_output.stdout).unwrap();
    let imds = coverage["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "5.7")
        .unwrap();
    assert_eq!(imds["rules"][0], "ec2-instance-imdsv1-allowed");
    assert_eq!(imds["section"], "5 Networking");

    let (text, _) = check(
        &PathBuf::from(example_snapshot()),
        &["--compliance", "cis-7.0"],
    );
    let controls = section(
        &text,
        "CIS Amazon Web Services Foundations Benchmark v7.0.0",
    );
    let line = |id: &str| {
        controls
            .iter()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no control {id}: {controls:?}"))
            .to_string()
    };
    assert!(controls.iter().any(|l| l.trim() == "6 Networking"));
    assert!(line("6.3").contains(" fail "), "{}", line("6.3"));
    assert!(line("2.4").contains(" pass "), "{}", line("2.4"));
    assert!(line("4.1").contains(" pass "), "{}", line("4.1"));
    assert!(line("5.1").contains(" fail "), "{}", line("5.1"));
    assert!(line("5.3").contains(" pass "), "{}", line("5.3"));
    assert!(line("5.16").contains("not observed"), "{}", line("5.16"));
}

/// The rows of the findings table Chromium left visible, in their order: (resource, text).
fn visible_rows(dom: &str) -> Vec<(String, String)> {
    let body = dom
        .split("id=\"rows\">")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    body.split("<tr ")
        .filter(|row| {
            row.starts_with("class=\"f\"") && !row[..row.find('>').unwrap()].contains("hidden")
        })
        .map(|row| {
            let resource = row
                .split("<td><code>")
                .nth(1)
                .and_then(|rest| rest.split("</code>").next())
                .unwrap_or("")
                .to_string();
            (resource, row.to_string())
        })
        .collect()
}

fn render(chromium: &Path, dir: &Path, page: &Path, fragment: &str) -> String {
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}{fragment}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn body_attribute(dom: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    let body = &dom[dom.find("<body").unwrap()..];
    let body = &body[..body.find('>').unwrap()];
    body.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} on <body>: {body}"))
        .replace("&amp;", "&")
}

#[test]
fn html_review_page_filters_sorts_and_keeps_the_view_in_its_url() {
    let chromium = tool("POSTURE_CHROMIUM", "Chromium (Debian's chromium package)");
    let dir = tempfile::tempdir().unwrap();
    let snapshot = write_snapshot(
        dir.path(),
        "large.json",
        &with_copied_groups_and_volumes(160),
    );
    let page = dir.path().join("report.html");
    let (_, output) = check(
        &snapshot,
        &["--format", "html", "--output", page.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&snapshot);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() > 3000, "{} findings", findings.len());
    let count =
        |keep: &dyn Fn(&serde_json::Value) -> bool| findings.iter().filter(|f| keep(f)).count();
    let default_status = |f: &serde_json::Value| f["status"] != "pass";

    // The default view: every finding but the passing ones.
    let dom = render(&chromium, dir.path(), &page, "");
    assert_eq!(
        body_attribute(&dom, "data-shown"),
        count(&default_status).to_string()
    );
    let ready: u64 = body_attribute(&dom, "data-ready-ms").parse().unwrap();
    let apply: u64 = body_attribute(&dom, "data-apply-ms").parse().unwrap();
    eprintln!(
        "{} findings: script done {ready} ms after navigation, first view {apply} ms",
        findings.len()
    );

    // Search.
    let query = "sg-0legacy04-12";
    let dom = render(&chromium, dir.path(), &page, &format!("#q={query}"));
    let expected = count(&|f| {
        default_status(f)
            && (f["resource"].as_str().unwrap().contains(query)
                || f["message"].as_str().unwrap().contains(query))
    });
    assert!(expected > 1);
    assert_eq!(body_attribute(&dom, "data-shown"), expected.to_string());
    assert!(visible_rows(&dom)
        .iter()
        .all(|(_, row)| row.contains(query)));
    assert!(dom.contains(&format!("id=\"q\" type=\"search\" placeholder=\"resource, message, rule, control id…\" value=\"{query}\"")));

    // Filters: severity and status, then duty, region and rule together.
    let dom = render(&chromium, dir.path(), &page, "#sev=critical&st=fail");
    let critical = count(&|f| f["severity"] == "critical" && f["status"] == "fail");
    assert_eq!(body_attribute(&dom, "data-shown"), critical.to_string());
    assert!(dom.contains("name=\"sev\" value=\"critical\" checked=\"\""));
    assert!(!dom.contains("name=\"sev\" value=\"high\" checked"));
    let fragment = "#st=fail,unknown,waived,pass&duty=network-configuration&region=eu-central-1&rule=ec2-security-group-admin-ports-open";
    let dom = render(&chromium, dir.path(), &page, fragment);
    let expected = count(&|f| {
        f["duty"] == "network-configuration"
            && f["region"] == "eu-central-1"
            && f["rule_id"] == "ec2-security-group-admin-ports-open"
    });
    assert!(expected > 50);
    assert_eq!(body_attribute(&dom, "data-shown"), expected.to_string());
    assert!(dom.contains("<option value=\"eu-central-1\" selected=\"\">"));

    // Sorting: by resource, ascending, then descending, over every page (the table shows
    // 200 rows at a time).
    for (dir_name, ascending) in [("asc", true), ("desc", false)] {
        let mut sorted: Vec<String> = findings
            .iter()
            .filter(|f| f["status"] == "fail")
            .map(|f| f["resource"].as_str().unwrap().to_lowercase())
            .collect();
        assert!(sorted.len() > 400, "{}", sorted.len());
        sorted.sort();
        if !ascending {
            sorted.reverse();
        }
        for page_number in [1, 2] {
            let dom = render(
                &chromium,
                dir.path(),
                &page,
                &format!("#st=fail&sort=resource&dir={dir_name}&page={page_number}"),
            );
            let resources: Vec<String> = visible_rows(&dom)
                .into_iter()
                .map(|(r, _)| r.to_lowercase())
                .collect();
            let from = (page_number - 1) * 200;
            assert_eq!(resources, sorted[from..from + 200], "sorted {dir_name}");
            assert!(dom.contains(&format!("data-key=\"resource\" data-dir=\"{dir_name}\"")));
        }
    }

    // The view is kept in the URL: the page writes back the state it shows, without the
    // defaults, and unknown keys are ignored.
    let dom = render(
        &chromium,
        dir.path(),
        &page,
        "#st=fail&bogus=1&sev=critical,high,medium,low,info",
    );
    assert_eq!(body_attribute(&dom, "data-view"), "#st=fail");

    // Rules' advice is HTML, not Markdown, and each row's details can show it.
    assert!(dom.contains(
        "<template id=\"doc-ec2-security-group-admin-ports-open\"><h4>Why it matters</h4><p>"
    ));
    assert!(!dom.contains("## How to fix"));
    assert!(dom.contains("CIS v7.0 6.3, 6.4"));

    // A screenshot of the whole page at a laptop's size.
    let shot = dir.path().join("report.png");
    let status = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(["--window-size=1280,2000", "--virtual-time-budget=5000"])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1280);
}
