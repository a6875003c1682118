//! Every path of the escalation table, built into an account where it must be flagged and
//! into safe look-alikes where it must not: denied, a condition that can never hold, a
//! permissions boundary, a target no more privileged than the actor, and the look-alikes
//! proper to each kind of path. Plus BishopFox iam-vulnerable's own tool tests (`fn*` must
//! be flagged, `fp*` must not) and an actor that is already an administrator.

use std::collections::BTreeMap;

use posture_rules::access::paths::{EscalationPath, How, Needs, Target, PATHS};
use posture_rules::model::*;
use posture_rules::rules::iam_privilege_escalation::RULE;

use crate::fixtures::{run, snapshot};

const ACCOUNT: &str = "111122223333";
const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const ADMIN: &str = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const HARMLESS: &str =
    r#"{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}"#;
const ROOT_TRUST: &str = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}}"#;

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

fn service_trust(service: &str) -> String {
    format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}}}"#
    )
}

fn attached(arn: &str) -> AttachedPolicy {
    AttachedPolicy {
        name: model::policy_name_from_arn(arn).into(),
        arn: arn.into(),
    }
}

use posture_rules::model;

fn inline(name: &str, document: String) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: document.into(),
    }
}

fn user(name: &str, attached_policies: Vec<AttachedPolicy>) -> User {
    User {
        name: name.into(),
        arn: arn("user", name),
        id: format!("AIDA{}", name.to_uppercase()),
        created: None,
        groups: vec![],
        attached_policies,
        inline_policies: vec![],
        permissions_boundary_arn: None,
        tags: Default::default(),
    }
}

fn role(name: &str, trust: &str, attached_policies: Vec<AttachedPolicy>) -> Role {
    Role {
        name: name.into(),
        arn: arn("role", name),
        id: format!("AROA{}", name.to_uppercase()),
        created: None,
        trust_policy: Some(trust.into()),
        attached_policies,
        inline_policies: vec![],
        permissions_boundary_arn: None,
        last_used: None,
        tags: Default::default(),
        instance_profiles: vec![],
    }
}

fn managed(arn: &str, attachments: i32, document: &str, others: &[&str]) -> ManagedPolicy {
    ManagedPolicy {
        name: model::policy_name_from_arn(arn).into(),
        arn: arn.into(),
        attachment_count: attachments,
        default_document: Some(document.into()),
        other_versions: others
            .iter()
            .enumerate()
            .map(|(i, d)| PolicyVersion {
                id: format!("v{}", i + 1),
                document: Some((*d).into()),
            })
            .collect(),
    }
}

/// How an account differs from the one where the path works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Vulnerable,
    /// An explicit deny of one of the path's actions (one every path it contains needs).
    Denied,
    /// A condition that can never hold (a token issued before 2020).
    NeverHolds,
    /// A permissions boundary that allows only S3.
    Bounded,
    /// Every principal the path reaches holds nothing the actor lacks.
    UnprivilegedTarget,
    /// `iam:PassedToService` names another service.
    OtherService,
    /// The privileged role trusts another service than the one the path uses.
    RoleTrustsOtherService,
    /// The actions are scoped to the actor's own user (`${aws:username}`).
    OnlyItself,
    /// The policy ARNs are AWS-managed ones, which customers cannot version.
    AwsManagedPolicies,
    /// `iam:PolicyARN` allows only a policy the actor already holds.
    OnlyPolicyItHolds,
    /// The credential report says IAM would refuse: a second password, a change of a
    /// password that does not exist, a third key.
    CredentialsRefuse,
}

/// Whether the path's actions include all those of a path that hijacks an existing
/// resource: then scoping `iam:PassRole` alone does not make it safe.
fn contains_hijack(path: &EscalationPath) -> bool {
    PATHS.iter().any(|other| {
        matches!(other.how, How::Hijack { .. })
            && other.actions.iter().all(|a| path.actions.contains(a))
    })
}

fn look_alikes(path: &EscalationPath) -> Vec<Case> {
    let mut cases = vec![Case::Denied, Case::NeverHolds, Case::Bounded];
    // Rewriting its own permissions needs no privileged target: there is no such look-alike.
    let rewrites_itself = matches!(
        path.how,
        How::WriteInline(_) | How::AttachManaged(_) | How::NewPolicyVersion | How::Chain(_)
    );
    if !rewrites_itself {
        cases.push(Case::UnprivilegedTarget);
    }
    cases.extend(match path.how {
        How::PassRole { .. } if contains_hijack(path) => vec![Case::RoleTrustsOtherService],
        How::PassRole { .. } => vec![Case::OtherService, Case::RoleTrustsOtherService],
        How::Hijack { .. } => vec![Case::RoleTrustsOtherService],
        How::TakeOverUser(Needs::Nothing) => vec![Case::OnlyItself],
        How::TakeOverUser(_) => vec![Case::OnlyItself, Case::CredentialsRefuse],
        How::NewPolicyVersion | How::OtherPolicyVersion => vec![Case::AwsManagedPolicies],
        How::AttachManaged(Target::User) => vec![Case::OnlyPolicyItHolds],
        _ => vec![],
    });
    cases
}

/// The actor is a role for paths that rewrite roles (it rewrites itself), else a user.
fn actor_is_role(path: &EscalationPath) -> bool {
    matches!(
        path.how,
        How::WriteInline(Target::Role) | How::AttachManaged(Target::Role)
    )
}

fn services(path: &EscalationPath) -> &'static [&'static str] {
    match path.how {
        How::PassRole { services } | How::Hijack { services } => services,
        _ => &[],
    }
}

/// The resource the actor's policy names for one action: everything, except for chains
/// (whose steps are scoped to their targets, so that only the chain reaches them) and the
/// look-alikes that scope it.
fn resource_for(path: &EscalationPath, action: &str, case: Case) -> String {
    match case {
        Case::OnlyItself => return arn("user", "${aws:username}"),
        Case::AwsManagedPolicies => return "arn:aws:iam::aws:policy/*".into(),
        _ => {}
    }
    if !matches!(path.how, How::Chain(_)) {
        return "*".into();
    }
    match action {
        "iam:CreatePolicyVersion" => arn("policy", "target-managed"),
        "iam:AttachUserPolicy" | "iam:PutUserPolicy" | "iam:CreateAccessKey" => {
            arn("user", "target-user")
        }
        _ => arn("role", "target-role"),
    }
}

/// An action every path made of a subset of this path's actions needs, so that denying
/// it blocks them all.
fn denied_action(path: &EscalationPath) -> &'static str {
    let contained: Vec<&EscalationPath> = PATHS
        .iter()
        .filter(|other| other.actions.iter().all(|a| path.actions.contains(a)))
        .collect();
    path.actions
        .iter()
        .find(|action| contained.iter().all(|other| other.actions.contains(action)))
        .copied()
        .unwrap_or(path.actions[0])
}

fn actor_policy(path: &EscalationPath, case: Case) -> String {
    let mut statements: Vec<String> = path
        .actions
        .iter()
        .map(|action| {
            let condition = match case {
                Case::NeverHolds => r#","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}"#.to_string(),
                Case::OtherService if *action == "iam:PassRole" => {
                    r#","Condition":{"StringEquals":{"iam:PassedToService":"states.amazonaws.com"}}"#.to_string()
                }
                Case::OnlyPolicyItHolds => format!(
                    r#","Condition":{{"ArnEquals":{{"iam:PolicyARN":"{}"}}}}"#,
                    arn("policy", "actor-managed")
                ),
                _ => String::new(),
            };
            let resource = resource_for(path, action, case);
            format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"{condition}}}"#)
        })
        .collect();
    if case == Case::Denied {
        let action = denied_action(path);
        statements.push(format!(
            r#"{{"Effect":"Deny","Action":"{action}","Resource":"*"}}"#
        ));
    }
    format!(r#"{{"Statement":[{}]}}"#, statements.join(","))
}

/// An account where the table's first path makes its actor an administrator.
pub fn vulnerable_account() -> Snapshot {
    account(&PATHS[0], Case::Vulnerable)
}

fn account(path: &EscalationPath, case: Case) -> Snapshot {
    let chain = matches!(path.how, How::Chain(_));
    let privileged = case != Case::UnprivilegedTarget && !chain;
    let target_policies = || {
        if privileged {
            vec![attached(ADMIN_ARN)]
        } else {
            vec![]
        }
    };
    let target_trust = match services(path).first() {
        Some(_) if case == Case::RoleTrustsOtherService => service_trust("states.amazonaws.com"),
        Some(service) => service_trust(service),
        None if path.how == How::RewriteTrust => service_trust("states.amazonaws.com"),
        None => ROOT_TRUST.to_string(),
    };
    let mut target_role = role("target-role", &target_trust, target_policies());
    target_role.instance_profiles = vec![arn("instance-profile", "target-role")];
    let mut target_user = user("target-user", target_policies());
    if chain {
        target_role
            .attached_policies
            .push(attached(&arn("policy", "target-managed")));
        target_user
            .attached_policies
            .push(attached(&arn("policy", "target-managed")));
    }
    let admin_version: &[&str] = if privileged { &[ADMIN] } else { &[HARMLESS] };
    let mut details = AuthorizationDetails {
        users: vec![target_user],
        roles: vec![target_role],
        groups: vec![Group {
            name: "admins".into(),
            arn: arn("group", "admins"),
            attached_policies: target_policies(),
            inline_policies: vec![],
        }],
        policies: vec![
            managed(ADMIN_ARN, 3, ADMIN, &[]),
            managed(&arn("policy", "actor-managed"), 1, HARMLESS, admin_version),
            managed(&arn("policy", "target-managed"), 2, HARMLESS, &[]),
            managed(
                &arn("policy", "boundary"),
                1,
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
                &[],
            ),
        ],
    };
    details.groups.push(Group {
        name: "team".into(),
        arn: arn("group", "team"),
        attached_policies: vec![],
        inline_policies: vec![],
    });
    let policies = vec![attached(&arn("policy", "actor-managed"))];
    let boundary = (case == Case::Bounded).then(|| arn("policy", "boundary"));
    let document = actor_policy(path, case);
    if actor_is_role(path) {
        let mut actor = role("actor", &service_trust("ec2.amazonaws.com"), policies);
        actor.inline_policies = vec![inline("path", document)];
        actor.permissions_boundary_arn = boundary;
        details.roles.push(actor);
    } else {
        let mut actor = user("actor", policies);
        actor.groups = vec!["team".into()];
        actor.inline_policies = vec![inline("path", document)];
        actor.permissions_boundary_arn = boundary;
        details.users.push(actor);
    }
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    if let How::TakeOverUser(needs) = path.how {
        account.iam.credential_report = Observed::Collected(vec![target_credentials(needs, case)]);
    }
    account
}

/// The target user's line of the credential report: what the path needs, or for
/// [`Case::CredentialsRefuse`] what makes IAM refuse it.
fn target_credentials(needs: Needs, case: Case) -> CredentialReportRow {
    let refuse = case == Case::CredentialsRefuse;
    let key = |slot| AccessKeyUsage {
        slot,
        active: true,
        last_rotated: Some(
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 1, 0, 0, 0).unwrap(),
        ),
        last_used: None,
        last_used_service: None,
    };
    CredentialReportRow {
        user: "target-user".into(),
        arn: arn("user", "target-user"),
        user_created: None,
        password_enabled: match needs {
            Needs::NoPassword => refuse,
            Needs::Password => !refuse,
            _ => false,
        },
        password_last_used: None,
        mfa_active: false,
        access_keys: if needs == Needs::FreeKeySlot && refuse {
            vec![key(1), key(2)]
        } else {
            vec![]
        },
    }
}

/// The actor's finding, as one line.
fn actor_line(account: &Snapshot) -> String {
    run(&RULE, account)
        .lines()
        .find(|line| line.contains(":user/actor:") || line.contains(":role/actor:"))
        .map(|line| {
            line.split(": ")
                .skip(1)
                .collect::<Vec<_>>()
                .join(": ")
                .prefix_status(line)
        })
        .unwrap_or_else(|| "no finding".into())
}

trait PrefixStatus {
    fn prefix_status(self, line: &str) -> String;
}

impl PrefixStatus for String {
    fn prefix_status(self, line: &str) -> String {
        format!("{} {self}", line.split(' ').next().unwrap_or_default())
    }
}

#[test]
fn every_path_is_flagged_and_its_look_alikes_are_not() {
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for path in PATHS {
        let flagged = actor_line(&account(path, Case::Vulnerable));
        if !flagged.starts_with("fail") {
            wrong.push(format!("{} not flagged: {flagged}", path.id));
        }
        report.push(format!("{} vulnerable: {flagged}", path.id));
        for case in look_alikes(path) {
            let line = actor_line(&account(path, case));
            if !line.starts_with("pass") {
                wrong.push(format!("{} {case:?} flagged: {line}", path.id));
            }
            report.push(format!("{} {case:?}: {line}", path.id));
        }
    }
    insta::assert_snapshot!("escalation-paths", report.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// An account with one actor user holding `documents` (inline), an administrator role in
/// an instance profile that trusts EC2, and customer policies named like the tool tests'.
fn tool_test(name: &str, documents: &[&str]) -> Snapshot {
    let mut target = role(
        "admin-instance-role",
        &service_trust("ec2.amazonaws.com"),
        vec![attached(ADMIN_ARN)],
    );
    target.instance_profiles = vec![arn("instance-profile", "admin-instance-role")];
    let mut actor = user(
        name,
        vec![attached(&arn("policy", &format!("{name}-policy")))],
    );
    actor.inline_policies = documents
        .iter()
        .enumerate()
        .map(|(i, d)| inline(&format!("part-{i}"), d.to_string()))
        .collect();
    let details = AuthorizationDetails {
        users: vec![actor],
        roles: vec![target],
        groups: vec![],
        policies: vec![
            managed(ADMIN_ARN, 1, ADMIN, &[]),
            managed(&arn("policy", &format!("{name}-policy")), 1, HARMLESS, &[]),
        ],
    };
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    account
}

#[test]
fn iam_vulnerable_tool_tests() {
    let cases: &[(&str, &[&str], &str)] = &[
        // Flagged: the path is split over two policies.
        (
            "fn1",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:RunInstances"],"Resource":"*"}}"#,
                r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}}"#,
            ],
            "fail",
        ),
        // Flagged: the resource pattern still covers a policy attached to the actor.
        (
            "fn2",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::*:policy/fn2-*"}}"#,
            ],
            "fail",
        ),
        // Flagged: a condition that holds for any fresh session.
        (
            "fn3",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"*","Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}}}"#,
            ],
            "fail",
        ),
        // Flagged: NotAction leaves other paths open.
        (
            "fn4",
            &[
                r#"{"Statement":{"Effect":"Allow","NotAction":["iam:Update*","iam:Create*","iam:Attach*"],"Resource":"*"}}"#,
            ],
            "fail",
        ),
        // Not flagged: allow and deny of the same actions in one policy.
        (
            "fp1",
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            ],
            "pass",
        ),
        // Not flagged: allow everything, deny everything, in two policies.
        (
            "fp2",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#,
            ],
            "pass",
        ),
        // Not flagged: only a deny.
        (
            "fp3",
            &[r#"{"Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}}"#],
            "pass",
        ),
        // Not flagged: AWS-managed policies cannot be versioned by customers.
        (
            "fp4",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::aws:policy/fp4-*"}}"#,
            ],
            "pass",
        ),
        // Not flagged: a condition that can never hold.
        (
            "fp5",
            &[
                r#"{"Statement":{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}}}"#,
            ],
            "pass",
        ),
    ];
    let mut report = Vec::new();
    for (name, documents, expected) in cases {
        let text = run(&RULE, &tool_test(name, documents));
        let line = text
            .lines()
            .find(|l| l.contains(&format!(":user/{name}:")))
            .unwrap_or("no finding")
            .to_string();
        assert!(line.starts_with(expected), "{name}: {line}");
        report.push(format!("{name}: {line}"));
    }
    insta::assert_snapshot!("iam-vulnerable-tool-tests", report.join("\n"));
}

#[test]
fn an_administrator_is_not_an_escalation_finding() {
    let path = EscalationPath::find("iam-create-access-key").unwrap();
    let mut account = account(path, Case::Vulnerable);
    if let Observed::Collected(details) = &mut account.iam.authorization_details {
        let actor = details
            .users
            .iter_mut()
            .find(|u| u.name == "actor")
            .unwrap();
        actor.attached_policies.push(attached(ADMIN_ARN));
    }
    assert_eq!(actor_line(&account), "no finding");
}

/// user → role a → role b → role c (administrator): each trust names the previous
/// principal by ARN; the middle role's trust depends on MFA.
#[test]
fn a_chain_of_three_roles_ends_at_an_administrator() {
    let named = |arn: &str, condition: &str| {
        format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"{arn}"}},"Action":"sts:AssumeRole"{condition}}}}}"#
        )
    };
    let mfa = r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#;
    let details = AuthorizationDetails {
        users: vec![user("developer", vec![])],
        roles: vec![
            role("hop-a", &named(&arn("user", "developer"), ""), vec![]),
            role("hop-b", &named(&arn("role", "hop-a"), mfa), vec![]),
            role(
                "hop-c",
                &named(&arn("role", "hop-b"), ""),
                vec![attached(ADMIN_ARN)],
            ),
            // Trusts the developer, but grants nothing the developer lacks.
            role("empty", &named(&arn("user", "developer"), ""), vec![]),
        ],
        groups: vec![],
        policies: vec![managed(ADMIN_ARN, 1, ADMIN, &[])],
    };
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    insta::assert_snapshot!("three-role-chain", run(&RULE, &account));
}

/// Service-linked roles belong to AWS: their trust and permissions cannot be rewritten, so
/// rights to rewrite roles lead nowhere when those are the only roles.
#[test]
fn service_linked_roles_cannot_be_rewritten() {
    let mut linked = role(
        "AWSServiceRoleForExample",
        &service_trust("example.amazonaws.com"),
        vec![attached(ADMIN_ARN)],
    );
    linked.arn = arn(
        "role",
        "aws-service-role/example.amazonaws.com/AWSServiceRoleForExample",
    );
    let mut actor = user("actor", vec![]);
    let rewrite = r#"{"Statement":{"Effect":"Allow","Action":["iam:UpdateAssumeRolePolicy","iam:AttachRolePolicy","iam:PutRolePolicy","sts:AssumeRole"],"Resource":"*"}}"#;
    actor.inline_policies = vec![inline("roles", rewrite.to_string())];
    let details = AuthorizationDetails {
        users: vec![actor],
        roles: vec![linked],
        groups: vec![],
        policies: vec![managed(ADMIN_ARN, 1, ADMIN, &[])],
    };
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    let line = actor_line(&account);
    assert!(line.starts_with("pass"), "{line}");
}

/// A trust policy naming a user lets it in whatever its boundary says; one naming a role
/// still answers to the role's boundary (IAM's evaluation with permissions boundaries).
#[test]
fn a_boundary_limits_a_role_named_in_a_trust_policy_but_not_a_user() {
    let names = |who: &str| {
        format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"{who}"}},"Action":"sts:AssumeRole"}}}}"#
        )
    };
    let boundary = arn("policy", "s3-only");
    let mut bounded_user = user("bounded-user", vec![]);
    bounded_user.permissions_boundary_arn = Some(boundary.clone());
    let mut bounded_role = role("bounded-role", &service_trust("ec2.amazonaws.com"), vec![]);
    bounded_role.permissions_boundary_arn = Some(boundary.clone());
    let admin_for = |name: &str, who: &str| role(name, &names(who), vec![attached(ADMIN_ARN)]);
    let details = AuthorizationDetails {
        users: vec![bounded_user],
        roles: vec![
            bounded_role,
            admin_for("admin-for-user", &arn("user", "bounded-user")),
            admin_for("admin-for-role", &arn("role", "bounded-role")),
        ],
        groups: vec![],
        policies: vec![
            managed(ADMIN_ARN, 2, ADMIN, &[]),
            managed(
                &boundary,
                2,
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
                &[],
            ),
        ],
    };
    let mut account = snapshot();
    account.iam.authorization_details = Observed::Collected(details);
    let text = run(&RULE, &account);
    let line = |suffix: &str| {
        text.lines()
            .find(|l| l.contains(suffix))
            .unwrap()
            .to_string()
    };
    assert!(line(":user/bounded-user:").starts_with("fail"), "{text}");
    assert!(line(":role/bounded-role:").starts_with("pass"), "{text}");
}

/// IAM keeps five versions of a policy: with all five stored, a new version needs the right
/// to delete one too.
#[test]
fn a_full_policy_needs_a_deleted_version_before_a_new_one() {
    let account = |may_delete: bool| {
        let mut actor = user("actor", vec![attached(&arn("policy", "full"))]);
        let actions = if may_delete {
            r#"["iam:CreatePolicyVersion","iam:DeletePolicyVersion"]"#
        } else {
            r#""iam:CreatePolicyVersion""#
        };
        let document =
            format!(r#"{{"Statement":{{"Effect":"Allow","Action":{actions},"Resource":"*"}}}}"#);
        actor.inline_policies = vec![inline("versions", document)];
        let details = AuthorizationDetails {
            users: vec![actor],
            roles: vec![],
            groups: vec![],
            policies: vec![managed(&arn("policy", "full"), 1, HARMLESS, &[HARMLESS; 4])],
        };
        let mut account = snapshot();
        account.iam.authorization_details = Observed::Collected(details);
        account
    };
    assert!(actor_line(&account(false)).starts_with("pass"));
    assert!(actor_line(&account(true)).starts_with("fail"));
}

/// Passing any role to EC2 is judged once for all the roles EC2 runs (one move into the
/// service's hub), yet the finding still names the role chosen, as target and as the
/// resource `iam:PassRole` was judged on; a policy that looks at the role's tags is judged
/// role by role, and reaches only the role its condition admits.
#[test]
fn passing_any_role_names_the_role_chosen_and_a_tag_condition_is_judged_per_role() {
    let ec2_role = |name: &str, policies: Vec<AttachedPolicy>, team: &str| {
        let mut role = role(name, &service_trust("ec2.amazonaws.com"), policies);
        role.instance_profiles = vec![arn("instance-profile", name)];
        role.tags = BTreeMap::from([("team".to_string(), team.to_string())]);
        role
    };
    let account_with = |pass_role: &str| {
        let mut actor = user("actor", vec![]);
        let document = format!(
            r#"{{"Statement":[{pass_role},{{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}}]}}"#
        );
        actor.inline_policies = vec![inline("launch", document)];
        let details = AuthorizationDetails {
            users: vec![actor],
            roles: vec![
                ec2_role("app-a", vec![], "web"),
                ec2_role("admin-box", vec![attached(ADMIN_ARN)], "ops"),
                ec2_role("app-b", vec![], "web"),
            ],
            groups: vec![],
            policies: vec![managed(ADMIN_ARN, 1, ADMIN, &[])],
        };
        let mut account = snapshot();
        account.iam.authorization_details = Observed::Collected(details);
        account
    };
    let admin_box = arn("role", "admin-box");

    let any = account_with(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#);
    let line = actor_line(&any);
    assert!(line.starts_with("fail"), "{line}");
    assert!(line.contains("on role/admin-box"), "{line}");
    assert!(line.contains("become an administrator"), "{line}");
    assert!(!line.contains("every role that trusts"), "{line}");
    let evidence = run(&RULE, &any);
    assert!(
        evidence.contains(&format!(r#""resource":"{admin_box}""#)),
        "{evidence}"
    );
    assert!(
        evidence.contains(&format!(r#""target":"{admin_box}""#)),
        "{evidence}"
    );
    assert!(!evidence.contains("every role that trusts"), "{evidence}");

    // Only roles of team web may be passed: the administrator's role is out of reach.
    let tagged = account_with(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}}"#,
    );
    let line = actor_line(&tagged);
    assert!(!line.contains("administrator"), "{line}");
    assert!(!line.contains(&admin_box), "{line}");
}
