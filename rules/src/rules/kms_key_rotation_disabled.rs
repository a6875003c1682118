use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_customer_key;

declare_rule! {
    /// ## What it checks
    /// Customer-managed KMS keys that can rotate automatically but do not: symmetric
    /// encryption keys whose key material KMS generated, enabled or disabled. Asymmetric
    /// and HMAC keys, imported key material and keys in custom key stores cannot rotate
    /// automatically and are left out; so are keys pending deletion.
    ///
    /// ## Why it matters
    /// Rotation gives a key new material every year (or at the period chosen) while it
    /// still decrypts what the old material encrypted. Material that never changes protects
    /// everything ever encrypted with it, for as long as the key lives: one leak, through a
    /// backup of a KMS export or a broken HSM, exposes all of it.
    ///
    /// ## How to fix
    /// - Console: KMS → Customer managed keys → the key → Key rotation → Automatically
    ///   rotate this KMS key every year.
    /// - CLI: `aws kms enable-key-rotation --key-id KEY_ID` (optionally
    ///   `--rotation-period-in-days 90..2560`).
    /// - Terraform: `enable_key_rotation = true` on `aws_kms_key`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>
    pub static RULE = {
        id: "kms-key-rotation-disabled",
        title: "A customer KMS key does not rotate",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [KmsKeys],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_key(rule, cx, |key, region| {
        let rotation = key.rotation.as_ref()?;
        let finding = match rotation.as_ref() {
            Ok(true) => rule.pass(&key.arn, Some(region), format!("key {} rotates", key.id)),
            Ok(false) => {
                let message = format!("key {} does not rotate its key material", key.id);
                rule.fail(&key.arn, Some(region), message)
            }
            Err(gap) => return Some(rule.unknown_gap(&key.arn, Some(region), gap)),
        };
        Some(finding.with_evidence(evidence!({ "rotation": rotation, "spec": key.spec })))
    })
}
