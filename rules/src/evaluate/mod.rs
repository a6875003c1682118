//! Runs the selected rules over a snapshot; [`order`] puts findings in report order.

pub mod order;

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
/// in a stable order. On an arranged snapshot ([`order::arrange`]) most rules' findings
/// come in that order, and are only checked.
fn in_report_order(mut findings: Vec<Finding>) -> Vec<Finding> {
    order::sort_by_place(&mut findings, |finding| {
        (finding.region.as_deref(), finding.resource.as_str())
    });
    findings
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
pub(crate) mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::rule::{CheckFn, Duty, Severity};

    /// The example account, as the order tests also read it.
    pub(crate) fn demo() -> Snapshot {
        serde_json::from_str(include_str!("../../../examples/demo-account.json")).unwrap()
    }

    /// A fixed clock, so that age-based rules judge the same on every day.
    pub(crate) fn settings() -> Settings {
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
                    // sixteen-byte pieces, shorter ones that are prefixes of longer, and
                    // ties past the depth where pieces stop.
                    concat!(
                        "arn:aws:ec2:[ab]{0,2}:[ab]{0,3}|x{0,3}[a\\x00]{0,40}",
                        "|y{14,18}[ab]?|z{500,530}[ab]{0,2}",
                    ),
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
