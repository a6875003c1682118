use posture_rules::model::{Observed, PublicAccessBlock};
use posture_rules::rules::s3_bucket_public_policy::RULE;

use crate::fixtures::{bucket, gap, run, with_buckets};

pub fn with_policy(name: &str, statement: &str) -> posture_rules::model::Bucket {
    let mut b = bucket(name);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statement.replace("BUCKET", name)
    );
    b.policy = Observed::Collected(Some(policy.into()));
    b
}

const READ: &str = r#""Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*""#;

fn allow_all(condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(r#"{{"Effect":"Allow","Principal":"*",{READ}{condition}}}"#)
}

fn restricting() -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: false,
        block_public_policy: false,
        restrict_public_buckets: true,
    }
}

#[test]
fn what_makes_a_policy_public() {
    let mut neutralised = with_policy("public-but-restricted-by-bpa", &allow_all(""));
    neutralised.public_access_block = Observed::Collected(Some(restricting()));
    let mut bpa_unreadable = with_policy("public-bpa-unreadable", &allow_all(""));
    bpa_unreadable.public_access_block = Observed::Gap(Box::new(gap(
        "s3",
        Some("us-east-1"),
        "GetPublicAccessBlock",
    )));
    let snapshot = with_buckets(vec![
        bucket("no-policy"),
        with_policy("public-read", &allow_all("")),
        with_policy(
            "aws-star-list",
            &format!(r#"{{"Effect":"Allow","Principal":{{"AWS":["*"]}},{READ}}}"#),
        ),
        with_policy(
            "public-write",
            r#"{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "public-s3-star",
            r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"]}"#,
        ),
        with_policy(
            "not-principal",
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "org-restricted",
            &allow_all(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#),
        ),
        with_policy(
            "org-wildcard",
            &allow_all(r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#),
        ),
        with_policy(
            "office-ip",
            &allow_all(r#"{"IpAddress":{"aws:SourceIp":["198.51.100.16/28","203.0.113.7/32"]}}"#),
        ),
        with_policy(
            "any-ip",
            &allow_all(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#),
        ),
        with_policy(
            "office-ip-and-world",
            &allow_all(r#"{"IpAddress":{"aws:SourceIp":["198.51.100.16/28","::/0"]}}"#),
        ),
        with_policy(
            "vpce-if-exists",
            &allow_all(r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c"}}"#),
        ),
        with_policy(
            "vpce-fixed",
            &allow_all(r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}"#),
        ),
        with_policy(
            "vpce-negated",
            &allow_all(r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}"#),
        ),
        with_policy(
            "policy-variable",
            &allow_all(r#"{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}"#),
        ),
        with_policy(
            "role-sessions",
            &allow_all(r#"{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}"#),
        ),
        with_policy(
            "any-userid",
            &allow_all(r#"{"StringLike":{"aws:userid":"*"}}"#),
        ),
        with_policy(
            "kms-key-fixed",
            &allow_all(
                r#"{"StringEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":
                "arn:aws:kms:us-east-1:111122223333:key/1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d"}}"#,
            ),
        ),
        with_policy(
            "kms-key-any",
            &allow_all(r#"{"StringLike":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"*"}}"#),
        ),
        with_policy(
            "unrelated-condition",
            &allow_all(r#"{"Bool":{"aws:SecureTransport":"true"}}"#),
        ),
        with_policy(
            "named-principal",
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}"#,
        ),
        with_policy(
            "deny-everyone",
            r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        ),
        neutralised,
        bpa_unreadable,
    ]);
    insta::assert_snapshot!(run(&RULE, &snapshot));
}

#[test]
fn account_level_restrict_public_buckets_neutralises_the_policy() {
    let mut snapshot = with_buckets(vec![with_policy("public-read", &allow_all(""))]);
    snapshot.s3.account_public_access_block = Observed::Collected(Some(restricting()));
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
