//! The identity rules against moto: users, groups, roles and their trust, customer and AWS
//! managed policies, escalation, server certificates and the credential report.

use crate::gaps_besides_moto_versioning;
use crate::support::{finding, json_report, posture, stderr, Moto};

/// The identity rules whose data moto can produce. (moto's credential report has no root
/// line and dates every credential today, so root-use and age rules are covered by the
/// fixture tests with an injected clock.)
#[tokio::test(flavor = "multi_thread")]
async fn identity_rules_against_moto() {
    // AWSSupportAccess and AWSCloudShellFullAccess exist only with moto's AWS managed policies.
    let moto = Moto::start_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]);
    let iam = moto.iam();
    let policy_doc = |actions: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        )
    };
    let trust = |principal: &str, condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
        )
    };

    // Users.
    for name in [
        "console-no-mfa",
        "two-keys",
        "console-with-key",
        "escalator",
        "in-group",
        "cloudshell-user",
    ] {
        iam.create_user().user_name(name).send().await.unwrap();
    }
    for name in ["console-no-mfa", "console-with-key"] {
        iam.create_login_profile()
            .user_name(name)
            .password("Correct-Horse-9!")
            .send()
            .await
            .unwrap();
    }
    for name in ["two-keys", "two-keys", "console-with-key"] {
        iam.create_access_key()
            .user_name(name)
            .send()
            .await
            .unwrap();
    }
    iam.put_user_policy()
        .user_name("escalator")
        .policy_name("versions")
        .policy_document(policy_doc(r#""iam:CreatePolicyVersion""#))
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("cloudshell-user")
        .policy_arn("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("deployers")
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("deployers")
        .policy_name("attach")
        .policy_document(policy_doc(r#"["iam:AttachRolePolicy","lambda:*"]"#))
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("deployers")
        .user_name("in-group")
        .send()
        .await
        .unwrap();

    // Customer-managed policies.
    let admin = iam
        .create_policy()
        .policy_name("break-glass")
        .policy_document(policy_doc(r#""*""#))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let s3_everything = iam
        .create_policy()
        .policy_name("s3-everything")
        .policy_document(policy_doc(r#""s3:*""#))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();

    // Roles.
    for (name, trust_policy) in [
        ("open-trust", trust(r#"{"AWS":"*"}"#, "")),
        (
            "vendor",
            trust(r#"{"AWS":"arn:aws:iam::999988887777:root"}"#, ""),
        ),
        (
            "vendor-with-external-id",
            trust(
                r#"{"AWS":"arn:aws:iam::999988887777:root"}"#,
                r#","Condition":{"StringEquals":{"sts:ExternalId":"vendor-42"}}"#,
            ),
        ),
        ("ec2-app", trust(r#"{"Service":"ec2.amazonaws.com"}"#, "")),
    ] {
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy)
            .send()
            .await
            .unwrap();
    }
    iam.attach_role_policy()
        .role_name("vendor")
        .policy_arn(&admin)
        .send()
        .await
        .unwrap();
    // GitHub Actions OIDC: one role for any repository, one for a single repository.
    let github = iam
        .create_open_id_connect_provider()
        .url("https://token.actions.githubusercontent.com")
        .client_id_list("sts.amazonaws.com")
        .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
        .send()
        .await
        .unwrap()
        .open_id_connect_provider_arn
        .unwrap();
    for (name, subject) in [
        ("ci-any-repo", "repo:*"),
        ("ci-one-repo", "repo:acme/infra:ref:refs/heads/main"),
    ] {
        let trust_policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{github}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"{subject}"}}}}}}]}}"#
        );
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy)
            .send()
            .await
            .unwrap();
    }
    iam.attach_group_policy()
        .group_name("deployers")
        .policy_arn(&s3_everything)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("escalator")
        .policy_arn(&s3_everything)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("ec2-app")
        .policy_arn("arn:aws:iam::aws:policy/AWSSupportAccess")
        .send()
        .await
        .unwrap();
    // moto reports a fixed expiry date in 2012 for every server certificate.
    iam.upload_server_certificate()
        .server_certificate_name("old-portal")
        .certificate_body("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        .private_key("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
        .send()
        .await
        .unwrap();

    let output = posture(
        &["check", "--format", "json", "--region", "us-east-1"],
        &moto.posture_env(),
    );
    let report = json_report(&output);
    assert_eq!(
        gaps_besides_moto_versioning(&report),
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&output)
    );
    let user = |name: &str| format!(":user/{name}");
    let role = |name: &str| format!(":role/{name}");
    let expect = |rule: &str, suffix: &str, expected: &str| {
        let found = finding(&report, rule, suffix);
        assert_eq!(found["status"], expected, "{rule} on {suffix}: {found}");
        found.clone()
    };

    expect("iam-root-mfa-disabled", ":root", "fail");
    expect("iam-root-access-keys", ":root", "pass");
    expect("iam-root-hardware-mfa-missing", ":root", "fail");
    // moto's credential report has no root line: unknown, not pass.
    expect("iam-root-used-recently", ":root", "unknown");

    expect(
        "iam-user-console-without-mfa",
        &user("console-no-mfa"),
        "fail",
    );
    expect("iam-user-multiple-active-keys", &user("two-keys"), "fail");
    expect(
        "iam-user-multiple-active-keys",
        &user("console-with-key"),
        "pass",
    );
    expect(
        "iam-access-key-unused-since-setup",
        &user("console-with-key"),
        "fail",
    );
    expect("iam-user-long-lived-access-keys", &user("two-keys"), "fail");
    expect(
        "iam-user-long-lived-access-keys",
        &user("escalator"),
        "pass",
    );
    expect("iam-access-key-old", &user("two-keys"), "pass");
    expect("iam-credentials-unused", &user("console-with-key"), "pass");

    expect(
        "iam-user-policy-attached-directly",
        &user("escalator"),
        "fail",
    );
    expect(
        "iam-user-policy-attached-directly",
        &user("in-group"),
        "pass",
    );
    expect("iam-policy-full-admin", ":policy/break-glass", "fail");
    expect("iam-policy-full-admin", ":policy/s3-everything", "pass");
    expect(
        "iam-policy-service-wildcard",
        ":policy/s3-everything",
        "fail",
    );

    // The escalator can rewrite a customer policy attached to itself.
    let escalator = expect("iam-privilege-escalation", &user("escalator"), "fail");
    assert!(
        escalator["message"]
            .as_str()
            .unwrap()
            .contains("default version"),
        "{escalator}"
    );
    // Attaching policies to roles leads nowhere without a role in reach.
    expect("iam-privilege-escalation", &user("in-group"), "pass");
    expect("iam-privilege-escalation", &user("console-no-mfa"), "pass");

    expect("iam-role-trust-any-principal", &role("open-trust"), "fail");
    expect("iam-role-trust-any-principal", &role("vendor"), "pass");
    expect(
        "iam-role-cross-account-trust-without-external-id",
        &role("vendor"),
        "fail",
    );
    expect(
        "iam-role-cross-account-trust-without-external-id",
        &role("vendor-with-external-id"),
        "pass",
    );
    expect(
        "iam-role-cross-account-trust-without-external-id",
        &role("ec2-app"),
        "pass",
    );
    let ci = expect(
        "iam-role-web-identity-trust-without-subject",
        &role("ci-any-repo"),
        "fail",
    );
    assert_eq!(ci["severity"], "critical", "{ci}");
    expect(
        "iam-role-web-identity-trust-without-subject",
        &role("ci-one-repo"),
        "pass",
    );
    expect("iam-support-role-missing", ":root", "pass");
    expect(
        "iam-cloudshell-full-access",
        &user("cloudshell-user"),
        "fail",
    );
    expect(
        "iam-server-certificate-expired",
        ":server-certificate/old-portal",
        "fail",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_name_with_a_comma_does_not_break_the_credential_report() {
    let moto = Moto::start();
    let iam = moto.iam();
    // Legal in IAM; moto writes it into the report unquoted.
    iam.create_user()
        .user_name("ops,team")
        .path("/a,b/")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("ops,team")
        .send()
        .await
        .unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--rule",
        "iam-user-multiple-active-keys",
        "--rule",
        "iam-credentials-unused",
    ];
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    let gaps = gaps_besides_moto_versioning(&report);
    assert_eq!(gaps, Vec::<serde_json::Value>::new(), "{}", stderr(&output));
    for rule in ["iam-user-multiple-active-keys", "iam-credentials-unused"] {
        let found = finding(&report, rule, ":user/a,b/ops,team");
        assert_ne!(found["status"], "unknown", "{found:#}");
    }
}
