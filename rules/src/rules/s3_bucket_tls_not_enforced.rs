use crate::declare_rule;
use crate::evidence;
use crate::access::policy::{self, Effect, Statement};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket_policy;

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose policy does not deny requests made over plain HTTP. The policy must
    /// have a `Deny` statement for every principal (`*`), all S3 actions (`s3:*` or `*`),
    /// with the condition `"Bool": {"aws:SecureTransport": "false"}` and nothing narrowing
    /// it, covering both the bucket (`arn:aws:s3:::BUCKET`) and its objects
    /// (`arn:aws:s3:::BUCKET/*`). A statement that covers only one of the two is flagged as
    /// partial. A policy that cannot be parsed gives unknown.
    ///
    /// ## Why it matters
    /// S3 endpoints accept HTTP as well as HTTPS. Without the deny, a misconfigured client
    /// sends data and credentials-bearing requests in clear text; protecting data in transit
    /// is the customer's duty.
    ///
    /// ## How to fix
    /// Add this statement to the bucket policy:
    ///
    /// ```json
    /// {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    ///  "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
    ///  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    /// ```
    ///
    /// - Console: S3 → the bucket → Permissions → Bucket policy → Edit.
    /// - CLI: `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`
    /// - Terraform: an `aws_s3_bucket_policy` with the statement above.
    ///
    /// ## References
    /// - <https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule>
    pub static RULE = {
        id: "s3-bucket-tls-not-enforced",
        title: "S3 bucket policy does not deny plain HTTP",
        duty: Duty::NetworkTrafficProtection,
        severity: Severity::Medium,
        reads: [Buckets, BucketPolicy],
        check: check,
    };
}

/// Whether the statement denies everyone every S3 action when the request is not TLS, and
/// nothing else narrows it.
fn is_tls_deny(statement: &Statement) -> bool {
    let all_s3_actions = match (&statement.action, &statement.not_action) {
        // A pattern that matches the literal text `s3:*` matches every S3 action.
        (Some(actions), _) => actions.iter().any(|a| policy::action_matches(a, "s3:*")),
        // `Deny NotAction` denies everything except the listed actions: it covers all of S3
        // only if no listed pattern can name an S3 action.
        (None, Some(excluded)) => excluded.iter().all(|a| {
            let a = a.to_ascii_lowercase();
            !a.starts_with("s3") && !a.starts_with('*') && !a.starts_with('?')
        }),
        (None, None) => false,
    };
    let tls_condition_only = statement.conditions.len() == 1 && {
        let c = &statement.conditions[0];
        matches!(c.operator.as_str(), "Bool" | "BoolIfExists")
            && c.key.eq_ignore_ascii_case("aws:SecureTransport")
            && c.values.iter().any(|v| v.eq_ignore_ascii_case("false"))
    };
    statement.effect == Effect::Deny
        && statement.principal_is_everyone()
        && statement.not_principal.is_none()
        && all_s3_actions
        && tls_condition_only
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket_policy(
        rule,
        cx,
        |bucket, region| {
            rule.fail(
                &bucket.arn,
                region,
                format!(
                    "{} has no bucket policy, so plain HTTP is allowed",
                    bucket.name
                ),
            )
        },
        |bucket, region, document| {
            let objects = format!("{}/*", bucket.arn);
            let denies: Vec<&Statement> = document
                .statements
                .iter()
                .filter(|s| is_tls_deny(s))
                .collect();
            let covers_bucket = denies.iter().any(|s| s.covers_resource(&bucket.arn));
            let covers_objects = denies.iter().any(|s| s.covers_resource(&objects));
            let evidence = evidence!({
                "tls_deny_statements": denies.iter().map(|s| &s.raw).collect::<Vec<_>>(),
                "covers_bucket": covers_bucket,
                "covers_objects": covers_objects,
            });
            let name = &bucket.name;
            let finding = match (covers_bucket, covers_objects) {
                (true, true) => rule.pass(
                    &bucket.arn,
                    region,
                    format!("{name} denies requests without TLS"),
                ),
                (false, false) => rule.fail(
                    &bucket.arn,
                    region,
                    format!("{name}'s policy does not deny requests without TLS"),
                ),
                (true, false) => rule.fail(
                    &bucket.arn,
                    region,
                    format!("{name}'s TLS deny covers the bucket but not its objects"),
                ),
                (false, true) => rule.fail(
                    &bucket.arn,
                    region,
                    format!("{name}'s TLS deny covers its objects but not the bucket"),
                ),
            };
            finding.with_evidence(evidence)
        },
    )
}
