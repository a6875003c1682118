//! The KMS rules over customer and AWS keys of every state, with policies that name their
//! principals, limit everyone by a condition, open to everyone, or grant other accounts.

use chrono::{TimeZone, Utc};
use posture_rules::model::{KmsKey, KmsRegion, Observed, PolicyText};
use posture_rules::rules::{
    kms_key_cross_account_access, kms_key_pending_deletion, kms_key_policy_any_principal,
    kms_key_rotation_disabled,
};
use posture_rules::Snapshot;

use crate::fixtures::{gap, run, snapshot};

const ACCOUNT: &str = "111122223333";

fn policy(statements: &str) -> Option<Observed<PolicyText>> {
    let root = format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}"#
    );
    let text = format!(r#"{{"Statement":[{root}{statements}]}}"#);
    Some(Observed::Collected(text.into()))
}

fn key(id: &str) -> KmsKey {
    KmsKey {
        id: id.into(),
        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
        manager: "CUSTOMER".into(),
        state: "Enabled".into(),
        spec: "SYMMETRIC_DEFAULT".into(),
        origin: "AWS_KMS".into(),
        deletion_date: None,
        rotation: Some(Observed::Collected(true)),
        policy: policy(""),
    }
}

fn with_keys(keys: Vec<KmsKey>) -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.regions = vec!["us-east-1".into(), "eu-west-1".into(), "sa-east-1".into()];
    snapshot.kms = vec![
        KmsRegion {
            region: "us-east-1".into(),
            keys: Observed::Collected(keys),
        },
        KmsRegion {
            region: "eu-west-1".into(),
            keys: Observed::Gap(Box::new(gap("kms", Some("eu-west-1"), "ListKeys"))),
        },
    ];
    // sa-east-1 is scanned but was not read.
    snapshot
}

fn keys() -> Vec<KmsKey> {
    let mut static_key = key("no-rotation");
    static_key.rotation = Some(Observed::Collected(false));
    let mut asymmetric = key("signing");
    asymmetric.spec = "RSA_2048".into();
    asymmetric.rotation = None;
    let mut unreadable = key("rotation-denied");
    unreadable.rotation = Some(Observed::Gap(Box::new(gap(
        "kms",
        Some("us-east-1"),
        "GetKeyRotationStatus",
    ))));
    let mut leaving = key("leaving");
    leaving.state = "PendingDeletion".into();
    leaving.deletion_date = Some(Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap());
    leaving.rotation = None;
    let mut aws = key("aws-s3");
    aws.manager = "AWS".into();
    aws.rotation = None;
    aws.policy = None;
    let mut open = key("open");
    open.policy =
        policy(r#",{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}"#);
    let mut limited = key("limited");
    limited.policy = policy(
        r#",{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*",
            "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}"#,
    );
    let mut shared = key("shared");
    shared.policy = policy(
        r#",{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/backup","777788889999"]},
            "Action":"kms:Decrypt","Resource":"*"}"#,
    );
    let mut broken = key("broken-policy");
    broken.policy = Some(Observed::Collected("{not json".into()));
    vec![
        key("good"),
        static_key,
        asymmetric,
        unreadable,
        leaving,
        aws,
        open,
        limited,
        shared,
        broken,
    ]
}

#[test]
fn rotation_of_customer_keys_that_can_rotate() {
    insta::assert_snapshot!(run(&kms_key_rotation_disabled::RULE, &with_keys(keys())));
}

#[test]
fn keys_pending_deletion() {
    insta::assert_snapshot!(run(&kms_key_pending_deletion::RULE, &with_keys(keys())));
}

#[test]
fn key_policies_open_to_everyone_or_to_other_accounts() {
    let snapshot = with_keys(keys());
    let open = run(&kms_key_policy_any_principal::RULE, &snapshot);
    let shared = run(&kms_key_cross_account_access::RULE, &snapshot);
    insta::assert_snapshot!(format!(
        "any principal:\n{open}\n\nother accounts:\n{shared}"
    ));
}

#[test]
fn efs_file_systems_encrypted_at_rest() {
    use posture_rules::model::{EfsRegion, FileSystem};
    use posture_rules::rules::efs_file_system_unencrypted::RULE;
    let fs = |id: &str, name: Option<&str>, encrypted: bool| FileSystem {
        id: id.into(),
        arn: format!("arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/{id}"),
        name: name.map(String::from),
        encrypted,
        kms_key_id: encrypted.then(|| format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k")),
    };
    let mut snapshot = snapshot();
    snapshot.regions = vec!["us-east-1".into(), "eu-west-1".into(), "sa-east-1".into()];
    snapshot.efs = vec![
        EfsRegion {
            region: "us-east-1".into(),
            file_systems: Observed::Collected(vec![
                fs("fs-1", Some("home"), true),
                fs("fs-2", None, false),
            ]),
        },
        EfsRegion {
            region: "eu-west-1".into(),
            file_systems: Observed::Gap(Box::new(gap(
                "elasticfilesystem",
                Some("eu-west-1"),
                "DescribeFileSystems",
            ))),
        },
    ];
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
