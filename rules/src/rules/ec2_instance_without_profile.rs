use crate::declare_rule;
use crate::evidence;
use crate::network::is_public_address;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_instance;

declare_rule! {
    /// ## What it checks
    /// EC2 instances (not terminated) that have no IAM instance profile, and therefore no
    /// role. The finding says whether the instance has a public IP address.
    ///
    /// ## Why it matters
    /// An instance that calls AWS APIs needs credentials. With a role it gets temporary
    /// credentials that rotate automatically; without one, the credentials end up as
    /// long-lived access keys in files, environment variables or images, where they leak
    /// and never expire. Attaching a role, even one with no permissions, also makes it
    /// possible to grant access later without keys.
    ///
    /// ## How to fix
    /// Create a role for the workload with only the permissions it needs and attach it.
    ///
    /// - Console: EC2 → Instances → the instance → Actions → Security → Modify IAM role.
    /// - CLI: `aws ec2 associate-iam-instance-profile --instance-id i-… --iam-instance-profile Name=PROFILE`
    /// - Terraform: `iam_instance_profile` on `aws_instance`, with an
    ///   `aws_iam_instance_profile`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html>
    pub static RULE = {
        id: "ec2-instance-without-profile",
        title: "EC2 instance has no IAM role",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Low,
        reads: [Instances],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_instance(rule, cx, |region, instance, resource| {
        let name = Some(region.region.as_str());
        let public_ip = instance
            .public_ip
            .as_deref()
            .filter(|ip| is_public_address(ip));
        let finding = match &instance.instance_profile_arn {
            Some(profile) => rule.pass(
                resource,
                name,
                format!("{} runs with instance profile {profile}", instance.id),
            ),
            None => {
                let exposure = match public_ip {
                    Some(ip) => format!("; it has public IP {ip}"),
                    None => String::new(),
                };
                rule.fail(
                    resource,
                    name,
                    format!("{} has no instance profile{exposure}", instance.id),
                )
            }
        };
        finding.with_evidence(evidence!({
            "instance_profile": instance.instance_profile_arn,
            "public_ip": public_ip,
            "name": instance.name,
        }))
    })
}
