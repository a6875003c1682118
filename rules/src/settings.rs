//! Tunable thresholds and the evaluation clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

/// Everything a user may tune about how rules judge, with the defaults of the benchmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// "Now" for every age computation; injected so tests never depend on the clock.
    pub now: DateTime<Utc>,
    /// An IPv4 range with a prefix this short or shorter is the internet in practice.
    pub internet_prefix_v4: u8,
    /// An IPv6 range with a prefix this short or shorter is the internet in practice.
    pub internet_prefix_v6: u8,
    /// CIS 1.8: minimum password length.
    pub password_min_length: i32,
    /// CIS 1.9: number of previous passwords that cannot be reused.
    pub password_reuse_prevention: i32,
    /// CIS 1.12: credentials unused for this many days should be disabled.
    pub credentials_unused_days: i64,
    /// CIS 1.14: access keys older than this many days should be rotated.
    pub access_key_max_age_days: i64,
    /// CIS 1.7: root use within this many days is reported.
    pub root_recent_use_days: i64,
    /// Account ids of the customer's own other accounts: access granted to them is not
    /// reported as cross-account.
    pub trusted_accounts: Vec<String>,
    /// Every ACTIVE account of the organization `check --org` scans, as it listed them
    /// (whether or not this run reads them): the customer's own too (`own_accounts.rs`).
    /// Empty outside `--org`.
    pub organization_accounts: BTreeSet<String>,
    /// The regions customer data may be stored in (`[residency] allowed_regions`); `None`:
    /// no residency requirement, and the residency rule judges nothing.
    pub allowed_regions: Option<Vec<String>>,
}

impl Settings {
    pub fn at(now: DateTime<Utc>) -> Settings {
        Settings {
            now,
            internet_prefix_v4: 8,
            internet_prefix_v6: 32,
            password_min_length: 14,
            password_reuse_prevention: 24,
            credentials_unused_days: 45,
            access_key_max_age_days: 90,
            root_recent_use_days: 90,
            trusted_accounts: Vec::new(),
            organization_accounts: BTreeSet::new(),
            allowed_regions: None,
        }
    }
}
