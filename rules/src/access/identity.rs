//! IAM principals with the policies in force for them: a user's own and its groups'
//! policies, a role's policies, each parsed once, and the permissions boundary.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::access::eval::Perms;
use crate::access::policy::{self, PolicyDocument, SourcedPolicy};
use crate::model::arn;
use crate::model::{AttachedPolicy, AuthorizationDetails, InlinePolicy, ManagedPolicy, PolicyText};

/// A policy of a principal: parsed, or why it could not be (a parse error, a managed
/// policy whose document was not in the authorization details).
pub struct PolicyOf {
    pub source: String,
    pub document: SharedDocument,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    Role,
}

pub struct Principal {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    /// The unique id (`AIDA...`, `AROA...`).
    pub id: String,
    /// The account id from the ARN.
    pub account: String,
    pub tags: BTreeMap<String, String>,
    /// The groups of a user.
    pub groups: Vec<String>,
    /// ARNs of the managed policies in force: attached directly or to a group.
    pub managed_policy_arns: Vec<String>,
    pub policies: Vec<PolicyOf>,
    pub boundary_arn: Option<String>,
    /// `None`: no boundary. `Some(Err)`: a boundary whose document is not available.
    pub boundary: Option<SharedDocument>,
}

impl Principal {
    /// The parsed policies, or the first reason one could not be used.
    pub fn documents(&self) -> Result<Vec<SourcedPolicy<'_>>, String> {
        self.policies
            .iter()
            .map(|p| match &p.document {
                Ok(document) => Ok(SourcedPolicy {
                    source: p.source.clone(),
                    document,
                }),
                Err(error) => Err(format!("{}: {error}", p.source)),
            })
            .collect()
    }

    /// The boundary to apply, or why it cannot be.
    pub fn boundary(&self) -> Result<Option<&PolicyDocument>, String> {
        match &self.boundary {
            None => Ok(None),
            Some(Ok(document)) => Ok(Some(document)),
            Some(Err(error)) => Err(format!("permissions boundary: {error}")),
        }
    }

    /// Everything in force for the principal, or why it cannot be known.
    pub fn perms(&self) -> Result<Perms<'_>, String> {
        Ok(Perms {
            policies: self.documents()?,
            boundary: self.boundary()?,
        })
    }

    /// `user NAME` or `role NAME`, for messages.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
        };
        format!("{kind} {}", self.name)
    }
}

/// A parsed policy document, shared by every principal it is attached to.
pub type SharedDocument = Result<Arc<PolicyDocument>, String>;

/// A document that may not have been collected, parsed, or why it cannot be used.
pub fn parsed(text: Option<&PolicyText>) -> SharedDocument {
    let text = text.ok_or_else(|| "its document was not collected".to_string())?;
    text.document().map_err(|e| e.to_string())
}

/// The account's managed policies by ARN (each document parsed once, where it is kept).
struct ManagedIndex<'d> {
    policies: HashMap<&'d str, &'d ManagedPolicy>,
}

impl<'d> ManagedIndex<'d> {
    fn new(details: &'d AuthorizationDetails) -> ManagedIndex<'d> {
        ManagedIndex {
            policies: details
                .policies
                .iter()
                .map(|p| (p.arn.as_str(), p))
                .collect(),
        }
    }

    fn document(&self, arn: &str) -> SharedDocument {
        let Some(policy) = self.policies.get(arn) else {
            return Err("its document was not collected".to_string());
        };
        parsed(policy.default_document.as_ref())
    }
}

fn managed(index: &ManagedIndex<'_>, attached: &AttachedPolicy, via: &str) -> PolicyOf {
    let document = index.document(&attached.arn);
    PolicyOf {
        source: [&attached.arn, via].concat(),
        document,
    }
}

fn inline(policy: &InlinePolicy, via: &str) -> PolicyOf {
    PolicyOf {
        source: ["inline:", &policy.name, via].concat(),
        document: policy.document.document().map_err(|e| e.to_string()),
    }
}

fn boundary(details: &ManagedIndex<'_>, arn: &Option<String>) -> Option<SharedDocument> {
    let arn = arn.as_ref()?;
    let attached = AttachedPolicy {
        name: String::new(),
        arn: arn.clone(),
    };
    Some(managed(details, &attached, "").document)
}

/// The policies of every group, by name: what a user added to one would gain.
pub fn group_policies(details: &AuthorizationDetails) -> HashMap<String, Vec<PolicyOf>> {
    let index = ManagedIndex::new(details);
    details
        .groups
        .iter()
        .map(|g| (g.name.clone(), policies_of_group(&index, g)))
        .collect()
}

fn policies_of_group(index: &ManagedIndex<'_>, group: &crate::model::Group) -> Vec<PolicyOf> {
    let via = format!(" (via group {})", group.name);
    let mut policies: Vec<PolicyOf> = group
        .attached_policies
        .iter()
        .map(|p| managed(index, p, &via))
        .collect();
    policies.extend(group.inline_policies.iter().map(|p| inline(p, &via)));
    policies
}

/// Every user (with its groups' policies) and every role.
pub fn principals(account: &AuthorizationDetails) -> Vec<Principal> {
    let details = &ManagedIndex::new(account);
    let groups: HashMap<&str, &crate::model::Group> = account
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g))
        .collect();
    let mut principals = Vec::new();
    for user in &account.users {
        let mut policies: Vec<PolicyOf> = user
            .attached_policies
            .iter()
            .map(|p| managed(details, p, ""))
            .collect();
        policies.extend(user.inline_policies.iter().map(|p| inline(p, "")));
        let mut managed_policy_arns: Vec<String> = user
            .attached_policies
            .iter()
            .map(|p| p.arn.clone())
            .collect();
        for group_name in &user.groups {
            match groups.get(group_name.as_str()).copied() {
                Some(group) => {
                    managed_policy_arns
                        .extend(group.attached_policies.iter().map(|p| p.arn.clone()));
                    policies.extend(policies_of_group(details, group));
                }
                None => policies.push(PolicyOf {
                    source: format!("group {group_name}"),
                    document: Err("the group was not in the authorization details".into()),
                }),
            }
        }
        principals.push(Principal {
            kind: PrincipalKind::User,
            name: user.name.clone(),
            arn: user.arn.clone(),
            id: user.id.clone(),
            account: arn::account_of(&user.arn).unwrap_or_default(),
            tags: user.tags.clone(),
            groups: user.groups.clone(),
            managed_policy_arns,
            policies,
            boundary_arn: user.permissions_boundary_arn.clone(),
            boundary: boundary(details, &user.permissions_boundary_arn),
        });
    }
    for role in &account.roles {
        let mut policies: Vec<PolicyOf> = role
            .attached_policies
            .iter()
            .map(|p| managed(details, p, ""))
            .collect();
        policies.extend(role.inline_policies.iter().map(|p| inline(p, "")));
        principals.push(Principal {
            kind: PrincipalKind::Role,
            name: role.name.clone(),
            arn: role.arn.clone(),
            id: role.id.clone(),
            account: arn::account_of(&role.arn).unwrap_or_default(),
            tags: role.tags.clone(),
            groups: Vec::new(),
            managed_policy_arns: role
                .attached_policies
                .iter()
                .map(|p| p.arn.clone())
                .collect(),
            policies,
            boundary_arn: role.permissions_boundary_arn.clone(),
            boundary: boundary(details, &role.permissions_boundary_arn),
        });
    }
    principals
}

/// A policy the customer wrote: an attached customer-managed policy or an inline policy.
pub struct CustomerPolicy {
    /// The managed policy's ARN, or `{principal ARN}/inline-policy/{name}`.
    pub resource: String,
    /// How to name it in a message.
    pub label: String,
    pub document: SharedDocument,
}

/// Customer-managed policies that are attached to something, and every inline policy.
/// (AWS-managed policies are AWS's to write; unattached ones grant nothing.)
pub fn customer_policies(details: &AuthorizationDetails) -> Vec<CustomerPolicy> {
    let mut policies: Vec<CustomerPolicy> = details
        .policies
        .iter()
        .filter(|p| p.attachment_count > 0 && !p.arn.contains(":iam::aws:policy/"))
        .map(|p| CustomerPolicy {
            resource: p.arn.clone(),
            label: ["managed policy ", display_name(p)].concat(),
            document: parsed(p.default_document.as_ref()),
        })
        .collect();
    // Every rule that reads policies lists them: the text is made only for what exists.
    let mut inline_of = |kind: &str, owner: &str, owner_arn: &str, inline: &[InlinePolicy]| {
        policies.extend(inline.iter().map(|p| CustomerPolicy {
            resource: [owner_arn, "/inline-policy/", &p.name].concat(),
            label: ["inline policy ", &p.name, " of ", kind, " ", owner].concat(),
            document: p.document.document().map_err(|e| e.to_string()),
        }));
    };
    for user in &details.users {
        inline_of("user", &user.name, &user.arn, &user.inline_policies);
    }
    for group in &details.groups {
        inline_of("group", &group.name, &group.arn, &group.inline_policies);
    }
    for role in &details.roles {
        inline_of("role", &role.name, &role.arn, &role.inline_policies);
    }
    policies
}

/// Whether an `Allow` statement grants every action (`*` or `*:*`) on every resource.
pub fn grants_full_admin(statement: &policy::Statement) -> bool {
    statement.effect == policy::Effect::Allow
        && statement.covers_every_resource()
        && statement
            .action
            .as_ref()
            .is_some_and(|actions| actions.iter().any(|a| a == "*" || a == "*:*"))
}

/// A managed policy's name, from its ARN when the API left it out (never printed empty).
fn display_name(policy: &ManagedPolicy) -> &str {
    if policy.name.is_empty() {
        crate::model::policy_name_from_arn(&policy.arn)
    } else {
        &policy.name
    }
}
