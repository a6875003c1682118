use crate::declare_rule;
use crate::evidence;
use crate::access::policy::Effect;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_customer_policy;

declare_rule! {
    /// ## What it checks
    /// Customer-managed policies that are attached, and inline policies, with an `Allow`
    /// statement granting every action of a service (`s3:*`, `iam:*`...) on every resource.
    /// Full `*` grants are reported by `iam-policy-full-admin` instead.
    ///
    /// ## Why it matters
    /// `service:*` includes that service's destructive and permission-changing actions
    /// (`s3:DeleteBucket`, `s3:PutBucketPolicy`, `iam:*` is administrator). It is rarely
    /// what the workload needs.
    ///
    /// ## How to fix
    /// List the actions the workload uses (IAM Access Analyzer policy generation, or the
    /// service's last-accessed data) and scope the resources.
    ///
    /// - Console: IAM → Policies → the policy → Edit.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://scoped.json --set-as-default`
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21>
    pub static RULE = {
        id: "iam-policy-service-wildcard",
        title: "Customer policy grants all actions of a service",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

/// `service:*` exactly: a whole service, not a prefix like `s3:Get*`.
fn service_wide(action: &str) -> Option<&str> {
    action
        .strip_suffix(":*")
        .filter(|service| !service.is_empty() && *service != "*" && !service.contains(['*', '?']))
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_policy(rule, cx, |policy, document| {
        let mut services = Vec::new();
        let mut statements = Vec::new();
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && s.covers_every_resource())
        {
            let wide: Vec<&str> = statement
                .action
                .iter()
                .flatten()
                .filter_map(|a| service_wide(a))
                .collect();
            if !wide.is_empty() {
                services.extend(wide.iter().map(|s| format!("{s}:*")));
                statements.push(&statement.raw);
            }
        }
        if services.is_empty() {
            return rule.pass(
                &policy.resource,
                None,
                format!("{} grants no service-wide wildcard on *", policy.label),
            );
        }
        services.sort();
        services.dedup();
        rule.fail(
            &policy.resource,
            None,
            format!(
                "{} grants {} on every resource",
                policy.label,
                services.join(", ")
            ),
        )
        .with_evidence(evidence!({ "statements": statements }))
    })
}
