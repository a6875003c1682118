use posture_rules::model::{AclGrant, Observed, PublicAccessBlock};
use posture_rules::rules::s3_bucket_public_acl::RULE;

use crate::fixtures::{bucket, gap, run, with_buckets};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

fn grant(uri: &str, permission: &str) -> AclGrant {
    AclGrant {
        grantee_type: "Group".into(),
        grantee_uri: Some(uri.into()),
        grantee_id: None,
        permission: permission.into(),
    }
}

fn ignoring() -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: true,
        block_public_policy: false,
        restrict_public_buckets: false,
    }
}

fn with_grants(name: &str, grants: Vec<AclGrant>) -> posture_rules::model::Bucket {
    let mut b = bucket(name);
    if let Observed::Collected(acl) = &mut b.acl {
        acl.grants.extend(grants);
    }
    b
}

#[test]
fn acl_grants() {
    let mut neutralised = with_grants("public-read-but-ignored", vec![grant(ALL_USERS, "READ")]);
    neutralised.public_access_block = Observed::Collected(Some(ignoring()));
    let mut bpa_unreadable =
        with_grants("public-read-bpa-unreadable", vec![grant(ALL_USERS, "READ")]);
    bpa_unreadable.public_access_block = Observed::Gap(Box::new(gap(
        "s3",
        Some("us-east-1"),
        "GetPublicAccessBlock",
    )));
    let mut acl_unreadable = bucket("acl-unreadable");
    acl_unreadable.acl = Observed::Gap(Box::new(gap("s3", Some("us-east-1"), "GetBucketAcl")));
    let snapshot = with_buckets(vec![
        bucket("private"),
        with_grants("public-read", vec![grant(ALL_USERS, "READ")]),
        with_grants(
            "authenticated-write",
            vec![grant(AUTHENTICATED_USERS, "WRITE")],
        ),
        neutralised,
        bpa_unreadable,
        acl_unreadable,
    ]);
    insta::assert_snapshot!(run(&RULE, &snapshot));
}

#[test]
fn account_level_ignore_public_acls_neutralises_grants() {
    let mut snapshot = with_buckets(vec![with_grants(
        "public-read",
        vec![grant(ALL_USERS, "READ")],
    )]);
    snapshot.s3.account_public_access_block = Observed::Collected(Some(ignoring()));
    insta::assert_snapshot!(run(&RULE, &snapshot));
}

#[test]
fn buckets_not_listed_is_unknown() {
    let mut snapshot = with_buckets(vec![]);
    snapshot.s3.buckets = Observed::Gap(Box::new(gap("s3", None, "ListBuckets")));
    insta::assert_snapshot!(run(&RULE, &snapshot));
}
