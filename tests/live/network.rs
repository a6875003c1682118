//! The network rules against moto: security groups, default groups, network ACLs, flow
//! logs and the instances behind them, in two regions, and the exposure that links them.

use aws_sdk_ec2::types::{HttpTokensState, InstanceMetadataOptionsRequest, IpPermission, IpRange};

use crate::support::{finding, Moto};
use crate::{authorize, check_regions, create_bucket_in, instance, security_group};

/// What `populate_network` created in one region.
struct NetworkRegion {
    region: &'static str,
    all_traffic_group: String,
    mysql_group: String,
    web_group: String,
    default_vpc_default_group: String,
    emptied_default_group: String,
    logged_vpc: String,
    default_vpc: String,
    default_acl_of_logged_vpc: String,
    deny_first_acl: String,
    allow_first_acl: String,
    imdsv1_public_instance: String,
    imdsv2_profiled_instance: String,
}

async fn populate_network(moto: &Moto, region: &'static str, profile: &str) -> NetworkRegion {
    use aws_sdk_ec2::types::{Filter, IamInstanceProfileSpecification, RuleAction};
    let ec2 = moto.ec2(region);

    let all_traffic_group = security_group(&ec2, "all-traffic").await;
    authorize(
        &ec2,
        &all_traffic_group,
        "-1",
        -1,
        -1,
        Some("0.0.0.0/0"),
        None,
    )
    .await;
    let mysql_group = security_group(&ec2, "mysql-v6").await;
    authorize(&ec2, &mysql_group, "tcp", 3306, 3306, None, Some("::/0")).await;
    let web_group = security_group(&ec2, "web").await;
    authorize(&ec2, &web_group, "tcp", 443, 443, Some("0.0.0.0/0"), None).await;

    let groups_named_default = |vpc: String| {
        let ec2 = ec2.clone();
        async move {
            ec2.describe_security_groups()
                .filters(Filter::builder().name("vpc-id").values(vpc).build())
                .filters(
                    Filter::builder()
                        .name("group-name")
                        .values("default")
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .security_groups
                .unwrap()[0]
                .group_id
                .clone()
                .unwrap()
        }
    };
    let default_vpc = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .unwrap()
        .vpcs
        .unwrap()[0]
        .vpc_id
        .clone()
        .unwrap();
    let default_vpc_default_group = groups_named_default(default_vpc.clone()).await;

    // A second VPC: its default group emptied, flow logs on, its own ACLs.
    let logged_vpc = ec2
        .create_vpc()
        .cidr_block("10.42.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    let emptied_default_group = groups_named_default(logged_vpc.clone()).await;
    ec2.revoke_security_group_egress()
        .group_id(&emptied_default_group)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let bucket = format!("posture-flow-logs-{region}");
    create_bucket_in(moto, region, &bucket).await;
    ec2.create_flow_logs()
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .resource_ids(&logged_vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::All)
        .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
        .log_destination(format!("arn:aws:s3:::{bucket}"))
        .send()
        .await
        .unwrap();
    let default_acl_of_logged_vpc = ec2
        .describe_network_acls()
        .filters(Filter::builder().name("vpc-id").values(&logged_vpc).build())
        .send()
        .await
        .unwrap()
        .network_acls
        .unwrap()[0]
        .network_acl_id
        .clone()
        .unwrap();
    let acl = |entries: Vec<(i32, RuleAction)>| {
        let ec2 = ec2.clone();
        let vpc = logged_vpc.clone();
        async move {
            let id = ec2
                .create_network_acl()
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .network_acl
                .unwrap()
                .network_acl_id
                .unwrap();
            for (number, action) in entries {
                ec2.create_network_acl_entry()
                    .network_acl_id(&id)
                    .rule_number(number)
                    .protocol("-1")
                    .rule_action(action)
                    .egress(false)
                    .cidr_block("0.0.0.0/0")
                    .send()
                    .await
                    .unwrap();
            }
            id
        }
    };
    let deny_first_acl = acl(vec![(100, RuleAction::Deny), (200, RuleAction::Allow)]).await;
    let allow_first_acl = acl(vec![(100, RuleAction::Allow), (200, RuleAction::Deny)]).await;

    // Instances in the default VPC get a public address from moto.
    let imdsv1_public_instance = instance(&ec2, HttpTokensState::Optional, &web_group).await;
    let imdsv2_profiled_instance = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .security_group_ids(&mysql_group)
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name(profile)
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .instances
        .unwrap()[0]
        .instance_id
        .clone()
        .unwrap();

    NetworkRegion {
        region,
        all_traffic_group,
        mysql_group,
        web_group,
        default_vpc_default_group,
        emptied_default_group,
        logged_vpc,
        default_vpc,
        default_acl_of_logged_vpc,
        deny_first_acl,
        allow_first_acl,
        imdsv1_public_instance,
        imdsv2_profiled_instance,
    }
}

/// Every network rule, and the instance rules, flag the bad resources and pass the good
/// ones in both scanned regions.
#[tokio::test(flavor = "multi_thread")]
async fn network_rules_in_two_regions() {
    let moto = Moto::start();
    let iam = moto.iam();
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.create_instance_profile()
        .instance_profile_name("app")
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name("app")
        .role_name("app")
        .send()
        .await
        .unwrap();
    let regions = [
        populate_network(&moto, "us-east-1", "app").await,
        populate_network(&moto, "ap-southeast-2", "app").await,
    ];
    let report = check_regions(&moto, &["us-east-1", "ap-southeast-2"]);

    for r in &regions {
        let expect = |rule: &str, resource: &str, expected: &str| {
            let found = finding(&report, rule, resource);
            assert_eq!(
                found["status"], expected,
                "{rule} on {resource} in {}: {found}",
                r.region
            );
            assert_eq!(found["region"], r.region, "{found}");
        };
        expect(
            "ec2-security-group-all-ports-open",
            &r.all_traffic_group,
            "fail",
        );
        expect("ec2-security-group-all-ports-open", &r.mysql_group, "pass");
        expect(
            "ec2-security-group-high-risk-ports-open",
            &r.mysql_group,
            "fail",
        );
        expect(
            "ec2-security-group-high-risk-ports-open",
            &r.web_group,
            "pass",
        );
        expect(
            "ec2-security-group-admin-ports-open",
            &r.all_traffic_group,
            "fail",
        );
        expect("ec2-security-group-admin-ports-open", &r.web_group, "pass");
        expect(
            "ec2-default-security-group-has-rules",
            &r.default_vpc_default_group,
            "fail",
        );
        expect(
            "ec2-default-security-group-has-rules",
            &r.emptied_default_group,
            "pass",
        );
        expect("ec2-vpc-flow-logs-disabled", &r.default_vpc, "fail");
        expect("ec2-vpc-flow-logs-disabled", &r.logged_vpc, "pass");
        expect(
            "ec2-network-acl-admin-ports-open",
            &r.default_acl_of_logged_vpc,
            "fail",
        );
        expect(
            "ec2-network-acl-admin-ports-open",
            &r.allow_first_acl,
            "fail",
        );
        expect(
            "ec2-network-acl-admin-ports-open",
            &r.deny_first_acl,
            "pass",
        );
        expect(
            "ec2-instance-imdsv1-allowed",
            &r.imdsv1_public_instance,
            "fail",
        );
        expect(
            "ec2-instance-imdsv1-allowed",
            &r.imdsv2_profiled_instance,
            "pass",
        );
        expect("ec2-instance-public-ip", &r.imdsv1_public_instance, "fail");
        expect(
            "ec2-instance-without-profile",
            &r.imdsv1_public_instance,
            "fail",
        );
        expect(
            "ec2-instance-without-profile",
            &r.imdsv2_profiled_instance,
            "pass",
        );

        // Exposure: the instance with a public IP makes its open group reachable.
        let web_public = finding(&report, "ec2-instance-public-ip", &r.imdsv1_public_instance);
        assert_eq!(
            web_public["severity"], "medium",
            "its group admits the internet on 443: {web_public}"
        );
        let mysql = finding(
            &report,
            "ec2-security-group-high-risk-ports-open",
            &r.mysql_group,
        );
        assert_eq!(
            mysql["evidence"]["exposure"]["state"], "reachable",
            "{mysql}"
        );
        assert_eq!(mysql["severity"], "critical", "{mysql}");
        let all_traffic = finding(
            &report,
            "ec2-security-group-all-ports-open",
            &r.all_traffic_group,
        );
        assert_eq!(
            all_traffic["evidence"]["exposure"]["state"], "unattached",
            "{all_traffic}"
        );
    }
}
