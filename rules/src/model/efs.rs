//! EFS: the file systems of every region.

use serde::{Deserialize, Serialize};

use super::Observed;

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
