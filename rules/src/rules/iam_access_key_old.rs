use serde_json::json;

use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// Active access keys of IAM users created more than 90 days ago (configurable).
    ///
    /// ## Why it matters
    /// The older a key, the more places it has been copied to and the longer a leaked copy
    /// stays useful. Rotation bounds that window; temporary credentials (roles, Identity
    /// Center) remove it.
    ///
    /// ## How to fix
    /// Create a second key, move the workload to it, deactivate then delete the old one — or
    /// replace the key with a role.
    ///
    /// - Console: IAM → Users → the user → Security credentials → Create access key; then
    ///   Deactivate and Delete the old one.
    /// - CLI: `aws iam create-access-key --user-name USER`, then
    ///   `aws iam update-access-key --access-key-id AKIA… --status Inactive --user-name USER`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console>
    pub static RULE = {
        id: "iam-access-key-old",
        title: "Access key older than 90 days",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Medium,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let limit = cx.settings.access_key_max_age_days;
    each_user_credentials(rule, cx, |row| {
        let active: Vec<_> = row.access_keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return None;
        }
        let mut old = Vec::new();
        for key in &active {
            let Some(created) = key.last_rotated else {
                return Some(rule.unknown(
                    &row.arn,
                    None,
                    format!(
                        "could not be checked: no creation date for {}'s access key {}",
                        row.user, key.slot
                    ),
                ));
            };
            let age = (cx.settings.now - created).num_days();
            if age > limit {
                old.push(json!({ "key": key.slot, "age_days": age, "created": created }));
            }
        }
        Some(if old.is_empty() {
            rule.pass(
                &row.arn,
                None,
                format!(
                    "{}'s active access keys are at most {limit} days old",
                    row.user
                ),
            )
        } else {
            let ages: Vec<String> = old
                .iter()
                .map(|k| format!("key {} is {} days old", k["key"], k["age_days"]))
                .collect();
            rule.fail(&row.arn, None, format!("{}: {}", row.user, ages.join(", ")))
                .with_evidence(evidence!({ "old_keys": old }))
        })
    })
}
