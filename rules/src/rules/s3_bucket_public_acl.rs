use crate::declare_rule;
use crate::evidence;
use crate::model::{AclGrant, Observed, PublicAccessBlock};
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity, Tree};
use crate::iterate::each_bucket;

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose ACL grants access to everyone (`AllUsers`) or to any AWS account
    /// (`AuthenticatedUsers`): read, write, read/write of the ACL, or full control.
    /// `IgnorePublicAcls` in the bucket's or the account's Block Public Access makes S3
    /// ignore such grants: the bucket then passes and the evidence says why. If that cannot
    /// be established because Block Public Access could not be read, the result is unknown.
    ///
    /// Severity: critical for write or ACL-write grants, high for read.
    ///
    /// ## Why it matters
    /// Who may read the data is the customer's decision, and a public grant exposes every
    /// object (or lets anyone overwrite them). `AuthenticatedUsers` means any AWS account in
    /// the world, not your users.
    ///
    /// ## How to fix
    /// Remove the grants, disable ACLs (object ownership `BucketOwnerEnforced`) and turn on
    /// Block Public Access.
    ///
    /// - Console: S3 → the bucket → Permissions → Access control list → Edit → clear the
    ///   Everyone / Authenticated users groups; Object Ownership → Bucket owner enforced.
    /// - CLI: `aws s3api put-bucket-acl --bucket BUCKET --acl private` and
    ///   `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    /// - Terraform: `aws_s3_bucket_ownership_controls` with `object_ownership = "BucketOwnerEnforced"`
    ///   and `aws_s3_bucket_public_access_block` with all four settings `true`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html>
    pub static RULE = {
        id: "s3-bucket-public-acl",
        title: "S3 bucket is public through its ACL",
        duty: Duty::CustomerData,
        severity: Severity::High,
        reads: [Buckets, AccountPublicAccessBlock, BucketPublicAccessBlock, BucketAcl],
        check: check,
    };
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

fn is_public_grant(grant: &AclGrant) -> bool {
    matches!(
        grant.grantee_uri.as_deref(),
        Some(ALL_USERS | AUTHENTICATED_USERS)
    )
}

fn is_write(grant: &AclGrant) -> bool {
    matches!(
        grant.permission.as_str(),
        "WRITE" | "WRITE_ACP" | "FULL_CONTROL"
    )
}

/// Whether a Block Public Access configuration tells S3 to ignore public ACLs:
/// `Some(true)` yes, `Some(false)` no, `None` not known.
fn ignores_public_acls(block: &Observed<Option<PublicAccessBlock>>) -> Option<bool> {
    match block {
        Observed::Collected(Some(block)) => Some(block.ignore_public_acls),
        Observed::Collected(None) => Some(false),
        Observed::Gap(_) => None,
    }
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let account_ignores = ignores_public_acls(&cx.snapshot.s3.account_public_access_block);
    each_bucket(rule, cx, |bucket, region| {
        let acl = match bucket.acl.as_ref() {
            Ok(acl) => acl,
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let public: Vec<&AclGrant> = acl.grants.iter().filter(|g| is_public_grant(g)).collect();
        if public.is_empty() {
            return rule.pass(
                &bucket.arn,
                region,
                format!("{} grants nothing to everyone", bucket.name),
            );
        }
        let bucket_ignores = ignores_public_acls(&bucket.public_access_block);
        let evidence = evidence!({ "public_grants": Tree(&public) });
        let neutralised_by = match (bucket_ignores, account_ignores) {
            (Some(true), _) => Some("the bucket's"),
            (_, Some(true)) => Some("the account's"),
            _ => None,
        };
        if let Some(level) = neutralised_by {
            return rule
                    .pass(
                        &bucket.arn,
                        region,
                        format!("{} has public ACL grants, but {level} IgnorePublicAcls makes S3 ignore them", bucket.name),
                    )
                    .with_evidence(evidence!({ "public_grants": Tree(&public), "neutralised_by": format!("{level} IgnorePublicAcls") }));
        }
        if bucket_ignores.is_none() || account_ignores.is_none() {
            return rule
                    .unknown(
                        &bucket.arn,
                        region,
                        format!(
                            "{} has public ACL grants; whether Block Public Access ignores them could not be read",
                            bucket.name
                        ),
                    )
                    .with_evidence(evidence);
        }
        let writes = public.iter().any(|g| is_write(g));
        let permissions: Vec<String> = public
            .iter()
            .map(|g| {
                let who = g
                    .grantee_uri
                    .as_deref()
                    .and_then(|u| u.rsplit('/').next())
                    .unwrap_or("?");
                format!("{} to {who}", g.permission)
            })
            .collect();
        rule.fail(
            &bucket.arn,
            region,
            format!(
                "{} grants {} through its ACL",
                bucket.name,
                permissions.join(", ")
            ),
        )
        .with_severity(if writes {
            Severity::Critical
        } else {
            rule.severity
        })
        .with_exposure(Exposure::Public)
        .with_evidence(evidence)
    })
}
