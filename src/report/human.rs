//! The human report, built once for its three writers (terminal, Markdown, HTML): its
//! sections, what they count and the words they say, from the report's counts and
//! triage's groups. A writer only lays it out in its own markup and escapes account text
//! its own way. Like triage, it holds groups, never all the findings.

use posture_rules::rule::Exposure;
use posture_rules::{Duty, Finding, Severity, Status};

use super::triage::{self, FixItem, GapGroup, EXAMPLES};
use super::{DutySummary, Report};

/// How many groups the fix-first list names.
pub const FIX_FIRST: usize = 10;

/// What an unobservable duty says instead of its counts.
pub const NOT_SCORED: &str = "not scored: cannot be observed";

/// An account the run could not read.
pub const NOT_REACHABLE: &str = "not reachable";

/// The scorecard's columns: the duty, its rules, its failing findings by severity (worst
/// first), its unknown and passing findings.
pub const SCORECARD_COLUMNS: [&str; 9] = [
    "duty", "rules", "critical", "high", "medium", "low", "info", "unknown", "passing",
];

/// The title of the accounts × duties table.
pub const ACCOUNTS_TITLE: &str = "Accounts (failing findings by duty)";

/// How a declared exposure reads in the fix-first list.
pub fn exposure_label(exposure: Option<Exposure>) -> &'static str {
    match exposure {
        None => "",
        Some(Exposure::Administrator) => "admin reach",
        Some(Exposure::Public) => "public",
        Some(Exposure::Internet) => "internet",
    }
}

/// "94 failing (2 critical, 8 high)" and "6 unknown, 0 waived, 134 passing": the summary's
/// counts, the first part being the one a format may stress.
pub fn summary_counts(report: &Report) -> (String, String) {
    let s = &report.summary;
    (
        format!("{} failing{}", s.fail, s.by_severity()),
        format!(
            "{} unknown, {} waived, {} passing",
            s.unknown, s.waived, s.pass
        ),
    )
}

/// Why the scan is incomplete: "1 call(s) failed and 6 finding(s) are unknown".
pub fn incomplete_because(report: &Report) -> String {
    format!(
        "{} call(s) failed and {} finding(s) are unknown",
        report.gaps.len(),
        report.summary.unknown
    )
}

/// "critical RULE on RESOURCE (REGION)": the worst finding, the resource and region
/// through `name`.
pub fn worst(item: &FixItem, name: impl Fn(&str, Option<&str>) -> String) -> String {
    let (resource, region) = &item.examples[0];
    format!(
        "{} {} on {}",
        item.severity,
        item.rule_id,
        name(resource, region.as_deref())
    )
}

/// A column name or label at the start of a sentence or a table's head: "Passing".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The fix-first list: its first [`FIX_FIRST`] groups, and how much the rest hold.
pub struct FixFirst {
    pub items: Vec<FixItem>,
    pub more_groups: usize,
    pub more_findings: usize,
}

impl FixFirst {
    pub fn of(report: &Report, display: &triage::Display) -> FixFirst {
        let mut items = triage::fix_first(report, display);
        let rest = items.split_off(items.len().min(FIX_FIRST));
        FixFirst {
            items,
            more_groups: rest.len(),
            more_findings: rest.iter().map(|item| item.count).sum(),
        }
    }

    /// "…then 66 more group(s), 84 failing finding(s), listed below", when there are more.
    pub fn more(&self) -> Option<String> {
        (self.more_groups > 0).then(|| {
            format!(
                "…then {} more group(s), {} failing finding(s), listed below",
                self.more_groups, self.more_findings
            )
        })
    }
}

/// What one fix covers: "RESOURCE (REGION) — message" for one resource, "N resources:
/// A, B, C …and 7 more" for several; resources through `name`, the message through `text`.
pub fn fix_resources(
    item: &FixItem,
    name: impl Fn(&str, Option<&str>) -> String,
    text: impl Fn(&str) -> String,
) -> String {
    let named = |(resource, region): &(String, Option<String>)| name(resource, region.as_deref());
    if item.count == 1 {
        return format!("{} — {}", named(&item.examples[0]), text(&item.message));
    }
    let names: Vec<String> = item.examples.iter().map(named).collect();
    let more = triage::and_more(item.count, item.examples.len());
    format!("{} resources: {}{more}", item.count, names.join(", "))
}

/// A duty's scorecard numbers in [`SCORECARD_COLUMNS`] order after the duty; `None` for
/// a duty that is not scored.
pub fn scorecard_counts(duty: &DutySummary) -> Option<[usize; 8]> {
    if !duty.observable {
        return None;
    }
    let of = |severity| duty.fail_by_severity.get(&severity).copied().unwrap_or(0);
    Some([
        duty.rules,
        of(Severity::Critical),
        of(Severity::High),
        of(Severity::Medium),
        of(Severity::Low),
        of(Severity::Info),
        duty.unknown,
        duty.pass,
    ])
}

/// One account's line of the accounts × duties table.
pub struct AccountRow<'a> {
    pub account: &'a super::ScannedAccount,
    /// Failing findings, one for each of [`account_duties`].
    pub failing: Vec<usize>,
    pub unknown: usize,
    pub passing: usize,
}

/// The duties the accounts table has a column for: the observable ones.
pub fn account_duties() -> Vec<Duty> {
    Duty::ALL.into_iter().filter(|d| d.observable()).collect()
}

/// The accounts × duties table; empty when the run covered one account.
pub fn accounts(report: &Report) -> Vec<AccountRow<'_>> {
    if report.accounts.len() < 2 {
        return Vec::new();
    }
    let counts = report.findings.counts();
    let duties = account_duties();
    let of = |id: &str, status: Status| {
        let key = (id.to_string(), status);
        counts.by_account_status.get(&key).copied().unwrap_or(0)
    };
    (report.accounts.iter())
        .map(|account| AccountRow {
            account,
            failing: (duties.iter())
                .map(|duty| {
                    let key = (account.id.clone(), *duty);
                    let failing = counts.failing_by_account_duty.get(&key);
                    failing.copied().unwrap_or(0)
                })
                .collect(),
            unknown: of(&account.id, Status::Unknown),
            passing: of(&account.id, Status::Pass),
        })
        .collect()
}

/// Findings in a row of one rule, status and severity: shown one by one when there are
/// few, else as one line with the count and the first resources.
pub struct Group {
    pub count: usize,
    /// The first [`EXAMPLES`] + 1: all of them when the group is not collapsed.
    pub findings: Vec<Finding>,
}

impl Group {
    pub fn first(&self) -> &Finding {
        &self.findings[0]
    }

    /// Too many to show one by one.
    pub fn collapsed(&self) -> bool {
        self.count > EXAMPLES + 1
    }
}

/// The findings, in their order, as groups of those in a row with the same rule, status
/// and severity; one group per finding with `expand` (`-v`).
pub fn groups(
    findings: impl Iterator<Item = Finding>,
    expand: bool,
) -> impl Iterator<Item = Group> {
    let mut findings = findings.peekable();
    std::iter::from_fn(move || {
        let first = findings.next()?;
        let kind = (first.rule_id.clone(), first.status, first.severity);
        let mut group = Group {
            count: 1,
            findings: vec![first],
        };
        let same = |f: &Finding| (&f.rule_id, f.status, f.severity) == (&kind.0, kind.1, kind.2);
        while let Some(next) = findings.next_if(|f| !expand && same(f)) {
            group.count += 1;
            if group.findings.len() <= EXAMPLES {
                group.findings.push(next);
            }
        }
        Some(group)
    })
}

/// The failed calls grouped by cause, and the sentence that opens the section.
pub struct NotChecked {
    pub headline: String,
    pub groups: Vec<GapGroup>,
}

impl NotChecked {
    pub const TITLE: &'static str = "Not checked";

    /// `None` when every call succeeded.
    pub fn of(report: &Report) -> Option<NotChecked> {
        if report.gaps.is_empty() {
            return None;
        }
        let groups = triage::group_gaps(report);
        Some(NotChecked {
            headline: format!(
                "{} call(s) failed ({} cause(s)), so parts of the account were not read",
                report.gaps.len(),
                groups.len()
            ),
            groups,
        })
    }
}

/// The columns of the failed calls' table, and the label of a group's remedy.
pub const NOT_CHECKED_COLUMNS: [&str; 4] = ["call", "extent", "cause", "to do"];

#[cfg(test)]
mod tests {
    use super::*;
    use posture_rules::registry::RULES;

    #[test]
    fn a_group_holds_its_first_findings_and_counts_the_rest() {
        let (a, b) = (RULES[0], RULES[1]);
        let findings: Vec<Finding> = (0..EXAMPLES + 3)
            .map(|i| a.fail(format!("arn:{i}"), None, "bad"))
            .chain([b.fail("arn:b", None, "bad"), a.fail("arn:z", None, "bad")])
            .collect();
        let grouped: Vec<Group> = groups(findings.clone().into_iter(), false).collect();
        let counts: Vec<(usize, usize, bool)> = (grouped.iter())
            .map(|g| (g.count, g.findings.len(), g.collapsed()))
            .collect();
        assert_eq!(
            counts,
            [
                (EXAMPLES + 3, EXAMPLES + 1, true),
                (1, 1, false),
                (1, 1, false)
            ]
        );
        assert_eq!(grouped[0].findings[..], findings[..EXAMPLES + 1]);
        assert_eq!(groups(findings.into_iter(), true).count(), EXAMPLES + 5);
    }
}
