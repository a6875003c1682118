use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};
use crate::iterate::each_user_credentials;

declare_rule! {
    /// ## What it checks
    /// Every IAM user with active access keys, as one informational finding per user with
    /// when and by which service each key was last used: how much long-lived credential the
    /// account still carries. Users without active keys pass.
    ///
    /// ## Why it matters
    /// The Shared Responsibility Model puts credential management on the customer, and its
    /// advice is temporary credentials: roles for workloads, IAM Identity Center for people,
    /// OIDC federation for CI. Each access key is a secret that lives until someone deletes
    /// it.
    ///
    /// ## How to fix
    /// Replace the key with a role the workload assumes (instance profile, ECS task role,
    /// Lambda execution role, IRSA / EKS Pod Identity, OIDC for CI), then delete the key.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles>
    pub static RULE = {
        id: "iam-user-long-lived-access-keys",
        title: "IAM user holds long-lived access keys",
        duty: Duty::TemporaryCredentials,
        severity: Severity::Info,
        reads: [CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_user_credentials(rule, cx, |row| {
        let active: Vec<_> = row.access_keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return Some(rule.pass(
                &row.arn,
                None,
                format!("{} has no active access key", row.user),
            ));
        }
        let uses: Vec<String> = active
            .iter()
            .map(|k| match (k.last_used, &k.last_used_service) {
                (Some(when), Some(service)) => format!(
                    "key {} last used {} by {service}",
                    k.slot,
                    when.format("%Y-%m-%d")
                ),
                (Some(when), None) => {
                    format!("key {} last used {}", k.slot, when.format("%Y-%m-%d"))
                }
                (None, _) => format!("key {} never used", k.slot),
            })
            .collect();
        Some(
            rule.fail(
                &row.arn,
                None,
                format!(
                    "{} has {} active access key(s): {}",
                    row.user,
                    active.len(),
                    uses.join("; ")
                ),
            )
            .with_evidence(evidence!({ "access_keys": Tree(&active) })),
        )
    })
}
