//! The one table of compliance mappings: which rules observe which recommendation of the
//! CIS AWS Foundations Benchmark (v7.0.0, the newest; v5.0.0, the one AWS Security Hub runs;
//! v3.0.0, which earlier reports of posture used) and which AWS Foundational Security Best
//! Practices controls. `posture rules --compliance ID`, every report format and the rule
//! documentation read it; rules do not list their ids themselves.
//!
//! The CIS recommendations are one list with their number in each version, because the
//! benchmark renumbers the same recommendation between versions (root access keys are 1.4 in
//! v3.0.0, 1.3 in v5.0.0 and 2.4 in v7.0.0). Numbers are the benchmark's own; titles are
//! ours. Sources: the CIS benchmark documents (cisecurity.org/benchmark/amazon_web_services),
//! the Security Hub CIS v5.0.0 control list
//! (docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html) and
//! the FSBP control reference
//! (docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html), cross-checked with
//! the mapping files of prowler-cloud/prowler (`prowler/compliance/aws/cis_*_aws.json`).

use std::cmp::Ordering;

/// A benchmark or standard findings can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framework {
    /// What `--compliance` takes: `cis-7.0`, `cis-5.0`, `cis-3.0`, `fsbp`.
    pub id: &'static str,
    pub name: &'static str,
    /// Short label in reports: "CIS v7.0".
    pub label: &'static str,
    edition: Edition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edition {
    Cis7,
    Cis5,
    Cis3,
    Fsbp,
}

pub const FRAMEWORKS: [Framework; 4] = [
    Framework {
        id: "cis-7.0",
        name: "CIS Amazon Web Services Foundations Benchmark v7.0.0",
        label: "CIS v7.0",
        edition: Edition::Cis7,
    },
    Framework {
        id: "cis-5.0",
        name: "CIS Amazon Web Services Foundations Benchmark v5.0.0 (AWS Security Hub)",
        label: "CIS v5.0",
        edition: Edition::Cis5,
    },
    Framework {
        id: "cis-3.0",
        name: "CIS Amazon Web Services Foundations Benchmark v3.0.0",
        label: "CIS v3.0",
        edition: Edition::Cis3,
    },
    Framework {
        id: "fsbp",
        name: "AWS Foundational Security Best Practices",
        label: "AWS FSBP",
        edition: Edition::Fsbp,
    },
];

/// One control of a framework, with the rules that observe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The framework's own number: `2.4`, `EC2.19`.
    pub id: &'static str,
    pub title: &'static str,
    /// The rules whose findings decide it; empty when posture does not observe it.
    pub rules: &'static [&'static str],
    /// Why no rule observes it (empty when rules do).
    pub not_observed: &'static str,
}

impl Framework {
    pub fn by_id(id: &str) -> Option<&'static Framework> {
        FRAMEWORKS.iter().find(|f| f.id == id)
    }

    /// Every control of the framework that this table knows, in the framework's order.
    pub fn controls(&self) -> Vec<Control> {
        let mut controls: Vec<Control> = match self.edition {
            Edition::Fsbp => FSBP.to_vec(),
            edition => CIS
                .iter()
                .filter_map(|r| {
                    let id = match edition {
                        Edition::Cis7 => r.v7,
                        Edition::Cis5 => r.v5,
                        _ => r.v3,
                    };
                    Some(Control {
                        id: id?,
                        title: r.title,
                        rules: r.rules,
                        not_observed: r.not_observed,
                    })
                })
                .collect(),
        };
        controls.sort_by(|a, b| compare_ids(a.id, b.id));
        controls
    }

    /// The section a control belongs to, for grouping a report: "2 Identity and Access
    /// Management" for CIS v7.0's 2.4, "EC2" for FSBP's EC2.19.
    pub fn section(&self, control: &str) -> String {
        let head = control.split('.').next().unwrap_or(control);
        const NAMES: [&str; 5] = [
            "Identity and Access Management",
            "Storage",
            "Logging",
            "Monitoring",
            "Networking",
        ];
        // CIS v7.0 starts its recommendations at section 2, earlier versions at 1.
        let first = match self.edition {
            Edition::Fsbp => return head.to_string(),
            Edition::Cis7 => 2,
            Edition::Cis5 | Edition::Cis3 => 1,
        };
        let name = head
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(first))
            .and_then(|i| NAMES.get(i));
        match name {
            Some(name) => format!("{head} {name}"),
            None => head.to_string(),
        }
    }
}

/// The controls of every framework that a rule observes, as (framework, control id).
pub fn of_rule(rule_id: &str) -> Vec<(&'static Framework, &'static str)> {
    FRAMEWORKS
        .iter()
        .flat_map(|framework| {
            framework
                .controls()
                .into_iter()
                .filter(|c| c.rules.contains(&rule_id))
                .map(move |c| (framework, c.id))
        })
        .collect()
}

/// "CIS v7.0 2.4, 2.5; AWS FSBP IAM.4" — a rule's mappings in one line (empty if none).
pub fn summary_of_rule(rule_id: &str) -> String {
    let mappings = of_rule(rule_id);
    let mut parts = Vec::new();
    for framework in &FRAMEWORKS {
        let ids: Vec<&str> = mappings
            .iter()
            .filter(|(f, _)| f.id == framework.id)
            .map(|(_, id)| *id)
            .collect();
        if !ids.is_empty() {
            parts.push(format!("{} {}", framework.label, ids.join(", ")));
        }
    }
    parts.join("; ")
}

/// The rules that observe no control of these frameworks: they go beyond the benchmarks.
/// Every other rule is mapped in the tables below (a test holds the two apart).
pub const BEYOND_BENCHMARKS: &[&str] = &[
    "data-outside-allowed-regions",
    "ec2-image-public",
    "ec2-instance-ssm-agent-not-reporting",
    "ec2-snapshot-unencrypted",
    "iam-policy-not-action-allow",
    "iam-principal-administrator",
    "iam-principal-can-empower-others",
    "iam-privilege-escalation",
    "iam-role-cross-account-trust-without-external-id",
    "iam-role-web-identity-trust-without-subject",
    "iam-user-long-lived-access-keys",
    "kms-key-cross-account-access",
];

/// Orders `2.10` after `2.9`, and `EC2.19` after `EC2.2`.
fn compare_ids(a: &str, b: &str) -> Ordering {
    let key = |id: &str| -> Vec<(String, u32)> {
        id.split('.')
            .map(|part| match part.parse::<u32>() {
                Ok(n) => (String::new(), n),
                Err(_) => (part.to_string(), 0),
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

/// A CIS recommendation and its number in each version (`None`: not in that version).
struct Recommendation {
    v7: Option<&'static str>,
    v5: Option<&'static str>,
    v3: Option<&'static str>,
    title: &'static str,
    rules: &'static [&'static str],
    not_observed: &'static str,
}

// Why a control is not observed, in a few words.
const OU_DESIGN: &str = "a judgement of the OU design, not visible in the APIs read";
const DELEGATION: &str = "delegated administrators are not read yet";
const PROCESS: &str = "a process, not visible in the APIs read";
const MACIE: &str = "Macie is not read yet";
const SECURITY_HUB: &str = "Security Hub is not read yet";
const ROUTES: &str = "route tables are not read yet";
const ENDPOINTS: &str = "VPC endpoints are not read yet";
const FRONT_ENDS: &str = "CloudFront, ELB and API Gateway are not read yet";

const fn cis(
    v7: Option<&'static str>,
    v5: Option<&'static str>,
    v3: Option<&'static str>,
    title: &'static str,
    rules: &'static [&'static str],
) -> Recommendation {
    Recommendation {
        v7,
        v5,
        v3,
        title,
        rules,
        not_observed: "",
    }
}

const fn unobserved(
    v7: Option<&'static str>,
    v5: Option<&'static str>,
    v3: Option<&'static str>,
    title: &'static str,
    why: &'static str,
) -> Recommendation {
    Recommendation {
        v7,
        v5,
        v3,
        title,
        rules: &[],
        not_observed: why,
    }
}

#[rustfmt::skip]
const CIS: &[Recommendation] = &[
    cis(Some("2.1.1"), None, None, "Root access is managed centrally by the organization", &["organization-root-access-not-centralized"]),
    cis(Some("2.1.2"), None, None, "Guardrail SCPs or RCPs cover every member account", &["organization-account-without-guardrails"]),
    cis(Some("2.1.3"), None, None, "The management account runs no workloads", &["organization-management-account-has-workloads"]),
    unobserved(Some("2.1.4"), None, None, "Organizational units follow environment and sensitivity", OU_DESIGN),
    unobserved(Some("2.1.5"), None, None, "A delegated administrator manages organization policies", DELEGATION),
    unobserved(Some("2.1.6"), None, None, "Delegated administrators run organization-wide services", DELEGATION),
    unobserved(Some("2.2"), Some("1.1"), Some("1.1"), "Account contact details are current", PROCESS),
    cis(Some("2.3"), Some("1.2"), Some("1.2"), "A security contact is registered", &["account-security-contact-missing"]),
    unobserved(None, None, Some("1.3"), "Security questions are registered", PROCESS),
    cis(Some("2.4"), Some("1.3"), Some("1.4"), "The root user has no access key", &["iam-root-access-keys"]),
    cis(Some("2.5"), Some("1.4"), Some("1.5"), "The root user has MFA", &["iam-root-mfa-disabled"]),
    cis(Some("2.6"), Some("1.5"), Some("1.6"), "The root user has hardware MFA", &["iam-root-hardware-mfa-missing"]),
    cis(Some("2.7"), Some("1.6"), Some("1.7"), "The root user is not used for daily work", &["iam-root-used-recently"]),
    cis(Some("2.8"), Some("1.7"), Some("1.8"), "Passwords are at least 14 characters", &["iam-password-policy-weak"]),
    cis(Some("2.9"), Some("1.8"), Some("1.9"), "Passwords cannot be reused", &["iam-password-policy-weak"]),
    cis(Some("2.10"), Some("1.9"), Some("1.10"), "Every user with a console password has MFA", &["iam-user-console-without-mfa"]),
    cis(None, Some("1.10"), Some("1.11"), "No access key is created with a console user", &["iam-access-key-unused-since-setup"]),
    cis(Some("2.11"), Some("1.11"), Some("1.12"), "Credentials unused for 45 days are disabled", &["iam-credentials-unused"]),
    cis(None, Some("1.12"), Some("1.13"), "A user has at most one active access key", &["iam-user-multiple-active-keys"]),
    cis(Some("2.12"), Some("1.13"), Some("1.14"), "Access keys are rotated within 90 days", &["iam-access-key-old"]),
    cis(Some("2.13"), Some("1.14"), Some("1.15"), "Users get permissions only through groups", &["iam-user-policy-attached-directly"]),
    cis(Some("2.14"), Some("1.15"), Some("1.16"), "No attached policy allows \"*:*\"", &["iam-policy-full-admin"]),
    cis(Some("2.15"), Some("1.16"), Some("1.17"), "A support role exists for AWS Support incidents", &["iam-support-role-missing"]),
    cis(Some("2.16"), Some("1.17"), Some("1.18"), "Instances use instance roles for AWS access", &["ec2-instance-without-profile"]),
    cis(Some("2.17"), Some("1.18"), Some("1.19"), "Expired server certificates are removed from IAM", &["iam-server-certificate-expired"]),
    cis(Some("2.18"), Some("1.19"), Some("1.20"), "IAM Access Analyzer runs in every region", &["iam-access-analyzer-disabled"]),
    unobserved(Some("2.19"), Some("1.20"), Some("1.21"), "Users are managed centrally (federation or Organizations)", PROCESS),
    cis(Some("2.20"), Some("1.21"), Some("1.22"), "AWSCloudShellFullAccess is restricted", &["iam-cloudshell-full-access"]),
    cis(Some("2.21"), None, None, "Resource policies grant \"*\" only under a restricting condition", &["s3-bucket-policy-any-principal", "iam-role-trust-any-principal"]),
    cis(Some("3.1.1"), Some("2.1.1"), Some("2.1.1"), "Bucket policies deny plain HTTP", &["s3-bucket-tls-not-enforced"]),
    cis(Some("3.1.2"), Some("2.1.2"), Some("2.1.2"), "MFA delete is on for S3 buckets", &["s3-bucket-mfa-delete-disabled"]),
    unobserved(Some("3.1.3"), Some("2.1.3"), Some("2.1.3"), "Data in S3 is discovered and classified", MACIE),
    cis(Some("3.1.4"), Some("2.1.4"), Some("2.1.4"), "S3 Block Public Access is on", &["s3-bucket-public-access-block-off", "s3-account-public-access-block-off"]),
    cis(Some("3.2.1"), Some("2.2.1"), Some("2.3.1"), "RDS instances are encrypted at rest", &["rds-storage-unencrypted"]),
    cis(Some("3.2.2"), Some("2.2.2"), Some("2.3.2"), "RDS instances take minor version upgrades", &["rds-instance-minor-version-upgrade-off"]),
    cis(Some("3.2.3"), Some("2.2.3"), Some("2.3.3"), "RDS instances are not publicly accessible", &["rds-instance-publicly-accessible"]),
    cis(Some("3.2.4"), Some("2.2.4"), None, "RDS uses Multi-AZ deployments", &["rds-database-single-az"]),
    cis(Some("3.3.1"), Some("2.3.1"), Some("2.4.1"), "EFS file systems are encrypted", &["efs-file-system-unencrypted"]),
    cis(Some("4.1"), Some("3.1"), Some("3.1"), "CloudTrail records every region", &["cloudtrail-multi-region-trail-missing"]),
    cis(Some("4.2"), Some("3.2"), Some("3.2"), "CloudTrail log file validation is on", &["cloudtrail-log-file-validation-disabled"]),
    cis(Some("4.3"), Some("3.3"), Some("3.3"), "AWS Config records every region", &["config-recorder-off"]),
    cis(Some("4.4"), Some("3.4"), Some("3.4"), "The CloudTrail bucket has access logging", &["cloudtrail-bucket-access-logging-disabled"]),
    cis(Some("4.5"), Some("3.5"), Some("3.5"), "CloudTrail logs are encrypted with KMS keys", &["cloudtrail-logs-not-kms-encrypted"]),
    cis(Some("4.6"), Some("3.6"), Some("3.6"), "Customer-managed symmetric KMS keys rotate", &["kms-key-rotation-disabled"]),
    cis(Some("4.7"), Some("3.7"), Some("3.7"), "Every VPC has flow logs", &["ec2-vpc-flow-logs-disabled"]),
    cis(Some("4.8"), Some("3.8"), Some("3.8"), "S3 object-level writes are logged", &["cloudtrail-s3-object-writes-not-logged"]),
    cis(Some("4.9"), Some("3.9"), Some("3.9"), "S3 object-level reads are logged", &["cloudtrail-s3-object-reads-not-logged"]),
    unobserved(Some("4.10"), None, None, "Managed web front ends have access logging", FRONT_ENDS),
    cis(Some("5.1"), Some("4.1"), Some("4.1"), "Unauthorized API calls raise an alarm", &["cloudwatch-no-alarm-unauthorized-api-calls"]),
    cis(Some("5.2"), Some("4.2"), Some("4.2"), "Console sign-in without MFA raises an alarm", &["cloudwatch-no-alarm-console-sign-in-without-mfa"]),
    cis(Some("5.3"), Some("4.3"), Some("4.3"), "Use of the root user raises an alarm", &["cloudwatch-no-alarm-root-usage"]),
    cis(Some("5.4"), Some("4.4"), Some("4.4"), "IAM policy changes raise an alarm", &["cloudwatch-no-alarm-iam-policy-changes"]),
    cis(Some("5.5"), Some("4.5"), Some("4.5"), "CloudTrail configuration changes raise an alarm", &["cloudwatch-no-alarm-cloudtrail-changes"]),
    cis(Some("5.6"), Some("4.6"), Some("4.6"), "Console authentication failures raise an alarm", &["cloudwatch-no-alarm-console-authentication-failures"]),
    cis(Some("5.7"), Some("4.7"), Some("4.7"), "Disabling or deleting customer KMS keys raises an alarm", &["cloudwatch-no-alarm-kms-key-deletion"]),
    cis(Some("5.8"), Some("4.8"), Some("4.8"), "Bucket policy changes raise an alarm", &["cloudwatch-no-alarm-bucket-policy-changes"]),
    cis(Some("5.9"), Some("4.9"), Some("4.9"), "AWS Config changes raise an alarm", &["cloudwatch-no-alarm-config-changes"]),
    cis(Some("5.10"), Some("4.10"), Some("4.10"), "Security group changes raise an alarm", &["cloudwatch-no-alarm-security-group-changes"]),
    cis(Some("5.11"), Some("4.11"), Some("4.11"), "Network ACL changes raise an alarm", &["cloudwatch-no-alarm-network-acl-changes"]),
    cis(Some("5.12"), Some("4.12"), Some("4.12"), "Network gateway changes raise an alarm", &["cloudwatch-no-alarm-network-gateway-changes"]),
    cis(Some("5.13"), Some("4.13"), Some("4.13"), "Route table changes raise an alarm", &["cloudwatch-no-alarm-route-table-changes"]),
    cis(Some("5.14"), Some("4.14"), Some("4.14"), "VPC changes raise an alarm", &["cloudwatch-no-alarm-vpc-changes"]),
    cis(Some("5.15"), Some("4.15"), Some("4.15"), "AWS Organizations changes raise an alarm", &["cloudwatch-no-alarm-organizations-changes"]),
    unobserved(Some("5.16"), Some("4.16"), Some("4.16"), "AWS Security Hub is on", SECURITY_HUB),
    cis(Some("6.1.1"), Some("5.1.1"), Some("2.2.1"), "EBS encryption by default is on in every region", &["ec2-ebs-encryption-by-default-off"]),
    cis(Some("6.1.2"), Some("5.1.2"), None, "CIFS (445) is open only to trusted networks", &["ec2-security-group-cifs-open"]),
    cis(Some("6.2"), Some("5.2"), Some("5.1"), "No network ACL admits the internet to admin ports", &["ec2-network-acl-admin-ports-open"]),
    cis(Some("6.3"), Some("5.3"), Some("5.2"), "No security group admits 0.0.0.0/0 to admin ports", &["ec2-security-group-admin-ports-open"]),
    cis(Some("6.4"), Some("5.4"), Some("5.3"), "No security group admits ::/0 to admin ports", &["ec2-security-group-admin-ports-open"]),
    cis(Some("6.5"), Some("5.5"), Some("5.4"), "Default security groups allow no traffic", &["ec2-default-security-group-has-rules"]),
    unobserved(Some("6.6"), Some("5.6"), Some("5.5"), "VPC peering routes are least access", ROUTES),
    cis(Some("6.7"), Some("5.7"), Some("5.6"), "Instances require IMDSv2", &["ec2-instance-imdsv1-allowed"]),
    unobserved(Some("6.8"), None, None, "VPC endpoints carry traffic to AWS services", ENDPOINTS),
];

const fn fsbp(id: &'static str, title: &'static str, rules: &'static [&'static str]) -> Control {
    Control {
        id,
        title,
        rules,
        not_observed: "",
    }
}

/// The FSBP controls posture observes (the standard has hundreds, for services posture
/// does not read; only those it observes are listed).
#[rustfmt::skip]
const FSBP: &[Control] = &[
    fsbp("Account.1", "The account has security contact information", &["account-security-contact-missing"]),
    fsbp("CloudTrail.1", "A multi-region trail records read and write management events", &["cloudtrail-multi-region-trail-missing"]),
    fsbp("CloudTrail.2", "Trails encrypt their logs at rest with KMS", &["cloudtrail-logs-not-kms-encrypted"]),
    fsbp("CloudTrail.4", "Trails validate their log files", &["cloudtrail-log-file-validation-disabled"]),
    fsbp("CloudTrail.5", "Trails deliver to CloudWatch Logs", &["cloudtrail-cloudwatch-logs-not-integrated"]),
    fsbp("Config.1", "AWS Config is on and records", &["config-recorder-off"]),
    fsbp("EC2.1", "EBS snapshots are not restorable by anyone", &["ec2-snapshot-public"]),
    fsbp("EC2.2", "Default security groups allow no traffic", &["ec2-default-security-group-has-rules"]),
    fsbp("EC2.3", "Attached EBS volumes are encrypted", &["ec2-ebs-volume-unencrypted"]),
    fsbp("EC2.6", "Every VPC has flow logs", &["ec2-vpc-flow-logs-disabled"]),
    fsbp("EC2.7", "EBS encryption by default is on", &["ec2-ebs-encryption-by-default-off"]),
    fsbp("EC2.8", "Instances require IMDSv2", &["ec2-instance-imdsv1-allowed"]),
    fsbp("EC2.9", "Instances have no public IPv4 address", &["ec2-instance-public-ip"]),
    fsbp("EC2.13", "No security group admits the internet to port 22", &["ec2-security-group-admin-ports-open"]),
    fsbp("EC2.14", "No security group admits the internet to port 3389", &["ec2-security-group-admin-ports-open"]),
    fsbp("EC2.18", "Security groups open to the internet only on authorized ports", &["ec2-security-group-all-ports-open"]),
    fsbp("EC2.19", "No security group admits the internet to high-risk ports", &["ec2-security-group-all-ports-open", "ec2-security-group-high-risk-ports-open", "ec2-security-group-cifs-open"]),
    fsbp("EC2.21", "No network ACL admits the internet to port 22 or 3389", &["ec2-network-acl-admin-ports-open"]),
    fsbp("EC2.53", "No security group admits 0.0.0.0/0 to remote administration ports", &["ec2-security-group-admin-ports-open"]),
    fsbp("EC2.54", "No security group admits ::/0 to remote administration ports", &["ec2-security-group-admin-ports-open"]),
    fsbp("IAM.1", "No customer policy allows \"*\" on \"*\"", &["iam-policy-full-admin"]),
    fsbp("IAM.2", "Users have no policies attached", &["iam-user-policy-attached-directly"]),
    fsbp("IAM.3", "Access keys are rotated within 90 days", &["iam-access-key-old"]),
    fsbp("IAM.4", "The root user has no access key", &["iam-root-access-keys"]),
    fsbp("IAM.5", "Every user with a console password has MFA", &["iam-user-console-without-mfa"]),
    fsbp("IAM.6", "The root user has hardware MFA", &["iam-root-hardware-mfa-missing"]),
    fsbp("IAM.7", "The password policy is strong", &["iam-password-policy-weak"]),
    fsbp("IAM.9", "The root user has MFA", &["iam-root-mfa-disabled"]),
    fsbp("IAM.15", "Passwords are at least 14 characters", &["iam-password-policy-weak"]),
    fsbp("IAM.16", "Passwords cannot be reused", &["iam-password-policy-weak"]),
    fsbp("IAM.18", "A support role exists for AWS Support incidents", &["iam-support-role-missing"]),
    fsbp("IAM.21", "Customer policies do not allow every action of a service", &["iam-policy-service-wildcard"]),
    fsbp("IAM.22", "Credentials unused for 45 days are removed", &["iam-credentials-unused"]),
    fsbp("IAM.26", "Expired server certificates are removed from IAM", &["iam-server-certificate-expired"]),
    fsbp("EFS.1", "EFS file systems are encrypted at rest with KMS", &["efs-file-system-unencrypted"]),
    fsbp("KMS.3", "Customer KMS keys are not deleted unintentionally", &["kms-key-pending-deletion"]),
    fsbp("KMS.4", "Customer KMS keys rotate", &["kms-key-rotation-disabled"]),
    fsbp("KMS.5", "KMS keys are not publicly accessible", &["kms-key-policy-any-principal"]),
    fsbp("RDS.1", "RDS snapshots are private", &["rds-snapshot-public"]),
    fsbp("RDS.2", "RDS instances are not publicly accessible", &["rds-instance-publicly-accessible"]),
    fsbp("RDS.3", "RDS instances are encrypted at rest", &["rds-storage-unencrypted"]),
    fsbp("RDS.4", "RDS snapshots are encrypted at rest", &["rds-snapshot-unencrypted"]),
    fsbp("RDS.5", "RDS instances use multiple Availability Zones", &["rds-database-single-az"]),
    fsbp("RDS.13", "RDS instances take minor version upgrades automatically", &["rds-instance-minor-version-upgrade-off"]),
    fsbp("RDS.15", "RDS clusters use multiple Availability Zones", &["rds-database-single-az"]),
    fsbp("RDS.27", "RDS clusters are encrypted at rest", &["rds-storage-unencrypted"]),
    fsbp("SSM.1", "EC2 instances are managed by Systems Manager", &["ec2-instance-not-managed-by-ssm"]),
    fsbp("SSM.2", "Managed instances are compliant with their patch baseline", &["ec2-instance-patches-missing"]),
    fsbp("S3.1", "Account-level S3 Block Public Access is on", &["s3-account-public-access-block-off"]),
    fsbp("S3.2", "Buckets do not allow public read", &["s3-bucket-public-acl", "s3-bucket-public-policy"]),
    fsbp("S3.3", "Buckets do not allow public write", &["s3-bucket-public-acl", "s3-bucket-public-policy"]),
    fsbp("S3.5", "Buckets require TLS", &["s3-bucket-tls-not-enforced"]),
    fsbp("S3.6", "Bucket policies limit what other accounts may do", &["s3-bucket-cross-account-access"]),
    fsbp("S3.8", "Bucket-level S3 Block Public Access is on", &["s3-bucket-public-access-block-off"]),
    fsbp("S3.9", "Buckets have server access logging", &["s3-bucket-access-logging-disabled"]),
    fsbp("S3.12", "Bucket ACLs are not used to grant access", &["s3-bucket-acls-enabled"]),
    fsbp("S3.14", "Buckets have versioning", &["s3-bucket-versioning-disabled"]),
    fsbp("S3.17", "Buckets are encrypted with KMS keys", &["s3-bucket-default-encryption-not-kms"]),
    fsbp("S3.20", "Buckets have MFA delete", &["s3-bucket-mfa-delete-disabled"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_number_not_text() {
        let cis7 = Framework::by_id("cis-7.0").unwrap().controls();
        let ids: Vec<&str> = cis7.iter().map(|c| c.id).collect();
        let nine = ids.iter().position(|id| *id == "2.9").unwrap();
        assert_eq!(ids[nine + 1], "2.10");
        let fsbp = Framework::by_id("fsbp").unwrap().controls();
        let two = fsbp.iter().position(|c| c.id == "EC2.2").unwrap();
        assert_eq!(fsbp[two + 1].id, "EC2.3");
    }

    #[test]
    fn one_recommendation_keeps_its_meaning_across_versions() {
        let root_keys = |framework: &str| {
            Framework::by_id(framework)
                .unwrap()
                .controls()
                .into_iter()
                .find(|c| c.rules == ["iam-root-access-keys"])
                .map(|c| c.id)
        };
        assert_eq!(root_keys("cis-7.0"), Some("2.4"));
        assert_eq!(root_keys("cis-5.0"), Some("1.3"));
        assert_eq!(root_keys("cis-3.0"), Some("1.4"));
    }

    #[test]
    fn sections_are_named() {
        let cis7 = Framework::by_id("cis-7.0").unwrap();
        assert_eq!(cis7.section("2.4"), "2 Identity and Access Management");
        assert_eq!(cis7.section("6.1.2"), "6 Networking");
        assert_eq!(cis7.section("4.7"), "4 Logging");
        let cis5 = Framework::by_id("cis-5.0").unwrap();
        assert_eq!(cis5.section("5.1.1"), "5 Networking");
        assert_eq!(cis5.section("3.7"), "3 Logging");
        let fsbp = Framework::by_id("fsbp").unwrap();
        assert_eq!(fsbp.section("EC2.19"), "EC2");
    }

    #[test]
    fn no_control_is_listed_twice() {
        for framework in &FRAMEWORKS {
            let controls = framework.controls();
            for (i, control) in controls.iter().enumerate() {
                assert!(
                    controls[i + 1..].iter().all(|c| c.id != control.id),
                    "{} {} listed twice",
                    framework.id,
                    control.id
                );
                assert!(
                    control.rules.is_empty() != control.not_observed.is_empty(),
                    "{} {}: rules or a reason, not both",
                    framework.id,
                    control.id
                );
            }
        }
    }
}
