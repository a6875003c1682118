use crate::declare_rule;
use crate::evidence;
use crate::model::ConfigRecorder;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};
use crate::iterate::{regional_scope, PerRegion};

declare_rule! {
    /// ## What it checks
    /// Every scanned region has an AWS Config recorder that is recording every supported
    /// resource type. Global resource types (IAM) need recording in one region only; a
    /// region whose recorder records them is named in the evidence.
    ///
    /// ## Why it matters
    /// Config keeps the history of each resource's configuration: what a security group
    /// allowed last Tuesday, when a bucket became public, which change broke a control.
    /// A region without a recorder has no such history, and resources created there to
    /// stay unnoticed stay unnoticed.
    ///
    /// ## How to fix
    /// - Console: AWS Config → the region → Settings → Edit → Record all resource types
    ///   supported in this region, with a delivery channel; then start recording.
    /// - CLI: `aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN --recording-group allSupported=true,includeGlobalResourceTypes=true`,
    ///   `aws configservice put-delivery-channel ...`, `aws configservice start-configuration-recorder --configuration-recorder-name default`
    /// - Terraform: `aws_config_configuration_recorder` with `recording_group {
    ///   all_supported = true }` and `aws_config_configuration_recorder_status { is_enabled
    ///   = true }` in each region.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html>
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html>
    pub static RULE = {
        id: "config-recorder-off",
        title: "AWS Config is not recording every resource type in a region",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [ConfigRecorders],
        check: check,
    };
}

fn complete(recorder: &ConfigRecorder) -> bool {
    recorder.all_supported && recorder.recording == Some(true)
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let config = PerRegion {
        service: "AWS Config",
        read: (cx.snapshot.logging.config.iter())
            .map(|c| (c.region.as_str(), &c.recorders))
            .collect(),
    };
    let scope = regional_scope(cx, "config", "configuration-recorder");
    config.judge(rule, cx, scope, |recorders, name, resource| {
        let region = Some(name);
        let evidence = evidence!({ "recorders": Tree(&recorders) });
        let finding = match recorders.iter().find(|r| complete(r)) {
            Some(recorder) => {
                let message = format!(
                    "recorder {} records every supported resource type in {name}",
                    recorder.name
                );
                rule.pass(resource, region, message)
            }
            None if recorders.is_empty() => rule.fail(
                resource,
                region,
                format!("{name} has no AWS Config recorder"),
            ),
            None => {
                let message = format!("AWS Config in {name} is {}", shortfall(&recorders[0]));
                rule.fail(resource, region, message)
            }
        };
        vec![finding.with_evidence(evidence)]
    })
}

/// What keeps a recorder from being complete, in words.
fn shortfall(recorder: &ConfigRecorder) -> String {
    match (recorder.recording, recorder.all_supported) {
        (Some(true), false) => format!(
            "recording only some resource types (recorder {})",
            recorder.name
        ),
        (None, _) => format!(
            "set up ({}), but its status was not returned",
            recorder.name
        ),
        _ => format!("set up ({}), but not recording", recorder.name),
    }
}
