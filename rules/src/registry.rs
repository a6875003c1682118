//! The rule registry: the single list of rules. `posture rules`, `posture explain`, every
//! report format and the generated documentation read it; nothing lists rules twice.

use crate::rule::Rule;
use crate::rules::*;

pub static RULES: &[&Rule] = &[
    // customer data
    &s3_bucket_public_acl::RULE,
    &s3_bucket_policy_any_principal::RULE,
    &s3_bucket_public_policy::RULE,
    &s3_bucket_public_access_block_off::RULE,
    &s3_account_public_access_block_off::RULE,
    &s3_bucket_cross_account_access::RULE,
    &s3_bucket_acls_enabled::RULE,
    &s3_bucket_versioning_disabled::RULE,
    &s3_bucket_mfa_delete_disabled::RULE,
    &s3_bucket_access_logging_disabled::RULE,
    &ec2_snapshot_public::RULE,
    &ec2_image_public::RULE,
    &rds_snapshot_public::RULE,
    &rds_database_single_az::RULE,
    &cloudtrail_s3_object_writes_not_logged::RULE,
    &cloudtrail_s3_object_reads_not_logged::RULE,
    &kms_key_pending_deletion::RULE,
    &data_outside_allowed_regions::RULE,
    // identity & access management
    &iam_root_mfa_disabled::RULE,
    &iam_root_hardware_mfa_missing::RULE,
    &iam_root_used_recently::RULE,
    &iam_password_policy_weak::RULE,
    &iam_user_console_without_mfa::RULE,
    &iam_credentials_unused::RULE,
    &iam_user_policy_attached_directly::RULE,
    &iam_policy_full_admin::RULE,
    &iam_policy_service_wildcard::RULE,
    &iam_policy_not_action_allow::RULE,
    &iam_principal_administrator::RULE,
    &iam_privilege_escalation::RULE,
    &iam_role_trust_any_principal::RULE,
    &iam_role_cross_account_trust_without_external_id::RULE,
    &iam_role_web_identity_trust_without_subject::RULE,
    &iam_support_role_missing::RULE,
    &iam_server_certificate_expired::RULE,
    &iam_cloudshell_full_access::RULE,
    &cloudtrail_multi_region_trail_missing::RULE,
    &cloudtrail_log_file_validation_disabled::RULE,
    &cloudtrail_bucket_access_logging_disabled::RULE,
    &kms_key_policy_any_principal::RULE,
    &kms_key_cross_account_access::RULE,
    &iam_access_analyzer_disabled::RULE,
    &account_security_contact_missing::RULE,
    // temporary credentials
    &iam_root_access_keys::RULE,
    &iam_access_key_old::RULE,
    &iam_user_multiple_active_keys::RULE,
    &iam_access_key_unused_since_setup::RULE,
    &iam_user_long_lived_access_keys::RULE,
    &ec2_instance_imdsv1_allowed::RULE,
    &ec2_instance_without_profile::RULE,
    // OS, network & firewall configuration
    &ec2_security_group_admin_ports_open::RULE,
    &ec2_security_group_all_ports_open::RULE,
    &ec2_security_group_cifs_open::RULE,
    &ec2_security_group_high_risk_ports_open::RULE,
    &ec2_default_security_group_has_rules::RULE,
    &ec2_network_acl_admin_ports_open::RULE,
    &ec2_vpc_flow_logs_disabled::RULE,
    &ec2_instance_public_ip::RULE,
    &rds_instance_publicly_accessible::RULE,
    &rds_instance_minor_version_upgrade_off::RULE,
    &ec2_instance_not_managed_by_ssm::RULE,
    &ec2_instance_patches_missing::RULE,
    &ec2_instance_ssm_agent_not_reporting::RULE,
    &config_recorder_off::RULE,
    // server-side encryption
    &ec2_ebs_volume_unencrypted::RULE,
    &ec2_ebs_encryption_by_default_off::RULE,
    &ec2_snapshot_unencrypted::RULE,
    &s3_bucket_default_encryption_not_kms::RULE,
    &cloudtrail_logs_not_kms_encrypted::RULE,
    &kms_key_rotation_disabled::RULE,
    &efs_file_system_unencrypted::RULE,
    &rds_storage_unencrypted::RULE,
    &rds_snapshot_unencrypted::RULE,
    // network traffic protection
    &s3_bucket_tls_not_enforced::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
