//! What instance rules share: which of an instance's security groups admit the internet.

use crate::model::{Ec2Region, Instance};
use crate::network::{source_reach, SourceReach};
use crate::settings::Settings;

/// The instance's security groups that admit ingress from an internet-wide source on any
/// port. `Err` says why it cannot be known (groups not collected, a group missing).
pub fn internet_ingress(
    region: &Ec2Region,
    instance: &Instance,
    settings: &Settings,
) -> Result<Vec<String>, String> {
    let groups = region
        .security_groups
        .as_ref()
        .map_err(|gap| gap.describe())?;
    let mut open = Vec::new();
    for id in &instance.security_group_ids {
        let group = groups
            .iter()
            .find(|g| &g.id == id)
            .ok_or_else(|| format!("security group {id} was not listed"))?;
        let admits_internet = group.ingress.iter().any(|permission| {
            permission
                .ipv4_ranges
                .iter()
                .chain(&permission.ipv6_ranges)
                .any(|source| source_reach(source, settings) == Ok(SourceReach::Internet))
        });
        if admits_internet {
            open.push(id.clone());
        }
    }
    Ok(open)
}
