//! The snapshot: everything the collector read from one account, in the project's own serde
//! types (SDK types do not serialize, and rules must not depend on the SDK).
//!
//! Every piece of data that comes from one API call is an [`Observed`]: either what the call
//! returned, or the [`Gap`] that explains why it is missing. Rules cannot reach the data
//! without deciding what to do about the gap, which is how "a gap is never a pass" is kept.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::policy::{self, PolicyDocument, PolicyError};

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

// ---------------------------------------------------------------------------------------
// AWS Organizations
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// What only the management account reads; `None` when the scanned account is a
    /// member, whose organization-wide settings its management account's scan judges.
    pub management: Option<OrganizationManagement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationManagement {
    /// Every ACTIVE account with the guardrail policies in force for it: the tree
    /// (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent), ListPolicies
    /// and ListTargetsForPolicy for service and resource control policies.
    pub accounts: Observed<Vec<MemberAccount>>,
    /// iam:ListOrganizationsFeatures: `RootCredentialsManagement`, `RootSessions`.
    pub root_access_features: Observed<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAccount {
    pub id: String,
    pub name: String,
    /// The SCPs and RCPs in force for it (attached to it, to an OU above it or to the
    /// root, of a policy type enabled on the root), other than the AWS-managed
    /// full-access policies every target holds: "SCP DenyLeavingOrg".
    pub guardrails: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfsRegion {
    pub region: String,
    /// elasticfilesystem:DescribeFileSystems, all pages.
    pub file_systems: Observed<Vec<FileSystem>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystem {
    pub id: String,
    pub arn: String,
    pub name: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// RDS
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RdsRegion {
    pub region: String,
    /// rds:DescribeDBInstances and DescribeDBClusters, all pages.
    pub databases: Observed<RdsDatabases>,
    /// rds:DescribeDBSnapshots and DescribeDBClusterSnapshots (the account's own), with
    /// who may restore each manual one.
    pub snapshots: Observed<Vec<DbSnapshot>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RdsDatabases {
    pub instances: Vec<DbInstance>,
    pub clusters: Vec<DbCluster>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub arn: String,
    pub engine: String,
    /// The cluster it belongs to (Aurora, Multi-AZ DB clusters), whose storage it shares.
    pub cluster: Option<String>,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    /// `None` when RDS did not say (then public access is unknown, never assumed).
    pub publicly_accessible: Option<bool>,
    pub auto_minor_version_upgrade: bool,
    pub multi_az: bool,
    /// The instance this one is a read replica of.
    pub replica_of: Option<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbCluster {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub multi_az: bool,
    /// `provisioned`, `serverless`, or absent (Aurora Serverless v1 names `serverless`).
    pub engine_mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSnapshot {
    pub id: String,
    pub arn: String,
    /// Whether it is a snapshot of a cluster (DescribeDBClusterSnapshots) or of an instance.
    pub of_cluster: bool,
    /// The instance or cluster it was taken of.
    pub source: String,
    /// `manual`, `automated`, `awsbackup`.
    pub snapshot_type: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// The `restore` attribute: the accounts that may copy or restore it, `all` for anyone.
    /// `None` for automated snapshots, which cannot be shared.
    pub restorable_by: Option<Observed<Vec<String>>>,
}

// ---------------------------------------------------------------------------------------
// Systems Manager
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsmRegion {
    pub region: String,
    /// ssm:DescribeInstanceInformation, all pages: the nodes Systems Manager manages.
    pub managed_nodes: Observed<Vec<ManagedNode>>,
    /// ssm:DescribeInstancePatchStates for every managed node: a node absent here has
    /// never reported a patch scan.
    pub patch_states: Observed<Vec<PatchState>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedNode {
    /// An EC2 instance id (`i-...`) or a hybrid node's (`mi-...`).
    pub id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: String,
    pub last_ping: Option<DateTime<Utc>>,
    /// `EC2Instance` or `ManagedInstance` (a hybrid node).
    pub resource_type: Option<String>,
    pub platform: Option<String>,
    pub agent_version: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchState {
    pub instance_id: String,
    /// When the last scan or install ended.
    pub operation_end: Option<DateTime<Utc>>,
    /// `Scan` or `Install`.
    pub operation: Option<String>,
    pub missing: i32,
    pub failed: i32,
    pub installed_pending_reboot: i32,
    /// Missing patches the baseline classifies critical, or security; `None` when the
    /// agent did not report the split.
    pub critical_non_compliant: Option<i32>,
    pub security_non_compliant: Option<i32>,
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

/// An alternate contact of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternateContact {
    pub name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerRegion {
    pub region: String,
    /// access-analyzer:ListAnalyzers.
    pub analyzers: Observed<Vec<Analyzer>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// `ACCOUNT` or `ORGANIZATION` (external access), or an unused-access or internal
    /// access type.
    pub kind: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
}

// ---------------------------------------------------------------------------------------
// KMS
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsRegion {
    pub region: String,
    /// kms:ListKeys with each key's kms:DescribeKey.
    pub keys: Observed<Vec<KmsKey>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`...
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`...
    pub spec: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
    pub deletion_date: Option<DateTime<Utc>>,
    /// kms:GetKeyRotationStatus, read for the customer keys that can rotate (symmetric,
    /// key material from KMS, not pending deletion); `None` for the others.
    pub rotation: Option<Observed<bool>>,
    /// kms:GetKeyPolicy (`default`), read for customer keys; `None` for AWS keys.
    pub policy: Option<Observed<PolicyText>>,
}

impl KmsKey {
    pub fn customer_managed(&self) -> bool {
        self.manager == "CUSTOMER"
    }
}

// ---------------------------------------------------------------------------------------
// Audit logging
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logging {
    /// Every trail that logs a scanned region: cloudtrail:DescribeTrails in each region
    /// (shadow trails included), one entry per trail ARN.
    pub trails: Observed<Vec<Trail>>,
    /// AWS Config in each scanned region; a region missing here was not read.
    #[serde(default)]
    pub config: Vec<ConfigRegion>,
    /// The CloudWatch Logs groups the account's own trails deliver to, with their metric
    /// filters and the alarms on them; a group missing here was not read.
    #[serde(default)]
    pub log_groups: Vec<LogGroupMonitoring>,
}

/// A log group a trail delivers to, and what alarms on its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroupMonitoring {
    /// The group's ARN as the trail names it.
    pub arn: String,
    pub region: String,
    pub name: String,
    /// logs:DescribeMetricFilters of the group.
    pub metric_filters: Observed<Vec<MetricFilter>>,
    /// cloudwatch:DescribeAlarms of the region: the alarms on a metric of these filters.
    pub alarms: Observed<Vec<MetricAlarm>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub name: String,
    pub pattern: String,
    /// The metrics it publishes to.
    pub metrics: Vec<MetricId>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MetricId {
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub name: String,
    pub arn: String,
    pub metric: MetricId,
    pub actions_enabled: bool,
    /// The SNS topics among its alarm actions.
    pub topics: Vec<AlarmTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmTopic {
    pub arn: String,
    /// sns:ListSubscriptionsByTopic: the confirmed subscriptions' endpoints
    /// ("email:secops@example.com"); a pending confirmation notifies nobody.
    pub subscribers: Observed<Vec<String>>,
}

impl Default for Logging {
    fn default() -> Logging {
        let gap = |operation: &str, service: &str| Gap {
            service: service.to_string(),
            region: None,
            operation: operation.to_string(),
            resource: None,
            error_code: "NotCollected".to_string(),
            message: "the snapshot was made by a version of posture that did not read it"
                .to_string(),
            account: None,
        };
        Logging {
            trails: Observed::Gap(Box::new(gap("DescribeTrails", "cloudtrail"))),
            config: Vec::new(),
            log_groups: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    /// The region the trail was created in; its status and selectors are read there.
    pub home_region: String,
    pub multi_region: bool,
    /// A trail of the organization's management account, logging this account too.
    pub organization_trail: bool,
    pub s3_bucket: Option<String>,
    pub log_file_validation: bool,
    /// The KMS key that encrypts the log files; `None`: S3's own encryption only.
    pub kms_key_id: Option<String>,
    pub cloudwatch_logs_group_arn: Option<String>,
    /// cloudtrail:GetTrailStatus `IsLogging`.
    pub logging: Observed<bool>,
    /// cloudtrail:GetEventSelectors.
    pub selectors: Observed<EventSelectors>,
}

/// What a trail records: basic selectors, or advanced ones (a trail has one kind or the
/// other; with neither, CloudTrail records every management event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelectors {
    pub basic: Vec<EventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: String,
    pub include_management_events: bool,
    pub data_resources: Vec<DataResource>,
    /// Event sources left out of management events (`kms.amazonaws.com`...).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`...
    pub resource_type: String,
    /// ARN prefixes: `arn:aws:s3` is every bucket, `arn:aws:s3:::bucket/` one bucket.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// One condition of an advanced selector; an event is recorded when it meets every
/// condition of some selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `readOnly`, `resources.ARN`, `eventSource`...
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

/// AWS Config in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigRegion {
    pub region: String,
    /// config:DescribeConfigurationRecorders with each recorder's status.
    pub recorders: Observed<Vec<ConfigRecorder>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    /// `recordingGroup.allSupported`: every resource type the region supports.
    pub all_supported: bool,
    /// `recordingGroup.includeGlobalResourceTypes` (IAM and other global types).
    pub include_global_resource_types: bool,
    /// config:DescribeConfigurationRecorderStatus `recording`; `None` when the status
    /// named no such recorder.
    pub recording: Option<bool>,
    /// The last status (`SUCCESS`, `FAILURE`, `PENDING`).
    pub last_status: Option<String>,
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

// ---------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iam {
    pub authorization_details: Observed<AuthorizationDetails>,
    pub credential_report: Observed<Vec<CredentialReportRow>>,
    /// `None`: the account has no password policy (IAM answers `NoSuchEntity`).
    pub password_policy: Observed<Option<PasswordPolicy>>,
    /// iam:GetAccountSummary's map (`AccountMFAEnabled`, `AccountAccessKeysPresent`...).
    pub account_summary: Observed<BTreeMap<String, i32>>,
    pub virtual_mfa_devices: Observed<Vec<VirtualMfaDevice>>,
    pub server_certificates: Observed<Vec<ServerCertificate>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCertificate {
    pub name: String,
    pub arn: String,
    pub expires: Option<DateTime<Utc>>,
}

/// iam:GetAccountAuthorizationDetails, all pages. Policy documents are kept as IAM returned
/// them (often percent-encoded); the policy parser decodes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationDetails {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub policies: Vec<ManagedPolicy>,
}

/// A policy document as IAM or S3 returned it (often percent-encoded), parsed the first
/// time a rule asks and kept: a dozen rules read the same documents, and parsing them once
/// per rule was a fifth of the time to evaluate a large account. It serializes as the text.
#[derive(Clone, Default)]
pub struct PolicyText {
    text: String,
    parsed: OnceLock<Result<Arc<PolicyDocument>, PolicyError>>,
}

impl PolicyText {
    pub fn new(text: impl Into<String>) -> PolicyText {
        PolicyText {
            text: text.into(),
            parsed: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed document (shared), or why the text is not a policy.
    pub fn document(&self) -> Result<Arc<PolicyDocument>, PolicyError> {
        self.parsed
            .get_or_init(|| policy::parse(&self.text).map(Arc::new))
            .clone()
    }
}

impl Deref for PolicyText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl From<String> for PolicyText {
    fn from(text: String) -> PolicyText {
        PolicyText::new(text)
    }
}

impl From<&str> for PolicyText {
    fn from(text: &str) -> PolicyText {
        PolicyText::new(text)
    }
}

impl PartialEq for PolicyText {
    fn eq(&self, other: &PolicyText) -> bool {
        self.text == other.text
    }
}

impl Eq for PolicyText {}

impl fmt::Debug for PolicyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl Serialize for PolicyText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for PolicyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PolicyText, D::Error> {
        String::deserialize(deserializer).map(PolicyText::new)
    }
}

/// A managed policy's name from its ARN (`arn:aws:iam::aws:policy/service-role/X` → `X`),
/// for when the API omitted it.
pub fn policy_name_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    pub groups: Vec<String>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary_arn: Option<String>,
    /// Tags, for `aws:PrincipalTag` / `aws:ResourceTag` conditions and policy variables.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    /// The unique id (`AROA...`): `aws:userid` of its sessions starts with it.
    #[serde(default)]
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    pub trust_policy: Option<PolicyText>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary_arn: Option<String>,
    pub last_used: Option<DateTime<Utc>>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// ARNs of the instance profiles that hold the role (what EC2 instances are given).
    #[serde(default)]
    pub instance_profiles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    pub attachment_count: i32,
    /// The default version's document (the one in force).
    pub default_document: Option<PolicyText>,
    /// The other stored versions: `iam:SetDefaultPolicyVersion` can put any of them in force.
    #[serde(default)]
    pub other_versions: Vec<PolicyVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: String,
    pub document: Option<PolicyText>,
}

/// One line of the IAM credential report. Dates are `None` where the report says `N/A`,
/// `no_information` or `not_supported`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReportRow {
    /// `<root_account>` for the root user.
    pub user: String,
    pub arn: String,
    pub user_created: Option<DateTime<Utc>>,
    pub password_enabled: bool,
    pub password_last_used: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub access_keys: Vec<AccessKeyUsage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyUsage {
    /// 1 or 2, as the report numbers them.
    pub slot: u8,
    pub active: bool,
    pub last_rotated: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    pub last_used_service: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub max_age_days: Option<i32>,
    pub reuse_prevention: Option<i32>,
    pub expire_passwords: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// The user it is assigned to, if any (the root user's ARN ends in `:root`).
    pub user_arn: Option<String>,
}

// ---------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct S3 {
    pub buckets: Observed<Vec<Bucket>>,
    /// s3control:GetPublicAccessBlock for the account; `None` when none is configured.
    pub account_public_access_block: Observed<Option<PublicAccessBlock>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub arn: String,
    pub region: Observed<String>,
    pub created: Option<DateTime<Utc>>,
    /// The bucket policy JSON; `None` when the bucket has none.
    pub policy: Observed<Option<PolicyText>>,
    pub acl: Observed<BucketAcl>,
    /// `None` when the bucket has no Block Public Access configuration.
    pub public_access_block: Observed<Option<PublicAccessBlock>>,
    /// Default encryption rules; `None` when none is configured.
    pub encryption: Observed<Option<Vec<BucketEncryptionRule>>>,
    pub versioning: Observed<BucketVersioning>,
    /// Object ownership setting (`BucketOwnerEnforced`...); `None` when not configured.
    pub object_ownership: Observed<Option<String>>,
    /// Target bucket of server access logs; `None` when logging is off.
    pub logging_target: Observed<Option<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketAcl {
    pub owner_id: Option<String>,
    pub grants: Vec<AclGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclGrant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// The group URI for `Group` grantees.
    pub grantee_uri: Option<String>,
    pub grantee_id: Option<String>,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`, `FULL_CONTROL`.
    pub permission: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketEncryptionRule {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketVersioning {
    /// `Enabled`, `Suspended`, or `None` for a bucket that never had versioning.
    pub status: Option<String>,
    pub mfa_delete: Option<String>,
}

// ---------------------------------------------------------------------------------------
// EC2
// ---------------------------------------------------------------------------------------

/// Everything EC2 read in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ec2Region {
    pub region: String,
    pub vpcs: Observed<Vec<Vpc>>,
    pub security_groups: Observed<Vec<SecurityGroup>>,
    pub network_acls: Observed<Vec<NetworkAcl>>,
    pub flow_logs: Observed<Vec<FlowLog>>,
    pub network_interfaces: Observed<Vec<NetworkInterface>>,
    pub instances: Observed<Vec<Instance>>,
    pub volumes: Observed<Vec<Volume>>,
    pub snapshots: Observed<Vec<EbsSnapshot>>,
    pub images: Observed<Vec<Image>>,
    pub ebs_encryption_by_default: Observed<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub owner_id: String,
    pub ingress: Vec<PermissionRule>,
    pub egress: Vec<PermissionRule>,
}

/// One IP permission of a security group, as EC2 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRule {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all protocols.
    pub protocol: String,
    /// Absent (or -1) for all-protocol and ICMP rules.
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub ipv4_ranges: Vec<String>,
    pub ipv6_ranges: Vec<String>,
    pub prefix_list_ids: Vec<String>,
    pub referenced_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: Option<String>,
    pub is_default: bool,
    pub subnet_ids: Vec<String>,
    pub entries: Vec<NetworkAclEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// `allow` or `deny`.
    pub action: String,
    pub protocol: String,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or interface it logs.
    pub resource_id: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub security_group_ids: Vec<String>,
    pub instance_id: Option<String>,
    pub public_ip: Option<String>,
    pub interface_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub state: Option<String>,
    pub public_ip: Option<String>,
    pub instance_profile_arn: Option<String>,
    pub security_group_ids: Vec<String>,
    /// Metadata options; `None` when EC2 did not return them.
    pub metadata: Option<InstanceMetadataOptions>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceMetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub state: Option<String>,
    pub attached_instance_ids: Vec<String>,
    pub size_gib: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EbsSnapshot {
    pub id: String,
    pub volume_id: Option<String>,
    pub encrypted: bool,
    pub started: Option<DateTime<Utc>>,
    /// Whether `createVolumePermission` includes the group `all`.
    pub public: Observed<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub name: Option<String>,
    pub public: bool,
}
