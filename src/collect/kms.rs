//! KMS, region by region: every key with its metadata; for customer keys, the key policy
//! and, where the key can rotate automatically, its rotation status.

use aws_config::{Region, SdkConfig};
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeySpec, KeyState, OriginType};
use aws_sdk_kms::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{KmsKey, KmsRegion, Observed};
use posture_rules::parts::Part;

use super::{each_region, to_utc, Call, Tracker};

/// How many keys of one region are read at once (three calls each at most).
const KEY_CONCURRENCY: usize = 8;

/// The largest page `ListKeys` returns.
const PAGE: i32 = 1000;

pub async fn collect(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Vec<KmsRegion> {
    let read = each_region(regions, tracker, Part::KmsKeys, |region| {
        keys(config, region, tracker)
    });
    (read.await.into_iter())
        .map(|(region, keys)| KmsRegion { region, keys })
        .collect()
}

/// Every key of the region. A key that cannot be described makes the list a gap: whether
/// it is a customer's key, which the rules judge, would be unknown.
async fn keys(config: &SdkConfig, region: &str, tracker: &Tracker) -> Observed<Vec<KmsKey>> {
    let client = Client::from_conf(
        aws_sdk_kms::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let listed = client
        .list_keys()
        .limit(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let listed = match tracker.observe(Call::new(Part::KmsKeys, Some(region), "ListKeys"), listed) {
        Observed::Collected(listed) => listed,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let ids: Vec<String> = listed.into_iter().filter_map(|k| k.key_id).collect();
    let described: Vec<Observed<KmsKey>> = stream::iter(ids)
        .map(|id| {
            let client = &client;
            async move { key(client, region, id, tracker).await }
        })
        .buffer_unordered(KEY_CONCURRENCY)
        .collect()
        .await;
    let mut keys = Vec::new();
    for key in described {
        match key {
            Observed::Collected(key) => keys.push(key),
            Observed::Gap(gap) => return Observed::Gap(gap),
        }
    }
    keys.sort_by(|a, b| a.arn.cmp(&b.arn));
    Observed::Collected(keys)
}

async fn key(client: &Client, region: &str, id: String, tracker: &Tracker) -> Observed<KmsKey> {
    let call = |operation| Call::new(Part::KmsKeys, Some(region), operation).on(&id);
    let described = client.describe_key().key_id(&id).send().await;
    let metadata = match tracker.observe(call("DescribeKey"), described) {
        Observed::Collected(output) => output.key_metadata,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let Some(metadata) = metadata else {
        let gap = super::gap(
            &call("DescribeKey"),
            "NoKeyMetadata",
            "no key metadata returned",
        );
        return Observed::Gap(Box::new(tracker.record(gap)));
    };
    let customer = metadata.key_manager == Some(KeyManagerType::Customer);
    let (rotation, policy) = if customer {
        let rotation = async {
            if !can_rotate(&metadata) {
                return None;
            }
            let result = client.get_key_rotation_status().key_id(&id).send().await;
            let observed = tracker.observe(call("GetKeyRotationStatus"), result);
            Some(observed.map(|o| o.key_rotation_enabled))
        };
        let policy = async {
            let result = client
                .get_key_policy()
                .key_id(&id)
                .policy_name("default")
                .send()
                .await;
            let observed = tracker.observe(call("GetKeyPolicy"), result);
            Some(observed.map(|o| o.policy.unwrap_or_default().into()))
        };
        tokio::join!(rotation, policy)
    } else {
        (None, None)
    };
    Observed::Collected(KmsKey {
        arn: metadata.arn.clone().unwrap_or_default(),
        manager: metadata
            .key_manager
            .as_ref()
            .map_or(String::new(), |m| m.as_str().to_string()),
        state: metadata
            .key_state
            .as_ref()
            .map_or(String::new(), |s| s.as_str().to_string()),
        spec: metadata
            .key_spec
            .as_ref()
            .map_or(String::new(), |s| s.as_str().to_string()),
        origin: metadata
            .origin
            .as_ref()
            .map_or(String::new(), |o| o.as_str().to_string()),
        deletion_date: metadata.deletion_date.as_ref().and_then(to_utc),
        rotation,
        policy,
        id,
    })
}

/// Automatic rotation exists only for symmetric encryption keys whose material KMS made,
/// and is not reported for keys on their way out ("Rotating AWS KMS keys", KMS developer
/// guide).
fn can_rotate(metadata: &KeyMetadata) -> bool {
    metadata.key_spec == Some(KeySpec::SymmetricDefault)
        && metadata.origin == Some(OriginType::AwsKms)
        && !matches!(
            metadata.key_state,
            Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
        )
}
