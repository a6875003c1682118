//! Audit logging against moto: CloudTrail trails (multi-region and regional, basic and
//! advanced selectors) and AWS Config recorders, read by the real binary; and a trail
//! whose selectors cannot be read makes its rules `unknown`, never `pass`.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};

use crate::status;
use crate::support::{finding, json_report, posture, stderr, FaultProxy, Moto, ACCOUNT_ID};

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

async fn bucket(moto: &Moto, name: &str) {
    moto.s3("us-east-1")
        .create_bucket()
        .bucket(name)
        .send()
        .await
        .unwrap();
}

/// An account-wide trail in us-east-1 that records every management event and the writes
/// to `data-lake`, and a regional trail in eu-west-1 that is stopped, unvalidated and
/// unencrypted, recording reads of every bucket through an advanced selector.
async fn trails(moto: &Moto) {
    let east = moto.cloudtrail("us-east-1");
    east.create_trail()
        .name("account")
        .s3_bucket_name("trail-logs")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .kms_key_id(format!("arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/trail"))
        .send()
        .await
        .unwrap();
    east.start_logging().name("account").send().await.unwrap();
    let management = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(true)
        .build();
    let writes_to_the_lake = EventSelector::builder()
        .read_write_type(ReadWriteType::WriteOnly)
        .include_management_events(false)
        .data_resources(
            DataResource::builder()
                .r#type("AWS::S3::Object")
                .values("arn:aws:s3:::data-lake/")
                .build(),
        )
        .build();
    east.put_event_selectors()
        .trail_name("account")
        .event_selectors(management)
        .event_selectors(writes_to_the_lake)
        .send()
        .await
        .unwrap();

    let west = moto.cloudtrail("eu-west-1");
    west.create_trail()
        .name("regional")
        .s3_bucket_name("trail-logs")
        .send()
        .await
        .unwrap();
    let field = |name: &str, value: &str| {
        AdvancedFieldSelector::builder()
            .field(name)
            .equals(value)
            .build()
            .unwrap()
    };
    let reads_of_every_bucket = AdvancedEventSelector::builder()
        .name("object reads")
        .field_selectors(field("eventCategory", "Data"))
        .field_selectors(field("resources.type", "AWS::S3::Object"))
        .field_selectors(field("readOnly", "true"))
        .build()
        .unwrap();
    west.put_event_selectors()
        .trail_name("regional")
        .advanced_event_selectors(reads_of_every_bucket)
        .send()
        .await
        .unwrap();
}

/// A recorder of every resource type, recording, in us-east-1; none in eu-west-1.
async fn recorder(moto: &Moto) {
    let config = moto.config("us-east-1");
    let group = RecordingGroup::builder()
        .all_supported(true)
        .include_global_resource_types(true)
        .build();
    let recorder = ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{ACCOUNT_ID}:role/config"))
        .recording_group(group)
        .build();
    config
        .put_configuration_recorder()
        .configuration_recorder(recorder)
        .send()
        .await
        .unwrap();
    let channel = DeliveryChannel::builder()
        .name("default")
        .s3_bucket_name("trail-logs")
        .build();
    config
        .put_delivery_channel()
        .delivery_channel(channel)
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
}

fn check(env: &[(String, String)]) -> serde_json::Value {
    let args = [&["check", "--format", "json"][..], &REGIONS[..]].concat();
    let output = posture(&args, env);
    assert!(output.status.code().is_some(), "{}", stderr(&output));
    json_report(&output)
}

#[tokio::test(flavor = "multi_thread")]
async fn trails_and_recorders_are_read_and_judged_per_region_and_bucket() {
    let moto = Moto::start();
    for name in ["trail-logs", "data-lake", "scratch"] {
        bucket(&moto, name).await;
    }
    trails(&moto).await;
    recorder(&moto).await;
    let report = check(&moto.posture_env());
    let account = format!(":{ACCOUNT_ID}:root");

    assert_eq!(
        status(&report, "cloudtrail-multi-region-trail-missing", &account),
        "pass"
    );
    let validation = "cloudtrail-log-file-validation-disabled";
    assert_eq!(status(&report, validation, "trail/account"), "pass");
    assert_eq!(status(&report, validation, "trail/regional"), "fail");
    let encryption = "cloudtrail-logs-not-kms-encrypted";
    assert_eq!(status(&report, encryption, "trail/account"), "pass");
    assert_eq!(status(&report, encryption, "trail/regional"), "fail");
    // The log bucket has no access logging.
    let bucket_logging = "cloudtrail-bucket-access-logging-disabled";
    assert_eq!(status(&report, bucket_logging, "trail/account"), "fail");

    // Writes: the account trail records data-lake's only. Reads: the regional trail
    // records every bucket's, but it is stopped and logs eu-west-1, not us-east-1.
    let writes = "cloudtrail-s3-object-writes-not-logged";
    assert_eq!(status(&report, writes, ":::data-lake"), "pass");
    assert_eq!(status(&report, writes, ":::scratch"), "fail");
    let reads = "cloudtrail-s3-object-reads-not-logged";
    assert_eq!(status(&report, reads, ":::data-lake"), "fail");

    let config = "config-recorder-off";
    let recorder_in =
        |region: &str| format!(":config:{region}:{ACCOUNT_ID}:configuration-recorder");
    assert_eq!(status(&report, config, &recorder_in("us-east-1")), "pass");
    assert_eq!(status(&report, config, &recorder_in("eu-west-1")), "fail");
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .all(|g| g["service"] != "cloudtrail" && g["service"] != "config"),
        "{gaps:?}"
    );

    // Selectors that cannot be read: the trail that would pass the account no longer
    // decides anything, and nothing is judged on what was not read.
    let proxy = FaultProxy::start(&moto, &["--deny", "GetEventSelectors"]);
    let denied = check(&proxy.posture_env());
    assert_eq!(
        status(&denied, "cloudtrail-multi-region-trail-missing", &account),
        "unknown"
    );
    assert_eq!(status(&denied, writes, ":::data-lake"), "unknown");
    assert_eq!(status(&denied, reads, ":::scratch"), "unknown");
    // What does not depend on the selectors is still judged.
    assert_eq!(status(&denied, validation, "trail/regional"), "fail");
    assert!(
        proxy.injected("deny") >= 2,
        "both trails' selectors were denied"
    );
}

/// moto does not implement IAM Access Analyzer: what it answers is not an AWS answer, and
/// the rule that needs it says `unknown` for every region, never `pass` or `fail`.
#[test]
fn a_service_moto_does_not_implement_is_a_gap_and_unknown() {
    let moto = Moto::start();
    let args = [
        &[
            "check",
            "--format",
            "json",
            "--rule",
            "iam-access-analyzer-disabled",
        ][..],
        &REGIONS[..],
    ]
    .concat();
    let output = posture(&args, &moto.posture_env());
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = json_report(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "one per region: {findings:?}");
    assert!(
        findings.iter().all(|f| f["status"] == "unknown"),
        "{findings:?}"
    );
    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(
        gaps.iter()
            .all(|g| g["service"] == "access-analyzer" && g["operation"] == "ListAnalyzers"),
        "{gaps:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_security_contact_is_read_and_its_absence_fails() {
    use aws_sdk_account::types::AlternateContactType;
    let moto = Moto::start();
    let run = || {
        let args = [
            "check",
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--rule",
            "account-security-contact-missing",
        ];
        let output = posture(&args, &moto.posture_env());
        json_report(&output)
    };
    let account = format!(":{ACCOUNT_ID}:root");
    let rule = "account-security-contact-missing";
    let none = run();
    assert_eq!(status(&none, rule, &account), "fail");
    assert_eq!(none["gaps"], serde_json::json!([]));
    moto.account()
        .put_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .email_address("security@example.com")
        .name("Security")
        .phone_number("+1 555 0100")
        .title("Security team")
        .send()
        .await
        .unwrap();
    let registered = run();
    assert_eq!(status(&registered, rule, &account), "pass");
    let message = finding(&registered, rule, &account)["message"].to_string();
    assert!(message.contains("security@example.com"), "{message}");
}

/// The 15 CIS monitoring rules against moto: a multi-region trail delivering to a log
/// group with one metric filter (root usage) is read through CloudTrail and CloudWatch
/// Logs. moto 5.2.5 does not speak CloudWatch's CBOR protocol, so `DescribeAlarms` is a
/// gap: the root-usage rule, whose filter matches, is `unknown` for want of the alarms —
/// never a pass — while the 14 others fail on what was read (no filter matches their
/// events, so no alarm can).
#[tokio::test(flavor = "multi_thread")]
async fn alarms_moto_cannot_answer_leave_the_monitoring_rules_unknown() {
    let moto = Moto::start();
    bucket(&moto, "trail-logs").await;
    let logs = moto.logs("us-east-1");
    logs.create_log_group()
        .log_group_name("trail-events")
        .send()
        .await
        .unwrap();
    let root = concat!(
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && "#,
        r#"$.eventType != "AwsServiceEvent" }"#,
    );
    let metric = aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
        .metric_name("RootUsage")
        .metric_namespace("CISBenchmark")
        .metric_value("1")
        .build()
        .unwrap();
    logs.put_metric_filter()
        .log_group_name("trail-events")
        .filter_name("RootUsage")
        .filter_pattern(root)
        .metric_transformations(metric)
        .send()
        .await
        .unwrap();
    let group = format!("arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:trail-events:*");
    let east = moto.cloudtrail("us-east-1");
    east.create_trail()
        .name("account")
        .s3_bucket_name("trail-logs")
        .is_multi_region_trail(true)
        .cloud_watch_logs_log_group_arn(&group)
        .cloud_watch_logs_role_arn(format!("arn:aws:iam::{ACCOUNT_ID}:role/trail-delivery"))
        .send()
        .await
        .unwrap();
    east.start_logging().name("account").send().await.unwrap();

    let mut args = vec!["check", "--format", "json", "--region", "us-east-1"];
    let rules: Vec<&str> = posture_rules::registry::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| id.starts_with("cloudwatch-no-alarm-"))
        .collect();
    assert_eq!(rules.len(), 15);
    for rule in &rules {
        args.extend(["--rule", rule]);
    }
    args.extend(["--rule", "cloudtrail-cloudwatch-logs-not-integrated"]);
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    let delivery = status(
        &report,
        "cloudtrail-cloudwatch-logs-not-integrated",
        "trail/account",
    );
    assert_eq!(delivery, "pass", "{}", stderr(&output));
    for rule in &rules {
        let found = finding(&report, rule, ":root");
        let message = found["message"].as_str().unwrap();
        if *rule == "cloudwatch-no-alarm-root-usage" {
            assert_eq!(found["status"], "unknown", "{found}");
            let alarms = "cloudwatch:DescribeAlarms in us-east-1";
            assert!(message.contains(alarms), "{message}");
        } else {
            assert_eq!(found["status"], "fail", "{rule}: {found}");
            let no_filter = "no metric filter on log group trail-events";
            assert!(message.contains(no_filter), "{message}");
        }
    }
    // CloudTrail and CloudWatch Logs were read; only the alarms were not.
    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["service"], "cloudwatch");
    assert_eq!(gaps[0]["operation"], "DescribeAlarms");
}
