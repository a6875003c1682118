//! Audit logging: CloudTrail trails (listed in every region, each read in its home region)
//! and AWS Config recorders per region.

use aws_config::{Region, SdkConfig};
use aws_sdk_cloudtrail::types as trail_types;
use futures::stream::{self, StreamExt};
use posture_rules::model::{
    AdvancedEventSelector, ConfigRecorder, ConfigRegion, DataResource, EventSelector,
    EventSelectors, FieldSelector, Logging, Observed, Trail,
};
use posture_rules::parts::Part;

use super::{each_region, Call, Tracker, REGION_CONCURRENCY};

pub async fn collect(
    config: &SdkConfig,
    regions: &[String],
    account: &str,
    tracker: &Tracker,
) -> Logging {
    let sdk = config;
    let (trails, config) = tokio::join!(
        tracker.part(Part::Trails, trails(sdk, regions, tracker)),
        config_regions(sdk, regions, tracker),
    );
    let log_groups = match &trails {
        Observed::Collected(trails) if tracker.wants(Part::LogMetricAlarms) => {
            super::monitoring::log_groups(sdk, trails, account, tracker).await
        }
        _ => Vec::new(),
    };
    Logging {
        trails,
        config,
        log_groups,
    }
}

fn cloudtrail(config: &SdkConfig, region: &str) -> aws_sdk_cloudtrail::Client {
    aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    )
}

/// Every trail that logs one of the regions, once. A region whose list cannot be read
/// makes the whole list a gap: a trail of that region would be missing without a word.
async fn trails(config: &SdkConfig, regions: &[String], tracker: &Tracker) -> Observed<Vec<Trail>> {
    let listed: Vec<Observed<Vec<trail_types::Trail>>> = stream::iter(regions)
        .map(|region| async move {
            let result = cloudtrail(config, region)
                .describe_trails()
                .include_shadow_trails(true)
                .send()
                .await
                .map(|o| o.trail_list.unwrap_or_default());
            tracker.observe(
                Call::new(Part::Trails, Some(region), "DescribeTrails"),
                result,
            )
        })
        .buffer_unordered(REGION_CONCURRENCY)
        .collect()
        .await;
    let mut unique: Vec<trail_types::Trail> = Vec::new();
    for observed in listed {
        match observed {
            Observed::Collected(trails) => {
                for trail in trails {
                    if !unique.iter().any(|t| t.trail_arn == trail.trail_arn) {
                        unique.push(trail);
                    }
                }
            }
            Observed::Gap(gap) => return Observed::Gap(gap),
        }
    }
    let trails = stream::iter(unique)
        .filter_map(|t| async move { read_trail(config, t, tracker).await })
        .collect::<Vec<_>>()
        .await;
    let mut trails = trails;
    trails.sort_by(|a, b| a.arn.cmp(&b.arn));
    Observed::Collected(trails)
}

/// The trail with its status and selectors, read in its home region (where CloudTrail
/// answers for it). `None` for an entry without an ARN, which names nothing to read.
async fn read_trail(
    config: &SdkConfig,
    trail: trail_types::Trail,
    tracker: &Tracker,
) -> Option<Trail> {
    let arn = trail.trail_arn?;
    let home_region = trail.home_region.unwrap_or_default();
    let client = cloudtrail(config, &home_region);
    let call = |operation| Call::new(Part::Trails, Some(&home_region), operation).on(&arn);
    let (status, selectors) = tokio::join!(
        client.get_trail_status().name(&arn).send(),
        client.get_event_selectors().trail_name(&arn).send(),
    );
    let logging = tracker
        .observe(call("GetTrailStatus"), status)
        .map(|o| o.is_logging.unwrap_or(false));
    let selectors = tracker
        .observe(call("GetEventSelectors"), selectors)
        .map(|o| EventSelectors {
            basic: o
                .event_selectors
                .unwrap_or_default()
                .into_iter()
                .map(basic)
                .collect(),
            advanced: o
                .advanced_event_selectors
                .unwrap_or_default()
                .into_iter()
                .map(advanced)
                .collect(),
        });
    Some(Trail {
        name: trail.name.unwrap_or_default(),
        home_region,
        multi_region: trail.is_multi_region_trail.unwrap_or(false),
        organization_trail: trail.is_organization_trail.unwrap_or(false),
        s3_bucket: trail.s3_bucket_name,
        log_file_validation: trail.log_file_validation_enabled.unwrap_or(false),
        kms_key_id: trail.kms_key_id,
        cloudwatch_logs_group_arn: trail.cloud_watch_logs_log_group_arn,
        logging,
        selectors,
        arn,
    })
}

fn basic(selector: trail_types::EventSelector) -> EventSelector {
    EventSelector {
        // CloudTrail's default when the field is absent.
        read_write_type: selector
            .read_write_type
            .map_or("All".to_string(), |t| t.as_str().to_string()),
        include_management_events: selector.include_management_events.unwrap_or(true),
        data_resources: selector
            .data_resources
            .unwrap_or_default()
            .into_iter()
            .map(|r| DataResource {
                resource_type: r.r#type.unwrap_or_default(),
                values: r.values.unwrap_or_default(),
            })
            .collect(),
        exclude_management_event_sources: selector
            .exclude_management_event_sources
            .unwrap_or_default(),
    }
}

fn advanced(selector: trail_types::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: selector.name,
        field_selectors: selector
            .field_selectors
            .into_iter()
            .map(|f| FieldSelector {
                field: f.field,
                equals: f.equals.unwrap_or_default(),
                starts_with: f.starts_with.unwrap_or_default(),
                ends_with: f.ends_with.unwrap_or_default(),
                not_equals: f.not_equals.unwrap_or_default(),
                not_starts_with: f.not_starts_with.unwrap_or_default(),
                not_ends_with: f.not_ends_with.unwrap_or_default(),
            })
            .collect(),
    }
}

/// AWS Config in every region, in the regions' order.
async fn config_regions(
    config: &SdkConfig,
    regions: &[String],
    tracker: &Tracker,
) -> Vec<ConfigRegion> {
    let read = each_region(regions, tracker, Part::ConfigRecorders, |region| {
        recorders(config, region, tracker)
    });
    (read.await.into_iter())
        .map(|(region, recorders)| ConfigRegion { region, recorders })
        .collect()
}

/// The region's recorders with their status; either call failing makes them a gap.
async fn recorders(
    config: &SdkConfig,
    region: &str,
    tracker: &Tracker,
) -> Observed<Vec<ConfigRecorder>> {
    let client = aws_sdk_config::Client::from_conf(
        aws_sdk_config::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let call = |operation| Call::new(Part::ConfigRecorders, Some(region), operation);
    let (recorders, statuses) = tokio::join!(
        client.describe_configuration_recorders().send(),
        client.describe_configuration_recorder_status().send(),
    );
    let recorders = tracker.observe(call("DescribeConfigurationRecorders"), recorders);
    let statuses = tracker.observe(call("DescribeConfigurationRecorderStatus"), statuses);
    let (recorders, statuses) = match (recorders, statuses) {
        (Observed::Collected(r), Observed::Collected(s)) => (r, s),
        (Observed::Gap(gap), _) | (_, Observed::Gap(gap)) => return Observed::Gap(gap),
    };
    let statuses = statuses.configuration_recorders_status.unwrap_or_default();
    let recorders = recorders.configuration_recorders.unwrap_or_default();
    Observed::Collected(
        recorders
            .into_iter()
            .map(|recorder| {
                let name = recorder.name.unwrap_or_default();
                let status = statuses.iter().find(|s| s.name.as_deref() == Some(&name));
                let group = recorder.recording_group;
                ConfigRecorder {
                    all_supported: group.as_ref().is_some_and(|g| g.all_supported),
                    include_global_resource_types: group
                        .as_ref()
                        .is_some_and(|g| g.include_global_resource_types),
                    recording: status.map(|s| s.recording),
                    last_status: status
                        .and_then(|s| s.last_status.as_ref())
                        .map(|s| s.as_str().to_string()),
                    name,
                }
            })
            .collect(),
    )
}
