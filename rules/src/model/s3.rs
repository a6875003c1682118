//! S3: the buckets and their per-bucket settings, and the account-level Block Public
//! Access.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Observed, PolicyText};

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
