//! A whole scan of a small account (`populate`: a bad and a good resource for a few rules,
//! in two regions): its regions, its findings live and from a saved snapshot, a failed call
//! as a gap, the reads of a run of a few rules, and the errors that stop a run.

use aws_sdk_ec2::types::HttpTokensState;
use aws_sdk_s3::types::BucketCannedAcl;

use crate::support::{self, finding, json_report, posture, stderr, Moto};
use crate::{
    authorize, create_bucket_in, gaps_besides_moto_versioning, instance, security_group, status,
    volume,
};

const TLS_DENY_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::posture-private-eu", "arn:aws:s3:::posture-private-eu/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}"#;

/// Ids of what `populate` created, to look the findings up by.
pub struct Account {
    open_ssh_group: String,
    office_ssh_group: String,
    open_rdp_group_eu: String,
    imdsv1_instance: String,
    imdsv2_instance: String,
    plain_volume: String,
    encrypted_volume: String,
    plain_volume_eu: String,
}

/// A synthetic account: a bad and a good resource for each rule, across two regions.
pub async fn populate(moto: &Moto) -> Account {
    // S3: a bucket public through its ACL (us-east-1), a private one enforcing TLS (eu-west-1).
    let s3 = create_bucket_in(moto, "us-east-1", "posture-public-acl").await;
    s3.put_bucket_acl()
        .bucket("posture-public-acl")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let s3_eu = create_bucket_in(moto, "eu-west-1", "posture-private-eu").await;
    s3_eu
        .put_bucket_policy()
        .bucket("posture-private-eu")
        .policy(TLS_DENY_POLICY)
        .send()
        .await
        .unwrap();

    // IAM: a password policy below the CIS minimums.
    moto.iam()
        .update_account_password_policy()
        .minimum_password_length(8)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();

    // EC2 us-east-1.
    let ec2 = moto.ec2("us-east-1");
    let open_ssh_group = security_group(&ec2, "open-ssh").await;
    authorize(
        &ec2,
        &open_ssh_group,
        "tcp",
        22,
        22,
        Some("0.0.0.0/0"),
        None,
    )
    .await;
    let office_ssh_group = security_group(&ec2, "office-ssh").await;
    authorize(
        &ec2,
        &office_ssh_group,
        "tcp",
        22,
        22,
        Some("203.0.113.7/32"),
        None,
    )
    .await;

    let imdsv1_instance = instance(&ec2, HttpTokensState::Optional, &open_ssh_group).await;
    let imdsv2_instance = instance(&ec2, HttpTokensState::Required, &office_ssh_group).await;
    let plain_volume = volume(&ec2, "us-east-1a", false).await;
    let encrypted_volume = volume(&ec2, "us-east-1a", true).await;

    // EC2 eu-west-1: found only if the second region is scanned.
    let ec2_eu = moto.ec2("eu-west-1");
    let open_rdp_group_eu = security_group(&ec2_eu, "open-rdp-v6").await;
    authorize(
        &ec2_eu,
        &open_rdp_group_eu,
        "tcp",
        3380,
        3390,
        None,
        Some("::/0"),
    )
    .await;
    let plain_volume_eu = volume(&ec2_eu, "eu-west-1a", false).await;

    Account {
        open_ssh_group,
        office_ssh_group,
        open_rdp_group_eu,
        imdsv1_instance,
        imdsv2_instance,
        plain_volume,
        encrypted_volume,
        plain_volume_eu,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_misconfigured_resources_in_every_region_and_passes_good_ones() {
    let moto = Moto::start();
    let account = populate(&moto).await;
    let env = moto.posture_env();
    let output = posture(
        &[
            "check",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--format",
            "json",
        ],
        &env,
    );
    let report = json_report(&output);
    assert_eq!(report["schema"], "posture.report/v1");
    assert_eq!(report["account"]["id"], support::ACCOUNT_ID);
    assert_eq!(
        report["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );
    assert_eq!(
        gaps_besides_moto_versioning(&report),
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&output)
    );
    // The only unknowns come from moto's deviations: its versioning answer, a credential
    // report without the root user's line, and IAM Access Analyzer and Systems Manager's
    // managed nodes, which it lacks.
    for unknown in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "unknown")
    {
        let from_versioning = unknown["evidence"]["gap"]["operation"] == "GetBucketVersioning";
        let from_root_line = unknown["rule_id"] == "iam-root-used-recently";
        let unimplemented = ["access-analyzer", "ssm"].contains(
            &unknown["evidence"]["gap"]["service"]
                .as_str()
                .unwrap_or_default(),
        );
        assert!(
            from_versioning || from_root_line || unimplemented,
            "{unknown}"
        );
    }
    // Failing findings at or above the default threshold (low) exit 1.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    // Customer data.
    let public = finding(&report, "s3-bucket-public-acl", ":::posture-public-acl");
    assert_eq!(public["status"], "fail");
    assert_eq!(public["region"], "us-east-1");
    assert!(
        public["message"]
            .as_str()
            .unwrap()
            .contains("READ to AllUsers"),
        "{public}"
    );
    assert_eq!(
        status(&report, "s3-bucket-public-acl", ":::posture-private-eu"),
        "pass"
    );
    assert_eq!(
        finding(&report, "s3-bucket-public-acl", ":::posture-private-eu")["region"],
        "eu-west-1"
    );

    // Network traffic protection.
    assert_eq!(
        status(
            &report,
            "s3-bucket-tls-not-enforced",
            ":::posture-public-acl"
        ),
        "fail"
    );
    assert_eq!(
        status(
            &report,
            "s3-bucket-tls-not-enforced",
            ":::posture-private-eu"
        ),
        "pass"
    );

    // Identity & access management.
    let password = finding(&report, "iam-password-policy-weak", ":root");
    assert_eq!(password["status"], "fail");
    let message = password["message"].as_str().unwrap();
    assert!(message.contains("minimum length 8"), "{message}");
    assert!(
        !message.contains("reuse"),
        "reuse prevention 24 meets the bar: {message}"
    );

    // Temporary credentials.
    assert_eq!(
        status(
            &report,
            "ec2-instance-imdsv1-allowed",
            &account.imdsv1_instance
        ),
        "fail"
    );
    assert_eq!(
        status(
            &report,
            "ec2-instance-imdsv1-allowed",
            &account.imdsv2_instance
        ),
        "pass"
    );

    // OS, network & firewall configuration, in both regions.
    let open_ssh = finding(
        &report,
        "ec2-security-group-admin-ports-open",
        &account.open_ssh_group,
    );
    assert_eq!(open_ssh["status"], "fail");
    assert_eq!(
        open_ssh["evidence"]["exposure"]["instances"],
        serde_json::json!([account.imdsv1_instance]),
        "the finding names the instance using the group: {open_ssh}"
    );
    assert_eq!(
        status(
            &report,
            "ec2-security-group-admin-ports-open",
            &account.office_ssh_group
        ),
        "pass"
    );
    let open_rdp = finding(
        &report,
        "ec2-security-group-admin-ports-open",
        &account.open_rdp_group_eu,
    );
    assert_eq!(open_rdp["status"], "fail");
    assert_eq!(open_rdp["region"], "eu-west-1");
    assert_eq!(open_rdp["evidence"]["exposure"]["state"], "unattached");
    assert_eq!(
        open_rdp["severity"], "medium",
        "an unattached open group is latent exposure"
    );

    // Server-side encryption.
    assert_eq!(
        status(&report, "ec2-ebs-volume-unencrypted", &account.plain_volume),
        "fail"
    );
    assert_eq!(
        status(
            &report,
            "ec2-ebs-volume-unencrypted",
            &account.encrypted_volume
        ),
        "pass"
    );
    let eu_volume = finding(
        &report,
        "ec2-ebs-volume-unencrypted",
        &account.plain_volume_eu,
    );
    assert_eq!(eu_volume["status"], "fail");
    assert_eq!(eu_volume["region"], "eu-west-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_snapshot_gives_the_same_findings_as_the_live_check() {
    let moto = Moto::start();
    populate(&moto).await;
    let env = moto.posture_env();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let regions = ["--region", "us-east-1", "--region", "eu-west-1"];

    let live = posture(
        &[&["check", "--format", "json"][..], &regions].concat(),
        &env,
    );
    let collected = posture(
        &[&["collect", "-o", snapshot.to_str().unwrap()][..], &regions].concat(),
        &env,
    );
    // moto's versioning answers are gaps: the snapshot is written, and the run says so.
    assert_eq!(collected.status.code(), Some(3), "{}", stderr(&collected));
    assert!(snapshot.exists());
    let allowed = posture(
        &[
            &[
                "collect",
                "--allow-incomplete",
                "-o",
                snapshot.to_str().unwrap(),
            ][..],
            &regions,
        ]
        .concat(),
        &env,
    );
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    // Offline: no endpoint, no credentials.
    let offline = posture(
        &[
            "check",
            "--format",
            "json",
            "--snapshot",
            snapshot.to_str().unwrap(),
        ],
        &[],
    );

    let (live, offline) = (json_report(&live), json_report(&offline));
    assert!(!live["findings"].as_array().unwrap().is_empty());
    assert_eq!(live["findings"], offline["findings"]);
    assert_eq!(live["summary"], offline["summary"]);

    // `-o -`: the snapshot on standard output, and no file named `-`.
    let args = [&["collect", "-o", "-", "--allow-incomplete"][..], &regions].concat();
    let piped = posture(&args, &env);
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    let piped: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(piped["schema_version"], 2);
    assert!(!std::path::Path::new("-").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn scans_every_enabled_region_when_none_is_given() {
    let moto = Moto::start();
    let account = populate(&moto).await;
    let output = posture(
        &[
            "check",
            "--format",
            "json",
            "--rule",
            "ec2-ebs-volume-unencrypted",
        ],
        &moto.posture_env(),
    );
    let report = json_report(&output);
    let regions: Vec<&str> = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        regions.len() > 2,
        "all enabled regions, not just the default one: {regions:?}"
    );
    assert!(
        regions.contains(&"eu-west-1") && regions.contains(&"us-east-1"),
        "{regions:?}"
    );
    assert_eq!(
        status(
            &report,
            "ec2-ebs-volume-unencrypted",
            &account.plain_volume_eu
        ),
        "fail"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_call_is_a_gap_and_its_rules_report_unknown_not_pass() {
    let moto = Moto::start();
    populate(&moto).await;
    let mut env = moto.posture_env();
    // Nothing listens on port 1: the account-level Block Public Access cannot be read.
    env.retain(|(key, _)| key != "AWS_ENDPOINT_URL_S3_CONTROL");
    env.push((
        "AWS_ENDPOINT_URL_S3_CONTROL".into(),
        "http://127.0.0.1:1".into(),
    ));
    let args = [
        "check",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--rule",
        "s3-bucket-public-acl",
    ];

    let output = posture(&args, &env);
    let report = json_report(&output);
    let gaps = gaps_besides_moto_versioning(&report);
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["service"], "s3control");
    assert_eq!(gaps[0]["operation"], "GetPublicAccessBlock");
    assert_eq!(report["complete"], false);
    // The public bucket's ACL grants are public unless the account ignores them, which
    // could not be read: unknown, never pass and never a guess.
    assert_eq!(
        status(&report, "s3-bucket-public-acl", ":::posture-public-acl"),
        "unknown"
    );
    // A bucket without public grants is decided without the account setting.
    assert_eq!(
        status(&report, "s3-bucket-public-acl", ":::posture-private-eu"),
        "pass"
    );
    assert_eq!(
        output.status.code(),
        Some(3),
        "an incomplete scan does not exit 0: {}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("incomplete"),
        "{}",
        stderr(&output)
    );

    let allowed = posture(&[&args[..], &["--allow-incomplete"]].concat(), &env);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credentials_is_a_fatal_error_with_one_line_cause() {
    let moto = Moto::start();
    let env: Vec<(String, String)> = moto
        .posture_env()
        .into_iter()
        .filter(|(key, _)| !key.starts_with("AWS_ACCESS_KEY") && !key.starts_with("AWS_SECRET"))
        .collect();
    let output = posture(&["check", "--region", "us-east-1"], &env);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("credentials"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_of_a_few_rules_reads_only_what_they_need() {
    let moto = Moto::start();
    populate(&moto).await;
    let run = |extra: &[&str]| {
        let args = [
            &["check", "--format", "json", "--region", "us-east-1"][..],
            extra,
        ]
        .concat();
        let output = posture(&args, &moto.posture_env());
        (json_report(&output), output)
    };
    let (full, _) = run(&[]);
    let (root, output) = run(&["--rule", "iam-root-mfa-disabled"]);
    let attempts = |report: &serde_json::Value| report["requests"]["attempts"].as_u64().unwrap();
    // Caller identity, the region list, the credential report and the account summary.
    assert!(attempts(&root) <= 8, "{} requests", attempts(&root));
    assert!(
        attempts(&full) > 4 * attempts(&root),
        "{} requests in all",
        attempts(&full)
    );
    // moto's unreadable versioning answers are no concern of this rule: nothing was read
    // that it does not need, so the scan is complete.
    assert_eq!(root["gaps"], serde_json::json!([]));
    assert_eq!(root["complete"], true);
    assert_ne!(output.status.code(), Some(3), "{}", stderr(&output));
    // Buckets of other regions are left out, and the report says so.
    let bucket_regions: Vec<&str> = full["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "s3-bucket-versioning-disabled")
        .filter_map(|f| f["region"].as_str())
        .collect();
    assert!(!bucket_regions.is_empty() && bucket_regions.iter().all(|r| *r == "us-east-1"));
    let warnings = full["warnings"].to_string();
    assert!(
        warnings.contains("were left out: eu-west-1 ("),
        "{warnings}"
    );
    let (buckets, _) = run(&["--rule", "s3-bucket-versioning-disabled"]);
    let versioning_gaps = buckets["gaps"].as_array().unwrap().len();
    assert!(
        versioning_gaps > 0,
        "the versioning rule still sees moto's gaps"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_region_is_an_error_naming_the_nearest() {
    let moto = Moto::start();
    let output = posture(&["check", "--region", "us-est-1"], &moto.posture_env());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("unknown region `us-est-1`; did you mean `us-east-1`?"),
        "{message}"
    );
}
