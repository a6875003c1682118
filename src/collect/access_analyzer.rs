//! IAM Access Analyzer: the analyzers of every region.

use aws_config::{Region, SdkConfig};
use futures::stream::{self, StreamExt};
use posture_rules::model::{Analyzer, AnalyzerRegion, Observed};
use posture_rules::parts::{not_collected, Part};

use super::{Call, Tracker};

/// How many regions are read at once (one call each, rarely more than one page).
const REGION_CONCURRENCY: usize = 8;

pub async fn collect(
    config: &SdkConfig,
    regions: &[String],
    tracker: &Tracker,
) -> Vec<AnalyzerRegion> {
    let mut read: Vec<AnalyzerRegion> = stream::iter(regions)
        .map(|region| async move {
            let analyzers = if tracker.wants(Part::AccessAnalyzers) {
                analyzers(config, region, tracker).await
            } else {
                let mut gap = not_collected("access-analyzer", Part::AccessAnalyzers);
                gap.region = Some(region.clone());
                Observed::Gap(Box::new(gap))
            };
            AnalyzerRegion {
                region: region.clone(),
                analyzers,
            }
        })
        .buffer_unordered(REGION_CONCURRENCY)
        .collect()
        .await;
    read.sort_by(|a, b| a.region.cmp(&b.region));
    read
}

async fn analyzers(config: &SdkConfig, region: &str, tracker: &Tracker) -> Observed<Vec<Analyzer>> {
    let client = aws_sdk_accessanalyzer::Client::from_conf(
        aws_sdk_accessanalyzer::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let listed = client
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new("access-analyzer", Some(region), "ListAnalyzers");
    tracker.observe(call, listed).map(|analyzers| {
        analyzers
            .into_iter()
            .map(|a| Analyzer {
                kind: a.r#type.as_str().to_string(),
                status: a.status.as_str().to_string(),
                name: a.name,
                arn: a.arn,
            })
            .collect()
    })
}
