use chrono::{DateTime, Utc};
use serde_json::json;

use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// IAM users with a console password or an active access key not used for 45 days or
    /// more (configurable). A credential that was never used counts from when it was
    /// created (the user's creation for a password, the key's creation for a key).
    ///
    /// ## Why it matters
    /// Unused credentials are pure risk: nobody notices when they leak, and nobody misses
    /// them when they are removed. They often belong to people who have left.
    ///
    /// ## How to fix
    /// Disable or delete them.
    ///
    /// - Console: IAM → Users → the user → Security credentials → Manage console access →
    ///   Disable; Access keys → Actions → Deactivate.
    /// - CLI: `aws iam delete-login-profile --user-name USER`;
    ///   `aws iam update-access-key --user-name USER --access-key-id AKIA… --status Inactive`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html>
    pub static RULE = {
        id: "iam-credentials-unused",
        title: "IAM user credentials unused for 45 days or more",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let limit = cx.settings.credentials_unused_days;
    let idle_days = |last_used: Option<DateTime<Utc>>, created: Option<DateTime<Utc>>| {
        last_used
            .or(created)
            .map(|since| (cx.settings.now - since).num_days())
    };
    each_user_credentials(rule, cx, |row| {
        let mut stale = Vec::new();
        let mut checked = Vec::new();
        if row.password_enabled {
            match idle_days(row.password_last_used, row.user_created) {
                Some(days) if days >= limit => stale.push(json!({ "credential": "password", "idle_days": days, "last_used": row.password_last_used })),
                Some(_) => checked.push("password"),
                None => return Some(rule.unknown(&row.arn, None, format!("could not be checked: no dates for {}'s password", row.user))),
            }
        }
        for key in row.access_keys.iter().filter(|k| k.active) {
            match idle_days(key.last_used, key.last_rotated) {
                Some(days) if days >= limit => stale.push(json!({ "credential": format!("access key {}", key.slot), "idle_days": days, "last_used": key.last_used })),
                Some(_) => checked.push("access key"),
                None => return Some(rule.unknown(&row.arn, None, format!("could not be checked: no dates for {}'s access key {}", row.user, key.slot))),
            }
        }
        if stale.is_empty() && checked.is_empty() {
            return None;
        }
        Some(if stale.is_empty() {
            rule.pass(
                &row.arn,
                None,
                format!("{}'s credentials were used within {limit} days", row.user),
            )
        } else {
            let what: Vec<String> = stale
                .iter()
                .map(|s| {
                    format!(
                        "{} ({} days)",
                        s["credential"].as_str().unwrap_or("?"),
                        s["idle_days"]
                    )
                })
                .collect();
            rule.fail(
                &row.arn,
                None,
                format!(
                    "{} has credentials unused for {limit}+ days: {}",
                    row.user,
                    what.join(", ")
                ),
            )
            .with_evidence(evidence!({ "unused": stale }))
        })
    })
}
