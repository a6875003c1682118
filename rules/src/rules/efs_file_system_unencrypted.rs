use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::each_efs_file_system_list;

declare_rule! {
    /// ## What it checks
    /// EFS file systems without encryption at rest, in every scanned region.
    ///
    /// ## Why it matters
    /// Encryption at rest keeps the file system's data, its backups and its replicas
    /// unreadable to anyone who reaches the storage without the KMS key, and puts every
    /// read behind a key policy that is itself logged. It can only be chosen when the file
    /// system is created.
    ///
    /// ## How to fix
    /// - Create an encrypted file system (`aws efs create-file-system --encrypted
    ///   --kms-key-id KEY`), copy the data across (AWS DataSync, or AWS Backup restore into
    ///   the new file system), point the mount targets' clients at it, delete the old one.
    /// - Prevent new ones: the `elasticfilesystem:Encrypted` condition key in an SCP or IAM
    ///   policy denying `CreateFileSystem` when it is false.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html>
    pub static RULE = {
        id: "efs-file-system-unencrypted",
        title: "EFS file system is not encrypted at rest",
        duty: Duty::ServerSideEncryption,
        severity: Severity::Medium,
        reads: [EfsFileSystems],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_efs_file_system_list(rule, cx, |file_systems, name| {
        let region = Some(name);
        file_systems
            .iter()
            .map(|fs| {
                let label = match &fs.name {
                    Some(n) => format!("{} ({n})", fs.id),
                    None => fs.id.clone(),
                };
                let evidence =
                    evidence!({ "encrypted": fs.encrypted, "kms_key_id": fs.kms_key_id });
                let finding = if fs.encrypted {
                    rule.pass(&fs.arn, region, format!("{label} is encrypted at rest"))
                } else {
                    rule.fail(&fs.arn, region, format!("{label} is not encrypted at rest"))
                };
                finding.with_evidence(evidence)
            })
            .collect()
    })
}
