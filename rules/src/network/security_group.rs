//! What the security-group rules share: finding the ingress permissions that admit the
//! internet, and reporting a group with its exposure.

use crate::model::arn;
use crate::model::{PermissionRule, SecurityGroup};
use crate::network::reachability::{Attachments, Reachability};
use crate::network::{source_reach, SourceReach};
use crate::rule::{Context, Finding, Rule};
use crate::{evidence, evidence_object};

/// One source of one ingress permission that admits the internet, and what it opens.
struct OpenIngress<'a> {
    opens: Vec<String>,
    source: &'a str,
    permission: &'a PermissionRule,
}

/// The internet-wide sources of a permission, and the reasons some could not be read.
fn internet_sources<'a>(
    permission: &'a PermissionRule,
    cx: &Context<'_>,
) -> (Vec<&'a str>, Vec<String>) {
    let mut internet = Vec::new();
    let mut errors = Vec::new();
    for source in permission.ipv4_ranges.iter().chain(&permission.ipv6_ranges) {
        match source_reach(source, cx.settings) {
            Ok(SourceReach::Internet) => internet.push(source.as_str()),
            Ok(SourceReach::Limited) => {}
            Err(error) => errors.push(error),
        }
    }
    (internet, errors)
}

/// Checks every security group of every region: a group fails when an ingress permission
/// from an internet-wide source opens something, as `opens` says (`None`: the permission
/// is not this rule's concern; `Some(labels)`: what it opens, e.g. `["SSH (22)"]`).
///
/// `nothing_open` completes the passing message: "sg-1 (web) {nothing_open}".
/// Sources that do not parse give `unknown` unless the group already fails.
pub fn check_ingress(
    rule: &Rule,
    cx: &Context<'_>,
    nothing_open: &str,
    opens: impl Fn(&PermissionRule) -> Option<Vec<String>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        let name = region.region.as_str();
        let groups = match region.security_groups.as_ref() {
            Ok(groups) => groups,
            Err(gap) => {
                let scope = arn::ec2(cx.snapshot, name, "security-group", "*");
                findings.push(rule.unknown_gap(scope, Some(name), gap));
                continue;
            }
        };
        let attachments = Attachments::of(region);
        for group in groups {
            let resource = arn::ec2(cx.snapshot, name, "security-group", &group.id);
            let (open, unparsable) = open_ingress(group, cx, &opens);
            let label = [&group.id, " (", &group.name, ")"].concat();
            let finding = if !open.is_empty() {
                let reachability = attachments.reachability(&group.id);
                fail_open(rule, resource, name, &label, &open, &reachability)
            } else if !unparsable.is_empty() {
                let message = format!("could not be checked: {}", unparsable.join("; "));
                rule.unknown(resource, Some(name), message)
            } else {
                let message = [&label, " ", nothing_open].concat();
                rule.pass(resource, Some(name), message)
            };
            findings.push(finding);
        }
    }
    findings
}

/// The sources of a group's ingress permissions that admit the internet to something
/// `opens` names, and the reasons some sources could not be read.
fn open_ingress<'a>(
    group: &'a SecurityGroup,
    cx: &Context<'_>,
    opens: impl Fn(&PermissionRule) -> Option<Vec<String>>,
) -> (Vec<OpenIngress<'a>>, Vec<String>) {
    let mut open = Vec::new();
    let mut unparsable = Vec::new();
    for permission in &group.ingress {
        let (internet, errors) = internet_sources(permission, cx);
        if internet.is_empty() && errors.is_empty() {
            // Nothing to report whatever the permission opens: its labels, which are
            // text, are not worth making.
            continue;
        }
        let Some(labels) = opens(permission).filter(|l| !l.is_empty()) else {
            continue;
        };
        open.extend(internet.into_iter().map(|source| OpenIngress {
            opens: labels.clone(),
            source,
            permission,
        }));
        unparsable.extend(errors);
    }
    (open, unparsable)
}

/// The failing finding of a group that admits the internet, its severity and exposure
/// following who uses the group.
fn fail_open(
    rule: &Rule,
    resource: String,
    region: &str,
    label: &str,
    open: &[OpenIngress<'_>],
    reachability: &Reachability,
) -> Finding {
    let mut opened: Vec<&str> = Vec::new();
    for label in open.iter().flat_map(|o| o.opens.iter()) {
        if !opened.contains(&label.as_str()) {
            opened.push(label);
        }
    }
    let evidence: Vec<_> = open
        .iter()
        .map(|o| {
            evidence_object!({
                "opens": o.opens,
                "source": o.source,
                "protocol": o.permission.protocol,
                "from_port": o.permission.from_port,
                "to_port": o.permission.to_port,
            })
        })
        .collect();
    let message = format!(
        "{label} allows {} from the internet; {}",
        opened.join(", "),
        reachability.summary()
    );
    rule.fail(resource, Some(region), message)
        .with_severity(reachability.adjust(rule.severity))
        .with_exposure(reachability.of_finding())
        .with_evidence(evidence!({ "open_ingress": evidence, "exposure": reachability }))
}
