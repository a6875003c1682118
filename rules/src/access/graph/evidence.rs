//! How a step of the graph is shown: in one line, and as evidence. The evidence is written
//! straight from these, not built as a JSON tree first: steps quote whole policy
//! statements, and a large account has many such findings. The fields are in the
//! alphabetical order a JSON tree would print them in.

use serde::Serialize;

use super::Step;
use crate::access::paths::EscalationPath;
use crate::access::policy::StatementText;
use crate::model::arn;

/// "title (path-id) on resource": what a step does, for a message.
pub fn describe_step(step: &Step) -> String {
    let title = EscalationPath::find(step.path).map_or(step.path, |p| p.title);
    format!(
        "{title} ({}) on {}",
        step.path,
        arn::resource_part(&step.target)
    )
}

#[derive(Serialize)]
pub struct StepEvidence<'a> {
    actions: Vec<ActionEvidence<'a>>,
    actor: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    path: &'static str,
    target: &'a str,
}

#[derive(Serialize)]
struct ActionEvidence<'a> {
    action: &'a str,
    granted_by: Vec<GrantEvidence<'a>>,
    resource: &'a str,
}

#[derive(Serialize)]
struct GrantEvidence<'a> {
    policy: &'a str,
    statement: &'a StatementText,
}

impl<'a> StepEvidence<'a> {
    pub fn of(step: &'a Step) -> StepEvidence<'a> {
        let actions = step.grants.iter().map(|g| ActionEvidence {
            action: &g.action,
            granted_by: g
                .granted_by
                .iter()
                .map(|grant| GrantEvidence {
                    policy: &grant.policy,
                    statement: &grant.statement,
                })
                .collect(),
            resource: &g.resource,
        });
        StepEvidence {
            actions: actions.collect(),
            actor: &step.actor,
            note: step.note,
            path: step.path,
            target: &step.target,
        }
    }
}
