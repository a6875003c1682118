//! IAM's evaluation of identity policies for one (principal, action, resource): explicit
//! deny first, then an allow in the principal's policies, then the permissions boundary.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//!
//! The resource of a request is a concrete ARN, or a pattern for resources the analysis
//! does not list one by one (a function the attacker will create: `function:*`). How a
//! statement's patterns must meet the request's is the request's [`Fit`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, SecondsFormat, Utc};

use super::condition::{evaluate_all, KeyLookup, KeyValue, Truth};
use super::pattern::{covers, overlaps};
use super::variables::{substitute, Substituted};
use crate::access::identity::{Principal, PrincipalKind};
use crate::access::policy::{Effect, PolicyDocument, SourcedPolicy, Statement, StatementText};

/// How far a statement must reach into a request's action and resource patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Some of it: an `Allow` on `function:app-*` lets the attacker create some function.
    Some,
    /// All of it: a `Deny` blocks a request only when it covers every resource the
    /// attacker could pick.
    All,
}

/// One request to evaluate.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    /// Tags of the resource when it was collected; `None` when the resource was not
    /// inventoried (its `aws:ResourceTag` conditions then depend on the request).
    pub resource_tags: Option<&'a BTreeMap<String, String>>,
    /// Request-specific keys this request carries (`iam:passedtoservice`...), lower case.
    pub context: Vec<(&'static str, String)>,
    pub allow_fit: Fit,
    pub deny_fit: Fit,
}

impl<'a> Request<'a> {
    /// An attacker's request: allowed if some of the resource pattern is, denied only if all.
    pub fn new(action: &'a str, resource: &'a str) -> Request<'a> {
        Request {
            action,
            resource,
            resource_tags: None,
            context: Vec::new(),
            allow_fit: Fit::Some,
            deny_fit: Fit::All,
        }
    }

    pub fn with_tags(mut self, tags: &'a BTreeMap<String, String>) -> Request<'a> {
        self.resource_tags = Some(tags);
        self
    }

    pub fn with_key(mut self, key: &'static str, value: impl Into<String>) -> Request<'a> {
        self.context.push((key, value.into()));
        self
    }
}

/// The policies in force for a principal: identity policies and the boundary.
#[derive(Debug, Clone)]
pub struct Perms<'a> {
    pub policies: Vec<SourcedPolicy<'a>>,
    pub boundary: Option<&'a PolicyDocument>,
}

impl<'a> Perms<'a> {
    /// These permissions with one more policy (one an attacker attached or wrote).
    pub fn with(&self, source: String, document: &'a PolicyDocument) -> Perms<'a> {
        let mut more = self.clone();
        more.policies.push(SourcedPolicy { source, document });
        more
    }
}

/// One statement that took part in a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub policy: String,
    pub statement: StatementText,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Allowed by these statements; when `depends_on` is not empty, only for requests that
    /// satisfy those condition keys (or that a conditional deny does not catch).
    Allowed {
        by: Vec<Grant>,
        depends_on: BTreeSet<String>,
    },
    /// An explicit deny that always applies.
    Denied(Grant),
    /// No allow, or the boundary does not allow it.
    NotAllowed,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// The condition keys of one request made by one principal, at `now`.
struct Keys<'a> {
    principal: &'a Principal,
    request: &'a Request<'a>,
    now: DateTime<Utc>,
}

impl KeyLookup for Keys<'_> {
    fn value(&self, key: &str) -> KeyValue {
        let known = |value: &str| KeyValue::Known(vec![value.to_string()]);
        let principal = self.principal;
        if let Some((_, value)) = self.request.context.iter().find(|(k, _)| *k == key) {
            return known(value);
        }
        if let Some(tag) = key.strip_prefix("aws:principaltag/") {
            return tag_value(&principal.tags, tag);
        }
        if let Some(tag) = key.strip_prefix("aws:resourcetag/") {
            return match self.request.resource_tags {
                Some(tags) => tag_value(tags, tag),
                None => KeyValue::Unknown,
            };
        }
        match key {
            "aws:username" => match principal.kind {
                PrincipalKind::User => known(&principal.name),
                PrincipalKind::Role => KeyValue::Absent,
            },
            "aws:userid" => match principal.kind {
                PrincipalKind::User => known(&principal.id),
                // `ROLEID:session-name`: the session name is the caller's choice.
                PrincipalKind::Role => KeyValue::Unknown,
            },
            "aws:principalarn" => known(&principal.arn),
            "aws:principalaccount" => known(&principal.account),
            "aws:principaltype" => known(match principal.kind {
                PrincipalKind::User => "User",
                PrincipalKind::Role => "AssumedRole",
            }),
            // A caller can always get a fresh session (sts:GetSessionToken needs no
            // permission), so its token is issued "now".
            "aws:currenttime" | "aws:tokenissuetime" => {
                known(&self.now.to_rfc3339_opts(SecondsFormat::Secs, true))
            }
            "aws:epochtime" => known(&self.now.timestamp().to_string()),
            // The AWS CLI and SDKs always use TLS.
            "aws:securetransport" => known("true"),
            // Keys of other requests than the one evaluated are absent from it.
            "iam:passedtoservice" | "iam:policyarn" | "iam:permissionsboundary" => KeyValue::Absent,
            _ => KeyValue::Unknown,
        }
    }
}

/// Tag keys compare case-insensitively in `aws:PrincipalTag/` and `aws:ResourceTag/`.
fn tag_value(tags: &BTreeMap<String, String>, wanted: &str) -> KeyValue {
    tags.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(wanted))
        .map(|(_, value)| KeyValue::Known(vec![value.clone()]))
        .unwrap_or(KeyValue::Absent)
}

fn fits(pattern: &str, text: &str, fit: Fit, ignore_case: bool) -> bool {
    match fit {
        Fit::Some => overlaps(pattern, text, ignore_case),
        Fit::All => covers(pattern, text, ignore_case),
    }
}

/// `NotAction` / `NotResource` reach what their patterns do not: "some of it" is reached
/// unless a pattern covers all of it, "all of it" unless a pattern reaches some of it.
fn excluded(patterns: &[String], text: &str, fit: Fit, ignore_case: bool) -> bool {
    let inverse = match fit {
        Fit::Some => Fit::All,
        Fit::All => Fit::Some,
    };
    patterns.iter().any(|p| fits(p, text, inverse, ignore_case))
}

fn action_applies(statement: &Statement, action: &str, fit: Fit) -> bool {
    match (&statement.action, &statement.not_action) {
        (Some(actions), _) => actions.iter().any(|p| fits(p, action, fit, true)),
        (None, Some(not)) => !excluded(not, action, fit, true),
        (None, None) => false,
    }
}

fn resource_applies(
    statement: &Statement,
    request: &Request<'_>,
    keys: &Keys<'_>,
    fit: Fit,
) -> Truth {
    let (patterns, negated) = match (&statement.resource, &statement.not_resource) {
        (Some(patterns), _) => (patterns, false),
        (None, Some(patterns)) => (patterns, true),
        (None, None) => return Truth::Yes,
    };
    let mut resolved = Vec::with_capacity(patterns.len());
    let mut depends = BTreeSet::new();
    for pattern in patterns {
        match substitute(pattern, keys) {
            Substituted::Text(text) => resolved.push(text),
            Substituted::Absent => {}
            Substituted::Depends(text, keys) => {
                resolved.push(text);
                depends.extend(keys);
            }
        }
    }
    let reached = if negated {
        !excluded(&resolved, request.resource, fit, false)
    } else {
        resolved
            .iter()
            .any(|p| fits(p, request.resource, fit, false))
    };
    match (reached, depends.is_empty()) {
        (false, _) => Truth::No,
        (true, true) => Truth::Yes,
        (true, false) => Truth::Depends(depends),
    }
}

fn applies(statement: &Statement, request: &Request<'_>, keys: &Keys<'_>) -> Truth {
    let fit = match statement.effect {
        Effect::Allow => request.allow_fit,
        Effect::Deny => request.deny_fit,
    };
    if !action_applies(statement, request.action, fit) {
        return Truth::No;
    }
    let resource = resource_applies(statement, request, keys, fit);
    if resource == Truth::No {
        return Truth::No;
    }
    resource.and(evaluate_all(&statement.conditions, keys))
}

/// A statement and the policy it is in.
type Sourced<'s> = (&'s str, &'s Statement);

fn grant((source, statement): Sourced<'_>) -> Grant {
    Grant {
        policy: source.to_string(),
        statement: statement.raw.clone(),
    }
}

/// Allows and denies of one set of statements for a request.
struct Verdict<'s> {
    allows: Vec<(Sourced<'s>, Truth)>,
    denied: Option<Sourced<'s>>,
    conditional_denies: BTreeSet<String>,
}

fn judge<'s>(
    statements: impl Iterator<Item = Sourced<'s>>,
    request: &Request<'_>,
    keys: &Keys<'_>,
) -> Verdict<'s> {
    let mut verdict = Verdict {
        allows: Vec::new(),
        denied: None,
        conditional_denies: BTreeSet::new(),
    };
    for sourced in statements {
        let statement = sourced.1;
        match (statement.effect, applies(statement, request, keys)) {
            (_, Truth::No) => {}
            (Effect::Deny, Truth::Yes) => {
                verdict.denied.get_or_insert(sourced);
            }
            // A deny that depends on the request: allowed only when it does not catch it.
            (Effect::Deny, Truth::Depends(keys)) => verdict.conditional_denies.extend(keys),
            (Effect::Allow, truth) => verdict.allows.push((sourced, truth)),
        }
    }
    verdict
}

/// The allowing statements to cite and what they depend on: unconditional ones when there
/// are any, else the conditional ones with the union of their keys.
fn allowed_by(allows: Vec<(Sourced<'_>, Truth)>) -> (Vec<Grant>, BTreeSet<String>) {
    let certain: Vec<Grant> = allows
        .iter()
        .filter(|(_, truth)| *truth == Truth::Yes)
        .map(|(sourced, _)| grant(*sourced))
        .collect();
    if !certain.is_empty() {
        return (certain, BTreeSet::new());
    }
    let mut depends = BTreeSet::new();
    let grants = allows
        .into_iter()
        .map(|(sourced, truth)| {
            if let Truth::Depends(keys) = truth {
                depends.extend(keys);
            }
            grant(sourced)
        })
        .collect();
    (grants, depends)
}

/// Whether `principal`, holding `perms`, may make `request` at `now`.
pub fn decide(
    principal: &Principal,
    perms: &Perms<'_>,
    request: &Request<'_>,
    now: DateTime<Utc>,
) -> Decision {
    let keys = Keys {
        principal,
        request,
        now,
    };
    let statements = perms.policies.iter().flat_map(|p| {
        p.document
            .statements
            .iter()
            .map(move |s| (p.source.as_str(), s))
    });
    let verdict = judge(statements, request, &keys);
    if let Some(deny) = verdict.denied {
        return Decision::Denied(grant(deny));
    }
    if verdict.allows.is_empty() {
        return Decision::NotAllowed;
    }
    let (by, mut depends_on) = allowed_by(verdict.allows);
    depends_on.extend(verdict.conditional_denies);
    if let Some(boundary) = perms.boundary {
        let inside = judge(
            boundary
                .statements
                .iter()
                .map(|s| ("permissions boundary", s)),
            request,
            &keys,
        );
        if inside.denied.is_some() || inside.allows.is_empty() {
            return Decision::NotAllowed;
        }
        let (_, boundary_depends) = allowed_by(inside.allows);
        depends_on.extend(boundary_depends);
        depends_on.extend(inside.conditional_denies);
    }
    Decision::Allowed { by, depends_on }
}

/// Every action on every resource: no deny that reaches any of it, and a boundary that
/// allows all of it too. The allow may take several statements together (`Allow iam:*`
/// beside `Allow NotAction iam:*`), as IAM grants a request any one statement allows.
pub fn administrator(principal: &Principal, perms: &Perms<'_>, now: DateTime<Utc>) -> Decision {
    let request = Request {
        allow_fit: Fit::All,
        deny_fit: Fit::Some,
        ..Request::new("*:*", "*")
    };
    let keys = Keys {
        principal,
        request: &request,
        now,
    };
    let identity: Vec<Sourced<'_>> = perms
        .policies
        .iter()
        .flat_map(|p| {
            p.document
                .statements
                .iter()
                .map(move |s| (p.source.as_str(), s))
        })
        .collect();
    let (by, mut depends_on) = match everything_allowed(&identity, &request, &keys) {
        Ok(allowed) => allowed,
        Err(refused) => return refused,
    };
    if let Some(boundary) = perms.boundary {
        let inside: Vec<Sourced<'_>> = boundary
            .statements
            .iter()
            .map(|s| ("permissions boundary", s))
            .collect();
        match everything_allowed(&inside, &request, &keys) {
            Ok((_, boundary_depends)) => depends_on.extend(boundary_depends),
            Err(_) => return Decision::NotAllowed,
        }
    }
    Decision::Allowed { by, depends_on }
}

/// Whether these statements allow every action on every resource (`request`), by one
/// statement or by several together: the statements to cite and the keys the allow
/// depends on, or the decision that refuses it.
fn everything_allowed(
    statements: &[Sourced<'_>],
    request: &Request<'_>,
    keys: &Keys<'_>,
) -> Result<(Vec<Grant>, BTreeSet<String>), Decision> {
    let verdict = judge(statements.iter().copied(), request, keys);
    if let Some(deny) = verdict.denied {
        return Err(Decision::Denied(grant(deny)));
    }
    let (by, mut depends_on) = if verdict.allows.is_empty() {
        let together = allowed_together(statements, request, keys).ok_or(Decision::NotAllowed)?;
        (together.into_iter().map(grant).collect(), BTreeSet::new())
    } else {
        allowed_by(verdict.allows)
    };
    depends_on.extend(verdict.conditional_denies);
    Ok((by, depends_on))
}

/// Allow statements that together reach every action although none does alone, among
/// those that reach every resource unconditionally.
fn allowed_together<'s>(
    statements: &[Sourced<'s>],
    request: &Request<'_>,
    keys: &Keys<'_>,
) -> Option<Vec<Sourced<'s>>> {
    let everywhere: Vec<Sourced<'s>> = statements
        .iter()
        .copied()
        .filter(|(_, s)| {
            s.effect == Effect::Allow
                && resource_applies(s, request, keys, Fit::All) == Truth::Yes
                && evaluate_all(&s.conditions, keys) == Truth::Yes
        })
        .collect();
    let chosen = every_action_together(everywhere.iter().map(|(_, s)| *s))?;
    let sourced = |statement: &Statement| {
        everywhere
            .iter()
            .copied()
            .find(|(_, s)| std::ptr::eq(*s, statement))
    };
    chosen.into_iter().map(sourced).collect()
}

/// Of these allow statements (each already known to reach every resource), some that
/// together allow every action: a `NotAction` statement and, for each action it leaves
/// out, an `Action` statement that allows it (`iam:*` beside `NotAction iam:*`). A
/// sufficient test, not a complete one: a union it misses reads as no administrator (the
/// escalation analysis then looks for a way to become one), never the reverse.
pub fn every_action_together<'s>(
    allows: impl Iterator<Item = &'s Statement> + Clone,
) -> Option<Vec<&'s Statement>> {
    let named = || {
        allows
            .clone()
            .flat_map(|s| s.action.iter().flatten().map(move |action| (s, action)))
    };
    allows.clone().find_map(|not_action| {
        let left_out = not_action.not_action.as_ref()?;
        let mut used = vec![not_action];
        for pattern in left_out {
            let (by, _) = named().find(|(_, action)| covers(action, pattern, true))?;
            if !used.iter().any(|u| std::ptr::eq(*u, by)) {
                used.push(by);
            }
        }
        Some(used)
    })
}

/// A fixed list of literal actions (no `*` or `?`), indexed so that [`Actions::mentioned`]
/// tells which of them some `Allow` of a principal names — a cheap test before evaluating
/// an action against many resources — reading each statement once for all of them: the
/// escalation analysis asks about every action of its table for every principal.
pub struct Actions {
    all: Vec<&'static str>,
    by_lowercase: HashMap<String, &'static str>,
    by_service: HashMap<String, Vec<&'static str>>,
}

impl Actions {
    pub fn new(actions: impl IntoIterator<Item = &'static str>) -> Actions {
        let mut all: Vec<&'static str> = actions.into_iter().collect();
        all.sort_unstable();
        all.dedup();
        // One bit each, and one spare, so that no set of them is every bit (`set_of`).
        assert!(all.len() < 128, "more actions than bits in a set of them");
        let mut by_lowercase = HashMap::new();
        let mut by_service: HashMap<String, Vec<&'static str>> = HashMap::new();
        for &action in &all {
            assert!(
                action.is_ascii() && !is_pattern(action),
                "not a literal action: {action}"
            );
            by_lowercase.insert(action.to_ascii_lowercase(), action);
            let service = action
                .split_once(':')
                .map_or(action, |(service, _)| service);
            by_service
                .entry(service.to_ascii_lowercase())
                .or_default()
                .push(action);
        }
        Actions {
            all,
            by_lowercase,
            by_service,
        }
    }

    /// The actions that some `Allow` of `perms` names, as the statement would be judged
    /// for a request for the action on some resource. What each document names is kept in
    /// `memo`: principals share managed policies (some of thousands of actions), and each
    /// is read once for all of them.
    pub fn mentioned(&self, perms: &Perms<'_>, memo: &mut MentionedMemo) -> Mentioned<'_> {
        let mut bits = 0;
        for policy in &perms.policies {
            let key = std::ptr::from_ref::<PolicyDocument>(policy.document) as usize;
            bits |= *memo
                .by_document
                .entry(key)
                .or_insert_with(|| self.mentioned_by(policy.document));
        }
        Mentioned {
            actions: self,
            bits,
        }
    }

    /// The actions the `Allow` statements of one document name, one bit each.
    fn mentioned_by(&self, document: &PolicyDocument) -> u128 {
        let mut bits = 0;
        let allows = document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow);
        for statement in allows {
            match (&statement.action, &statement.not_action) {
                (Some(patterns), _) => {
                    for pattern in patterns {
                        bits |= self.matching(pattern);
                    }
                }
                (None, Some(not)) => {
                    for (index, &action) in self.all.iter().enumerate() {
                        if !excluded(not, action, Fit::Some, true) {
                            bits |= 1 << index;
                        }
                    }
                }
                (None, None) => {}
            }
        }
        bits
    }

    fn bit(&self, action: &str) -> Option<u128> {
        let index = self.all.binary_search(&action).ok()?;
        Some(1 << index)
    }

    /// Some of the actions as a set, for [`Mentioned::contains_all`]; an action not in
    /// the list is in no set [`Actions::mentioned`] returns, so its set is never contained.
    pub fn set_of(&self, actions: &[&str]) -> u128 {
        let bits: Option<Vec<u128>> = actions.iter().map(|action| self.bit(action)).collect();
        bits.map_or(u128::MAX, |bits| {
            bits.into_iter().fold(0, |set, bit| set | bit)
        })
    }

    /// The actions one `Action` pattern reaches (as `overlaps` judges a literal one).
    fn matching(&self, pattern: &str) -> u128 {
        let candidates: &[&'static str] = if !pattern.is_ascii() {
            // Unicode case folding can turn some characters into ASCII letters.
            &self.all
        } else if !is_pattern(pattern) {
            let action = self.by_lowercase.get(&pattern.to_ascii_lowercase());
            return action.and_then(|action| self.bit(action)).unwrap_or(0);
        } else {
            // Text before the first wildcard is literal: when it holds the whole service
            // prefix, only that service's actions can match.
            let literal = &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())];
            match literal.split_once(':') {
                Some((service, _)) => self
                    .by_service
                    .get(&service.to_ascii_lowercase())
                    .map_or(&[], Vec::as_slice),
                None => &self.all,
            }
        };
        candidates
            .iter()
            .filter(|action| overlaps(pattern, action, true))
            .filter_map(|action| self.bit(action))
            .fold(0, |bits, bit| bits | bit)
    }
}

/// What [`Actions::mentioned`] found: which of the actions some `Allow` names.
pub struct Mentioned<'t> {
    actions: &'t Actions,
    bits: u128,
}

impl Mentioned<'_> {
    pub fn contains(&self, action: &str) -> bool {
        self.actions
            .bit(action)
            .is_some_and(|bit| self.bits & bit != 0)
    }

    /// Whether every action of a set from [`Actions::set_of`] is named.
    pub fn contains_all(&self, set: u128) -> bool {
        self.bits & set == set
    }
}

/// What each policy document names of an [`Actions`] list, by document, for the documents
/// of one account (they outlive it: the key is the document's address).
#[derive(Default)]
pub struct MentionedMemo {
    by_document: foldhash::HashMap<usize, u128>,
}

fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// The conditions of a resource policy's statement (a role's trust policy) for a request
/// made by `principal`.
pub fn conditions_hold(
    principal: &Principal,
    statement: &Statement,
    request: &Request<'_>,
    now: DateTime<Utc>,
) -> Truth {
    let keys = Keys {
        principal,
        request,
        now,
    };
    evaluate_all(&statement.conditions, &keys)
}

/// Which resources the `Allow` statements for `action` can reach at most: a quick filter
/// before evaluating the action on each of many concrete resources.
pub enum Scope {
    Everything,
    /// Only resources matching one of these patterns (variables resolved).
    Patterns(Vec<String>),
}

impl Scope {
    /// The resources themselves, when every pattern is a plain ARN.
    pub fn exact(&self) -> Option<&[String]> {
        match self {
            Scope::Patterns(patterns) if !patterns.iter().any(|p| p.contains(['*', '?'])) => {
                Some(patterns)
            }
            _ => None,
        }
    }

    pub fn may_include(&self, resource: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Patterns(patterns) => patterns.iter().any(|p| covers(p, resource, false)),
        }
    }

    /// Of `sorted` (indices in the order of their ARNs, `arn` giving each one's), those
    /// the scope may include, in index order. A pattern only looks at the ARNs that begin
    /// with its text before the first wildcard — a binary search — rather than at all of
    /// them: judging every principal's scope on every principal was quadratic.
    pub fn select<'a>(&self, sorted: &[usize], arn: impl Fn(usize) -> &'a str) -> Vec<usize> {
        let Scope::Patterns(patterns) = self else {
            let mut all = sorted.to_vec();
            all.sort_unstable();
            return all;
        };
        let mut found = Vec::new();
        for pattern in patterns {
            let literal = &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())];
            let start = sorted.partition_point(|&i| arn(i) < literal);
            let candidates = sorted[start..]
                .iter()
                .copied()
                .take_while(|&i| arn(i).starts_with(literal));
            found.extend(candidates.filter(|&i| covers(pattern, arn(i), false)));
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

pub fn scope(principal: &Principal, perms: &Perms<'_>, action: &str, now: DateTime<Utc>) -> Scope {
    let request = Request::new(action, "*");
    let keys = Keys {
        principal,
        request: &request,
        now,
    };
    let mut patterns = Vec::new();
    for policy in &perms.policies {
        for statement in &policy.document.statements {
            if statement.effect != Effect::Allow || !action_applies(statement, action, Fit::Some) {
                continue;
            }
            let Some(resources) = &statement.resource else {
                return Scope::Everything;
            };
            for resource in resources {
                match substitute(resource, &keys) {
                    Substituted::Text(text) | Substituted::Depends(text, _) => {
                        if text == "*" {
                            return Scope::Everything;
                        }
                        patterns.push(text);
                    }
                    Substituted::Absent => {}
                }
            }
        }
    }
    Scope::Patterns(patterns)
}

/// Condition keys that describe the request or its principal, never the resource acted on.
const REQUEST_KEYS: &[&str] = &[
    "aws:principal",
    "aws:requested",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:vpcsourceip",
    "aws:multifactorauth",
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:userid",
    "aws:username",
    "aws:calledvia",
    "aws:viaawsservice",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:referer",
    "iam:passedtoservice",
];

/// Whether every statement that could decide `action` for this principal (allow or deny,
/// in its policies and boundary) applies to `Resource: "*"` and looks only at request
/// keys: then the decision is the same whichever resource of the type is named, and one
/// decision stands for all of them.
pub fn resource_blind(perms: &Perms<'_>, action: &str) -> bool {
    let documents = perms
        .policies
        .iter()
        .map(|p| p.document)
        .chain(perms.boundary);
    let statements = documents.flat_map(|d| d.statements.iter());
    statements
        .filter(|s| action_applies(s, action, Fit::Some))
        .all(|s| {
            let everything = matches!(&s.resource, Some(r) if r.iter().all(|r| r == "*"));
            let request_keys = s.conditions.iter().all(|c| {
                let key = c.key.to_ascii_lowercase();
                REQUEST_KEYS.iter().any(|k| key.starts_with(k))
            });
            everything && s.not_resource.is_none() && request_keys
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;

    use proptest::prelude::*;

    use super::*;
    use crate::access::policy::parse;

    fn alice() -> Principal {
        Principal {
            kind: PrincipalKind::User,
            name: "alice".into(),
            arn: "arn:aws:iam::111122223333:user/alice".into(),
            id: "AIDAALICE".into(),
            account: "111122223333".into(),
            tags: BTreeMap::from([("team".to_string(), "payments".to_string())]),
            groups: vec![],
            managed_policy_arns: vec![],
            policies: vec![],
            boundary_arn: None,
            boundary: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    }

    fn decision(document: &str, boundary: Option<&str>, request: &Request<'_>) -> Decision {
        let document = parse(document).unwrap();
        let boundary = boundary.map(|b| parse(b).unwrap());
        let perms = Perms {
            policies: vec![SourcedPolicy {
                source: "inline:test".into(),
                document: &document,
            }],
            boundary: boundary.as_ref(),
        };
        decide(&alice(), &perms, request, now())
    }

    const USERS: &str = "arn:aws:iam::111122223333:user/";

    #[test]
    fn a_variable_scopes_a_statement_to_the_caller() {
        let own = r#"{"Statement":{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}}"#;
        let alice = format!("{USERS}alice");
        let bob = format!("{USERS}bob");
        assert!(decision(own, None, &Request::new("iam:CreateAccessKey", &alice)).allowed());
        assert!(!decision(own, None, &Request::new("iam:CreateAccessKey", &bob)).allowed());
    }

    #[test]
    fn explicit_deny_and_boundary() {
        let allow_all = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#;
        let bob = format!("{USERS}bob");
        let request = Request::new("iam:CreateAccessKey", &bob);
        assert!(matches!(
            decision(allow_all, None, &request),
            Decision::Denied(_)
        ));
        let s3_only = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
        let request = Request::new("ec2:RunInstances", "*");
        assert_eq!(
            decision(allow_all, Some(s3_only), &request),
            Decision::NotAllowed
        );
    }

    #[test]
    fn a_conditional_deny_leaves_an_allow_that_depends_on_the_request() {
        let document = r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
            {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
        match decision(document, None, &Request::new("iam:PassRole", "*")) {
            Decision::Allowed { depends_on, .. } => {
                assert_eq!(
                    depends_on,
                    BTreeSet::from(["aws:MultiFactorAuthPresent".to_string()])
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn principal_tags_and_known_request_keys_decide_conditions() {
        let document = r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{
            "StringEquals":{"aws:PrincipalTag/team":"payments","iam:PassedToService":"lambda.amazonaws.com"}}}}"#;
        let role = "arn:aws:iam::111122223333:role/worker";
        let lambda = Request::new("iam:PassRole", role)
            .with_key("iam:passedtoservice", "lambda.amazonaws.com");
        let ec2 =
            Request::new("iam:PassRole", role).with_key("iam:passedtoservice", "ec2.amazonaws.com");
        assert!(
            matches!(decision(document, None, &lambda), Decision::Allowed { depends_on, .. } if depends_on.is_empty())
        );
        assert_eq!(decision(document, None, &ec2), Decision::NotAllowed);
    }

    #[test]
    fn a_new_resource_is_allowed_by_some_of_it_and_denied_only_by_all_of_it() {
        let functions = "arn:aws:lambda:*:111122223333:function:*";
        let scoped = r#"{"Statement":{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:app-*"}}"#;
        assert!(decision(
            scoped,
            None,
            &Request::new("lambda:CreateFunction", functions)
        )
        .allowed());
        let partly_denied = r#"{"Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"},
            {"Effect":"Deny","Action":"lambda:*","Resource":"arn:aws:lambda:*:111122223333:function:prod-*"}]}"#;
        assert!(decision(
            partly_denied,
            None,
            &Request::new("lambda:CreateFunction", functions)
        )
        .allowed());
        let not_resource = r#"{"Statement":{"Effect":"Allow","Action":"lambda:*","NotResource":"arn:aws:lambda:*:111122223333:function:*"}}"#;
        assert!(!decision(
            not_resource,
            None,
            &Request::new("lambda:CreateFunction", functions)
        )
        .allowed());
    }

    #[test]
    fn administrators_hold_everything_with_nothing_denied() {
        let admin =
            parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        let fenced = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::secrets/*"}]}"#,
        )
        .unwrap();
        let perms = |document| Perms {
            policies: vec![SourcedPolicy {
                source: "p".into(),
                document,
            }],
            boundary: None,
        };
        assert!(administrator(&alice(), &perms(&admin), now()).allowed());
        assert!(!administrator(&alice(), &perms(&fenced), now()).allowed());
    }

    #[test]
    fn statements_that_together_allow_everything_make_an_administrator() {
        let admin = |document: &str| {
            let document = parse(document).unwrap();
            let perms = Perms {
                policies: vec![SourcedPolicy {
                    source: "p".into(),
                    document: &document,
                }],
                boundary: None,
            };
            administrator(&alice(), &perms, now())
        };
        let together = admin(
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        let Decision::Allowed { by, depends_on } = together else {
            panic!("not an administrator: {together:?}");
        };
        assert_eq!((by.len(), depends_on.len()), (2, 0));
        // Look-alikes: a gap left (iam:Get* does not cover iam:*), one half limited to some
        // resources or by a condition, or a deny somewhere.
        for safe in [
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#,
        ] {
            assert!(!admin(safe).allowed(), "{safe}");
        }
    }

    /// Judging one action at a time: what [`Actions::mentioned`] must agree with.
    fn mentions(perms: &Perms<'_>, action: &str) -> bool {
        perms.policies.iter().any(|p| {
            p.document
                .statements
                .iter()
                .any(|s| s.effect == Effect::Allow && action_applies(s, action, Fit::Some))
        })
    }

    const ASKED: &[&str] = &[
        "iam:PassRole",
        "iam:CreateAccessKey",
        "sts:AssumeRole",
        "ec2:RunInstances",
        "lambda:CreateFunction",
        "kms:Decrypt",
    ];

    /// Action patterns near the actions asked about: other cases, wildcards in the
    /// service or the name, other services, and the Kelvin sign (Unicode folds it to `k`).
    fn action_pattern() -> impl Strategy<Value = String> {
        let service = "(iam|IAM|Sts|ec2|lambda|s3|kms|\\x{212A}ms|\\*|i\\*|\\?am|sts\\*)";
        let name = "(PassRole|passrole|Create[A-Za-z]{0,8}|\\*|[A-Za-z*?]{1,10})";
        proptest::string::string_regex(&format!("{service}(:{name})?")).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn the_action_index_agrees_with_judging_each_action(
            statements in proptest::collection::vec(
                (proptest::collection::vec(action_pattern(), 1..4), any::<bool>(), any::<bool>()),
                1..4,
            ),
        ) {
            let statements: Vec<serde_json::Value> = statements
                .into_iter()
                .map(|(patterns, negated, deny)| {
                    let key = if negated { "NotAction" } else { "Action" };
                    let effect = if deny { "Deny" } else { "Allow" };
                    serde_json::json!({ "Effect": effect, key: patterns, "Resource": "*" })
                })
                .collect();
            let text = serde_json::json!({ "Statement": statements }).to_string();
            let document = parse(&text).unwrap();
            let perms = Perms {
                policies: vec![SourcedPolicy { source: "p".into(), document: &document }],
                boundary: None,
            };
            let actions = Actions::new(ASKED.iter().copied());
            let mentioned = actions.mentioned(&perms, &mut MentionedMemo::default());
            for action in ASKED {
                proptest::prop_assert_eq!(
                    mentioned.contains(action),
                    mentions(&perms, action),
                    "{} in {}", action, text
                );
            }
            let both = [ASKED[0], ASKED[3]];
            proptest::prop_assert_eq!(
                mentioned.contains_all(actions.set_of(&both)),
                both.iter().all(|action| mentions(&perms, action))
            );
            proptest::prop_assert!(!mentioned.contains_all(actions.set_of(&["s3:GetObject"])));
        }
    }

    proptest::proptest! {
        #[test]
        fn a_scope_selects_what_it_may_include(
            arns in proptest::collection::vec("arn:aws:iam::1:(user|role)/[ab]{0,3}", 0..12),
            patterns in proptest::collection::vec("(arn:aws:iam::1:|arn:aws:iam::\\*:|\\*)(user|role|\\*)?/?[ab*?]{0,3}", 1..3),
        ) {
            let mut sorted: Vec<usize> = (0..arns.len()).collect();
            sorted.sort_by(|&a, &b| arns[a].cmp(&arns[b]));
            let scope = Scope::Patterns(patterns);
            let selected = scope.select(&sorted, |i| arns[i].as_str());
            let expected: Vec<usize> =
                (0..arns.len()).filter(|&i| scope.may_include(&arns[i])).collect();
            proptest::prop_assert_eq!(selected, expected);
        }
    }
}
