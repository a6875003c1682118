//! `posture check --org` against moto's Organizations: an organization of six accounts in
//! two organizational units (one nested), each member with an SSH port open to the
//! internet in its own account, and one member whose audit role cannot be assumed (the
//! fault proxy denies `sts:AssumeRole` into it).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, IpRange};
use aws_sdk_organizations::types::Tag;

use crate::support::{json_report, posture, stderr, FaultProxy, Moto};

/// The organization `build` made: account ids by name, and the OU ids.
struct Organization {
    accounts: BTreeMap<String, String>,
    workloads: String,
    sandbox: String,
}

async fn build(moto: &Moto) -> Organization {
    let org = moto.organizations();
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let root = org.list_roots().send().await.unwrap().roots.unwrap()[0]
        .id
        .clone()
        .unwrap();
    let unit = |parent: String, name: &'static str| {
        let org = org.clone();
        async move {
            org.create_organizational_unit()
                .parent_id(parent)
                .name(name)
                .send()
                .await
                .unwrap()
                .organizational_unit
                .unwrap()
                .id
                .unwrap()
        }
    };
    let workloads = unit(root.clone(), "Workloads").await;
    let production = unit(workloads.clone(), "Production").await;
    let sandbox = unit(root.clone(), "Sandbox").await;
    let mut accounts = BTreeMap::new();
    for (name, parent) in [
        ("web-prod", &production),
        ("data-prod", &production),
        ("shared", &workloads),
        ("sandbox-1", &sandbox),
        ("sandbox-2", &sandbox),
    ] {
        let created = org
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .tags(Tag::builder().key("team").value(name).build().unwrap())
            .send()
            .await
            .unwrap();
        let id = created.create_account_status.unwrap().account_id.unwrap();
        org.move_account()
            .account_id(&id)
            .source_parent_id(&root)
            .destination_parent_id(parent)
            .send()
            .await
            .unwrap();
        // Each account's own resource, made in that account.
        let ec2 = moto.ec2_in(&id, "us-east-1").await;
        let group = ec2
            .create_security_group()
            .group_name(format!("{name}-ssh"))
            .description("ssh from anywhere")
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap();
        ec2.authorize_security_group_ingress()
            .group_id(&group)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        accounts.insert(name.to_string(), id);
    }
    Organization {
        accounts,
        workloads,
        sandbox,
    }
}

/// The scan every test of this module runs: the organization, one region, one rule.
const ORG_SCAN: [&str; 10] = [
    "check",
    "--org",
    "--region",
    "us-east-1",
    "--rule",
    "ec2-security-group-admin-ports-open",
    "--external-id",
    "org-audit-7",
    "--format",
    "json",
];

fn scan(env: &[(String, String)], extra: &[&str]) -> (serde_json::Value, Option<i32>, String) {
    let mut args = ORG_SCAN.to_vec();
    args.extend(extra);
    let output = posture(&args, env);
    (json_report(&output), output.status.code(), stderr(&output))
}

/// The ids of the accounts with a failing SSH finding, and of the accounts in the report.
fn failing_and_listed(report: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let mut failing: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["account"].as_str().unwrap().to_string())
        .collect();
    failing.sort();
    failing.dedup();
    let listed = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    (failing, listed)
}

#[test]
fn an_organization_is_one_report_and_an_unreachable_account_is_a_gap() {
    let moto = Moto::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = runtime.block_on(build(&moto));
    let broken = org.accounts["sandbox-2"].clone();
    let proxy = FaultProxy::start(&moto, &["--deny", "AssumeRole", "--deny-matching", &broken]);
    let env = proxy.posture_env();

    let (report, code, log) = scan(&env, &[]);
    assert_eq!(code, Some(1), "{log}");
    let (failing, listed) = failing_and_listed(&report);
    // Every member but the broken one has its finding, under its own account id.
    let mut healthy: Vec<String> = org
        .accounts
        .iter()
        .filter(|(name, _)| *name != "sandbox-2")
        .map(|(_, id)| id.clone())
        .collect();
    healthy.sort();
    assert_eq!(failing, healthy);
    for id in org.accounts.values() {
        assert!(listed.contains(id), "{id} is not in the report: {listed:?}");
    }
    for finding in report["findings"].as_array().unwrap() {
        let account = finding["account"].as_str().unwrap();
        assert!(
            finding["resource"].as_str().unwrap().contains(account),
            "{finding}"
        );
    }
    // Names, OU paths and tags come from the organization.
    let web = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == org.accounts["web-prod"].as_str())
        .unwrap();
    assert_eq!(web["name"], "web-prod");
    assert_eq!(
        web["ou_path"],
        serde_json::json!(["Workloads", "Production"])
    );
    assert_eq!(web["tags"]["team"], "web-prod");
    // The broken account: a gap for it, its rule unknown, never a pass.
    let gap = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["account"] == broken.as_str())
        .unwrap_or_else(|| panic!("no gap for {broken}: {}", report["gaps"]));
    assert_eq!(gap["operation"], "AssumeRole");
    let of_broken: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["account"] == broken.as_str())
        .collect();
    assert!(!of_broken.is_empty());
    assert!(
        of_broken.iter().all(|f| f["status"] == "unknown"),
        "{of_broken:?}"
    );
    assert_eq!(report["complete"], false);
    let unreachable = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == broken.as_str())
        .unwrap();
    assert_eq!(unreachable["caller_arn"], serde_json::Value::Null);

    // The terminal report scores accounts × duties and says which one was not read.
    let mut args = vec![
        "check",
        "--org",
        "--region",
        "us-east-1",
        "--color",
        "never",
    ];
    args.extend(["--rule", "ec2-security-group-admin-ports-open"]);
    let text = String::from_utf8(posture(&args, &env).stdout).unwrap();
    let row = |id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{text}"))
            .to_string()
    };
    assert!(row(&broken).ends_with("not reachable"), "{}", row(&broken));
    let web = row(&org.accounts["web-prod"]);
    let cells: Vec<&str> = web.split_whitespace().collect();
    // id, name, then data, iam, creds, network...: the SSH finding is under network.
    assert_eq!(cells[1], "web-prod", "{web}");
    assert_eq!(cells[5], "1", "{web}");
    assert!(
        text.contains("6 account(s): 5 read, 1 not reachable"),
        "{text}"
    );

    // Spreadsheets name each row's account.
    let mut args = vec!["check", "--org", "--region", "us-east-1", "--format", "csv"];
    args.extend(["--rule", "ec2-security-group-admin-ports-open"]);
    let csv = String::from_utf8(posture(&args, &env).stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (account, name) = (column("account"), column("account_name"));
    let web_rows = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| r[account] == *org.accounts["web-prod"])
        .inspect(|r| assert_eq!(&r[name], "web-prod"))
        .count();
    assert!(web_rows > 0, "{csv}");

    // --ou: the unit and the units below it.
    let (report, _, log) = scan(&env, &["--ou", &org.workloads]);
    let (_, listed) = failing_and_listed(&report);
    let mut expected: Vec<String> = ["web-prod", "data-prod", "shared"]
        .iter()
        .map(|n| org.accounts[*n].clone())
        .collect();
    expected.sort();
    let mut listed = listed;
    listed.sort();
    assert_eq!(listed, expected, "{log}");
    let (report, _, _) = scan(&env, &["--ou", &org.sandbox, "--exclude-accounts", &broken]);
    let (failing, listed) = failing_and_listed(&report);
    assert_eq!(listed, [org.accounts["sandbox-1"].clone()]);
    assert_eq!(failing, listed);
    assert_eq!(report["complete"], true);

    // A unit that does not exist is an error, not an empty scan.
    let output = posture(&["check", "--org", "--ou", "ou-zzzz-nothere1"], &env);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("ou-zzzz-nothere1"),
        "{}",
        stderr(&output)
    );
}

/// What two reports are compared on: every finding and every gap, in a stable order.
fn content(report: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let mut findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {} {}",
                f["account"], f["rule_id"], f["resource"], f["status"], f["severity"], f["message"]
            )
        })
        .collect();
    findings.sort();
    let mut gaps: Vec<String> = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.to_string())
        .collect();
    gaps.sort();
    (findings, gaps)
}

#[test]
fn shards_cover_every_account_once_and_merge_into_the_whole() {
    let moto = Moto::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = runtime.block_on(build(&moto));
    let broken = org.accounts["data-prod"].clone();
    let proxy = FaultProxy::start(&moto, &["--deny", "AssumeRole", "--deny-matching", &broken]);
    let env = proxy.posture_env();
    let (whole, _, _) = scan(&env, &[]);
    let (_, mut all) = failing_and_listed(&whole);
    all.sort();
    assert!(all.len() >= 6, "{all:?}");

    for count in 1..=7 {
        let mut seen = Vec::new();
        for index in 1..=count {
            let shard = format!("{index}/{count}");
            let (report, _, log) = scan(&env, &["--shard", &shard]);
            assert_eq!(report["shard"]["index"], index, "{log}");
            seen.extend(failing_and_listed(&report).1);
        }
        seen.sort();
        assert_eq!(seen, all, "every account in exactly one of {count} shards");
    }

    // The shards of one split, merged, are the whole scan: same findings, same gaps.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for index in 1..=3 {
        let path = dir.path().join(format!("shard-{index}.json"));
        let shard = format!("{index}/3");
        let mut args = ORG_SCAN.to_vec();
        args.extend(["--shard", &shard, "--output", path.to_str().unwrap(), "-q"]);
        let output = posture(&args, &env);
        assert!(path.exists(), "{}", stderr(&output));
        files.push(path.to_str().unwrap().to_string());
    }
    let merge = |files: &[String]| {
        let mut args = vec!["merge", "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        posture(&args, &[])
    };
    let output = merge(&files);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let merged = json_report(&output);
    assert_eq!(content(&merged), content(&whole));
    assert_eq!(merged["summary"], whole["summary"]);

    // A missing shard is a gap, and the merged report incomplete; an overlap is said.
    let output = merge(&files[..2]);
    let partial = json_report(&output);
    assert_eq!(partial["complete"], false);
    assert!(partial["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["error_code"] == "MissingShard" && g["resource"] == "shard 3/3"));
    // The accounts' ids are moto's random ones, so a shard of 3 can be empty: repeat one
    // that holds accounts, or there is no overlap to warn of.
    let holds_accounts = |file: &String| {
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        report["accounts"].as_array().is_some_and(|a| !a.is_empty())
    };
    let repeated = files.iter().find(|f| holds_accounts(f)).unwrap().clone();
    let mut overlapping = files.clone();
    overlapping.push(repeated);
    let output = merge(&overlapping);
    assert!(
        stderr(&output).contains("is in both"),
        "{}",
        stderr(&output)
    );
    assert_eq!(content(&json_report(&output)), content(&whole));
}

/// The organization rules from the management account: guardrails per member account
/// (an SCP on the Workloads OU holds the accounts below it; the Sandbox OU has none), and
/// again once the policy type is disabled on the root, when the attached SCP holds
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn guardrails_are_read_per_member_account_from_the_management_account() {
    use aws_sdk_organizations::types::PolicyType;
    let moto = Moto::start();
    let organization = build(&moto).await;
    let org = moto.organizations();
    let root = org.list_roots().send().await.unwrap().roots.unwrap()[0]
        .id
        .clone()
        .unwrap();
    let enable = org
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ServiceControlPolicy);
    enable.send().await.unwrap();
    let deny_leaving = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;
    let policy = org
        .create_policy()
        .name("DenyLeaving")
        .description("members stay")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(deny_leaving)
        .send()
        .await
        .unwrap();
    let policy_id = policy.policy.unwrap().policy_summary.unwrap().id.unwrap();
    (org.attach_policy().policy_id(&policy_id))
        .target_id(&organization.workloads)
        .send()
        .await
        .unwrap();
    let rule = "organization-account-without-guardrails";
    let run = || {
        let args = [
            "check",
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--rule",
            rule,
        ];
        let output = posture(&args, &moto.posture_env());
        (json_report(&output), output)
    };
    let status_of = |report: &serde_json::Value, name: &str| {
        let id = &organization.accounts[name];
        crate::support::finding(report, rule, &format!("/{id}"))["status"].clone()
    };
    let (report, output) = run();
    assert_eq!(report["gaps"], serde_json::json!([]), "{}", stderr(&output));
    for held in ["web-prod", "data-prod", "shared"] {
        assert_eq!(status_of(&report, held), "pass", "{held}");
        let message =
            crate::support::finding(&report, rule, &organization.accounts[held])["message"].clone();
        assert!(
            message.as_str().unwrap().contains("SCP DenyLeaving"),
            "{message}"
        );
    }
    for bare in ["sandbox-1", "sandbox-2"] {
        assert_eq!(status_of(&report, bare), "fail", "{bare}");
    }
    // The management account itself is never judged: no SCP applies to it.
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5, "{findings:#?}");

    (org.disable_policy_type().root_id(&root))
        .policy_type(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap();
    let (report, _) = run();
    for name in ["web-prod", "data-prod", "shared", "sandbox-1", "sandbox-2"] {
        assert_eq!(
            status_of(&report, name),
            "fail",
            "{name}: SCPs are disabled"
        );
    }
}

/// The management account runs no workload here, and moto does not implement IAM's
/// organization features: that rule is `unknown` on its gap, never a pass.
#[tokio::test(flavor = "multi_thread")]
async fn the_management_account_is_judged_for_workloads_and_root_access() {
    let moto = Moto::start();
    build(&moto).await;
    let args = [
        "check",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--rule",
        "organization-management-account-has-workloads",
        "--rule",
        "organization-root-access-not-centralized",
    ];
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    let status = |rule: &str| {
        let findings = report["findings"].as_array().unwrap();
        let of_rule: Vec<_> = findings.iter().filter(|f| f["rule_id"] == rule).collect();
        assert_eq!(of_rule.len(), 1, "{rule}: {findings:#?}");
        let resource = of_rule[0]["resource"].as_str().unwrap();
        assert!(resource.contains(":organization/o-"), "{resource}");
        of_rule[0]["status"].clone()
    };
    assert_eq!(
        status("organization-management-account-has-workloads"),
        "pass",
        "{}",
        stderr(&output)
    );
    assert_eq!(
        status("organization-root-access-not-centralized"),
        "unknown"
    );
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .all(|g| g["service"] == "iam" && g["operation"] == "ListOrganizationsFeatures"),
        "{gaps:?}"
    );
}

/// A role trusting an account of the organization is no cross-account finding in an
/// `--org` scan, the account whose role cannot be assumed included; one trusting an
/// outsider still is. Reports of separate accounts, merged, hold each other's accounts to
/// be the customer's own, and nothing more.
#[test]
fn an_organizations_own_accounts_are_not_strangers() {
    let moto = Moto::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = runtime.block_on(build(&moto));
    let (web, shared, broken) = (
        &org.accounts["web-prod"],
        &org.accounts["shared"],
        &org.accounts["sandbox-2"],
    );
    const OUTSIDER: &str = "999988887777";
    // Organizations made each member's OrganizationAccountAccessRole, trusting the
    // management account; the others are made here.
    runtime.block_on(async {
        let iam = moto.iam_in(web).await;
        let shared_root = format!("arn:aws:iam::{shared}:root");
        for (name, principal) in [
            ("from-shared", shared_root.as_str()),
            ("from-sandbox-2", broken.as_str()),
            ("vendor", OUTSIDER),
        ] {
            let trust = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
            );
            iam.create_role()
                .role_name(name)
                .assume_role_policy_document(trust)
                .send()
                .await
                .unwrap();
        }
    });
    let rule = "iam-role-cross-account-trust-without-external-id";
    let status = |report: &serde_json::Value, role: &str| {
        let role = format!("arn:aws:iam::{web}:role/{role}");
        crate::support::finding(report, rule, &role)["status"].clone()
    };

    // --org, sandbox-2 not reachable: every account the organization lists is its own.
    let proxy = FaultProxy::start(&moto, &["--deny", "AssumeRole", "--deny-matching", broken]);
    let args = [
        "check",
        "--org",
        "--region",
        "us-east-1",
        "--rule",
        rule,
        "--format",
        "json",
    ];
    let output = posture(&args, &proxy.posture_env());
    let report = json_report(&output);
    for own in [
        "OrganizationAccountAccessRole",
        "from-shared",
        "from-sandbox-2",
    ] {
        assert_eq!(status(&report, own), "pass", "{own}: {}", stderr(&output));
    }
    assert_eq!(status(&report, "vendor"), "fail");
    let message = crate::support::finding(&report, rule, "role/vendor")["message"].clone();
    assert!(message.as_str().unwrap().contains(OUTSIDER), "{message}");

    // One account at a time: its snapshot knows its organization's management account,
    // not its siblings.
    let dir = tempfile::tempdir().unwrap();
    let scan_one = |account: &str| {
        let path = dir.path().join(format!("{account}.json"));
        let role = format!("arn:aws:iam::{account}:role/posture-audit");
        let args = [
            "check",
            "--role-arn",
            &role,
            "--region",
            "us-east-1",
            "--rule",
            rule,
            "--format",
            "json",
            "-q",
            "--output",
            path.to_str().unwrap(),
        ];
        let output = posture(&args, &moto.posture_env());
        assert!(path.exists(), "{}", stderr(&output));
        path.to_str().unwrap().to_string()
    };
    let (web_report, shared_report) = (scan_one(web), scan_one(shared));
    let alone: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&web_report).unwrap()).unwrap();
    assert_eq!(status(&alone, "OrganizationAccountAccessRole"), "pass");
    for foreign in ["from-shared", "from-sandbox-2", "vendor"] {
        assert_eq!(status(&alone, foreign), "fail", "{foreign}");
    }
    // Merged with shared's report, shared is the customer's own; sandbox-2, in neither
    // report, and the outsider are not.
    let output = posture(
        &["merge", &web_report, &shared_report, "--format", "json"],
        &[],
    );
    let merged = json_report(&output);
    assert_eq!(status(&merged, "OrganizationAccountAccessRole"), "pass");
    assert_eq!(
        status(&merged, "from-shared"),
        "pass",
        "{}",
        stderr(&output)
    );
    assert_eq!(status(&merged, "from-sandbox-2"), "fail");
    assert_eq!(status(&merged, "vendor"), "fail");
    assert_eq!(merged["summary"]["fail"], 2, "{}", merged["summary"]);
}
