//! Who uses a security group, and whether any of them can be reached from the internet:
//! an open group attached to nothing is latent, one on an instance with a public IP is an
//! open door.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use std::collections::HashMap;

use crate::model::{Ec2Region, Gap, NetworkInterface};
use crate::network::is_public_address;
use crate::rule::Severity;

/// Serialized as an object with its `state` and the fields of that state, keys sorted as
/// every evidence object's are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    /// No network interface uses the group.
    Unattached,
    /// Attached, but no interface using it has a public address.
    AttachedPrivate {
        network_interfaces: Vec<String>,
        instances: Vec<String>,
    },
    /// Attached to at least one interface with a public address.
    Reachable {
        network_interfaces: Vec<String>,
        instances: Vec<String>,
        public_ips: Vec<String>,
    },
    /// The network interfaces could not be listed.
    Unknown { gap: Gap },
}

/// The network interfaces of one region by the security groups they use, built once so
/// that the exposure of every group costs a lookup rather than a scan of every interface.
pub struct Attachments<'a> {
    by_group: Result<HashMap<&'a str, Vec<&'a NetworkInterface>>, &'a Gap>,
}

impl<'a> Attachments<'a> {
    pub fn of(region: &'a Ec2Region) -> Attachments<'a> {
        let by_group = region.network_interfaces.as_ref().map(|interfaces| {
            let mut by_group: HashMap<&str, Vec<&NetworkInterface>> = HashMap::new();
            for eni in interfaces {
                let mut groups: Vec<&str> =
                    eni.security_group_ids.iter().map(String::as_str).collect();
                groups.sort_unstable();
                groups.dedup();
                for group in groups {
                    by_group.entry(group).or_default().push(eni);
                }
            }
            by_group
        });
        Attachments { by_group }
    }

    /// Who uses the group, and whether any of them is reachable.
    pub fn reachability(&self, group_id: &str) -> Reachability {
        match &self.by_group {
            Ok(by_group) => {
                let users = by_group.get(group_id).map_or(&[][..], Vec::as_slice);
                Reachability::of_users(users)
            }
            Err(gap) => Reachability::Unknown {
                gap: (*gap).clone(),
            },
        }
    }
}

impl Serialize for Reachability {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Reachability", 4)?;
        match self {
            Reachability::Unattached => {}
            Reachability::AttachedPrivate {
                network_interfaces,
                instances,
            } => {
                object.serialize_field("instances", instances)?;
                object.serialize_field("network_interfaces", network_interfaces)?;
            }
            Reachability::Reachable {
                network_interfaces,
                instances,
                public_ips,
            } => {
                object.serialize_field("instances", instances)?;
                object.serialize_field("network_interfaces", network_interfaces)?;
                object.serialize_field("public_ips", public_ips)?;
            }
            Reachability::Unknown { gap } => object.serialize_field("gap", &gap.sorted())?,
        }
        object.serialize_field("state", self.state())?;
        object.end()
    }
}

impl Reachability {
    fn state(&self) -> &'static str {
        match self {
            Reachability::Unattached => "unattached",
            Reachability::AttachedPrivate { .. } => "attached_private",
            Reachability::Reachable { .. } => "reachable",
            Reachability::Unknown { .. } => "unknown",
        }
    }

    /// The exposure of one group. For many groups of a region, build [`Attachments`] once.
    pub fn of_security_group(region: &Ec2Region, group_id: &str) -> Reachability {
        Attachments::of(region).reachability(group_id)
    }

    /// The exposure of a group used by these interfaces (in the region's order).
    fn of_users(users: &[&NetworkInterface]) -> Reachability {
        if users.is_empty() {
            return Reachability::Unattached;
        }
        let network_interfaces = users.iter().map(|eni| eni.id.clone()).collect();
        let mut instances: Vec<String> = users
            .iter()
            .filter_map(|eni| eni.instance_id.clone())
            .collect();
        instances.sort();
        instances.dedup();
        let public_ips: Vec<String> = users
            .iter()
            .filter_map(|eni| eni.public_ip.clone())
            .filter(|ip| is_public_address(ip))
            .collect();
        if public_ips.is_empty() {
            Reachability::AttachedPrivate {
                network_interfaces,
                instances,
            }
        } else {
            Reachability::Reachable {
                network_interfaces,
                instances,
                public_ips,
            }
        }
    }

    /// The severity scale for an open security group: reachable is one step worse than the
    /// rule's base severity, unattached one step better. Unknown exposure keeps the base.
    pub fn adjust(&self, base: Severity) -> Severity {
        match self {
            Reachability::Reachable { .. } => step(base, 1),
            Reachability::AttachedPrivate { .. } | Reachability::Unknown { .. } => base,
            Reachability::Unattached => step(base, -1),
        }
    }

    /// What a failing finding on the group declares: reachable from the internet, or no
    /// further than the group.
    pub fn of_finding(&self) -> Option<crate::rule::Exposure> {
        matches!(self, Reachability::Reachable { .. }).then_some(crate::rule::Exposure::Internet)
    }

    pub fn summary(&self) -> String {
        match self {
            Reachability::Unattached => "not attached to any network interface (latent)".into(),
            Reachability::AttachedPrivate {
                network_interfaces, ..
            } => format!(
                "attached to {} network interface(s), none with a public IP",
                network_interfaces.len()
            ),
            Reachability::Reachable { public_ips, .. } => {
                format!(
                    "reachable: attached to public IP(s) {}",
                    public_ips.join(", ")
                )
            }
            Reachability::Unknown { .. } => {
                "attachment unknown (network interfaces not collected)".into()
            }
        }
    }
}

fn step(severity: Severity, by: i32) -> Severity {
    let index = Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(0) as i32;
    let clamped = (index + by).clamp(Severity::Low as i32, Severity::Critical as i32);
    Severity::ALL[clamped as usize]
}
