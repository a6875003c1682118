//! posture against a live (emulated) account: moto's server mode, resources created through
//! the AWS SDK for Rust, the real binary run against it, and assertions on its JSON report.
//! One module per duty under `live/`; this root holds what several of them share: creating
//! the EC2 and S3 resources they set up, and reading the report of a scan.

mod support;

#[path = "live/data.rs"]
mod data;
#[path = "live/escalation.rs"]
mod escalation;
#[path = "live/faults.rs"]
mod faults;
#[path = "live/identity.rs"]
mod identity;
#[path = "live/kms.rs"]
mod kms;
#[path = "live/logging.rs"]
mod logging;
#[path = "live/network.rs"]
mod network;
#[path = "live/organization.rs"]
mod organization;
#[path = "live/permissions.rs"]
mod permissions;
#[path = "live/rds.rs"]
mod rds;
#[path = "live/scan.rs"]
mod scan;

use aws_sdk_ec2::types::{
    HttpTokensState, InstanceMetadataOptionsRequest, IpPermission, IpRange, Ipv6Range,
};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use support::{finding, json_report, posture, stderr, Moto};

async fn security_group(ec2: &aws_sdk_ec2::Client, name: &str) -> String {
    ec2.create_security_group()
        .group_name(name)
        .description(format!("posture test group {name}"))
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap()
}

async fn authorize(
    ec2: &aws_sdk_ec2::Client,
    group: &str,
    protocol: &str,
    from: i32,
    to: i32,
    ipv4: Option<&str>,
    ipv6: Option<&str>,
) {
    let mut permission = IpPermission::builder()
        .ip_protocol(protocol)
        .from_port(from)
        .to_port(to);
    if let Some(cidr) = ipv4 {
        permission = permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build());
    }
    if let Some(cidr) = ipv6 {
        permission = permission.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(cidr).build());
    }
    ec2.authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(permission.build())
        .send()
        .await
        .unwrap();
}

async fn instance(ec2: &aws_sdk_ec2::Client, tokens: HttpTokensState, group: &str) -> String {
    ec2.run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .security_group_ids(group)
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(tokens)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .instances
        .unwrap()[0]
        .instance_id
        .clone()
        .unwrap()
}

async fn volume(ec2: &aws_sdk_ec2::Client, zone: &str, encrypted: bool) -> String {
    ec2.create_volume()
        .availability_zone(zone)
        .size(8)
        .encrypted(encrypted)
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap()
}

async fn create_bucket_in(moto: &Moto, region: &str, name: &str) -> aws_sdk_s3::Client {
    let s3 = moto.s3(region);
    let mut create = s3.create_bucket().bucket(name);
    if region != "us-east-1" {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    create.send().await.unwrap();
    s3
}

/// The gaps of a report, less the deviations of moto 5.2.5 that no test setup avoids: it
/// answers GetBucketVersioning with a `GetBucketVersioningResponse` root element, which
/// the SDK rejects, and it does not implement IAM Access Analyzer or Systems Manager's
/// managed nodes (an HTML page answers ListAnalyzers and DescribeInstanceInformation).
/// posture reports them as gaps (as it should); the tests check that they are those gaps
/// and nothing else.
fn gaps_besides_moto_versioning(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|gap| !support::moto_deviation(gap))
        .cloned()
        .collect()
}

/// Runs `posture check --format json` on these regions and checks that the only gaps are
/// moto's versioning answers.
fn check_regions(moto: &Moto, regions: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--format", "json"];
    for region in regions {
        args.extend(["--region", region]);
    }
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    assert_eq!(
        gaps_besides_moto_versioning(&report),
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&output)
    );
    report
}

fn status<'a>(report: &'a serde_json::Value, rule: &str, resource_suffix: &str) -> &'a str {
    finding(report, rule, resource_suffix)["status"]
        .as_str()
        .unwrap()
}
