//! The report formats, each checked by the validator or parser of its ecosystem: the SARIF
//! multitool, py-ocsf-models, junitparser, a CSV reader, and headless Chromium for HTML.
//! Waivers and `posture diff` end to end.

mod support;
#[path = "reports/triage.rs"]
mod triage;

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::{
    example_snapshot, example_value, json_report, posture, stderr, tool,
    with_copied_groups_and_volumes, write_snapshot,
};

const ALL_FORMATS: [&str; 7] = ["json", "sarif", "junit", "ocsf", "markdown", "csv", "html"];

/// "Adding a format" (ARCHITECTURE.md) holds: every format `--format` offers is written and
/// checked by these tests (`ALL_FORMATS`, which the validators and the hostile-text test
/// read) and named in the README's `--format` row.
#[test]
fn every_format_is_tested_and_documented() {
    let help = String::from_utf8(posture(&["check", "--help"], &[]).stdout).unwrap();
    let offered: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("--format"))
        .skip_while(|line| !line.contains("Possible values:"))
        .skip(1)
        .map_while(|line| line.trim().strip_prefix("- "))
        .filter_map(|line| line.split(':').next())
        .collect();
    assert!(offered.len() > ALL_FORMATS.len(), "{help}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let readme = readme.unwrap();
    let row = readme.lines().find(|l| l.starts_with("| `--format F`"));
    let row = row.expect("the README's --format row");
    for format in offered {
        assert!(
            format == "terminal" || ALL_FORMATS.contains(&format),
            "{format} is not in ALL_FORMATS"
        );
        assert!(
            row.contains(&format!("`{format}`")),
            "the README omits {format}"
        );
    }
}

/// Writes every format of the example into a fresh directory.
fn all_reports() -> (tempfile::TempDir, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "check".to_string(),
        "--snapshot".into(),
        example_snapshot(),
        "-q".into(),
    ];
    for format in ALL_FORMATS {
        args.extend(["--format".to_string(), format.to_string()]);
    }
    args.extend([
        "--output".to_string(),
        dir.path().to_string_lossy().into_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = posture(&args, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("posture.json")).unwrap()).unwrap();
    (dir, report)
}

fn python(script: &str, file: &Path) -> String {
    let python = tool(
        "POSTURE_PYTHON",
        "the test venv's Python with py-ocsf-models and junitparser",
    );
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Validates a SARIF file with the official multitool: no error, and no warning but the
/// one about the tool's missing informationUri.
fn assert_valid_sarif(sarif_path: &Path) {
    let validation = sarif_path.with_extension("validation.sarif");
    let multitool = tool("POSTURE_SARIF_MULTITOOL", "@microsoft/sarif-multitool");
    let output = Command::new(multitool)
        .arg("validate")
        .arg(sarif_path)
        .arg("-o")
        .arg(&validation)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let validation: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&validation).unwrap()).unwrap();
    let problems = validation["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let errors: Vec<_> = problems.iter().filter(|r| r["level"] == "error").collect();
    assert!(errors.is_empty(), "SARIF errors: {errors:#?}");
    // The one warning left: the tool has no public informationUri yet.
    let warnings: Vec<&str> = problems
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .filter(|id| *id != "SARIF2005")
        .collect();
    assert!(warnings.is_empty(), "SARIF warnings: {warnings:?}");
}

#[test]
fn sarif_passes_the_official_validator() {
    let (dir, report) = all_reports();
    let sarif_path = dir.path().join("posture.sarif");
    assert_valid_sarif(&sarif_path);

    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif_path).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## How to fix")));
    let results = run["results"].as_array().unwrap();
    let not_passing = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "pass")
        .count();
    assert_eq!(results.len(), not_passing);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["partialFingerprints"]["postureFinding/v1"]
                .as_str()
                .unwrap()
                .len(),
            64
        );
        assert!(result["properties"]["security-severity"].is_string());
        assert!(
            result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .starts_with("arn:")
        );
    }
}

#[test]
fn sarif_stays_within_what_github_code_scanning_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let large = with_copied_groups_and_volumes(1000);
    let snapshot = write_snapshot(dir.path(), "large.json", &large);
    let snapshot = snapshot.to_str().unwrap();
    let json = json_report(&posture(
        &["check", "--snapshot", snapshot, "--format", "json"],
        &[],
    ));
    let findings = json["findings"].as_array().unwrap();
    let not_passing = findings.iter().filter(|f| f["status"] != "pass").count();
    assert!(not_passing > 5_000, "{not_passing}");

    let sarif_path = dir.path().join("github.sarif");
    let output = posture(
        &[
            "check",
            "--snapshot",
            snapshot,
            "-o",
            sarif_path.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let warning = stderr(&output);
    assert!(warning.contains("posture: warning: SARIF: "), "{warning}");
    assert!(warning.contains("--sarif-all-results"), "{warning}");
    assert_valid_sarif(&sarif_path);
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif_path).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(results.len() <= 5_000, "{}", results.len());
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["properties"]["tags"].as_array().unwrap().len() <= 10);
    }
    // Every finding that is not a pass is a result or counted in a grouped one, the most
    // severe ones their own result.
    let mut represented = 0;
    let mut grouped_severities = Vec::new();
    for result in results {
        let locations = result["locations"].as_array().unwrap().len();
        assert!((1..=100).contains(&locations), "{locations}");
        match result["properties"]["grouped"]["findings"].as_u64() {
            Some(count) => {
                represented += count as usize;
                assert_eq!(result["properties"]["grouped"]["listed"], locations);
                grouped_severities.push(result["properties"]["severity"].clone());
            }
            None => represented += 1,
        }
    }
    assert_eq!(represented, not_passing);
    assert!(!grouped_severities.is_empty());
    let individual_critical = results
        .iter()
        .any(|r| r["properties"]["severity"] == "critical" && r["properties"]["grouped"].is_null());
    assert!(individual_critical || !grouped_severities.contains(&"critical".into()));
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("SARIF: ")));

    // For other consumers, one result per finding.
    let output = posture(
        &[
            "check",
            "--snapshot",
            snapshot,
            "--format",
            "sarif",
            "--sarif-all-results",
        ],
        &[],
    );
    assert!(!stderr(&output).contains("SARIF"), "{}", stderr(&output));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        not_passing
    );
}

#[test]
fn sarif_fingerprints_are_stable_across_runs() {
    let fingerprints = || {
        let output = posture(
            &[
                "check",
                "--snapshot",
                &example_snapshot(),
                "--format",
                "sarif",
            ],
            &[],
        );
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["postureFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    let first = fingerprints();
    assert_eq!(first, fingerprints());
    let unique: std::collections::BTreeSet<_> = first.iter().collect();
    assert_eq!(
        unique.len(),
        first.len(),
        "one fingerprint per rule and resource"
    );
}

#[test]
fn ocsf_events_parse_with_py_ocsf_models() {
    let (dir, report) = all_reports();
    let parsed = python(
        r#"
import json, sys
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
events = json.load(open(sys.argv[1]))
for event in events:
    finding = DetectionFinding(**event)
    assert finding.class_uid == 2004, finding.class_uid
    assert finding.finding_info.uid and finding.resources[0].uid
    assert finding.remediation.desc
print(len(events))
"#,
        &dir.path().join("posture.ocsf.json"),
    );
    assert_eq!(
        parsed.trim(),
        report["findings"].as_array().unwrap().len().to_string()
    );
    // One event per finding, in report order, each on a line of its own, with the
    // finding's resource, message and evidence as the JSON report has them.
    let text = std::fs::read_to_string(dir.path().join("posture.ocsf.json")).unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(text.lines().count(), events.len() + 2, "a line an event");
    for (event, finding) in events.iter().zip(findings) {
        assert_eq!(event["resources"][0]["uid"], finding["resource"]);
        assert_eq!(event["message"], finding["message"]);
        assert_eq!(
            event["resources"][0]["data"]["evidence"],
            finding["evidence"]
        );
        assert_eq!(event["unmapped"]["rule_id"], finding["rule_id"]);
        let duty = format!("duty/{}", finding["duty"].as_str().unwrap());
        assert_eq!(event["finding_info"]["types"][0], duty.as_str());
    }
}

#[test]
fn junit_parses_with_junitparser() {
    let (dir, report) = all_reports();
    let counts = python(
        r#"
import sys
from junitparser import JUnitXml, Failure, Skipped, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = [case for suite in xml for case in suite]
failures = sum(1 for case in cases if any(isinstance(r, Failure) for r in case.result))
skipped = sum(1 for case in cases if any(isinstance(r, Skipped) for r in case.result))
errors = sum(1 for case in cases if any(isinstance(r, Error) for r in case.result))
print(len(list(xml)), len(cases), failures, skipped, errors)
"#,
        &dir.path().join("posture.junit.xml"),
    );
    let summary = &report["summary"];
    let findings = report["findings"].as_array().unwrap().len();
    let gaps = report["gaps"].as_array().unwrap().len();
    assert!(gaps > 0, "the example has a gap");
    let expected = format!(
        "7 {} {} {} {gaps}",
        findings + gaps,
        summary["fail"],
        summary["unknown"].as_u64().unwrap() + summary["waived"].as_u64().unwrap()
    );
    assert_eq!(
        counts.trim(),
        expected,
        "suites (one per observable duty, and Not checked), cases, failures, skipped, errors"
    );
}

#[test]
fn csv_and_markdown() {
    let (dir, report) = all_reports();
    let mut reader = csv::Reader::from_path(dir.path().join("posture.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rule_id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let gaps = report["gaps"].as_array().unwrap().len();
    assert_eq!(
        rows.len(),
        report["findings"].as_array().unwrap().len() + gaps
    );
    assert_eq!(
        rows.iter().filter(|r| &r[4] == "gap").count(),
        gaps,
        "failed calls are rows too"
    );
    assert!(rows.iter().all(|r| r.len() == headers.len()));

    let markdown = std::fs::read_to_string(dir.path().join("posture.md")).unwrap();
    assert!(markdown.len() < 1024 * 1024, "GitHub's step summary limit");
    assert!(markdown
        .contains("| Duty | Rules | Critical | High | Medium | Low | Info | Unknown | Passing |"));
    assert!(markdown.contains("| Client-side encryption | — | not scored: cannot be observed |"));
    assert!(markdown.contains("### Fix first"));
    assert!(markdown.contains("### Findings"));
    assert!(markdown.contains("### Not checked"));
}

/// The example with hostile values in the fields that come from the account.
fn hostile_snapshot(dir: &Path, beacon: &str) -> PathBuf {
    let mut snapshot = example_value();
    let group = &mut snapshot["ec2"][1]["security_groups"]["collected"][0];
    group["name"] = "<script>document.body.setAttribute('data-pwned','script')</script>".into();
    group["description"] = format!(
        "<img src=\"{beacon}\" onerror=\"document.body.setAttribute('data-pwned','img')\">"
    )
    .into();
    snapshot["s3"]["buckets"]["collected"][0]["name"] =
        format!("\"><link rel=stylesheet href=\"{beacon}/css\">").into();
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_string(&snapshot).unwrap()).unwrap();
    path
}

#[test]
fn html_report_renders_offline_and_escapes_account_values() {
    let chromium = tool("POSTURE_CHROMIUM", "Chromium (Debian's chromium package)");
    let dir = tempfile::tempdir().unwrap();
    // A loopback listener that any request from the page would reach.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let beacon = format!(
        "http://127.0.0.1:{}/beacon",
        listener.local_addr().unwrap().port()
    );
    let snapshot = hostile_snapshot(dir.path(), &beacon);
    let html = dir.path().join("report.html");
    let output = posture(
        &[
            "check",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--format",
            "html",
            "--output",
            html.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let net_log = dir.path().join("netlog.json");
    let rendered = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let dom = String::from_utf8(rendered.stdout).unwrap();

    // It rendered, and our own filter script ran (it fills in the count of shown findings).
    assert!(
        dom.contains("Shared-responsibility report"),
        "{}",
        &dom[..dom.len().min(500)]
    );
    let shown = dom
        .split("id=\"shown\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or("");
    assert!(
        shown.parse::<usize>().is_ok_and(|n| n > 0),
        "the filter script did not run: `{shown}`"
    );
    // ... and built the rows of its first page from the data.
    let rows = dom.matches("<tr class=\"f").count();
    assert_eq!(rows.to_string(), shown, "rows built");
    // The injected markup is text, and none of it ran.
    assert!(!dom.contains("data-pwned=\""), "an injected script ran");
    assert!(dom.contains("&lt;script&gt;document.body.setAttribute"));
    assert!(!dom.contains("<link rel=\"stylesheet\""));

    // No request left the page: nothing reached the listener, and Chromium's network log
    // has no request initiated by the page (its own background requests have no origin).
    std::thread::sleep(Duration::from_millis(200));
    if let Ok((mut stream, _)) = listener.accept() {
        let mut request = String::new();
        let _ = stream.read_to_string(&mut request);
        panic!("the report made a request: {request}");
    }
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&net_log).unwrap()).unwrap();
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let page_requests: Vec<_> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start_job)
        .filter(|e| {
            e["params"]["initiator"]
                .as_str()
                .is_some_and(|i| i != "not an origin")
        })
        .map(|e| e["params"]["url"].clone())
        .collect();
    assert!(
        page_requests.is_empty(),
        "requests from the page: {page_requests:?}"
    );
}

/// Headless Chromium with one page open, driven over its DevTools pipe: the browser reads
/// commands on its fd 3 and answers on its fd 4, which a shell wires to our pipes.
struct Browser {
    child: std::process::Child,
    commands: std::process::ChildStdin,
    answers: std::sync::mpsc::Receiver<serde_json::Value>,
    events: Vec<serde_json::Value>,
    last_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens `page` (a file) and waits for its load event: the report's script has run.
    fn open(page: &Path) -> Browser {
        let chromium = tool("POSTURE_CHROMIUM", "Chromium (Debian's chromium package)");
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 4>&1 </dev/null >/dev/null 2>&1")
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let commands = child.stdin.take().unwrap();
        let mut from_browser = std::io::BufReader::new(child.stdout.take().unwrap());
        let (send, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            let mut message = Vec::new();
            while from_browser.read_until(0, &mut message).unwrap_or(0) > 0 {
                if message.last() == Some(&0) {
                    message.pop();
                }
                let Ok(value) = serde_json::from_slice(&message) else {
                    break;
                };
                if send.send(value).is_err() {
                    break;
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            child,
            commands,
            answers,
            events: Vec::new(),
            last_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = browser.call(
            "Target.createTarget",
            serde_json::json!({"url": "about:blank"}),
        );
        let attached = browser.call(
            "Target.attachToTarget",
            serde_json::json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        browser.call("Page.enable", serde_json::json!({}));
        browser.call(
            "Page.navigate",
            serde_json::json!({"url": format!("file://{}", page.display())}),
        );
        while !browser
            .events
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            let event = browser.receive();
            browser.events.push(event);
        }
        browser
    }

    fn receive(&mut self) -> serde_json::Value {
        self.answers
            .recv_timeout(Duration::from_secs(120))
            .expect("no answer from Chromium in two minutes")
    }

    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use std::io::Write as _;
        self.last_id += 1;
        let mut message =
            serde_json::json!({"id": self.last_id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = self.session.clone().into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).unwrap();
        loop {
            let answer = self.receive();
            if answer["id"] == self.last_id {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
            self.events.push(answer);
        }
    }

    /// The value of a JavaScript expression in the page (a promise is awaited).
    fn eval(&mut self, expression: &str) -> serde_json::Value {
        let result = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// What the findings table shows: the count, the range, the fragment and every row.
    fn table(&mut self) -> Table {
        let value = self.eval(
            "({shown: +document.getElementById('shown').textContent,\
              total: +document.getElementById('total').textContent,\
              range: document.getElementById('range').textContent,\
              hash: location.hash,\
              pwned: document.body.hasAttribute('data-pwned'),\
              rows: [...document.querySelectorAll('#rows > tr.f')].map(r => ({\
                i: +r.getAttribute('data-i'), severity: r.cells[0].textContent,\
                status: r.cells[1].textContent, rule: r.cells[2].querySelector('code').textContent,\
                resource: r.cells[3].textContent, region: r.cells[4].textContent,\
                message: r.cells[5].textContent}))})",
        );
        serde_json::from_value(value).unwrap()
    }

    /// Types `text` into the search box and waits for the view to follow it.
    fn search(&mut self, text: &str) {
        let text = serde_json::to_string(text).unwrap();
        self.eval(&format!(
            "(async () => {{ const q = document.getElementById('q'), view = document.body.getAttribute('data-view');\
              q.value = {text}; q.dispatchEvent(new Event('input'));\
              for (let n = 0; n < 1000 && document.body.getAttribute('data-view') === view; n++) {{\
                await new Promise(r => setTimeout(r, 10)); }} }})()"
        ));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, serde::Deserialize)]
struct Table {
    shown: usize,
    total: usize,
    range: String,
    hash: String,
    pwned: bool,
    rows: Vec<Row>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Row {
    i: usize,
    severity: String,
    status: String,
    rule: String,
    resource: String,
    region: String,
    message: String,
}

/// Ticks "pass" among the statuses the findings table shows.
const SHOW_PASSING: &str = "{ const b = document.querySelector('input[name=st][value=pass]'); \
                            b.checked = true; b.dispatchEvent(new Event('change')); }";

/// Rows of the findings table per page.
const HTML_PAGE: usize = 200;

/// `n` as the page writes it: 1,234,567.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The demo account with its security groups, volumes, snapshots and buckets copied
/// `copies` times under new ids, as `scripts/bench-offline` grows it, and `change` applied.
fn grown_snapshot(dir: &Path, copies: usize, change: impl Fn(&mut serde_json::Value)) -> PathBuf {
    fn grow(list: &mut serde_json::Value, key: &str, copies: usize) {
        let items = list.as_array().unwrap().clone();
        for copy in 1..=copies {
            for item in &items {
                let mut text = serde_json::to_string(item).unwrap();
                for field in [key, "arn"] {
                    if let Some(value) = item[field].as_str() {
                        text = text.replace(
                            &serde_json::to_string(value).unwrap(),
                            &serde_json::to_string(&format!("{value}-{copy}")).unwrap(),
                        );
                    }
                }
                list.as_array_mut()
                    .unwrap()
                    .push(serde_json::from_str(&text).unwrap());
            }
        }
    }
    let mut snapshot = example_value();
    for region in snapshot["ec2"].as_array_mut().unwrap() {
        for list in ["security_groups", "volumes", "snapshots"] {
            grow(&mut region[list]["collected"], "id", copies);
        }
    }
    grow(&mut snapshot["s3"]["buckets"]["collected"], "name", copies);
    change(&mut snapshot);
    let path = dir.join("grown.json");
    std::fs::write(&path, serde_json::to_string(&snapshot).unwrap()).unwrap();
    path
}

/// The HTML and JSON reports of `snapshot` with `extra` arguments, the JSON parsed.
fn html_and_json(dir: &Path, snapshot: &Path, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let mut args = vec!["check", "-q", "--snapshot", snapshot.to_str().unwrap()];
    args.extend(["--format", "html", "--format", "json"]);
    args.extend(["--output", dir.to_str().unwrap()]);
    args.extend(extra);
    let output = posture(&args, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = serde_json::from_slice(&std::fs::read(dir.join("posture.json")).unwrap()).unwrap();
    (dir.join("posture.html"), report)
}

#[test]
fn html_report_pages_filters_sorts_and_opens_rows() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = grown_snapshot(dir.path(), 12, |_| {});
    let config = config_file(
        dir.path(),
        r#"
[[waiver]]
rule = "ec2-ebs-volume-unencrypted"
resource = "arn:aws:ec2:us-east-1:210987654321:volume/*"
reason = "Legacy volumes <b>replaced</b> in Q1"
expires = 2099-12-31
"#,
    );
    let (html, report) = html_and_json(dir.path(), &snapshot, &["--config", &config]);
    let findings = report["findings"].as_array().unwrap();
    let listed = |f: &serde_json::Value| f["status"] != "pass";
    let shown = findings.iter().filter(|f| listed(f)).count();
    assert!(shown > 2 * HTML_PAGE, "{shown} findings: not three pages");
    let mut page = Browser::open(&html);

    // The first page of the default view (every finding but the passing ones, the most
    // severe first), each row the finding of the JSON report it names.
    let first = page.table();
    assert_eq!((first.total, first.shown), (findings.len(), shown));
    assert_eq!(first.range, format!("rows 1–200 of {}", thousands(shown)));
    assert_eq!(first.rows.len(), HTML_PAGE);
    let rank = |severity: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|s| *s == severity)
    };
    for (row, next) in first.rows.iter().zip(&first.rows[1..]) {
        assert!(
            rank(&row.severity) >= rank(&next.severity),
            "{row:?} before {next:?}"
        );
    }
    for row in &first.rows {
        let f = &findings[row.i];
        assert_eq!(
            (
                &row.severity[..],
                &row.status[..],
                &row.rule[..],
                &row.resource[..],
                &row.message[..]
            ),
            (
                f["severity"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["rule_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        );
        assert_eq!(row.region, f["region"].as_str().unwrap_or("global"));
        assert!(listed(f));
    }
    let critical = findings
        .iter()
        .filter(|f| listed(f) && f["severity"] == "critical")
        .count();
    assert!(first.rows[..critical.min(HTML_PAGE)]
        .iter()
        .all(|r| r.severity == "critical"));

    // Printing prints the rows of every page, then the page is back.
    page.eval("window.dispatchEvent(new Event('beforeprint'))");
    assert_eq!(page.table().rows.len(), shown);
    page.eval("window.dispatchEvent(new Event('afterprint'))");
    assert_eq!(page.table().rows, first.rows);

    // Pages: the next one holds the next rows, the last one the rest, and the previous one
    // the first rows again.
    page.eval("document.getElementById('next').click()");
    let second = page.table();
    assert_eq!(
        second.range,
        format!("rows 201–400 of {}", thousands(shown))
    );
    assert!(second.hash.contains("page=2"), "{}", second.hash);
    assert_eq!(second.rows.len(), HTML_PAGE);
    let on_first: std::collections::HashSet<usize> = first.rows.iter().map(|r| r.i).collect();
    assert!(second.rows.iter().all(|r| !on_first.contains(&r.i)));
    page.eval("document.getElementById('prev').click()");
    assert_eq!(page.table().rows, first.rows);
    page.eval("location.hash = '#page=999'; new Promise(r => setTimeout(r, 50))");
    let last = page.table();
    let pages = shown.div_ceil(HTML_PAGE);
    assert_eq!(last.rows.len(), shown - (pages - 1) * HTML_PAGE);
    assert_eq!(
        last.range,
        format!(
            "rows {}–{} of {}",
            thousands((pages - 1) * HTML_PAGE + 1),
            thousands(shown),
            thousands(shown)
        )
    );
    assert!(page
        .eval("document.getElementById('next').disabled")
        .as_bool()
        .unwrap());

    // Filters narrow the count to the findings they keep, from the first page.
    let rule = "ec2-ebs-volume-unencrypted";
    let of_rule = findings
        .iter()
        .filter(|f| listed(f) && f["rule_id"] == rule)
        .count();
    assert!(of_rule > 0 && of_rule < shown, "{of_rule}");
    page.eval(&format!(
        "{{ const s = document.getElementById('rule'); s.value = '{rule}'; s.dispatchEvent(new Event('change')); }}"
    ));
    let filtered = page.table();
    assert_eq!(filtered.shown, of_rule);
    assert!(filtered.range.starts_with("rows 1–"), "{}", filtered.range);
    assert!(filtered.rows.iter().all(|r| r.rule == rule));
    page.eval(SHOW_PASSING);
    let with_passes = findings.iter().filter(|f| f["rule_id"] == rule).count();
    assert!(with_passes > of_rule);
    assert_eq!(page.table().shown, with_passes);
    page.eval("document.getElementById('reset').click()");
    assert_eq!(page.table().shown, shown);
    // Search: a resource's copy number is in its name and message only.
    let needle = "-3";
    page.search(needle);
    let searched = page.table();
    let expected = findings
        .iter()
        .filter(|f| listed(f))
        .filter(|f| {
            [&f["resource"], &f["message"]]
                .iter()
                .any(|v| v.as_str().unwrap().to_lowercase().contains(needle))
        })
        .count();
    assert!(expected > 0 && expected < shown, "{expected}");
    assert_eq!(searched.shown, expected);
    page.search("");
    assert_eq!(page.table().shown, shown);

    // Sorting by resource: ascending over every page, then descending.
    let mut resources: Vec<String> = findings
        .iter()
        .filter(|f| listed(f))
        .map(|f| f["resource"].as_str().unwrap().to_lowercase())
        .collect();
    resources.sort();
    page.eval("document.querySelector('button.sort[data-key=resource]').click()");
    let ascending = page.table();
    assert!(
        ascending.hash.contains("sort=resource&dir=asc"),
        "{}",
        ascending.hash
    );
    let seen: Vec<String> = ascending
        .rows
        .iter()
        .map(|r| r.resource.to_lowercase())
        .collect();
    assert_eq!(seen, resources[..HTML_PAGE]);
    page.eval("document.getElementById('next').click()");
    let seen: Vec<String> = page
        .table()
        .rows
        .iter()
        .map(|r| r.resource.to_lowercase())
        .collect();
    assert_eq!(seen, resources[HTML_PAGE..2 * HTML_PAGE]);
    page.eval("document.querySelector('button.sort[data-key=resource]').click()");
    let descending = page.table();
    assert_eq!(
        descending.range,
        format!("rows 1–200 of {}", thousands(shown))
    );
    assert_eq!(
        descending.rows[0].resource.to_lowercase(),
        *resources.last().unwrap()
    );

    // Opening a row shows its evidence, as the JSON report has it, and its rule's advice;
    // opening it again closes it.
    let opened = descending
        .rows
        .iter()
        .find(|r| {
            findings[r.i]["evidence"].is_object() && findings[r.i]["evidence"]["gap"].is_null()
        })
        .unwrap();
    page.eval(&format!(
        "document.querySelector('#rows tr.f[data-i=\"{}\"]').click()",
        opened.i
    ));
    let detail = page.eval(&format!(
        "(() => {{ const d = document.querySelector('#rows tr.f[data-i=\"{}\"]').nextElementSibling;\
          return d && d.classList.contains('d') ? {{evidence: d.querySelector('pre').textContent,\
          text: d.textContent}} : null; }})()",
        opened.i
    ));
    assert_eq!(
        detail["evidence"],
        serde_json::to_string_pretty(&findings[opened.i]["evidence"]).unwrap()
    );
    let text = detail["text"].as_str().unwrap();
    assert!(
        text.contains("Why it matters") && text.contains("How to fix"),
        "{text}"
    );
    page.eval(&format!(
        "document.querySelector('#rows tr.f[data-i=\"{}\"]').click()",
        opened.i
    ));
    assert_eq!(
        page.eval("document.querySelectorAll('#rows tr.d').length"),
        0
    );

    // A waived finding says why, and until when.
    page.eval("location.hash = '#st=waived'; new Promise(r => setTimeout(r, 50))");
    let waived = page.table();
    let expected = findings.iter().filter(|f| f["status"] == "waived").count();
    assert!(expected > 0);
    assert_eq!(waived.shown, expected);
    let i = waived.rows[0].i;
    let text = page.eval(&format!(
        "(() => {{ const r = document.querySelector('#rows tr.f[data-i=\"{i}\"]'); r.click();\
          return r.nextElementSibling.textContent; }})()"
    ));
    assert!(
        text.as_str()
            .unwrap()
            .contains("Waived until 2099-12-31: Legacy volumes <b>replaced</b> in Q1"),
        "{text}"
    );
}

#[test]
fn html_report_data_cannot_break_out_of_its_element() {
    // A bucket's name reaches its findings' resources and messages.
    const HOSTILE: &str = "x</script><script>document.body.setAttribute('data-pwned','1')</script>\
                           <!--<script>\u{2028}\u{2029}</SCRIPT >&amp;\\u003c";
    let dir = tempfile::tempdir().unwrap();
    let snapshot = grown_snapshot(dir.path(), 1, |s| {
        let bucket = &mut s["s3"]["buckets"]["collected"][0];
        bucket["name"] = HOSTILE.into();
        bucket["arn"] = format!("arn:aws:s3:::{HOSTILE}").into();
        // An inline policy's statement, which its finding quotes in its evidence.
        let users = &mut s["iam"]["authorization_details"]["collected"]["users"];
        let user = users
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|u| u["name"] == "tom.contractor")
            .unwrap();
        user["inline_policies"][0]["document"] = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": {"Sid": HOSTILE, "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        })
        .to_string()
        .into();
    });
    let (html, report) = html_and_json(dir.path(), &snapshot, &[]);
    let findings = report["findings"].as_array().unwrap();
    let hostile: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i]["resource"].as_str().unwrap().contains(HOSTILE))
        .collect();
    assert!(!hostile.is_empty());

    // In the file, every data block is one element of JSON with no `<` and no line
    // separator in it, and there is no other script but the page's own.
    let text = std::fs::read_to_string(&html).unwrap();
    let mut blocks = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<script") {
        let open_end = start + rest[start..].find('>').unwrap() + 1;
        let close = open_end + rest[open_end..].find("</script>").unwrap();
        let tag = &rest[start..open_end];
        let content = &rest[open_end..close];
        if tag.contains("type=\"application/json\"") {
            assert!(
                !content.contains(['<', '\u{2028}', '\u{2029}']),
                "{tag}: {}",
                &content[..content.len().min(300)]
            );
            serde_json::from_str::<serde_json::Value>(content).unwrap();
            blocks += 1;
        } else {
            assert_eq!(tag, "<script>", "a script that is not the page's");
            assert!(!content.contains("data-pwned"));
        }
        rest = &rest[close + "</script>".len()..];
    }
    assert_eq!(text.matches("<script").count(), blocks + 1);
    assert!(blocks >= 3, "{blocks}");

    // In the browser: every finding is there, the hostile text is text, and nothing ran.
    let mut page = Browser::open(&html);
    let table = page.table();
    assert_eq!(table.total, findings.len());
    assert!(!table.pwned, "an injected script ran");
    page.eval(SHOW_PASSING);
    page.search("data-pwned");
    let searched = page.table();
    assert!(!searched.pwned);
    let expected: std::collections::HashSet<usize> = (0..findings.len())
        .filter(|&i| {
            [&findings[i]["resource"], &findings[i]["message"]]
                .iter()
                .any(|v| v.as_str().unwrap().contains("data-pwned"))
        })
        .collect();
    assert_eq!(
        searched
            .rows
            .iter()
            .map(|r| r.i)
            .collect::<std::collections::HashSet<_>>(),
        expected
    );
    assert_eq!(searched.shown, expected.len());
    for row in &searched.rows {
        assert_eq!(row.resource, findings[row.i]["resource"].as_str().unwrap());
        assert_eq!(row.message, findings[row.i]["message"].as_str().unwrap());
    }
    // The policy's finding, opened, shows the statement with the text as it is.
    let i = (0..findings.len())
        .find(|&i| findings[i]["evidence"].to_string().contains("data-pwned"))
        .unwrap();
    page.search("");
    page.eval(&format!(
        "{{ const s = document.getElementById('rule'); s.value = {}; \
            s.dispatchEvent(new Event('change')); }}",
        findings[i]["rule_id"]
    ));
    page.eval(&format!(
        "document.querySelector('#rows tr.f[data-i=\"{i}\"]').click()"
    ));
    let evidence = page.eval(&format!(
        "document.querySelector('#rows tr.f[data-i=\"{i}\"]').nextElementSibling.querySelector('pre').textContent"
    ));
    assert_eq!(
        evidence,
        serde_json::to_string_pretty(&findings[i]["evidence"]).unwrap()
    );
    let quoted = serde_json::to_string(HOSTILE).unwrap();
    assert!(evidence
        .as_str()
        .unwrap()
        .contains(&quoted[1..quoted.len() - 1]));
    assert_eq!(
        page.eval("[document.body.hasAttribute('data-pwned'), document.scripts.length]"),
        serde_json::json!([false, blocks + 1])
    );
}

fn config_file(dir: &Path, text: &str) -> String {
    let path = dir.join("posture.toml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn waivers_apply_in_every_format_and_never_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(
        dir.path(),
        r#"
[[waiver]]
rule = "ec2-ebs-volume-unencrypted"
resource = "arn:aws:ec2:us-east-1:210987654321:volume/*"
reason = "Legacy volumes, replaced in the Q1 migration (JIRA-123)"
expires = 2099-12-31

[[waiver]]
rule = "iam-root-hardware-mfa-missing"
resource = "*"
reason = "Hardware key ordered"
expires = 2020-01-01

[[waiver]]
rule = "ec2-image-public"
resource = "arn:aws:ec2:*:210987654321:image/ami-gone"
reason = "Was public on purpose"
expires = 2099-12-31
"#,
    );
    let run = |format: &str| {
        posture(
            &[
                "check",
                "--snapshot",
                &example_snapshot(),
                "--config",
                &config,
                "--format",
                format,
                "--rule",
                "ec2-ebs-volume-unencrypted",
                "--rule",
                "iam-root-hardware-mfa-missing",
                "--rule",
                "ec2-image-public",
            ],
            &[],
        )
    };
    let output = run("json");
    let report = json_report(&output);
    let volumes: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ec2-ebs-volume-unencrypted" && f["status"] != "pass")
        .collect();
    assert!(!volumes.is_empty());
    for volume in &volumes {
        assert_eq!(volume["status"], "waived", "{volume}");
        assert_eq!(
            volume["waiver"]["reason"],
            "Legacy volumes, replaced in the Q1 migration (JIRA-123)"
        );
        assert_eq!(volume["waiver"]["expires"], "2099-12-31");
    }
    // The expired waiver does not apply; both problems are warned about.
    assert_eq!(
        support::finding(&report, "iam-root-hardware-mfa-missing", ":root")["status"],
        "fail"
    );
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.as_str().unwrap().contains("expired on 2020-01-01")));
    assert!(warnings
        .iter()
        .any(|w| w.as_str().unwrap().contains("matches no finding")));
    assert!(stderr(&output).contains("expired on 2020-01-01"));

    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .count();
    assert_eq!(suppressed, volumes.len());
    for format in ["csv", "html", "junit", "terminal"] {
        let text = String::from_utf8(run(format).stdout).unwrap();
        assert!(
            text.contains("JIRA-123"),
            "{format} keeps the waiver's reason"
        );
    }

    // With every failure waived, the run passes.
    let only_volumes = posture(
        &[
            "check",
            "--snapshot",
            &example_snapshot(),
            "--config",
            &config,
            "--rule",
            "ec2-ebs-volume-unencrypted",
            "--format",
            "json",
            "-q",
        ],
        &[],
    );
    let report = json_report(&only_volumes);
    let failing_elsewhere = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["status"] == "fail");
    assert!(!failing_elsewhere, "{report}");
    assert_eq!(
        only_volumes.status.code(),
        Some(3),
        "waived, but the example scan is incomplete"
    );
}

#[test]
fn waivers_need_a_reason_and_a_date() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        ("[[waiver]]\nrule = \"ec2-image-public\"\nresource = \"*\"\nexpires = 2099-01-01\n", "missing field `reason`"),
        ("[[waiver]]\nrule = \"ec2-image-public\"\nresource = \"*\"\nreason = \"x\"\n", "missing field `expires`"),
        ("[[waiver]]\nrule = \"no-such-rule\"\nresource = \"*\"\nreason = \"x\"\nexpires = 2099-01-01\n", ":1: waiver.rule: unknown rule id"),
        ("\n[[waiver]]\nrule = \"ec2-image-publc\"\nresource = \"*\"\nreason = \"x\"\nexpires = 2099-01-01\n", ":2: waiver.rule: unknown rule id `ec2-image-publc`; did you mean `ec2-image-public`?"),
        ("[[waiver]]\nrule = \"ec2-image-public\"\nresource = \"*\"\nreason = \" \"\nexpires = 2099-01-01\n", ":1: waiver.reason: the waiver for ec2-image-public on * must say why"),
        ("[[waiver]]\nrule = \"ec2-image-public\"\nresource = \"*\"\nreason = \"x\"\nexpires = 2099-01-01\nowner = \"me\"\n", ":6: unknown field `owner`"),
    ] {
        let config = config_file(dir.path(), text);
        let output = posture(&["check", "--snapshot", &example_snapshot(), "--config", &config], &[]);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(stderr(&output).contains(expected), "{text}\n{}", stderr(&output));
    }
}

#[test]
fn diff_reports_new_resolved_and_changed_findings_and_gates_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let report_with = |name: &str, config: &str| {
        let config = config_file(dir.path(), config);
        let path = dir.path().join(name);
        let output = posture(
            &[
                "check",
                "--snapshot",
                &example_snapshot(),
                "--config",
                &config,
                "--format",
                "json",
                "--output",
                path.to_str().unwrap(),
                "-q",
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        path.to_string_lossy().into_owned()
    };
    // Lenient password rules and the vendor account trusted...
    let old = report_with("old.json", "[thresholds]\npassword_min_length = 8\npassword_reuse_prevention = 5\n[accounts]\ntrusted = [\"999988887777\"]\n");
    // ...then the defaults: the password finding appears; trusting the vendor is reverted.
    let new = report_with("new.json", "");

    let output = posture(&["diff", &old, &new, "--format", "json"], &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a new medium finding fails at the default threshold"
    );
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        rules("new_findings"),
        [
            "iam-password-policy-weak",
            "iam-role-cross-account-trust-without-external-id",
            "kms-key-cross-account-access"
        ]
    );
    assert!(rules("resolved").is_empty());
    assert!(!rules("unchanged").is_empty());

    let reverse = posture(&["diff", &new, &old, "--format", "json"], &[]);
    assert_eq!(reverse.status.code(), Some(0), "only resolved findings");
    let reverse: serde_json::Value = serde_json::from_slice(&reverse.stdout).unwrap();
    assert_eq!(reverse["resolved"].as_array().unwrap().len(), 3);

    let gated_high = posture(&["diff", &old, &new, "--fail-on", "critical"], &[]);
    assert_eq!(gated_high.status.code(), Some(0), "no new critical finding");
    let markdown =
        String::from_utf8(posture(&["diff", &old, &new, "--format", "markdown"], &[]).stdout)
            .unwrap();
    assert!(markdown.contains("### New") && markdown.contains("iam-password-policy-weak"));

    let not_a_report = posture(&["diff", &example_snapshot(), &new], &[]);
    assert_eq!(not_a_report.status.code(), Some(2));
    assert!(
        stderr(&not_a_report).contains("not a posture JSON report"),
        "{}",
        stderr(&not_a_report)
    );
}

#[test]
fn several_formats_need_a_directory() {
    let output = posture(
        &[
            "check",
            "--snapshot",
            &example_snapshot(),
            "--format",
            "json",
            "--format",
            "sarif",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--output DIR"));
    let (dir, _) = all_reports();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "posture.csv",
            "posture.html",
            "posture.json",
            "posture.junit.xml",
            "posture.md",
            "posture.ocsf.json",
            "posture.sarif"
        ]
    );
}

/// Every class of hostile text: terminal escapes (screen clear, OSC-8 link, BEL, BS, CR,
/// a C1 CSI, DEL), bidirectional overrides and isolates, a newline that forges a report
/// line, Markdown images, links, emphasis and raw HTML, and XML/HTML markup.
const HOSTILE_SUFFIX: &str = concat!(
    "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x07\x08\r\u{9b}31m\x7f",
    "\u{202e}gpj.exe\u{2066}\u{2069}\u{200f}",
    "\n  FAIL    critical forged-rule  arn:aws:iam::1:root\r\n",
    "![t](https://evil.example/t.png)[x](https://evil.example) *b* _i_ `c` ~s~ # h > q",
    "<img src=x onerror=alert(1)><script>alert(1)</script>|cell|&amp;",
    " http://evil.example/a\\<img src=x onerror=alert(2)> (www.evil.example) ",
    "ops@evil.example mailto:a@evil.example xmpp:a@evil.example/r",
);
/// Spreadsheet formulas, placed where a cell starts.
const FORMULA_PREFIX: &str = "=HYPERLINK(\"https://evil.example\")+";

/// The example with hostile text in every account-supplied string: names, descriptions,
/// paths of ARNs, policy names, tag-like values and gap messages. Names and messages also
/// start with a formula; ARNs and resources keep their shape (the text is appended), so
/// references between them still resolve.
fn everything_hostile(dir: &Path) -> PathBuf {
    fn infect(value: &mut serde_json::Value, key: &str) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    infect(v, k);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| infect(v, key)),
            serde_json::Value::String(text) => match key {
                "name" | "description" | "message" | "user" | "groups" => {
                    *text = format!("{FORMULA_PREFIX}{text}{HOSTILE_SUFFIX}")
                }
                "arn" | "resource" | "caller_arn" | "user_arn" | "grantee_id" => {
                    text.push_str(HOSTILE_SUFFIX)
                }
                _ => {}
            },
            _ => {}
        }
    }
    let mut snapshot = example_value();
    infect(&mut snapshot, "");
    let path = dir.join("everything-hostile.json");
    std::fs::write(&path, serde_json::to_string(&snapshot).unwrap()).unwrap();
    path
}

#[test]
fn account_text_is_inert_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = everything_hostile(dir.path());
    let mut args = vec!["check", "--snapshot", snapshot.to_str().unwrap(), "-v"];
    args.extend(["--format", "terminal"]);
    for format in ALL_FORMATS {
        args.extend(["--format", format]);
    }
    args.extend(["--output", dir.path().to_str().unwrap()]);
    let output = posture(&args, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();

    // JSON keeps the text exactly (it is data); the hostile values did reach the reports.
    let report: serde_json::Value = serde_json::from_str(&read("posture.json")).unwrap();
    assert!(read("posture.json").contains(r"\u001b[2J"));
    assert!(report["findings"].as_array().unwrap().len() > 20);

    // Terminal: nothing but newlines below U+0020, no DEL, C1 or bidi control, and no
    // line that the account wrote.
    let terminal = String::from_utf8(output.stdout.clone()).unwrap();
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
            )
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    assert!(terminal.contains(r"\x1b[2J"), "the text is shown, escaped");
    assert_eq!(terminal.chars().find(|c| unsafe_char(*c)), None);
    assert!(!terminal.lines().any(|l| l
        .trim_start()
        .to_lowercase()
        .starts_with("fail    critical forged")));
    let stderr_text = stderr(&output);
    assert_eq!(
        stderr_text.chars().find(|c| unsafe_char(*c)),
        None,
        "{stderr_text}"
    );

    // Markdown: parsed as CommonMark with GitHub's extensions, the account text makes no
    // link, image, HTML or emphasis, and no table cell beyond the columns.
    let markdown = read("posture.md");
    assert!(
        markdown.contains("evil.example"),
        "the text is shown, escaped"
    );
    assert_eq!(markdown.chars().find(|c| unsafe_char(*c)), None);
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut cells_per_row = Vec::new();
    let mut columns = 0;
    for event in Parser::new_ext(&markdown, Options::all()) {
        match &event {
            // The empty comment that keeps an `@` from starting an e-mail autolink.
            Event::InlineHtml(html) if html.as_ref() == "<!-- -->" => {}
            Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Start(Tag::Emphasis | Tag::Strikethrough | Tag::BlockQuote(_)) => {
                panic!("account text became markup: {event:?}")
            }
            Event::Code(code) => assert!(!code.contains("evil"), "{code}"),
            Event::Start(Tag::Table(alignments)) => columns = alignments.len(),
            Event::Start(Tag::TableRow | Tag::TableHead) => cells_per_row.push((0, columns)),
            Event::Start(Tag::TableCell) => cells_per_row.last_mut().unwrap().0 += 1,
            _ => {}
        }
    }
    assert!(
        cells_per_row
            .iter()
            .all(|&(cells, columns)| cells == columns),
        "{cells_per_row:?}"
    );

    // GitHub renders Markdown with cmark-gfm and its autolink extension: rendered by it
    // (raw HTML let through, to show any that escaped), the account text makes no link
    // and no tag that the example's own report does not have.
    let gfm = |path: &Path| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/gfm.py");
        let python = tool("POSTURE_PYTHON", "the test venv's Python with cmarkgfm");
        let output = Command::new(python).arg(script).arg(path).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let html = String::from_utf8(output.stdout).unwrap();
        // Each tag's inside: its name and attributes (text has no raw `<`).
        let tags: Vec<String> = html
            .split('<')
            .skip(1)
            .map(|t| t[..t.find('>').unwrap_or(t.len())].to_string())
            .collect();
        (html, tags)
    };
    let name = |tag: &str| tag.split_whitespace().next().unwrap_or("").to_string();
    let (clean_dir, _) = all_reports();
    let (_, own_tags) = gfm(&clean_dir.path().join("posture.md"));
    let own_names: std::collections::BTreeSet<String> = own_tags.iter().map(|t| name(t)).collect();
    assert!(!own_names.contains("a") && !own_names.contains("img"));
    let (html, tags) = gfm(&dir.path().join("posture.md"));
    assert!(html.contains("evil.example"), "the text is shown");
    for tag in &tags {
        let allowed = own_names.contains(&name(tag)) || tag == "!-- --";
        assert!(allowed, "account text became <{tag}>");
        assert!(!tag.contains("on") || !tag.contains('='), "<{tag}>");
    }

    // CSV: no cell a spreadsheet would evaluate, and the formula is still there as text.
    let csv = read("posture.csv");
    assert!(csv.contains("'=HYPERLINK"));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell: {cell:?}"
            );
        }
    }

    // HTML and XML: markup from the account stays text; in the HTML report's findings
    // data, `<` is an escape of JSON's.
    assert!(read("posture.html").contains("\\u003cimg src=x"));
    for name in ["posture.html", "posture.junit.xml"] {
        let text = read(name);
        assert!(text.contains("&lt;img src=x"), "{name}");
        assert!(
            !text.contains("<img src=x") && !text.contains("<script>alert"),
            "{name}"
        );
        assert!(
            !text.contains('\x1b'),
            "{name}: XML cannot carry C0 controls"
        );
    }
}

/// The example snapshot changed by `change`, evaluated to a JSON report with `extra` args.
fn report_of(
    dir: &Path,
    name: &str,
    change: impl Fn(&mut serde_json::Value),
    extra: &[&str],
) -> String {
    let mut snapshot = example_value();
    change(&mut snapshot);
    let snapshot_path = dir.join(format!("{name}.snapshot.json"));
    std::fs::write(&snapshot_path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    let report = dir.join(format!("{name}.json"));
    let args = [
        &["check", "-q", "--snapshot", snapshot_path.to_str().unwrap()][..],
        &["--format", "json", "-o", report.to_str().unwrap()],
        extra,
    ]
    .concat();
    let output = posture(&args, &[]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    report.to_string_lossy().into_owned()
}

#[test]
fn diff_compares_like_with_like() {
    let dir = tempfile::tempdir().unwrap();
    let full = report_of(dir.path(), "full", |_| {}, &[]);
    // Another account: an error unless asked for.
    let other = report_of(
        dir.path(),
        "other",
        |s| s["account"]["id"] = "999999999999".into(),
        &[],
    );
    let refused = posture(&["diff", &full, &other], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("--allow-account-change"), "{message}");
    let allowed = posture(&["diff", &full, &other, "--allow-account-change"], &[]);
    let code = allowed.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{code:?}: {}",
        stderr(&allowed)
    );

    // One region fewer and one rule only: what the new report did not cover is not
    // resolved, it is not comparable.
    let dropped = "eu-central-1";
    let narrower = report_of(
        dir.path(),
        "narrower",
        |s| {
            s["regions"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r != dropped);
            s["ec2"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r["region"] != dropped);
        },
        &["--duty", "network-configuration"],
    );
    let output = posture(&["diff", &full, &narrower, "--format", "json"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diff["resolved"], serde_json::json!([]), "nothing was fixed");
    let not_comparable = diff["not_comparable"].as_array().unwrap();
    assert!(not_comparable.iter().any(|f| f["region"] == dropped));
    assert!(not_comparable
        .iter()
        .any(|f| f["duty"] == "identity-and-access-management"));
    let differences = diff["scope_differences"].to_string();
    assert!(
        differences.contains("regions only in the old report: eu-central-1"),
        "{differences}"
    );
    assert!(!diff["unchanged"].as_array().unwrap().is_empty());
    let terminal = String::from_utf8(posture(&["diff", &full, &narrower], &[]).stdout).unwrap();
    assert!(terminal.contains("not comparable"), "{terminal}");
}
