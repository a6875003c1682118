use ipnet::IpNet;
use serde_json::json;

use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::model::{NetworkAcl, NetworkAclEntry};
use crate::network::{covers, source_reach, ServicePort, SourceReach, ADMIN_PORTS};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::settings::Settings;

declare_rule! {
    /// ## What it checks
    /// Network ACLs that let the internet reach SSH (22) or RDP (3389), evaluated as AWS
    /// evaluates them: inbound entries in ascending rule number, the first entry that
    /// matches a packet decides. An `allow` entry from an internet-wide source (as in
    /// `ec2-security-group-admin-ports-open`) that covers the port is flagged unless an
    /// earlier `deny` entry covering the port already covers its whole source range — so
    /// `deny 0.0.0.0/0` at 100 before `allow 0.0.0.0/0` at 200 protects, and the reverse
    /// does not. IPv4 and IPv6 entries are evaluated separately. An earlier deny that covers
    /// only part of the allowed range does not clear it.
    ///
    /// ## Why it matters
    /// Network ACLs are the stateless subnet-level firewall: a second layer under security
    /// groups. Leaving remote administration open at this layer means one mistaken security
    /// group exposes the instance.
    ///
    /// ## How to fix
    /// Add low-numbered `deny` entries for 22 and 3389 from `0.0.0.0/0` and `::/0` (with
    /// allow entries for your own ranges before them, if needed).
    ///
    /// - Console: VPC → Network ACLs → the ACL → Inbound rules → Edit.
    /// - CLI: `aws ec2 create-network-acl-entry --network-acl-id acl-… --ingress --rule-number 50 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny`
    /// - Terraform: an `aws_network_acl_rule` with `egress = false`, `rule_action = "deny"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    pub static RULE = {
        id: "ec2-network-acl-admin-ports-open",
        title: "Network ACL allows SSH or RDP from the internet",
        duty: Duty::NetworkConfiguration,
        severity: Severity::Medium,
        reads: [NetworkAcls],
        check: check,
    };
}

fn entry_source(entry: &NetworkAclEntry) -> Option<&str> {
    entry
        .cidr_block
        .as_deref()
        .or(entry.ipv6_cidr_block.as_deref())
}

/// The first allow entry that lets the internet reach `port`, if any: `Err` names a
/// source that did not parse.
fn open_entry<'a>(
    entries: &[&'a NetworkAclEntry],
    port: &ServicePort,
    settings: &Settings,
) -> Result<Option<&'a NetworkAclEntry>, String> {
    let mut denied: Vec<IpNet> = Vec::new();
    for entry in entries {
        if !covers(&entry.protocol, entry.from_port, entry.to_port, port) {
            continue;
        }
        let Some(source) = entry_source(entry) else {
            continue;
        };
        let net: IpNet = source
            .parse()
            .map_err(|_| format!("`{source}` is not a CIDR block"))?;
        if entry.action.eq_ignore_ascii_case("deny") {
            denied.push(net);
            continue;
        }
        let shadowed = denied.iter().any(|deny| deny.contains(&net));
        if !shadowed && source_reach(source, settings)? == SourceReach::Internet {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        let name = region.region.as_str();
        let acls = match region.network_acls.as_ref() {
            Ok(acls) => acls,
            Err(gap) => {
                findings.push(rule.unknown_gap(
                    arn::ec2(cx.snapshot, name, "network-acl", "*"),
                    Some(name),
                    gap,
                ));
                continue;
            }
        };
        for acl in acls {
            findings.push(check_acl(rule, cx, name, acl));
        }
    }
    findings
}

fn check_acl(rule: &Rule, cx: &Context<'_>, region: &str, acl: &NetworkAcl) -> Finding {
    let resource = arn::ec2(cx.snapshot, region, "network-acl", &acl.id);
    let mut inbound: Vec<&NetworkAclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);
    let mut open = Vec::new();
    for port in ADMIN_PORTS {
        // IPv4 and IPv6 packets meet different entries.
        for family in [true, false] {
            let entries: Vec<&NetworkAclEntry> = inbound
                .iter()
                .copied()
                .filter(|e| {
                    if family {
                        e.cidr_block.is_some()
                    } else {
                        e.ipv6_cidr_block.is_some()
                    }
                })
                .collect();
            match open_entry(&entries, port, cx.settings) {
                Ok(Some(entry)) => open.push((port.label(), entry)),
                Ok(None) => {}
                Err(error) => {
                    return rule.unknown(
                        resource,
                        Some(region),
                        format!("could not be checked: {error}"),
                    )
                }
            }
        }
    }
    let subnets = if acl.subnet_ids.is_empty() {
        "associated with no subnet".to_string()
    } else {
        format!("associated with {}", acl.subnet_ids.join(", "))
    };
    if open.is_empty() {
        return rule.pass(
            resource,
            Some(region),
            format!("{} does not let the internet reach SSH or RDP", acl.id),
        );
    }
    let mut ports: Vec<&str> = open.iter().map(|(label, _)| label.as_str()).collect();
    ports.dedup();
    let evidence: Vec<_> = open
        .iter()
        .map(|(port, entry)| json!({ "port": port, "entry": entry }))
        .collect();
    rule.fail(
        resource,
        Some(region),
        format!("{} allows {} from the internet ({subnets})", acl.id, ports.join(", ")),
    )
    .with_evidence(evidence!({ "open": evidence, "vpc_id": acl.vpc_id, "subnet_ids": acl.subnet_ids, "is_default": acl.is_default }))
}
