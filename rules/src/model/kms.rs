//! KMS: the keys of every region, with rotation and key policy for customer keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Observed, PolicyText};

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
