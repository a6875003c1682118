//! AWS Organizations: the organization the account is in, and from its management account
//! the guardrails in force for each member.

use serde::{Deserialize, Serialize};

use super::Observed;

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
