//! Policy documents as AWS returned them, parsed once on first use.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::policy::{self, PolicyDocument, PolicyError};

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
