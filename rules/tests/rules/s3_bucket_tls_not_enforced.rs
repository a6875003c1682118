use posture_rules::model::Observed;
use posture_rules::rules::s3_bucket_tls_not_enforced::RULE;

use crate::fixtures::{bucket, gap, run, with_buckets};

fn with_policy(name: &str, policy: &str) -> posture_rules::model::Bucket {
    let mut b = bucket(name);
    b.policy = Observed::Collected(Some(policy.replace("BUCKET", name).into()));
    b
}

const FULL_DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

const OBJECTS_ONLY: &str = r#"{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",
  "Resource":"arn:aws:s3:::BUCKET/*","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#;

const GET_ONLY: &str = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
  "Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

const NARROWED: &str = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*",
  "Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],
  "Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;

const PERCENT_ENCODED_FULL_DENY: &str = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Deny%22%2C%22Principal%22%3A%22%2A%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%5B%22arn%3Aaws%3As3%3A%3A%3ABUCKET%22%2C%22arn%3Aaws%3As3%3A%3A%3ABUCKET%2F%2A%22%5D%2C%22Condition%22%3A%7B%22Bool%22%3A%7B%22aws%3ASecureTransport%22%3A%22false%22%7D%7D%7D%5D%7D";

#[test]
fn tls_deny_statements() {
    let mut unreadable = bucket("policy-unreadable");
    unreadable.policy = Observed::Gap(Box::new(gap("s3", Some("us-east-1"), "GetBucketPolicy")));
    let snapshot = with_buckets(vec![
        bucket("no-policy"),
        with_policy("full-deny", FULL_DENY),
        with_policy("objects-only", OBJECTS_ONLY),
        with_policy("get-only", GET_ONLY),
        with_policy("narrowed-by-vpce", NARROWED),
        with_policy("percent-encoded", PERCENT_ENCODED_FULL_DENY),
        with_policy("garbled", "{\"Statement\": [{\"Effect\": \"Maybe\"}]}"),
        unreadable,
    ]);
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
