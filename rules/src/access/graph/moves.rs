//! The moves and modifications each path of the table gives a principal, judged on the
//! account's concrete principals, groups and policies.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::OnceLock;

use super::{ActionGrant, Extra, Graph, Modification, Moves, Step, Targets};
use crate::access::condition::Truth;
use crate::access::eval::{
    conditions_hold, decide, resource_blind, scope, Actions, Decision, Fit, Grant, MentionedMemo,
    Perms, Request, Scope,
};
use crate::access::identity::{Principal, PrincipalKind};
use crate::access::paths::{resource_pattern, EscalationPath, How, Needs, Target, PATHS};
use crate::access::policy::{Effect, PolicyDocument, Principals};

const ASSUME_ROLE: &str = "sts:AssumeRole";

/// Every action of the table, and `sts:AssumeRole`: what each principal is asked about;
/// and the actions of each path, as a set of them (looked up once, not per principal).
struct TableActions {
    actions: Actions,
    of_path: Vec<u128>,
    assume_role: u128,
}

fn table_actions() -> &'static TableActions {
    static ACTIONS: OnceLock<TableActions> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let table = PATHS.iter().flat_map(|path| path.actions.iter().copied());
        let actions = Actions::new(table.chain([ASSUME_ROLE]));
        TableActions {
            of_path: PATHS
                .iter()
                .map(|path| actions.set_of(path.actions))
                .collect(),
            assume_role: actions.set_of(&[ASSUME_ROLE]),
            actions,
        }
    })
}

impl<'a> Graph<'a> {
    pub(super) fn moves_of(&self, actor: usize, memo: &mut MentionedMemo) -> Moves {
        let mut moves = Moves::default();
        let Ok(perms) = &self.perms[actor] else {
            return moves;
        };
        // Reaching an administrator ends a chain: what it could do next adds nothing.
        if self.admin[actor].is_some() {
            return moves;
        }
        let table = table_actions();
        let mentioned = table.actions.mentioned(perms, memo);
        let may_assume = mentioned.contains_all(table.assume_role);
        self.assume_role_moves(actor, perms, may_assume, &mut moves);
        for (path, actions) in PATHS.iter().zip(&table.of_path) {
            if !mentioned.contains_all(*actions) {
                continue;
            }
            match path.how {
                How::AssumeRole | How::Chain(_) => {}
                How::TakeOverUser(_) => {
                    self.take_over(actor, perms, path, Target::User, &mut moves)
                }
                How::RewriteTrust => self.take_over(actor, perms, path, Target::Role, &mut moves),
                How::WriteInline(target) => {
                    self.write_inline(actor, perms, path, target, &mut moves)
                }
                How::AttachManaged(target) => self.attach(actor, perms, path, target, &mut moves),
                How::NewPolicyVersion | How::OtherPolicyVersion => {
                    self.versions_moves(actor, perms, path, &mut moves)
                }
                How::JoinGroup => self.join_group(actor, perms, path, &mut moves),
                How::PassRole { services } => {
                    self.pass_role(actor, perms, path, services, &mut moves)
                }
                How::Hijack { services } => self.hijack(actor, perms, path, services, &mut moves),
            }
        }
        moves
    }

    /// Every action of `path` allowed on `target` (a principal or policy ARN, with tags
    /// when known), or the pattern of the service resource it acts on.
    fn path_allowed(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        target: &str,
        tags: Option<&BTreeMap<String, String>>,
        keys: &[(&'static str, String)],
    ) -> Option<(Vec<ActionGrant>, BTreeSet<String>)> {
        let principal = &self.principals[actor];
        let account = &principal.account;
        let mut grants = Vec::new();
        let mut depends = BTreeSet::new();
        for action in path.actions {
            let resource = if action.starts_with("iam:") {
                target.to_string()
            } else {
                resource_pattern(action, &self.partition, account)
            };
            let mut request = Request::new(action, &resource);
            if matches!(path.how, How::Hijack { .. }) {
                // Which existing resource holds which role is not known: the permission
                // counts only when it covers every resource of the type.
                request.allow_fit = Fit::All;
            }
            if action.starts_with("iam:") {
                if let Some(tags) = tags {
                    request = request.with_tags(tags);
                }
                request.context.extend(keys.iter().cloned());
            }
            match decide(principal, perms, &request, self.now) {
                Decision::Allowed { by, depends_on } => {
                    depends.extend(depends_on);
                    grants.push(ActionGrant {
                        action: action.to_string(),
                        resource: resource.clone(),
                        granted_by: by,
                    });
                }
                _ => return None,
            }
        }
        Some((grants, depends))
    }

    fn step(
        &self,
        actor: usize,
        path: &'static EscalationPath,
        target: &str,
        (grants, depends_on): (Vec<ActionGrant>, BTreeSet<String>),
    ) -> Rc<Step> {
        Rc::new(Step {
            path: path.id,
            actor: self.principals[actor].arn.clone(),
            target: target.to_string(),
            grants,
            depends_on,
            note: match path.how {
                How::Hijack { .. } => Some(
                    "the service's existing resources are not inventoried by posture: judged on \
                     every resource of their type, and on every role that trusts the service",
                ),
                _ => None,
            },
        })
    }

    fn take_over(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        kind: Target,
        moves: &mut Moves,
    ) {
        let scope = self.target_scope(actor, perms, path);
        for index in self.principals_in(&scope, principal_kind(kind)) {
            let target = &self.principals[index];
            if index == actor || !self.credentials_allow(path, target) {
                continue;
            }
            if let Some(granted) =
                self.path_allowed(actor, perms, path, &target.arn, Some(&target.tags), &[])
            {
                moves
                    .becomes
                    .push((index, self.step(actor, path, &target.arn, granted)));
            }
        }
    }

    /// Whether the target user's credentials let the path take it over; without the
    /// credential report, assumed so.
    fn credentials_allow(&self, path: &EscalationPath, target: &Principal) -> bool {
        let How::TakeOverUser(needs) = path.how else {
            return true;
        };
        let Some(row) = self.credentials.get(target.name.as_str()) else {
            return true;
        };
        let keys = row
            .access_keys
            .iter()
            .filter(|k| k.last_rotated.is_some())
            .count();
        match needs {
            Needs::Nothing => true,
            Needs::NoPassword => !row.password_enabled,
            Needs::Password => row.password_enabled,
            Needs::FreeKeySlot => keys < 2,
        }
    }

    /// Where the path's action on a principal or policy can reach at most, to skip the
    /// targets it cannot before evaluating each.
    fn target_scope(&self, actor: usize, perms: &Perms<'_>, path: &EscalationPath) -> Scope {
        match path.actions.iter().find(|a| a.starts_with("iam:")) {
            Some(action) => scope(&self.principals[actor], perms, action, self.now),
            None => Scope::Everything,
        }
    }

    /// The principals of one kind a scope may include, looked up directly when the scope
    /// names them one by one.
    fn principals_in(&self, scope: &Scope, kind: PrincipalKind) -> Vec<usize> {
        let of_kind = |&i: &usize| {
            let principal = &self.principals[i];
            principal.kind == kind && !service_linked(principal)
        };
        match scope.exact() {
            Some(arns) => {
                let found = arns
                    .iter()
                    .filter_map(|arn| self.index.by_arn.get(arn.as_str()));
                found.copied().filter(of_kind).collect()
            }
            None => {
                let arn = |i: usize| self.principals[i].arn.as_str();
                let selected = scope.select(&self.index.in_arn_order, arn);
                selected.into_iter().filter(of_kind).collect()
            }
        }
    }

    fn boundary_key(target: &Principal) -> Vec<(&'static str, String)> {
        target
            .boundary_arn
            .iter()
            .map(|arn| ("iam:permissionsboundary", arn.clone()))
            .collect()
    }

    fn write_inline(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        kind: Target,
        moves: &mut Moves,
    ) {
        if kind == Target::Group {
            let scope = self.target_scope(actor, perms, path);
            for group in self
                .details
                .groups
                .iter()
                .filter(|g| scope.may_include(&g.arn))
            {
                if let Some(granted) =
                    self.path_allowed(actor, perms, path, &group.arn, Some(&GROUP_TAGS), &[])
                {
                    let step = self.step(actor, path, &group.arn, granted);
                    for member in self.members(&group.name) {
                        moves.modifications.push(Modification {
                            targets: Targets::One(member),
                            extra: Extra::Anything,
                            step: step.clone(),
                        });
                    }
                }
            }
            return;
        }
        let scope = self.target_scope(actor, perms, path);
        for index in self.principals_in(&scope, principal_kind(kind)) {
            let target = &self.principals[index];
            let keys = Self::boundary_key(target);
            if let Some(granted) =
                self.path_allowed(actor, perms, path, &target.arn, Some(&target.tags), &keys)
            {
                moves.modifications.push(Modification {
                    targets: Targets::One(index),
                    extra: Extra::Anything,
                    step: self.step(actor, path, &target.arn, granted),
                });
            }
        }
    }

    /// The managed policies `iam:PolicyARN` lets the actor attach with `path`: the
    /// administrator policy AWS manages in every account, and those collected.
    fn attachable(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
    ) -> Vec<String> {
        let administrator = format!("arn:{}:iam::aws:policy/AdministratorAccess", self.partition);
        let candidates = std::iter::once(administrator.clone()).chain(
            self.details
                .policies
                .iter()
                .map(|p| p.arn.clone())
                .filter(|arn| *arn != administrator),
        );
        let principal = &self.principals[actor];
        let mut allowed = Vec::new();
        for candidate in candidates {
            let request =
                Request::new(path.actions[0], "*").with_key("iam:policyarn", candidate.clone());
            if decide(principal, perms, &request, self.now).allowed() {
                if candidate == administrator {
                    return vec![candidate];
                }
                allowed.push(candidate);
            }
        }
        allowed
    }

    fn attach(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        kind: Target,
        moves: &mut Moves,
    ) {
        let policies = self.attachable(actor, perms, path);
        let scope = self.target_scope(actor, perms, path);
        let targets: Vec<AttachTarget<'_>> = if kind == Target::Group {
            self.details
                .groups
                .iter()
                .filter(|g| scope.may_include(&g.arn))
                .map(|g| AttachTarget {
                    arn: g.arn.clone(),
                    tags: &GROUP_TAGS,
                    members: self.members(&g.name),
                    principal: None,
                })
                .collect()
        } else {
            self.principals_in(&scope, principal_kind(kind))
                .into_iter()
                .map(|i| {
                    let p = &self.principals[i];
                    AttachTarget {
                        arn: p.arn.clone(),
                        tags: &p.tags,
                        members: vec![i],
                        principal: Some(p),
                    }
                })
                .collect()
        };
        for AttachTarget {
            arn,
            tags,
            members,
            principal,
        } in targets
        {
            let boundary = principal.map(Self::boundary_key).unwrap_or_default();
            for policy in &policies {
                let mut keys = boundary.clone();
                keys.push(("iam:policyarn", policy.clone()));
                let Some(granted) = self.path_allowed(actor, perms, path, &arn, Some(tags), &keys)
                else {
                    continue;
                };
                let step = self.step(actor, path, &arn, granted);
                for &member in &members {
                    moves.modifications.push(Modification {
                        targets: Targets::One(member),
                        extra: Extra::Managed(policy.clone()),
                        step: step.clone(),
                    });
                }
            }
        }
    }

    fn versions_moves(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        moves: &mut Moves,
    ) {
        let scope = self.target_scope(actor, perms, path);
        for policy in self
            .details
            .policies
            .iter()
            .filter(|p| scope.may_include(&p.arn))
        {
            // AWS writes its managed policies; customers cannot version them.
            if policy.arn.contains(":iam::aws:policy/") {
                continue;
            }
            let extras: Vec<Extra> = match path.how {
                How::NewPolicyVersion => vec![Extra::Anything],
                _ => (0..policy.other_versions.len())
                    .map(|i| Extra::Version(policy.arn.clone(), i))
                    .collect(),
            };
            if extras.is_empty() {
                continue;
            }
            let Some(granted) = self.path_allowed(actor, perms, path, &policy.arn, None, &[])
            else {
                continue;
            };
            let full = policy.other_versions.len() + 1 >= MAX_POLICY_VERSIONS;
            if path.how == How::NewPolicyVersion
                && full
                && !self.may_delete_version(actor, perms, &policy.arn)
            {
                continue;
            }
            let step = self.step(actor, path, &policy.arn, granted);
            for &index in self.index.holders.get(&policy.arn).into_iter().flatten() {
                for extra in &extras {
                    moves.modifications.push(Modification {
                        targets: Targets::One(index),
                        extra: extra.clone(),
                        step: step.clone(),
                    });
                }
            }
        }
    }

    /// Whether the actor may delete a version of a policy that has no room for a new one.
    fn may_delete_version(&self, actor: usize, perms: &Perms<'_>, policy: &str) -> bool {
        let request = Request::new("iam:DeletePolicyVersion", policy);
        decide(&self.principals[actor], perms, &request, self.now).allowed()
    }

    fn join_group(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        moves: &mut Moves,
    ) {
        let scope = self.target_scope(actor, perms, path);
        for group in self
            .details
            .groups
            .iter()
            .filter(|g| scope.may_include(&g.arn))
        {
            if let Some(granted) =
                self.path_allowed(actor, perms, path, &group.arn, Some(&GROUP_TAGS), &[])
            {
                moves.modifications.push(Modification {
                    targets: Targets::AnyUser,
                    extra: Extra::Group(group.name.clone()),
                    step: self.step(actor, path, &group.arn, granted),
                });
            }
        }
    }

    /// Roles a service can run code with, with the service: those trusting it (and for
    /// EC2, in an instance profile).
    fn service_roles(&self, services: &[&'static str]) -> Vec<(usize, &'static str)> {
        let mut roles: Vec<(usize, &'static str)> = services
            .iter()
            .flat_map(|service| {
                let roles = self.index.roles_by_service.get(*service);
                roles
                    .into_iter()
                    .flatten()
                    .map(move |&role| (role, *service))
            })
            .collect();
        roles.sort_by_key(|(role, _)| *role);
        roles.dedup_by_key(|(role, _)| *role);
        roles
    }

    fn pass_role(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        services: &[&'static str],
        moves: &mut Moves,
    ) {
        let scope = self.target_scope(actor, perms, path);
        if matches!(scope, Scope::Everything)
            && path.actions.iter().all(|a| resource_blind(perms, a))
        {
            return self.pass_any_role(actor, perms, path, services, moves);
        }
        for (index, service) in self.service_roles(services) {
            if !scope.may_include(&self.principals[index].arn) {
                continue;
            }
            if index == actor {
                continue;
            }
            let role = &self.principals[index];
            let keys = [("iam:passedtoservice", service.to_string())];
            if let Some(granted) =
                self.path_allowed(actor, perms, path, &role.arn, Some(&role.tags), &keys)
            {
                moves
                    .becomes
                    .push((index, self.step(actor, path, &role.arn, granted)));
            }
        }
    }

    /// Passing roles where no statement looks at which role: the decision on one role of
    /// each service stands for all of them, and the move goes into the service's hub (one
    /// move, not one per role: an account where many principals may pass any role to a
    /// service that many roles trust would otherwise hold their product).
    fn pass_any_role(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        services: &[&'static str],
        moves: &mut Moves,
    ) {
        for service in services {
            let Some(hub) = self.hub_of(service) else {
                continue;
            };
            let Some(&sample) = self.hubs[hub].1.iter().find(|&&role| role != actor) else {
                continue;
            };
            let role = &self.principals[sample];
            let keys = [("iam:passedtoservice", service.to_string())];
            let Some((mut grants, depends)) =
                self.path_allowed(actor, perms, path, &role.arn, Some(&role.tags), &keys)
            else {
                continue;
            };
            let target = hub_name(service);
            for grant in grants.iter_mut().filter(|g| g.resource == role.arn) {
                grant.resource = target.clone();
            }
            let step = self.step(actor, path, &target, (grants, depends));
            moves.becomes.push((self.principals.len() + hub, step));
        }
    }

    /// The hub standing for the roles `service` runs code with.
    fn hub_of(&self, service: &str) -> Option<usize> {
        self.hubs.iter().position(|(s, _)| s == service)
    }

    fn hijack(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        services: &[&'static str],
        moves: &mut Moves,
    ) {
        let Some(granted) = self.path_allowed(actor, perms, path, "", None, &[]) else {
            return;
        };
        for service in services {
            let Some(hub) = self.hub_of(service) else {
                continue;
            };
            let target = hub_name(service);
            let step = self.step(actor, path, &target, granted.clone());
            moves.becomes.push((self.principals.len() + hub, step));
        }
    }

    /// Roles whose trust policy admits the actor, and that its own policies (when the trust
    /// names only its account) let it assume.
    fn assume_role_moves(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        may_assume: bool,
        moves: &mut Moves,
    ) {
        let principal = &self.principals[actor];
        let mut candidates: Vec<usize> = self
            .index
            .trusting_name
            .get(&principal.arn)
            .cloned()
            .unwrap_or_default();
        if may_assume {
            let scope = scope(principal, perms, "sts:AssumeRole", self.now);
            let arn = |i: usize| self.principals[i].arn.as_str();
            candidates.extend(scope.select(&self.index.trusting_accounts, arn));
        }
        candidates.sort_unstable();
        candidates.dedup();
        for index in candidates {
            let role = &self.principals[index];
            if index == actor {
                continue;
            }
            let request = Request::new("sts:AssumeRole", &role.arn).with_tags(&role.tags);
            let document = match &self.trust[index].document {
                Some(Ok(document)) => document,
                Some(Err(error)) => {
                    if may_assume && decide(principal, perms, &request, self.now).allowed() {
                        moves.unknown.get_or_insert_with(|| {
                            format!("trust policy of {}: {error}", role.label())
                        });
                    }
                    continue;
                }
                None => continue,
            };
            let Some((admits, trust_grant)) = self.admitted(principal, role, document, &request)
            else {
                continue;
            };
            let identity = decide(principal, perms, &request, self.now);
            let (mut granted_by, mut depends) = match (&admits, identity) {
                (_, Decision::Denied(_)) => continue,
                (Admits::Named, Decision::Allowed { by, depends_on }) => (by, depends_on),
                // A trust naming a user is enough on its own; one naming a role still
                // answers to that role's permissions boundary.
                (Admits::Named, Decision::NotAllowed)
                    if principal.kind == PrincipalKind::User
                        || boundary_allows(principal, perms, &request, self.now) =>
                {
                    (Vec::new(), BTreeSet::new())
                }
                (Admits::Named, Decision::NotAllowed) => continue,
                (Admits::Account, Decision::Allowed { by, depends_on }) if may_assume => {
                    (by, depends_on)
                }
                (Admits::Account, _) => continue,
            };
            depends.extend(trust_grant.1);
            granted_by.push(trust_grant.0);
            let step = Step {
                path: "sts-assume-role",
                actor: principal.arn.clone(),
                target: role.arn.clone(),
                grants: vec![ActionGrant {
                    action: "sts:AssumeRole".into(),
                    resource: role.arn.clone(),
                    granted_by,
                }],
                depends_on: depends,
                note: None,
            };
            moves.becomes.push((index, Rc::new(step)));
        }
    }

    /// Whether the trust policy admits `principal`, how, and the statement that does.
    fn admitted(
        &self,
        principal: &Principal,
        role: &Principal,
        document: &PolicyDocument,
        request: &Request<'_>,
    ) -> Option<(Admits, (Grant, BTreeSet<String>))> {
        let mut found = None;
        for statement in &document.statements {
            if !statement.covers_action("sts:AssumeRole") {
                continue;
            }
            let Some(admits) = statement
                .principal
                .as_ref()
                .and_then(|p| admits(p, principal, &self.partition))
            else {
                continue;
            };
            let truth = conditions_hold(principal, statement, request, self.now);
            let grant = Grant {
                policy: format!("trust policy of {}", role.label()),
                statement: statement.raw.clone(),
            };
            match (statement.effect, truth) {
                (_, Truth::No) => {}
                (Effect::Deny, Truth::Yes) => return None,
                (Effect::Deny, _) => {}
                (Effect::Allow, truth) => {
                    let depends = match truth {
                        Truth::Depends(keys) => keys,
                        _ => BTreeSet::new(),
                    };
                    if found.is_none() || admits == Admits::Named {
                        found = Some((admits, (grant, depends)));
                    }
                }
            }
        }
        found
    }

    fn members(&self, group: &str) -> Vec<usize> {
        self.index.members.get(group).cloned().unwrap_or_default()
    }
}

/// IAM groups cannot be tagged: their `aws:ResourceTag` keys are known to be absent.
static GROUP_TAGS: BTreeMap<String, String> = BTreeMap::new();

/// IAM keeps at most five versions of a managed policy: a new one needs a free slot.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
const MAX_POLICY_VERSIONS: usize = 5;

/// Whether the permissions boundary, if any, allows the request on its own.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
fn boundary_allows(
    principal: &Principal,
    perms: &Perms<'_>,
    request: &Request<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let Some(boundary) = perms.boundary else {
        return true;
    };
    let alone = Perms {
        policies: vec![crate::access::policy::SourcedPolicy {
            source: "permissions boundary".into(),
            document: boundary,
        }],
        boundary: None,
    };
    decide(principal, &alone, request, now).allowed()
}

/// A service-linked role: AWS owns its trust and permissions, no customer can rewrite,
/// attach to or write into it.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html>
fn service_linked(principal: &Principal) -> bool {
    principal.arn.contains(":role/aws-service-role/")
}

fn principal_kind(target: Target) -> PrincipalKind {
    match target {
        Target::User => PrincipalKind::User,
        _ => PrincipalKind::Role,
    }
}

/// A user, role or group a managed policy may be attached to, and who would hold it.
struct AttachTarget<'p> {
    arn: String,
    tags: &'p BTreeMap<String, String>,
    members: Vec<usize>,
    principal: Option<&'p Principal>,
}

/// How a trust policy admits a principal of the same account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admits {
    /// By its own ARN: no identity permission is needed.
    Named,
    /// Through its account (`root`, the account id or `*`): its own policies must allow
    /// `sts:AssumeRole` on the role too.
    Account,
}

fn admits(principals: &Principals, principal: &Principal, partition: &str) -> Option<Admits> {
    let values = match principals {
        Principals::Any => return Some(Admits::Account),
        Principals::Map(map) => map.get("AWS")?,
    };
    let root = format!("arn:{partition}:iam::{}:root", principal.account);
    let mut best = None;
    for value in values {
        if *value == principal.arn {
            return Some(Admits::Named);
        }
        if value == "*" || *value == root || *value == principal.account {
            best = Some(Admits::Account);
        }
    }
    best
}

/// How a move into a hub names its target until a role is chosen.
fn hub_name(service: &str) -> String {
    format!("every role that trusts {service}")
}
