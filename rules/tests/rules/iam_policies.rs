//! The rules that read policies: attached directly, full admin, service wildcards,
//! privilege escalation, role trust, support role, CloudShell, server certificates.

use chrono::{TimeZone, Utc};
use posture_rules::model::*;
use posture_rules::rules::*;

use crate::fixtures::{run, snapshot};

fn attached(name: &str, arn: &str) -> AttachedPolicy {
    AttachedPolicy {
        name: name.into(),
        arn: arn.into(),
    }
}

fn inline(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: document.into(),
    }
}

fn user(
    name: &str,
    groups: &[&str],
    attached: Vec<AttachedPolicy>,
    inline: Vec<InlinePolicy>,
) -> User {
    User {
        name: name.into(),
        arn: format!("arn:aws:iam::111122223333:user/{name}"),
        id: format!("AIDA{}", name.to_uppercase()),
        created: None,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        attached_policies: attached,
        inline_policies: inline,
        permissions_boundary_arn: None,
        tags: Default::default(),
    }
}

fn role(name: &str, trust: &str, attached: Vec<AttachedPolicy>, inline: Vec<InlinePolicy>) -> Role {
    Role {
        name: name.into(),
        arn: format!("arn:aws:iam::111122223333:role/{name}"),
        created: None,
        trust_policy: Some(trust.into()),
        attached_policies: attached,
        inline_policies: inline,
        permissions_boundary_arn: None,
        last_used: None,
        id: format!("AROA{}", name.to_uppercase()),
        tags: Default::default(),
        instance_profiles: vec![],
    }
}

fn managed(name: &str, arn: &str, attachments: i32, document: &str) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        arn: arn.into(),
        attachment_count: attachments,
        default_document: Some(document.into()),
        other_versions: vec![],
    }
}

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const GITHUB_PROVIDER: &str =
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const EKS_PROVIDER: &str =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";

fn web_identity(provider: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":"sts:AssumeRoleWithWebIdentity"{condition}}}]}}"#
    )
}

const EC2_TRUST: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn details() -> AuthorizationDetails {
    let mut details = details_without_profiles();
    // The app role is what instances run with: passing it to EC2 is a path.
    let app = details.roles.iter_mut().find(|r| r.name == "app").unwrap();
    app.instance_profiles = vec!["arn:aws:iam::111122223333:instance-profile/app".into()];
    details
}

fn details_without_profiles() -> AuthorizationDetails {
    // "Percent-encoded" as IAM returns inline documents: {"Statement":{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"*"}}
    let encoded_escalation = "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3ACreatePolicyVersion%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
    let pass_role_ec2 = r#"{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances","ec2:Describe*"],"Resource":"*"}]}"#;
    let not_action = r#"{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}"#;
    // Every action on every resource, though no statement says so alone.
    let two_halves = r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
        {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#;
    let blocked = r#"{"Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*"},
        {"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}"#;
    AuthorizationDetails {
        users: vec![
            user(
                "admin-by-aws-policy",
                &[],
                vec![attached("AdministratorAccess", ADMIN_ARN)],
                vec![],
            ),
            user(
                "encoded-escalator",
                &[],
                vec![],
                vec![inline("policy-versions", encoded_escalation)],
            ),
            user("in-escalating-group", &["deployers"], vec![], vec![]),
            user(
                "denied-escalation",
                &[],
                vec![],
                vec![inline("keys", blocked)],
            ),
            user(
                "admin-by-two-halves",
                &[],
                vec![],
                vec![inline("halves", two_halves)],
            ),
            user(
                "power-user",
                &[],
                vec![],
                vec![inline("not-iam", not_action)],
            ),
            user("reader", &["readers"], vec![], vec![]),
            user(
                "cloudshell",
                &["readers"],
                vec![attached(
                    "AWSCloudShellFullAccess",
                    "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
                )],
                vec![],
            ),
        ],
        groups: vec![
            Group {
                name: "deployers".into(),
                arn: "arn:aws:iam::111122223333:group/deployers".into(),
                attached_policies: vec![attached(
                    "deploy",
                    "arn:aws:iam::111122223333:policy/deploy",
                )],
                inline_policies: vec![],
            },
            Group {
                name: "readers".into(),
                arn: "arn:aws:iam::111122223333:group/readers".into(),
                attached_policies: vec![attached(
                    "ReadOnlyAccess",
                    "arn:aws:iam::aws:policy/ReadOnlyAccess",
                )],
                inline_policies: vec![],
            },
        ],
        roles: vec![
            role(
                "app",
                EC2_TRUST,
                vec![],
                vec![inline(
                    "s3-everything",
                    r#"{"Statement":{"Effect":"Allow","Action":["s3:*","sqs:SendMessage"],"Resource":"*"}}"#,
                )],
            ),
            role(
                "open-to-world",
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}"#,
                vec![],
                vec![],
            ),
            role(
                "world-with-external-id-only",
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}}"#,
                vec![],
                vec![],
            ),
            role(
                "org-only",
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}}"#,
                vec![],
                vec![],
            ),
            role(
                "vendor-with-external-id",
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"vendor-42"}}}}"#,
                vec![],
                vec![],
            ),
            role(
                "vendor-without-external-id",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["999988887777"]},"Action":"sts:AssumeRole"}]}"#,
                vec![],
                vec![],
            ),
            role(
                "same-account",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"sts:AssumeRole"}]}"#,
                vec![],
                vec![],
            ),
            role(
                "support",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#,
                vec![attached(
                    "AWSSupportAccess",
                    "arn:aws:iam::aws:policy/AWSSupportAccess",
                )],
                vec![],
            ),
            role(
                "pass-role-launcher",
                EC2_TRUST,
                vec![],
                vec![inline("launch", pass_role_ec2)],
            ),
            role("broken-trust", "{not json", vec![], vec![]),
            role(
                "github-audience-only",
                &web_identity(
                    GITHUB_PROVIDER,
                    r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "github-any-repo",
                &web_identity(
                    GITHUB_PROVIDER,
                    r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "github-any-org",
                &web_identity(
                    GITHUB_PROVIDER,
                    r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*/infra:*"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "github-one-repo",
                &web_identity(
                    GITHUB_PROVIDER,
                    r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/infra:ref:refs/heads/main","repo:acme/infra:environment:prod"]}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "github-if-exists",
                &web_identity(
                    GITHUB_PROVIDER,
                    r#"{"StringLikeIfExists":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "eks-service-account",
                &web_identity(
                    EKS_PROVIDER,
                    r#"{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub":"system:serviceaccount:payments:api"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "eks-any-service-account",
                &web_identity(
                    EKS_PROVIDER,
                    r#"{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud":"sts.amazonaws.com"}}"#,
                ),
                vec![],
                vec![],
            ),
            role(
                "cognito-any-pool",
                &web_identity("cognito-identity.amazonaws.com", ""),
                vec![],
                vec![],
            ),
            role(
                "unknown-policy",
                EC2_TRUST,
                vec![attached("gone", "arn:aws:iam::111122223333:policy/gone")],
                vec![],
            ),
        ],
        policies: vec![
            managed("AdministratorAccess", ADMIN_ARN, 1, ADMIN),
            managed(
                "ReadOnlyAccess",
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                1,
                r#"{"Statement":{"Effect":"Allow","Action":["s3:Get*","ec2:Describe*"],"Resource":"*"}}"#,
            ),
            managed(
                "AWSCloudShellFullAccess",
                "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
                1,
                r#"{"Statement":{"Effect":"Allow","Action":"cloudshell:*","Resource":"*"}}"#,
            ),
            managed(
                "AWSSupportAccess",
                "arn:aws:iam::aws:policy/AWSSupportAccess",
                1,
                r#"{"Statement":{"Effect":"Allow","Action":"support:*","Resource":"*"}}"#,
            ),
            managed(
                "deploy",
                "arn:aws:iam::111122223333:policy/deploy",
                1,
                r#"{"Statement":[{"Effect":"Allow","Action":["iam:AttachRolePolicy","lambda:*"],"Resource":"*"}]}"#,
            ),
            managed(
                "break-glass",
                "arn:aws:iam::111122223333:policy/break-glass",
                2,
                r#"{"Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}"#,
            ),
            managed(
                "unattached-admin",
                "arn:aws:iam::111122223333:policy/unattached-admin",
                0,
                ADMIN,
            ),
        ],
    }
}

pub fn account() -> Snapshot {
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details());
    account.iam.server_certificates = Observed::Collected(vec![
        ServerCertificate {
            name: "old-portal".into(),
            arn: "arn:aws:iam::111122223333:server-certificate/old-portal".into(),
            expires: Some(Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap()),
        },
        ServerCertificate {
            name: "portal".into(),
            arn: "arn:aws:iam::111122223333:server-certificate/portal".into(),
            expires: Some(Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap()),
        },
    ]);
    account
}

#[test]
fn policy_rules() {
    let account = account();
    for rule in [
        &iam_user_policy_attached_directly::RULE,
        &iam_policy_full_admin::RULE,
        &iam_policy_service_wildcard::RULE,
        &iam_policy_not_action_allow::RULE,
        &iam_principal_administrator::RULE,
        &iam_principal_can_empower_others::RULE,
        &iam_privilege_escalation::RULE,
        &iam_role_trust_any_principal::RULE,
        &iam_role_cross_account_trust_without_external_id::RULE,
        &iam_role_web_identity_trust_without_subject::RULE,
        &iam_support_role_missing::RULE,
        &iam_cloudshell_full_access::RULE,
        &iam_server_certificate_expired::RULE,
    ] {
        insta::assert_snapshot!(rule.id, run(rule, &account));
    }
}

#[test]
fn a_permissions_boundary_stops_an_escalation() {
    let mut details = details();
    details.policies.push(managed(
        "boundary",
        "arn:aws:iam::111122223333:policy/boundary",
        1,
        r#"{"Statement":{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}}"#,
    ));
    let launcher = details
        .roles
        .iter_mut()
        .find(|r| r.name == "pass-role-launcher")
        .unwrap();
    launcher.permissions_boundary_arn = Some("arn:aws:iam::111122223333:policy/boundary".into());
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    let text = run(&iam_privilege_escalation::RULE, &account);
    let line = text
        .lines()
        .find(|l| l.contains("role/pass-role-launcher"))
        .unwrap();
    assert!(line.starts_with("pass"), "{line}");
}

/// Power over others: who can change the permissions of principals it is not, with its
/// look-alikes (a deny, a grant on itself only, no IAM write at all).
#[test]
fn principals_that_can_empower_others() {
    const READ_ONLY_ARN: &str = "arn:aws:iam::111122223333:policy/ops-readonly";
    let read_only = r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;
    // Rewrites every customer policy, but holds none of them.
    let versions = r#"{"Statement":{"Effect":"Allow",
        "Action":["iam:CreatePolicyVersion","iam:DeletePolicyVersion"],"Resource":"*"}}"#;
    // May attach only the read-only policy, to any user.
    let attach_read_only = r#"{"Statement":{"Effect":"Allow","Action":"iam:AttachUserPolicy",
        "Resource":"arn:aws:iam::111122223333:user/*",
        "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::111122223333:policy/ops-readonly"}}}}"#;
    let fenced = r#"{"Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy",
        "Resource":"arn:aws:iam::111122223333:user/*"},
        {"Effect":"Deny","Action":"iam:AttachUserPolicy","Resource":"*"}]}"#;
    let own_only = r#"{"Statement":{"Effect":"Allow","Action":"iam:PutUserPolicy",
        "Resource":"arn:aws:iam::111122223333:user/${aws:username}"}}"#;
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(AuthorizationDetails {
        users: vec![
            user(
                "analyst",
                &[],
                vec![attached("ops-readonly", READ_ONLY_ARN)],
                vec![],
            ),
            user(
                "policy-writer",
                &[],
                vec![],
                vec![inline("versions", versions)],
            ),
            user(
                "helpdesk",
                &[],
                vec![],
                vec![inline("attach", attach_read_only)],
            ),
            user(
                "fenced-helpdesk",
                &[],
                vec![],
                vec![inline("attach", fenced)],
            ),
            user("self-service", &[], vec![], vec![inline("own", own_only)]),
            // Already holds everything: no change gives it more, so no one empowers it.
            user(
                "admin",
                &[],
                vec![attached("AdministratorAccess", ADMIN_ARN)],
                vec![],
            ),
        ],
        groups: vec![],
        roles: vec![],
        policies: vec![
            managed("ops-readonly", READ_ONLY_ARN, 1, read_only),
            managed("AdministratorAccess", ADMIN_ARN, 1, ADMIN),
        ],
    });
    insta::assert_snapshot!(run(&iam_principal_can_empower_others::RULE, &account));
}
