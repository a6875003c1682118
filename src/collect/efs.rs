//! EFS: the file systems of every region.

use aws_config::{Region, SdkConfig};
use futures::stream::{self, StreamExt};
use posture_rules::model::{EfsRegion, FileSystem, Observed};
use posture_rules::parts::{not_collected, Part};

use super::{Call, Tracker};

/// How many regions are read at once.
const REGION_CONCURRENCY: usize = 8;

/// The largest page `DescribeFileSystems` returns.
const PAGE: i32 = 100;

pub async fn collect(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Vec<EfsRegion> {
    let mut read: Vec<EfsRegion> = stream::iter(regions)
        .map(|region| async move {
            let file_systems = if tracker.wants(Part::EfsFileSystems) {
                file_systems(config, region, tracker).await
            } else {
                let mut gap = not_collected("elasticfilesystem", Part::EfsFileSystems);
                gap.region = Some(region.clone());
                Observed::Gap(Box::new(gap))
            };
            EfsRegion {
                region: region.clone(),
                file_systems,
            }
        })
        .buffer_unordered(REGION_CONCURRENCY)
        .collect()
        .await;
    read.sort_by(|a, b| a.region.cmp(&b.region));
    read
}

async fn file_systems(
    config: &SdkConfig,
    region: &str,
    tracker: &Tracker,
) -> Observed<Vec<FileSystem>> {
    let client = aws_sdk_efs::Client::from_conf(
        aws_sdk_efs::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let listed = client
        .describe_file_systems()
        .max_items(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new("elasticfilesystem", Some(region), "DescribeFileSystems");
    tracker.observe(call, listed).map(|file_systems| {
        file_systems
            .into_iter()
            .map(|fs| FileSystem {
                arn: fs.file_system_arn.unwrap_or_default(),
                name: fs.name,
                encrypted: fs.encrypted.unwrap_or(false),
                kms_key_id: fs.kms_key_id,
                id: fs.file_system_id,
            })
            .collect()
    })
}
