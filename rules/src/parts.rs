//! The parts of a snapshot, each read by its own API call or calls. Every rule declares
//! the parts it reads (`reads:` in `declare_rule!`), so that a run of a few rules collects
//! only what they need, and a part left out can never be mistaken for data: it is a gap
//! (`NotCollected`), which a rule that wrongly reads it reports as `unknown`.

use crate::model::{Gap, Observed, Snapshot};
use crate::rule::Rule;

/// One part of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// iam:GetAccountAuthorizationDetails: users, groups, roles, policies.
    IamAuthorizationDetails,
    /// iam:GenerateCredentialReport / GetCredentialReport.
    CredentialReport,
    PasswordPolicy,
    AccountSummary,
    VirtualMfaDevices,
    ServerCertificates,
    /// s3control:GetPublicAccessBlock for the account.
    AccountPublicAccessBlock,
    /// s3:ListBuckets and each bucket's region: needed by every per-bucket part.
    Buckets,
    BucketPolicy,
    BucketAcl,
    BucketPublicAccessBlock,
    BucketEncryption,
    BucketVersioning,
    BucketOwnership,
    BucketLogging,
    Vpcs,
    SecurityGroups,
    NetworkAcls,
    FlowLogs,
    NetworkInterfaces,
    Instances,
    Volumes,
    /// EBS snapshots and whether each is public.
    Snapshots,
    Images,
    EbsEncryptionByDefault,
    /// cloudtrail:DescribeTrails in every region, each trail's status and event selectors.
    Trails,
    /// config:DescribeConfigurationRecorders and their status, in every region.
    ConfigRecorders,
    /// kms:ListKeys and DescribeKey in every region, each customer key's rotation status
    /// and key policy.
    KmsKeys,
    /// access-analyzer:ListAnalyzers in every region.
    AccessAnalyzers,
    /// account:GetAlternateContact for the security contact.
    SecurityContact,
    /// elasticfilesystem:DescribeFileSystems in every region.
    EfsFileSystems,
    /// rds:DescribeDBInstances and DescribeDBClusters in every region.
    RdsDatabases,
    /// rds:DescribeDBSnapshots, DescribeDBClusterSnapshots and each manual snapshot's
    /// restore attribute, in every region.
    RdsSnapshots,
    /// ssm:DescribeInstanceInformation in every region.
    SsmManagedNodes,
    /// ssm:DescribeInstancePatchStates of the managed nodes: needs their list.
    SsmPatchStates,
    /// organizations:DescribeOrganization; in the management account also the guardrail
    /// policies in force for every account.
    Organization,
    /// iam:ListOrganizationsFeatures, in the management account: needs the organization.
    RootAccessFeatures,
    /// logs:DescribeMetricFilters of the log groups the trails deliver to,
    /// cloudwatch:DescribeAlarms of their regions, sns:ListSubscriptionsByTopic of the
    /// alarms' topics: needs the trails.
    LogMetricAlarms,
}

/// The parts the rules read, per-bucket parts with the bucket list they hang on.
pub fn needed_by<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Vec<Part> {
    let mut parts: Vec<Part> = rules
        .into_iter()
        .flat_map(|r| r.reads.iter().copied())
        .collect();
    let per_bucket = [
        Part::BucketPolicy,
        Part::BucketAcl,
        Part::BucketPublicAccessBlock,
        Part::BucketEncryption,
        Part::BucketVersioning,
        Part::BucketOwnership,
        Part::BucketLogging,
    ];
    if parts.iter().any(|p| per_bucket.contains(p)) {
        parts.push(Part::Buckets);
    }
    if parts.contains(&Part::SsmPatchStates) {
        parts.push(Part::SsmManagedNodes);
    }
    if parts.contains(&Part::RootAccessFeatures) {
        parts.push(Part::Organization);
    }
    if parts.contains(&Part::LogMetricAlarms) {
        parts.push(Part::Trails);
    }
    parts.sort();
    parts.dedup();
    parts
}

/// The gap that stands for a part the selected rules do not read.
pub fn not_collected(service: &str, part: Part) -> Gap {
    Gap {
        service: service.to_string(),
        region: None,
        operation: format!("{part:?}"),
        resource: None,
        error_code: "NotCollected".to_string(),
        message: "not read: no selected rule needs it".to_string(),
        account: None,
    }
}

/// `value`, or a `NotCollected` gap if `part` is not among `kept`.
fn keep<T>(value: &mut Observed<T>, part: Part, kept: &[Part], service: &str) {
    if !kept.contains(&part) {
        *value = Observed::Gap(Box::new(not_collected(service, part)));
    }
}

/// The snapshot with every part outside `kept` replaced by a `NotCollected` gap: what a
/// run collecting only `kept` would have read. The tests use it to prove each rule's
/// declaration (its findings are the same on the full snapshot and on this one).
pub fn only(snapshot: &Snapshot, kept: &[Part]) -> Snapshot {
    let mut s = snapshot.clone();
    keep(
        &mut s.iam.authorization_details,
        Part::IamAuthorizationDetails,
        kept,
        "iam",
    );
    keep(
        &mut s.iam.credential_report,
        Part::CredentialReport,
        kept,
        "iam",
    );
    keep(
        &mut s.iam.password_policy,
        Part::PasswordPolicy,
        kept,
        "iam",
    );
    keep(
        &mut s.iam.account_summary,
        Part::AccountSummary,
        kept,
        "iam",
    );
    keep(
        &mut s.iam.virtual_mfa_devices,
        Part::VirtualMfaDevices,
        kept,
        "iam",
    );
    keep(
        &mut s.iam.server_certificates,
        Part::ServerCertificates,
        kept,
        "iam",
    );
    keep(
        &mut s.s3.account_public_access_block,
        Part::AccountPublicAccessBlock,
        kept,
        "s3",
    );
    if let Observed::Collected(buckets) = &mut s.s3.buckets {
        for b in buckets.iter_mut() {
            keep(&mut b.policy, Part::BucketPolicy, kept, "s3");
            keep(&mut b.acl, Part::BucketAcl, kept, "s3");
            keep(
                &mut b.public_access_block,
                Part::BucketPublicAccessBlock,
                kept,
                "s3",
            );
            keep(&mut b.encryption, Part::BucketEncryption, kept, "s3");
            keep(&mut b.versioning, Part::BucketVersioning, kept, "s3");
            keep(&mut b.object_ownership, Part::BucketOwnership, kept, "s3");
            keep(&mut b.logging_target, Part::BucketLogging, kept, "s3");
        }
    }
    keep(&mut s.s3.buckets, Part::Buckets, kept, "s3");
    for r in &mut s.ec2 {
        keep(&mut r.vpcs, Part::Vpcs, kept, "ec2");
        keep(&mut r.security_groups, Part::SecurityGroups, kept, "ec2");
        keep(&mut r.network_acls, Part::NetworkAcls, kept, "ec2");
        keep(&mut r.flow_logs, Part::FlowLogs, kept, "ec2");
        keep(
            &mut r.network_interfaces,
            Part::NetworkInterfaces,
            kept,
            "ec2",
        );
        keep(&mut r.instances, Part::Instances, kept, "ec2");
        keep(&mut r.volumes, Part::Volumes, kept, "ec2");
        keep(&mut r.snapshots, Part::Snapshots, kept, "ec2");
        keep(&mut r.images, Part::Images, kept, "ec2");
        keep(
            &mut r.ebs_encryption_by_default,
            Part::EbsEncryptionByDefault,
            kept,
            "ec2",
        );
    }
    if !kept.contains(&Part::LogMetricAlarms) {
        s.logging.log_groups.clear();
    }
    keep(&mut s.logging.trails, Part::Trails, kept, "cloudtrail");
    for r in &mut s.logging.config {
        keep(&mut r.recorders, Part::ConfigRecorders, kept, "config");
    }
    for r in &mut s.kms {
        keep(&mut r.keys, Part::KmsKeys, kept, "kms");
    }
    keep(
        &mut s.security_contact,
        Part::SecurityContact,
        kept,
        "account",
    );
    for r in &mut s.efs {
        keep(
            &mut r.file_systems,
            Part::EfsFileSystems,
            kept,
            "elasticfilesystem",
        );
    }
    for r in &mut s.rds {
        keep(&mut r.databases, Part::RdsDatabases, kept, "rds");
        keep(&mut r.snapshots, Part::RdsSnapshots, kept, "rds");
    }
    for r in &mut s.ssm {
        keep(&mut r.managed_nodes, Part::SsmManagedNodes, kept, "ssm");
        keep(&mut r.patch_states, Part::SsmPatchStates, kept, "ssm");
    }
    if let Observed::Collected(Some(organization)) = &mut s.organization {
        if let Some(management) = &mut organization.management {
            keep(
                &mut management.root_access_features,
                Part::RootAccessFeatures,
                kept,
                "iam",
            );
        }
    }
    keep(
        &mut s.organization,
        Part::Organization,
        kept,
        "organizations",
    );
    for r in &mut s.access_analyzers {
        keep(
            &mut r.analyzers,
            Part::AccessAnalyzers,
            kept,
            "access-analyzer",
        );
    }
    s
}
