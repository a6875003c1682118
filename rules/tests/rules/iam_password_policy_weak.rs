use posture_rules::model::{Observed, PasswordPolicy};
use posture_rules::rules::iam_password_policy_weak::RULE;

use crate::fixtures::{gap, run, snapshot};

fn policy(length: Option<i32>, reuse: Option<i32>) -> PasswordPolicy {
    PasswordPolicy {
        minimum_length: length,
        require_symbols: true,
        require_numbers: true,
        require_uppercase: true,
        require_lowercase: true,
        max_age_days: None,
        reuse_prevention: reuse,
        expire_passwords: false,
    }
}

fn check(policy: Observed<Option<PasswordPolicy>>) -> String {
    let mut snapshot = snapshot();
    snapshot.iam.password_policy = policy;
    run(&RULE, &snapshot)
}

#[test]
fn password_policies() {
    insta::assert_snapshot!("absent", check(Observed::Collected(None)));
    insta::assert_snapshot!(
        "weak_on_both",
        check(Observed::Collected(Some(policy(Some(8), None))))
    );
    insta::assert_snapshot!(
        "strong",
        check(Observed::Collected(Some(policy(Some(14), Some(24)))))
    );
    insta::assert_snapshot!(
        "not_readable",
        check(Observed::Gap(Box::new(gap(
            "iam",
            None,
            "GetAccountPasswordPolicy"
        ))))
    );
}

#[test]
fn thresholds_are_configurable() {
    let mut snapshot = snapshot();
    snapshot.iam.password_policy = Observed::Collected(Some(policy(Some(14), Some(24))));
    let mut settings = crate::fixtures::settings();
    settings.password_min_length = 16;
    let cx = posture_rules::rule::Context {
        snapshot: &snapshot,
        settings: &settings,
    };
    let findings = (RULE.check)(&RULE, &cx);
    assert_eq!(findings[0].status, posture_rules::Status::Fail);
    assert!(
        findings[0].message.contains("minimum length 14 (want 16)"),
        "{}",
        findings[0].message
    );
}
