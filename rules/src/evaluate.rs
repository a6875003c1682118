//! Runs the selected rules over a snapshot.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Condvar, Mutex};

use crate::model::Snapshot;
use crate::registry::RULES;
use crate::rule::{Context, Finding, Rule};
use crate::settings::Settings;

/// Every finding of every rule that `selected` keeps, in a stable order (rule, region,
/// resource) so that two runs over the same snapshot print the same report.
pub fn evaluate(
    snapshot: &Snapshot,
    settings: &Settings,
    selected: impl Fn(&Rule) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    evaluate_each(snapshot, settings, selected, |of_rule| {
        findings.append(of_rule)
    });
    findings
}

/// The same findings in the same order, handed over one rule at a time, so that a caller
/// can write them out and never hold every finding of a large account at once. Rules run on
/// every core; `each` runs on the calling thread, in rule order. What `each` leaves in the
/// vector is dropped by the thread that made it: freeing a large account's findings on
/// the calling thread, memory another core allocated, took a third of the evaluation there.
pub fn evaluate_each(
    snapshot: &Snapshot,
    settings: &Settings,
    selected: impl Fn(&Rule) -> bool,
    mut each: impl FnMut(&mut Vec<Finding>),
) {
    let cx = Context { snapshot, settings };
    let mut rules: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| selected(rule))
        .collect();
    rules.sort_by_key(|rule| rule.id);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if workers < 2 || rules.len() < 2 {
        rules.iter().for_each(|rule| each(&mut run(rule, &cx)));
    } else {
        let workers = workers.min(rules.len());
        in_parallel(&rules, &cx, workers, WAITING_FINDINGS, each);
    }
}

fn run(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    in_report_order((rule.check)(rule, cx))
}

/// One rule's findings (the rule id is the same in all of them) by region and resource,
/// in a stable order. The findings are sorted by keys of their own (see [`report_order`])
/// and then moved into place by swapping, in the vector they are in: findings are large,
/// and sorting them, or gathering them into a new vector, moved each several times and
/// took as long as the rules on a large account.
fn in_report_order(mut findings: Vec<Finding>) -> Vec<Finding> {
    fn key(finding: &Finding) -> (Option<&str>, &str) {
        (finding.region.as_deref(), finding.resource.as_str())
    }
    if findings.is_sorted_by(|a, b| key(a) <= key(b)) {
        return findings;
    }
    let mut order = report_order(&findings);
    // `order[place]` is the position of the finding that goes to `place`. Following each
    // cycle of the permutation, every swap puts one finding where it belongs; a place
    // done points at itself, so a cycle already followed ends at once.
    for start in 0..order.len() {
        let mut place = start;
        loop {
            let from = order[place];
            order[place] = place;
            if from == start {
                break;
            }
            findings.swap(place, from);
            place = from;
        }
    }
    findings
}

/// Where a finding goes, as far as one piece of its resource tells: its region's rank,
/// then the piece (see [`piece`]), then its position (findings of one resource keep the
/// order the rule made them in).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    region: u32,
    piece: u128,
    left: u8,
    position: u32,
}

/// Sixteen bytes of a string from `offset`, as a big-endian integer padded with zeros,
/// and how many bytes are left from there (17 standing for more than sixteen). Two strings
/// order as their pieces do, unless both pieces tie with more than sixteen bytes left:
/// then their next pieces decide.
fn piece(string: &[u8], offset: usize) -> (u128, u8) {
    let rest = string.get(offset..).unwrap_or_default();
    let mut first = [0_u8; 16];
    let taken = rest.len().min(16);
    first[..taken].copy_from_slice(&rest[..taken]);
    (u128::from_be_bytes(first), rest.len().min(17) as u8)
}

/// The positions of the findings in report order: by region, then by resource (strings
/// order as their bytes), findings of one resource in the order the rule made them. Keys
/// are integers in one array, sixteen bytes of the resource at a time, more only where
/// they tie: comparing the strings, each behind two pointers, was most of the time it
/// took to order a large account's findings.
fn report_order(findings: &[Finding]) -> Vec<usize> {
    let regions = region_ranks(findings);
    // The resources of one region share a long prefix (`arn:aws:ec2:REGION:ACCOUNT:...`):
    // pieces start past it.
    let mut shared: Vec<Option<&[u8]>> = vec![None; regions.len()];
    for (finding, &region) in findings.iter().zip(&regions) {
        let resource = finding.resource.as_bytes();
        let prefix = &mut shared[region as usize];
        *prefix = Some(prefix.map_or(resource, |p| &p[..common_prefix(p, resource)]));
    }
    let shared: Vec<usize> = shared
        .into_iter()
        .map(|p| p.map_or(0, <[u8]>::len))
        .collect();
    let resource = |key: &SortKey| {
        &findings[key.position as usize].resource.as_bytes()[shared[key.region as usize]..]
    };
    let mut keys: Vec<SortKey> = (0..findings.len())
        .map(|position| {
            let mut key = SortKey {
                region: regions[position],
                piece: 0,
                left: 0,
                position: position as u32,
            };
            (key.piece, key.left) = piece(resource(&key), 0);
            key
        })
        .collect();
    sort_from(&mut keys, 0, &resource);
    keys.into_iter().map(|key| key.position as usize).collect()
}

/// Each finding's region as its rank among the regions of the findings (no region first).
fn region_ranks(findings: &[Finding]) -> Vec<u32> {
    let mut regions: Vec<Option<&str>> = Vec::new();
    let mut first_seen: Vec<u32> = Vec::with_capacity(findings.len());
    for finding in findings {
        let region = finding.region.as_deref();
        // Findings of one region mostly come together.
        let seen = match first_seen.last() {
            Some(&last) if regions[last as usize] == region => last,
            _ => match regions.iter().position(|r| *r == region) {
                Some(seen) => seen as u32,
                None => {
                    regions.push(region);
                    (regions.len() - 1) as u32
                }
            },
        };
        first_seen.push(seen);
    }
    let mut sorted: Vec<u32> = (0..regions.len() as u32).collect();
    sorted.sort_by_key(|&seen| regions[seen as usize]);
    let mut rank = vec![0; regions.len()];
    for (place, seen) in sorted.into_iter().enumerate() {
        rank[seen as usize] = place as u32;
    }
    first_seen
        .into_iter()
        .map(|seen| rank[seen as usize])
        .collect()
}

/// Sorts keys whose pieces start at `offset` of their resources, then each run that ties
/// on a piece with more to come by the next pieces.
fn sort_from<'a>(keys: &mut [SortKey], offset: usize, resource: &impl Fn(&SortKey) -> &'a [u8]) {
    keys.sort_unstable();
    let next = offset + 16;
    let tie = |a: &SortKey, b: &SortKey| (a.region, a.piece, a.left) == (b.region, b.piece, b.left);
    for run in keys.chunk_by_mut(tie) {
        if run.len() > 1 && run[0].left > 16 {
            for key in run.iter_mut() {
                (key.piece, key.left) = piece(resource(key), next);
            }
            sort_from(run, next, resource);
        }
    }
}

/// The length of the prefix two byte strings share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// How many findings of rules run ahead may wait to be handed over before workers stop
/// taking more rules: a slow rule (privilege escalation) does not idle the other cores, and
/// memory holds at most this many findings besides one rule's per worker, never the whole
/// account's (measured: `check` on 100k resources peaks 130 MB higher than on one core).
const WAITING_FINDINGS: usize = 200_000;

/// Which rules workers have taken, in which order they take them, how many rules have
/// been handed over, and how many findings wait.
struct Progress {
    /// Slow rules first, then the others in the order they are handed over.
    order: Vec<usize>,
    taken: Vec<bool>,
    taken_count: usize,
    handed_over: usize,
    waiting: usize,
    /// The caller stopped (a rule panicked): workers take no more rules.
    abandoned: bool,
}

impl Progress {
    fn new(rules: &[&Rule]) -> Progress {
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by_key(|&index| !rules[index].slow);
        Progress {
            order,
            taken: vec![false; rules.len()],
            taken_count: 0,
            handed_over: 0,
            waiting: 0,
            abandoned: false,
        }
    }

    /// The next rule to take: in order while few enough findings wait, otherwise only the
    /// rule to hand over next (so that the caller can always make progress).
    fn next(&self, waiting_at_most: usize) -> Option<usize> {
        if self.waiting < waiting_at_most {
            self.order.iter().copied().find(|&index| !self.taken[index])
        } else {
            Some(self.handed_over).filter(|&index| index < self.taken.len() && !self.taken[index])
        }
    }
}

fn in_parallel(
    rules: &[&Rule],
    cx: &Context<'_>,
    workers: usize,
    waiting_at_most: usize,
    mut each: impl FnMut(&mut Vec<Finding>),
) {
    let progress = (Mutex::new(Progress::new(rules)), Condvar::new());
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let mut give_back = Vec::new();
        for worker in 0..workers {
            let (done, progress) = (done.clone(), &progress);
            let (returned, given_back) = mpsc::channel::<Vec<Finding>>();
            give_back.push(returned);
            scope.spawn(move || {
                let mut lent = 0_usize;
                while let Some(index) = take_next(progress, waiting_at_most) {
                    lent -= given_back.try_iter().count();
                    let rule = rules[index];
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| run(rule, cx)));
                    lent += usize::from(outcome.is_ok());
                    if done.send((index, worker, outcome)).is_err() {
                        return;
                    }
                }
                // Until the caller is done with them (or gone: the sender dropped).
                while lent > 0 && given_back.recv().is_ok() {
                    lent -= 1;
                }
            });
        }
        drop(done);
        // However this thread leaves (a rule or `each` panicked), workers waiting for their
        // turn must stop, or the scope would wait for them forever.
        let _release = Release(&progress);
        let mut waiting = BTreeMap::new();
        let mut wanted = 0;
        for (index, worker, outcome) in finished {
            let count = outcome.as_ref().map_or(0, Vec::len);
            update(&progress, |p| p.waiting += count);
            waiting.insert(index, (worker, outcome));
            while let Some((worker, outcome)) = waiting.remove(&wanted) {
                let count = outcome.as_ref().map_or(0, Vec::len);
                match outcome {
                    Ok(mut findings) => {
                        each(&mut findings);
                        // The worker has gone only if this thread is unwinding.
                        let _ = give_back[worker].send(findings);
                    }
                    Err(payload) => panic::resume_unwind(payload),
                }
                wanted += 1;
                update(&progress, |p| {
                    p.handed_over = wanted;
                    p.waiting -= count;
                });
            }
        }
    });
}

/// The next rule to run (see [`Progress::next`]), waiting for the caller while too many
/// findings wait; `None` when every rule is taken or the run was abandoned.
fn take_next(progress: &(Mutex<Progress>, Condvar), waiting_at_most: usize) -> Option<usize> {
    let (lock, changed) = progress;
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if state.abandoned || state.taken_count == state.taken.len() {
            return None;
        }
        if let Some(index) = state.next(waiting_at_most) {
            state.taken[index] = true;
            state.taken_count += 1;
            return Some(index);
        }
        state = changed.wait(state).unwrap_or_else(|e| e.into_inner());
    }
}

struct Release<'p>(&'p (Mutex<Progress>, Condvar));

impl Drop for Release<'_> {
    fn drop(&mut self) {
        update(self.0, |p| p.abandoned = true);
    }
}

/// Changes the shared progress and wakes the workers waiting on it.
fn update(progress: &(Mutex<Progress>, Condvar), change: impl FnOnce(&mut Progress)) {
    let (lock, changed) = progress;
    change(&mut lock.lock().unwrap_or_else(|e| e.into_inner()));
    changed.notify_all();
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::rule::{CheckFn, Duty, Severity};

    fn demo() -> Snapshot {
        serde_json::from_str(include_str!("../../examples/demo-account.json")).unwrap()
    }

    fn settings() -> Settings {
        Settings::at(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap())
    }

    #[test]
    fn rules_in_parallel_hand_over_the_findings_of_one_after_another() {
        let (snapshot, settings) = (demo(), settings());
        let cx = Context {
            snapshot: &snapshot,
            settings: &settings,
        };
        let mut rules: Vec<&Rule> = RULES.to_vec();
        rules.sort_by_key(|rule| rule.id);
        let one_by_one: Vec<Vec<Finding>> = rules.iter().map(|rule| run(rule, &cx)).collect();
        assert!(one_by_one.iter().filter(|f| !f.is_empty()).count() > 20);
        // Waiting for no findings at all makes the workers take turns with the caller.
        for (workers, waiting) in [(2, WAITING_FINDINGS), (3, 10), (8, 0)] {
            let mut handed_over = Vec::new();
            in_parallel(&rules, &cx, workers, waiting, |of_rule| {
                handed_over.push(std::mem::take(of_rule))
            });
            assert_eq!(handed_over, one_by_one, "{workers} workers");
        }
    }

    fn panics(_: &Rule, _: &Context<'_>) -> Vec<Finding> {
        panic!("a rule's bug")
    }

    fn finds_nothing(_: &Rule, _: &Context<'_>) -> Vec<Finding> {
        Vec::new()
    }

    fn rule(id: &'static str, check: CheckFn) -> Rule {
        Rule {
            id,
            title: "test",
            duty: Duty::IdentityAndAccessManagement,
            severity: Severity::Low,
            doc: "",
            reads: &[],
            source: file!(),
            check,
            slow: false,
            appendix: None,
        }
    }

    #[test]
    fn findings_are_ordered_by_region_and_resource_keeping_equal_ones_in_place() {
        let rule = rule("ordered", finds_nothing);
        let places = [
            (Some("us-east-1"), "b"),
            (None, "z"),
            (Some("eu-west-1"), "a"),
            (Some("us-east-1"), "a"),
            (None, "z"),
            (Some("eu-west-1"), "a"),
        ];
        let findings: Vec<Finding> = places
            .iter()
            .enumerate()
            .map(|(n, (region, resource))| rule.pass(*resource, *region, format!("{n}")))
            .collect();
        let mut stable = findings.clone();
        stable.sort_by(|a, b| (&a.region, &a.resource).cmp(&(&b.region, &b.resource)));
        let ordered = in_report_order(findings);
        let messages: Vec<&str> = ordered.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["1", "4", "2", "5", "3", "0"]);
        assert_eq!(ordered, stable);
        assert_eq!(in_report_order(ordered.clone()), ordered);
    }

    proptest::proptest! {
        #[test]
        fn report_order_is_a_stable_sort_by_region_and_resource(
            places in proptest::collection::vec(
                (
                    proptest::option::of("(eu|us)-[ab]"),
                    // Long shared runs and NUL bytes: resources that tie on one or more
                    // sixteen-byte pieces, and shorter ones that are prefixes of longer.
                    "arn:aws:ec2:[ab]{0,2}:[ab]{0,3}|x{0,3}[a\\x00]{0,40}|y{14,18}[ab]?",
                ),
                0..40,
            ),
        ) {
            let rule = rule("ordered", finds_nothing);
            let findings: Vec<Finding> = places
                .iter()
                .enumerate()
                .map(|(n, (region, resource))| {
                    rule.pass(resource.as_str(), region.as_deref(), format!("{n}"))
                })
                .collect();
            let mut stable = findings.clone();
            stable.sort_by(|a, b| (&a.region, &a.resource).cmp(&(&b.region, &b.resource)));
            proptest::prop_assert_eq!(in_report_order(findings), stable);
        }
    }

    static STARTED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

    fn records_its_start(rule: &Rule, _: &Context<'_>) -> Vec<Finding> {
        STARTED.lock().unwrap().push(rule.id);
        vec![rule.pass(rule.id, None, "ran".to_string())]
    }

    #[test]
    fn slow_rules_start_first_and_findings_keep_their_order() {
        let (snapshot, settings) = (demo(), settings());
        let cx = Context {
            snapshot: &snapshot,
            settings: &settings,
        };
        let ids = ["a", "b", "c", "d", "e"];
        let mut rules: Vec<Rule> = ids.iter().map(|id| rule(id, records_its_start)).collect();
        rules[3].slow = true;
        let rules: Vec<&Rule> = rules.iter().collect();
        let mut handed_over = Vec::new();
        in_parallel(&rules, &cx, 1, WAITING_FINDINGS, |of_rule| {
            handed_over.extend(of_rule.drain(..).map(|f| f.resource))
        });
        assert_eq!(*STARTED.lock().unwrap(), ["d", "a", "b", "c", "e"]);
        assert_eq!(handed_over, ids);
    }

    #[test]
    fn a_panicking_rule_is_a_panic_of_the_caller_not_a_hang() {
        let (snapshot, settings) = (demo(), settings());
        let cx = Context {
            snapshot: &snapshot,
            settings: &settings,
        };
        let quiet: Vec<Rule> = (0..20).map(|_| rule("quiet", finds_nothing)).collect();
        let broken = rule("broken", panics);
        let mut rules: Vec<&Rule> = vec![&broken];
        rules.extend(quiet.iter());
        let mut handed_over = 0;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            in_parallel(&rules, &cx, 2, 0, |_| handed_over += 1)
        }));
        assert!(outcome.is_err());
        assert_eq!(
            handed_over, 0,
            "nothing after the broken rule is handed over"
        );
    }
}
