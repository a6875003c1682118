use crate::declare_rule;
use crate::evidence;
use crate::access::policy::{Condition, Effect, Principals, Statement};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_role_trust;

declare_rule! {
    /// ## What it checks
    /// Roles that trust a web-identity (OIDC) provider without limiting *which* identities
    /// of that provider may assume them. For an `oidc-provider/HOST` principal, an `Allow`
    /// of `sts:AssumeRoleWithWebIdentity` must have a condition on `HOST:sub` (with
    /// `StringEquals` / `StringLike`) whose values are not a bare wildcard; for GitHub
    /// Actions (`token.actions.githubusercontent.com`) each value must also name the
    /// organisation without a wildcard (`repo:ORG/...`). For Amazon Cognito
    /// (`cognito-identity.amazonaws.com`) the condition is on
    /// `cognito-identity.amazonaws.com:aud`. An `aud` condition alone does not limit GitHub
    /// tokens: every workflow on GitHub gets the audience `sts.amazonaws.com`. SAML
    /// providers are not concerned (their assertions come from your own identity provider).
    ///
    /// Severity: critical for GitHub Actions (any repository in the world could assume the
    /// role), high for other providers.
    ///
    /// ## Why it matters
    /// An OIDC provider vouches for many identities: every GitHub repository, every service
    /// account of an EKS cluster, every user of a Cognito pool. Without a subject condition
    /// the role trusts all of them, and with GitHub that means strangers' workflows.
    ///
    /// ## How to fix
    /// Add the subject condition, as narrow as the workload allows:
    ///
    /// ```json
    /// "Condition": {
    ///   "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    ///   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:ref:refs/heads/main"}
    /// }
    /// ```
    ///
    /// - Console: IAM → Roles → the role → Trust relationships → Edit trust policy.
    /// - CLI: `aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json`
    /// - Terraform: a `condition` block on `"${var.provider}:sub"` in the `assume_role_policy`.
    ///
    /// ## References
    /// - <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub>
    pub static RULE = {
        id: "iam-role-web-identity-trust-without-subject",
        title: "Role trusts an OIDC provider without limiting the subject",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

const GITHUB: &str = "token.actions.githubusercontent.com";
const COGNITO: &str = "cognito-identity.amazonaws.com";

/// The provider a federated principal names, as condition keys spell it: `HOST[/path]` of
/// an `oidc-provider/` ARN, or Cognito. `None` for SAML and others.
fn web_identity_provider(principal: &str) -> Option<&str> {
    if principal == COGNITO {
        return Some(COGNITO);
    }
    principal
        .split_once(":oidc-provider/")
        .map(|(_, host)| host)
}

/// Whether one subject value names a bounded set of identities.
fn bounded_subject(provider: &str, value: &str) -> bool {
    if value.chars().all(|c| c == '*' || c == '?') {
        return false;
    }
    if provider == GITHUB {
        // `repo:ORG/REPO:...`: the organisation must be fixed.
        return value
            .strip_prefix("repo:")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(org, _)| !org.is_empty() && !org.contains(['*', '?']));
    }
    true
}

fn limits_subject(provider: &str, conditions: &[Condition]) -> bool {
    let key = if provider == COGNITO {
        format!("{COGNITO}:aud")
    } else {
        format!("{provider}:sub")
    };
    conditions.iter().any(|c| {
        let operator = c.operator.trim_start_matches("ForAnyValue:");
        c.key.eq_ignore_ascii_case(&key)
            && matches!(operator, "StringEquals" | "StringLike")
            && !c.values.is_empty()
            && c.values.iter().all(|v| bounded_subject(provider, v))
    })
}

/// The providers a statement trusts without a subject limit.
fn unbounded_providers(statement: &Statement) -> Vec<String> {
    if statement.effect != Effect::Allow
        || !statement.covers_action("sts:AssumeRoleWithWebIdentity")
    {
        return Vec::new();
    }
    let Some(Principals::Map(map)) = &statement.principal else {
        return Vec::new();
    };
    map.get("Federated")
        .into_iter()
        .flatten()
        .filter_map(|p| web_identity_provider(p))
        .filter(|provider| !limits_subject(provider, &statement.conditions))
        .map(str::to_string)
        .collect()
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_role_trust(rule, cx, |role, document| {
        let mut providers = Vec::new();
        let mut statements = Vec::new();
        for statement in &document.statements {
            let open = unbounded_providers(statement);
            if !open.is_empty() {
                providers.extend(open);
                statements.push(&statement.raw);
            }
        }
        if providers.is_empty() {
            return rule.pass(
                &role.arn,
                None,
                format!(
                    "{} trusts no web-identity provider without a subject limit",
                    role.name
                ),
            );
        }
        providers.sort();
        providers.dedup();
        let severity = if providers.iter().any(|p| p == GITHUB) {
            Severity::Critical
        } else {
            rule.severity
        };
        rule.fail(
            &role.arn,
            None,
            format!(
                "{} can be assumed by any identity of {}",
                role.name,
                providers.join(", ")
            ),
        )
        .with_severity(severity)
        .with_evidence(evidence!({ "providers": providers, "statements": statements }))
    })
}
