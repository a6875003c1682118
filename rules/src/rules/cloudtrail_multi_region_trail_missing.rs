use serde_json::json;

use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::model::Trail;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::logging::trails::management_events;

declare_rule! {
    /// ## What it checks
    /// That at least one trail records the whole account: a multi-region trail that is
    /// logging and records every management event, reads and writes. An organization
    /// trail of the management account counts.
    ///
    /// ## Why it matters
    /// CloudTrail's record of API calls is how a team learns who changed what, when and
    /// from where: after an incident, in an audit, or when a key leaks. Without a trail
    /// that covers every region, a call made in a region nobody uses leaves no trace beyond
    /// CloudTrail's 90-day event history, and reads (`GetSecretValue`, `GetObject` of
    /// configuration) leave none at all if only writes are recorded.
    ///
    /// ## How to fix
    /// - Console: CloudTrail → Trails → Create trail; it applies to all regions by default;
    ///   keep management events on with both Read and Write.
    /// - CLI: `aws cloudtrail create-trail --name account-trail --s3-bucket-name BUCKET --is-multi-region-trail --enable-log-file-validation`
    ///   then `aws cloudtrail start-logging --name account-trail`.
    /// - Terraform: `aws_cloudtrail` with `is_multi_region_trail = true` and
    ///   `event_selector { read_write_type = "All", include_management_events = true }`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html>
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html>
    pub static RULE = {
        id: "cloudtrail-multi-region-trail-missing",
        title: "No multi-region trail records every management event",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [Trails],
        check: check,
    };
}

/// Whether the trail covers the account, `None` when a part of it could not be read.
fn covers_account(trail: &Trail) -> Option<bool> {
    let logging = *trail.logging.as_ref().ok()?;
    let selectors = trail.selectors.as_ref().ok()?;
    Some(trail.multi_region && logging && management_events(selectors).both())
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = arn::account(cx.snapshot);
    let trails = match cx.snapshot.logging.trails.as_ref() {
        Ok(trails) => trails,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let judged: Vec<(&Trail, Option<bool>)> =
        trails.iter().map(|t| (t, covers_account(t))).collect();
    let evidence = evidence!({ "trails": trails.iter().map(trail_evidence).collect::<Vec<_>>() });
    if let Some((trail, _)) = judged.iter().find(|(_, covers)| *covers == Some(true)) {
        let message = format!(
            "trail {} logs every region and records every management event",
            trail.name
        );
        return vec![rule.pass(resource, None, message).with_evidence(evidence)];
    }
    let unreadable: Vec<&str> = judged
        .iter()
        .filter(|(_, covers)| covers.is_none())
        .map(|(t, _)| t.name.as_str())
        .collect();
    let finding = if !unreadable.is_empty() {
        let reason = format!(
            "could not be checked: the status or event selectors of trail(s) {} could not \
             be read, and no other trail covers the account",
            unreadable.join(", ")
        );
        rule.unknown(resource, None, reason)
    } else if trails.is_empty() {
        rule.fail(resource, None, "the account has no CloudTrail trail")
    } else {
        let message = format!(
            "none of the {} trail(s) is a multi-region trail that is logging and records \
             every management event, reads and writes",
            trails.len()
        );
        rule.fail(resource, None, message)
    };
    vec![finding.with_evidence(evidence)]
}

fn trail_evidence(trail: &Trail) -> serde_json::Value {
    json!({
        "trail": trail.arn,
        "multi_region": trail.multi_region,
        "logging": trail.logging.as_ref().ok(),
        "management_events": trail.selectors.as_ref().ok().map(|s| {
            let records = management_events(s);
            json!({ "read": records.read, "write": records.write })
        }),
    })
}
