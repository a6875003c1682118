//! `posture.toml`: thresholds and the customer's own accounts. Unknown keys are errors that
//! point at the line, so a typo never silently leaves a default in force.

use std::path::Path;

use anyhow::Context as _;
use posture_rules::Settings;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub accounts: Accounts,
    /// `[[waiver]]` tables.
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<crate::waivers::Waiver>,
}

/// Each threshold defaults to the CIS AWS Foundations Benchmark's value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub credentials_unused_days: Option<i64>,
    pub access_key_max_age_days: Option<i64>,
    pub root_recent_use_days: Option<i64>,
    pub password_min_length: Option<i32>,
    pub password_reuse_prevention: Option<i32>,
    /// IPv4 sources with this prefix length or shorter count as "the internet".
    pub internet_prefix_v4: Option<u8>,
    pub internet_prefix_v6: Option<u8>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The customer's other accounts: trust and bucket grants to them are not cross-account
    /// findings.
    #[serde(default)]
    pub trusted: Vec<String>,
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let config: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        config
            .validate()
            .with_context(|| format!("config {}", path.display()))?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let t = &self.thresholds;
        for (name, value) in [
            ("credentials_unused_days", t.credentials_unused_days),
            ("access_key_max_age_days", t.access_key_max_age_days),
            ("root_recent_use_days", t.root_recent_use_days),
        ] {
            if value.is_some_and(|v| v < 1) {
                anyhow::bail!("thresholds.{name} must be at least 1 day");
            }
        }
        if t.internet_prefix_v4.is_some_and(|p| p > 32) {
            anyhow::bail!("thresholds.internet_prefix_v4 must be 0 to 32");
        }
        if t.internet_prefix_v6.is_some_and(|p| p > 128) {
            anyhow::bail!("thresholds.internet_prefix_v6 must be 0 to 128");
        }
        for waiver in &self.waivers {
            waiver.expiry().map_err(|e| anyhow::anyhow!(e))?;
            if posture_rules::registry::find(&waiver.rule).is_none() {
                anyhow::bail!(
                    "waiver: unknown rule id `{}` (`posture rules` lists them)",
                    waiver.rule
                );
            }
            if waiver.reason.trim().is_empty() {
                anyhow::bail!(
                    "waiver for {} on {}: `reason` must say why",
                    waiver.rule,
                    waiver.resource
                );
            }
        }
        for account in &self.accounts.trusted {
            if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                anyhow::bail!("accounts.trusted: `{account}` is not a 12-digit account id");
            }
        }
        Ok(())
    }

    /// The rule settings: these thresholds over the defaults.
    pub fn settings(&self, now: chrono::DateTime<chrono::Utc>) -> Settings {
        let mut settings = Settings::at(now);
        let t = &self.thresholds;
        if let Some(v) = t.credentials_unused_days {
            settings.credentials_unused_days = v;
        }
        if let Some(v) = t.access_key_max_age_days {
            settings.access_key_max_age_days = v;
        }
        if let Some(v) = t.root_recent_use_days {
            settings.root_recent_use_days = v;
        }
        if let Some(v) = t.password_min_length {
            settings.password_min_length = v;
        }
        if let Some(v) = t.password_reuse_prevention {
            settings.password_reuse_prevention = v;
        }
        if let Some(v) = t.internet_prefix_v4 {
            settings.internet_prefix_v4 = v;
        }
        if let Some(v) = t.internet_prefix_v6 {
            settings.internet_prefix_v6 = v;
        }
        settings.trusted_accounts = self.accounts.trusted.clone();
        settings
    }
}
