//! Audit logging: CloudTrail trails with their selectors, AWS Config recorders, and the
//! metric filters, alarms and subscribers the monitoring rules follow.

use serde::{Deserialize, Serialize};

use super::{Gap, Observed};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logging {
    /// Every trail that logs a scanned region: cloudtrail:DescribeTrails in each region
    /// (shadow trails included), one entry per trail ARN.
    pub trails: Observed<Vec<Trail>>,
    /// AWS Config in each scanned region; a region missing here was not read.
    #[serde(default)]
    pub config: Vec<ConfigRegion>,
    /// The CloudWatch Logs groups the account's own trails deliver to, with their metric
    /// filters and the alarms on them; a group missing here was not read.
    #[serde(default)]
    pub log_groups: Vec<LogGroupMonitoring>,
}

/// A log group a trail delivers to, and what alarms on its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroupMonitoring {
    /// The group's ARN as the trail names it.
    pub arn: String,
    pub region: String,
    pub name: String,
    /// logs:DescribeMetricFilters of the group.
    pub metric_filters: Observed<Vec<MetricFilter>>,
    /// cloudwatch:DescribeAlarms of the region: the alarms on a metric of these filters.
    pub alarms: Observed<Vec<MetricAlarm>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub name: String,
    pub pattern: String,
    /// The metrics it publishes to.
    pub metrics: Vec<MetricId>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MetricId {
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub name: String,
    pub arn: String,
    pub metric: MetricId,
    pub actions_enabled: bool,
    /// The SNS topics among its alarm actions.
    pub topics: Vec<AlarmTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmTopic {
    pub arn: String,
    /// sns:ListSubscriptionsByTopic: the confirmed subscriptions' endpoints
    /// ("email:secops@example.com"); a pending confirmation notifies nobody.
    pub subscribers: Observed<Vec<String>>,
}

impl Default for Logging {
    fn default() -> Logging {
        let gap = |operation: &str, service: &str| Gap {
            service: service.to_string(),
            region: None,
            operation: operation.to_string(),
            resource: None,
            error_code: "NotCollected".to_string(),
            message: "the snapshot was made by a version of posture that did not read it"
                .to_string(),
            account: None,
        };
        Logging {
            trails: Observed::Gap(Box::new(gap("DescribeTrails", "cloudtrail"))),
            config: Vec::new(),
            log_groups: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    /// The region the trail was created in; its status and selectors are read there.
    pub home_region: String,
    pub multi_region: bool,
    /// A trail of the organization's management account, logging this account too.
    pub organization_trail: bool,
    pub s3_bucket: Option<String>,
    pub log_file_validation: bool,
    /// The KMS key that encrypts the log files; `None`: S3's own encryption only.
    pub kms_key_id: Option<String>,
    pub cloudwatch_logs_group_arn: Option<String>,
    /// cloudtrail:GetTrailStatus `IsLogging`.
    pub logging: Observed<bool>,
    /// cloudtrail:GetEventSelectors.
    pub selectors: Observed<EventSelectors>,
}

/// What a trail records: basic selectors, or advanced ones (a trail has one kind or the
/// other; with neither, CloudTrail records every management event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelectors {
    pub basic: Vec<EventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: String,
    pub include_management_events: bool,
    pub data_resources: Vec<DataResource>,
    /// Event sources left out of management events (`kms.amazonaws.com`...).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`...
    pub resource_type: String,
    /// ARN prefixes: `arn:aws:s3` is every bucket, `arn:aws:s3:::bucket/` one bucket.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// One condition of an advanced selector; an event is recorded when it meets every
/// condition of some selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `readOnly`, `resources.ARN`, `eventSource`...
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

/// AWS Config in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigRegion {
    pub region: String,
    /// config:DescribeConfigurationRecorders with each recorder's status.
    pub recorders: Observed<Vec<ConfigRecorder>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    /// `recordingGroup.allSupported`: every resource type the region supports.
    pub all_supported: bool,
    /// `recordingGroup.includeGlobalResourceTypes` (IAM and other global types).
    pub include_global_resource_types: bool,
    /// config:DescribeConfigurationRecorderStatus `recording`; `None` when the status
    /// named no such recorder.
    pub recording: Option<bool>,
    /// The last status (`SUCCESS`, `FAILURE`, `PENDING`).
    pub last_status: Option<String>,
}
