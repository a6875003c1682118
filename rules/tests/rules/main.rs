//! Fixture tests: each rule over a snapshot with good and bad cases, its findings rendered
//! as text and compared with an `insta` snapshot (`snapshots/`). Review the snapshot diff.

mod fixtures;
mod reads;

mod audit_logging;
mod data_outside_allowed_regions;
mod ec2_data_rules;
mod ec2_default_security_group_has_rules;
mod ec2_ebs_volume_unencrypted;
mod ec2_instance_imdsv1_allowed;
mod ec2_instance_public_ip;
mod ec2_network_acl_admin_ports_open;
mod ec2_security_group_admin_ports_open;
mod ec2_security_group_all_ports_open;
mod ec2_security_group_cifs_open;
mod ec2_security_group_high_risk_ports_open;
mod ec2_vpc_flow_logs_disabled;
mod exposure;
mod iam_credentials;
mod iam_password_policy_weak;
mod iam_policies;
mod iam_privilege_escalation;
mod kms;
mod monitoring;
mod organization;
mod own_accounts;
mod patching;
mod rds;
mod registry;
mod s3_bucket_cross_account_access;
mod s3_bucket_policy_any_principal;
mod s3_bucket_public_acl;
mod s3_bucket_public_policy;
mod s3_bucket_settings;
mod s3_bucket_tls_not_enforced;
