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
    // OS, network & firewall configuration
    &ec2_security_group_admin_ports_open::RULE,
    // server-side encryption
    &ec2_ebs_volume_unencrypted::RULE,
    // network traffic protection
    &s3_bucket_tls_not_enforced::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
