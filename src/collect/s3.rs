//! S3: the bucket list, every bucket's settings (read from the bucket's own region), and the
//! account-level Block Public Access.

use std::collections::{BTreeMap, HashMap};

use aws_config::{Region, SdkConfig};
use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{
    Account, AclGrant, Bucket, BucketAcl, BucketEncryptionRule, BucketVersioning, Observed,
    PublicAccessBlock, S3,
};

use super::{absent_on, maybe, to_utc, Call, Tracker};
use posture_rules::parts::Part;

/// How many buckets are read at once; each runs its seven calls concurrently. 32 × 7 = 224
/// requests in flight: 50 ms from AWS that is 4,480 a second, more than S3's pacing lets
/// through (2,000 per second per region), so distance does not slow a large account.
const BUCKET_CONCURRENCY: usize = 32;

pub async fn collect(config: &SdkConfig, account: &Account, tracker: &Tracker) -> S3 {
    let (buckets, account_public_access_block) = tokio::join!(
        tracker.part(
            Part::Buckets,
            "s3",
            buckets(config, &account.partition, tracker)
        ),
        tracker.part(
            Part::AccountPublicAccessBlock,
            "s3control",
            account_public_access_block(config, &account.id, tracker)
        ),
    );
    S3 {
        buckets,
        account_public_access_block,
    }
}

async fn account_public_access_block(
    config: &SdkConfig,
    account_id: &str,
    tracker: &Tracker,
) -> Observed<Option<PublicAccessBlock>> {
    let client = aws_sdk_s3control::Client::new(config);
    let result = absent_on(
        client
            .get_public_access_block()
            .account_id(account_id)
            .send()
            .await,
        &["NoSuchPublicAccessBlockConfiguration"],
    );
    tracker
        .observe(Call::new("s3control", None, "GetPublicAccessBlock"), result)
        .map(|output| {
            output
                .and_then(|o| o.public_access_block_configuration)
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls.unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
                    block_public_policy: c.block_public_policy.unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
                })
        })
}

async fn buckets(config: &SdkConfig, partition: &str, tracker: &Tracker) -> Observed<Vec<Bucket>> {
    let global = Client::new(config);
    let listed = global
        .list_buckets()
        // Without it ListBuckets stops at 10,000 buckets; with it, it pages past them.
        .max_buckets(10_000)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let listed = match tracker.observe(Call::new("s3", None, "ListBuckets"), listed) {
        Observed::Collected(listed) => listed,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    // Per-region clients, built once: bucket calls must go to the bucket's region.
    let clients: std::sync::Mutex<HashMap<String, Client>> = Default::default();
    let client_for = |region: &str| -> Client {
        let mut clients = clients.lock().expect("client cache lock poisoned");
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                Client::from_conf(
                    aws_sdk_s3::config::Builder::from(config)
                        .region(Region::new(region.to_string()))
                        .build(),
                )
            })
            .clone()
    };
    let buckets = stream::iter(listed)
        .map(|listed| {
            let global = &global;
            let client_for = &client_for;
            async move {
                let name = listed.name.clone().unwrap_or_default();
                let region = match listed.bucket_region.clone() {
                    Some(region) if !region.is_empty() => Observed::Collected(region),
                    _ => bucket_region(global, &name, tracker).await,
                };
                // Out of the regions asked for: not read (a bucket whose region is unknown
                // is read, so that its gap shows).
                if let Observed::Collected(region) = &region {
                    if !tracker.in_regions(region) {
                        return Err(region.clone());
                    }
                }
                let client = match &region {
                    Observed::Collected(region) => client_for(region),
                    Observed::Gap(_) => global.clone(),
                };
                Ok(collect_bucket(
                    &client,
                    partition,
                    name,
                    region,
                    listed.creation_date.as_ref().and_then(to_utc),
                    tracker,
                )
                .await)
            }
        })
        .buffer_unordered(BUCKET_CONCURRENCY)
        .collect::<Vec<Result<Bucket, String>>>()
        .await;
    let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
    for region in buckets.iter().filter_map(|b| b.as_ref().err()) {
        *left_out.entry(region.clone()).or_default() += 1;
    }
    if !left_out.is_empty() {
        let regions: Vec<String> = left_out.iter().map(|(r, n)| format!("{r} ({n})")).collect();
        let count: usize = left_out.values().sum();
        tracker.note(format!(
            "{count} bucket(s) in regions not scanned were left out: {}",
            regions.join(", ")
        ));
    }
    let mut buckets: Vec<Bucket> = buckets.into_iter().filter_map(Result::ok).collect();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    Observed::Collected(buckets)
}

async fn bucket_region(client: &Client, name: &str, tracker: &Tracker) -> Observed<String> {
    let result = client.get_bucket_location().bucket(name).send().await;
    tracker
        .observe(Call::new("s3", None, "GetBucketLocation").on(name), result)
        .map(
            |output| match output.location_constraint.as_ref().map(|c| c.as_str()) {
                // The API's legacy answers: empty for us-east-1, `EU` for eu-west-1.
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(region) => region.to_string(),
            },
        )
}

async fn collect_bucket(
    client: &Client,
    partition: &str,
    name: String,
    region: Observed<String>,
    created: Option<chrono::DateTime<chrono::Utc>>,
    tracker: &Tracker,
) -> Bucket {
    let region_name = region.as_ref().ok().map(String::as_str);
    let call = |operation| Call::new("s3", region_name, operation).on(&name);
    let (policy, acl, public_access_block, encryption, versioning, object_ownership, logging) = tokio::join!(
        maybe(
            tracker.wants(Part::BucketPolicy),
            client.get_bucket_policy().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketAcl),
            client.get_bucket_acl().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketPublicAccessBlock),
            client.get_public_access_block().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketEncryption),
            client.get_bucket_encryption().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketVersioning),
            client.get_bucket_versioning().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketOwnership),
            client.get_bucket_ownership_controls().bucket(&name).send()
        ),
        maybe(
            tracker.wants(Part::BucketLogging),
            client.get_bucket_logging().bucket(&name).send()
        ),
    );
    let policy = tracker
        .observe_configured(
            call("GetBucketPolicy"),
            Part::BucketPolicy,
            policy,
            &["NoSuchBucketPolicy"],
        )
        .map(|o| o.and_then(|o| o.policy).map(Into::into));
    let acl = tracker
        .observe_wanted(call("GetBucketAcl"), Part::BucketAcl, acl)
        .map(|o| BucketAcl {
            owner_id: o.owner.and_then(|owner| owner.id),
            grants: o
                .grants
                .unwrap_or_default()
                .into_iter()
                .map(|g| {
                    let grantee = g.grantee;
                    AclGrant {
                        grantee_type: grantee
                            .as_ref()
                            .map(|g| g.r#type.as_str().to_string())
                            .unwrap_or_default(),
                        grantee_uri: grantee.as_ref().and_then(|g| g.uri.clone()),
                        grantee_id: grantee.as_ref().and_then(|g| g.id.clone()),
                        permission: g
                            .permission
                            .map(|p| p.as_str().to_string())
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        });
    let public_access_block = tracker
        .observe_configured(
            call("GetPublicAccessBlock"),
            Part::BucketPublicAccessBlock,
            public_access_block,
            &["NoSuchPublicAccessBlockConfiguration"],
        )
        .map(|o| {
            o.and_then(|o| o.public_access_block_configuration)
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls.unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
                    block_public_policy: c.block_public_policy.unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
                })
        });
    let encryption = tracker
        .observe_configured(
            call("GetBucketEncryption"),
            Part::BucketEncryption,
            encryption,
            &["ServerSideEncryptionConfigurationNotFoundError"],
        )
        .map(|o| {
            o.and_then(|o| o.server_side_encryption_configuration)
                .map(|c| {
                    c.rules
                        .into_iter()
                        .filter_map(|rule| {
                            let bucket_key_enabled = rule.bucket_key_enabled.unwrap_or(false);
                            rule.apply_server_side_encryption_by_default.map(|d| {
                                BucketEncryptionRule {
                                    algorithm: d.sse_algorithm.as_str().to_string(),
                                    kms_key_id: d.kms_master_key_id,
                                    bucket_key_enabled,
                                }
                            })
                        })
                        .collect()
                })
        });
    let versioning = tracker
        .observe_wanted(
            call("GetBucketVersioning"),
            Part::BucketVersioning,
            versioning,
        )
        .map(|o| BucketVersioning {
            status: o.status.map(|s| s.as_str().to_string()),
            mfa_delete: o.mfa_delete.map(|s| s.as_str().to_string()),
        });
    let object_ownership = tracker
        .observe_configured(
            call("GetBucketOwnershipControls"),
            Part::BucketOwnership,
            object_ownership,
            &["OwnershipControlsNotFoundError"],
        )
        .map(|o| {
            o.and_then(|o| o.ownership_controls)
                .and_then(|c| c.rules.into_iter().next())
                .map(|r| r.object_ownership.as_str().to_string())
        });
    let logging_target = tracker
        .observe_wanted(call("GetBucketLogging"), Part::BucketLogging, logging)
        .map(|o| o.logging_enabled.map(|l| l.target_bucket));
    Bucket {
        arn: format!("arn:{partition}:s3:::{name}"),
        name: name.clone(),
        region,
        created,
        policy,
        acl,
        public_access_block,
        encryption,
        versioning,
        object_ownership,
        logging_target,
    }
}
