//! Benchmark of the IAM access graph on a synthetic account: `cargo bench -p posture-rules
//! --bench iam_graph [-- USERS ROLES POLICIES]` (default 6,000 users and 4,000 roles, i.e.
//! 10,000 principals, and 5,000 customer policies). Prints wall-clock figures for building
//! the principals, the graph (every move of every principal), the verdicts, and the two
//! rules end to end; asserts nothing. With `POSTURE_BENCH_SNAPSHOT=FILE` it also writes the
//! account as a snapshot, to time `posture check --snapshot FILE` on it.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use posture_rules::access::graph::{Graph, Verdict};
use posture_rules::access::identity::principals;
use posture_rules::model::*;
use posture_rules::rule::Context;
use posture_rules::rules::{
    iam_principal_administrator, iam_principal_can_empower_others, iam_privilege_escalation,
};
use posture_rules::Settings;

const ACCOUNT: &str = "111122223333";

/// A small deterministic generator, so every run measures the same account.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

/// One statement of a realistic kind: scoped data access, scoped pass-role, role
/// assumption within a team, self-service keys, launching instances, a fence of denies.
fn statement(random: &mut Random, team: usize) -> String {
    match random.below(10) {
        0 => format!(
            r#"{{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::team-{team}-*","arn:aws:s3:::team-{team}-*/*"]}}"#
        ),
        1 => format!(
            r#"{{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:{ACCOUNT}:table/team-{team}-*"}}"#
        ),
        2 => format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{ACCOUNT}:role/app-{team}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}}"#
        ),
        3 => format!(
            r#"{{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction","lambda:UpdateFunctionCode"],"Resource":"arn:aws:lambda:*:{ACCOUNT}:function:team-{team}-*"}}"#
        ),
        4 => format!(
            r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{ACCOUNT}:role/team-{team}-*"}}"#
        ),
        5 => format!(
            r#"{{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:UpdateAccessKey","iam:DeleteAccessKey"],"Resource":"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"}}"#
        ),
        6 => r#"{"Effect":"Allow","Action":["ec2:RunInstances","ec2:Describe*"],"Resource":"*"}"#.to_string(),
        7 => format!(
            r#"{{"Effect":"Allow","Action":"ssm:SendCommand","Resource":"*","Condition":{{"StringEquals":{{"aws:ResourceTag/team":"{team}"}}}}}}"#
        ),
        8 => r#"{"Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#.to_string(),
        _ => format!(
            r#"{{"Effect":"Allow","Action":["sqs:*","sns:Publish"],"Resource":"arn:aws:sqs:*:{ACCOUNT}:team-{team}-*"}}"#
        ),
    }
}

fn attached(arn: String) -> AttachedPolicy {
    AttachedPolicy {
        name: policy_name_from_arn(&arn).to_string(),
        arn,
    }
}

fn account(users: usize, roles: usize, policies: usize) -> AuthorizationDetails {
    let mut random = Random(42);
    let teams = 200;
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess".to_string();
    let mut details = AuthorizationDetails::default();
    details.policies.push(ManagedPolicy {
        name: "AdministratorAccess".into(),
        arn: admin.clone(),
        attachment_count: 1,
        default_document: Some(
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
        ),
        other_versions: vec![],
    });
    for i in 0..policies {
        let team = random.below(teams);
        let count = 1 + random.below(4);
        let statements: Vec<String> = (0..count).map(|_| statement(&mut random, team)).collect();
        details.policies.push(ManagedPolicy {
            name: format!("policy-{i}"),
            arn: arn("policy", &format!("policy-{i}")),
            attachment_count: 3,
            default_document: Some(format!(r#"{{"Statement":[{}]}}"#, statements.join(",")).into()),
            other_versions: vec![],
        });
    }
    let pick = |random: &mut Random| {
        attached(arn("policy", &format!("policy-{}", random.below(policies))))
    };
    for g in 0..teams {
        details.groups.push(Group {
            name: format!("team-{g}"),
            arn: arn("group", &format!("team-{g}")),
            attached_policies: vec![pick(&mut random), pick(&mut random)],
            inline_policies: vec![],
        });
    }
    for u in 0..users {
        details.users.push(User {
            name: format!("user-{u}"),
            arn: arn("user", &format!("user-{u}")),
            id: format!("AIDA{u:016}"),
            created: None,
            groups: vec![format!("team-{}", random.below(teams))],
            attached_policies: vec![pick(&mut random)],
            inline_policies: vec![],
            permissions_boundary_arn: None,
            tags: [("team".to_string(), random.below(teams).to_string())].into(),
        });
    }
    for r in 0..roles {
        let team = random.below(teams);
        let (name, trust) = match random.below(5) {
            0 => (format!("app-{team}-{r}"), r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#.to_string()),
            1 => (format!("instance-{team}-{r}"), r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#.to_string()),
            2 | 3 => (
                format!("team-{team}-{r}"),
                format!(r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}}}"#),
            ),
            _ => (
                format!("ci-{team}-{r}"),
                format!(
                    r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole"}}}}"#,
                    arn("user", &format!("user-{}", random.below(users)))
                ),
            ),
        };
        let mut policies = vec![pick(&mut random), pick(&mut random)];
        if random.below(100) == 0 {
            policies.push(attached(admin.clone()));
        }
        details.roles.push(Role {
            arn: arn("role", &name),
            id: format!("AROA{r:016}"),
            created: None,
            trust_policy: Some(trust.into()),
            attached_policies: policies,
            inline_policies: vec![],
            permissions_boundary_arn: None,
            last_used: None,
            tags: Default::default(),
            instance_profiles: if random.below(2) == 0 {
                vec![arn("instance-profile", &name)]
            } else {
                vec![]
            },
            name,
        });
    }
    details
}

fn main() {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (users, roles, policies) = match numbers[..] {
        [users, roles, policies, ..] => (users, roles, policies),
        _ => (6_000, 4_000, 5_000),
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let details = account(users, roles, policies);
    println!(
        "synthetic account: {users} users, {roles} roles, {policies} customer policies, 200 groups"
    );

    let start = Instant::now();
    let principals = principals(&details);
    println!(
        "principals with their policies parsed: {:.2} s",
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let graph = Graph::new(&principals, &details, None, "aws", now);
    println!(
        "graph (every move of every principal): {:.2} s",
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let mut counts = [0usize; 4];
    for index in 0..principals.len() {
        counts[match graph.verdict(index) {
            Verdict::Administrator(_) => 0,
            Verdict::Escalates(_) => 1,
            Verdict::Contained => 2,
            Verdict::Unknown(_) => 3,
        }] += 1;
    }
    println!(
        "verdicts: {:.2} s ({} administrators, {} escalate, {} contained, {} unknown)",
        start.elapsed().as_secs_f64(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );

    // The rules below build their own graph: this one is no longer needed.
    drop(graph);
    drop(principals);
    let snapshot = bench_snapshot(details, now);
    // To time `posture check --snapshot` end to end on the same account.
    if let Ok(path) = std::env::var("POSTURE_BENCH_SNAPSHOT") {
        let file = std::fs::File::create(&path).expect("snapshot file");
        serde_json::to_writer(std::io::BufWriter::new(file), &snapshot).expect("snapshot written");
        println!("snapshot written to {path}");
    }
    let settings = Settings::at(now);
    let cx = Context {
        snapshot: &snapshot,
        settings: &settings,
    };
    for rule in [
        &iam_privilege_escalation::RULE,
        &iam_principal_can_empower_others::RULE,
        &iam_principal_administrator::RULE,
    ] {
        let start = Instant::now();
        let findings = (rule.check)(rule, &cx);
        println!(
            "rule {}: {:.2} s, {} findings",
            rule.id,
            start.elapsed().as_secs_f64(),
            findings.len()
        );
    }
}

fn bench_snapshot(details: AuthorizationDetails, now: chrono::DateTime<Utc>) -> Snapshot {
    Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        collector_version: "bench".into(),
        collected_at: now,
        account: Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: arn("user", "auditor"),
        },
        regions: vec!["us-east-1".into()],
        iam: Iam {
            authorization_details: Observed::Collected(details),
            credential_report: Observed::Collected(vec![]),
            password_policy: Observed::Collected(None),
            account_summary: Observed::Collected(Default::default()),
            virtual_mfa_devices: Observed::Collected(vec![]),
            server_certificates: Observed::Collected(vec![]),
        },
        s3: S3 {
            buckets: Observed::Collected(vec![]),
            account_public_access_block: Observed::Collected(None),
        },
        ec2: vec![],
        gaps: vec![],
        requests: Default::default(),
        notes: vec![],
        logging: Default::default(),
        kms: vec![],
        access_analyzers: vec![],
        security_contact: Observed::Collected(None),
        efs: vec![],
        rds: vec![],
        ssm: vec![],
        organization: Observed::Collected(None),
    }
}
