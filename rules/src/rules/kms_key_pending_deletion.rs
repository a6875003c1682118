use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_customer_key;

declare_rule! {
    /// ## What it checks
    /// Customer-managed KMS keys scheduled for deletion. Every customer key gets a finding:
    /// `pass` when it is not pending deletion.
    ///
    /// ## Why it matters
    /// Once the waiting period ends, KMS deletes the key material and everything encrypted
    /// under it — volumes, snapshots, objects, secrets, database backups — becomes
    /// unreadable for good. During the wait (7 to 30 days) the deletion can still be
    /// cancelled; the finding is the reminder to make sure nothing still needs the key.
    ///
    /// ## How to fix
    /// - If the key is still needed: KMS → the key → Key actions → Cancel key deletion,
    ///   or `aws kms cancel-key-deletion --key-id KEY_ID`, then enable it again.
    /// - If it is not: check CloudTrail for recent `Decrypt` calls with it, and waive the
    ///   finding with the date deletion completes.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html>
    pub static RULE = {
        id: "kms-key-pending-deletion",
        title: "A customer KMS key is scheduled for deletion",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [KmsKeys],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_customer_key(rule, cx, |key, region| {
        let evidence = evidence!({ "state": key.state, "deletion_date": key.deletion_date });
        let finding = if key.state == "PendingDeletion" {
            let when = key.deletion_date.map_or("soon".to_string(), |d| {
                format!("on {}", d.format("%Y-%m-%d"))
            });
            let message = format!(
                "key {} is scheduled for deletion {when}: what it encrypts becomes unreadable",
                key.id
            );
            rule.fail(&key.arn, Some(region), message)
        } else {
            let message = format!("key {} is not scheduled for deletion", key.id);
            rule.pass(&key.arn, Some(region), message)
        };
        Some(finding.with_evidence(evidence))
    })
}
