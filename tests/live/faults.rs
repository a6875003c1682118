//! posture under faults: the account of `populate` read through `fault_proxy.py`, which
//! throttles, fails, drops, delays, denies, cuts off a region and never answers one call,
//! compared with a clean read of the same account.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::scan::populate;
use crate::support::{json_report, posture, stderr, FaultProxy, Moto};

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

/// (rule, region, resource) → status.
type Statuses = BTreeMap<(String, String, String), String>;

fn statuses(report: &serde_json::Value) -> Statuses {
    let text = |value: &serde_json::Value| value.as_str().unwrap_or("").to_string();
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let key = (
                text(&f["rule_id"]),
                text(&f["region"]),
                text(&f["resource"]),
            );
            (key, text(&f["status"]))
        })
        .collect()
}

/// moto does not implement IAM Access Analyzer or Systems Manager's managed nodes: its
/// answers are not AWS's, so the faults of these tests are judged on the services it does
/// emulate.
const WITHOUT_UNEMULATED: [&str; 8] = [
    "--exclude-rule",
    "iam-access-analyzer-disabled",
    "--exclude-rule",
    "ec2-instance-not-managed-by-ssm",
    "--exclude-rule",
    "ec2-instance-patches-missing",
    "--exclude-rule",
    "ec2-instance-ssm-agent-not-reporting",
];

fn check(env: &[(String, String)], extra: &[&str]) -> (serde_json::Value, std::process::Output) {
    let args = [
        &["check", "--format", "json"][..],
        &REGIONS,
        &WITHOUT_UNEMULATED,
        extra,
    ]
    .concat();
    let output = posture(&args, env);
    (json_report(&output), output)
}

/// Faults are drawn per request and attempt, not by arrival order, and only on a request's
/// first two attempts: its third goes through, within the SDK's eight attempts and the
/// operation deadline sized for three (`src/collect/sdk.rs`), so no run loses a request to
/// bad luck.
#[tokio::test(flavor = "multi_thread")]
async fn transient_faults_are_retried_and_change_no_finding() {
    let moto = Moto::start();
    populate(&moto).await;
    let (clean, _) = check(&moto.posture_env(), &[]);

    let options = [
        "--seed",
        "7",
        "--throttle",
        "0.2",
        "--error",
        "0.05",
        "--drop",
        "0.05",
        "--delay-ms",
        "50",
        "--faulted-attempts",
        "2",
    ];
    let proxy = FaultProxy::start(&moto, &options);
    let (faulty, output) = check(&proxy.posture_env(), &["--call-timeout", "5"]);

    for kind in ["throttle", "error", "drop"] {
        assert!(proxy.injected(kind) > 0, "the proxy injected no {kind}");
    }
    assert_eq!(statuses(&faulty), statuses(&clean), "{}", stderr(&output));
    assert_eq!(
        faulty["gaps"], clean["gaps"],
        "retries absorb transient faults"
    );
    let retries = faulty["requests"]["retries"].as_u64().expect("retry count");
    let injected = proxy.injected("throttle") + proxy.injected("error") + proxy.injected("drop");
    // Every injected fault was retried and counted; a connection the operating system
    // drops on its own would add a retry the proxy did not inject, hence the slack.
    let injected = injected as u64;
    assert!(
        (injected..=injected + 3).contains(&retries),
        "{retries} retries for {injected} injected faults"
    );
    assert_eq!(clean["requests"]["retries"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn lasting_faults_turn_findings_unknown_never_pass() {
    let moto = Moto::start();
    populate(&moto).await;
    let (clean, _) = check(&moto.posture_env(), &[]);

    let options = [
        "--seed",
        "11",
        "--throttle",
        "0.1",
        "--deny",
        "DescribeFlowLogs",
        "--unreachable",
        "eu-west-1",
        "--hang",
        "ListServerCertificates",
    ];
    let proxy = FaultProxy::start(&moto, &options);
    let started = Instant::now();
    let (faulty, output) = check(&proxy.posture_env(), &["--call-timeout", "1"]);
    let took = started.elapsed();

    // Failing findings (1) outrank an incomplete scan (3); either way, never 0.
    let code = output.status.code();
    assert!(matches!(code, Some(1 | 3)), "{code:?}: {}", stderr(&output));
    assert_eq!(faulty["complete"], false);
    // The never-answered call became a gap within its deadline (1 s per attempt, three
    // attempts and two backoffs of at most 3 s), and the scan went on.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    let gap_codes: Vec<(String, String)> = faulty["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let text = |key: &str| g[key].as_str().unwrap_or("").to_string();
            (text("operation"), text("error_code"))
        })
        .collect();
    for expected in [
        ("ListServerCertificates", "Timeout"),
        ("DescribeFlowLogs", "UnauthorizedOperation"),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string());
        assert!(
            gap_codes.contains(&expected),
            "{expected:?} in {gap_codes:?}"
        );
    }
    let eu_gaps = faulty["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["region"] == "eu-west-1" && g["error_code"] == "DispatchFailure")
        .count();
    assert!(
        eu_gaps >= 10,
        "every eu-west-1 call is a gap: {gap_codes:?}"
    );

    let (clean, faulty) = (statuses(&clean), statuses(&faulty));
    let mut went_unknown = 0;
    for (key, status) in &faulty {
        match clean.get(key) {
            Some(before) if before == status => {}
            _ => {
                assert_eq!(
                    status,
                    "unknown",
                    "{key:?}: {:?} → {status}",
                    clean.get(key)
                );
                went_unknown += 1;
            }
        }
    }
    // A finding that disappeared is covered by an unknown of its rule.
    for (key, before) in &clean {
        if !faulty.contains_key(key) {
            let covered = faulty
                .iter()
                .any(|(k, status)| k.0 == key.0 && status == "unknown");
            assert!(
                covered,
                "{key:?} ({before}) vanished without an unknown of its rule"
            );
        }
    }
    assert!(
        went_unknown >= 5,
        "the faults changed only {went_unknown} findings"
    );
}

/// A loopback port that accepts connections and never answers.
fn silent_endpoint() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback listener");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn a_silent_endpoint_fails_the_run_within_the_first_calls_deadline() {
    let port = silent_endpoint();
    let env: Vec<(String, String)> = [
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_REGION", "us-east-1".into()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let started = Instant::now();
    let output = posture(&["check", "--call-timeout", "1"], &env);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("timed out") || message.contains("timeout"),
        "{message}"
    );
    // The first call's deadline is one attempt plus 5 s; the bound leaves room for a slow
    // machine, not for a hang.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn an_interrupt_exits_130_and_leaves_no_file_behind() {
    let port = silent_endpoint();
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["collect", "-o"])
        .arg(dir.path().join("snapshot.json"))
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("interrupted"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
