//! The snapshot: everything the collector read from one account, in the project's own serde
//! types (SDK types do not serialize, and rules must not depend on the SDK).
//!
//! Every piece of data that comes from one API call is an [`Observed`]: either what the call
//! returned, or the [`Gap`] that explains why it is missing. Rules cannot reach the data
//! without deciding what to do about the gap, which is how "a gap is never a pass" is kept.
//!
//! One file per service, as `src/collect/` reads them; every type is re-exported here, so
//! a type's path is `model::Name` whatever file declares it.

mod access_analyzer;
mod account;
pub mod arn;
mod ec2;
mod efs;
mod iam;
mod kms;
mod logging;
mod organization;
mod policy_text;
mod rds;
mod s3;
mod ssm;

pub use access_analyzer::*;
pub use account::*;
pub use ec2::*;
pub use efs::*;
pub use iam::*;
pub use kms::*;
pub use logging::*;
pub use organization::*;
pub use policy_text::*;
pub use rds::*;
pub use s3::*;
pub use ssm::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Version of the snapshot format. Bump on any incompatible change to these types.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 2;

/// Data from one API call, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed<T> {
    Collected(T),
    /// Boxed: most values are small (a flag, a setting), and a gap inline would make
    /// every one of them as large as six strings.
    Gap(Box<Gap>),
}

impl<T> Observed<T> {
    pub fn as_ref(&self) -> Result<&T, &Gap> {
        match self {
            Observed::Collected(value) => Ok(value),
            Observed::Gap(gap) => Err(gap),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Observed<U> {
        match self {
            Observed::Collected(value) => Observed::Collected(f(value)),
            Observed::Gap(gap) => Observed::Gap(gap),
        }
    }
}

/// A call that failed: what could not be read, where, and the error AWS (or the network) gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub service: String,
    /// `None` for global services (IAM) and account-wide calls.
    pub region: Option<String>,
    pub operation: String,
    /// The resource the call was about (a bucket name, a snapshot id), if any.
    pub resource: Option<String>,
    /// AWS error code (`AccessDenied`, `InternalError`...), or a transport-level label
    /// (`DispatchFailure`, `Timeout`) when no response was received.
    pub error_code: String,
    pub message: String,
    /// The account the call was made in, in a report of several accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// A gap's fields in alphabetical order, as evidence prints them.
#[derive(Serialize)]
pub struct SortedGap<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    error_code: &'a str,
    message: &'a str,
    operation: &'a str,
    region: Option<&'a str>,
    resource: Option<&'a str>,
    service: &'a str,
}

impl Gap {
    /// The gap as evidence prints it: its fields sorted.
    pub fn sorted(&self) -> SortedGap<'_> {
        SortedGap {
            account: self.account.as_deref(),
            error_code: &self.error_code,
            message: &self.message,
            operation: &self.operation,
            region: self.region.as_deref(),
            resource: self.resource.as_deref(),
            service: &self.service,
        }
    }

    /// The call and its error code, without the endpoint's message: what a finding that
    /// depends on the call says (the message is in its evidence and in the report's list
    /// of what could not be checked, once).
    /// "s3:GetBucketPolicy in eu-west-1 failed (AccessDenied)".
    pub fn short(&self) -> String {
        let (in_, region) = match &self.region {
            Some(region) => (" in ", region.as_str()),
            None => ("", ""),
        };
        [
            &self.service,
            ":",
            &self.operation,
            in_,
            region,
            " failed (",
            &self.error_code,
            ")",
        ]
        .concat()
    }

    /// One line for a finding's message: "s3:GetBucketPolicy in eu-west-1 failed: AccessDenied (...)".
    pub fn describe(&self) -> String {
        let mut line = format!("{}:{}", self.service, self.operation);
        if let Some(region) = &self.region {
            line.push_str(&format!(" in {region}"));
        }
        line.push_str(&format!(" failed: {}", self.error_code));
        if !self.message.is_empty() {
            line.push_str(&format!(" ({})", self.message));
        }
        line
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    /// Version of posture that collected it.
    pub collector_version: String,
    pub collected_at: DateTime<Utc>,
    pub account: Account,
    /// The regions that were scanned (all enabled ones unless the user chose).
    pub regions: Vec<String>,
    pub iam: Iam,
    pub s3: S3,
    pub ec2: Vec<Ec2Region>,
    /// Every failed call, including those that left a field of this snapshot as a gap.
    pub gaps: Vec<Gap>,
    /// How many requests the collection sent. Absent from snapshots of older versions.
    #[serde(default)]
    pub requests: RequestCounts,
    /// What the collection left out on purpose, said once ("3 buckets in regions not
    /// scanned: ..."). Reports show it with their warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// CloudTrail and AWS Config. Absent from snapshots of older versions: then read as
    /// not collected, so that their rules say `unknown`.
    #[serde(default)]
    pub logging: Logging,
    /// KMS keys per region. Absent from snapshots of older versions (then not read: their
    /// rules say `unknown` for every region).
    #[serde(default)]
    pub kms: Vec<KmsRegion>,
    /// IAM Access Analyzer analyzers per region. Absent from snapshots of older versions.
    #[serde(default)]
    pub access_analyzers: Vec<AnalyzerRegion>,
    /// account:GetAlternateContact (SECURITY); `None` when none is registered. Absent from
    /// snapshots of older versions (then not read).
    #[serde(default = "contact_not_read")]
    pub security_contact: Observed<Option<AlternateContact>>,
    /// EFS file systems per region. Absent from snapshots of older versions.
    #[serde(default)]
    pub efs: Vec<EfsRegion>,
    /// RDS databases and snapshots per region. Absent from snapshots of older versions.
    #[serde(default)]
    pub rds: Vec<RdsRegion>,
    /// Systems Manager's managed nodes and their patch states per region. Absent from
    /// snapshots of older versions.
    #[serde(default)]
    pub ssm: Vec<SsmRegion>,
    /// organizations:DescribeOrganization; `None` when the account is in no organization.
    /// Absent from snapshots of older versions (then not read).
    #[serde(default = "organization_not_read")]
    pub organization: Observed<Option<Organization>>,
}

fn organization_not_read() -> Observed<Option<Organization>> {
    Observed::Gap(Box::new(Gap {
        service: "organizations".to_string(),
        region: None,
        operation: "DescribeOrganization".to_string(),
        resource: None,
        error_code: "NotCollected".to_string(),
        message: "the snapshot was made by a version of posture that did not read it".to_string(),
        account: None,
    }))
}

fn contact_not_read() -> Observed<Option<AlternateContact>> {
    Observed::Gap(Box::new(Gap {
        service: "account".to_string(),
        region: None,
        operation: "GetAlternateContact".to_string(),
        resource: None,
        error_code: "NotCollected".to_string(),
        message: "the snapshot was made by a version of posture that did not read it".to_string(),
        account: None,
    }))
}
