//! IAM Access Analyzer: the analyzers of every region.

use aws_config::{Region, SdkConfig};
use posture_rules::model::{Analyzer, AnalyzerRegion, Observed};
use posture_rules::parts::Part;

use super::{each_region, Call, Tracker};

pub async fn collect(
    config: &SdkConfig,
    regions: &[String],
    tracker: &Tracker,
) -> Vec<AnalyzerRegion> {
    let read = each_region(regions, tracker, Part::AccessAnalyzers, |region| {
        analyzers(config, region, tracker)
    });
    (read.await.into_iter())
        .map(|(region, analyzers)| AnalyzerRegion { region, analyzers })
        .collect()
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
    let call = Call::new(Part::AccessAnalyzers, Some(region), "ListAnalyzers");
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
