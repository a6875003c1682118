//! EC2, read region by region.

use aws_config::{Region, SdkConfig};
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{self, IpPermission, PermissionGroup, SnapshotAttributeName};
use aws_sdk_ec2::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{
    EbsSnapshot, Ec2Region, FlowLog, Image, Instance, InstanceMetadataOptions, NetworkAcl,
    NetworkAclEntry, NetworkInterface, Observed, PermissionRule, SecurityGroup, Volume, Vpc,
};

use super::sdk::FALLBACK_REGION;
use super::{to_utc, Call, Tracker};
use posture_rules::parts::Part;

/// The largest page EC2's list calls return: fewer requests, and EC2 meters a call that
/// sets `MaxResults` against its larger token bucket (pacing.rs).
const PAGE: i32 = 1000;

/// How many snapshot attribute calls run at once in one region.
const SNAPSHOT_ATTRIBUTE_CONCURRENCY: usize = 16;

/// The requested regions, checked against every region of the partition
/// (ec2:DescribeRegions with all regions): one that does not exist is an error, naming the
/// nearest that does; one the account has not opted into is left out with a gap that says
/// so. If the list cannot be read, the regions are used as given and the gap says why.
pub async fn requested_regions(
    config: &SdkConfig,
    requested: Vec<String>,
    tracker: &Tracker,
) -> anyhow::Result<Vec<String>> {
    let client = Client::new(config);
    let result = client.describe_regions().all_regions(true).send().await;
    let Observed::Collected(output) =
        tracker.observe(Call::new(Part::Regions, None, "DescribeRegions"), result)
    else {
        return Ok(requested);
    };
    let known: Vec<(String, bool)> = output
        .regions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            let enabled = r.opt_in_status.as_deref() != Some("not-opted-in");
            Some((r.region_name?, enabled))
        })
        .collect();
    let mut regions = Vec::new();
    for region in requested {
        match known.iter().find(|(name, _)| *name == region) {
            Some((_, true)) => regions.push(region),
            Some((_, false)) => {
                let call = Call::new(Part::Regions, Some(&region), "DescribeRegions");
                let message = "the account has not opted in to this region: nothing in it was read";
                tracker.record(super::gap(&call, "RegionNotEnabled", message));
            }
            None => {
                let names = known.iter().map(|(name, _)| name.as_str());
                let hint = crate::suggest::closest(&region, names)
                    .map_or(String::new(), |near| format!("; did you mean `{near}`?"));
                anyhow::bail!("unknown region `{region}`{hint}");
            }
        }
    }
    Ok(regions)
}

/// The regions enabled for the account (ec2:DescribeRegions without opt-in-not-required
/// filtering: regions not opted into are left out, as they cannot hold resources). If the
/// call fails, the scan falls back to the configured region and the gap says so.
pub async fn enabled_regions(config: &SdkConfig, tracker: &Tracker) -> Vec<String> {
    let client = Client::new(config);
    let result = client.describe_regions().all_regions(false).send().await;
    match tracker.observe(Call::new(Part::Regions, None, "DescribeRegions"), result) {
        Observed::Collected(output) => {
            let mut regions: Vec<String> = output
                .regions
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.region_name)
                .collect();
            regions.sort();
            regions
        }
        Observed::Gap(_) => vec![config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| FALLBACK_REGION.to_string())],
    }
}

/// Every item of an EC2 list request, `PAGE` at a time: the one way the region's lists
/// are read.
macro_rules! every {
    ($request:expr) => {
        $request
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    };
}

/// One region's EC2 client, and where its calls are recorded.
struct Reader<'a> {
    client: Client,
    region: &'a str,
    tracker: &'a Tracker,
}

impl Reader<'_> {
    /// The items `listed` returns, each converted, when the selected rules read `part`
    /// (read with this one call).
    async fn list<T, U, E, R>(
        &self,
        part: Part,
        listed: impl std::future::Future<Output = Result<Vec<T>, SdkError<E, R>>>,
        convert: impl FnMut(T) -> U,
    ) -> Observed<Vec<U>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        let call = Call::of(part, Some(self.region));
        let read = self.tracker.read(call, listed).await;
        read.map(|items| items.into_iter().map(convert).collect())
    }
}

pub async fn collect_region(
    config: &SdkConfig,
    region: &str,
    account_id: &str,
    tracker: &Tracker,
) -> Ec2Region {
    let client = Client::from_conf(
        aws_sdk_ec2::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let reader = Reader {
        client,
        region,
        tracker,
    };
    let (r, c) = (&reader, &reader.client);
    let (
        vpcs,
        security_groups,
        network_acls,
        flow_logs,
        network_interfaces,
        instances,
        volumes,
        snapshots,
        images,
        ebs_encryption_by_default,
    ) = tokio::join!(
        r.list(Part::Vpcs, every!(c.describe_vpcs()), vpc),
        r.list(
            Part::SecurityGroups,
            every!(c.describe_security_groups()),
            |g| security_group(g, account_id)
        ),
        r.list(
            Part::NetworkAcls,
            every!(c.describe_network_acls()),
            network_acl
        ),
        r.list(Part::FlowLogs, every!(c.describe_flow_logs()), flow_log),
        r.list(
            Part::NetworkInterfaces,
            every!(c.describe_network_interfaces()),
            network_interface
        ),
        instances(r),
        r.list(Part::Volumes, every!(c.describe_volumes()), volume),
        snapshots(r),
        r.list(
            Part::Images,
            every!(c.describe_images().owners("self")),
            image
        ),
        ebs_encryption_by_default(r),
    );
    Ec2Region {
        region: region.to_string(),
        vpcs,
        security_groups,
        network_acls,
        flow_logs,
        network_interfaces,
        instances,
        volumes,
        snapshots,
        images,
        ebs_encryption_by_default,
    }
}

fn vpc(v: types::Vpc) -> Vpc {
    Vpc {
        id: v.vpc_id.unwrap_or_default(),
        cidr_block: v.cidr_block,
        is_default: v.is_default.unwrap_or(false),
    }
}

/// The group, owned by the scanned account unless EC2 says otherwise.
fn security_group(g: types::SecurityGroup, account_id: &str) -> SecurityGroup {
    SecurityGroup {
        id: g.group_id.unwrap_or_default(),
        name: g.group_name.unwrap_or_default(),
        description: g.description.unwrap_or_default(),
        vpc_id: g.vpc_id,
        owner_id: g.owner_id.unwrap_or_else(|| account_id.to_string()),
        ingress: permissions(g.ip_permissions),
        egress: permissions(g.ip_permissions_egress),
    }
}

fn network_acl(acl: types::NetworkAcl) -> NetworkAcl {
    NetworkAcl {
        id: acl.network_acl_id.unwrap_or_default(),
        vpc_id: acl.vpc_id,
        is_default: acl.is_default.unwrap_or(false),
        subnet_ids: (acl.associations.unwrap_or_default().into_iter())
            .filter_map(|a| a.subnet_id)
            .collect(),
        entries: (acl.entries.unwrap_or_default().into_iter())
            .map(network_acl_entry)
            .collect(),
    }
}

fn network_acl_entry(e: types::NetworkAclEntry) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: e.rule_number.unwrap_or_default(),
        egress: e.egress.unwrap_or(false),
        action: (e.rule_action)
            .map(|a| a.as_str().to_string())
            .unwrap_or_default(),
        protocol: e.protocol.unwrap_or_default(),
        cidr_block: e.cidr_block,
        ipv6_cidr_block: e.ipv6_cidr_block,
        from_port: e.port_range.as_ref().and_then(|p| p.from),
        to_port: e.port_range.as_ref().and_then(|p| p.to),
    }
}

fn flow_log(l: types::FlowLog) -> FlowLog {
    FlowLog {
        id: l.flow_log_id.unwrap_or_default(),
        resource_id: l.resource_id.unwrap_or_default(),
        status: l.flow_log_status,
    }
}

fn network_interface(n: types::NetworkInterface) -> NetworkInterface {
    NetworkInterface {
        id: n.network_interface_id.unwrap_or_default(),
        security_group_ids: (n.groups.unwrap_or_default().into_iter())
            .filter_map(|g| g.group_id)
            .collect(),
        instance_id: n.attachment.and_then(|a| a.instance_id),
        public_ip: n.association.and_then(|a| a.public_ip),
        interface_type: n.interface_type.map(|t| t.as_str().to_string()),
    }
}

/// The instances of every reservation.
async fn instances(reader: &Reader<'_>) -> Observed<Vec<Instance>> {
    let listed = every!(reader.client.describe_instances());
    let reservations = reader
        .list(Part::Instances, listed, |r| r.instances.unwrap_or_default())
        .await;
    reservations.map(|r| r.into_iter().flatten().map(instance).collect())
}

fn instance(i: types::Instance) -> Instance {
    Instance {
        id: i.instance_id.unwrap_or_default(),
        state: i.state.and_then(|s| s.name).map(|n| n.as_str().to_string()),
        public_ip: i.public_ip_address,
        instance_profile_arn: i.iam_instance_profile.and_then(|p| p.arn),
        security_group_ids: (i.security_groups.unwrap_or_default().into_iter())
            .filter_map(|g| g.group_id)
            .collect(),
        metadata: i.metadata_options.map(|m| InstanceMetadataOptions {
            http_tokens: m.http_tokens.map(|t| t.as_str().to_string()),
            http_endpoint: m.http_endpoint.map(|e| e.as_str().to_string()),
        }),
        name: (i.tags.unwrap_or_default().into_iter())
            .find(|t| t.key.as_deref() == Some("Name"))
            .and_then(|t| t.value),
    }
}

fn volume(v: types::Volume) -> Volume {
    Volume {
        id: v.volume_id.unwrap_or_default(),
        encrypted: v.encrypted.unwrap_or(false),
        kms_key_id: v.kms_key_id,
        state: v.state.map(|s| s.as_str().to_string()),
        attached_instance_ids: (v.attachments.unwrap_or_default().into_iter())
            .filter_map(|a| a.instance_id)
            .collect(),
        size_gib: v.size,
    }
}

/// The account's own EBS snapshots, each with whether it is public, sorted by id.
async fn snapshots(reader: &Reader<'_>) -> Observed<Vec<EbsSnapshot>> {
    let listed = every!(reader.client.describe_snapshots().owner_ids("self"));
    let call = Call::new(Part::Snapshots, Some(reader.region), "DescribeSnapshots");
    let listed = match reader.tracker.read(call, listed).await {
        Observed::Collected(listed) => listed,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let mut snapshots: Vec<EbsSnapshot> = stream::iter(listed)
        .map(|s| async move {
            let id = s.snapshot_id.unwrap_or_default();
            let public = snapshot_is_public(reader, &id).await;
            EbsSnapshot {
                volume_id: s.volume_id,
                encrypted: s.encrypted.unwrap_or(false),
                started: s.start_time.as_ref().and_then(to_utc),
                public,
                id,
            }
        })
        .buffer_unordered(SNAPSHOT_ATTRIBUTE_CONCURRENCY)
        .collect()
        .await;
    snapshots.sort_by(|a, b| a.id.cmp(&b.id));
    Observed::Collected(snapshots)
}

fn image(i: types::Image) -> Image {
    Image {
        id: i.image_id.unwrap_or_default(),
        name: i.name,
        public: i.public.unwrap_or(false),
    }
}

async fn ebs_encryption_by_default(reader: &Reader<'_>) -> Observed<bool> {
    let call = Call::of(Part::EbsEncryptionByDefault, Some(reader.region));
    let request = reader.client.get_ebs_encryption_by_default().send();
    let read = reader.tracker.read(call, request).await;
    read.map(|o| o.ebs_encryption_by_default.unwrap_or(false))
}

/// Whether the snapshot's `createVolumePermission` includes the group `all`.
async fn snapshot_is_public(reader: &Reader<'_>, id: &str) -> Observed<bool> {
    let result = (reader.client.describe_snapshot_attribute())
        .snapshot_id(id)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await;
    let operation = "DescribeSnapshotAttribute";
    let call = Call::new(Part::Snapshots, Some(reader.region), operation);
    reader.tracker.observe(call.on(id), result).map(|o| {
        (o.create_volume_permissions.unwrap_or_default().iter())
            .any(|p| p.group == Some(PermissionGroup::All))
    })
}

fn permissions(permissions: Option<Vec<IpPermission>>) -> Vec<PermissionRule> {
    permissions
        .unwrap_or_default()
        .into_iter()
        .map(|p| PermissionRule {
            protocol: p.ip_protocol.unwrap_or_else(|| "-1".to_string()),
            from_port: p.from_port,
            to_port: p.to_port,
            ipv4_ranges: p
                .ip_ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.cidr_ip)
                .collect(),
            ipv6_ranges: p
                .ipv6_ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.cidr_ipv6)
                .collect(),
            prefix_list_ids: p
                .prefix_list_ids
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.prefix_list_id)
                .collect(),
            referenced_group_ids: p
                .user_id_group_pairs
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.group_id)
                .collect(),
        })
        .collect()
}
