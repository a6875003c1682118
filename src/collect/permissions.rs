//! The IAM actions the collector needs: what `posture permissions` prints, and what the
//! least-privilege live test grants. All are reads. They come from the table of parts
//! (`posture_rules::parts`), which names every operation the collector calls: `Call::new`
//! refuses, in debug builds (every test), an operation missing from it.

use posture_rules::parts;

/// The IAM actions the collector needs, in the order of the table of parts: what `posture
/// permissions` prints and the least-privilege live tests grant.
pub fn read_actions() -> Vec<String> {
    let mut actions: Vec<String> = Vec::new();
    for operation in parts::operations() {
        if !actions.iter().any(|a| a == operation.action) {
            actions.push(operation.action.to_string());
        }
    }
    actions
}

/// The IAM action that allows an API operation: the table's, or else the operation's own
/// name.
pub fn iam_action(service: &str, operation: &str) -> String {
    parts::iam_action(service, operation)
        .map_or_else(|| format!("{service}:{operation}"), str::to_string)
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

    /// A part added to the table and not to the README's account of what posture reads
    /// fails here.
    #[test]
    fn the_readme_names_every_operation() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## What it reads")
            .nth(1)
            .expect("the section");
        let section = section.split("\n## ").next().unwrap();
        for operation in parts::operations() {
            let name = format!("`{}`", operation.name());
            assert!(section.contains(&name), "{name} is not in What it reads");
        }
    }
}
