//! The rules that read the credential report and the account summary, against an
//! injected "now" (2026-11-01).

use chrono::{DateTime, TimeZone, Utc};
use posture_rules::model::{AccessKeyUsage, CredentialReportRow, Observed, VirtualMfaDevice};
use posture_rules::rules::*;

use crate::fixtures::{gap, run, snapshot};

fn day(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap())
}

fn key(
    slot: u8,
    active: bool,
    rotated: Option<DateTime<Utc>>,
    used: Option<DateTime<Utc>>,
) -> AccessKeyUsage {
    AccessKeyUsage {
        slot,
        active,
        last_rotated: rotated,
        last_used: used,
        last_used_service: used.map(|_| "s3".to_string()),
    }
}

fn user(
    name: &str,
    password: bool,
    password_used: Option<DateTime<Utc>>,
    mfa: bool,
    keys: Vec<AccessKeyUsage>,
) -> CredentialReportRow {
    let mut keys = keys;
    while keys.len() < 2 {
        keys.push(key(keys.len() as u8 + 1, false, None, None));
    }
    CredentialReportRow {
        user: name.into(),
        arn: format!("arn:aws:iam::111122223333:user/{name}"),
        user_created: day(2025, 1, 1),
        password_enabled: password,
        password_last_used: password_used,
        mfa_active: mfa,
        access_keys: keys,
    }
}

fn report() -> Vec<CredentialReportRow> {
    let mut root = user("<root_account>", false, day(2026, 10, 20), true, vec![]);
    root.arn = "arn:aws:iam::111122223333:root".into();
    vec![
        root,
        // Console user with MFA, recently active, no keys.
        user("alice", true, day(2026, 10, 30), true, vec![]),
        // Console user without MFA whose password is idle for 100 days.
        user("bob", true, day(2026, 7, 24), false, vec![]),
        // Service user: one fresh, used key.
        user(
            "ci",
            false,
            None,
            false,
            vec![key(1, true, day(2026, 9, 1), day(2026, 10, 31))],
        ),
        // Two active keys, one 400 days old and idle, one never used.
        user(
            "legacy",
            false,
            None,
            false,
            vec![
                key(1, true, day(2025, 9, 27), day(2025, 10, 1)),
                key(2, true, day(2026, 10, 25), None),
            ],
        ),
        // Console user with a key made at setup and never used.
        user(
            "dana",
            true,
            day(2026, 10, 29),
            true,
            vec![key(1, true, day(2025, 1, 1), None)],
        ),
        // Inactive keys only.
        user(
            "retired",
            false,
            None,
            false,
            vec![key(1, false, day(2020, 1, 1), day(2020, 2, 1))],
        ),
    ]
}

#[test]
fn users_in_the_credential_report() {
    let mut account = snapshot();
    account.iam.credential_report = Observed::Collected(report());
    for rule in [
        &iam_user_console_without_mfa::RULE,
        &iam_credentials_unused::RULE,
        &iam_access_key_old::RULE,
        &iam_user_multiple_active_keys::RULE,
        &iam_access_key_unused_since_setup::RULE,
        &iam_user_long_lived_access_keys::RULE,
    ] {
        insta::assert_snapshot!(rule.id, run(rule, &account));
    }
}

#[test]
fn an_unreadable_report_is_unknown_for_every_user_rule() {
    let mut account = snapshot();
    account.iam.credential_report =
        Observed::Gap(Box::new(gap("iam", None, "GetCredentialReport")));
    for rule in [
        &iam_user_console_without_mfa::RULE,
        &iam_credentials_unused::RULE,
        &iam_access_key_old::RULE,
    ] {
        let text = run(rule, &account);
        assert!(
            text.starts_with("unknown") && !text.contains("pass"),
            "{}: {text}",
            rule.id
        );
    }
}

#[test]
fn root_user() {
    let render = |summary: Option<&[(&str, i32)]>,
                  rows: Option<Vec<CredentialReportRow>>,
                  devices: Vec<VirtualMfaDevice>| {
        let mut account = snapshot();
        account.iam.account_summary = match summary {
            Some(values) => {
                Observed::Collected(values.iter().map(|(k, v)| (k.to_string(), *v)).collect())
            }
            None => Observed::Gap(Box::new(gap("iam", None, "GetAccountSummary"))),
        };
        account.iam.credential_report = match rows {
            Some(rows) => Observed::Collected(rows),
            None => Observed::Gap(Box::new(gap("iam", None, "GetCredentialReport"))),
        };
        account.iam.virtual_mfa_devices = Observed::Collected(devices);
        [
            &iam_root_access_keys::RULE,
            &iam_root_mfa_disabled::RULE,
            &iam_root_hardware_mfa_missing::RULE,
            &iam_root_used_recently::RULE,
        ]
        .iter()
        .map(|rule| format!("{}: {}", rule.id, run(rule, &account)))
        .collect::<Vec<_>>()
        .join("\n")
    };
    let virtual_root = VirtualMfaDevice {
        serial_number: "arn:aws:iam::111122223333:mfa/root-account-mfa-device".into(),
        user_arn: Some("arn:aws:iam::111122223333:root".into()),
    };
    insta::assert_snapshot!(
        "summary_and_report",
        render(
            Some(&[("AccountMFAEnabled", 1), ("AccountAccessKeysPresent", 0)]),
            Some(report()),
            vec![virtual_root]
        )
    );
    insta::assert_snapshot!(
        "summary_only_keys_no_mfa",
        render(
            Some(&[("AccountMFAEnabled", 0), ("AccountAccessKeysPresent", 1)]),
            Some(vec![]),
            vec![]
        )
    );
    insta::assert_snapshot!("nothing_readable", render(None, None, vec![]));
}
