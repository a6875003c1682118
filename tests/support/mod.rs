//! Helpers shared by the integration tests: a moto server on a free loopback port, SDK
//! clients pointed at it, and running the real `posture` binary.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region};

pub const ACCOUNT_ID: &str = "123456789012";

/// The moto server (live-account emulator), killed when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

fn moto_binary() -> PathBuf {
    match std::env::var_os("POSTURE_MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("no free loopback port")
}

/// A client of one service pointed at this server with the test credentials: a regional
/// one (`fn ec2(&self, region)`), or a global one in us-east-1 (`fn account(&self)`).
macro_rules! moto_clients {
    ($($name:ident: $sdk:ident;)*) => {$(
        pub fn $name(&self, region: &str) -> $sdk::Client {
            $sdk::Client::from_conf(
                $sdk::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new(region.to_string()))
                    .endpoint_url(self.endpoint())
                    .credentials_provider(test_credentials())
                    .build(),
            )
        }
    )*};
    (global $($name:ident: $sdk:ident;)*) => {$(
        pub fn $name(&self) -> $sdk::Client {
            $sdk::Client::from_conf(
                $sdk::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new("us-east-1"))
                    .endpoint_url(self.endpoint())
                    .credentials_provider(test_credentials())
                    .build(),
            )
        }
    )*};
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto with extra environment (e.g. `INITIAL_NO_AUTH_ACTION_COUNT`). Fails the
    /// test, saying how to install moto, if it cannot start.
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let binary = moto_binary();
        assert!(
            binary.exists(),
            "moto_server not found at {}. The live-account tests need it: run `scripts/test` \
             (it installs moto[server]==5.2.5 into .venv), or set POSTURE_MOTO_SERVER to a \
             moto_server binary.",
            binary.display()
        );
        let port = free_port();
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("cannot create the moto log file");
        let mut command = Command::new(&binary);
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // moto's ~1300 built-in AMIs come with snapshots "owned" by the test account;
            // a real account has only its own.
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log file handle"))
            .stderr(log_file);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Moto { child, port, log };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "moto_server exited ({status}) before listening on port {port}:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment that points the posture binary at this server.
    pub fn posture_env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.endpoint()),
            // s3control prefixes the host with the account id: `123456789012.localhost`
            // resolves to loopback through /etc/hosts (scripts/test adds it).
            (
                "AWS_ENDPOINT_URL_S3_CONTROL".into(),
                format!("http://localhost:{}", self.port),
            ),
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
        ]
    }

    moto_clients! {
        ec2: aws_sdk_ec2;
        cloudtrail: aws_sdk_cloudtrail;
        kms: aws_sdk_kms;
        efs: aws_sdk_efs;
        config: aws_sdk_config;
        rds: aws_sdk_rds;
        ssm: aws_sdk_ssm;
        logs: aws_sdk_cloudwatchlogs;
    }

    moto_clients! {
        global
        account: aws_sdk_account;
        organizations: aws_sdk_organizations;
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.to_string()))
                .endpoint_url(self.endpoint())
                .credentials_provider(test_credentials())
                .force_path_style(true)
                .build(),
        )
    }

    /// s3control puts the account id in front of the host, so this uses `localhost`
    /// (`123456789012.localhost` resolves through /etc/hosts; scripts/test adds it).
    pub fn s3control(&self) -> aws_sdk_s3control::Client {
        aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(format!("http://localhost:{}", self.port))
                .credentials_provider(test_credentials())
                .build(),
        )
    }

    /// Credentials acting in another account: moto answers an assumed role of any account
    /// with credentials for that account (the role need not exist).
    async fn credentials_in(&self, account: &str) -> Credentials {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(self.endpoint())
                .credentials_provider(test_credentials())
                .build(),
        );
        let assumed = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/test-setup"))
            .role_session_name("setup")
            .send()
            .await
            .unwrap();
        let c = assumed.credentials.unwrap();
        Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            None,
            "posture-tests-member",
        )
    }

    /// An EC2 client acting in another account.
    pub async fn ec2_in(&self, account: &str, region: &str) -> aws_sdk_ec2::Client {
        let credentials = self.credentials_in(account).await;
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.to_string()))
                .endpoint_url(self.endpoint())
                .credentials_provider(credentials)
                .build(),
        )
    }

    /// An IAM client acting in another account.
    pub async fn iam_in(&self, account: &str) -> aws_sdk_iam::Client {
        let credentials = self.credentials_in(account).await;
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(self.endpoint())
                .credentials_provider(credentials)
                .build(),
        )
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .endpoint_url(self.endpoint())
                .credentials_provider(test_credentials())
                .build(),
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn test_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "posture-tests")
}

/// Runs the real `posture` binary with a clean environment: no user AWS config, no
/// instance metadata lookups (tests send traffic to loopback only).
pub fn posture(args: &[&str], env: &[(String, String)]) -> Output {
    let home = tempfile::tempdir().expect("temporary HOME");
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("cannot run the posture binary")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses the JSON report on stdout, failing with stderr if it is not one.
pub fn json_report(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "posture did not print a JSON report ({e}); exit {:?}; stderr:\n{}",
            output.status.code(),
            stderr(output)
        )
    })
}

/// The finding of `rule` whose resource ends with `resource_suffix`.
pub fn finding<'a>(
    report: &'a serde_json::Value,
    rule: &str,
    resource_suffix: &str,
) -> &'a serde_json::Value {
    let findings = report["findings"].as_array().expect("findings array");
    let matching: Vec<_> = findings
        .iter()
        .filter(|f| {
            f["rule_id"] == rule
                && f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(resource_suffix))
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {rule} finding for …{resource_suffix}, found {}: {matching:#?}",
        matching.len()
    );
    matching[0]
}

/// An external validator the report tests run, from the environment `scripts/test` sets.
/// Fails the test, saying how to get it, when it is not there.
pub fn tool(env_var: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(env_var).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{env_var} is not set: run the tests with `scripts/test`, which installs {what} and sets it")
    });
    let found = path.is_file() || Command::new(&path).arg("--version").output().is_ok();
    assert!(
        found,
        "{what} not found at {} ({env_var}); run `scripts/test` to install it",
        path.display()
    );
    path
}

/// The shipped example snapshot.
pub fn example_snapshot() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/demo-account.json")
        .to_string_lossy()
        .into_owned()
}

/// The example snapshot as a JSON tree, to change before writing it back.
pub fn example_value() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(example_snapshot()).unwrap()).unwrap()
}

/// Writes a snapshot (or report) tree as `dir/name`.
pub fn write_snapshot(dir: &Path, name: &str, snapshot: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(snapshot).unwrap()).unwrap();
    path
}

/// The example with its security groups and volumes copied `copies` times under new ids:
/// many findings of a few rules.
pub fn with_copied_groups_and_volumes(copies: usize) -> serde_json::Value {
    let mut snapshot = example_value();
    for region in snapshot["ec2"].as_array_mut().unwrap() {
        for field in ["security_groups", "volumes"] {
            let items = region[field]["collected"].as_array_mut().unwrap();
            let originals = items.clone();
            for copy in 1..copies {
                for item in &originals {
                    let mut item = item.clone();
                    item["id"] = format!("{}-{copy}", item["id"].as_str().unwrap()).into();
                    items.push(item);
                }
            }
        }
    }
    snapshot
}

/// The fault-injecting proxy (`fault_proxy.py`) in front of a moto server, killed when
/// dropped. Its options are those of the script (`--throttle 0.2`, `--hang OP`...).
pub struct FaultProxy {
    child: Child,
    pub port: u16,
    faults: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FaultProxy {
    /// Starts the proxy with moto's Python. Fails the test, saying why, if it cannot.
    pub fn start(moto: &Moto, options: &[&str]) -> FaultProxy {
        use std::io::BufRead;
        let python = std::env::var_os("POSTURE_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fault_proxy.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--upstream", &moto.endpoint()])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the fault proxy with {}: {e}; run `scripts/test`",
                    python.display()
                )
            });
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let port = first
            .strip_prefix("listening ")
            .and_then(|port| port.trim().parse().ok())
            .unwrap_or_else(|| panic!("the fault proxy did not start: it printed {first:?}"));
        let faults = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = faults.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().expect("fault log lock").push(line);
            }
        });
        FaultProxy {
            child,
            port,
            faults,
        }
    }

    /// The environment that points the posture binary at the proxy.
    pub fn posture_env(&self) -> Vec<(String, String)> {
        let direct = format!("http://127.0.0.1:{}", self.port);
        let s3control = format!("http://localhost:{}", self.port);
        let mut env = vec![
            ("AWS_ENDPOINT_URL".into(), direct),
            ("AWS_ENDPOINT_URL_S3_CONTROL".into(), s3control),
        ];
        env.extend(
            [
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_REGION", "us-east-1"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        env
    }

    /// The operations forwarded so far (with `--log-calls`): `Action=` names, or the method
    /// and first query key of REST calls (`GET?policy`).
    pub fn calls(&self) -> Vec<String> {
        let faults = self.faults.lock().expect("fault log lock");
        faults
            .iter()
            .filter_map(|line| line.strip_prefix("call "))
            .filter_map(|rest| rest.split(' ').nth(2).map(str::to_string))
            .collect()
    }

    /// How many faults of this kind (`throttle`, `error`, `drop`, `deny`, `hang`,
    /// `unreachable`) the proxy injected so far.
    pub fn injected(&self, kind: &str) -> usize {
        let prefix = format!("fault {kind} ");
        let faults = self.faults.lock().expect("fault log lock");
        faults
            .iter()
            .filter(|line| line.starts_with(&prefix))
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a gap is one of moto 5.2.5's deviations from AWS that no test setup avoids: its
/// GetBucketVersioning answer the SDK rejects, and the APIs it does not implement, which it
/// answers with an HTML page or an empty body: IAM Access Analyzer, Systems Manager's
/// managed nodes, and IAM's organization features; and CloudWatch's alarms, which the SDK
/// asks for in the CBOR protocol moto does not speak.
pub fn moto_deviation(gap: &serde_json::Value) -> bool {
    let unrecognized = gap["error_code"] == "UnrecognizedResponse";
    let html_for_json = gap["error_code"] == "ResponseError";
    let unemulated_ssm =
        gap["service"] == "ssm" && gap["operation"] == "DescribeInstanceInformation";
    (unrecognized
        && (gap["operation"] == "GetBucketVersioning" || gap["service"] == "access-analyzer"))
        || (html_for_json && unemulated_ssm)
        || (unrecognized && gap["operation"] == "ListOrganizationsFeatures")
        || (unrecognized && gap["service"] == "cloudwatch" && gap["operation"] == "DescribeAlarms")
}
