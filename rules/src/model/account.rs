//! The account itself: who it is, who scanned it, its security contact, and what reading it
//! cost.

use serde::{Deserialize, Serialize};

/// An alternate contact of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternateContact {
    pub name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// What reading the account cost: requests sent, of which retries, and the time requests
/// waited for the client-side rate limit (summed over concurrent requests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounts {
    pub attempts: u64,
    pub retries: u64,
    pub paced_millis: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: needed to build ARNs.
    pub partition: String,
    /// Who ran the scan (sts:GetCallerIdentity).
    pub caller_arn: String,
}
