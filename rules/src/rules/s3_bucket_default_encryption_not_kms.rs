use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket;
use crate::{evidence, evidence_object};

declare_rule! {
    /// ## What it checks
    /// S3 buckets whose default encryption is not SSE-KMS (`aws:kms` or `aws:kms:dsse`).
    /// Informational: since January 2023 S3 encrypts every new object with SSE-S3 at least,
    /// so data is never stored unencrypted; KMS adds key policies, CloudTrail records of
    /// every decryption, and the ability to revoke access by disabling the key.
    ///
    /// ## Why it matters
    /// Choosing the encryption and who holds the keys is the customer's side of server-side
    /// encryption. With SSE-S3, anyone allowed to read an object can read its plaintext;
    /// with SSE-KMS they also need the key.
    ///
    /// ## How to fix
    /// - Console: S3 → the bucket → Properties → Default encryption → Edit → SSE-KMS, with a
    ///   customer managed key and Bucket Key enabled.
    /// - CLI: `aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY-ARN"},"BucketKeyEnabled":true}]}'`
    /// - Terraform: `aws_s3_bucket_server_side_encryption_configuration` with
    ///   `sse_algorithm = "aws:kms"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html>
    pub static RULE = {
        id: "s3-bucket-default-encryption-not-kms",
        title: "S3 bucket default encryption does not use KMS",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Info,
        reads: [Buckets, BucketEncryption],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket(rule, cx, |bucket, region| {
        let rules = match bucket.encryption.as_ref() {
            Ok(rules) => rules,
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let algorithms: Vec<&str> = rules
            .iter()
            .flatten()
            .map(|r| r.algorithm.as_str())
            .collect();
        let finding = if algorithms.iter().any(|a| a.starts_with("aws:kms")) {
            rule.pass(
                &bucket.arn,
                region,
                format!("{} encrypts with KMS by default", bucket.name),
            )
        } else if algorithms.is_empty() {
            rule.fail(
                &bucket.arn,
                region,
                format!(
                    "{} has no default encryption configured (S3 applies SSE-S3)",
                    bucket.name
                ),
            )
        } else {
            rule.fail(
                &bucket.arn,
                region,
                format!(
                    "{} encrypts with {} by default, not KMS",
                    bucket.name,
                    algorithms.join(", ")
                ),
            )
        };
        let rules: Option<Vec<_>> = rules.as_ref().map(|rules| {
            rules
                .iter()
                .map(|rule| {
                    evidence_object!({
                        "algorithm": rule.algorithm,
                        "bucket_key_enabled": rule.bucket_key_enabled,
                        "kms_key_id": rule.kms_key_id,
                    })
                })
                .collect()
        });
        finding.with_evidence(evidence!({ "encryption": rules }))
    })
}
