//! EFS: the file systems of every region.

use aws_config::{Region, SdkConfig};
use posture_rules::model::{EfsRegion, FileSystem, Observed};
use posture_rules::parts::Part;

use super::{each_region, Call, Tracker};

/// The largest page `DescribeFileSystems` returns.
const PAGE: i32 = 100;

pub async fn collect(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Vec<EfsRegion> {
    let read = each_region(regions, tracker, Part::EfsFileSystems, |region| {
        file_systems(config, region, tracker)
    });
    (read.await.into_iter())
        .map(|(region, file_systems)| EfsRegion {
            region,
            file_systems,
        })
        .collect()
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
    let call = Call::new(Part::EfsFileSystems, Some(region), "DescribeFileSystems");
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
