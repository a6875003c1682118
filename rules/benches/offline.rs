//! Benchmark of offline evaluation against parsing alone: `cargo bench -p posture-rules
//! --bench offline -- SNAPSHOT...` (`scripts/bench-offline` makes the snapshots). For each
//! snapshot it prints the resources it holds, the time to read and parse it, the time to
//! evaluate every rule, their ratio, the microseconds per resource of each, and the three
//! slowest rules, so that a rule that grows faster than the account shows at once. Asserts
//! nothing.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use posture_rules::model::{Observed, Snapshot};
use posture_rules::registry::RULES;
use posture_rules::rule::Context;
use posture_rules::Settings;

fn count<T>(observed: &Observed<Vec<T>>) -> usize {
    observed.as_ref().map_or(0, Vec::len)
}

/// Every resource a rule may report on: network and compute per region, buckets, and the
/// IAM entities.
fn resources(snapshot: &Snapshot) -> usize {
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
        "{:>10} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9}  slowest rules",
        "resources", "MB", "parse s", "rules s", "ratio", "parse µs", "rules µs"
    );
    for path in paths {
        let start = Instant::now();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let snapshot: Snapshot = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{path} is not a snapshot: {e}"));
        let parse = start.elapsed().as_secs_f64();

        let cx = Context {
            snapshot: &snapshot,
            settings: &settings,
        };
        let mut per_rule = Vec::new();
        let mut findings = 0;
        let start = Instant::now();
        for rule in RULES {
            let rule_start = Instant::now();
            findings += (rule.check)(rule, &cx).len();
            per_rule.push((rule_start.elapsed().as_secs_f64(), rule.id));
        }
        let evaluate = start.elapsed().as_secs_f64();
        per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
        let slowest: Vec<String> = per_rule[..3]
            .iter()
            .map(|(seconds, id)| format!("{id} {seconds:.2}"))
            .collect();

        let resources = resources(&snapshot);
        let micros = |seconds: f64| seconds * 1e6 / resources.max(1) as f64;
        println!(
            "{resources:>10} {:>9.1} {parse:>9.2} {evaluate:>9.2} {:>7.2} {:>9.2} {:>9.2}  {} \
             ({findings} findings)",
            bytes.len() as f64 / 1e6,
            evaluate / parse,
            micros(parse),
            micros(evaluate),
            slowest.join(", "),
        );
    }
}
