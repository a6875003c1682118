use posture_rules::model::{Observed, PublicAccessBlock};
use posture_rules::rules::s3_bucket_policy_any_principal::RULE;

use crate::fixtures::{bucket, gap, run, with_buckets};
use crate::s3_bucket_public_policy::with_policy;

const READ: &str = r#""Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*""#;

#[test]
fn any_principal_is_reported_even_where_block_public_access_holds_it_back() {
    let mut held_back = with_policy(
        "star-held-back-by-bpa",
        &format!(r#"{{"Effect":"Allow","Principal":"*",{READ}}}"#),
    );
    held_back.public_access_block = Observed::Collected(Some(PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }));
    let mut unreadable = bucket("policy-unreadable");
    unreadable.policy = Observed::Gap(Box::new(gap("s3", Some("us-east-1"), "GetBucketPolicy")));
    let snapshot = with_buckets(vec![
        bucket("no-policy"),
        held_back,
        with_policy(
            "aws-star",
            &format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"*"}},{READ}}}"#),
        ),
        with_policy(
            "star-for-a-service-source",
            &format!(
                r#"{{"Effect":"Allow","Principal":"*",{READ},"Condition":{{"StringEquals":{{"aws:SourceAccount":"111122223333"}}}}}}"#
            ),
        ),
        with_policy(
            "star-with-if-exists",
            &format!(
                r#"{{"Effect":"Allow","Principal":"*",{READ},"Condition":{{"StringEqualsIfExists":{{"aws:SourceAccount":"111122223333"}}}}}}"#
            ),
        ),
        with_policy(
            "named-account",
            &format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},{READ}}}"#
            ),
        ),
        with_policy(
            "deny-star",
            r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        ),
        unreadable,
    ]);
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
