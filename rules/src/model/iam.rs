//! IAM: the authorization details (users, groups, roles, policies), the credential report,
//! the password policy, the account summary, MFA devices and server certificates.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Observed, PolicyText};

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
