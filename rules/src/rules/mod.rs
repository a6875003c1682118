//! One file per rule, named after its id, and `RULES`, the one list of them: the list
//! below declares each rule's module and puts its `RULE` in `RULES`, in report order (by
//! duty). A rule file not listed here is not compiled, and a test fails on it
//! (`rules/tests/rules/registry.rs`).

/// Declares each rule's module and lists its `RULE`, in the order given.
macro_rules! rules {
    ($($module:ident,)*) => {
        $(pub mod $module;)*

        /// Every rule, in report order.
        pub static RULES: &[&crate::rule::Rule] = &[$(&$module::RULE,)*];
    };
}

rules! {
    // customer data
    s3_bucket_public_acl,
    s3_bucket_policy_any_principal,
    s3_bucket_public_policy,
    s3_bucket_public_access_block_off,
    s3_account_public_access_block_off,
    s3_bucket_cross_account_access,
    s3_bucket_acls_enabled,
    s3_bucket_versioning_disabled,
    s3_bucket_mfa_delete_disabled,
    s3_bucket_access_logging_disabled,
    ec2_snapshot_public,
    ec2_image_public,
    rds_snapshot_public,
    rds_database_single_az,
    cloudwatch_no_alarm_bucket_policy_changes,
    cloudtrail_s3_object_writes_not_logged,
    cloudtrail_s3_object_reads_not_logged,
    kms_key_pending_deletion,
    data_outside_allowed_regions,
    // identity & access management
    iam_root_mfa_disabled,
    iam_root_hardware_mfa_missing,
    iam_root_used_recently,
    iam_password_policy_weak,
    iam_user_console_without_mfa,
    iam_credentials_unused,
    iam_user_policy_attached_directly,
    iam_policy_full_admin,
    iam_policy_service_wildcard,
    iam_policy_not_action_allow,
    iam_principal_administrator,
    iam_privilege_escalation,
    iam_principal_can_empower_others,
    iam_role_trust_any_principal,
    iam_role_cross_account_trust_without_external_id,
    iam_role_web_identity_trust_without_subject,
    iam_support_role_missing,
    iam_server_certificate_expired,
    iam_cloudshell_full_access,
    cloudtrail_multi_region_trail_missing,
    cloudtrail_log_file_validation_disabled,
    cloudtrail_bucket_access_logging_disabled,
    cloudtrail_cloudwatch_logs_not_integrated,
    kms_key_policy_any_principal,
    kms_key_cross_account_access,
    iam_access_analyzer_disabled,
    account_security_contact_missing,
    organization_root_access_not_centralized,
    organization_account_without_guardrails,
    organization_management_account_has_workloads,
    cloudwatch_no_alarm_unauthorized_api_calls,
    cloudwatch_no_alarm_console_sign_in_without_mfa,
    cloudwatch_no_alarm_root_usage,
    cloudwatch_no_alarm_iam_policy_changes,
    cloudwatch_no_alarm_cloudtrail_changes,
    cloudwatch_no_alarm_console_authentication_failures,
    cloudwatch_no_alarm_config_changes,
    cloudwatch_no_alarm_organizations_changes,
    // temporary credentials
    iam_root_access_keys,
    iam_access_key_old,
    iam_user_multiple_active_keys,
    iam_access_key_unused_since_setup,
    iam_user_long_lived_access_keys,
    ec2_instance_imdsv1_allowed,
    ec2_instance_without_profile,
    // OS, network & firewall configuration
    ec2_security_group_admin_ports_open,
    ec2_security_group_all_ports_open,
    ec2_security_group_cifs_open,
    ec2_security_group_high_risk_ports_open,
    ec2_default_security_group_has_rules,
    ec2_network_acl_admin_ports_open,
    ec2_vpc_flow_logs_disabled,
    ec2_instance_public_ip,
    rds_instance_publicly_accessible,
    rds_instance_minor_version_upgrade_off,
    ec2_instance_not_managed_by_ssm,
    ec2_instance_patches_missing,
    ec2_instance_ssm_agent_not_reporting,
    cloudwatch_no_alarm_security_group_changes,
    cloudwatch_no_alarm_network_acl_changes,
    cloudwatch_no_alarm_network_gateway_changes,
    cloudwatch_no_alarm_route_table_changes,
    cloudwatch_no_alarm_vpc_changes,
    config_recorder_off,
    // server-side encryption
    ec2_ebs_volume_unencrypted,
    ec2_ebs_encryption_by_default_off,
    ec2_snapshot_unencrypted,
    s3_bucket_default_encryption_not_kms,
    cloudtrail_logs_not_kms_encrypted,
    kms_key_rotation_disabled,
    efs_file_system_unencrypted,
    rds_storage_unencrypted,
    rds_snapshot_unencrypted,
    cloudwatch_no_alarm_kms_key_deletion,
    // network traffic protection
    s3_bucket_tls_not_enforced,
}
