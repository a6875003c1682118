//! S3: the bucket list, every bucket's settings (read from the bucket's own region), and the
//! account-level Block Public Access.

use std::collections::{BTreeMap, HashMap};

use aws_config::{Region, SdkConfig};
use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;
use aws_sdk_s3::types::{Bucket as ListedBucket, ServerSideEncryptionRule};
use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use posture_rules::model::{
    Account, AclGrant, Bucket, BucketAcl, BucketEncryptionRule, BucketVersioning, Observed,
    PublicAccessBlock, S3,
};

use super::{to_utc, Call, Tracker};
use posture_rules::parts::Part;

/// How many buckets are read at once; each runs its seven calls concurrently. 32 × 7 = 224
/// requests in flight: 50 ms from AWS that is 4,480 a second, more than S3's pacing lets
/// through (2,000 per second per region), so distance does not slow a large account.
const BUCKET_CONCURRENCY: usize = 32;

pub async fn collect(config: &SdkConfig, account: &Account, tracker: &Tracker) -> S3 {
    let (buckets, account_public_access_block) = tokio::join!(
        tracker.part(Part::Buckets, buckets(config, &account.partition, tracker)),
        account_public_access_block(config, &account.id, tracker),
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
    let request = client
        .get_public_access_block()
        .account_id(account_id)
        .send();
    let call = Call::new(Part::AccountPublicAccessBlock, None, "GetPublicAccessBlock");
    let not_configured = ["NoSuchPublicAccessBlockConfiguration"];
    let read = tracker
        .read_configured(call, request, &not_configured)
        .await;
    read.map(|output| {
        let c = output.and_then(|o| o.public_access_block_configuration)?;
        Some(block_public_access([
            c.block_public_acls,
            c.ignore_public_acls,
            c.block_public_policy,
            c.restrict_public_buckets,
        ]))
    })
}

/// Block Public Access from its four settings as S3 and S3 Control both order them: block
/// public ACLs, ignore public ACLs, block public policy, restrict public buckets.
fn block_public_access(settings: [Option<bool>; 4]) -> PublicAccessBlock {
    let [block_acls, ignore_acls, block_policy, restrict] = settings.map(|s| s.unwrap_or(false));
    PublicAccessBlock {
        block_public_acls: block_acls,
        ignore_public_acls: ignore_acls,
        block_public_policy: block_policy,
        restrict_public_buckets: restrict,
    }
}

/// Every bucket of the regions read, with its settings, sorted by name; a note says how
/// many buckets of other regions were left out.
async fn buckets(config: &SdkConfig, partition: &str, tracker: &Tracker) -> Observed<Vec<Bucket>> {
    let global = Client::new(config);
    let listed = match list_buckets(&global, tracker).await {
        Observed::Collected(listed) => listed,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let clients = RegionalClients {
        config,
        global,
        built: Default::default(),
    };
    let read = stream::iter(listed)
        .map(|listed| read_bucket(&clients, partition, listed, tracker))
        .buffer_unordered(BUCKET_CONCURRENCY)
        .collect::<Vec<Result<Bucket, String>>>()
        .await;
    note_left_out(&read, tracker);
    let mut buckets: Vec<Bucket> = read.into_iter().filter_map(Result::ok).collect();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    Observed::Collected(buckets)
}

async fn list_buckets(client: &Client, tracker: &Tracker) -> Observed<Vec<ListedBucket>> {
    let listed = client
        .list_buckets()
        // Without it ListBuckets stops at 10,000 buckets; with it, it pages past them.
        .max_buckets(10_000)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    tracker
        .read(Call::new(Part::Buckets, None, "ListBuckets"), listed)
        .await
}

/// Per-region clients, each built once: bucket calls must go to the bucket's region.
struct RegionalClients<'a> {
    config: &'a SdkConfig,
    /// For a bucket whose region is unknown.
    global: Client,
    built: std::sync::Mutex<HashMap<String, Client>>,
}

impl RegionalClients<'_> {
    fn of(&self, region: &Observed<String>) -> Client {
        let Observed::Collected(region) = region else {
            return self.global.clone();
        };
        let mut built = self.built.lock().expect("client cache lock poisoned");
        let build = || {
            let config = aws_sdk_s3::config::Builder::from(self.config);
            Client::from_conf(config.region(Region::new(region.clone())).build())
        };
        built.entry(region.clone()).or_insert_with(build).clone()
    }
}

/// The listed bucket read in its region, or the region it is in when that region is not
/// among those asked for (a bucket whose region is unknown is read, so that its gap shows).
async fn read_bucket(
    clients: &RegionalClients<'_>,
    partition: &str,
    listed: ListedBucket,
    tracker: &Tracker,
) -> Result<Bucket, String> {
    let name = listed.name.unwrap_or_default();
    let region = match listed.bucket_region {
        Some(region) if !region.is_empty() => Observed::Collected(region),
        _ => bucket_region(&clients.global, &name, tracker).await,
    };
    if let Observed::Collected(region) = &region {
        if !tracker.in_regions(region) {
            return Err(region.clone());
        }
    }
    let created = listed.creation_date.as_ref().and_then(to_utc);
    let client = clients.of(&region);
    Ok(collect_bucket(&client, partition, name, region, created, tracker).await)
}

/// Notes how many buckets of each region not scanned were left out, if any.
fn note_left_out(read: &[Result<Bucket, String>], tracker: &Tracker) {
    let mut left_out: BTreeMap<&str, usize> = BTreeMap::new();
    for region in read.iter().filter_map(|b| b.as_ref().err()) {
        *left_out.entry(region).or_default() += 1;
    }
    if left_out.is_empty() {
        return;
    }
    let regions: Vec<String> = left_out.iter().map(|(r, n)| format!("{r} ({n})")).collect();
    let count: usize = left_out.values().sum();
    tracker.note(format!(
        "{count} bucket(s) in regions not scanned were left out: {}",
        regions.join(", ")
    ));
}

async fn bucket_region(client: &Client, name: &str, tracker: &Tracker) -> Observed<String> {
    let result = client.get_bucket_location().bucket(name).send().await;
    let call = Call::new(Part::Buckets, None, "GetBucketLocation").on(name);
    tracker.observe(call, result).map(|output| {
        match output.location_constraint.as_ref().map(|c| c.as_str()) {
            // The API's legacy answers: empty for us-east-1, `EU` for eu-west-1.
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(region) => region.to_string(),
        }
    })
}

/// The bucket's settings, each read when its part is wanted.
async fn collect_bucket(
    client: &Client,
    partition: &str,
    name: String,
    region: Observed<String>,
    created: Option<chrono::DateTime<chrono::Utc>>,
    tracker: &Tracker,
) -> Bucket {
    let region_name = region.as_ref().ok().map(String::as_str);
    let call = |part| Call::of(part, region_name).on(&name);
    let (policy, acl, block, encryption, versioning, ownership, logging) = tokio::join!(
        tracker.read_configured(
            call(Part::BucketPolicy),
            client.get_bucket_policy().bucket(&name).send(),
            &["NoSuchBucketPolicy"],
        ),
        tracker.read(
            call(Part::BucketAcl),
            client.get_bucket_acl().bucket(&name).send()
        ),
        tracker.read_configured(
            call(Part::BucketPublicAccessBlock),
            client.get_public_access_block().bucket(&name).send(),
            &["NoSuchPublicAccessBlockConfiguration"],
        ),
        tracker.read_configured(
            call(Part::BucketEncryption),
            client.get_bucket_encryption().bucket(&name).send(),
            &["ServerSideEncryptionConfigurationNotFoundError"],
        ),
        tracker.read(
            call(Part::BucketVersioning),
            client.get_bucket_versioning().bucket(&name).send(),
        ),
        tracker.read_configured(
            call(Part::BucketOwnership),
            client.get_bucket_ownership_controls().bucket(&name).send(),
            &["OwnershipControlsNotFoundError"],
        ),
        tracker.read(
            call(Part::BucketLogging),
            client.get_bucket_logging().bucket(&name).send()
        ),
    );
    Bucket {
        arn: format!("arn:{partition}:s3:::{name}"),
        name: name.clone(),
        region,
        created,
        policy: policy.map(|o| o.and_then(|o| o.policy).map(Into::into)),
        acl: acl.map(bucket_acl),
        public_access_block: block.map(bucket_public_access_block),
        encryption: encryption.map(|o| {
            let c = o.and_then(|o| o.server_side_encryption_configuration)?;
            Some(c.rules.into_iter().filter_map(encryption_rule).collect())
        }),
        versioning: versioning.map(|o| BucketVersioning {
            status: o.status.map(|s| s.as_str().to_string()),
            mfa_delete: o.mfa_delete.map(|s| s.as_str().to_string()),
        }),
        object_ownership: ownership.map(|o| {
            let rule = o
                .and_then(|o| o.ownership_controls)?
                .rules
                .into_iter()
                .next();
            rule.map(|r| r.object_ownership.as_str().to_string())
        }),
        logging_target: logging.map(|o| o.logging_enabled.map(|l| l.target_bucket)),
    }
}

fn bucket_public_access_block(
    output: Option<GetPublicAccessBlockOutput>,
) -> Option<PublicAccessBlock> {
    let c = output.and_then(|o| o.public_access_block_configuration)?;
    Some(block_public_access([
        c.block_public_acls,
        c.ignore_public_acls,
        c.block_public_policy,
        c.restrict_public_buckets,
    ]))
}

fn bucket_acl(acl: GetBucketAclOutput) -> BucketAcl {
    BucketAcl {
        owner_id: acl.owner.and_then(|owner| owner.id),
        grants: (acl.grants.unwrap_or_default().into_iter())
            .map(|g| {
                let grantee = g.grantee;
                AclGrant {
                    grantee_type: (grantee.as_ref())
                        .map(|g| g.r#type.as_str().to_string())
                        .unwrap_or_default(),
                    grantee_uri: grantee.as_ref().and_then(|g| g.uri.clone()),
                    grantee_id: grantee.as_ref().and_then(|g| g.id.clone()),
                    permission: (g.permission)
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                }
            })
            .collect(),
    }
}

/// A default encryption rule; `None` for one that sets no default.
fn encryption_rule(rule: ServerSideEncryptionRule) -> Option<BucketEncryptionRule> {
    let bucket_key_enabled = rule.bucket_key_enabled.unwrap_or(false);
    let default = rule.apply_server_side_encryption_by_default?;
    Some(BucketEncryptionRule {
        algorithm: default.sse_algorithm.as_str().to_string(),
        kms_key_id: default.kms_master_key_id,
        bucket_key_enabled,
    })
}
