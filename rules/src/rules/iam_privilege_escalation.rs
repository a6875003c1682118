use serde_json::json;

use crate::declare_rule;
use crate::identity::{grants_full_admin, principals, PrincipalKind};
use crate::policy::{access, Access};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::scope::authorization_details;

declare_rule! {
    /// ## What it checks
    /// Users (with the policies of their groups) and roles whose policies in force allow a
    /// known way to raise their own privileges:
    ///
    /// - rewriting policies: `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`,
    ///   `iam:Attach{User,Group,Role}Policy`, `iam:Put{User,Group,Role}Policy`;
    /// - taking over identities: `iam:CreateAccessKey`, `iam:CreateLoginProfile`,
    ///   `iam:UpdateLoginProfile`, `iam:AddUserToGroup`, `iam:UpdateAssumeRolePolicy`;
    /// - passing a more privileged role to a service that runs code: `iam:PassRole` with
    ///   `ec2:RunInstances`, with `lambda:CreateFunction` and `lambda:InvokeFunction` or
    ///   `lambda:CreateEventSourceMapping`, with `cloudformation:CreateStack`, with
    ///   `glue:CreateDevEndpoint`, with `datapipeline:CreatePipeline`.
    ///
    /// Evaluation follows IAM: wildcards, `NotAction`, an explicit `Deny` (unconditional, on
    /// every resource) blocks a step, and a permissions boundary must allow every step. An
    /// `Allow` with conditions counts, since the condition may hold. The finding names each
    /// path and the statements that grant it. Principals with full administrator rights are
    /// not reported again here. A policy that cannot be parsed or was not collected gives
    /// unknown.
    ///
    /// ## Why it matters
    /// Any of these permissions turns a limited identity into an administrator in one or two
    /// calls, so the limits written elsewhere in its policies do not hold. Attackers look for
    /// them first after stealing credentials.
    ///
    /// ## How to fix
    /// Remove the permission, or scope its `Resource` to what the principal must manage (for
    /// `iam:PassRole`, the specific roles, with `iam:PassedToService`), and set a permissions
    /// boundary on principals that must manage IAM.
    ///
    /// - Console: IAM → the user or role → Permissions → edit the policy named in the finding.
    /// - CLI: `aws iam put-role-permissions-boundary --role-name ROLE --permissions-boundary ARN`
    /// - Terraform: the policy documents named in the finding; `permissions_boundary` on
    ///   `aws_iam_role` / `aws_iam_user`.
    ///
    /// ## References
    /// - <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
    pub static RULE = {
        id: "iam-privilege-escalation",
        title: "IAM principal can escalate its privileges",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        cis: [],
        fsbp: [],
        check: check,
    };
}

/// Each path: what it does, and the actions it needs together.
const PATHS: &[(&str, &[&str])] = &[
    (
        "create a new default version of a managed policy",
        &["iam:CreatePolicyVersion"],
    ),
    (
        "make an older policy version the default",
        &["iam:SetDefaultPolicyVersion"],
    ),
    (
        "attach any managed policy to a user",
        &["iam:AttachUserPolicy"],
    ),
    (
        "attach any managed policy to a group",
        &["iam:AttachGroupPolicy"],
    ),
    (
        "attach any managed policy to a role",
        &["iam:AttachRolePolicy"],
    ),
    ("write an inline policy into a user", &["iam:PutUserPolicy"]),
    (
        "write an inline policy into a group",
        &["iam:PutGroupPolicy"],
    ),
    ("write an inline policy into a role", &["iam:PutRolePolicy"]),
    (
        "create access keys for another user",
        &["iam:CreateAccessKey"],
    ),
    (
        "create a console password for a user",
        &["iam:CreateLoginProfile"],
    ),
    (
        "change a user's console password",
        &["iam:UpdateLoginProfile"],
    ),
    (
        "add a user to a more privileged group",
        &["iam:AddUserToGroup"],
    ),
    (
        "let itself assume a role by rewriting its trust policy",
        &["iam:UpdateAssumeRolePolicy"],
    ),
    (
        "pass a role to a new EC2 instance",
        &["iam:PassRole", "ec2:RunInstances"],
    ),
    (
        "pass a role to a new Lambda function and invoke it",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
    ),
    (
        "pass a role to a new Lambda function triggered by an event source",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
    ),
    (
        "pass a role to a CloudFormation stack",
        &["iam:PassRole", "cloudformation:CreateStack"],
    ),
    (
        "pass a role to a Glue development endpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
    ),
    (
        "pass a role to a Data Pipeline",
        &["iam:PassRole", "datapipeline:CreatePipeline"],
    ),
];

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    principals(details)
        .iter()
        .filter_map(|principal| {
            let kind = match principal.kind {
                PrincipalKind::User => "user",
                PrincipalKind::Role => "role",
            };
            let label = format!("{kind} {}", principal.name);
            let (documents, boundary) = match (principal.documents(), principal.boundary()) {
                (Ok(documents), Ok(boundary)) => (documents, boundary),
                (Err(error), _) | (_, Err(error)) => {
                    return Some(rule.unknown(&principal.arn, None, format!("could not be checked: {label}: {error}")))
                }
            };
            let admin = documents.iter().any(|d| d.document.statements.iter().any(grants_full_admin))
                && matches!(access(&documents, boundary, "*"), Access::Allowed(_));
            if admin {
                return None;
            }
            let mut found = Vec::new();
            for (what, actions) in PATHS {
                let steps: Vec<(&str, Access)> = actions.iter().map(|a| (*a, access(&documents, boundary, a))).collect();
                if steps.iter().all(|(_, step)| matches!(step, Access::Allowed(_))) {
                    let granted_by: Vec<_> = steps
                        .iter()
                        .map(|(action, step)| match step {
                            Access::Allowed(deciders) => json!({
                                "action": action,
                                "granted_by": deciders.iter().map(|d| json!({ "policy": d.source, "statement": d.statement })).collect::<Vec<_>>(),
                            }),
                            _ => json!(null),
                        })
                        .collect();
                    found.push((what, json!({ "path": what, "actions": actions, "steps": granted_by })));
                }
            }
            Some(if found.is_empty() {
                rule.pass(&principal.arn, None, format!("{label} has no known privilege-escalation path"))
            } else {
                let names: Vec<&str> = found.iter().map(|(what, _)| **what).collect();
                rule.fail(&principal.arn, None, format!("{label} can {}", names.join("; ")))
                    .with_evidence(json!({ "paths": found.into_iter().map(|(_, e)| e).collect::<Vec<_>>() }))
            })
        })
        .collect()
}
