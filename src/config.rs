//! `posture.toml`: thresholds and the customer's own accounts. Unknown keys are errors that
//! point at the line, so a typo never silently leaves a default in force.

use std::ops::{Range, RangeInclusive};
use std::path::Path;

use anyhow::Context as _;
use posture_rules::model::arn;
use posture_rules::Settings;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub accounts: Accounts,
    #[serde(default)]
    pub residency: Residency,
    /// `[[waiver]]` tables, each with where it is in the file.
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<Spanned<crate::waivers::Waiver>>,
}

/// Each threshold defaults to the CIS AWS Foundations Benchmark's value. Every value keeps
/// its place in the file, so a value out of range is reported at its line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub credentials_unused_days: Option<Spanned<i64>>,
    pub access_key_max_age_days: Option<Spanned<i64>>,
    pub root_recent_use_days: Option<Spanned<i64>>,
    pub password_min_length: Option<Spanned<i64>>,
    pub password_reuse_prevention: Option<Spanned<i64>>,
    /// IPv4 sources with this prefix length or shorter count as "the internet".
    pub internet_prefix_v4: Option<Spanned<i64>>,
    pub internet_prefix_v6: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The customer's other accounts: trust and bucket grants to them are not cross-account
    /// findings.
    #[serde(default)]
    pub trusted: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Residency {
    /// The regions customer data may be stored in; absent: no requirement.
    pub allowed_regions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Whether `name` is shaped like an AWS region (`eu-central-1`, `us-gov-west-1`).
fn region_shaped(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// What is wrong, and where: a byte range of the file.
struct Problem {
    at: Range<usize>,
    message: String,
}

fn problem(at: Range<usize>, message: impl Into<String>) -> Problem {
    Problem {
        at,
        message: message.into(),
    }
}

/// The line of a byte offset, counting from 1.
fn line_of(text: &str, offset: usize) -> usize {
    let end = text.len().min(offset);
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key assigned on the line of a byte offset (`password_min_length = "x"`), to name
/// it in a type error, which toml reports by value only.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let start = text[..text.len().min(offset)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('[')).then_some(key)
}

/// Allowed ranges: a day count up to a century (a larger one is a typo, and overflows
/// date arithmetic); IAM's own limits for the password policy (6–128 characters, 1–24
/// remembered passwords); prefix lengths of the address family.
const DAYS: RangeInclusive<i64> = 1..=36_500;
const PASSWORD_LENGTH: RangeInclusive<i64> = 6..=128;
const PASSWORD_REUSE: RangeInclusive<i64> = 1..=24;
const PREFIX_V4: RangeInclusive<i64> = 0..=32;
const PREFIX_V6: RangeInclusive<i64> = 0..=128;

impl Config {
    /// Reads and checks the file. Every error is one line: `FILE:LINE: key: what is wrong`.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let located = |at: Option<Range<usize>>, message: &str| {
            let line = at.map_or(String::new(), |at| format!(":{}", line_of(&text, at.start)));
            let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
            anyhow::anyhow!("{}{line}: {message}", path.display())
        };
        let config: Config = toml::from_str(&text).map_err(|e| {
            let key = e.span().and_then(|at| key_at(&text, at.start));
            let message = match key {
                Some(key) if !e.message().contains(&format!("`{key}`")) => {
                    format!("{key}: {}", e.message())
                }
                _ => e.message().to_string(),
            };
            located(e.span(), &message)
        })?;
        config
            .validate()
            .map_err(|p| located(Some(p.at), &p.message))?;
        Ok(config)
    }

    /// The first value out of range or malformed: thresholds, waivers, residency, then
    /// trusted accounts.
    fn validate(&self) -> Result<(), Problem> {
        self.validate_thresholds()?;
        self.validate_waivers()?;
        self.validate_residency()?;
        self.validate_accounts()
    }

    fn validate_thresholds(&self) -> Result<(), Problem> {
        let t = &self.thresholds;
        for (name, value, range) in [
            ("credentials_unused_days", &t.credentials_unused_days, DAYS),
            ("access_key_max_age_days", &t.access_key_max_age_days, DAYS),
            ("root_recent_use_days", &t.root_recent_use_days, DAYS),
            (
                "password_min_length",
                &t.password_min_length,
                PASSWORD_LENGTH,
            ),
            (
                "password_reuse_prevention",
                &t.password_reuse_prevention,
                PASSWORD_REUSE,
            ),
            ("internet_prefix_v4", &t.internet_prefix_v4, PREFIX_V4),
            ("internet_prefix_v6", &t.internet_prefix_v6, PREFIX_V6),
        ] {
            if let Some(value) = value.as_ref().filter(|v| !range.contains(v.get_ref())) {
                return Err(problem(
                    value.span(),
                    format!(
                        "thresholds.{name} = {}: must be {} to {}",
                        value.get_ref(),
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_waivers(&self) -> Result<(), Problem> {
        for waiver in &self.waivers {
            let (at, waiver) = (waiver.span(), waiver.get_ref());
            waiver.expiry().map_err(|e| problem(at.clone(), e))?;
            if posture_rules::registry::find(&waiver.rule).is_none() {
                let known = posture_rules::registry::RULES.iter().map(|r| r.id);
                let hint = crate::suggest::closest(&waiver.rule, known)
                    .map_or(String::new(), |id| format!("; did you mean `{id}`?"));
                return Err(problem(
                    at,
                    format!("waiver.rule: unknown rule id `{}`{hint}", waiver.rule),
                ));
            }
            if waiver.reason.trim().is_empty() {
                return Err(problem(
                    at,
                    format!(
                        "waiver.reason: the waiver for {} on {} must say why",
                        waiver.rule, waiver.resource
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_residency(&self) -> Result<(), Problem> {
        let Some(regions) = &self.residency.allowed_regions else {
            return Ok(());
        };
        if regions.get_ref().is_empty() {
            return Err(problem(
                regions.span(),
                "residency.allowed_regions: name at least one region, or leave it out",
            ));
        }
        for region in regions.get_ref() {
            if !region_shaped(region.get_ref()) {
                return Err(problem(
                    region.span(),
                    format!(
                        "residency.allowed_regions: `{}` is not a region name \
                         (like `eu-central-1`)",
                        region.get_ref()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_accounts(&self) -> Result<(), Problem> {
        for account in &self.accounts.trusted {
            let id = account.get_ref();
            if !arn::is_account_id(id) {
                return Err(problem(
                    account.span(),
                    format!("accounts.trusted: `{id}` is not a 12-digit account id"),
                ));
            }
        }
        Ok(())
    }

    /// The waivers, without their places in the file.
    pub fn waivers(&self) -> impl Iterator<Item = &crate::waivers::Waiver> {
        self.waivers.iter().map(Spanned::get_ref)
    }

    /// The rule settings: these thresholds over the defaults.
    pub fn settings(&self, now: chrono::DateTime<chrono::Utc>) -> Settings {
        let mut settings = Settings::at(now);
        let t = &self.thresholds;
        // Values are in range (checked on load), so the conversions cannot fail.
        let value = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| *v.get_ref());
        if let Some(v) = value(&t.credentials_unused_days) {
            settings.credentials_unused_days = v;
        }
        if let Some(v) = value(&t.access_key_max_age_days) {
            settings.access_key_max_age_days = v;
        }
        if let Some(v) = value(&t.root_recent_use_days) {
            settings.root_recent_use_days = v;
        }
        if let Some(v) = value(&t.password_min_length).and_then(|v| i32::try_from(v).ok()) {
            settings.password_min_length = v;
        }
        if let Some(v) = value(&t.password_reuse_prevention).and_then(|v| i32::try_from(v).ok()) {
            settings.password_reuse_prevention = v;
        }
        if let Some(v) = value(&t.internet_prefix_v4).and_then(|v| u8::try_from(v).ok()) {
            settings.internet_prefix_v4 = v;
        }
        if let Some(v) = value(&t.internet_prefix_v6).and_then(|v| u8::try_from(v).ok()) {
            settings.internet_prefix_v6 = v;
        }
        let trusted = self.accounts.trusted.iter().map(|a| a.get_ref().clone());
        settings.trusted_accounts = trusted.collect();
        settings.allowed_regions = self.residency.allowed_regions.as_ref().map(|regions| {
            regions
                .get_ref()
                .iter()
                .map(|r| r.get_ref().clone())
                .collect()
        });
        settings
    }
}
