use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Regions where EBS encryption by default is off. It is a per-region setting: every
    /// scanned region is checked.
    ///
    /// ## Why it matters
    /// With encryption by default on, every new volume and snapshot copy in the region is
    /// encrypted whatever tool or person creates it. Off, each launch has to remember, and
    /// unencrypted volumes keep appearing.
    ///
    /// ## How to fix
    /// - Console: EC2 → the region → Settings → Data protection and security → EBS
    ///   encryption → Manage → Enable.
    /// - CLI: `aws ec2 enable-ebs-encryption-by-default --region REGION`
    /// - Terraform: `aws_ebs_encryption_by_default { enabled = true }` in each region's
    ///   provider.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html>
    pub static RULE = {
        id: "ec2-ebs-encryption-by-default-off",
        title: "EBS encryption by default is off in a region",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [EbsEncryptionByDefault],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    cx.snapshot
        .ec2
        .iter()
        .map(|region| {
            let name = region.region.as_str();
            // A setting of the account in one region: no ARN of its own.
            let resource = format!(
                "arn:{}:ec2:{name}:{}:ebs-encryption-by-default",
                cx.snapshot.account.partition, cx.snapshot.account.id
            );
            match region.ebs_encryption_by_default.as_ref() {
                Ok(&enabled) => if enabled {
                    rule.pass(
                        resource,
                        Some(name),
                        format!("EBS encryption by default is on in {name}"),
                    )
                } else {
                    rule.fail(
                        resource,
                        Some(name),
                        format!("EBS encryption by default is off in {name}"),
                    )
                }
                .with_evidence(evidence!({ "ebs_encryption_by_default": enabled })),
                Err(gap) => rule.unknown_gap(resource, Some(name), gap),
            }
        })
        .collect()
}
