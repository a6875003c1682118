//! Where the scanned account stands in AWS Organizations, for the rules on organization-wide
//! settings: only the management account can read (and is responsible for) them.

use crate::model::{Organization, OrganizationManagement};
use crate::rule::{Context, Finding, Rule};

pub enum Standing<'s> {
    /// The organization could not be read: the rule's one finding, `unknown`.
    Unknown(Finding),
    /// The account is in no organization.
    Standalone,
    /// A member account: its management account's scan judges the organization.
    Member,
    /// The organization's management account.
    Management {
        organization: &'s Organization,
        management: &'s OrganizationManagement,
    },
}

pub fn standing<'s>(rule: &Rule, cx: &Context<'s>) -> Standing<'s> {
    let account = crate::model::arn::account(cx.snapshot);
    match cx.snapshot.organization.as_ref() {
        Err(gap) => Standing::Unknown(rule.unknown_gap(account, None, gap)),
        Ok(None) => Standing::Standalone,
        Ok(Some(organization)) => match &organization.management {
            Some(management) => Standing::Management {
                organization,
                management,
            },
            None => Standing::Member,
        },
    }
}

/// `arn:aws:organizations::MANAGEMENT:organization/o-...`
pub fn organization_arn(cx: &Context<'_>, organization: &Organization) -> String {
    format!(
        "arn:{}:organizations::{}:organization/{}",
        cx.snapshot.account.partition, organization.management_account_id, organization.id
    )
}

/// `arn:aws:organizations::MANAGEMENT:account/o-.../ACCOUNT`
pub fn account_arn(cx: &Context<'_>, organization: &Organization, account: &str) -> String {
    format!(
        "arn:{}:organizations::{}:account/{}/{account}",
        cx.snapshot.account.partition, organization.management_account_id, organization.id
    )
}
