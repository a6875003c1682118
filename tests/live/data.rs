//! The data and encryption rules against moto: buckets public or hardened, account-level
//! Block Public Access, EBS volumes and their default encryption, snapshots and images
//! shared with everyone or not, in two regions.

use aws_sdk_ec2::types::HttpTokensState;
use aws_sdk_s3::types::BucketCannedAcl;

use crate::support::{self, finding, Moto};
use crate::{check_regions, create_bucket_in, instance, security_group, volume};

/// What `populate_data` created in one region.
struct DataRegion {
    region: &'static str,
    plain_volume: String,
    encrypted_volume: String,
    public_policy_bucket: String,
    hardened_bucket: String,
    public_snapshot: String,
    private_snapshot: String,
    public_image: String,
    private_image: String,
}

async fn populate_data(moto: &Moto, region: &'static str, default_encryption: bool) -> DataRegion {
    use aws_sdk_ec2::types::{
        LaunchPermission, LaunchPermissionModifications, PermissionGroup, SnapshotAttributeName,
    };
    use aws_sdk_s3::types::{
        BucketLoggingStatus, LoggingEnabled, ObjectOwnership, OwnershipControls,
        OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
        ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    };

    let public_policy_bucket = format!("data-public-policy-{region}");
    let s3 = create_bucket_in(moto, region, &public_policy_bucket).await;
    s3.put_bucket_policy()
        .bucket(&public_policy_bucket)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":["*"]}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{public_policy_bucket}/*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();

    s3.put_bucket_acl()
        .bucket(&public_policy_bucket)
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();

    let logs_bucket = format!("data-logs-{region}");
    create_bucket_in(moto, region, &logs_bucket).await;
    let log_delivery = "uri=http://acs.amazonaws.com/groups/s3/LogDelivery";
    s3.put_bucket_acl()
        .bucket(&logs_bucket)
        .grant_write(log_delivery)
        .grant_read_acp(log_delivery)
        .send()
        .await
        .unwrap();
    let hardened_bucket = format!("data-hardened-{region}");
    create_bucket_in(moto, region, &hardened_bucket).await;
    let arn = format!("arn:aws:s3:::{hardened_bucket}");
    s3.put_bucket_policy()
        .bucket(&hardened_bucket)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[
              {{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["{arn}","{arn}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}},
              {{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"{arn}/*","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}}}},
              {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:root"}},"Action":"s3:GetObject","Resource":"{arn}/*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(&hardened_bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_ownership_controls()
        .bucket(&hardened_bucket)
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(&hardened_bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_logging()
        .bucket(&hardened_bucket)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(&logs_bucket)
                        .target_prefix("hardened/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    let ec2 = moto.ec2(region);
    if default_encryption {
        ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    }
    let plain = volume(&ec2, &format!("{region}a"), false).await;
    let public_snapshot = ec2
        .create_snapshot()
        .volume_id(&plain)
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();
    // moto 5.2.5 applies only the OperationType/GroupNames form of this call.
    ec2.modify_snapshot_attribute()
        .snapshot_id(&public_snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .group_names("all")
        .send()
        .await
        .unwrap();
    let encrypted = volume(&ec2, &format!("{region}a"), true).await;
    let private_snapshot = ec2
        .create_snapshot()
        .volume_id(&encrypted)
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();

    let source = instance(
        &ec2,
        HttpTokensState::Required,
        &security_group(&ec2, "image-source").await,
    )
    .await;
    let image = |name: &'static str| {
        let ec2 = ec2.clone();
        let source = source.clone();
        async move {
            ec2.create_image()
                .instance_id(source)
                .name(name)
                .send()
                .await
                .unwrap()
                .image_id
                .unwrap()
        }
    };
    let public_image = image("public-golden").await;
    ec2.modify_image_attribute()
        .image_id(&public_image)
        .launch_permission(
            LaunchPermissionModifications::builder()
                .add(
                    LaunchPermission::builder()
                        .group(PermissionGroup::All)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let private_image = image("private-golden").await;

    DataRegion {
        region,
        plain_volume: plain,
        encrypted_volume: encrypted,
        public_policy_bucket,
        hardened_bucket,
        public_snapshot,
        private_snapshot,
        public_image,
        private_image,
    }
}

/// Every data and encryption rule, with buckets, snapshots and images in two regions.
#[tokio::test(flavor = "multi_thread")]
async fn data_and_encryption_rules_in_two_regions() {
    use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
    let moto = Moto::start();
    let regions = [
        populate_data(&moto, "us-east-1", true).await,
        populate_data(&moto, "eu-west-1", false).await,
    ];
    // Account-level Block Public Access, partly on: public policies still take effect.
    moto.s3control()
        .put_public_access_block()
        .account_id(support::ACCOUNT_ID)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(false)
                .block_public_policy(false)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let report = check_regions(&moto, &["us-east-1", "eu-west-1"]);

    let account = finding(&report, "s3-account-public-access-block-off", ":root");
    assert_eq!(account["status"], "fail", "{account}");
    assert_eq!(
        account["evidence"]["account_public_access_block"]["block_public_acls"], true,
        "{account}"
    );

    for r in &regions {
        let expect = |rule: &str, resource: &str, expected: &str| {
            let found = finding(&report, rule, resource);
            assert_eq!(
                found["status"], expected,
                "{rule} on {resource} in {}: {found}",
                r.region
            );
            assert_eq!(found["region"], r.region, "{found}");
            found.clone()
        };
        expect("s3-bucket-public-acl", &r.public_policy_bucket, "fail");
        expect("s3-bucket-public-acl", &r.hardened_bucket, "pass");
        expect("ec2-ebs-volume-unencrypted", &r.plain_volume, "fail");
        expect("ec2-ebs-volume-unencrypted", &r.encrypted_volume, "pass");
        let public = expect("s3-bucket-public-policy", &r.public_policy_bucket, "fail");
        assert_eq!(public["severity"], "high", "read access: {public}");
        let hardened = expect("s3-bucket-public-policy", &r.hardened_bucket, "pass");
        assert_eq!(
            hardened["evidence"]["restricted_statements"][0]["callers"],
            "your own organization or account: not the public",
            "{hardened}"
        );
        let cross = expect("s3-bucket-cross-account-access", &r.hardened_bucket, "fail");
        assert_eq!(
            cross["evidence"]["grants"][0]["accounts"],
            serde_json::json!(["444455556666"]),
            "{cross}"
        );
        expect(
            "s3-bucket-cross-account-access",
            &r.public_policy_bucket,
            "pass",
        );
        expect(
            "s3-bucket-public-access-block-off",
            &r.hardened_bucket,
            "pass",
        );
        expect(
            "s3-bucket-public-access-block-off",
            &r.public_policy_bucket,
            "fail",
        );
        expect("s3-bucket-acls-enabled", &r.hardened_bucket, "pass");
        expect("s3-bucket-acls-enabled", &r.public_policy_bucket, "fail");
        expect(
            "s3-bucket-access-logging-disabled",
            &r.hardened_bucket,
            "pass",
        );
        expect(
            "s3-bucket-access-logging-disabled",
            &r.public_policy_bucket,
            "fail",
        );
        expect(
            "s3-bucket-default-encryption-not-kms",
            &r.hardened_bucket,
            "pass",
        );
        expect(
            "s3-bucket-default-encryption-not-kms",
            &r.public_policy_bucket,
            "fail",
        );
        expect("s3-bucket-tls-not-enforced", &r.hardened_bucket, "pass");
        expect(
            "s3-bucket-tls-not-enforced",
            &r.public_policy_bucket,
            "fail",
        );
        // moto cannot answer GetBucketVersioning in a form the SDK reads (see
        // gaps_besides_moto_versioning): both versioning rules must say unknown, not pass.
        for rule in [
            "s3-bucket-versioning-disabled",
            "s3-bucket-mfa-delete-disabled",
        ] {
            let versioning = expect(rule, &r.hardened_bucket, "unknown");
            assert_eq!(
                versioning["evidence"]["gap"]["operation"], "GetBucketVersioning",
                "{versioning}"
            );
        }
        expect("ec2-snapshot-public", &r.public_snapshot, "fail");
        expect("ec2-snapshot-public", &r.private_snapshot, "pass");
        expect("ec2-snapshot-unencrypted", &r.public_snapshot, "fail");
        expect("ec2-snapshot-unencrypted", &r.private_snapshot, "pass");
        expect("ec2-image-public", &r.public_image, "fail");
        expect("ec2-image-public", &r.private_image, "pass");
        let by_default = if r.region == "us-east-1" {
            "pass"
        } else {
            "fail"
        };
        let setting = format!(
            "arn:aws:ec2:{}:{}:ebs-encryption-by-default",
            r.region,
            support::ACCOUNT_ID
        );
        expect("ec2-ebs-encryption-by-default-off", &setting, by_default);
    }
}
