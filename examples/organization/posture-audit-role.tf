# The audit role posture --org assumes in every account, with exactly the read-only
# actions `posture permissions` prints (tests/cli.rs checks that they agree). Apply it in
# each account (for example with one provider alias per account, or from an account
# factory); posture check --org --org-role posture-audit --external-id ... then reads it.

variable "scanner_principal" {
  description = "ARN of the role or user that runs posture check --org"
  type        = string
}

variable "external_id" {
  description = "The value posture passes with --external-id"
  type        = string
  sensitive   = true
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.scanner_principal]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

data "aws_iam_policy_document" "read_only" {
  statement {
    sid       = "PostureReadOnly"
    resources = ["*"]
    actions = [
      "sts:GetCallerIdentity",
      "iam:GetAccountAuthorizationDetails",
      "iam:GenerateCredentialReport",
      "iam:GetCredentialReport",
      "iam:GetAccountPasswordPolicy",
      "iam:GetAccountSummary",
      "iam:ListVirtualMFADevices",
      "iam:ListServerCertificates",
      "ec2:DescribeRegions",
      "ec2:DescribeVpcs",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeFlowLogs",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeInstances",
      "ec2:DescribeVolumes",
      "ec2:DescribeSnapshots",
      "ec2:DescribeSnapshotAttribute",
      "ec2:DescribeImages",
      "ec2:GetEbsEncryptionByDefault",
      "s3:ListAllMyBuckets",
      "s3:GetBucketLocation",
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketPublicAccessBlock",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketVersioning",
      "s3:GetBucketOwnershipControls",
      "s3:GetBucketLogging",
      "s3:GetAccountPublicAccessBlock",
      "cloudtrail:DescribeTrails",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "logs:DescribeMetricFilters",
      "cloudwatch:DescribeAlarms",
      "sns:ListSubscriptionsByTopic",
      "config:DescribeConfigurationRecorders",
      "config:DescribeConfigurationRecorderStatus",
      "kms:ListKeys",
      "kms:DescribeKey",
      "kms:GetKeyRotationStatus",
      "kms:GetKeyPolicy",
      "access-analyzer:ListAnalyzers",
      "account:GetAlternateContact",
      "elasticfilesystem:DescribeFileSystems",
      "organizations:DescribeOrganization",
      "organizations:ListRoots",
      "organizations:ListOrganizationalUnitsForParent",
      "organizations:ListAccountsForParent",
      "organizations:ListPolicies",
      "organizations:ListTargetsForPolicy",
      "iam:ListOrganizationsFeatures",
      "rds:DescribeDBInstances",
      "rds:DescribeDBClusters",
      "rds:DescribeDBSnapshots",
      "rds:DescribeDBClusterSnapshots",
      "rds:DescribeDBSnapshotAttributes",
      "rds:DescribeDBClusterSnapshotAttributes",
      "ssm:DescribeInstanceInformation",
      "ssm:DescribeInstancePatchStates",
    ]
  }
}

resource "aws_iam_role" "posture_audit" {
  name                 = "posture-audit"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "posture_read_only" {
  name   = "posture-read-only"
  role   = aws_iam_role.posture_audit.id
  policy = data.aws_iam_policy_document.read_only.json
}
