//! ARNs for resources the APIs describe by id only.

use crate::model::Snapshot;

pub fn ec2(snapshot: &Snapshot, region: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{}:{kind}/{id}",
        snapshot.account.partition, snapshot.account.id
    )
}

/// The account itself, for account-wide settings (password policy, Block Public Access).
pub fn account(snapshot: &Snapshot) -> String {
    format!(
        "arn:{}:iam::{}:root",
        snapshot.account.partition, snapshot.account.id
    )
}
