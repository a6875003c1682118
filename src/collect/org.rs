//! The accounts of an AWS organization, read from its management account (or a delegated
//! administrator): every ACTIVE account with its name, the path of organizational units
//! above it, and its tags. The tree is walked from the root (`ListRoots`,
//! `ListOrganizationalUnitsForParent`, `ListAccountsForParent`), which gives every
//! account's OU path in one call per unit instead of one `ListParents` per account.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context as _};
use aws_config::SdkConfig;
use aws_sdk_organizations::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_organizations::Client;
use serde::{Deserialize, Serialize};

/// A member account as the organization describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// Organizational units from the root down, by name: `["Workloads", "Prod"]`.
    pub ou_path: Vec<String>,
    /// The ids of the same units, for `--ou`.
    #[serde(skip)]
    pub ou_ids: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// A failed call of the walk: which operation, AWS's error code, and the whole cause.
pub(crate) struct WalkError {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
}

impl WalkError {
    fn new<E>(operation: &'static str, error: E) -> WalkError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        WalkError {
            operation,
            code: error.code().map(str::to_string),
            message: DisplayErrorContext(&error).to_string().replace('\n', " "),
        }
    }
}

/// The ids of every ACTIVE account of the organization (the customer's own, whatever `ous`
/// keeps), and those accounts in id order; with `ous`, only the accounts in those units or
/// below them.
pub async fn accounts(
    config: &SdkConfig,
    ous: &[String],
) -> anyhow::Result<(BTreeSet<String>, Vec<OrgAccount>)> {
    let client = Client::new(config);
    let mut found = walk(&client).await.map_err(organizations_error)?.1;
    let every = found.iter().map(|a| a.id.clone()).collect();
    for unit in ous {
        if !found.iter().any(|a| a.ou_ids.contains(unit)) && !unit_exists(&client, unit).await {
            bail!("--ou {unit}: no such organizational unit or root in this organization");
        }
    }
    found.retain(|a| ous.is_empty() || ous.iter().any(|unit| a.ou_ids.contains(unit)));
    for account in &mut found {
        account.tags = tags(&client, &account.id).await?;
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((every, found))
}

/// The organization's roots and every ACTIVE account with the OU path above it (without
/// tags), walked from the roots: one call per unit, not per account.
pub(crate) async fn walk(
    client: &Client,
) -> Result<(Vec<aws_sdk_organizations::types::Root>, Vec<OrgAccount>), WalkError> {
    let roots: Vec<_> = client
        .list_roots()
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| WalkError::new("ListRoots", e))?
        .into_iter()
        .flat_map(|page| page.roots.unwrap_or_default())
        .collect();
    let mut found = Vec::new();
    // (unit id, path of names, path of ids)
    let mut pending: Vec<(String, Vec<String>, Vec<String>)> = roots
        .iter()
        .filter_map(|root| {
            root.id()
                .map(|id| (id.to_string(), Vec::new(), vec![id.to_string()]))
        })
        .collect();
    while let Some((parent, names, ids)) = pending.pop() {
        let units: Vec<_> = client
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| WalkError::new("ListOrganizationalUnitsForParent", e))?
            .into_iter()
            .flat_map(|page| page.organizational_units.unwrap_or_default())
            .collect();
        for unit in units {
            let (Some(id), name) = (unit.id(), unit.name().unwrap_or_default()) else {
                continue;
            };
            let mut names = names.clone();
            names.push(name.to_string());
            let mut ids = ids.clone();
            ids.push(id.to_string());
            pending.push((id.to_string(), names, ids));
        }
        let members: Vec<_> = client
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| WalkError::new("ListAccountsForParent", e))?
            .into_iter()
            .flat_map(|page| page.accounts.unwrap_or_default())
            .collect();
        for account in members.iter().filter(|a| is_active(a)) {
            let Some(id) = account.id() else { continue };
            found.push(OrgAccount {
                id: id.to_string(),
                name: account.name().unwrap_or_default().to_string(),
                ou_path: names.clone(),
                ou_ids: ids.clone(),
                tags: BTreeMap::new(),
            });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((roots, found))
}

/// ACTIVE by `State` (the field AWS keeps), or by `Status` where only that is returned.
fn is_active(account: &aws_sdk_organizations::types::Account) -> bool {
    match account.state() {
        Some(state) => *state == AccountState::Active,
        #[allow(deprecated)]
        None => account.status() == Some(&AccountStatus::Active),
    }
}

async fn unit_exists(client: &Client, unit: &str) -> bool {
    client
        .describe_organizational_unit()
        .organizational_unit_id(unit)
        .send()
        .await
        .is_ok()
}

async fn tags(client: &Client, account: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let tags: Vec<_> = client
        .list_tags_for_resource()
        .resource_id(account)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| organizations_error(WalkError::new("ListTagsForResource", e)))?
        .into_iter()
        .flat_map(|page| page.tags.unwrap_or_default())
        .collect();
    Ok(tags
        .into_iter()
        .map(|tag| (tag.key().to_string(), tag.value().to_string()))
        .collect())
}

/// An organization that cannot be listed ends the run: there is nothing to scan. One line.
fn organizations_error(error: WalkError) -> anyhow::Error {
    let hint = match error.code.as_deref() {
        Some("AWSOrganizationsNotInUseException") => {
            ": this account is not in an organization (scan it without --org)"
        }
        Some("AccessDeniedException") => {
            ": run --org from the management account or a delegated administrator, with \
             organizations:List* and organizations:DescribeOrganizationalUnit"
        }
        _ => "",
    };
    let cause = error.code.clone().unwrap_or_else(|| error.message.clone());
    anyhow::anyhow!(
        "cannot list the organization's accounts: organizations:{} failed: {cause}{hint}",
        error.operation
    )
}

/// Whether `account` is in shard `index` of `count` (1-based): by a hash of its id, so that
/// adding an account never moves the others to another shard.
pub fn in_shard(account: &str, index: u32, count: u32) -> bool {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(account.as_bytes());
    let value = u64::from_be_bytes(digest[..8].try_into().expect("eight bytes"));
    value % u64::from(count) == u64::from(index - 1)
}

/// Parses `--shard i/n`: 1 ≤ i ≤ n.
pub fn parse_shard(text: &str) -> anyhow::Result<(u32, u32)> {
    let (index, count) = text
        .split_once('/')
        .context("--shard takes INDEX/COUNT, e.g. 2/5")?;
    let index: u32 = index
        .trim()
        .parse()
        .context("--shard: INDEX must be a number")?;
    let count: u32 = count
        .trim()
        .parse()
        .context("--shard: COUNT must be a number")?;
    if count == 0 || index == 0 || index > count {
        bail!("--shard {text}: INDEX must be from 1 to COUNT");
    }
    Ok((index, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_is_in_exactly_one_shard_and_stays_there() {
        let accounts: Vec<String> = (0..500)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i * 7919))
            .collect();
        for count in 1..=7 {
            for account in &accounts {
                let shards = (1..=count).filter(|i| in_shard(account, *i, count)).count();
                assert_eq!(shards, 1, "{account} in {shards} of {count} shards");
            }
        }
        // Roughly even: no shard of 5 holds more than a third.
        for index in 1..=5 {
            let n = accounts.iter().filter(|a| in_shard(a, index, 5)).count();
            assert!(n > 60 && n < 160, "shard {index}/5 holds {n}");
        }
    }

    #[test]
    fn shard_arguments_are_checked() {
        assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
