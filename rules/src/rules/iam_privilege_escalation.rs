use std::collections::BTreeSet;

use serde::Serialize;

use crate::access::graph::evidence::{describe_step, StepEvidence};
use crate::access::graph::{Escalation, Graph, Outcome, Verdict};
use crate::access::paths;
use crate::declare_rule;
use crate::access::identity::Principal;
use crate::rule::{Context, Duty, Exposure, Finding, Rule, Severity};
use crate::iterate::with_access_graph;

declare_rule! {
    /// ## What it checks
    /// Users (with the policies of their groups) and roles that can end up with more
    /// privileges than they hold, through the known privilege-escalation paths listed
    /// below, chained to any depth with the roles they can assume.
    ///
    /// Each step is evaluated as IAM does for the principal taking it, on the concrete
    /// resource it needs: explicit denies, permissions boundaries, `Resource` /
    /// `NotResource` against the account's users, groups, roles and policies, policy
    /// variables (`${aws:username}`, `${aws:PrincipalTag/...}`), and conditions against
    /// what is known (`iam:PassedToService`, `iam:PolicyARN`, `iam:PermissionsBoundary`,
    /// tags of the principal and of the target, the clock). A step whose condition can
    /// never hold is no step; one that depends on the request (MFA, source IP) still
    /// counts, and the finding says which condition it depends on.
    ///
    /// A chain counts only when it gains something: it ends as an administrator, as a
    /// principal holding a permission the actor lacks, or rewrites the permissions of a
    /// principal the actor controls. Passing a role needs a role that trusts the service
    /// (for EC2, one in an instance profile), and a role no more privileged than the actor
    /// gains nothing. Policies managed by AWS cannot be versioned by customers. Principals
    /// that already hold every permission are reported by `iam-principal-administrator`
    /// instead. A principal whose policies, or those of a principal it can reach, could not
    /// be read is unknown.
    ///
    /// ## Why it matters
    /// Any of these chains turns a limited identity into an administrator, or into a more
    /// privileged one, in a few calls: the limits written in its own policies do not hold.
    /// Attackers look for them first after stealing credentials.
    ///
    /// ## How to fix
    /// Break the first step of the chain named in the finding: scope the permission's
    /// `Resource` to what the principal must manage (for `iam:PassRole`, the specific roles,
    /// with `iam:PassedToService`), narrow the trust policy of the role it can assume, and
    /// set a permissions boundary on principals that must manage IAM.
    ///
    /// - Console: IAM → the user or role → Permissions → edit the policy named in the finding.
    /// - CLI: `aws iam put-role-permissions-boundary --role-name ROLE --permissions-boundary ARN`
    /// - Terraform: the policy documents named in the finding; `permissions_boundary` on
    ///   `aws_iam_role` / `aws_iam_user`.
    ///
    /// ## References
    /// - <https://pathfinding.cloud> (DataDog), <https://github.com/BishopFox/iam-vulnerable>
    /// - <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
    pub static RULE = {
        id: "iam-privilege-escalation",
        title: "IAM principal can escalate its privileges",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::High,
        reads: [IamAuthorizationDetails, CredentialReport],
        check: check,
        slow: true,
        appendix: ("Paths", paths::table_markdown),
    };
}

/// Chains shown in a finding's evidence; the message names the first.
const CHAINS_SHOWN: usize = 3;

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    with_access_graph(rule, cx, |principals, graph| judge(rule, principals, graph))
}

fn judge(rule: &Rule, principals: &[Principal], graph: &Graph<'_>) -> Vec<Finding> {
    principals
        .iter()
        .enumerate()
        .filter_map(|(index, principal)| {
            let label = principal.label();
            match graph.verdict(index) {
                Verdict::Administrator(_) => None,
                Verdict::Unknown(reason) => Some(rule.unknown(
                    &principal.arn,
                    None,
                    format!("could not be checked: {label}: {reason}"),
                )),
                Verdict::Contained => Some(rule.pass(
                    &principal.arn,
                    None,
                    format!("{label} has no known way to gain privileges"),
                )),
                Verdict::Escalates(found) => {
                    Some(escalation_finding(rule, &label, &principal.arn, &found))
                }
            }
        })
        .collect()
}

fn escalation_finding(rule: &Rule, label: &str, arn: &str, found: &[Escalation]) -> Finding {
    let best = &found[0];
    let outcome = match &best.outcome {
        Outcome::Administrator => "become an administrator".to_string(),
        Outcome::Gains(permission) => format!("gain {permission}"),
    };
    let route: Vec<String> = best.steps.iter().map(describe_step).collect();
    let mut message = format!("{label} can {outcome}: {}", route.join(", then "));
    let depends = best.depends_on();
    if !depends.is_empty() {
        let keys: Vec<&str> = depends.iter().map(String::as_str).collect();
        message.push_str(&format!(" (if the request satisfies {})", keys.join(", ")));
    }
    // Chains come best first, so the first says whether any ends with every permission.
    let (severity, exposure) = match best.outcome {
        Outcome::Administrator => (rule.severity, Some(Exposure::Administrator)),
        Outcome::Gains(_) => (Severity::Medium, None),
    };
    let chains: Vec<ChainEvidence<'_>> = found
        .iter()
        .take(CHAINS_SHOWN)
        .map(ChainEvidence::of)
        .collect();
    rule.fail(arn, None, message)
        .with_severity(severity)
        .with_exposure(exposure)
        .with_evidence_of(&Chains { chains })
}

// The evidence is written straight from these, not built as a JSON tree first: the
// chains quote whole policy statements, and a large account has many such findings. The
// fields are in the alphabetical order a JSON tree would print them in.

#[derive(Serialize)]
struct Chains<'a> {
    chains: Vec<ChainEvidence<'a>>,
}

#[derive(Serialize)]
struct ChainEvidence<'a> {
    depends_on: BTreeSet<String>,
    ends_as: &'a str,
    outcome: OutcomeEvidence<'a>,
    steps: Vec<StepEvidence<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OutcomeEvidence<'a> {
    Administrator(&'static str),
    Gains { gains: &'a str },
}

impl<'a> ChainEvidence<'a> {
    fn of(escalation: &'a Escalation) -> ChainEvidence<'a> {
        ChainEvidence {
            depends_on: escalation.depends_on(),
            ends_as: &escalation.ends_as,
            outcome: match &escalation.outcome {
                Outcome::Administrator => OutcomeEvidence::Administrator("administrator"),
                Outcome::Gains(permission) => OutcomeEvidence::Gains { gains: permission },
            },
            steps: escalation.steps.iter().map(StepEvidence::of).collect(),
        }
    }
}
