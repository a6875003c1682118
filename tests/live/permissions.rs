//! Reading with no more than `posture permissions` prints, under moto's IAM enforcement:
//! as a user with that policy and as an audit role assumed with an external id; one action
//! less is exactly one gap and its rules `unknown`; and every request is a read.

use crate::support::{json_report, posture, stderr, FaultProxy, Moto};
use crate::{gaps_besides_moto_versioning, status, volume};

/// Creates a user with the given policy and returns its access key pair.
async fn user_with_policy(moto: &Moto, name: &str, policy: &str) -> (String, String) {
    let iam = moto.iam();
    iam.create_user().user_name(name).send().await.unwrap();
    iam.put_user_policy()
        .user_name(name)
        .policy_name("posture")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    (key.access_key_id, key.secret_access_key)
}

fn env_as(moto: &Moto, (key, secret): &(String, String)) -> Vec<(String, String)> {
    let mut env = moto.posture_env();
    env.retain(|(k, _)| !k.starts_with("AWS_ACCESS_KEY") && !k.starts_with("AWS_SECRET"));
    env.push(("AWS_ACCESS_KEY_ID".into(), key.clone()));
    env.push(("AWS_SECRET_ACCESS_KEY".into(), secret.clone()));
    env
}

/// The policy `posture permissions` prints, with moto's names for some S3 calls added,
/// optionally without one action. moto 5.2.5 authorizes some S3 calls under other names
/// than AWS does: bucket-level GetBucketEncryption, GetBucketOwnershipControls and
/// GetPublicAccessBlock as s3:ListBucket, and s3control's GetPublicAccessBlock as
/// s3:GetPublicAccessBlock (AWS: s3:GetEncryptionConfiguration,
/// s3:GetBucketOwnershipControls, s3:GetBucketPublicAccessBlock,
/// s3:GetAccountPublicAccessBlock). It grants moto's names too; the printed policy stays
/// the one for AWS.
fn printed_policy(without: Option<&str>) -> serde_json::Value {
    let printed = posture(&["permissions"], &[]);
    assert_eq!(printed.status.code(), Some(0));
    let mut policy: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    let actions = policy["Statement"][0]["Action"].as_array_mut().unwrap();
    actions.extend(["s3:ListBucket".into(), "s3:GetPublicAccessBlock".into()]);
    if let Some(action) = without {
        let before = actions.len();
        actions.retain(|a| a != action);
        assert_eq!(actions.len(), before - 1, "the policy grants {action}");
    }
    policy
}

/// An audit role whose only policy is `policy` and whose trust requires an external id.
async fn audit_role(moto: &Moto, name: &str, policy: &serde_json::Value) -> String {
    let iam = moto.iam();
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::123456789012:user/scanner" },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "sts:ExternalId": "posture-ci-42" } },
        }],
    });
    let role = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.put_role_policy()
        .role_name(name)
        .policy_name("posture-read-only")
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap();
    role
}

/// moto enforcing IAM: `posture permissions` is enough for a complete scan, and a policy
/// missing one action gives exactly that gap, reported as unknown.
#[tokio::test(flavor = "multi_thread")]
async fn the_printed_least_privilege_policy_is_enough_and_a_missing_action_is_a_gap() {
    // moto authorizes every request after the first nine, which set the account up.
    const SETUP_REQUESTS: &str = "9";
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_REQUESTS)]);
    let s3 = moto.s3("us-east-1");
    s3.create_bucket()
        .bucket("posture-least-privilege")
        .send()
        .await
        .unwrap(); // 1
    let ec2 = moto.ec2("us-east-1");
    let volume = volume(&ec2, "us-east-1a", true).await; // 2
    ec2.create_snapshot()
        .volume_id(&volume)
        .send()
        .await
        .unwrap(); // 3

    let policy = printed_policy(None);
    let partial = printed_policy(Some("s3:GetBucketPolicy"));

    let auditor = user_with_policy(&moto, "auditor", &policy.to_string()).await; // 4-6
    let limited = user_with_policy(&moto, "limited", &partial.to_string()).await; // 7-9

    // moto 5.2.5, when it enforces IAM, rejects every EFS request of an IAM user as
    // `SignatureDoesNotMatch` (in an XML body the restJson parser cannot read), whatever the
    // policy: that gap is moto's, and the users here leave out the rules that read EFS.
    let args = [
        "check",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--exclude-rule",
        "efs-file-system-unencrypted",
        "--exclude-rule",
        "data-outside-allowed-regions",
        "--exclude-rule",
        "organization-management-account-has-workloads",
    ];
    let full = posture(&args, &env_as(&moto, &auditor));
    let report = json_report(&full);
    assert_eq!(
        gaps_besides_moto_versioning(&report),
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&full)
    );
    assert_eq!(
        status(
            &report,
            "s3-bucket-tls-not-enforced",
            ":::posture-least-privilege"
        ),
        "fail"
    );

    let partial_run = posture(&args, &env_as(&moto, &limited));
    let report = json_report(&partial_run);
    let gaps = gaps_besides_moto_versioning(&report);
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["operation"], "GetBucketPolicy");
    assert_eq!(gaps[0]["error_code"], "AccessDenied");
    assert_eq!(
        status(
            &report,
            "s3-bucket-tls-not-enforced",
            ":::posture-least-privilege"
        ),
        "unknown"
    );
}

/// moto enforcing IAM, through an assumed role as CI runs it: the printed policy on a role
/// reached with --role-arn and --external-id reads everything; without one action, that
/// action's call is the one gap and its rules are unknown (exit 3); and every request the
/// scan sent was a read.
#[tokio::test(flavor = "multi_thread")]
async fn an_assumed_audit_role_with_the_printed_policy_reads_everything_and_only_reads() {
    // moto authorizes every request after the setup's nine.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "9")]);
    moto.s3("us-east-1")
        .create_bucket()
        .bucket("posture-role-audit")
        .send()
        .await
        .unwrap(); // 1
    let full = audit_role(&moto, "posture-audit", &printed_policy(None)).await; // 2-3
    let without = printed_policy(Some("s3:GetBucketPolicy"));
    let limited = audit_role(&moto, "posture-audit-limited", &without).await; // 4-5
    let may_assume = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" }],
    });
    let scanner = user_with_policy(&moto, "scanner", &may_assume.to_string()).await; // 6-8

    let proxy = FaultProxy::start(&moto, &["--log-calls"]);
    let env: Vec<(String, String)> = proxy
        .posture_env()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY") && !k.starts_with("AWS_SECRET"))
        .chain([
            ("AWS_ACCESS_KEY_ID".to_string(), scanner.0.clone()),
            ("AWS_SECRET_ACCESS_KEY".to_string(), scanner.1.clone()),
        ])
        .collect();
    let scan = |role: &str, rules: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--region", "us-east-1"];
        args.extend(["--role-arn", role, "--external-id", "posture-ci-42"]);
        args.extend(["--role-session-name", "ci-run-7", "--duration", "3600"]);
        for rule in rules {
            args.extend(["--rule", rule]);
        }
        posture(&args, &env)
    };
    let output = scan(&full, &[]);
    let report = json_report(&output);
    assert!(
        report["account"]["caller_arn"]
            .as_str()
            .unwrap()
            .ends_with("assumed-role/posture-audit/ci-run-7"),
        "{}",
        report["account"]
    );
    let denied: Vec<serde_json::Value> = gaps_besides_moto_versioning(&report)
        .into_iter()
        .filter(|g| g["error_code"].as_str().unwrap().contains("Denied"))
        .collect();
    assert_eq!(
        denied,
        Vec::<serde_json::Value>::new(),
        "{}",
        stderr(&output)
    );
    let calls = proxy.calls();
    assert!(calls.len() > 20, "{calls:?}");
    let read = |op: &str| {
        [
            "Describe",
            "Get",
            "List",
            "GenerateCredentialReport",
            "AssumeRole",
        ]
        .iter()
        .any(|p| op.starts_with(p))
            || op.starts_with("GET?")
    };
    let writes: Vec<&String> = calls.iter().filter(|op| !read(op)).collect();
    assert!(writes.is_empty(), "calls that are not reads: {writes:?}");

    // The rules that read bucket policies, so that nothing else decides the exit code.
    let policy_rules = ["s3-bucket-public-policy", "s3-bucket-tls-not-enforced"];
    let output = scan(&limited, &policy_rules);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = json_report(&output);
    let gaps = gaps_besides_moto_versioning(&report);
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["operation"], "GetBucketPolicy");
    assert_eq!(gaps[0]["error_code"], "AccessDenied");
    assert_eq!(
        status(&report, "s3-bucket-public-policy", ":::posture-role-audit"),
        "unknown"
    );
}
