//! What Systems Manager knows of the account's running EC2 instances: the join of each
//! region's instances with its managed nodes and their patch states, shared by the rules
//! on guest OS patching.

use std::collections::HashMap;

use crate::model::arn;
use crate::model::{Gap, Instance, ManagedNode, PatchState};
use crate::rule::{Context, Finding, Rule};

/// A running instance and what Systems Manager says of it.
pub struct Managed<'s> {
    pub instance: &'s Instance,
    pub region: &'s str,
    pub arn: String,
    /// `None`: the instance is not a managed node (no agent registered, or no role that
    /// lets it register).
    pub node: Option<&'s ManagedNode>,
    /// The patch state it last reported (`None`: never), or why the states are unknown.
    pub patch: Result<Option<&'s PatchState>, &'s Gap>,
}

/// Runs `judge` on every running EC2 instance of every region (`None`: the rule does not
/// apply to it). Stopped instances run no agent and cannot be judged by it. Where the region's instances or managed nodes are
/// unknown, the region's instances are one `unknown`.
pub fn each_running_instance(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(Managed<'_>) -> Option<Finding>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        let name = region.region.as_str();
        let scope = arn::ec2(cx.snapshot, name, "instance", "*");
        let instances = match region.instances.as_ref() {
            Ok(instances) => instances,
            Err(gap) => {
                findings.push(rule.unknown_gap(scope, Some(name), gap));
                continue;
            }
        };
        let running: Vec<&Instance> = (instances.iter())
            .filter(|i| i.state.as_deref() == Some("running"))
            .collect();
        if running.is_empty() {
            continue;
        }
        let Some(ssm) = cx.snapshot.ssm.iter().find(|r| r.region == name) else {
            let reason = format!("could not be checked: Systems Manager was not read in {name}");
            findings.push(rule.unknown(scope, Some(name), reason));
            continue;
        };
        let nodes: HashMap<&str, &ManagedNode> = match ssm.managed_nodes.as_ref() {
            Ok(nodes) => nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
            Err(gap) => {
                findings.push(rule.unknown_gap(scope, Some(name), gap));
                continue;
            }
        };
        let states: Result<HashMap<&str, &PatchState>, &Gap> = (ssm.patch_states.as_ref())
            .map(|states| states.iter().map(|s| (s.instance_id.as_str(), s)).collect());
        findings.extend(running.into_iter().filter_map(|instance| {
            judge(Managed {
                instance,
                region: name,
                arn: arn::ec2(cx.snapshot, name, "instance", &instance.id),
                node: nodes.get(instance.id.as_str()).copied(),
                patch: (states.as_ref())
                    .map(|states| states.get(instance.id.as_str()).copied())
                    .map_err(|gap| *gap),
            })
        }));
    }
    findings
}

impl Managed<'_> {
    /// "i-0abc (web-1)".
    pub fn label(&self) -> String {
        match &self.instance.name {
            Some(name) => format!("{} ({name})", self.instance.id),
            None => self.instance.id.clone(),
        }
    }

    /// The `unknown` finding of an instance that is not a managed node: what Systems
    /// Manager would report of it cannot be read.
    pub fn not_managed(&self, rule: &Rule, what: &str) -> Finding {
        let reason = format!(
            "could not be checked: {} is not managed by Systems Manager, so its {what} cannot \
             be read (see ec2-instance-not-managed-by-ssm)",
            self.label()
        );
        rule.unknown(&self.arn, Some(self.region), reason)
    }
}
