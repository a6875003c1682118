//! Who can become whom, and who can reach an administrator.
//!
//! Nodes are the account's users and roles. A *move* from one principal to another is a
//! path of the table that lets the first act as the second: assuming a role its trust
//! policy admits, taking over a user's credentials, passing a role to a service that runs
//! the actor's code. A *modification* gives a principal more permissions (a policy written,
//! attached, re-versioned or inherited from a group). A principal escalates when, through
//! moves it can chain to any depth, it reaches an administrator, a principal that holds
//! something it does not, or a principal it can modify.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use super::eval::{
    administrator, conditions_hold, decide, mentions, scope, Decision, Fit, Grant, Perms, Request,
    Scope,
};
use super::paths::{resource_pattern, EscalationPath, How, Target, PATHS};
use crate::identity::{Principal, PrincipalKind};
use crate::model::AuthorizationDetails;
use crate::policy::{self, Effect, PolicyDocument, Principals};

/// One step of a chain: `actor` uses `path` on `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub path: &'static str,
    pub actor: String,
    pub target: String,
    /// Each action with the resource it was judged on and the statements that allow it.
    pub grants: Vec<ActionGrant>,
    /// Condition keys the step depends on (the request must satisfy them).
    pub depends_on: BTreeSet<String>,
    pub note: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionGrant {
    pub action: String,
    pub resource: String,
    pub granted_by: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The chain ends with every action on every resource.
    Administrator,
    /// The chain ends with a permission the actor did not have (one example).
    Gains(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub steps: Vec<Step>,
    /// The principal whose permissions the actor ends up with.
    pub ends_as: String,
    pub outcome: Outcome,
}

impl Escalation {
    pub fn depends_on(&self) -> BTreeSet<String> {
        self.steps
            .iter()
            .flat_map(|s| s.depends_on.iter().cloned())
            .collect()
    }
}

/// What the analysis concludes about one principal.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Already holds every action on every resource.
    Administrator(Decision),
    /// Escalation chains, best first.
    Escalates(Vec<Escalation>),
    /// Nothing reachable gains anything.
    Contained,
    /// Could not be decided: the reason.
    Unknown(String),
}

/// Extra permissions a modification gives its target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Extra {
    /// Any document the actor writes.
    Anything,
    /// A managed policy, by ARN.
    Managed(String),
    /// A stored non-default version of a managed policy.
    Version(String, usize),
    /// The policies of a group, by name.
    Group(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Targets {
    One(usize),
    /// Any user the actor controls (joining a group).
    AnyUser,
}

#[derive(Debug, Clone)]
struct Modification {
    targets: Targets,
    extra: Extra,
    step: Rc<Step>,
}

#[derive(Debug, Default)]
struct Moves {
    /// Nodes the principal can act as: principals, or a hub standing for every role a
    /// service runs code with (its step's target names the hub until a role is chosen).
    becomes: Vec<(usize, Rc<Step>)>,
    modifications: Vec<Modification>,
    /// A move that could not be judged (a trust policy that does not parse).
    unknown: Option<String>,
}

/// Escalations kept per principal: the shortest ones, enough for evidence.
pub const CHAINS_KEPT: usize = 3;

/// The nodes an actor can act as, in breadth-first order, each with the node and step it
/// was reached by (no step for a role chosen from a hub).
struct Reach {
    order: Vec<usize>,
    links: Vec<Link>,
}

#[derive(Clone)]
enum Link {
    Unreached,
    Actor,
    From(usize, Option<Rc<Step>>),
}

impl Reach {
    fn reached(&self, node: usize) -> bool {
        !matches!(self.links[node], Link::Unreached)
    }

    /// The steps from the actor to `node`; a step into a hub is given the role chosen.
    fn chain(&self, graph: &Graph<'_>, node: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut current = node;
        let mut chosen_role: Option<usize> = None;
        while let Link::From(from, step) = &self.links[current] {
            match step {
                Some(step) => {
                    let mut step = (**step).clone();
                    if let Some(role) = chosen_role.take() {
                        step.target = graph.principals[role].arn.clone();
                    }
                    steps.push(step);
                }
                None => chosen_role = Some(current),
            }
            current = *from;
        }
        steps.reverse();
        steps
    }
}

fn admin_document() -> &'static PolicyDocument {
    static ADMIN: OnceLock<PolicyDocument> = OnceLock::new();
    ADMIN.get_or_init(|| {
        policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
            .expect("the administrator document parses")
    })
}

/// Who a role's trust policy lets assume it.
#[derive(Debug, Default)]
struct Trust {
    /// Parsed trust policy, or why not.
    document: Option<Result<PolicyDocument, String>>,
    /// Service principals it trusts (`lambda.amazonaws.com`).
    services: BTreeSet<String>,
}

pub struct Graph<'a> {
    principals: &'a [Principal],
    details: &'a AuthorizationDetails,
    partition: String,
    now: DateTime<Utc>,
    perms: Vec<Result<Perms<'a>, String>>,
    admin: Vec<Option<Decision>>,
    trust: Vec<Trust>,
    managed: HashMap<&'a str, Result<PolicyDocument, String>>,
    versions: HashMap<&'a str, Vec<Result<PolicyDocument, String>>>,
    groups: HashMap<String, Vec<crate::identity::PolicyOf>>,
    index: Index,
    /// Each service that runs code with a role, and those roles: one node in the graph.
    hubs: Vec<(String, Vec<usize>)>,
    moves: Vec<Moves>,
    gains: RefCell<HashMap<(usize, usize), Option<String>>>,
    admin_with: RefCell<HashMap<(usize, Extra), bool>>,
}

/// Lookups the moves need for every actor, built once.
#[derive(Default)]
struct Index {
    /// Roles that a service can run code with, by service principal (for EC2, only
    /// roles in an instance profile).
    roles_by_service: HashMap<String, Vec<usize>>,
    /// Users of each group.
    members: HashMap<String, Vec<usize>>,
    /// Principals holding each managed policy.
    holders: HashMap<String, Vec<usize>>,
    /// Roles whose trust names a principal ARN, by that ARN.
    trusting_name: HashMap<String, Vec<usize>>,
    /// Roles whose trust admits a whole account or anyone, or cannot be read.
    trusting_accounts: Vec<usize>,
    /// Principals by ARN.
    by_arn: HashMap<String, usize>,
}

impl Index {
    fn new(principals: &[Principal], details: &AuthorizationDetails, trust: &[Trust]) -> Index {
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

impl<'a> Graph<'a> {
    pub fn new(
        principals: &'a [Principal],
        details: &'a AuthorizationDetails,
        partition: &str,
        now: DateTime<Utc>,
    ) -> Graph<'a> {
        let perms: Vec<_> = principals.iter().map(Principal::perms).collect();
        let trust: Vec<Trust> = principals.iter().map(|p| trust_of(details, p)).collect();
        let index = Index::new(principals, details, &trust);
        let admin = principals
            .iter()
            .zip(&perms)
            .map(|(principal, perms)| {
                let perms = perms.as_ref().ok()?;
                Some(administrator(principal, perms, now)).filter(Decision::allowed)
            })
            .collect();
        let mut graph = Graph {
            principals,
            details,
            partition: partition.to_string(),
            now,
            perms,
            admin,
            trust,
            managed: details
                .policies
                .iter()
                .map(|p| {
                    (
                        p.arn.as_str(),
                        parse_optional(p.default_document.as_deref()),
                    )
                })
                .collect(),
            versions: details
                .policies
                .iter()
                .map(|p| {
                    let parsed = p
                        .other_versions
                        .iter()
                        .map(|v| parse_optional(v.document.as_deref()));
                    (p.arn.as_str(), parsed.collect())
                })
                .collect(),
            groups: crate::identity::group_policies(details),
            hubs: index
                .roles_by_service
                .iter()
                .map(|(service, roles)| (service.clone(), roles.clone()))
                .collect(),
            index,
            moves: Vec::new(),
            gains: RefCell::new(HashMap::new()),
            admin_with: RefCell::new(HashMap::new()),
        };
        graph.moves = (0..principals.len()).map(|i| graph.moves_of(i)).collect();
        graph
    }

    /// The verdict on one principal (an index into the principals given to `new`).
    pub fn verdict(&self, actor: usize) -> Verdict {
        if let Err(reason) = &self.perms[actor] {
            return Verdict::Unknown(reason.clone());
        }
        if let Some(decision) = &self.admin[actor] {
            return Verdict::Administrator(decision.clone());
        }
        let reach = self.reach(actor);
        let mut unknown = reach
            .order
            .iter()
            .find_map(|&node| self.moves.get(node).and_then(|m| m.unknown.clone()));
        // Administrators first: when one is in reach, lesser gains are not worth computing.
        let mut found = self.search(actor, &reach, true, &mut unknown);
        if found.is_empty() {
            found = self.search(actor, &reach, false, &mut unknown);
        }
        if found.is_empty() {
            return match unknown {
                Some(reason) => Verdict::Unknown(reason),
                None => Verdict::Contained,
            };
        }
        found.sort_by_key(|e| (e.steps.len(), e.ends_as.clone()));
        Verdict::Escalates(found)
    }

    /// Up to [`CHAINS_KEPT`] escalations, shortest first: to administrators only, or to
    /// any gain.
    fn search(
        &self,
        actor: usize,
        reach: &Reach,
        administrators_only: bool,
        unknown: &mut Option<String>,
    ) -> Vec<Escalation> {
        let mut found = Vec::new();
        let mut record = |found: &mut Vec<Escalation>,
                          outcome: Result<Option<Outcome>, String>,
                          steps: &dyn Fn() -> Vec<Step>,
                          ends: usize| {
            match outcome {
                Ok(Some(outcome)) if !administrators_only || outcome == Outcome::Administrator => {
                    found.push(Escalation {
                        steps: steps(),
                        ends_as: self.principals[ends].arn.clone(),
                        outcome,
                    })
                }
                Ok(_) => {}
                Err(reason) => {
                    unknown.get_or_insert(reason);
                }
            }
            found.len() >= CHAINS_KEPT
        };
        for &node in reach
            .order
            .iter()
            .filter(|&&n| n < self.principals.len() && n != actor)
        {
            let outcome = if administrators_only {
                self.administrator_with(node, None)
                    .map(|admin| admin.then_some(Outcome::Administrator))
            } else {
                self.compare(actor, node, None)
            };
            if record(&mut found, outcome, &|| reach.chain(self, node), node) {
                return found;
            }
        }
        for &modifier in reach.order.iter().filter(|&&n| n < self.principals.len()) {
            for modification in &self.moves[modifier].modifications {
                for target in self.modified(modification, reach) {
                    let extra = Some(&modification.extra);
                    let outcome = if administrators_only {
                        self.administrator_with(target, extra)
                            .map(|admin| admin.then_some(Outcome::Administrator))
                    } else {
                        self.compare(actor, target, extra)
                    };
                    let steps = || {
                        let mut steps = reach.chain(self, modifier);
                        steps.push((*modification.step).clone());
                        if target != modifier {
                            steps.extend(reach.chain(self, target));
                        }
                        steps
                    };
                    if record(&mut found, outcome, &steps, target) {
                        return found;
                    }
                }
            }
        }
        found
    }

    /// The principals in reach that a modification applies to.
    fn modified(&self, modification: &Modification, reach: &Reach) -> Vec<usize> {
        match modification.targets {
            Targets::One(target) if reach.reached(target) => vec![target],
            Targets::One(_) => Vec::new(),
            Targets::AnyUser => reach
                .order
                .iter()
                .copied()
                .filter(|&t| t < self.principals.len())
                .filter(|&t| self.principals[t].kind == PrincipalKind::User)
                .collect(),
        }
    }

    /// Every node the actor can act as, breadth first, with how it got there.
    fn reach(&self, actor: usize) -> Reach {
        let mut links = vec![Link::Unreached; self.principals.len() + self.hubs.len()];
        links[actor] = Link::Actor;
        let mut reach = Reach {
            order: vec![actor],
            links,
        };
        let mut next = 0;
        while next < reach.order.len() {
            let node = reach.order[next];
            next += 1;
            let mut visit = |target: usize, step: Option<&Rc<Step>>| {
                if !reach.reached(target) {
                    reach.links[target] = Link::From(node, step.cloned());
                    reach.order.push(target);
                }
            };
            match self.moves.get(node) {
                Some(moves) => moves
                    .becomes
                    .iter()
                    .for_each(|(t, step)| visit(*t, Some(step))),
                None => {
                    let hub = &self.hubs[node - self.principals.len()];
                    hub.1.iter().for_each(|&role| visit(role, None));
                }
            }
        }
        reach
    }

    /// What acting as `target` (with `extra` permissions) gives `actor` beyond its own.
    fn compare(
        &self,
        actor: usize,
        target: usize,
        extra: Option<&Extra>,
    ) -> Result<Option<Outcome>, String> {
        if self.administrator_with(target, extra)? {
            return Ok(Some(Outcome::Administrator));
        }
        let base = self.perms[target].as_ref().map_err(|e| e.clone())?;
        let Some(extra) = extra else {
            let key = (actor, target);
            if let Some(known) = self.gains.borrow().get(&key) {
                return Ok(known.clone().map(Outcome::Gains));
            }
            let gain = self.gain(actor, target, base);
            self.gains.borrow_mut().insert(key, gain.clone());
            return Ok(gain.map(Outcome::Gains));
        };
        let documents = self.extra_documents(extra)?;
        let perms = self.with_documents(base, &documents);
        Ok(self.gain(actor, target, &perms).map(Outcome::Gains))
    }

    fn with_documents<'p>(
        &self,
        base: &Perms<'p>,
        documents: &[(String, &'p PolicyDocument)],
    ) -> Perms<'p> {
        let mut perms = base.clone();
        for (source, document) in documents {
            perms = perms.with(source.clone(), document);
        }
        perms
    }

    /// Whether `target`, given `extra` permissions, holds every permission: the same for
    /// every actor, so remembered.
    fn administrator_with(&self, target: usize, extra: Option<&Extra>) -> Result<bool, String> {
        let base = self.perms[target]
            .as_ref()
            .map_err(|e| format!("could not judge {}: {e}", self.principals[target].label()))?;
        let Some(extra) = extra else {
            return Ok(self.admin[target].is_some());
        };
        let key = (target, extra.clone());
        if let Some(known) = self.admin_with.borrow().get(&key) {
            return Ok(*known);
        }
        let documents = self.extra_documents(extra)?;
        let perms = self.with_documents(base, &documents);
        let admin = administrator(&self.principals[target], &perms, self.now).allowed();
        self.admin_with.borrow_mut().insert(key, admin);
        Ok(admin)
    }

    fn extra_documents(&self, extra: &Extra) -> Result<Vec<(String, &PolicyDocument)>, String> {
        Ok(match extra {
            Extra::Anything => vec![("a policy the actor writes".to_string(), admin_document())],
            Extra::Managed(arn) if arn.ends_with(":iam::aws:policy/AdministratorAccess") => {
                vec![(arn.clone(), admin_document())]
            }
            Extra::Managed(arn) => {
                let document = self
                    .managed
                    .get(arn.as_str())
                    .ok_or_else(|| format!("{arn}: not collected"))?;
                vec![(
                    arn.clone(),
                    document.as_ref().map_err(|e| format!("{arn}: {e}"))?,
                )]
            }
            Extra::Version(arn, index) => {
                let document = &self.versions[arn.as_str()][*index];
                vec![(
                    format!("{arn} (another version)"),
                    document.as_ref().map_err(|e| format!("{arn}: {e}"))?,
                )]
            }
            Extra::Group(name) => self.groups[name.as_str()]
                .iter()
                .map(|p| {
                    Ok((
                        p.source.clone(),
                        p.document
                            .as_deref()
                            .map_err(|e| format!("{}: {e}", p.source))?,
                    ))
                })
                .collect::<Result<_, String>>()?,
        })
    }

    /// One permission `target` holds with `perms` that the actor lacks, if any.
    fn gain(&self, actor: usize, target: usize, perms: &Perms<'_>) -> Option<String> {
        let actor_perms = self.perms[actor].as_ref().ok()?;
        let actor_principal = &self.principals[actor];
        let target_principal = &self.principals[target];
        for (action, resource) in probes(perms) {
            let held = Request {
                allow_fit: Fit::All,
                deny_fit: Fit::All,
                ..Request::new(&action, &resource)
            };
            if !decide(target_principal, perms, &held, self.now).allowed() {
                continue;
            }
            let covered = Request {
                allow_fit: Fit::All,
                deny_fit: Fit::Some,
                ..Request::new(&action, &resource)
            };
            if !decide(actor_principal, actor_perms, &covered, self.now).allowed() {
                return Some(format!("{action} on {resource}"));
            }
        }
        None
    }

    fn moves_of(&self, actor: usize) -> Moves {
        let mut moves = Moves::default();
        let Ok(perms) = &self.perms[actor] else {
            return moves;
        };
        // Reaching an administrator ends a chain: what it could do next adds nothing.
        if self.admin[actor].is_some() {
            return moves;
        }
        self.assume_role_moves(actor, perms, &mut moves);
        for path in PATHS {
            if !path.actions.iter().all(|a| mentions(perms, a)) {
                continue;
            }
            match path.how {
                How::AssumeRole | How::Chain(_) => {}
                How::TakeOverUser => self.take_over(actor, perms, path, Target::User, &mut moves),
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
        tags: Option<&std::collections::BTreeMap<String, String>>,
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
        let wanted = match kind {
            Target::User => PrincipalKind::User,
            _ => PrincipalKind::Role,
        };
        let scope = self.target_scope(actor, perms, path);
        for index in self.principals_in(&scope, wanted) {
            let target = &self.principals[index];
            if index == actor {
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
            None => (0..self.principals.len())
                .filter(of_kind)
                .filter(|&i| scope.may_include(&self.principals[i].arn))
                .collect(),
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
                let empty = Default::default();
                if let Some(granted) =
                    self.path_allowed(actor, perms, path, &group.arn, Some(&empty), &[])
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
        let targets: Vec<AttachTarget<'_>> = if kind == Target::Group {
            self.details
                .groups
                .iter()
                .map(|g| AttachTarget {
                    arn: g.arn.clone(),
                    tags: None,
                    members: self.members(&g.name),
                    principal: None,
                })
                .collect()
        } else {
            self.principals_of(kind)
                .map(|(i, p)| AttachTarget {
                    arn: p.arn.clone(),
                    tags: Some(&p.tags),
                    members: vec![i],
                    principal: Some(p),
                })
                .collect()
        };
        let empty = Default::default();
        let scope = self.target_scope(actor, perms, path);
        let targets = targets.into_iter().filter(|t| scope.may_include(&t.arn));
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
                let tags = tags.or(Some(&empty));
                let Some(granted) = self.path_allowed(actor, perms, path, &arn, tags, &keys) else {
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

    fn join_group(
        &self,
        actor: usize,
        perms: &Perms<'_>,
        path: &'static EscalationPath,
        moves: &mut Moves,
    ) {
        let empty = Default::default();
        let scope = self.target_scope(actor, perms, path);
        for group in self
            .details
            .groups
            .iter()
            .filter(|g| scope.may_include(&g.arn))
        {
            if let Some(granted) =
                self.path_allowed(actor, perms, path, &group.arn, Some(&empty), &[])
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
            let Some(hub) = self.hubs.iter().position(|(s, _)| s == service) else {
                continue;
            };
            let target = format!("every role that trusts {service}");
            let step = self.step(actor, path, &target, granted.clone());
            moves.becomes.push((self.principals.len() + hub, step));
        }
    }

    /// Roles whose trust policy admits the actor, and that its own policies (when the trust
    /// names only its account) let it assume.
    fn assume_role_moves(&self, actor: usize, perms: &Perms<'_>, moves: &mut Moves) {
        let principal = &self.principals[actor];
        let may_assume = mentions(perms, "sts:AssumeRole");
        let mut candidates: Vec<usize> = self
            .index
            .trusting_name
            .get(&principal.arn)
            .cloned()
            .unwrap_or_default();
        if may_assume {
            let scope = scope(principal, perms, "sts:AssumeRole", self.now);
            let open = self.index.trusting_accounts.iter().copied();
            candidates.extend(open.filter(|&role| scope.may_include(&self.principals[role].arn)));
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
                (Admits::Named, Decision::NotAllowed) => (Vec::new(), BTreeSet::new()),
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
                (_, super::condition::Truth::No) => {}
                (Effect::Deny, super::condition::Truth::Yes) => return None,
                (Effect::Deny, _) => {}
                (Effect::Allow, truth) => {
                    let depends = match truth {
                        super::condition::Truth::Depends(keys) => keys,
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

    fn principals_of(&self, kind: Target) -> impl Iterator<Item = (usize, &'a Principal)> + '_ {
        let wanted = match kind {
            Target::User => PrincipalKind::User,
            _ => PrincipalKind::Role,
        };
        self.principals
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.kind == wanted && !service_linked(p))
    }

    fn members(&self, group: &str) -> Vec<usize> {
        self.index.members.get(group).cloned().unwrap_or_default()
    }
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
    tags: Option<&'p std::collections::BTreeMap<String, String>>,
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

fn parse_optional(text: Option<&str>) -> Result<PolicyDocument, String> {
    text.ok_or_else(|| "its document was not collected".to_string())
        .and_then(|t| policy::parse(t).map_err(|e| e.to_string()))
}

fn trust_of(details: &AuthorizationDetails, principal: &Principal) -> Trust {
    if principal.kind != PrincipalKind::Role {
        return Trust::default();
    }
    let Some(role) = details.roles.iter().find(|r| r.arn == principal.arn) else {
        return Trust::default();
    };
    let document = parse_optional(role.trust_policy.as_deref());
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

/// Sensitive actions a `NotAction` grant is probed with: what it leaves in is a gain.
const PROBE_ACTIONS: &[&str] = &[
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:PutUserPolicy",
    "sts:AssumeRole",
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "kms:Decrypt",
    "secretsmanager:GetSecretValue",
    "ssm:SendCommand",
    "ssm:GetParameter",
    "dynamodb:GetItem",
    "organizations:ListAccounts",
];

/// The grants of `perms` as (action, resource) patterns, to ask whether another principal
/// holds each of them too.
fn probes(perms: &Perms<'_>) -> Vec<(String, String)> {
    let mut probes = Vec::new();
    for policy in &perms.policies {
        for statement in &policy.document.statements {
            if statement.effect != Effect::Allow {
                continue;
            }
            let actions: Vec<String> = match (&statement.action, &statement.not_action) {
                (Some(actions), _) => actions.clone(),
                (None, Some(_)) => PROBE_ACTIONS.iter().map(|a| a.to_string()).collect(),
                (None, None) => continue,
            };
            let resources: Vec<String> = match &statement.resource {
                // Patterns with variables stand for the holder's own resources: probing
                // them as `*` would claim more than they give.
                Some(resources) => resources
                    .iter()
                    .filter(|r| !r.contains("${"))
                    .cloned()
                    .collect(),
                None => vec!["*".to_string()],
            };
            for action in &actions {
                for resource in &resources {
                    probes.push((action.clone(), resource.clone()));
                }
            }
        }
    }
    probes.sort();
    probes.dedup();
    probes
}
