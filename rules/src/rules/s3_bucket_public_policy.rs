use serde_json::json;

use crate::access::resource_policy::{self, PolicyBlock, Reach};
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_bucket_policy;

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose policy makes them public, following S3's own meaning of public: an
    /// `Allow` statement whose principal is everyone (`"*"`, `{"AWS": "*"}`, or an `Allow`
    /// with `NotPrincipal`) and no condition that limits it to known callers. These
    /// conditions limit it, with fixed values (no wildcard, no policy variable) and a
    /// positive operator (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`):
    /// `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceArn`, `aws:SourceAccount`,
    /// `aws:SourceOwner`, `aws:PrincipalArn`, `aws:userid` (a fixed id or `ROLEID:*`),
    /// `s3:DataAccessPointArn`, `s3:DataAccessPointAccount`, and `aws:SourceIp` with
    /// `IpAddress` and only specific ranges (not `0.0.0.0/0`, `::/0`, or a public /8 or
    /// wider). A fixed `aws:PrincipalOrgID` or `aws:PrincipalAccount` also limits it:
    /// callers from your own organization are not the public, and the evidence says so.
    /// `...IfExists` operators and `ForAllValues:` limit nothing.
    ///
    /// `RestrictPublicBuckets` in the bucket's or the account's Block Public Access stops a
    /// public policy from taking effect: the bucket then passes and the evidence says why;
    /// if that cannot be read, the result is unknown. A policy that cannot be read or
    /// parsed gives unknown.
    ///
    /// Severity: critical when the public statements grant writing or changing
    /// permissions (`s3:PutObject`, `s3:DeleteObject`, `s3:PutBucketPolicy`, ACL writes...),
    /// high for read.
    ///
    /// ## Why it matters
    /// A public bucket policy hands the data, or the bucket, to anyone on the internet.
    /// Which data is public is the customer's decision, and mistakes here are the most
    /// common cause of cloud data leaks.
    ///
    /// ## How to fix
    /// Remove the public statement or limit it with one of the conditions above; serve
    /// public content through CloudFront with origin access control instead. Turn on Block
    /// Public Access.
    ///
    /// - Console: S3 → the bucket → Permissions → Bucket policy → Edit.
    /// - CLI: `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`, or
    ///   `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    /// - Terraform: fix the `aws_s3_bucket_policy`; add an `aws_s3_bucket_public_access_block`
    ///   with all four settings `true`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>
    pub static RULE = {
        id: "s3-bucket-public-policy",
        title: "S3 bucket is public through its policy",
        duty: Duty::CustomerData,
        severity: Severity::High,
        reads: [Buckets, AccountPublicAccessBlock, BucketPublicAccessBlock, BucketPolicy],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket_policy(
        rule,
        cx,
        |bucket, region| {
            rule.pass(
                &bucket.arn,
                region,
                format!("{} has no bucket policy", bucket.name),
            )
        },
        |bucket, region, document| {
            let mut public = Vec::new();
            let mut restricted = Vec::new();
            for statement in &document.statements {
                match resource_policy::reach(statement, cx.settings) {
                Some(Reach::Public) => public.push(statement),
                Some(Reach::Restricted { condition, own_organization }) => restricted.push(json!({
                    "statement": &statement.raw,
                    "limited_by": condition,
                    "callers": if own_organization { "your own organization or account: not the public" } else { "specific callers" },
                })),
                None => {}
            }
            }
            if public.is_empty() {
                let finding = rule.pass(
                    &bucket.arn,
                    region,
                    format!("{}'s policy grants nothing to the public", bucket.name),
                );
                return if restricted.is_empty() {
                    finding
                } else {
                    finding.with_evidence(evidence!({ "restricted_statements": restricted }))
                };
            }
            let statements: Vec<_> = public.iter().map(|s| &s.raw).collect();
            let writes = public.iter().any(|s| resource_policy::grants_write(s));
            match resource_policy::restrict_public_buckets(&bucket.public_access_block, &cx.snapshot.s3.account_public_access_block) {
            PolicyBlock::By(level) => rule
                .pass(
                    &bucket.arn,
                    region,
                    format!("{}'s policy is public, but {level} stops it from taking effect", bucket.name),
                )
                .with_evidence(evidence!({ "public_statements": statements, "neutralised_by": level })),
            PolicyBlock::Unknown => rule
                .unknown(
                    &bucket.arn,
                    region,
                    format!("{}'s policy is public; whether Block Public Access restricts it could not be read", bucket.name),
                )
                .with_evidence(evidence!({ "public_statements": statements })),
            PolicyBlock::No => rule
                .fail(
                    &bucket.arn,
                    region,
                    format!(
                        "{}'s policy grants {} access to anyone",
                        bucket.name,
                        if writes { "write" } else { "read" }
                    ),
                )
                .with_severity(if writes { Severity::Critical } else { rule.severity })
                .with_exposure(Exposure::Public)
                .with_evidence(evidence!({ "public_statements": statements })),
        }
        },
    )
}
