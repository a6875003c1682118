use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_in_region;

declare_rule! {
    /// ## What it checks
    /// EBS snapshots owned by the account whose `createVolumePermission` includes the group
    /// `all`: anyone with an AWS account can create a volume from them. When the permission
    /// of one snapshot could not be read, that snapshot is unknown.
    ///
    /// ## Why it matters
    /// A public snapshot is a full copy of a disk — databases, keys, source code — readable
    /// by every AWS customer. Researchers find thousands of them with secrets inside.
    ///
    /// ## How to fix
    /// - Console: EC2 → Snapshots → the snapshot → Actions → Snapshot settings → Modify
    ///   permissions → Private.
    /// - CLI: `aws ec2 modify-snapshot-attribute --snapshot-id snap-… --attribute createVolumePermission --operation-type remove --group-names all`
    ///   and, per region, `aws ec2 enable-snapshot-block-public-access --state block-all-sharing`.
    /// - Terraform: remove the `aws_snapshot_create_volume_permission` with `account_id = "all"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html>
    pub static RULE = {
        id: "ec2-snapshot-public",
        title: "EBS snapshot is public",
        duty: Duty::CustomerData,
        severity: Severity::Critical,
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
            Some(match snapshot.public.as_ref() {
            Ok(true) => rule
                .fail(resource, name, format!("{} can be restored by any AWS account", snapshot.id))
                .with_exposure(Exposure::Public)
                .with_evidence(evidence!({ "create_volume_permission": "all", "volume_id": snapshot.volume_id, "encrypted": snapshot.encrypted })),
            Ok(false) => rule.pass(resource, name, format!("{} is not public", snapshot.id)),
            Err(gap) => rule.unknown_gap(resource, name, gap),
        })
        },
    )
}
