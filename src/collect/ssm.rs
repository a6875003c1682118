//! Systems Manager, region by region: the managed nodes (EC2 instances and hybrid nodes
//! whose agent has registered), then the patch state each has reported.

use aws_config::{Region, SdkConfig};
use aws_sdk_ssm::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{ManagedNode, Observed, PatchState, SsmRegion};
use posture_rules::parts::{not_collected, Part};

use super::{each_region, to_utc, Call, Tracker};

/// The largest page `DescribeInstanceInformation` returns.
const NODE_PAGE: i32 = 50;

/// The most instance ids one `DescribeInstancePatchStates` request takes, and its page.
const PATCH_BATCH: usize = 50;
const PATCH_PAGE: i32 = 100;

/// How many batches of one region are read at once.
const BATCH_CONCURRENCY: usize = 4;

pub async fn collect(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Vec<SsmRegion> {
    let nodes = each_region(regions, tracker, Part::SsmManagedNodes, |region| {
        managed_nodes(config, region, tracker)
    })
    .await;
    let nodes_of = |region: &str| {
        let found = nodes.iter().find(|(name, _)| name == region);
        found.map(|(_, observed)| observed)
    };
    let patch_states = each_region(regions, tracker, Part::SsmPatchStates, |region| {
        patch_states(config, region, tracker, nodes_of(region))
    })
    .await;
    (nodes.iter().zip(patch_states))
        .map(|((region, managed_nodes), (_, patch_states))| SsmRegion {
            region: region.clone(),
            managed_nodes: managed_nodes.clone(),
            patch_states,
        })
        .collect()
}

fn client(config: &SdkConfig, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_ssm::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    )
}

async fn managed_nodes(
    config: &SdkConfig,
    region: &str,
    tracker: &Tracker,
) -> Observed<Vec<ManagedNode>> {
    let listed = (client(config, region).describe_instance_information())
        .max_results(NODE_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new(
        Part::SsmManagedNodes,
        Some(region),
        "DescribeInstanceInformation",
    );
    tracker.observe(call, listed).map(|nodes| {
        (nodes.into_iter())
            .map(|node| ManagedNode {
                id: node.instance_id.unwrap_or_default(),
                ping_status: (node.ping_status.as_ref())
                    .map_or_else(String::new, |s| s.as_str().to_string()),
                last_ping: node.last_ping_date_time.as_ref().and_then(to_utc),
                resource_type: node.resource_type.map(|t| t.as_str().to_string()),
                platform: node.platform_name,
                agent_version: node.agent_version,
                name: node.computer_name,
            })
            .collect()
    })
}

/// The patch states of the region's managed nodes, 50 ids a request. Without the node
/// list there is nothing to ask for: the list's own gap stands for them too.
async fn patch_states(
    config: &SdkConfig,
    region: &str,
    tracker: &Tracker,
    nodes: Option<&Observed<Vec<ManagedNode>>>,
) -> Observed<Vec<PatchState>> {
    let nodes = match nodes.map(Observed::as_ref) {
        Some(Ok(nodes)) => nodes,
        Some(Err(gap)) => return Observed::Gap(Box::new(gap.clone())),
        None => return Observed::Gap(Box::new(not_collected(Part::SsmManagedNodes))),
    };
    let client = client(config, region);
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let batches: Vec<_> = stream::iter(ids.chunks(PATCH_BATCH))
        .map(|batch| {
            let request = (client.describe_instance_patch_states())
                .set_instance_ids(Some(batch.iter().map(|id| id.to_string()).collect()))
                .max_results(PATCH_PAGE);
            request
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
        })
        .buffered(BATCH_CONCURRENCY)
        .collect()
        .await;
    let mut states = Vec::new();
    for batch in batches {
        let call = Call::new(
            Part::SsmPatchStates,
            Some(region),
            "DescribeInstancePatchStates",
        );
        match tracker.observe(call, batch) {
            Observed::Collected(read) => states.extend(read.into_iter().map(patch_state)),
            Observed::Gap(gap) => return Observed::Gap(gap),
        }
    }
    Observed::Collected(states)
}

fn patch_state(state: aws_sdk_ssm::types::InstancePatchState) -> PatchState {
    PatchState {
        instance_id: state.instance_id,
        operation_end: to_utc(&state.operation_end_time),
        operation: Some(state.operation.as_str().to_string()),
        missing: state.missing_count,
        failed: state.failed_count,
        installed_pending_reboot: state.installed_pending_reboot_count.unwrap_or(0),
        critical_non_compliant: state.critical_non_compliant_count,
        security_non_compliant: state.security_non_compliant_count,
    }
}
