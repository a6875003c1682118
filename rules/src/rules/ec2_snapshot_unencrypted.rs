use serde_json::json;

use crate::model::arn;
use crate::declare_rule;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_in_region;

declare_rule! {
    /// ## What it checks
    /// EBS snapshots owned by the account that are not encrypted.
    ///
    /// ## Why it matters
    /// A snapshot holds the whole disk. Unencrypted, it can be shared publicly or with any
    /// account (encrypted snapshots cannot be made public) and its data is not protected by
    /// a key policy.
    ///
    /// ## How to fix
    /// Copy it with encryption, then delete the unencrypted one; turn on EBS encryption by
    /// default so new snapshots are encrypted.
    ///
    /// - Console: EC2 → Snapshots → the snapshot → Actions → Copy snapshot → Encrypt this
    ///   snapshot.
    /// - CLI: `aws ec2 copy-snapshot --source-region REGION --source-snapshot-id snap-… --encrypted`
    /// - Terraform: `aws_ebs_snapshot_copy` with `encrypted = true`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>
    pub static RULE = {
        id: "ec2-snapshot-unencrypted",
        title: "EBS snapshot is not encrypted",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [Snapshots],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_in_region(
        rule,
        cx,
        "snapshot",
        |r| &r.snapshots,
        |region, snapshot| {
            let name = Some(region.region.as_str());
            let resource = arn::ec2(cx.snapshot, &region.region, "snapshot", &snapshot.id);
            let finding = if snapshot.encrypted {
                rule.pass(resource, name, format!("{} is encrypted", snapshot.id))
            } else {
                rule.fail(resource, name, format!("{} is not encrypted", snapshot.id))
            };
            Some(finding.with_evidence(
                json!({ "encrypted": snapshot.encrypted, "volume_id": snapshot.volume_id }),
            ))
        },
    )
}
