//! The rules that judge one bucket setting each: Block Public Access (bucket and account),
//! ACLs, versioning, MFA delete, access logging, default encryption.

use posture_rules::model::{
    Bucket, BucketEncryptionRule, BucketVersioning, Observed, PublicAccessBlock,
};
use posture_rules::rules::*;

use crate::fixtures::{bucket, gap, run, with_buckets};

fn block(all: bool) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: all,
        block_public_policy: true,
        restrict_public_buckets: all,
    }
}

fn with(name: &str, change: impl FnOnce(&mut Bucket)) -> Bucket {
    let mut b = bucket(name);
    change(&mut b);
    b
}

#[test]
fn bucket_public_access_block() {
    let buckets = || {
        vec![
            with("all-on", |b| {
                b.public_access_block = Observed::Collected(Some(block(true)))
            }),
            with("partly-on", |b| {
                b.public_access_block = Observed::Collected(Some(block(false)))
            }),
            bucket("none"),
            with("unreadable", |b| {
                b.public_access_block = Observed::Gap(Box::new(gap(
                    "s3",
                    Some("us-east-1"),
                    "GetPublicAccessBlock",
                )))
            }),
        ]
    };
    let account_off = with_buckets(buckets());
    let mut account_on = with_buckets(buckets());
    account_on.s3.account_public_access_block = Observed::Collected(Some(block(true)));
    let mut account_unreadable = with_buckets(buckets());
    account_unreadable.s3.account_public_access_block =
        Observed::Gap(Box::new(gap("s3control", None, "GetPublicAccessBlock")));
    let rule = &s3_bucket_public_access_block_off::RULE;
    insta::assert_snapshot!("account_off", run(rule, &account_off));
    insta::assert_snapshot!("account_on", run(rule, &account_on));
    insta::assert_snapshot!("account_unreadable", run(rule, &account_unreadable));
}

#[test]
fn account_public_access_block() {
    let rule = &s3_account_public_access_block_off::RULE;
    let render = |setting| {
        let mut snapshot = with_buckets(vec![]);
        snapshot.s3.account_public_access_block = setting;
        run(rule, &snapshot)
    };
    let text = [
        render(Observed::Collected(None)),
        render(Observed::Collected(Some(block(false)))),
        render(Observed::Collected(Some(block(true)))),
        render(Observed::Gap(Box::new(gap(
            "s3control",
            None,
            "GetPublicAccessBlock",
        )))),
    ]
    .join("\n");
    insta::assert_snapshot!(text);
}

#[test]
fn acls_versioning_mfa_delete_logging_encryption() {
    let versioning = |status: Option<&str>, mfa: Option<&str>| {
        Observed::Collected(BucketVersioning {
            status: status.map(str::to_string),
            mfa_delete: mfa.map(str::to_string),
        })
    };
    let encryption = |algorithm: &str| {
        Observed::Collected(Some(vec![BucketEncryptionRule {
            algorithm: algorithm.into(),
            kms_key_id: None,
            bucket_key_enabled: false,
        }]))
    };
    let snapshot = with_buckets(vec![
        with("hardened", |b| {
            b.object_ownership = Observed::Collected(Some("BucketOwnerEnforced".into()));
            b.versioning = versioning(Some("Enabled"), Some("Enabled"));
            b.logging_target = Observed::Collected(Some("access-logs".into()));
            b.encryption = encryption("aws:kms");
        }),
        with("defaults", |b| {
            b.encryption = encryption("AES256");
        }),
        with("writer-owned-suspended", |b| {
            b.object_ownership = Observed::Collected(Some("ObjectWriter".into()));
            b.versioning = versioning(Some("Suspended"), Some("Disabled"));
            b.encryption = Observed::Collected(None);
        }),
        with("unreadable", |b| {
            b.object_ownership = Observed::Gap(Box::new(gap(
                "s3",
                Some("us-east-1"),
                "GetBucketOwnershipControls",
            )));
            b.versioning = Observed::Gap(Box::new(gap(
                "s3",
                Some("us-east-1"),
                "GetBucketVersioning",
            )));
            b.logging_target =
                Observed::Gap(Box::new(gap("s3", Some("us-east-1"), "GetBucketLogging")));
            b.encryption = Observed::Gap(Box::new(gap(
                "s3",
                Some("us-east-1"),
                "GetBucketEncryption",
            )));
        }),
    ]);
    for rule in [
        &s3_bucket_acls_enabled::RULE,
        &s3_bucket_versioning_disabled::RULE,
        &s3_bucket_mfa_delete_disabled::RULE,
        &s3_bucket_access_logging_disabled::RULE,
        &s3_bucket_default_encryption_not_kms::RULE,
    ] {
        insta::assert_snapshot!(rule.id, run(rule, &snapshot));
    }
}
