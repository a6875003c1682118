//! Waivers from `posture.toml`: accepted failing findings, each with a reason and an expiry.
//! An expired waiver stops applying and says so; a waiver that matches nothing is reported,
//! so the file never silently outlives what it was written for.

use chrono::NaiveDate;
use posture_rules::access::policy::wildcard_match;
use posture_rules::rule::WaiverNote;
use posture_rules::{Finding, Status};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule id.
    pub rule: String,
    /// The resource ARN or id, exactly or as a glob (`*`, `?`).
    pub resource: String,
    pub reason: String,
    /// The last day the waiver applies (a TOML date, `2027-01-31`).
    pub expires: toml::value::Datetime,
}

impl Waiver {
    pub fn expiry(&self) -> Result<NaiveDate, String> {
        let date = self.expires.date.ok_or_else(|| {
            format!(
                "waiver for {} on {}: `expires` must be a date",
                self.rule, self.resource
            )
        })?;
        NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .ok_or_else(|| {
            format!(
                "waiver for {} on {}: `expires` is not a valid date",
                self.rule, self.resource
            )
        })
    }

    fn matches(&self, finding: &Finding) -> bool {
        finding.rule_id == self.rule && wildcard_match(&self.resource, &finding.resource, false)
    }
}

/// Marks the failing findings that a waiver in force covers as `waived`, and counts for
/// each waiver the findings it matches (`matches` has one count per waiver). Called once
/// per batch of findings; [`warnings`] then reads the counts.
pub fn mark(waivers: &[Waiver], findings: &mut [Finding], today: NaiveDate, matches: &mut [usize]) {
    for (waiver, matched) in waivers.iter().zip(matches.iter_mut()) {
        let Ok(expires) = waiver.expiry() else {
            continue;
        };
        *matched += findings.iter().filter(|f| waiver.matches(f)).count();
        if expires < today {
            continue;
        }
        for finding in findings
            .iter_mut()
            .filter(|f| f.status == Status::Fail && waiver.matches(f))
        {
            finding.status = Status::Waived;
            finding.waiver = Some(Box::new(WaiverNote {
                reason: waiver.reason.clone(),
                expires: expires.to_string(),
            }));
        }
    }
}

/// The warnings to show once every finding went through [`mark`]: expired waivers and
/// waivers that match nothing.
pub fn warnings(waivers: &[Waiver], matches: &[usize], today: NaiveDate) -> Vec<String> {
    let mut warnings = Vec::new();
    for (waiver, &matching) in waivers.iter().zip(matches) {
        let Ok(expires) = waiver.expiry() else {
            continue;
        };
        if expires < today {
            warnings.push(format!(
                "waiver for {} on {} expired on {expires}: it no longer applies ({matching} finding(s) would match)",
                waiver.rule, waiver.resource
            ));
        } else if matching == 0 {
            warnings.push(format!(
                "waiver for {} on {} matches no finding: remove it or fix its rule or resource",
                waiver.rule, waiver.resource
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(waivers: &[Waiver], findings: &mut [Finding], today: NaiveDate) -> Vec<String> {
        let mut matches = vec![0; waivers.len()];
        mark(waivers, findings, today, &mut matches);
        warnings(waivers, &matches, today)
    }
    use posture_rules::{Duty, Severity};

    fn finding(rule: &str, resource: &str, status: Status) -> Finding {
        Finding {
            rule_id: rule.to_string().into(),
            title: "".into(),
            duty: Duty::CustomerData,
            severity: Severity::High,
            status,
            resource: resource.into(),
            region: None,
            message: String::new(),
            evidence: Default::default(),
            exposure: None,
            waiver: None,
            account: None,
        }
    }

    fn waiver(rule: &str, resource: &str, expires: &str) -> Waiver {
        toml::from_str(&format!("rule = \"{rule}\"\nresource = \"{resource}\"\nreason = \"accepted\"\nexpires = {expires}\n")).unwrap()
    }

    #[test]
    fn waivers_in_force_expired_and_unmatched() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut findings = vec![
            finding(
                "s3-bucket-public-acl",
                "arn:aws:s3:::www-assets",
                Status::Fail,
            ),
            finding(
                "s3-bucket-public-acl",
                "arn:aws:s3:::www-logs",
                Status::Fail,
            ),
            finding("s3-bucket-public-acl", "arn:aws:s3:::private", Status::Pass),
            finding(
                "ec2-ebs-volume-unencrypted",
                "arn:aws:ec2:us-east-1:1:volume/vol-1",
                Status::Fail,
            ),
        ];
        let warnings = apply(
            &[
                waiver("s3-bucket-public-acl", "arn:aws:s3:::www-*", "2026-12-31"),
                waiver("ec2-ebs-volume-unencrypted", "*", "2026-10-31"),
                waiver("iam-root-mfa-disabled", "*", "2027-01-01"),
            ],
            &mut findings,
            today,
        );
        assert_eq!(findings[0].status, Status::Waived);
        assert_eq!(findings[0].waiver.as_ref().unwrap().reason, "accepted");
        assert_eq!(findings[1].status, Status::Waived);
        assert_eq!(findings[2].status, Status::Pass);
        assert_eq!(
            findings[3].status,
            Status::Fail,
            "an expired waiver does not apply"
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("expired on 2026-10-31"));
        assert!(warnings[1].contains("matches no finding"));
    }

    #[test]
    fn the_last_day_still_applies() {
        let mut findings = vec![finding("r", "x", Status::Fail)];
        let today = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert!(apply(&[waiver("r", "x", "2026-12-31")], &mut findings, today).is_empty());
        assert_eq!(findings[0].status, Status::Waived);
    }
}
