//! IAM Access Analyzer: the analyzers of every region.

use serde::{Deserialize, Serialize};

use super::Observed;

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
