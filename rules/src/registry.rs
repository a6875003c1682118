//! The rule registry: the single list of rules. `posture rules`, `posture explain`, every
//! report format and the generated documentation read it; nothing lists rules twice.

use crate::rule::Rule;
use crate::rules::*;

pub static RULES: &[&Rule] = &[
    // customer data
    &s3_bucket_public_acl::RULE,
    // identity & access management
    &iam_password_policy_weak::RULE,
    // temporary credentials
    &ec2_instance_imdsv1_allowed::RULE,
    &ec2_instance_without_profile::RULE,
    // OS, network & firewall configuration
    &ec2_security_group_admin_ports_open::RULE,
    &ec2_security_group_all_ports_open::RULE,
    &ec2_security_group_high_risk_ports_open::RULE,
    &ec2_default_security_group_has_rules::RULE,
    &ec2_network_acl_admin_ports_open::RULE,
    &ec2_vpc_flow_logs_disabled::RULE,
    &ec2_instance_public_ip::RULE,
    // server-side encryption
    &ec2_ebs_volume_unencrypted::RULE,
    // network traffic protection
    &s3_bucket_tls_not_enforced::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
