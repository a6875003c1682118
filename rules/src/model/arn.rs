//! ARNs for resources the APIs describe by id only.

use crate::model::Snapshot;

/// `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`.
pub fn ec2(snapshot: &Snapshot, region: &str, kind: &str, id: &str) -> String {
    let account = &snapshot.account;
    [
        "arn:",
        &account.partition,
        ":ec2:",
        region,
        ":",
        &account.id,
        ":",
        kind,
        "/",
        id,
    ]
    .concat()
}

/// The account itself, for account-wide settings (password policy, Block Public Access).
pub fn account(snapshot: &Snapshot) -> String {
    format!(
        "arn:{}:iam::{}:root",
        snapshot.account.partition, snapshot.account.id
    )
}

/// The account of a principal named by account id or by ARN
/// (`arn:partition:iam::ACCOUNT:root|user/..|role/..`).
pub fn account_of(principal: &str) -> Option<String> {
    if is_account_id(principal) {
        return Some(principal.to_string());
    }
    let account = principal.strip_prefix("arn:")?.split(':').nth(3)?;
    is_account_id(account).then(|| account.to_string())
}

/// Whether the text is an AWS account id: twelve digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The resource part of an ARN (`role/deploy`), for messages; the whole text when it is
/// not an ARN.
pub fn resource_part(arn: &str) -> &str {
    match arn.strip_prefix("arn:") {
        Some(rest) => rest.splitn(5, ':').nth(4).unwrap_or(arn),
        None => arn,
    }
}
