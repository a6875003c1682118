use crate::access::eval::{administrator, Decision};
use crate::declare_rule;
use crate::access::identity::principals;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::authorization_details;
use crate::{evidence, evidence_object};

declare_rule! {
    /// ## What it checks
    /// Users (with the policies of their groups) and roles that hold every action on every
    /// resource: an `Allow` of `*` on `*` in force, no deny that takes anything away, and
    /// no permissions boundary that does. Each is reported for review, with the statement
    /// that grants it; principals with less are passes. A principal whose policies could
    /// not be read is unknown.
    ///
    /// An administrator whose rights depend on a condition of the request (a deny unless
    /// MFA is used) is still listed, and the finding says which condition.
    ///
    /// ## Why it matters
    /// Whoever holds these rights holds the account: they can read every piece of data,
    /// erase the logs and grant anything to anyone. Knowing exactly who they are is the
    /// first question of an access review, and the number should be small.
    ///
    /// ## How to fix
    /// Keep administrators few, on roles assumed with MFA rather than on users with
    /// long-lived keys; give everyone else the permissions their job needs.
    ///
    /// - Console: IAM → the user or role → Permissions → remove `AdministratorAccess` or the
    ///   policy named in the finding.
    /// - CLI: `aws iam detach-user-policy --user-name USER --policy-arn ARN`
    /// - Terraform: the `aws_iam_*_policy_attachment` that grants it.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
    pub static RULE = {
        id: "iam-principal-administrator",
        title: "IAM principal holds every permission",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Info,
        reads: [IamAuthorizationDetails],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    principals(details)
        .iter()
        .map(|principal| {
            let label = principal.label();
            let perms = match principal.perms() {
                Ok(perms) => perms,
                Err(reason) => {
                    let message = format!("could not be checked: {label}: {reason}");
                    return rule.unknown(&principal.arn, None, message);
                }
            };
            let Decision::Allowed { by, depends_on } =
                administrator(principal, &perms, cx.settings.now)
            else {
                return rule.pass(
                    &principal.arn,
                    None,
                    format!("{label} does not hold every permission"),
                );
            };
            let mut message = format!("{label} can do everything in the account");
            if !depends_on.is_empty() {
                let keys: Vec<&str> = depends_on.iter().map(String::as_str).collect();
                message.push_str(&format!(" (if the request satisfies {})", keys.join(", ")));
            }
            let granted_by: Vec<_> = by
                .iter()
                .map(|g| evidence_object!({ "policy": g.policy, "statement": g.statement }))
                .collect();
            rule.fail(&principal.arn, None, message)
                .with_exposure(Exposure::Administrator)
                .with_evidence(evidence!({ "granted_by": granted_by, "depends_on": depends_on }))
        })
        .collect()
}
