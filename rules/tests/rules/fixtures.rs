//! Builders for snapshots: an empty, fully collected account to which each test adds its
//! cases, and helpers to run one rule and render what it found.

use chrono::{TimeZone, Utc};
use posture_rules::model::*;
use posture_rules::rule::{Context, Rule};
use posture_rules::Settings;

pub fn settings() -> Settings {
    Settings::at(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap())
}

/// A failed call; `region` is `None` for global services.
pub fn gap(service: &str, region: Option<&str>, operation: &str) -> Gap {
    Gap {
        service: service.into(),
        region: region.map(str::to_string),
        operation: operation.into(),
        resource: None,
        error_code: "AccessDenied".into(),
        message: "not authorized".into(),
        account: None,
    }
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        collector_version: "test".into(),
        collected_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        account: Account {
            id: "111122223333".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::111122223333:user/auditor".into(),
        },
        regions: vec!["us-east-1".into()],
        iam: Iam {
            authorization_details: Observed::Collected(AuthorizationDetails::default()),
            credential_report: Observed::Collected(vec![]),
            password_policy: Observed::Collected(None),
            account_summary: Observed::Collected(Default::default()),
            virtual_mfa_devices: Observed::Collected(vec![]),
            server_certificates: Observed::Collected(vec![]),
        },
        s3: S3 {
            buckets: Observed::Collected(vec![]),
            account_public_access_block: Observed::Collected(None),
        },
        ec2: vec![],
        gaps: vec![],
        requests: Default::default(),
        notes: vec![],
        logging: Default::default(),
        kms: vec![],
        access_analyzers: vec![],
        security_contact: Observed::Collected(None),
        efs: vec![],
        rds: vec![],
        ssm: vec![],
        organization: Observed::Collected(None),
    }
}

pub fn region(name: &str) -> Ec2Region {
    Ec2Region {
        region: name.into(),
        vpcs: Observed::Collected(vec![]),
        security_groups: Observed::Collected(vec![]),
        network_acls: Observed::Collected(vec![]),
        flow_logs: Observed::Collected(vec![]),
        network_interfaces: Observed::Collected(vec![]),
        instances: Observed::Collected(vec![]),
        volumes: Observed::Collected(vec![]),
        snapshots: Observed::Collected(vec![]),
        images: Observed::Collected(vec![]),
        ebs_encryption_by_default: Observed::Collected(true),
    }
}

/// A private bucket with nothing configured.
pub fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        arn: format!("arn:aws:s3:::{name}"),
        region: Observed::Collected("us-east-1".into()),
        created: None,
        policy: Observed::Collected(None),
        acl: Observed::Collected(BucketAcl {
            owner_id: Some("owner".into()),
            grants: vec![AclGrant {
                grantee_type: "CanonicalUser".into(),
                grantee_uri: None,
                grantee_id: Some("owner".into()),
                permission: "FULL_CONTROL".into(),
            }],
        }),
        public_access_block: Observed::Collected(None),
        encryption: Observed::Collected(None),
        versioning: Observed::Collected(BucketVersioning {
            status: None,
            mfa_delete: None,
        }),
        object_ownership: Observed::Collected(None),
        logging_target: Observed::Collected(None),
    }
}

pub fn with_buckets(buckets: Vec<Bucket>) -> Snapshot {
    let mut snapshot = snapshot();
    snapshot.s3.buckets = Observed::Collected(buckets);
    snapshot
}

/// Runs one rule and renders its findings one per line (plus evidence), as reviewed in the
/// snapshot files.
pub fn run(rule: &Rule, snapshot: &Snapshot) -> String {
    run_with(rule, snapshot, &settings())
}

/// [`run`] with these settings.
pub fn run_with(rule: &Rule, snapshot: &Snapshot, settings: &Settings) -> String {
    let cx = Context { snapshot, settings };
    let mut findings = (rule.check)(rule, &cx);
    findings.sort_by(|a, b| (&a.region, &a.resource).cmp(&(&b.region, &b.resource)));
    findings
        .iter()
        .map(|f| {
            let mut line = format!(
                "{} {} {}{}: {}",
                f.status,
                f.severity,
                f.resource,
                f.region
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                f.message
            );
            if !f.evidence.is_null() {
                line.push_str(&format!("\n    evidence: {}", f.evidence));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn permission(
    protocol: &str,
    ports: Option<(i32, i32)>,
    v4: &[&str],
    v6: &[&str],
) -> PermissionRule {
    PermissionRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: v4.iter().map(|s| s.to_string()).collect(),
        ipv6_ranges: v6.iter().map(|s| s.to_string()).collect(),
        prefix_list_ids: vec![],
        referenced_group_ids: vec![],
    }
}

pub fn group(id: &str, ingress: Vec<PermissionRule>) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: id.replace("sg-", ""),
        description: String::new(),
        vpc_id: Some("vpc-1".into()),
        owner_id: "111122223333".into(),
        ingress,
        egress: vec![],
    }
}

pub fn interface(id: &str, group: &str, public_ip: Option<&str>) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        security_group_ids: vec![group.into()],
        instance_id: Some(format!("i-{id}")),
        public_ip: public_ip.map(str::to_string),
        interface_type: Some("interface".into()),
    }
}
