use crate::declare_rule;
use crate::evidence;
use crate::organization::{organization_arn, standing, Standing};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Scanned from an organization's management account: whether centralized root access
    /// is on (IAM's `RootCredentialsManagement` feature), so that member accounts need no
    /// root credentials of their own. An account in no organization fails: there is nothing
    /// to manage its root user centrally. In a member account the rule judges nothing; the
    /// management account's scan does.
    ///
    /// ## Why it matters
    /// Every account's root user can do anything in it and cannot be limited by IAM or by
    /// service control policies. With root access managed centrally, member accounts have
    /// no root password, access keys or MFA devices to lose; the few tasks that need root
    /// run as short privileged sessions started from the management account.
    ///
    /// ## How to fix
    /// - `aws organizations enable-aws-service-access --service-principal iam.amazonaws.com`,
    ///   then `aws iam enable-organizations-root-credentials-management` and
    ///   `aws iam enable-organizations-root-sessions`, in the management account.
    /// - Then delete the existing root credentials of member accounts (IAM console → Root
    ///   access management).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management>
    pub static RULE = {
        id: "organization-root-access-not-centralized",
        title: "Root access of member accounts is not managed centrally",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [Organization, RootAccessFeatures],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let (organization, management) = match standing(rule, cx) {
        Standing::Unknown(finding) => return vec![finding],
        Standing::Member => return Vec::new(),
        Standing::Standalone => {
            let message = "the account is in no organization: its root user cannot be \
                           managed centrally";
            return vec![rule.fail(crate::model::arn::account(cx.snapshot), None, message)];
        }
        Standing::Management {
            organization,
            management,
        } => (organization, management),
    };
    let resource = organization_arn(cx, organization);
    let features = match management.root_access_features.as_ref() {
        Ok(features) => features,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let on = |feature: &str| features.iter().any(|f| f == feature);
    let evidence = evidence!({ "enabled_features": features });
    let finding = if on("RootCredentialsManagement") {
        let sessions = if on("RootSessions") {
            "privileged root sessions are on"
        } else {
            "privileged root sessions are off"
        };
        let message = format!(
            "organization {} manages member accounts' root credentials centrally; {sessions}",
            organization.id
        );
        rule.pass(resource, None, message)
    } else {
        let message = format!(
            "organization {} does not manage root credentials centrally: every member \
             account keeps a root user of its own",
            organization.id
        );
        rule.fail(resource, None, message)
    };
    vec![finding.with_evidence(evidence)]
}
