//! What alarms on the account's CloudTrail events: the metric filters of each log group
//! its own trails deliver to, the alarms of that group's region on their metrics, and the
//! confirmed subscribers of those alarms' SNS topics. Each region's alarms and each topic
//! are read once, however many groups and alarms share them.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::{Region, SdkConfig};
use futures::future::join_all;
use posture_rules::model::{
    AlarmTopic, LogGroupMonitoring, MetricAlarm, MetricFilter, MetricId, Observed, Trail,
};
use posture_rules::parts::Part;

use super::{Call, Tracker};

/// The largest page `DescribeAlarms` returns.
const ALARM_PAGE: i32 = 100;

/// The groups the account's own trails deliver to, each read with its alarms.
pub async fn log_groups(
    config: &SdkConfig,
    trails: &[Trail],
    account: &str,
    tracker: &Tracker,
) -> Vec<LogGroupMonitoring> {
    let groups: BTreeSet<(String, String, String)> = (trails.iter())
        .filter_map(|t| t.cloudwatch_logs_group_arn.as_deref())
        .filter_map(|arn| parse_group(arn, account))
        .collect();
    let regions: BTreeSet<&str> = groups
        .iter()
        .map(|(_, region, _)| region.as_str())
        .collect();
    let alarms: BTreeMap<&str, Observed<Vec<RawAlarm>>> = join_all(
        (regions.iter())
            .map(|region| async move { (*region, alarms(config, region, tracker).await) }),
    )
    .await
    .into_iter()
    .collect();
    let filters = join_all(
        groups
            .iter()
            .map(|(_, region, name)| metric_filters(config, region, name, tracker)),
    )
    .await;
    let topics: BTreeSet<&str> = (alarms.values())
        .filter_map(|a| a.as_ref().ok())
        .flatten()
        .flat_map(|a| a.topics.iter().map(String::as_str))
        .collect();
    let subscribers: BTreeMap<&str, Observed<Vec<String>>> = join_all(
        (topics.iter())
            .map(|topic| async move { (*topic, subscribers(config, topic, tracker).await) }),
    )
    .await
    .into_iter()
    .collect();
    (groups.iter().zip(filters))
        .map(|((arn, region, name), metric_filters)| {
            let alarms = alarms_of(&alarms[region.as_str()], &metric_filters, &subscribers);
            LogGroupMonitoring {
                arn: arn.clone(),
                region: region.clone(),
                name: name.clone(),
                metric_filters,
                alarms,
            }
        })
        .collect()
}

/// (ARN, region, name) of a log group ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`) in this account; another account's
/// group cannot be read by this scan.
fn parse_group(arn: &str, account: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [_, _, "logs", region, owner, "log-group", rest] = parts.as_slice() else {
        return None;
    };
    if *owner != account {
        return None;
    }
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    Some((arn.to_string(), region.to_string(), name.to_string()))
}

async fn metric_filters(
    config: &SdkConfig,
    region: &str,
    group: &str,
    tracker: &Tracker,
) -> Observed<Vec<MetricFilter>> {
    let client = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let read = (client.describe_metric_filters().log_group_name(group))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new(Part::LogMetricAlarms, Some(region), "DescribeMetricFilters").on(group);
    tracker.observe(call, read).map(|pages| {
        (pages.into_iter())
            .flat_map(|page| page.metric_filters.unwrap_or_default())
            .map(|filter| MetricFilter {
                name: filter.filter_name.unwrap_or_default(),
                pattern: filter.filter_pattern.unwrap_or_default(),
                metrics: (filter
                    .metric_transformations
                    .unwrap_or_default()
                    .into_iter())
                .map(|m| MetricId {
                    namespace: m.metric_namespace,
                    name: m.metric_name,
                })
                .collect(),
            })
            .collect()
    })
}

/// A metric alarm as read, its topics not yet resolved.
struct RawAlarm {
    name: String,
    arn: String,
    metric: MetricId,
    actions_enabled: bool,
    topics: Vec<String>,
}

/// The region's metric alarms on a single metric (alarms on metric math are left out:
/// they name no one metric).
async fn alarms(config: &SdkConfig, region: &str, tracker: &Tracker) -> Observed<Vec<RawAlarm>> {
    let client = aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .build(),
    );
    let read = (client.describe_alarms().max_records(ALARM_PAGE))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new(Part::LogMetricAlarms, Some(region), "DescribeAlarms");
    tracker.observe(call, read).map(|pages| {
        (pages.into_iter())
            .flat_map(|page| page.metric_alarms.unwrap_or_default())
            .filter_map(|alarm| {
                let metric = MetricId {
                    namespace: alarm.namespace?,
                    name: alarm.metric_name?,
                };
                Some(RawAlarm {
                    name: alarm.alarm_name.unwrap_or_default(),
                    arn: alarm.alarm_arn.unwrap_or_default(),
                    metric,
                    actions_enabled: alarm.actions_enabled.unwrap_or(false),
                    topics: (alarm.alarm_actions.unwrap_or_default().into_iter())
                        .filter(|action| action.split(':').nth(2) == Some("sns"))
                        .collect(),
                })
            })
            .collect()
    })
}

/// The confirmed subscriptions of a topic, read in the topic's region.
async fn subscribers(config: &SdkConfig, topic: &str, tracker: &Tracker) -> Observed<Vec<String>> {
    let region = topic.split(':').nth(3).unwrap_or_default().to_string();
    let client = aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::config::Builder::from(config)
            .region(Region::new(region.clone()))
            .build(),
    );
    let read = (client.list_subscriptions_by_topic().topic_arn(topic))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    let call = Call::new(
        Part::LogMetricAlarms,
        Some(&region),
        "ListSubscriptionsByTopic",
    )
    .on(topic);
    tracker.observe(call, read).map(|pages| {
        (pages.into_iter())
            .flat_map(|page| page.subscriptions.unwrap_or_default())
            // A pending or deleted subscription has a word, not an ARN.
            .filter(|s| {
                s.subscription_arn
                    .as_deref()
                    .is_some_and(|a| a.starts_with("arn:"))
            })
            .map(|s| {
                let protocol = s.protocol.unwrap_or_default();
                format!("{protocol}:{}", s.endpoint.unwrap_or_default())
            })
            .collect()
    })
}

/// The region's alarms on a metric of these filters, with their topics' subscribers.
fn alarms_of(
    region: &Observed<Vec<RawAlarm>>,
    filters: &Observed<Vec<MetricFilter>>,
    subscribers: &BTreeMap<&str, Observed<Vec<String>>>,
) -> Observed<Vec<MetricAlarm>> {
    let alarms = match region.as_ref() {
        Ok(alarms) => alarms,
        Err(gap) => return Observed::Gap(Box::new(gap.clone())),
    };
    let metrics: BTreeSet<&MetricId> = match filters.as_ref() {
        Ok(filters) => filters.iter().flat_map(|f| &f.metrics).collect(),
        Err(_) => BTreeSet::new(),
    };
    Observed::Collected(
        (alarms.iter())
            .filter(|a| metrics.contains(&a.metric))
            .map(|a| MetricAlarm {
                name: a.name.clone(),
                arn: a.arn.clone(),
                metric: a.metric.clone(),
                actions_enabled: a.actions_enabled,
                topics: (a.topics.iter())
                    .map(|topic| AlarmTopic {
                        arn: topic.clone(),
                        subscribers: subscribers[topic.as_str()].clone(),
                    })
                    .collect(),
            })
            .collect(),
    )
}
