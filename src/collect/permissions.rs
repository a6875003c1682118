//! The IAM actions the collector needs: what `posture permissions` prints, and what the
//! least-privilege live test grants. All are reads.

/// Every API operation the collector calls, as (service, operation): the one list.
/// `Call::new` refuses, in debug builds (every test), an operation missing from it, so
/// the policy `posture permissions` prints, generated from it, cannot fall behind.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("sts", "GetCallerIdentity"),
    // IAM, once per account.
    ("iam", "GetAccountAuthorizationDetails"),
    ("iam", "GenerateCredentialReport"),
    ("iam", "GetCredentialReport"),
    ("iam", "GetAccountPasswordPolicy"),
    ("iam", "GetAccountSummary"),
    ("iam", "ListVirtualMFADevices"),
    ("iam", "ListServerCertificates"),
    // EC2, per region.
    ("ec2", "DescribeRegions"),
    ("ec2", "DescribeVpcs"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeNetworkAcls"),
    ("ec2", "DescribeFlowLogs"),
    ("ec2", "DescribeNetworkInterfaces"),
    ("ec2", "DescribeInstances"),
    ("ec2", "DescribeVolumes"),
    ("ec2", "DescribeSnapshots"),
    ("ec2", "DescribeSnapshotAttribute"),
    ("ec2", "DescribeImages"),
    ("ec2", "GetEbsEncryptionByDefault"),
    // S3, once per account and per bucket.
    ("s3", "ListBuckets"),
    ("s3", "GetBucketLocation"),
    ("s3", "GetBucketPolicy"),
    ("s3", "GetBucketAcl"),
    ("s3", "GetPublicAccessBlock"),
    ("s3", "GetBucketEncryption"),
    ("s3", "GetBucketVersioning"),
    ("s3", "GetBucketOwnershipControls"),
    ("s3", "GetBucketLogging"),
    ("s3control", "GetPublicAccessBlock"),
    // CloudTrail: the trails in every region, each trail's status and selectors once.
    ("cloudtrail", "DescribeTrails"),
    ("cloudtrail", "GetTrailStatus"),
    ("cloudtrail", "GetEventSelectors"),
    // What alarms on the trails' events: per log group a trail delivers to, per region of
    // those groups, per SNS topic of an alarm on their metrics.
    ("logs", "DescribeMetricFilters"),
    ("cloudwatch", "DescribeAlarms"),
    ("sns", "ListSubscriptionsByTopic"),
    // AWS Config, per region.
    ("config", "DescribeConfigurationRecorders"),
    ("config", "DescribeConfigurationRecorderStatus"),
    // KMS, per region and per key.
    ("kms", "ListKeys"),
    ("kms", "DescribeKey"),
    ("kms", "GetKeyRotationStatus"),
    ("kms", "GetKeyPolicy"),
    // IAM Access Analyzer, per region.
    ("access-analyzer", "ListAnalyzers"),
    // The account's security contact, once.
    ("account", "GetAlternateContact"),
    // EFS, per region.
    ("elasticfilesystem", "DescribeFileSystems"),
    // RDS, per region, and per manual snapshot.
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBSnapshots"),
    ("rds", "DescribeDBClusterSnapshots"),
    ("rds", "DescribeDBSnapshotAttributes"),
    ("rds", "DescribeDBClusterSnapshotAttributes"),
    // The organization, once; in its management account also the tree, the guardrail
    // policies with their targets, and IAM's organization features.
    ("organizations", "DescribeOrganization"),
    ("organizations", "ListRoots"),
    ("organizations", "ListOrganizationalUnitsForParent"),
    ("organizations", "ListAccountsForParent"),
    ("organizations", "ListPolicies"),
    ("organizations", "ListTargetsForPolicy"),
    ("iam", "ListOrganizationsFeatures"),
    // Systems Manager, per region and per 50 managed nodes.
    ("ssm", "DescribeInstanceInformation"),
    ("ssm", "DescribeInstancePatchStates"),
];

/// The IAM actions the collector needs, in the order of [`OPERATIONS`]: what `posture
/// permissions` prints and the least-privilege live tests grant.
pub fn read_actions() -> Vec<String> {
    let mut actions: Vec<String> = Vec::new();
    for (service, operation) in OPERATIONS {
        let action = iam_action(service, operation);
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    actions
}

/// The IAM action that allows an API operation, as `READ_ACTIONS` spells it: the
/// operation's own name except where S3 names its action differently.
pub fn iam_action(service: &str, operation: &str) -> String {
    let renamed = match (service, operation) {
        ("s3", "ListBuckets") => Some("s3:ListAllMyBuckets"),
        ("s3", "GetPublicAccessBlock") => Some("s3:GetBucketPublicAccessBlock"),
        ("s3", "GetBucketEncryption") => Some("s3:GetEncryptionConfiguration"),
        ("s3control", "GetPublicAccessBlock") => Some("s3:GetAccountPublicAccessBlock"),
        _ => None,
    };
    renamed.map_or_else(|| format!("{service}:{operation}"), str::to_string)
}

/// What `--org` reads in the management account (or delegated administrator), besides
/// assuming the audit role in each member.
pub const ORGANIZATION_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListTagsForResource",
    "organizations:DescribeOrganizationalUnit",
];

/// The policy of the identity that runs `--org`: list the organization, and assume the
/// audit role (`role`) in every account.
pub fn organization_policy_document(role: &str) -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PostureListOrganization",
                "Effect": "Allow",
                "Action": ORGANIZATION_ACTIONS,
                "Resource": "*",
            },
            {
                "Sid": "PostureAssumeAuditRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": format!("arn:aws:iam::*:role/{role}"),
            },
        ],
    })
}

/// The least-privilege identity policy for a posture scan.
pub fn policy_document() -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PostureReadOnly",
            "Effect": "Allow",
            "Action": read_actions(),
            "Resource": "*",
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_the_actions_the_policy_grants() {
        for (service, operation) in [
            ("s3", "ListBuckets"),
            ("s3", "GetPublicAccessBlock"),
            ("s3", "GetBucketEncryption"),
            ("s3control", "GetPublicAccessBlock"),
            ("s3", "GetBucketVersioning"),
            ("ec2", "DescribeSecurityGroups"),
            ("iam", "GetAccountAuthorizationDetails"),
        ] {
            let action = iam_action(service, operation);
            assert!(read_actions().contains(&action), "{action}");
        }
        // S3's renamed actions, as IAM spells them.
        for action in [
            "s3:ListAllMyBuckets",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetEncryptionConfiguration",
            "s3:GetAccountPublicAccessBlock",
        ] {
            assert!(read_actions().iter().any(|a| a == action), "{action}");
        }
    }

    #[test]
    fn only_reads() {
        for action in read_actions() {
            let (_, name) = action.split_once(':').expect("service:Action");
            assert!(
                ["Get", "List", "Describe"]
                    .iter()
                    .any(|verb| name.starts_with(verb))
                    || action == "iam:GenerateCredentialReport",
                "{action} is not a read"
            );
        }
    }
}
