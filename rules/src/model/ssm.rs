//! Systems Manager: managed nodes and their patch states, per region.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Observed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsmRegion {
    pub region: String,
    /// ssm:DescribeInstanceInformation, all pages: the nodes Systems Manager manages.
    pub managed_nodes: Observed<Vec<ManagedNode>>,
    /// ssm:DescribeInstancePatchStates for every managed node: a node absent here has
    /// never reported a patch scan.
    pub patch_states: Observed<Vec<PatchState>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedNode {
    /// An EC2 instance id (`i-...`) or a hybrid node's (`mi-...`).
    pub id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: String,
    pub last_ping: Option<DateTime<Utc>>,
    /// `EC2Instance` or `ManagedInstance` (a hybrid node).
    pub resource_type: Option<String>,
    pub platform: Option<String>,
    pub agent_version: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchState {
    pub instance_id: String,
    /// When the last scan or install ended.
    pub operation_end: Option<DateTime<Utc>>,
    /// `Scan` or `Install`.
    pub operation: Option<String>,
    pub missing: i32,
    pub failed: i32,
    pub installed_pending_reboot: i32,
    /// Missing patches the baseline classifies critical, or security; `None` when the
    /// agent did not report the split.
    pub critical_non_compliant: Option<i32>,
    pub security_non_compliant: Option<i32>,
}
