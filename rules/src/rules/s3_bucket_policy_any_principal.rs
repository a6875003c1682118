use crate::access::resource_policy;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket_policy;

declare_rule! {
    /// ## What it checks
    /// Bucket policies with an `Allow` statement for any principal (`"Principal": "*"`,
    /// `{"AWS": "*"}`, or `NotPrincipal`) that no condition limits to known callers — the
    /// policy text itself, whatever Block Public Access does with it today. The conditions
    /// that limit a statement, and how, are those of `s3-bucket-public-policy`
    /// (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalArn`, `aws:SourceVpce`,
    /// `aws:PrincipalOrgID`, specific `aws:SourceIp` ranges... with fixed values).
    ///
    /// `s3-bucket-public-policy` reports the buckets such a statement makes public now;
    /// this rule also reports the ones where Block Public Access (`RestrictPublicBuckets`)
    /// holds the statement back, because the statement takes effect the day that setting
    /// is turned off, and the benchmark asks for the policy to be fixed. A policy that
    /// cannot be read or parsed gives unknown.
    ///
    /// ## Why it matters
    /// A wildcard principal hands the permission to every AWS account and, for S3, to
    /// anonymous callers. Block Public Access is a safety net, not the policy: it is one
    /// setting away from being off, and copies of the policy travel to other buckets and
    /// accounts without it.
    ///
    /// ## How to fix
    /// Name the principals (an account, a role, a service), or add a condition that limits
    /// the statement to known callers, such as `aws:SourceArn` for a service or
    /// `aws:PrincipalOrgID` for your organization.
    ///
    /// - Console: S3 → the bucket → Permissions → Bucket policy → Edit.
    /// - CLI: `aws s3api get-bucket-policy --bucket BUCKET`, edit, then
    ///   `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`.
    /// - Terraform: in the `aws_iam_policy_document` of the `aws_s3_bucket_policy`, replace
    ///   `identifiers = ["*"]` or add a `condition` block.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub static RULE = {
        id: "s3-bucket-policy-any-principal",
        title: "S3 bucket policy allows any principal without a restricting condition",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [Buckets, BucketPolicy],
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
        |bucket, region, document| judge(rule, cx, bucket, region, document),
    )
}

fn judge(
    rule: &Rule,
    cx: &Context<'_>,
    bucket: &crate::model::Bucket,
    region: Option<&str>,
    document: &crate::access::policy::PolicyDocument,
) -> Finding {
    let open = resource_policy::public_statements(document, cx.settings);
    if open.is_empty() {
        return rule.pass(
            &bucket.arn,
            region,
            format!(
                "{}'s policy names its principals or limits them",
                bucket.name
            ),
        );
    }
    rule.fail(
        &bucket.arn,
        region,
        format!(
            "{}'s policy allows any principal in {} statement(s) without a restricting condition",
            bucket.name,
            open.len()
        ),
    )
    .with_evidence(evidence!({ "any_principal_statements": open }))
}
