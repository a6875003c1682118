//! EC2: per region, the VPCs, security groups, network ACLs, flow logs, interfaces,
//! instances, volumes, snapshots, images and EBS encryption by default.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Observed;

/// Everything EC2 read in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ec2Region {
    pub region: String,
    pub vpcs: Observed<Vec<Vpc>>,
    pub security_groups: Observed<Vec<SecurityGroup>>,
    pub network_acls: Observed<Vec<NetworkAcl>>,
    pub flow_logs: Observed<Vec<FlowLog>>,
    pub network_interfaces: Observed<Vec<NetworkInterface>>,
    pub instances: Observed<Vec<Instance>>,
    pub volumes: Observed<Vec<Volume>>,
    pub snapshots: Observed<Vec<EbsSnapshot>>,
    pub images: Observed<Vec<Image>>,
    pub ebs_encryption_by_default: Observed<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub owner_id: String,
    pub ingress: Vec<PermissionRule>,
    pub egress: Vec<PermissionRule>,
}

/// One IP permission of a security group, as EC2 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRule {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all protocols.
    pub protocol: String,
    /// Absent (or -1) for all-protocol and ICMP rules.
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub ipv4_ranges: Vec<String>,
    pub ipv6_ranges: Vec<String>,
    pub prefix_list_ids: Vec<String>,
    pub referenced_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: Option<String>,
    pub is_default: bool,
    pub subnet_ids: Vec<String>,
    pub entries: Vec<NetworkAclEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// `allow` or `deny`.
    pub action: String,
    pub protocol: String,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or interface it logs.
    pub resource_id: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub security_group_ids: Vec<String>,
    pub instance_id: Option<String>,
    pub public_ip: Option<String>,
    pub interface_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub state: Option<String>,
    pub public_ip: Option<String>,
    pub instance_profile_arn: Option<String>,
    pub security_group_ids: Vec<String>,
    /// Metadata options; `None` when EC2 did not return them.
    pub metadata: Option<InstanceMetadataOptions>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceMetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub state: Option<String>,
    pub attached_instance_ids: Vec<String>,
    pub size_gib: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EbsSnapshot {
    pub id: String,
    pub volume_id: Option<String>,
    pub encrypted: bool,
    pub started: Option<DateTime<Utc>>,
    /// Whether `createVolumePermission` includes the group `all`.
    pub public: Observed<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub name: Option<String>,
    pub public: bool,
}
