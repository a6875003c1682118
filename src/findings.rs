//! The findings of one run, kept on disk rather than in memory: a large account has
//! hundreds of thousands, several times the size of its snapshot. They are written as JSON
//! lines to an unnamed temporary file (nothing is left behind, whatever ends the run) in
//! report order, counted as they go, and read back one at a time by each report format.

use std::borrow::{Borrow, Cow};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt as _;

use anyhow::Context as _;
use posture_rules::{Duty, Finding, Severity, Status};
use serde::Serialize;

/// What the reports' summaries need, counted while the findings are stored.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub total: usize,
    pub by_status: BTreeMap<Status, usize>,
    pub by_duty_status: BTreeMap<(Duty, Status), usize>,
    pub failing_by_severity: BTreeMap<Severity, usize>,
    pub failing_by_duty_severity: BTreeMap<(Duty, Severity), usize>,
    /// Findings by rule and status, for compliance controls. The rule id is borrowed from
    /// the rule where the finding borrows it: counting allocated nothing per finding.
    pub by_rule_status: BTreeMap<(Cow<'static, str>, Status), usize>,
    /// Findings by account and status, and failing ones by account and duty, for the
    /// accounts × duties scorecard.
    pub by_account_status: BTreeMap<(String, Status), usize>,
    pub failing_by_account_duty: BTreeMap<(String, Duty), usize>,
}

pub struct Findings {
    file: BufWriter<File>,
    counts: Counts,
    /// How many findings are in the file (all of them unless `extend_kept` left some out).
    stored: usize,
    /// The first error reading the file back; reported by [`Findings::read_error`].
    read_error: RefCell<Option<std::io::Error>>,
}

impl Findings {
    pub fn new() -> anyhow::Result<Findings> {
        let file = tempfile::tempfile().context("cannot create a temporary file for findings")?;
        Ok(Findings {
            file: BufWriter::with_capacity(1 << 20, file),
            counts: Counts::default(),
            stored: 0,
            read_error: RefCell::new(None),
        })
    }

    /// Appends findings, in report order. Every finding is counted, but only those `keep`
    /// keeps are stored (`--filter-all`): the summaries and the exit code still cover the
    /// whole scan.
    pub fn extend_kept(
        &mut self,
        findings: impl IntoIterator<Item = impl Borrow<Finding>>,
        keep: impl Fn(&Finding) -> bool,
    ) -> anyhow::Result<()> {
        for finding in findings {
            let finding = finding.borrow();
            let counts = &mut self.counts;
            counts.total += 1;
            *counts.by_status.entry(finding.status).or_default() += 1;
            *counts
                .by_duty_status
                .entry((finding.duty, finding.status))
                .or_default() += 1;
            *counts
                .by_rule_status
                .entry((finding.rule_id.clone(), finding.status))
                .or_default() += 1;
            let account = finding.account.clone().unwrap_or_default();
            *counts
                .by_account_status
                .entry((account.clone(), finding.status))
                .or_default() += 1;
            if finding.status == Status::Fail {
                *counts
                    .failing_by_account_duty
                    .entry((account, finding.duty))
                    .or_default() += 1;
                *counts
                    .failing_by_severity
                    .entry(finding.severity)
                    .or_default() += 1;
                *counts
                    .failing_by_duty_severity
                    .entry((finding.duty, finding.severity))
                    .or_default() += 1;
            }
            if !keep(finding) {
                continue;
            }
            self.stored += 1;
            serde_json::to_writer(&mut self.file, finding)
                .map_err(std::io::Error::from)
                .and_then(|()| self.file.write_all(b"\n"))
                .context("cannot write findings to a temporary file")?;
        }
        Ok(())
    }

    /// Makes everything written readable.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.file
            .flush()
            .context("cannot write findings to a temporary file")
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// How many findings the file holds.
    pub fn len(&self) -> usize {
        self.stored
    }

    /// Every finding, in report order, read back one at a time. Each call reads from the
    /// start on its own, so iterations may overlap.
    pub fn iter(&self) -> impl Iterator<Item = Finding> + '_ {
        self.iter_from(0).map(|(_, finding)| finding)
    }

    /// The findings that `keep` keeps, ordered by `key` (stably: report order among equal
    /// keys). Only the keys and the findings' places in the file are held, never the
    /// findings themselves.
    pub fn sorted_by<K: Ord>(
        &self,
        keep: impl Fn(&Finding) -> bool,
        key: impl Fn(&Finding) -> K,
    ) -> impl Iterator<Item = Finding> + '_ {
        let mut places: Vec<(K, u64)> = self
            .iter_from(0)
            .filter(|(_, finding)| keep(finding))
            .map(|(offset, finding)| (key(&finding), offset))
            .collect();
        places.sort_by(|a, b| a.0.cmp(&b.0));
        let offsets: Vec<u64> = places.into_iter().map(|(_, offset)| offset).collect();
        offsets
            .into_iter()
            .filter_map(|offset| self.iter_from(offset).next())
            .map(|(_, finding)| finding)
    }

    /// The findings from a byte offset on, each with its own offset.
    fn iter_from(&self, offset: u64) -> impl Iterator<Item = (u64, Finding)> + '_ {
        let mut reader = BufReader::with_capacity(
            1 << 14,
            ReadAt {
                file: self.file.get_ref(),
                position: offset,
            },
        );
        let mut position = offset;
        let mut line = String::new();
        std::iter::from_fn(move || {
            line.clear();
            let at = position;
            match reader.read_line(&mut line) {
                Ok(0) => None,
                Ok(read) => {
                    position += read as u64;
                    match serde_json::from_str(&line) {
                        Ok(finding) => Some((at, finding)),
                        Err(error) => self.fail(error.into()).map(|f| (at, f)),
                    }
                }
                Err(error) => self.fail(error).map(|f| (at, f)),
            }
        })
    }

    fn fail(&self, error: std::io::Error) -> Option<Finding> {
        self.read_error.borrow_mut().get_or_insert(error);
        None
    }

    /// Whether reading the findings back failed: a report written meanwhile is incomplete.
    pub fn read_error(&self) -> anyhow::Result<()> {
        match self.read_error.borrow_mut().take() {
            Some(error) => Err(error).context("cannot read findings back from a temporary file"),
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Findings({} on disk)", self.stored)
    }
}

/// Reading a file from a position of its own, so that readers do not share one offset.
struct ReadAt<'a> {
    file: &'a File,
    position: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.file.read_at(buffer, self.position)?;
        self.position += read as u64;
        Ok(read)
    }
}

/// A JSON array of the findings, written as they are read.
impl Serialize for Findings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use posture_rules::registry::RULES;

    #[test]
    fn findings_come_back_in_order_counted_and_as_often_as_asked() {
        let rule = RULES[0];
        let findings = vec![
            rule.fail("arn:b", Some("eu-west-1"), "bad\nline")
                .with_evidence(serde_json::json!({"k": [1, 2]})),
            rule.pass("arn:a", None, "good"),
            // The exposure its rule declared comes back with it.
            rule.fail("arn:c", None, "also bad")
                .with_exposure(posture_rules::rule::Exposure::Public),
        ];
        let mut store = Findings::new().unwrap();
        store.extend_kept(&findings, |_| true).unwrap();
        store.finish().unwrap();
        assert_eq!(store.iter().collect::<Vec<_>>(), findings);
        let failing_first: Vec<_> = store
            .sorted_by(|_| true, |f| f.status)
            .map(|f| f.resource)
            .collect();
        assert_eq!(failing_first, ["arn:b", "arn:c", "arn:a"]);
        // Two readers at once do not disturb each other.
        let (mut first, mut second) = (store.iter(), store.iter());
        assert_eq!(first.next(), second.next());
        assert_eq!(first.count(), 2);
        assert_eq!(second.count(), 2);
        assert_eq!(store.counts().by_status[&Status::Fail], 2);
        assert_eq!(store.counts().failing_by_severity[&rule.severity], 2);
        assert_eq!(store.len(), 3);
        store.read_error().unwrap();
    }
}
