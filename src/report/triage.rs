//! What a person reads first, shared by the human formats (terminal, Markdown, HTML): the
//! ranked list of what to fix, findings that repeat on many resources collapsed into one
//! line, failed calls grouped by cause with what to do, and the display filters.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use posture_rules::model::Gap;
use posture_rules::rule::Exposure;
use posture_rules::{Finding, Severity, Status};

use super::Report;
use crate::collect::permissions::iam_action;

/// How many resources a collapsed line names before "…and N more".
pub const EXAMPLES: usize = 3;

/// Which findings the human formats list. It changes nothing else: the scan, the counts,
/// the machine formats and the exit code see every finding.
#[derive(Debug, Clone)]
pub struct Display {
    pub min_severity: Severity,
    pub statuses: Vec<Status>,
    /// List every finding, none collapsed (`-v`).
    pub expand: bool,
}

impl Default for Display {
    /// Everything but passing findings, repeats collapsed.
    fn default() -> Display {
        Display {
            min_severity: Severity::Info,
            statuses: vec![Status::Fail, Status::Unknown, Status::Waived],
            expand: false,
        }
    }
}

impl Display {
    pub fn shows(&self, finding: &Finding) -> bool {
        self.statuses.contains(&finding.status) && finding.severity >= self.min_severity
    }

    /// "high and above; fail, unknown", when the filters are not the default ones.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.min_severity > Severity::Info {
            parts.push(format!("{} and above", self.min_severity));
        }
        let mut statuses = self.statuses.clone();
        statuses.sort();
        let default = [Status::Fail, Status::Unknown, Status::Waived];
        if statuses != default && statuses.len() < 4 {
            let statuses: Vec<&str> = self.statuses.iter().map(|s| s.id()).collect();
            parts.push(statuses.join(", "));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// One line of the fix-first list: the failing findings of one rule at one severity and
/// exposure, which one change (of the rule's kind) fixes on each resource.
#[derive(Debug, Clone)]
pub struct FixItem {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    /// What the rule declared; the second key of the ranking.
    pub exposure: Option<Exposure>,
    pub count: usize,
    /// The first few resources, with their regions.
    pub examples: Vec<(String, Option<String>)>,
    /// The first finding's message: the whole story when there is one resource.
    pub message: String,
}

impl FixItem {
    fn rank(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            std::cmp::Reverse(self.exposure),
            std::cmp::Reverse(self.count),
            &self.rule_id,
        )
    }
}

/// Every group of failing findings that `display` shows, most urgent first: by severity,
/// then exposure (internet, public, administrator reach), then how many resources the fix
/// covers. Only the groups are held, never the findings.
pub fn fix_first(report: &Report, display: &Display) -> Vec<FixItem> {
    let mut groups: HashMap<(String, Severity, Option<Exposure>), FixItem> = HashMap::new();
    let failing = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && display.shows(f));
    for finding in failing {
        let exposure = finding.exposure;
        let key = (finding.rule_id.to_string(), finding.severity, exposure);
        let item = groups.entry(key).or_insert_with(|| FixItem {
            rule_id: finding.rule_id.to_string(),
            title: finding.title.to_string(),
            severity: finding.severity,
            exposure,
            count: 0,
            examples: Vec::new(),
            message: finding.message.clone(),
        });
        item.count += 1;
        if item.examples.len() < EXAMPLES {
            item.examples.push((finding.resource, finding.region));
        }
    }
    let mut items: Vec<FixItem> = groups.into_values().collect();
    items.sort_by(|a, b| a.rank().cmp(&b.rank()));
    items
}

/// Failed calls with the same service, operation and error code: one cause, one remedy.
#[derive(Debug, Clone)]
pub struct GapGroup {
    pub service: String,
    pub operation: String,
    pub error_code: String,
    pub calls: usize,
    /// Regions, `global` for calls without one.
    pub regions: BTreeSet<String>,
    /// Distinct resources the calls were about (buckets, snapshots).
    pub resources: usize,
    /// Findings left `unknown` by these calls.
    pub unknown_findings: usize,
    /// The first call's message, shortened.
    pub cause: String,
    pub advice: String,
}

impl GapGroup {
    /// "s3:GetBucketVersioning (InternalError)".
    pub fn call(&self) -> String {
        format!("{}:{} ({})", self.service, self.operation, self.error_code)
    }

    /// "10 calls on 10 resources in 1 region (us-east-1); 20 findings unknown".
    pub fn extent(&self) -> String {
        let mut text = format!("{} call(s)", self.calls);
        if self.resources > 0 {
            text.push_str(&format!(" on {} resource(s)", self.resources));
        }
        let regions: Vec<&str> = self.regions.iter().map(String::as_str).collect();
        text.push_str(&format!(
            " in {} region(s) ({})",
            regions.len(),
            shorten(&regions.join(", "), 80)
        ));
        text.push_str(&format!("; {} finding(s) unknown", self.unknown_findings));
        text
    }
}

/// The report's gaps by (service, operation, error code), most calls first, with the
/// number of unknown findings each left behind.
pub fn group_gaps(report: &Report) -> Vec<GapGroup> {
    type Key = (String, String, String);
    let key_of = |gap: &Gap| -> Key {
        (
            gap.service.clone(),
            gap.operation.clone(),
            gap.error_code.clone(),
        )
    };
    let mut groups: BTreeMap<Key, (GapGroup, BTreeSet<String>)> = BTreeMap::new();
    for gap in &report.gaps {
        let (group, resources) = groups.entry(key_of(gap)).or_insert_with(|| {
            let group = GapGroup {
                service: gap.service.clone(),
                operation: gap.operation.clone(),
                error_code: gap.error_code.clone(),
                calls: 0,
                regions: BTreeSet::new(),
                resources: 0,
                unknown_findings: 0,
                cause: shorten(&gap.message, 160),
                advice: advice(gap),
            };
            (group, BTreeSet::new())
        });
        group.calls += 1;
        let region = gap.region.clone().unwrap_or_else(|| "global".to_string());
        group.regions.insert(region);
        resources.extend(gap.resource.clone());
        group.resources = resources.len();
    }
    if !groups.is_empty() {
        let unknown = report
            .findings
            .iter()
            .filter(|f| f.status == Status::Unknown);
        for finding in unknown {
            let evidence = finding.evidence.to_value();
            let Some(gap) = evidence.get("gap") else {
                continue;
            };
            let field = |name: &str| gap.get(name).and_then(|v| v.as_str()).unwrap_or("");
            let key = (
                field("service").to_string(),
                field("operation").to_string(),
                field("error_code").to_string(),
            );
            if let Some((group, _)) = groups.get_mut(&key) {
                group.unknown_findings += 1;
            }
        }
    }
    let mut groups: Vec<GapGroup> = groups.into_values().map(|(group, _)| group).collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.calls));
    groups
}

/// What to do about a failed call, from its error code.
pub fn advice(gap: &Gap) -> String {
    let code = gap.error_code.as_str();
    let message = gap.message.to_ascii_lowercase();
    let denied = [
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
        "AllAccessDisabled",
    ];
    let throttled = [
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "SlowDown",
        "TooManyRequestsException",
        "RequestThrottled",
    ];
    if denied.contains(&code) {
        format!(
            "the scanning identity may not call {}: grant it (`posture permissions` prints \
             the whole read-only policy), or check for a deny in an SCP or permissions boundary",
            iam_action(&gap.service, &gap.operation)
        )
    } else if matches!(code, "RegionNotEnabled" | "OptInRequired") {
        "the account has not enabled this region: enable it, or leave it out with --region"
            .to_string()
    } else if code == "NotImplemented" || message.contains("not been implemented") {
        "the endpoint does not implement this call (an emulator, or a partition without the \
         API): nothing to fix in the account"
            .to_string()
    } else if matches!(code, "Timeout" | "DispatchFailure" | "ConnectError") {
        "no answer from the endpoint: check the network path to AWS, or raise --call-timeout"
            .to_string()
    } else if throttled.contains(&code) {
        "AWS throttled the call through every retry: run again later, or scan fewer regions \
         at once"
            .to_string()
    } else {
        "the endpoint answered with an error posture could not use: run again, and if it \
         persists, report it with this message"
            .to_string()
    }
}

/// " …and 7 more" when a list names `shown` of `count` things; empty when it names all.
pub fn and_more(count: usize, shown: usize) -> String {
    match count.saturating_sub(shown) {
        0 => String::new(),
        more => format!(" …and {more} more"),
    }
}

/// One line of at most `max` characters: control characters and runs of white space become
/// one space, and a longer text ends with "…".
pub fn shorten(text: &str, max: usize) -> String {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut short: String = line.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Where a compliance control stands in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlStatus {
    Fail,
    Unknown,
    Pass,
    /// Its rules did not run (`--rule`, `--duty`) or found nothing to check.
    NotChecked,
    /// No rule of posture observes it.
    NotObserved,
}

impl ControlStatus {
    pub fn id(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Unknown => "unknown",
            ControlStatus::Pass => "pass",
            ControlStatus::NotChecked => "not checked",
            ControlStatus::NotObserved => "not observed",
        }
    }
}

/// One control of a framework with the findings of its rules.
#[derive(Debug, Clone)]
pub struct ControlRow {
    pub section: String,
    pub control: posture_rules::compliance::Control,
    pub status: ControlStatus,
    pub fail: usize,
    pub unknown: usize,
    pub pass: usize,
}

/// A framework's controls with their status: failing when a finding of one of its rules
/// fails, else unknown when one is unknown, else passing when one passes. Waived
/// findings count as passing: the waiver is the accepted exception.
pub fn controls(
    report: &Report,
    framework: &posture_rules::compliance::Framework,
) -> Vec<ControlRow> {
    let counts = report.findings.counts();
    let of = |rules: &[&'static str], status: Status| -> usize {
        rules
            .iter()
            .filter_map(|&r| counts.by_rule_status.get(&(Cow::Borrowed(r), status)))
            .sum()
    };
    framework
        .controls()
        .into_iter()
        .map(|control| {
            let fail = of(control.rules, Status::Fail);
            let unknown = of(control.rules, Status::Unknown);
            let pass = of(control.rules, Status::Pass) + of(control.rules, Status::Waived);
            let status = if control.rules.is_empty() {
                ControlStatus::NotObserved
            } else if fail > 0 {
                ControlStatus::Fail
            } else if unknown > 0 {
                ControlStatus::Unknown
            } else if pass > 0 {
                ControlStatus::Pass
            } else {
                ControlStatus::NotChecked
            };
            ControlRow {
                section: framework.section(control.id),
                control,
                status,
                fail,
                unknown,
                pass,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortening_keeps_one_line_within_the_limit() {
        let long = format!("first line\n\tsecond {}", "x".repeat(300));
        let short = shorten(&long, 40);
        assert_eq!(short.chars().count(), 40);
        assert!(short.starts_with("first line second x"));
        assert!(short.ends_with('…'));
        assert_eq!(shorten("  a \r\n b ", 40), "a b");
    }

    #[test]
    fn advice_follows_the_error_code() {
        let gap = |service: &str, operation: &str, code: &str, message: &str| Gap {
            service: service.into(),
            region: None,
            operation: operation.into(),
            resource: None,
            error_code: code.into(),
            message: message.into(),
            account: None,
        };
        let denied = advice(&gap("s3", "GetBucketEncryption", "AccessDenied", ""));
        assert!(denied.contains("s3:GetEncryptionConfiguration"), "{denied}");
        assert!(denied.contains("posture permissions"));
        let region = advice(&gap("ec2", "DescribeVpcs", "OptInRequired", ""));
        assert!(region.contains("--region"));
        let moto = advice(&gap(
            "ec2",
            "DescribeFlowLogs",
            "InternalFailure",
            "The DescribeFlowLogs action has not been implemented",
        ));
        assert!(moto.contains("does not implement"));
        let silent = advice(&gap("iam", "GetAccountSummary", "Timeout", ""));
        assert!(silent.contains("--call-timeout"));
    }
}
