//! Benchmark of offline evaluation against parsing alone: `cargo bench -p posture-rules
//! --bench offline -- SNAPSHOT...` (`scripts/bench-offline` makes the snapshots). For each
//! snapshot it prints the resources it holds, the time to read and parse it, the time to
//! evaluate every rule one after another on one core and as `posture check` does (every
//! core, `evaluate_each`), both after arranging the snapshot (`order::arrange`, timed with
//! them, as `check` does it after loading), the ratio of the latter to parsing, the
//! microseconds per resource, and the three slowest rules, so that a rule that grows
//! faster than the account shows at once. Each figure is the best of `BENCH_RUNS` runs
//! (3). `BENCH_RULES=ID,ID` runs only those rules (to profile one). Asserts nothing.

use std::collections::BTreeMap;
use std::time::Instant;

/// The binary's allocator, so that the figures are what `posture check` sees, counting
/// the allocations made on each thread (a thread-local count: nothing shared is touched).
#[global_allocator]
static GLOBAL: Counting = Counting;

struct Counting;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn allocations() -> u64 {
    ALLOCATIONS.with(std::cell::Cell::get)
}

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, size) }
    }
}

use chrono::{TimeZone, Utc};
use posture_rules::evaluate::order;
use posture_rules::model::{Observed, Snapshot};
use posture_rules::registry::RULES;
use posture_rules::rule::Context;
use posture_rules::{evaluate_each, Settings};

fn count<T>(observed: &Observed<Vec<T>>) -> usize {
    observed.as_ref().map_or(0, Vec::len)
}

/// Every resource a rule may report on: network and compute per region, buckets, and the
/// IAM entities.
fn count_resources(snapshot: &Snapshot) -> usize {
    let regional: usize = snapshot
        .ec2
        .iter()
        .map(|region| {
            count(&region.vpcs)
                + count(&region.security_groups)
                + count(&region.network_acls)
                + count(&region.flow_logs)
                + count(&region.network_interfaces)
                + count(&region.instances)
                + count(&region.volumes)
                + count(&region.snapshots)
                + count(&region.images)
        })
        .sum();
    let iam = snapshot
        .iam
        .authorization_details
        .as_ref()
        .map_or(0, |details| {
            details.users.len()
                + details.groups.len()
                + details.roles.len()
                + details.policies.len()
        });
    regional + count(&snapshot.s3.buckets) + iam
}

fn main() {
    posture_allocator::keep_freed_memory();
    let paths: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    if paths.is_empty() {
        eprintln!("usage: cargo bench -p posture-rules --bench offline -- SNAPSHOT...");
        std::process::exit(2);
    }
    // A fixed clock, so that age-based rules decide the same way on every run.
    let settings = Settings::at(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
    println!(
        "{:>10} {:>7} {:>8} {:>8} {:>8} {:>6} {:>9} {:>9}  slowest rules",
        "resources", "MB", "parse s", "rules s", "cores s", "ratio", "parse µs", "rules µs"
    );
    let runs: usize = std::env::var("BENCH_RUNS").map_or(3, |v| v.parse().unwrap_or(3));
    for path in paths {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        // A shared machine's neighbours come and go: each figure is the best of `runs`,
        // every run on a freshly parsed snapshot (policy documents are parsed when a rule
        // first reads them, and kept).
        let mut best = Best::default();
        let mut resources = 0;
        for _ in 0..runs.max(1) {
            let (mut snapshot, parse) = timed(|| parsed(&bytes, &path));
            resources = count_resources(&snapshot);
            // Arranging the snapshot is part of evaluating it, as in `posture check`.
            let ((findings, per_rule), one_core) = timed(|| {
                let (_, arranging) = timed(|| order::arrange(&mut snapshot));
                let cx = Context {
                    snapshot: &snapshot,
                    settings: &settings,
                };
                let (findings, mut per_rule) = one_by_one(&cx);
                per_rule.push(("(arranging the snapshot)", arranging));
                (findings, per_rule)
            });
            drop(snapshot);
            let mut snapshot = parsed(&bytes, &path);
            let (handed_over, every_core) = timed(|| {
                order::arrange(&mut snapshot);
                let mut handed_over = 0;
                evaluate_each(
                    &snapshot,
                    &settings,
                    |rule| chosen(rule.id),
                    |of_rule: &mut Vec<_>| handed_over += of_rule.len(),
                );
                handed_over
            });
            assert_eq!(handed_over, findings, "the two evaluations disagree");
            best.keep(parse, one_core, every_core, per_rule);
            best.findings = findings;
        }
        let mut per_rule: Vec<_> = best.per_rule.iter().map(|(id, s)| (*s, *id)).collect();
        per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
        let shown: usize = std::env::var("BENCH_SLOWEST").map_or(3, |v| v.parse().unwrap_or(3));
        let slowest: Vec<String> = per_rule[..shown.min(per_rule.len())]
            .iter()
            .map(|(seconds, id)| format!("{id} {seconds:.2}"))
            .collect();
        let micros = |seconds: f64| seconds * 1e6 / resources.max(1) as f64;
        println!(
            "{resources:>10} {:>7.1} {:>8.2} {:>8.2} {:>8.2} {:>6.2} {:>9.2} {:>9.2}  {} \
             ({} findings)",
            bytes.len() as f64 / 1e6,
            best.parse,
            best.one_core,
            best.every_core,
            best.every_core / best.parse,
            micros(best.parse),
            micros(best.one_core),
            slowest.join(", "),
            best.findings,
        );
    }
}

/// The shortest time of each phase over the runs.
struct Best {
    parse: f64,
    one_core: f64,
    every_core: f64,
    per_rule: BTreeMap<&'static str, f64>,
    findings: usize,
}

impl Default for Best {
    fn default() -> Best {
        Best {
            parse: f64::MAX,
            one_core: f64::MAX,
            every_core: f64::MAX,
            per_rule: BTreeMap::new(),
            findings: 0,
        }
    }
}

impl Best {
    fn keep(
        &mut self,
        parse: f64,
        one_core: f64,
        every_core: f64,
        per_rule: Vec<(&'static str, f64)>,
    ) {
        self.parse = self.parse.min(parse);
        self.one_core = self.one_core.min(one_core);
        self.every_core = self.every_core.min(every_core);
        for (id, seconds) in per_rule {
            let kept = self.per_rule.entry(id).or_insert(f64::MAX);
            *kept = kept.min(seconds);
        }
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let result = work();
    (result, start.elapsed().as_secs_f64())
}

/// Whether `BENCH_RULES` (a comma-separated list of rule ids) includes the rule; every rule
/// when it is unset.
fn chosen(id: &str) -> bool {
    std::env::var("BENCH_RULES").map_or(true, |ids| ids.split(',').any(|chosen| chosen == id))
}

fn parsed(bytes: &[u8], path: &str) -> Snapshot {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path} is not a snapshot: {e}"))
}

/// Every rule on one core, one after another: the findings and each rule's time. Never
/// inlined, so that a profiler can count this phase alone
/// (`valgrind --tool=callgrind --toggle-collect='*one_by_one*'`).
#[inline(never)]
fn one_by_one(cx: &Context<'_>) -> (usize, Vec<(&'static str, f64)>) {
    let mut findings = 0;
    let per_rule = RULES
        .iter()
        .filter(|rule| chosen(rule.id))
        .map(|rule| {
            let before = allocations();
            let (found, seconds) = timed(|| (rule.check)(rule, cx).len());
            findings += found;
            if std::env::var_os("BENCH_ALLOCATIONS").is_some() {
                let made = allocations() - before;
                eprintln!(
                    "{:>10} allocations {:>8} findings  {}",
                    made, found, rule.id
                );
            }
            (rule.id, seconds)
        })
        .collect();
    (findings, per_rule)
}
