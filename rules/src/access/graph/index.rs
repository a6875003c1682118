//! Lookups built once per account: who trusts whom, which roles each service runs code
//! with, group members, holders of each policy.

use std::collections::BTreeSet;

use foldhash::HashMap;

use crate::access::identity::{parsed, Principal, PrincipalKind, SharedDocument};
use crate::access::policy::{Effect, PolicyDocument, Principals};
use crate::model::{AuthorizationDetails, Role};

/// Who a role's trust policy lets assume it.
#[derive(Debug, Default)]
pub(super) struct Trust {
    /// Parsed trust policy, or why not.
    pub(super) document: Option<SharedDocument>,
    /// Service principals it trusts (`lambda.amazonaws.com`).
    pub(super) services: BTreeSet<String>,
}

/// Lookups the moves need for every actor, built once.
#[derive(Default)]
pub(super) struct Index {
    /// Roles that a service can run code with, by service principal (for EC2, only
    /// roles in an instance profile).
    pub(super) roles_by_service: HashMap<String, Vec<usize>>,
    /// Users of each group.
    pub(super) members: HashMap<String, Vec<usize>>,
    /// Principals holding each managed policy.
    pub(super) holders: HashMap<String, Vec<usize>>,
    /// Roles whose trust names a principal ARN, by that ARN.
    pub(super) trusting_name: HashMap<String, Vec<usize>>,
    /// Roles whose trust admits a whole account or anyone, or cannot be read, in the
    /// order of their ARNs (for [`Scope::select`](crate::access::eval::Scope::select)).
    pub(super) trusting_accounts: Vec<usize>,
    /// Every principal, in the order of their ARNs (for [`Scope::select`](crate::access::eval::Scope::select)).
    pub(super) in_arn_order: Vec<usize>,
    /// Principals by ARN.
    pub(super) by_arn: HashMap<String, usize>,
}

impl Index {
    pub(super) fn new(
        principals: &[Principal],
        details: &AuthorizationDetails,
        trust: &[Trust],
    ) -> Index {
        let mut index = Index::default();
        let profiles: std::collections::HashSet<&str> = details
            .roles
            .iter()
            .filter(|r| !r.instance_profiles.is_empty())
            .map(|r| r.arn.as_str())
            .collect();
        for (i, principal) in principals.iter().enumerate() {
            index.by_arn.insert(principal.arn.clone(), i);
            for group in &principal.groups {
                index.members.entry(group.clone()).or_default().push(i);
            }
            for policy in &principal.managed_policy_arns {
                index.holders.entry(policy.clone()).or_default().push(i);
            }
            for service in &trust[i].services {
                if service != "ec2.amazonaws.com" || profiles.contains(principal.arn.as_str()) {
                    index
                        .roles_by_service
                        .entry(service.clone())
                        .or_default()
                        .push(i);
                }
            }
            match &trust[i].document {
                Some(Ok(document)) => index.add_trust(i, document),
                Some(Err(_)) => index.trusting_accounts.push(i),
                None => {}
            }
        }
        let by_arn = |&a: &usize, &b: &usize| principals[a].arn.cmp(&principals[b].arn);
        index.trusting_accounts.sort_by(by_arn);
        index.in_arn_order = (0..principals.len()).collect();
        index.in_arn_order.sort_by(by_arn);
        index
    }

    fn add_trust(&mut self, role: usize, document: &PolicyDocument) {
        let mut open = false;
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            match &statement.principal {
                Some(Principals::Any) => open = true,
                Some(Principals::Map(map)) => {
                    for value in map.get("AWS").into_iter().flatten() {
                        let whole_account = value == "*"
                            || value.ends_with(":root")
                            || value.chars().all(|c| c.is_ascii_digit());
                        if whole_account {
                            open = true;
                        } else {
                            self.trusting_name
                                .entry(value.clone())
                                .or_default()
                                .push(role);
                        }
                    }
                }
                None => {}
            }
        }
        if open {
            self.trusting_accounts.push(role);
        }
    }
}

/// What a role's trust policy allows; `role` is the principal's own entry, if it is a role.
pub(super) fn trust_of(role: Option<&Role>, principal: &Principal) -> Trust {
    if principal.kind != PrincipalKind::Role {
        return Trust::default();
    }
    let Some(role) = role else {
        return Trust::default();
    };
    let document = parsed(role.trust_policy.as_ref());
    let services = match &document {
        Ok(document) => document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && s.covers_action("sts:AssumeRole"))
            .filter_map(|s| match &s.principal {
                Some(Principals::Map(map)) => map.get("Service").cloned(),
                _ => None,
            })
            .flatten()
            .collect(),
        Err(_) => BTreeSet::new(),
    };
    Trust {
        document: Some(document),
        services,
    }
}
