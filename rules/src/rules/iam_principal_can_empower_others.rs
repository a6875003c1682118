use serde::Serialize;

use crate::access::graph::evidence::{describe_step, StepEvidence};
use crate::access::graph::{Empowerment, Graph};
use crate::access::identity::Principal;
use crate::declare_rule;
use crate::iterate::with_access_graph;
use crate::model::arn;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Users (with the policies of their groups) and roles that are not administrators and
    /// can change the permissions of *other* principals with their own: write an inline
    /// policy into another user or role, attach a managed policy to it, write or restore a
    /// version of a policy it holds, or give a group it is in more. The steps are the
    /// policy-rewriting paths of `iam-privilege-escalation`, judged the same way (denies,
    /// boundaries, resources, conditions) on the account's concrete principals.
    ///
    /// `iam-privilege-escalation` reports what a principal can gain for itself; this rule
    /// reports the power it holds over others, which it may not be able to use for itself
    /// (it can rewrite every customer policy but holds none of them; it can attach policies
    /// to users but is a role). The finding names the principals it can empower, those it
    /// can make administrators first, and is high when it can make one. A principal whose
    /// own policies could not be read is unknown; a principal it can empower whose
    /// policies could not be read is named with `"administrator": null`.
    ///
    /// ## Why it matters
    /// Whoever can rewrite another principal's permissions holds that principal's power
    /// too: a stolen help-desk role that may attach policies to users makes any user an
    /// administrator, and an insider needs only one colleague's credentials. Permissions
    /// management is the most sensitive grant in IAM, and least privilege is the customer's
    /// duty.
    ///
    /// ## How to fix
    /// Keep permissions management with administrators. Where a team must manage some
    /// identities, scope the IAM actions to them (`Resource` naming their path, a tag
    /// condition) and require a permissions boundary on what they create or change
    /// (`iam:PermissionsBoundary` condition).
    ///
    /// - Console: IAM → the user or role → Permissions → edit the policy named in the
    ///   finding.
    /// - CLI: `aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://scoped.json`
    /// - Terraform: the policy documents named in the finding; `permissions_boundary` on
    ///   the principals the team manages.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
    pub static RULE = {
        id: "iam-principal-can-empower-others",
        title: "IAM principal can change the permissions of other principals",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails, CredentialReport],
        check: check,
        slow: true,
    };
}

/// Principals named in a finding's evidence; the message names the first few.
const SHOWN: usize = 20;
const NAMED: usize = 3;

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    with_access_graph(rule, cx, |principals, graph| judge(rule, principals, graph))
}

fn judge(rule: &Rule, principals: &[Principal], graph: &Graph<'_>) -> Vec<Finding> {
    principals
        .iter()
        .enumerate()
        .filter(|(index, _)| !graph.is_administrator(*index))
        .map(|(index, principal)| {
            let label = principal.label();
            match graph.empowers(index) {
                Err(reason) => rule.unknown(
                    &principal.arn,
                    None,
                    format!("could not be checked: {label}: {reason}"),
                ),
                Ok(empowered) if empowered.is_empty() => rule.pass(
                    &principal.arn,
                    None,
                    format!("{label} cannot change the permissions of other principals"),
                ),
                Ok(empowered) => fail(rule, principal, principals, &empowered),
            }
        })
        .collect()
}

fn fail(
    rule: &Rule,
    actor: &Principal,
    principals: &[Principal],
    empowered: &[Empowerment],
) -> Finding {
    let arn_of = |e: &Empowerment| principals[e.target].arn.as_str();
    let administrators = empowered
        .iter()
        .filter(|e| e.makes_administrator == Ok(true))
        .count();
    let named: Vec<String> = empowered
        .iter()
        .take(NAMED)
        .map(|e| arn::resource_part(arn_of(e)).to_string())
        .collect();
    let more = empowered.len().saturating_sub(NAMED);
    let mut message = format!(
        "{} can change the permissions of {} other principal(s): {}{}",
        actor.label(),
        empowered.len(),
        named.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() },
    );
    if administrators > 0 {
        let first = describe_step(&empowered[0].step);
        message.push_str(&format!(
            "; it can make {administrators} of them an administrator ({first})"
        ));
    }
    let evidence = Empowered {
        administrators,
        principals: empowered.len(),
        shown: empowered
            .iter()
            .take(SHOWN)
            .map(|e| TargetEvidence {
                administrator: e.makes_administrator.as_ref().ok().copied(),
                principal: arn_of(e),
                step: StepEvidence::of(&e.step),
            })
            .collect(),
    };
    let (severity, exposure) = if administrators > 0 {
        (rule.severity, Some(Exposure::Administrator))
    } else {
        (Severity::Medium, None)
    };
    rule.fail(&actor.arn, None, message)
        .with_severity(severity)
        .with_exposure(exposure)
        .with_evidence_of(&evidence)
}

// Written straight from these, fields in the order a JSON tree prints them.

#[derive(Serialize)]
struct Empowered<'a> {
    /// How many of them it can make administrators.
    administrators: usize,
    /// How many principals it can empower.
    principals: usize,
    /// The first of them, administrators first.
    shown: Vec<TargetEvidence<'a>>,
}

#[derive(Serialize)]
struct TargetEvidence<'a> {
    /// Whether the principal then holds every permission; `null` when its permissions
    /// could not be judged.
    administrator: Option<bool>,
    principal: &'a str,
    step: StepEvidence<'a>,
}
