use std::collections::HashMap;

use serde_json::json;

use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::model::FlowLog;
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// VPCs without a flow log attached to the VPC itself. Flow logs on single subnets or
    /// interfaces do not count: they leave the rest of the VPC unrecorded. A flow log whose
    /// status is not `ACTIVE` does not count either.
    ///
    /// ## Why it matters
    /// Flow logs are the record of who talked to what over the network. Without them an
    /// intrusion, data exfiltration or a misrouted connection cannot be investigated after
    /// the fact; monitoring the network is part of the customer's network duty.
    ///
    /// ## How to fix
    /// - Console: VPC → Your VPCs → the VPC → Flow logs → Create flow log (filter: All or
    ///   Reject; destination CloudWatch Logs or S3).
    /// - CLI: `aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-… --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET`
    /// - Terraform: an `aws_flow_log` with `vpc_id` set.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html>
    pub static RULE = {
        id: "ec2-vpc-flow-logs-disabled",
        title: "VPC has no flow log",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [Vpcs, FlowLogs],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        let name = region.region.as_str();
        let (vpcs, flow_logs) = match (region.vpcs.as_ref(), region.flow_logs.as_ref()) {
            (Ok(vpcs), Ok(flow_logs)) => (vpcs, flow_logs),
            (Err(gap), _) | (_, Err(gap)) => {
                findings.push(rule.unknown_gap(
                    arn::ec2(cx.snapshot, name, "vpc", "*"),
                    Some(name),
                    gap,
                ));
                continue;
            }
        };
        // Flow logs by the resource they log, so that each VPC costs a lookup, not a scan.
        let mut by_resource: HashMap<&str, Vec<&FlowLog>> = HashMap::new();
        for log in flow_logs {
            by_resource.entry(&log.resource_id).or_default().push(log);
        }
        for vpc in vpcs {
            let resource = arn::ec2(cx.snapshot, name, "vpc", &vpc.id);
            let logs = by_resource
                .get(vpc.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let active: Vec<&str> = logs
                .iter()
                .filter(|log| {
                    log.status
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"))
                })
                .map(|log| log.id.as_str())
                .collect();
            let evidence = evidence!({
                "vpc_id": vpc.id,
                "is_default": vpc.is_default,
                "flow_logs": logs.iter().map(|l| json!({"id": l.id, "status": l.status})).collect::<Vec<_>>(),
            });
            let finding = if !active.is_empty() {
                rule.pass(
                    resource,
                    Some(name),
                    format!("{} is logged by {}", vpc.id, active.join(", ")),
                )
            } else if logs.is_empty() {
                rule.fail(resource, Some(name), format!("{} has no flow log", vpc.id))
            } else {
                rule.fail(
                    resource,
                    Some(name),
                    format!("{} has flow logs, but none is active", vpc.id),
                )
            };
            findings.push(finding.with_evidence(evidence));
        }
    }
    findings
}
