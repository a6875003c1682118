//! One file per rule. The registry (`crate::registry`) lists them.

pub mod ec2_default_security_group_has_rules;
pub mod ec2_ebs_encryption_by_default_off;
pub mod ec2_ebs_volume_unencrypted;
pub mod ec2_image_public;
pub mod ec2_instance_imdsv1_allowed;
pub mod ec2_instance_public_ip;
pub mod ec2_instance_without_profile;
pub mod ec2_network_acl_admin_ports_open;
pub mod ec2_security_group_admin_ports_open;
pub mod ec2_security_group_all_ports_open;
pub mod ec2_security_group_high_risk_ports_open;
pub mod ec2_snapshot_public;
pub mod ec2_snapshot_unencrypted;
pub mod ec2_vpc_flow_logs_disabled;
pub mod iam_password_policy_weak;
pub mod s3_account_public_access_block_off;
pub mod s3_bucket_access_logging_disabled;
pub mod s3_bucket_acls_enabled;
pub mod s3_bucket_cross_account_access;
pub mod s3_bucket_default_encryption_not_kms;
pub mod s3_bucket_mfa_delete_disabled;
pub mod s3_bucket_public_access_block_off;
pub mod s3_bucket_public_acl;
pub mod s3_bucket_public_policy;
pub mod s3_bucket_tls_not_enforced;
pub mod s3_bucket_versioning_disabled;
