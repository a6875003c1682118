use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_in_region;

declare_rule! {
    /// ## What it checks
    /// EBS volumes that are not encrypted.
    ///
    /// ## Why it matters
    /// Encrypting data at rest is the customer's choice and duty. An unencrypted volume's
    /// data, and every snapshot taken of it, is readable by whoever gets hold of a copy;
    /// encryption with KMS also puts every use of the data under key policy and CloudTrail.
    ///
    /// ## How to fix
    /// A volume cannot be encrypted in place: snapshot it, copy the snapshot with encryption,
    /// create a volume from the copy and swap it in. Turn on EBS encryption by default so new
    /// volumes are encrypted.
    ///
    /// - Console: EC2 → Snapshots → Copy snapshot → Encrypt this snapshot; then Create
    ///   volume from the copy.
    /// - CLI: `aws ec2 copy-snapshot --source-snapshot-id snap-… --source-region REGION --encrypted`
    /// - Terraform: `encrypted = true` (and `kms_key_id`) on `aws_ebs_volume`;
    ///   `aws_ebs_encryption_by_default { enabled = true }`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>
    pub static RULE = {
        id: "ec2-ebs-volume-unencrypted",
        title: "EBS volume is not encrypted",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [Volumes],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_in_region(
        rule,
        cx,
        "volume",
        |r| &r.volumes,
        |region, volume| {
            let resource = arn::ec2(cx.snapshot, &region.region, "volume", &volume.id);
            let name = Some(region.region.as_str());
            let finding = if volume.encrypted {
                rule.pass(resource, name, format!("{} is encrypted", volume.id))
            } else {
                rule.fail(resource, name, format!("{} is not encrypted", volume.id))
            };
            Some(finding.with_evidence(evidence!({
                "encrypted": volume.encrypted,
                "kms_key_id": volume.kms_key_id,
                "attached_to": volume.attached_instance_ids,
                "size_gib": volume.size_gib,
            })))
        },
    )
}
