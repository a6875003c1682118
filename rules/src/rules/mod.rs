//! One file per rule. The registry (`crate::registry`) lists them.

pub mod ec2_default_security_group_has_rules;
pub mod ec2_ebs_volume_unencrypted;
pub mod ec2_instance_imdsv1_allowed;
pub mod ec2_instance_public_ip;
pub mod ec2_instance_without_profile;
pub mod ec2_network_acl_admin_ports_open;
pub mod ec2_security_group_admin_ports_open;
pub mod ec2_security_group_all_ports_open;
pub mod ec2_security_group_high_risk_ports_open;
pub mod ec2_vpc_flow_logs_disabled;
pub mod iam_password_policy_weak;
pub mod s3_bucket_public_acl;
pub mod s3_bucket_tls_not_enforced;
