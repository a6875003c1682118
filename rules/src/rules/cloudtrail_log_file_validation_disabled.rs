use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_own_trail;

declare_rule! {
    /// ## What it checks
    /// Trails of the account without log file integrity validation.
    ///
    /// ## Why it matters
    /// With validation on, CloudTrail writes a signed digest file every hour; anyone can
    /// then prove that a log file was not changed or deleted after delivery. Without it, an
    /// intruder who reaches the log bucket can edit the record of what they did, and the
    /// logs lose their value as evidence.
    ///
    /// ## How to fix
    /// - Console: CloudTrail → Trails → the trail → General details → Edit → Log file
    ///   validation: Enabled.
    /// - CLI: `aws cloudtrail update-trail --name TRAIL --enable-log-file-validation`
    /// - Terraform: `enable_log_file_validation = true` on `aws_cloudtrail`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html>
    pub static RULE = {
        id: "cloudtrail-log-file-validation-disabled",
        title: "A trail does not validate its log files",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [Trails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_own_trail(rule, cx, |trail, region| {
        let evidence = evidence!({ "log_file_validation": trail.log_file_validation });
        if trail.log_file_validation {
            let message = format!("trail {} validates its log files", trail.name);
            rule.pass(&trail.arn, region, message)
        } else {
            let message = format!(
                "trail {} does not validate its log files: changes to them cannot be detected",
                trail.name
            );
            rule.fail(&trail.arn, region, message)
        }
        .with_evidence(evidence)
    })
}
