use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_own_trail;

declare_rule! {
    /// ## What it checks
    /// Trails of the account whose log files are not encrypted with a KMS key (SSE-KMS).
    ///
    /// ## Why it matters
    /// By default CloudTrail's log files are encrypted with S3-managed keys: anyone allowed
    /// to read the bucket reads the logs. With a KMS key, reading them also takes
    /// `kms:Decrypt` on that key, a second, separately audited permission, and the key's
    /// use is itself logged.
    ///
    /// ## How to fix
    /// - Console: CloudTrail → Trails → the trail → General details → Edit → Log file
    ///   SSE-KMS encryption: Enabled, with a key whose policy lets CloudTrail encrypt.
    /// - CLI: `aws cloudtrail update-trail --name TRAIL --kms-key-id KEY_ARN`
    /// - Terraform: `kms_key_id = aws_kms_key.trail.arn` on `aws_cloudtrail`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html>
    pub static RULE = {
        id: "cloudtrail-logs-not-kms-encrypted",
        title: "A trail's log files are not encrypted with a KMS key",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [Trails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_own_trail(rule, cx, |trail, region| {
        let evidence = evidence!({ "kms_key_id": trail.kms_key_id });
        match &trail.kms_key_id {
            Some(key) => {
                let message = format!("trail {} encrypts its log files with {key}", trail.name);
                rule.pass(&trail.arn, region, message)
            }
            None => {
                let message = format!(
                    "trail {} encrypts its log files with S3-managed keys only",
                    trail.name
                );
                rule.fail(&trail.arn, region, message)
            }
        }
        .with_evidence(evidence)
    })
}
