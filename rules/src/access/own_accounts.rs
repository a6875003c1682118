//! The accounts that are the customer's own when an account is judged: access granted to
//! them is not cross-account (`resource_policy::foreign_accounts`, read by the rules on role
//! trust, bucket policies and key policies). They are:
//!
//! - the account itself;
//! - the accounts listed in `posture.toml` (`trusted_accounts`);
//! - every ACTIVE account of the organization `check --org` listed
//!   (`organization_accounts`), read or not by the run;
//! - what the snapshot's organization part knows for certain: the management account of
//!   the organization the account is in and, in a snapshot of the management account,
//!   every ACTIVE member. An organization not read adds nothing, so its accounts are then
//!   reported as other accounts: never a pass for want of data.
//!
//! `posture merge` holds the accounts of every report it merges to be the customer's own
//! too: [`rejudge`] judges a finding again, from the statements its evidence quotes, as the
//! rule would have judged it knowing them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::access::policy::{self, PolicyDocument};
use crate::model::Observed;
use crate::rule::{Context, Finding, Status};
use crate::rules::{
    iam_role_cross_account_trust_without_external_id as role_trust,
    kms_key_cross_account_access as key_policy, s3_bucket_cross_account_access as bucket_policy,
};
use crate::settings::Settings;

pub struct OwnAccounts<'a> {
    settings: &'a Settings,
    /// The account and what its snapshot knows of its organization.
    known: BTreeSet<&'a str>,
}

impl<'a> OwnAccounts<'a> {
    pub fn of(cx: &Context<'a>) -> OwnAccounts<'a> {
        let mut known = BTreeSet::from([cx.snapshot.account.id.as_str()]);
        if let Observed::Collected(Some(organization)) = &cx.snapshot.organization {
            if !organization.management_account_id.is_empty() {
                known.insert(organization.management_account_id.as_str());
            }
            let members = organization.management.as_ref().map(|m| &m.accounts);
            if let Some(Observed::Collected(members)) = members {
                known.extend(members.iter().map(|member| member.id.as_str()));
            }
        }
        OwnAccounts {
            settings: cx.settings,
            known,
        }
    }

    pub fn contains(&self, account: &str) -> bool {
        self.known.contains(account)
            || self.settings.organization_accounts.contains(account)
            || self.settings.trusted_accounts.iter().any(|a| a == account)
    }
}

/// A failing (or waived) finding of a rule on grants to other accounts, judged again with
/// `also_own` among the customer's own accounts: `None` when it names none of them (or is
/// not such a finding), else the finding the rule makes of the statements its evidence
/// quotes, those accounts no longer foreign — a pass when no other remains. A waiver
/// stays on a finding that still fails.
pub fn rejudge(finding: &Finding, also_own: &BTreeSet<String>) -> Option<Finding> {
    if !matches!(finding.status, Status::Fail | Status::Waived) {
        return None;
    }
    let rejudge = match finding.rule_id.as_ref() {
        id if id == role_trust::RULE.id => role_trust::rejudge,
        id if id == bucket_policy::RULE.id => bucket_policy::rejudge,
        id if id == key_policy::RULE.id => key_policy::rejudge,
        _ => return None,
    };
    let evidence = finding.evidence.to_value();
    let mut again = rejudge(finding, &evidence, also_own)?;
    again.account.clone_from(&finding.account);
    if again.status == Status::Fail && finding.status == Status::Waived {
        again.status = Status::Waived;
        again.waiver.clone_from(&finding.waiver);
    }
    Some(again)
}

/// The accounts a finding's evidence names (`None`: not a list of strings), if any of them
/// is in `also_own`.
pub(crate) fn named_accounts<'e>(
    lists: impl IntoIterator<Item = &'e Value>,
    also_own: &BTreeSet<String>,
) -> Option<BTreeSet<&'e str>> {
    let mut named = BTreeSet::new();
    for list in lists {
        for account in list.as_array()? {
            named.insert(account.as_str()?);
        }
    }
    named
        .iter()
        .any(|account| also_own.contains(*account))
        .then_some(named)
}

/// A resource-policy finding's `grants` evidence (each grant with its `accounts` and its
/// `statement`): the accounts named, if any is in `also_own`, and the statements as one
/// document.
pub(crate) fn quoted_grants<'e>(
    evidence: &'e Value,
    also_own: &BTreeSet<String>,
) -> Option<(BTreeSet<&'e str>, PolicyDocument)> {
    let grants = evidence["grants"].as_array()?;
    let named = named_accounts(grants.iter().map(|g| &g["accounts"]), also_own)?;
    let statements = quoted(grants.iter().map(|g| &g["statement"]))?;
    Some((named, statements))
}

/// The statements a finding's evidence quotes, as one document.
pub(crate) fn quoted<'e>(
    statements: impl IntoIterator<Item = &'e Value>,
) -> Option<PolicyDocument> {
    let statements: Vec<&Value> = statements.into_iter().collect();
    let text = serde_json::json!({ "Statement": statements }).to_string();
    policy::parse(&text).ok()
}
