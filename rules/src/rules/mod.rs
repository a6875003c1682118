//! One file per rule. The registry (`crate::registry`) lists them.

pub mod ec2_ebs_volume_unencrypted;
pub mod ec2_instance_imdsv1_allowed;
pub mod ec2_security_group_admin_ports_open;
pub mod iam_password_policy_weak;
pub mod s3_bucket_public_acl;
pub mod s3_bucket_tls_not_enforced;
