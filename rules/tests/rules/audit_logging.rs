//! The CloudTrail and AWS Config rules over trails and recorders of every shape: account
//! and regional trails, basic and advanced selectors, a trail of the organization's
//! management account, parts that could not be read.

use posture_rules::model::{
    AdvancedEventSelector, ConfigRecorder, ConfigRegion, DataResource, EventSelector,
    EventSelectors, FieldSelector, Observed, Trail,
};
use posture_rules::rules::{
    cloudtrail_bucket_access_logging_disabled, cloudtrail_cloudwatch_logs_not_integrated,
    cloudtrail_log_file_validation_disabled, cloudtrail_logs_not_kms_encrypted,
    cloudtrail_multi_region_trail_missing, cloudtrail_s3_object_reads_not_logged,
    cloudtrail_s3_object_writes_not_logged, config_recorder_off,
};
use posture_rules::Snapshot;

use crate::fixtures::{bucket, gap, run, snapshot, with_buckets};

const ACCOUNT: &str = "111122223333";

fn trail(name: &str, home: &str, multi_region: bool) -> Trail {
    Trail {
        name: name.into(),
        arn: format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"),
        home_region: home.into(),
        multi_region,
        organization_trail: false,
        s3_bucket: Some("trail-logs".into()),
        log_file_validation: true,
        kms_key_id: Some(format!("arn:aws:kms:{home}:{ACCOUNT}:key/k")),
        cloudwatch_logs_group_arn: None,
        logging: Observed::Collected(true),
        selectors: Observed::Collected(EventSelectors::default()),
    }
}

fn basic(read_write: &str, management: bool, s3_values: &[&str]) -> EventSelector {
    EventSelector {
        read_write_type: read_write.into(),
        include_management_events: management,
        data_resources: vec![DataResource {
            resource_type: "AWS::S3::Object".into(),
            values: s3_values.iter().map(|v| v.to_string()).collect(),
        }],
        exclude_management_event_sources: vec![],
    }
}

fn equals(field: &str, value: &str) -> FieldSelector {
    FieldSelector {
        field: field.into(),
        equals: vec![value.into()],
        ..Default::default()
    }
}

fn with_trails(mut snapshot: Snapshot, trails: Vec<Trail>) -> Snapshot {
    snapshot.logging.trails = Observed::Collected(trails);
    snapshot
}

fn denied(operation: &str) -> Observed<EventSelectors> {
    Observed::Gap(Box::new(gap("cloudtrail", Some("us-east-1"), operation)))
}

#[test]
fn a_multi_region_trail_covers_the_account_only_if_logging_every_management_event() {
    let account = run(
        &cloudtrail_multi_region_trail_missing::RULE,
        &with_trails(snapshot(), vec![trail("all", "us-east-1", true)]),
    );
    let mut writes_only = trail("writes", "us-east-1", true);
    writes_only.selectors = Observed::Collected(EventSelectors {
        basic: vec![basic("WriteOnly", true, &[])],
        advanced: vec![],
    });
    let mut stopped = trail("stopped", "us-east-1", true);
    stopped.logging = Observed::Collected(false);
    let regional = trail("regional", "eu-west-1", false);
    let shortfalls = run(
        &cloudtrail_multi_region_trail_missing::RULE,
        &with_trails(snapshot(), vec![writes_only, stopped, regional]),
    );
    let none = run(
        &cloudtrail_multi_region_trail_missing::RULE,
        &with_trails(snapshot(), vec![]),
    );
    let mut unreadable = trail("unreadable", "us-east-1", true);
    unreadable.selectors = denied("GetEventSelectors");
    let unknown = run(
        &cloudtrail_multi_region_trail_missing::RULE,
        &with_trails(
            snapshot(),
            vec![unreadable.clone(), trail("regional", "eu-west-1", false)],
        ),
    );
    let mut advanced = trail("advanced", "us-east-1", true);
    advanced.selectors = Observed::Collected(EventSelectors {
        basic: vec![],
        advanced: vec![AdvancedEventSelector {
            name: Some("management".into()),
            field_selectors: vec![equals("eventCategory", "Management")],
        }],
    });
    let advanced_passes = run(
        &cloudtrail_multi_region_trail_missing::RULE,
        &with_trails(snapshot(), vec![unreadable, advanced]),
    );
    let not_read = run(&cloudtrail_multi_region_trail_missing::RULE, &snapshot());
    insta::assert_snapshot!(format!(
        "one account-wide trail:\n{account}\n\nwrites only, stopped, regional:\n{shortfalls}\
         \n\nno trail:\n{none}\n\nselectors unreadable:\n{unknown}\n\nan advanced selector \
         beside an unreadable trail:\n{advanced_passes}\n\nan older snapshot:\n{not_read}"
    ));
}

#[test]
fn trail_settings_are_judged_on_the_accounts_own_trails() {
    let mut plain = trail("plain", "eu-west-1", false);
    plain.log_file_validation = false;
    plain.kms_key_id = None;
    let mut organization = trail("organization", "us-east-1", true);
    organization.arn = "arn:aws:cloudtrail:us-east-1:999988887777:trail/organization".into();
    organization.organization_trail = true;
    organization.log_file_validation = false;
    let mut good = trail("good", "us-east-1", true);
    good.cloudwatch_logs_group_arn = Some(format!(
        "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail-events:*"
    ));
    let trails = vec![good, plain, organization];
    let snapshot = with_trails(snapshot(), trails);
    let validation = run(&cloudtrail_log_file_validation_disabled::RULE, &snapshot);
    let encryption = run(&cloudtrail_logs_not_kms_encrypted::RULE, &snapshot);
    let cloudwatch = run(&cloudtrail_cloudwatch_logs_not_integrated::RULE, &snapshot);
    insta::assert_snapshot!(format!(
        "validation:\n{validation}\n\nencryption:\n{encryption}\n\ncloudwatch logs:\n{cloudwatch}"
    ));
}

#[test]
fn the_log_bucket_of_each_trail() {
    let mut logged = bucket("trail-logs");
    logged.logging_target = Observed::Collected(Some("access-logs".into()));
    let mut elsewhere = trail("central", "us-east-1", true);
    elsewhere.s3_bucket = Some("org-archive".into());
    let mut unlogged_trail = trail("unlogged", "us-east-1", true);
    unlogged_trail.s3_bucket = Some("plain-logs".into());
    let mut unreadable = bucket("gap-logs");
    unreadable.logging_target =
        Observed::Gap(Box::new(gap("s3", Some("us-east-1"), "GetBucketLogging")));
    let mut unreadable_trail = trail("unreadable", "us-east-1", true);
    unreadable_trail.s3_bucket = Some("gap-logs".into());
    let trails = vec![
        trail("good", "us-east-1", true),
        elsewhere,
        unlogged_trail,
        unreadable_trail,
    ];
    let buckets = vec![logged, bucket("plain-logs"), unreadable];
    let snapshot = with_trails(with_buckets(buckets), trails);
    insta::assert_snapshot!(run(
        &cloudtrail_bucket_access_logging_disabled::RULE,
        &snapshot
    ));
}

#[test]
fn object_level_events_per_bucket() {
    // us-east-1 holds lake and scratch; eu-west-1 holds archive.
    let mut archive = bucket("archive");
    archive.region = Observed::Collected("eu-west-1".into());
    let mut lost = bucket("lost");
    lost.region = Observed::Gap(Box::new(gap("s3", None, "GetBucketLocation")));
    let buckets = vec![bucket("lake"), bucket("scratch"), archive, lost];
    let mut account = trail("account", "us-east-1", true);
    account.selectors = Observed::Collected(EventSelectors {
        basic: vec![
            basic("All", true, &[]),
            basic("WriteOnly", false, &["arn:aws:s3:::lake/"]),
        ],
        advanced: vec![],
    });
    // Reads of every bucket, from a regional trail in eu-west-1.
    let mut regional = trail("regional", "eu-west-1", false);
    regional.selectors = Observed::Collected(EventSelectors {
        basic: vec![],
        advanced: vec![AdvancedEventSelector {
            name: None,
            field_selectors: vec![
                equals("eventCategory", "Data"),
                equals("resources.type", "AWS::S3::Object"),
                equals("readOnly", "true"),
            ],
        }],
    });
    let snapshot = with_trails(with_buckets(buckets), vec![account, regional]);
    let writes = run(&cloudtrail_s3_object_writes_not_logged::RULE, &snapshot);
    let reads = run(&cloudtrail_s3_object_reads_not_logged::RULE, &snapshot);
    insta::assert_snapshot!(format!("writes:\n{writes}\n\nreads:\n{reads}"));
}

#[test]
fn config_recorders_in_every_scanned_region() {
    let recorder = |name: &str, all: bool, recording: Option<bool>| ConfigRecorder {
        name: name.into(),
        all_supported: all,
        include_global_resource_types: all,
        recording,
        last_status: Some("SUCCESS".into()),
    };
    let region = |name: &str, recorders: Vec<ConfigRecorder>| ConfigRegion {
        region: name.into(),
        recorders: Observed::Collected(recorders),
    };
    let mut snapshot = snapshot();
    snapshot.regions = [
        "us-east-1",
        "eu-west-1",
        "eu-central-1",
        "ap-south-1",
        "sa-east-1",
    ]
    .map(String::from)
    .to_vec();
    snapshot.regions.push("us-west-2".into());
    snapshot.logging.config = vec![
        region("us-east-1", vec![recorder("default", true, Some(true))]),
        region("eu-west-1", vec![recorder("default", true, Some(false))]),
        region("eu-central-1", vec![recorder("some", false, Some(true))]),
        region("ap-south-1", vec![]),
        ConfigRegion {
            region: "sa-east-1".into(),
            recorders: Observed::Gap(Box::new(gap(
                "config",
                Some("sa-east-1"),
                "DescribeConfigurationRecorders",
            ))),
        },
    ];
    // us-west-2 is scanned but has no entry: it was not read.
    insta::assert_snapshot!(run(&config_recorder_off::RULE, &snapshot));
}

#[test]
fn access_analyzers_in_every_scanned_region() {
    use posture_rules::model::{Analyzer, AnalyzerRegion};
    use posture_rules::rules::iam_access_analyzer_disabled;
    let analyzer = |name: &str, kind: &str, status: &str| Analyzer {
        name: name.into(),
        arn: format!("arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}"),
        kind: kind.into(),
        status: status.into(),
    };
    let region = |name: &str, analyzers: Observed<Vec<Analyzer>>| AnalyzerRegion {
        region: name.into(),
        analyzers,
    };
    let mut snapshot = snapshot();
    snapshot.regions = [
        "us-east-1",
        "eu-west-1",
        "eu-central-1",
        "ap-south-1",
        "sa-east-1",
    ]
    .map(String::from)
    .to_vec();
    let denied = gap("access-analyzer", Some("ap-south-1"), "ListAnalyzers");
    snapshot.access_analyzers = vec![
        region(
            "us-east-1",
            Observed::Collected(vec![analyzer("external", "ACCOUNT", "ACTIVE")]),
        ),
        region(
            "eu-west-1",
            Observed::Collected(vec![analyzer("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")]),
        ),
        region(
            "eu-central-1",
            Observed::Collected(vec![analyzer("failed", "ORGANIZATION", "FAILED")]),
        ),
        region("ap-south-1", Observed::Gap(Box::new(denied))),
    ];
    // sa-east-1 is scanned but was not read.
    insta::assert_snapshot!(run(&iam_access_analyzer_disabled::RULE, &snapshot));
}

#[test]
fn the_security_contact() {
    use posture_rules::model::AlternateContact;
    use posture_rules::rules::account_security_contact_missing::RULE;
    let contact = |email: Option<&str>| AlternateContact {
        name: Some("Security".into()),
        title: None,
        email: email.map(String::from),
        phone: None,
    };
    let mut shapes = Vec::new();
    for observed in [
        Observed::Collected(Some(contact(Some("security@example.com")))),
        Observed::Collected(Some(contact(Some(" ")))),
        Observed::Collected(None),
        Observed::Gap(Box::new(gap("account", None, "GetAlternateContact"))),
    ] {
        let mut snapshot = snapshot();
        snapshot.security_contact = observed;
        shapes.push(run(&RULE, &snapshot));
    }
    insta::assert_snapshot!(shapes.join("\n"));
}
