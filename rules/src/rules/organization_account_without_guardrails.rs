use crate::declare_rule;
use crate::evidence;
use crate::organization::{account_arn, standing, Standing};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Scanned from an organization's management account: every member account must have
    /// at least one guardrail in force — a service control policy or resource control
    /// policy other than the AWS-managed full-access ones, attached to the account, an OU
    /// above it or the root, of a policy type enabled on the root. The management account
    /// is left out: no SCP or RCP applies to it. An account in no organization fails. In a
    /// member account the rule judges nothing; the management account's scan does.
    ///
    /// ## Why it matters
    /// Guardrails hold whatever IAM in the account allows: deny leaving the organization,
    /// turning off CloudTrail or GuardDuty, using regions the business does not, or
    /// sharing data outside the organization. Without one, an administrator of the account
    /// (or anyone who becomes one) can do all of it.
    ///
    /// ## How to fix
    /// - Enable the policy types on the root (`aws organizations enable-policy-type
    ///   --root-id r-... --policy-type SERVICE_CONTROL_POLICY`), write the guardrails, and
    ///   attach them to the root or to the OUs that hold workloads (`aws organizations
    ///   attach-policy`). Test on a sandbox OU first: a deny applies to every principal.
    /// - AWS Control Tower's preventive controls are SCPs and count.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>
    /// - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
    pub static RULE = {
        id: "organization-account-without-guardrails",
        title: "A member account has no guardrail policy",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [Organization],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let (organization, management) = match standing(rule, cx) {
        Standing::Unknown(finding) => return vec![finding],
        Standing::Member => return Vec::new(),
        Standing::Standalone => {
            let message = "the account is in no organization: no service or resource control \
                           policy can limit it";
            return vec![rule.fail(crate::model::arn::account(cx.snapshot), None, message)];
        }
        Standing::Management {
            organization,
            management,
        } => (organization, management),
    };
    let accounts = match management.accounts.as_ref() {
        Ok(accounts) => accounts,
        Err(gap) => {
            let scope = account_arn(cx, organization, "*");
            return vec![rule.unknown_gap(scope, None, gap)];
        }
    };
    (accounts.iter())
        .filter(|a| a.id != organization.management_account_id)
        .map(|account| {
            let resource = account_arn(cx, organization, &account.id);
            let label = format!("account {} ({})", account.id, account.name);
            let evidence = evidence!({ "guardrails": account.guardrails });
            if account.guardrails.is_empty() {
                let message = format!(
                    "{label} has no guardrail: only the AWS-managed full-access policies are \
                     in force for it"
                );
                rule.fail(resource, None, message)
            } else {
                let message = format!("{label} is held by {}", account.guardrails.join(", "));
                rule.pass(resource, None, message)
            }
            .with_evidence(evidence)
        })
        .collect()
}
