//! The organization the account is in and, from its management account, what holds each
//! member: the service and resource control policies in force for it, and whether root
//! access is managed centrally (IAM's organization features).

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus, Root};
use aws_sdk_organizations::Client;
use posture_rules::model::{MemberAccount, Observed, Organization, OrganizationManagement};
use posture_rules::parts::Part;

use super::org::{walk, OrgAccount};
use super::{gap, Call, Tracker};

/// The guardrail policy types, with how findings name them.
const POLICY_TYPES: [(PolicyType, &str); 2] = [
    (PolicyType::ServiceControlPolicy, "SCP"),
    (PolicyType::ResourceControlPolicy, "RCP"),
];

pub async fn collect(
    config: &SdkConfig,
    account_id: &str,
    tracker: &Tracker,
) -> Observed<Option<Organization>> {
    let client = Client::new(config);
    let request = client.describe_organization().send();
    let call = Call::new(Part::Organization, None, "DescribeOrganization");
    let not_in_use = ["AWSOrganizationsNotInUseException"];
    let organization = match tracker.read_configured(call, request, &not_in_use).await {
        Observed::Collected(Some(output)) => output.organization,
        Observed::Collected(None) => return Observed::Collected(None),
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let Some(organization) = organization else {
        return Observed::Collected(None);
    };
    let management_account_id = organization.master_account_id.unwrap_or_default();
    let management = if management_account_id == account_id {
        let features = root_access_features(config, tracker);
        let (accounts, root_access_features) = tokio::join!(accounts(&client, tracker), features);
        Some(OrganizationManagement {
            accounts,
            root_access_features,
        })
    } else {
        None
    };
    Observed::Collected(Some(Organization {
        id: organization.id.unwrap_or_default(),
        management_account_id,
        feature_set: (organization.feature_set.as_ref())
            .map_or_else(String::new, |f| f.as_str().to_string()),
        management,
    }))
}

/// iam:ListOrganizationsFeatures. IAM's trusted access not enabled, or an organization
/// without all features, means no feature is on: data, not a failed read.
async fn root_access_features(config: &SdkConfig, tracker: &Tracker) -> Observed<Vec<String>> {
    let iam = aws_sdk_iam::Client::new(config);
    let off = [
        "ServiceAccessNotEnabledException",
        "OrganizationNotInAllFeaturesModeException",
    ];
    let call = Call::new(Part::RootAccessFeatures, None, "ListOrganizationsFeatures");
    let read = tracker.read_configured(call, iam.list_organizations_features().send(), &off);
    read.await.map(|output| {
        (output.and_then(|o| o.enabled_features).unwrap_or_default())
            .into_iter()
            .map(|f| f.as_str().to_string())
            .collect()
    })
}

/// Every ACTIVE account with the guardrails in force for it.
async fn accounts(client: &Client, tracker: &Tracker) -> Observed<Vec<MemberAccount>> {
    let (roots, accounts) = match walk(client).await {
        Ok(tree) => tree,
        Err(e) => {
            let call = Call::new(Part::Organization, None, e.operation);
            let code = e.code.clone().unwrap_or_else(|| "Error".to_string());
            return Observed::Gap(Box::new(tracker.record(gap(&call, &code, e.message))));
        }
    };
    let mut attached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (kind, label) in POLICY_TYPES {
        if !enabled(&roots, &kind) {
            continue;
        }
        match targets_of_policies(client, tracker, kind, label).await {
            Observed::Collected(targets) => {
                for (target, policy) in targets {
                    attached.entry(target).or_default().insert(policy);
                }
            }
            Observed::Gap(gap) => return Observed::Gap(gap),
        }
    }
    Observed::Collected(accounts.into_iter().map(|a| member(a, &attached)).collect())
}

/// Whether the policy type is enabled on every root: attached policies of a type that is
/// not enabled hold nothing.
fn enabled(roots: &[Root], kind: &PolicyType) -> bool {
    !roots.is_empty()
        && roots.iter().all(|root| {
            (root.policy_types())
                .iter()
                .any(|t| t.r#type() == Some(kind) && t.status() == Some(&PolicyTypeStatus::Enabled))
        })
}

/// The account with the policies attached to it, to an OU above it or to its root.
fn member(account: OrgAccount, attached: &BTreeMap<String, BTreeSet<String>>) -> MemberAccount {
    let mut guardrails = BTreeSet::new();
    for target in account.ou_ids.iter().chain([&account.id]) {
        guardrails.extend(attached.get(target).into_iter().flatten().cloned());
    }
    MemberAccount {
        id: account.id,
        name: account.name,
        guardrails: guardrails.into_iter().collect(),
    }
}

/// (target id, "SCP name") for every policy of the type but the AWS-managed full-access
/// one, which every target holds and which restricts nothing.
async fn targets_of_policies(
    client: &Client,
    tracker: &Tracker,
    kind: PolicyType,
    label: &str,
) -> Observed<Vec<(String, String)>> {
    let listed = (client.list_policies().filter(kind).into_paginator())
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new(Part::Organization, None, "ListPolicies");
    let policies = match tracker.observe(call, listed) {
        Observed::Collected(pages) => pages
            .into_iter()
            .flat_map(|p| p.policies.unwrap_or_default()),
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let mut targets = Vec::new();
    for policy in policies {
        let (Some(id), name) = (policy.id(), policy.name().unwrap_or_default()) else {
            continue;
        };
        if policy.aws_managed() && name.ends_with("FullAWSAccess") {
            continue;
        }
        let listed = (client
            .list_targets_for_policy()
            .policy_id(id)
            .into_paginator())
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
        let call = Call::new(Part::Organization, None, "ListTargetsForPolicy").on(id);
        match tracker.observe(call, listed) {
            Observed::Collected(pages) => targets.extend(
                (pages
                    .into_iter()
                    .flat_map(|p| p.targets.unwrap_or_default()))
                .filter_map(|t| t.target_id)
                .map(|target| (target, format!("{label} {name}"))),
            ),
            Observed::Gap(gap) => return Observed::Gap(gap),
        }
    }
    Observed::Collected(targets)
}
