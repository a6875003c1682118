//! KMS against moto: customer keys that rotate or not, one scheduled for deletion, key
//! policies open to everyone or to another account, read by the real binary; and a key
//! policy that cannot be read makes its rules `unknown`.

use aws_sdk_kms::types::{KeySpec, KeyUsageType};

use crate::support::{finding, json_report, posture, stderr, FaultProxy, Moto, ACCOUNT_ID};

fn key_policy(extra: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"kms:*","Resource":"*"}}{extra}]}}"#
    )
}

/// Creates a symmetric customer key with `policy`, and returns its id.
async fn key(kms: &aws_sdk_kms::Client, policy: String) -> String {
    let created = kms
        .create_key()
        .key_spec(KeySpec::SymmetricDefault)
        .key_usage(KeyUsageType::EncryptDecrypt)
        .policy(policy)
        .send()
        .await
        .unwrap();
    created.key_metadata.unwrap().key_id
}

fn check(env: &[(String, String)]) -> serde_json::Value {
    let args = ["check", "--format", "json", "--region", "us-east-1"];
    let output = posture(&args, env);
    assert!(output.status.code().is_some(), "{}", stderr(&output));
    json_report(&output)
}

fn status<'a>(report: &'a serde_json::Value, rule: &str, key: &str) -> &'a str {
    crate::status(report, rule, &format!("key/{key}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_keys_rotation_deletion_and_policies() {
    let moto = Moto::start();
    let kms = moto.kms("us-east-1");
    let rotating = key(&kms, key_policy("")).await;
    kms.enable_key_rotation()
        .key_id(&rotating)
        .send()
        .await
        .unwrap();
    let still = key(&kms, key_policy("")).await;
    let open = key(
        &kms,
        key_policy(r#",{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}"#),
    )
    .await;
    let shared = key(
        &kms,
        key_policy(
            r#",{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}"#,
        ),
    )
    .await;
    let leaving = key(&kms, key_policy("")).await;
    kms.schedule_key_deletion()
        .key_id(&leaving)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();

    let report = check(&moto.posture_env());
    let rotation = "kms-key-rotation-disabled";
    assert_eq!(status(&report, rotation, &rotating), "pass");
    assert_eq!(status(&report, rotation, &still), "fail");
    // A key on its way out is not asked to rotate.
    let leaving_rotation = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rotation)
        .filter(|f| f["resource"].as_str().unwrap().ends_with(&leaving))
        .count();
    assert_eq!(leaving_rotation, 0);
    let deletion = "kms-key-pending-deletion";
    assert_eq!(status(&report, deletion, &leaving), "fail");
    assert_eq!(status(&report, deletion, &still), "pass");
    let public = "kms-key-policy-any-principal";
    assert_eq!(status(&report, public, &open), "fail");
    assert_eq!(status(&report, public, &shared), "pass");
    let cross = "kms-key-cross-account-access";
    assert_eq!(status(&report, cross, &shared), "fail");
    assert_eq!(status(&report, cross, &open), "pass");
    let gaps = report["gaps"].as_array().unwrap();
    assert!(gaps.iter().all(|g| g["service"] != "kms"), "{gaps:?}");

    // Key policies that cannot be read: nothing is judged on them.
    let proxy = FaultProxy::start(&moto, &["--deny", "GetKeyPolicy"]);
    let denied = check(&proxy.posture_env());
    assert_eq!(status(&denied, public, &open), "unknown");
    assert_eq!(status(&denied, cross, &shared), "unknown");
    assert_eq!(status(&denied, rotation, &still), "fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn efs_file_systems_encrypted_or_not() {
    let moto = Moto::start();
    let efs = moto.efs("us-east-1");
    let created = |token: &'static str, encrypted: bool| {
        let efs = efs.clone();
        async move {
            efs.create_file_system()
                .creation_token(token)
                .encrypted(encrypted)
                .send()
                .await
                .unwrap()
                .file_system_id
        }
    };
    let sealed = created("sealed", true).await;
    let open = created("open", false).await;
    let args = [
        "check",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--rule",
        "efs-file-system-unencrypted",
    ];
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    let rule = "efs-file-system-unencrypted";
    let of = |id: &str| finding(&report, rule, &format!("file-system/{id}"))["status"].clone();
    assert_eq!(of(&sealed), "pass", "{}", stderr(&output));
    assert_eq!(of(&open), "fail");
    assert_eq!(report["gaps"], serde_json::json!([]));
}
