use posture_rules::rules::s3_bucket_cross_account_access::RULE;

use crate::fixtures::{bucket, run, settings, with_buckets};
use crate::s3_bucket_public_policy::with_policy;

fn account() -> posture_rules::Snapshot {
    with_buckets(vec![
        bucket("no-policy"),
        with_policy(
            "partner-read",
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "partner-write-by-id",
            r#"{"Effect":"Allow","Principal":{"AWS":["777788889999","arn:aws:iam::444455556666:role/etl"]},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "own-account",
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:*","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "service",
            r#"{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "public",
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "deny-partner",
            r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
    ])
}

#[test]
fn grants_to_other_accounts() {
    insta::assert_snapshot!(run(&RULE, &account()));
}

#[test]
fn the_customers_own_accounts_are_not_foreign() {
    let snapshot = account();
    let mut settings = settings();
    settings.trusted_accounts = vec!["444455556666".into(), "777788889999".into()];
    let cx = posture_rules::rule::Context {
        snapshot: &snapshot,
        settings: &settings,
    };
    let findings = (RULE.check)(&RULE, &cx);
    assert!(
        findings
            .iter()
            .all(|f| f.status == posture_rules::Status::Pass),
        "{findings:#?}"
    );
}
