use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_bucket;
use crate::{evidence, evidence_object};

declare_rule! {
    /// ## What it checks
    /// S3 buckets where MFA delete is not enabled (it can only be enabled on a versioned
    /// bucket, by the root user).
    ///
    /// ## Why it matters
    /// MFA delete requires a one-time code to delete an object version or change the
    /// bucket's versioning state, so stolen access keys alone cannot destroy the history of
    /// critical data (audit logs, backups). It is operationally heavy; CIS lists it as a
    /// manual, low-priority control.
    ///
    /// ## How to fix
    /// As the root user with its MFA device:
    ///
    /// - CLI: `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device CODE"`
    /// - Console and Terraform cannot enable it (Terraform's `mfa_delete` needs the root
    ///   user's MFA code at apply time).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html>
    pub static RULE = {
        id: "s3-bucket-mfa-delete-disabled",
        title: "S3 bucket MFA delete is not enabled",
        duty: Duty::CustomerData,
        severity: Severity::Low,
        reads: [Buckets, BucketVersioning],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_bucket(rule, cx, |bucket, region| {
        let versioning = match bucket.versioning.as_ref() {
            Ok(versioning) => versioning,
            Err(gap) => return rule.unknown_gap(&bucket.arn, region, gap),
        };
        let finding = match versioning.mfa_delete.as_deref() {
            Some("Enabled") => rule.pass(
                &bucket.arn,
                region,
                format!("{} requires MFA to delete versions", bucket.name),
            ),
            _ => rule.fail(
                &bucket.arn,
                region,
                format!("{} does not require MFA to delete versions", bucket.name),
            ),
        };
        finding.with_evidence(evidence!({
            "versioning": evidence_object!({
                "mfa_delete": versioning.mfa_delete,
                "status": versioning.status,
            })
        }))
    })
}
