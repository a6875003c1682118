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
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::eval::{administrator, decide, Decision, Fit, Grant, MentionedMemo, Perms, Request};
use crate::access::identity::{parsed, Principal, PrincipalKind, SharedDocument};
use crate::access::policy::{self, Effect, PolicyDocument};
use crate::model::{AuthorizationDetails, CredentialReportRow, Role};

pub mod evidence;
mod index;
mod moves;

use index::{trust_of, Index, Trust};

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

/// Another principal the actor can give more permissions by its own (not by acting as
/// someone else): a policy written into it, attached to it or re-versioned, or a group it
/// is in given more.
#[derive(Debug, Clone, PartialEq)]
pub struct Empowerment {
    /// The principal empowered (an index into the principals given to [`Graph::new`]).
    pub target: usize,
    /// The actor's step that does it (the first found).
    pub step: Step,
    /// Whether the target then holds every permission (or already did); the reason when
    /// its permissions could not be judged.
    pub makes_administrator: Result<bool, String>,
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

/// The escalations a search has kept, and the first reason something could not be judged.
struct Found<'u> {
    escalations: Vec<Escalation>,
    unknown: &'u mut Option<String>,
    administrators_only: bool,
}

impl Found<'_> {
    /// Keeps an escalation the search wants; true once enough are kept.
    fn record(
        &mut self,
        outcome: Result<Option<Outcome>, String>,
        steps: impl FnOnce() -> Vec<Step>,
        ends_as: &str,
    ) -> bool {
        match outcome {
            Ok(Some(outcome)) if !self.administrators_only || outcome == Outcome::Administrator => {
                self.escalations.push(Escalation {
                    steps: steps(),
                    ends_as: ends_as.to_string(),
                    outcome,
                })
            }
            Ok(_) => {}
            Err(reason) => {
                self.unknown.get_or_insert(reason);
            }
        }
        self.escalations.len() >= CHAINS_KEPT
    }
}

/// Escalations kept per principal: the shortest ones, enough for evidence.
pub const CHAINS_KEPT: usize = 3;

/// The nodes an actor can act as, in breadth-first order, each with the node and step it
/// was reached by (no step for a role chosen from a hub).
struct Reach<'l> {
    order: Vec<usize>,
    links: &'l Links,
}

#[derive(Clone)]
enum Link {
    Actor,
    From(usize, Option<Rc<Step>>),
}

/// How each node was reached by the actor being judged. One table serves every actor:
/// it is not cleared between them, but given a new stamp, and an entry counts only with
/// the current stamp. Judging an actor so costs what it reaches — most actors reach few
/// of the account's principals, and a table cleared (or a map filled) per actor made the
/// analysis quadratic in the account's size.
#[derive(Default)]
struct Links {
    stamp: u32,
    entries: Vec<(u32, Option<Link>)>,
}

impl Links {
    /// Forgets every link, for a graph of `nodes` nodes.
    fn restart(&mut self, nodes: usize) {
        self.entries
            .resize(nodes.max(self.entries.len()), (0, None));
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // After four billion actors, old stamps would come back: clear once.
            self.entries.iter_mut().for_each(|entry| *entry = (0, None));
            self.stamp = 1;
        }
    }

    fn get(&self, node: usize) -> Option<&Link> {
        match self.entries.get(node) {
            Some((stamp, link)) if *stamp == self.stamp => link.as_ref(),
            _ => None,
        }
    }

    fn insert(&mut self, node: usize, link: Link) {
        self.entries[node] = (self.stamp, Some(link));
    }
}

impl Reach<'_> {
    fn reached(&self, node: usize) -> bool {
        self.links.get(node).is_some()
    }

    /// Reached itself, or a role that stays where it is reached through a reached hub.
    fn reaches(&self, graph: &Graph<'_>, node: usize) -> bool {
        self.reached(node) || self.hub_holding(graph, node).is_some()
    }

    /// A reached hub among whose roles that go nowhere further `role` is.
    fn hub_holding(&self, graph: &Graph<'_>, role: usize) -> Option<usize> {
        let hubs = graph.terminal_in.get(&role)?;
        let first = graph.principals.len();
        hubs.iter().map(|&h| first + h).find(|&h| self.reached(h))
    }

    /// The steps from the actor to `node`; a step into a hub is given the role chosen.
    fn chain(&self, graph: &Graph<'_>, node: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut current = node;
        let mut chosen_role: Option<usize> = None;
        if !self.reached(node) {
            if let Some(hub) = self.hub_holding(graph, node) {
                chosen_role = Some(node);
                current = hub;
            }
        }
        while let Some(Link::From(from, step)) = self.links.get(current) {
            match step {
                Some(step) => {
                    let mut step = (**step).clone();
                    if let Some(role) = chosen_role.take() {
                        let arn = &graph.principals[role].arn;
                        // The hub's name stands for the role in the grants too.
                        for grant in step.grants.iter_mut().filter(|g| g.resource == step.target) {
                            grant.resource = arn.clone();
                        }
                        step.target = arn.clone();
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

pub struct Graph<'a> {
    principals: &'a [Principal],
    details: &'a AuthorizationDetails,
    partition: String,
    now: DateTime<Utc>,
    perms: Vec<Result<Perms<'a>, String>>,
    admin: Vec<Option<Decision>>,
    trust: Vec<Trust>,
    managed: HashMap<&'a str, SharedDocument>,
    versions: HashMap<&'a str, Vec<SharedDocument>>,
    groups: std::collections::HashMap<String, Vec<crate::access::identity::PolicyOf>>,
    index: Index,
    /// Each service that runs code with a role, and those roles: one node in the graph.
    hubs: Vec<(String, Vec<usize>)>,
    /// Per hub, its roles that can go further (they have moves of their own): only these
    /// are walked from the hub. The others end a chain where they are reached, and are
    /// read from the hub when searched, so that many actors reaching a hub of many roles
    /// cost their sum, not their product.
    hub_onward: Vec<Vec<usize>>,
    /// Per hub, its roles that go nowhere further; of those, the ones that are
    /// administrators or could not be read (all an administrators-only search needs).
    hub_terminal: Vec<Vec<usize>>,
    hub_notable: Vec<Vec<usize>>,
    /// The hubs that hold each role that goes nowhere further.
    terminal_in: HashMap<usize, Vec<usize>>,
    /// The credential report's line of each user, by name.
    credentials: HashMap<&'a str, &'a CredentialReportRow>,
    moves: Vec<Moves>,
    gains: RefCell<HashMap<(usize, usize), Option<String>>>,
    /// Per extra permissions, per target: looked up without copying the extra.
    admin_with: RefCell<HashMap<Extra, HashMap<usize, bool>>>,
    links: RefCell<Links>,
}

impl<'a> Graph<'a> {
    /// The graph of `principals` (from `details`); `credentials` is the credential report
    /// when it was read (it tells which users can be given a password or a key).
    pub fn new(
        principals: &'a [Principal],
        details: &'a AuthorizationDetails,
        credentials: Option<&'a [CredentialReportRow]>,
        partition: &str,
        now: DateTime<Utc>,
    ) -> Graph<'a> {
        let perms: Vec<_> = principals.iter().map(Principal::perms).collect();
        // Roles by ARN, so that each principal finds its own in one look-up.
        let roles: HashMap<&str, &Role> =
            details.roles.iter().map(|r| (r.arn.as_str(), r)).collect();
        let trust: Vec<Trust> = principals
            .iter()
            .map(|p| trust_of(roles.get(p.arn.as_str()).copied(), p))
            .collect();
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
                .map(|p| (p.arn.as_str(), parsed(p.default_document.as_ref())))
                .collect(),
            versions: details
                .policies
                .iter()
                .map(|p| {
                    let parsed = p.other_versions.iter().map(|v| parsed(v.document.as_ref()));
                    (p.arn.as_str(), parsed.collect())
                })
                .collect(),
            groups: crate::access::identity::group_policies(details),
            hubs: index
                .roles_by_service
                .iter()
                .map(|(service, roles)| (service.clone(), roles.clone()))
                .collect(),
            index,
            credentials: credentials
                .unwrap_or_default()
                .iter()
                .map(|row| (row.user.as_str(), row))
                .collect(),
            moves: Vec::new(),
            hub_onward: Vec::new(),
            hub_terminal: Vec::new(),
            hub_notable: Vec::new(),
            terminal_in: HashMap::new(),
            gains: RefCell::new(HashMap::new()),
            admin_with: RefCell::new(HashMap::new()),
            links: RefCell::new(Links::default()),
        };
        let mut memo = MentionedMemo::default();
        graph.moves = (0..principals.len())
            .map(|i| graph.moves_of(i, &mut memo))
            .collect();
        graph.split_hubs();
        graph
    }

    fn split_hubs(&mut self) {
        for (hub, (_, roles)) in self.hubs.iter().enumerate() {
            let (onward, terminal): (Vec<usize>, Vec<usize>) = roles.iter().partition(|&&role| {
                let moves = &self.moves[role];
                !moves.becomes.is_empty()
                    || !moves.modifications.is_empty()
                    || moves.unknown.is_some()
            });
            for &role in &terminal {
                self.terminal_in.entry(role).or_default().push(hub);
            }
            let notable = terminal
                .iter()
                .copied()
                .filter(|&role| self.admin[role].is_some() || self.perms[role].is_err())
                .collect();
            self.hub_onward.push(onward);
            self.hub_terminal.push(terminal);
            self.hub_notable.push(notable);
        }
    }

    /// The verdict on one principal (an index into the principals given to `new`).
    pub fn verdict(&self, actor: usize) -> Verdict {
        if let Err(reason) = &self.perms[actor] {
            return Verdict::Unknown(reason.clone());
        }
        if let Some(decision) = &self.admin[actor] {
            return Verdict::Administrator(decision.clone());
        }
        let mut links = self.links.borrow_mut();
        let reach = self.reach(actor, &mut links);
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

    /// Whether the target holds the managed policy a modification would give it.
    fn holds_already(&self, target: usize, extra: &Extra) -> bool {
        let Extra::Managed(policy) = extra else {
            return false;
        };
        let holders = self.index.holders.get(policy);
        holders.is_some_and(|holders| holders.contains(&target))
    }

    /// Whether the principal holds every permission already.
    pub fn is_administrator(&self, actor: usize) -> bool {
        self.admin[actor].is_some()
    }

    /// The other principals the actor can give more permissions, each once, those it can
    /// make administrators first. (A move that could not be judged is one of becoming
    /// another principal, which does not change what the actor can do by itself.)
    pub fn empowers(&self, actor: usize) -> Result<Vec<Empowerment>, String> {
        if let Err(reason) = &self.perms[actor] {
            return Err(reason.clone());
        }
        let Some(moves) = self.moves.get(actor) else {
            return Ok(Vec::new());
        };
        let mut empowered: Vec<Empowerment> = Vec::new();
        let mut position: HashMap<usize, usize> = HashMap::new();
        for modification in &moves.modifications {
            // Joining a group empowers users the actor already controls.
            let Targets::One(target) = modification.targets else {
                continue;
            };
            // An administrator already holds whatever a modification would give it.
            if target == actor
                || self.admin[target].is_some()
                || self.holds_already(target, &modification.extra)
            {
                continue;
            }
            let admin = self.administrator_with(target, Some(&modification.extra));
            match position.get(&target) {
                Some(&at) => {
                    let known = &mut empowered[at];
                    if known.makes_administrator != Ok(true) && admin == Ok(true) {
                        known.step = (*modification.step).clone();
                        known.makes_administrator = admin;
                    }
                }
                None => {
                    position.insert(target, empowered.len());
                    empowered.push(Empowerment {
                        target,
                        step: (*modification.step).clone(),
                        makes_administrator: admin,
                    });
                }
            }
        }
        empowered.sort_by_key(|e| (e.makes_administrator != Ok(true), e.target));
        Ok(empowered)
    }

    /// Up to [`CHAINS_KEPT`] escalations, shortest first: to administrators only, or to
    /// any gain.
    fn search(
        &self,
        actor: usize,
        reach: &Reach<'_>,
        administrators_only: bool,
        unknown: &mut Option<String>,
    ) -> Vec<Escalation> {
        let mut found = Found {
            escalations: Vec::new(),
            unknown,
            administrators_only,
        };
        let principals = reach
            .order
            .iter()
            .copied()
            .filter(|&n| n < self.principals.len());
        // A role in two hubs is offered twice.
        let mut looked = HashSet::new();
        for node in self.searched(reach, administrators_only) {
            if node == actor || !looked.insert(node) {
                continue;
            }
            let outcome = self.outcome(actor, node, None, administrators_only);
            let ends_as = &self.principals[node].arn;
            if found.record(outcome, || reach.chain(self, node), ends_as) {
                return found.escalations;
            }
        }
        for modifier in principals {
            for modification in &self.moves[modifier].modifications {
                for target in self.modified(modification, reach) {
                    let extra = Some(&modification.extra);
                    let outcome = self.outcome(actor, target, extra, administrators_only);
                    let steps = || {
                        let mut steps = reach.chain(self, modifier);
                        steps.push((*modification.step).clone());
                        if target != modifier {
                            steps.extend(reach.chain(self, target));
                        }
                        steps
                    };
                    let ends_as = &self.principals[target].arn;
                    if found.record(outcome, steps, ends_as) {
                        return found.escalations;
                    }
                }
            }
        }
        found.escalations
    }

    /// The principals a search looks at, in the order reached: each reached principal, and
    /// after each reached hub the roles it holds that go nowhere further (for a search of
    /// administrators only, those that are administrators or could not be read).
    fn searched<'r>(
        &'r self,
        reach: &'r Reach<'_>,
        administrators_only: bool,
    ) -> impl Iterator<Item = usize> + 'r {
        let first_hub = self.principals.len();
        reach.order.iter().flat_map(move |&node| {
            let (itself, held): (Option<usize>, &[usize]) = match node.checked_sub(first_hub) {
                None => (Some(node), &[]),
                Some(hub) if administrators_only => (None, &self.hub_notable[hub]),
                Some(hub) => (None, &self.hub_terminal[hub]),
            };
            // Lazily: a search stops at its first few finds.
            let held = held.iter().copied().filter(|&role| !reach.reached(role));
            itself.into_iter().chain(held)
        })
    }

    /// What acting as `target` with `extra` gives the actor: only whether it is an
    /// administrator, or any gain.
    fn outcome(
        &self,
        actor: usize,
        target: usize,
        extra: Option<&Extra>,
        administrators_only: bool,
    ) -> Result<Option<Outcome>, String> {
        if administrators_only {
            let admin = self.administrator_with(target, extra)?;
            Ok(admin.then_some(Outcome::Administrator))
        } else {
            self.compare(actor, target, extra)
        }
    }

    /// The principals in reach that a modification applies to.
    fn modified(&self, modification: &Modification, reach: &Reach) -> Vec<usize> {
        match modification.targets {
            Targets::One(target) if reach.reaches(self, target) => vec![target],
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
    fn reach<'l>(&self, actor: usize, links: &'l mut Links) -> Reach<'l> {
        links.restart(self.principals.len() + self.hubs.len());
        links.insert(actor, Link::Actor);
        let mut order = vec![actor];
        let mut next = 0;
        while next < order.len() {
            let node = order[next];
            next += 1;
            let mut visit = |target: usize, step: Option<&Rc<Step>>| {
                if links.get(target).is_none() {
                    links.insert(target, Link::From(node, step.cloned()));
                    order.push(target);
                }
            };
            match self.moves.get(node) {
                Some(moves) => moves
                    .becomes
                    .iter()
                    .for_each(|(t, step)| visit(*t, Some(step))),
                None => {
                    let hub = &self.hub_onward[node - self.principals.len()];
                    hub.iter().for_each(|&role| visit(role, None));
                }
            }
        }
        Reach { order, links }
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
        let known = self
            .admin_with
            .borrow()
            .get(extra)
            .and_then(|by| by.get(&target).copied());
        if let Some(known) = known {
            return Ok(known);
        }
        let documents = self.extra_documents(extra)?;
        let perms = self.with_documents(base, &documents);
        let admin = administrator(&self.principals[target], &perms, self.now).allowed();
        let mut remembered = self.admin_with.borrow_mut();
        remembered
            .entry(extra.clone())
            .or_default()
            .insert(target, admin);
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
