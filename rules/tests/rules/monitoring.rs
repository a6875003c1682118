//! The CIS monitoring rules (section 5): the benchmark's own filter patterns pass their
//! rule, and every link of the chain trail → log group → metric filter → alarm → topic →
//! subscriber, missing or unreadable, is a fail or an unknown that says which.

use posture_rules::model::{
    AlarmTopic, EventSelectors, LogGroupMonitoring, MetricAlarm, MetricFilter, MetricId, Observed,
    Trail,
};
use posture_rules::registry::RULES;
use posture_rules::rules::cloudwatch_no_alarm_root_usage;
use posture_rules::{Snapshot, Status};

use crate::fixtures::{gap, run, snapshot};

const GROUP: &str = "arn:aws:logs:us-east-1:111122223333:log-group:trail-events:*";

const UNAUTHORIZED: &str = concat!(
    r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && "#,
    r#"($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
);
const NO_MFA: &str = concat!(
    r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && "#,
    r#"($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
);
const ROOT: &str = concat!(
    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && "#,
    r#"$.eventType != "AwsServiceEvent" }"#,
);
const FAILED_SIGN_IN: &str =
    r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;
const KMS: &str = concat!(
    "{($.eventSource = kms.amazonaws.com) && ",
    "(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
);

fn trail() -> Trail {
    Trail {
        name: "main".into(),
        arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main".into(),
        home_region: "us-east-1".into(),
        multi_region: true,
        organization_trail: false,
        s3_bucket: Some("trail-logs".into()),
        log_file_validation: true,
        kms_key_id: None,
        cloudwatch_logs_group_arn: Some(GROUP.into()),
        logging: Observed::Collected(true),
        selectors: Observed::Collected(EventSelectors::default()),
    }
}

fn metric(name: &str) -> MetricId {
    MetricId {
        namespace: "CISBenchmark".into(),
        name: name.into(),
    }
}

fn filter(name: &str, pattern: &str) -> MetricFilter {
    MetricFilter {
        name: name.into(),
        pattern: pattern.into(),
        metrics: vec![metric(name)],
    }
}

fn alarm(name: &str, subscribers: &[&str]) -> MetricAlarm {
    MetricAlarm {
        name: format!("{name}-alarm"),
        arn: format!("arn:aws:cloudwatch:us-east-1:111122223333:alarm:{name}-alarm"),
        metric: metric(name),
        actions_enabled: true,
        topics: vec![AlarmTopic {
            arn: "arn:aws:sns:us-east-1:111122223333:security-alerts".into(),
            subscribers: Observed::Collected(subscribers.iter().map(|s| s.to_string()).collect()),
        }],
    }
}

fn account(filters: Vec<MetricFilter>, alarms: Vec<MetricAlarm>) -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.logging.trails = Observed::Collected(vec![trail()]);
    snapshot.logging.log_groups = vec![LogGroupMonitoring {
        arn: GROUP.into(),
        region: "us-east-1".into(),
        name: "trail-events".into(),
        metric_filters: Observed::Collected(filters),
        alarms: Observed::Collected(alarms),
    }];
    snapshot
}

fn names(list: &[&str]) -> String {
    let terms: Vec<String> = list
        .iter()
        .map(|n| format!("($.eventName = {n})"))
        .collect();
    terms.join(" || ")
}

/// The benchmark's filter pattern for each recommendation, as its audit procedure gives
/// them (whitespace and quoting vary between versions; these are representative).
fn benchmark_patterns() -> Vec<(&'static str, String)> {
    let with_source = |source: &str, list: &[&str]| {
        format!("{{ ($.eventSource = {source}) && ({}) }}", names(list))
    };
    vec![
        (
            "cloudwatch-no-alarm-unauthorized-api-calls",
            UNAUTHORIZED.into(),
        ),
        (
            "cloudwatch-no-alarm-console-sign-in-without-mfa",
            NO_MFA.into(),
        ),
        ("cloudwatch-no-alarm-root-usage", ROOT.into()),
        (
            "cloudwatch-no-alarm-iam-policy-changes",
            format!(
                "{{{}}}",
                names(&[
                    "DeleteGroupPolicy",
                    "DeleteRolePolicy",
                    "DeleteUserPolicy",
                    "PutGroupPolicy",
                    "PutRolePolicy",
                    "PutUserPolicy",
                    "CreatePolicy",
                    "DeletePolicy",
                    "CreatePolicyVersion",
                    "DeletePolicyVersion",
                    "AttachRolePolicy",
                    "DetachRolePolicy",
                    "AttachUserPolicy",
                    "DetachUserPolicy",
                    "AttachGroupPolicy",
                    "DetachGroupPolicy"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-cloudtrail-changes",
            format!(
                "{{ {} }}",
                names(&[
                    "CreateTrail",
                    "UpdateTrail",
                    "DeleteTrail",
                    "StartLogging",
                    "StopLogging"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-console-authentication-failures",
            FAILED_SIGN_IN.into(),
        ),
        ("cloudwatch-no-alarm-kms-key-deletion", KMS.into()),
        (
            "cloudwatch-no-alarm-bucket-policy-changes",
            with_source(
                "s3.amazonaws.com",
                &[
                    "PutBucketAcl",
                    "PutBucketPolicy",
                    "PutBucketCors",
                    "PutBucketLifecycle",
                    "PutBucketReplication",
                    "DeleteBucketPolicy",
                    "DeleteBucketCors",
                    "DeleteBucketLifecycle",
                    "DeleteBucketReplication",
                ],
            ),
        ),
        (
            "cloudwatch-no-alarm-config-changes",
            with_source(
                "config.amazonaws.com",
                &[
                    "StopConfigurationRecorder",
                    "DeleteDeliveryChannel",
                    "PutDeliveryChannel",
                    "PutConfigurationRecorder",
                ],
            ),
        ),
        (
            "cloudwatch-no-alarm-security-group-changes",
            format!(
                "{{ {} }}",
                names(&[
                    "AuthorizeSecurityGroupIngress",
                    "AuthorizeSecurityGroupEgress",
                    "RevokeSecurityGroupIngress",
                    "RevokeSecurityGroupEgress",
                    "CreateSecurityGroup",
                    "DeleteSecurityGroup"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-network-acl-changes",
            format!(
                "{{ {} }}",
                names(&[
                    "CreateNetworkAcl",
                    "CreateNetworkAclEntry",
                    "DeleteNetworkAcl",
                    "DeleteNetworkAclEntry",
                    "ReplaceNetworkAclEntry",
                    "ReplaceNetworkAclAssociation"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-network-gateway-changes",
            format!(
                "{{ {} }}",
                names(&[
                    "CreateCustomerGateway",
                    "DeleteCustomerGateway",
                    "AttachInternetGateway",
                    "CreateInternetGateway",
                    "DeleteInternetGateway",
                    "DetachInternetGateway"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-route-table-changes",
            with_source(
                "ec2.amazonaws.com",
                &[
                    "CreateRoute",
                    "CreateRouteTable",
                    "ReplaceRoute",
                    "ReplaceRouteTableAssociation",
                    "DeleteRouteTable",
                    "DeleteRoute",
                    "DisassociateRouteTable",
                ],
            ),
        ),
        (
            "cloudwatch-no-alarm-vpc-changes",
            format!(
                "{{ {} }}",
                names(&[
                    "CreateVpc",
                    "DeleteVpc",
                    "ModifyVpcAttribute",
                    "AcceptVpcPeeringConnection",
                    "CreateVpcPeeringConnection",
                    "DeleteVpcPeeringConnection",
                    "RejectVpcPeeringConnection",
                    "AttachClassicLinkVpc",
                    "DetachClassicLinkVpc",
                    "DisableVpcClassicLink",
                    "EnableVpcClassicLink"
                ])
            ),
        ),
        (
            "cloudwatch-no-alarm-organizations-changes",
            with_source(
                "organizations.amazonaws.com",
                &[
                    "AcceptHandshake",
                    "AttachPolicy",
                    "CancelHandshake",
                    "CreateAccount",
                    "CreateOrganization",
                    "CreateOrganizationalUnit",
                    "CreatePolicy",
                    "DeclineHandshake",
                    "DeleteOrganization",
                    "DeleteOrganizationalUnit",
                    "DeletePolicy",
                    "EnableAllFeatures",
                    "EnablePolicyType",
                    "InviteAccountToOrganization",
                    "LeaveOrganization",
                    "DetachPolicy",
                    "DisablePolicyType",
                    "MoveAccount",
                    "RemoveAccountFromOrganization",
                    "UpdateOrganizationalUnit",
                    "UpdatePolicy",
                ],
            ),
        ),
    ]
}

fn rule(id: &str) -> &'static posture_rules::Rule {
    RULES.iter().copied().find(|r| r.id == id).unwrap()
}

#[test]
fn each_benchmark_pattern_passes_its_rule_and_no_other() {
    let patterns = benchmark_patterns();
    assert_eq!(patterns.len(), 15);
    for (id, pattern) in &patterns {
        let snapshot = account(
            vec![filter("cis", pattern)],
            vec![alarm("cis", &["email:secops@example.com"])],
        );
        let settings = crate::fixtures::settings();
        for (other, _) in &patterns {
            let findings = posture_rules::evaluate(&snapshot, &settings, |r| r.id == *other);
            assert_eq!(findings.len(), 1, "{other}");
            let status = findings[0].status;
            if other == id {
                assert_eq!(status, Status::Pass, "{id}: {}", findings[0].message);
            } else {
                // One class's filter does not cover another's events (the root and
                // unauthorized-call filters are the only broad ones, and still distinct).
                assert_eq!(status, Status::Fail, "{id}'s filter passed {other}");
            }
        }
        let _ = rule(id);
    }
}

#[test]
fn where_the_chain_breaks() {
    let rule = &cloudwatch_no_alarm_root_usage::RULE;
    let root = ROOT;
    let complete = account(
        vec![filter("root", root)],
        vec![alarm("root", &["email:a@example.com"])],
    );
    let mut cases: Vec<(&str, Snapshot)> = vec![("complete", complete.clone())];
    let mut no_trail = complete.clone();
    no_trail.logging.trails = Observed::Collected(vec![]);
    cases.push(("no trail", no_trail));
    let mut regional = complete.clone();
    if let Observed::Collected(trails) = &mut regional.logging.trails {
        trails[0].multi_region = false;
    }
    cases.push(("a regional trail", regional));
    let mut undelivered = complete.clone();
    if let Observed::Collected(trails) = &mut undelivered.logging.trails {
        trails[0].cloudwatch_logs_group_arn = None;
    }
    cases.push(("no delivery to CloudWatch Logs", undelivered));
    let mut unread_group = complete.clone();
    unread_group.logging.log_groups.clear();
    cases.push(("log group not read", unread_group));
    let mut filters_failed = complete.clone();
    let failed = gap("logs", Some("us-east-1"), "DescribeMetricFilters");
    filters_failed.logging.log_groups[0].metric_filters = Observed::Gap(Box::new(failed));
    cases.push(("metric filters not read", filters_failed));
    let other_event = r#"{ $.eventName = "ConsoleLogin" && $.userIdentity.type = "IAMUser" }"#;
    cases.push((
        "a filter on other events",
        account(
            vec![filter("root", other_event)],
            vec![alarm("root", &["x"])],
        ),
    ));
    let regex = r#"{ $.userIdentity.type = %Ro+t% }"#;
    cases.push((
        "only a filter posture cannot read",
        account(vec![filter("root", regex)], vec![alarm("root", &["x"])]),
    ));
    cases.push(("no alarm", account(vec![filter("root", root)], vec![])));
    let mut disabled = alarm("root", &["x"]);
    disabled.actions_enabled = false;
    cases.push((
        "alarm actions disabled",
        account(vec![filter("root", root)], vec![disabled]),
    ));
    let mut silent = alarm("root", &[]);
    silent.topics.clear();
    cases.push((
        "alarm without a topic",
        account(vec![filter("root", root)], vec![silent]),
    ));
    cases.push((
        "topic without a confirmed subscriber",
        account(vec![filter("root", root)], vec![alarm("root", &[])]),
    ));
    let mut unknown_topic = alarm("root", &[]);
    let unread = gap("sns", Some("us-east-1"), "ListSubscriptionsByTopic");
    unknown_topic.topics[0].subscribers = Observed::Gap(Box::new(unread));
    cases.push((
        "topic subscribers not read",
        account(vec![filter("root", root)], vec![unknown_topic]),
    ));
    let mut organization = complete.clone();
    if let Observed::Collected(trails) = &mut organization.logging.trails {
        trails[0].arn = "arn:aws:cloudtrail:us-east-1:999988887777:trail/org".into();
        trails[0].organization_trail = true;
        trails[0].cloudwatch_logs_group_arn =
            Some("arn:aws:logs:us-east-1:999988887777:log-group:org-trail:*".into());
    }
    cases.push((
        "an organization trail delivering to the management account",
        organization,
    ));
    let rendered: Vec<String> = cases
        .iter()
        .map(|(case, snapshot)| format!("{case}:\n{}", run(rule, snapshot)))
        .collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}
