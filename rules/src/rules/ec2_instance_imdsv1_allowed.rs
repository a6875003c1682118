use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_instance;

declare_rule! {
    /// ## What it checks
    /// EC2 instances whose instance metadata service still answers IMDSv1 requests: the
    /// metadata endpoint is enabled and `HttpTokens` is `optional` rather than `required`.
    /// Terminated instances are skipped.
    ///
    /// ## Why it matters
    /// The temporary credentials of an instance's role are served by the metadata service.
    /// IMDSv1 hands them to any plain GET request, so a server-side request forgery bug in
    /// an application on the instance is enough to steal them (the Capital One breach).
    /// IMDSv2 requires a session token obtained with a PUT, which SSRF rarely can send.
    ///
    /// ## How to fix
    /// Require IMDSv2 (check first that the software on the instance uses a recent SDK).
    ///
    /// - Console: EC2 → Instances → the instance → Actions → Instance settings → Modify
    ///   instance metadata options → IMDSv2: Required.
    /// - CLI: `aws ec2 modify-instance-metadata-options --instance-id i-… --http-tokens required --http-endpoint enabled`
    /// - Terraform: `metadata_options { http_tokens = "required" }` on `aws_instance` or
    ///   `aws_launch_template`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html>
    pub static RULE = {
        id: "ec2-instance-imdsv1-allowed",
        title: "EC2 instance allows IMDSv1",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Medium,
        reads: [Instances],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_instance(rule, cx, |region, instance, resource| {
        let name = Some(region.region.as_str());
        let Some(metadata) = &instance.metadata else {
            return rule.unknown(
                resource,
                name,
                format!(
                    "could not be checked: EC2 returned no metadata options for {}",
                    instance.id
                ),
            );
        };
        let evidence = evidence!({
            "http_tokens": metadata.http_tokens,
            "http_endpoint": metadata.http_endpoint,
            "public_ip": instance.public_ip,
            "instance_profile": instance.instance_profile_arn,
        });
        let finding = if metadata.http_endpoint.as_deref() == Some("disabled") {
            rule.pass(
                resource,
                name,
                format!("{}: the metadata endpoint is disabled", instance.id),
            )
        } else if metadata.http_tokens.as_deref() == Some("required") {
            rule.pass(resource, name, format!("{} requires IMDSv2", instance.id))
        } else {
            let tokens = metadata.http_tokens.as_deref().unwrap_or("not reported");
            rule.fail(
                resource,
                name,
                format!("{} allows IMDSv1 (HttpTokens: {tokens})", instance.id),
            )
        };
        finding.with_evidence(evidence)
    })
}
