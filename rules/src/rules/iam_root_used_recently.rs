use chrono::{DateTime, Utc};

use crate::declare_rule;
use crate::evidence;
use crate::access::root::root_row;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::iam_scope;

declare_rule! {
    /// ## What it checks
    /// Whether the root user signed in or used an access key within the last 90 days
    /// (configurable), from the root line of the credential report.
    ///
    /// ## Why it matters
    /// Root is for the few tasks only root can do. Regular use means daily work runs with
    /// unlimited, unauditable-by-policy power, and that the root credentials are handled
    /// often enough to leak.
    ///
    /// ## How to fix
    /// Give administrators their own identities (IAM Identity Center or roles) and keep the
    /// root credentials locked away; find out who used root and why in CloudTrail
    /// (`userIdentity.type = Root`).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html>
    pub static RULE = {
        id: "iam-root-used-recently",
        title: "Root user was used recently",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = iam_scope(cx, "root");
    let Some(row) = root_row(cx) else {
        return vec![match cx.snapshot.iam.credential_report.as_ref() {
            Err(gap) => rule.unknown_gap(resource, None, gap),
            Ok(_) => rule.unknown(
                resource,
                None,
                "could not be checked: the credential report has no root line",
            ),
        }];
    };
    let last_used: Option<DateTime<Utc>> = std::iter::once(row.password_last_used)
        .chain(row.access_keys.iter().map(|k| k.last_used))
        .flatten()
        .max();
    let days = cx.settings.root_recent_use_days;
    let evidence = evidence!({ "last_used": last_used, "window_days": days });
    let finding = match last_used {
        Some(when) if (cx.settings.now - when).num_days() < days => rule.fail(
            resource,
            None,
            format!(
                "the root user was last used {} ({} days ago)",
                when.format("%Y-%m-%d"),
                (cx.settings.now - when).num_days()
            ),
        ),
        Some(when) => rule.pass(
            resource,
            None,
            format!("the root user was last used {}", when.format("%Y-%m-%d")),
        ),
        None => rule.pass(
            resource,
            None,
            "the credential report records no use of the root user",
        ),
    };
    vec![finding.with_evidence(evidence)]
}
