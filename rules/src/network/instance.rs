//! What instance rules share: which of an instance's security groups admit the internet.

use std::collections::HashMap;

use crate::model::{Ec2Region, Instance, SecurityGroup};
use crate::network::{source_reach, SourceReach};
use crate::settings::Settings;

/// The security groups of each region by id, built once: looking a group up for every
/// instance must not scan every group.
pub struct GroupsById<'a> {
    by_region: HashMap<&'a str, Result<HashMap<&'a str, &'a SecurityGroup>, String>>,
}

impl<'a> GroupsById<'a> {
    pub fn of(regions: &'a [Ec2Region]) -> GroupsById<'a> {
        let by_region = regions
            .iter()
            .map(|region| {
                let groups = region
                    .security_groups
                    .as_ref()
                    .map_err(|gap| gap.describe());
                let by_id =
                    groups.map(|groups| groups.iter().map(|g| (g.id.as_str(), g)).collect());
                (region.region.as_str(), by_id)
            })
            .collect();
        GroupsById { by_region }
    }
}

/// The instance's security groups that admit ingress from an internet-wide source on any
/// port. `Err` says why it cannot be known (groups not collected, a group missing).
pub fn internet_ingress(
    groups: &GroupsById<'_>,
    region: &Ec2Region,
    instance: &Instance,
    settings: &Settings,
) -> Result<Vec<String>, String> {
    let groups = match groups.by_region.get(region.region.as_str()) {
        Some(Ok(groups)) => groups,
        Some(Err(reason)) => return Err(reason.clone()),
        None => return Err(format!("region {} was not indexed", region.region)),
    };
    let mut open = Vec::new();
    for id in &instance.security_group_ids {
        let group = groups
            .get(id.as_str())
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
