use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::each_in_region;

declare_rule! {
    /// ## What it checks
    /// Machine images (AMIs) owned by the account that are public: any AWS account can
    /// launch them.
    ///
    /// ## Why it matters
    /// An image contains the disks of the instance it was made from: application code,
    /// configuration, and often credentials left on disk. Public images are found and
    /// searched by attackers.
    ///
    /// ## How to fix
    /// - Console: EC2 → AMIs → the image → Actions → Edit AMI permissions → Private.
    /// - CLI: `aws ec2 modify-image-attribute --image-id ami-… --launch-permission "Remove=[{Group=all}]"`
    ///   and, per region, `aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing`.
    /// - Terraform: remove the `aws_ami_launch_permission` with `group = "all"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html>
    pub static RULE = {
        id: "ec2-image-public",
        title: "AMI owned by the account is public",
        duty: Duty::CustomerData,
        severity: Severity::High,
        reads: [Images],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_in_region(
        rule,
        cx,
        "image",
        |r| &r.images,
        |region, image| {
            let name = Some(region.region.as_str());
            let resource = arn::ec2(cx.snapshot, &region.region, "image", &image.id);
            let label = match &image.name {
                Some(image_name) => format!("{} ({image_name})", image.id),
                None => image.id.clone(),
            };
            let finding = if image.public {
                rule.fail(
                    resource,
                    name,
                    format!("{label} can be launched by any AWS account"),
                )
                .with_exposure(Exposure::Public)
            } else {
                rule.pass(resource, name, format!("{label} is private"))
            };
            Some(finding.with_evidence(evidence!({ "public": image.public, "name": image.name })))
        },
    )
}
