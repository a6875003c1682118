//! The IAM access graph against moto: one escalation path of each service family, a chain
//! of three roles that ends at an administrator, and the safe look-alikes of each, created
//! through the IAM API and read back by the real binary.

use crate::support::{finding, json_report, posture, stderr, Moto};

fn allow(actions: &str, resource: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"{resource}"{condition}}}]}}"#
    )
}

fn trust(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

const ARN: &str = "arn:aws:iam::123456789012";

/// Service families seeded with one path each: (name, service principal, actions).
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "glue",
        "glue.amazonaws.com",
        r#"["iam:PassRole","glue:CreateDevEndpoint"]"#,
    ),
    (
        "codebuild",
        "codebuild.amazonaws.com",
        r#"["iam:PassRole","codebuild:CreateProject","codebuild:StartBuild"]"#,
    ),
    (
        "ecs",
        "ecs-tasks.amazonaws.com",
        r#"["iam:PassRole","ecs:RegisterTaskDefinition","ecs:RunTask"]"#,
    ),
    (
        "sagemaker",
        "sagemaker.amazonaws.com",
        r#"["iam:PassRole","sagemaker:CreateTrainingJob"]"#,
    ),
];

struct Seeder {
    iam: aws_sdk_iam::Client,
    admin_policy: String,
}

impl Seeder {
    async fn user(&self, name: &str, inline: &[String]) {
        self.iam.create_user().user_name(name).send().await.unwrap();
        for (i, document) in inline.iter().enumerate() {
            self.iam
                .put_user_policy()
                .user_name(name)
                .policy_name(format!("part-{i}"))
                .policy_document(document)
                .send()
                .await
                .unwrap();
        }
    }

    async fn role(&self, name: &str, trust_policy: &str, admin: bool) {
        self.iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy)
            .send()
            .await
            .unwrap();
        if admin {
            self.iam
                .attach_role_policy()
                .role_name(name)
                .policy_arn(&self.admin_policy)
                .send()
                .await
                .unwrap();
        }
    }

    async fn instance_profile(&self, role: &str) {
        self.iam
            .create_instance_profile()
            .instance_profile_name(role)
            .send()
            .await
            .unwrap();
        self.iam
            .add_role_to_instance_profile()
            .instance_profile_name(role)
            .role_name(role)
            .send()
            .await
            .unwrap();
    }

    async fn managed(&self, name: &str, document: &str) -> String {
        let created = self
            .iam
            .create_policy()
            .policy_name(name)
            .policy_document(document);
        created.send().await.unwrap().policy.unwrap().arn.unwrap()
    }

    async fn attach_user(&self, user: &str, policy: &str) {
        let request = self
            .iam
            .attach_user_policy()
            .user_name(user)
            .policy_arn(policy);
        request.send().await.unwrap();
    }
}

async fn seed(moto: &Moto) {
    let iam = moto.iam();
    let admin_policy = {
        let created = iam.create_policy().policy_name("full-admin");
        let created = created.policy_document(allow(r#""*""#, "*", ""));
        created.send().await.unwrap().policy.unwrap().arn.unwrap()
    };
    let s = Seeder { iam, admin_policy };
    let ec2 = trust(r#"{"Service":"ec2.amazonaws.com"}"#, "");
    let lambda = trust(r#"{"Service":"lambda.amazonaws.com"}"#, "");
    let cloudformation = trust(r#"{"Service":"cloudformation.amazonaws.com"}"#, "");

    // Privileged roles that services run code with; a role no more privileged than anyone.
    s.role("instance-admin", &ec2, true).await;
    s.instance_profile("instance-admin").await;
    s.role("lambda-admin", &lambda, true).await;
    s.role("lambda-plain", &lambda, false).await;
    s.role("stack-admin", &cloudformation, true).await;

    // IAM: attach a policy to itself; the look-alike may attach only what it holds.
    s.user(
        "self-attacher",
        &[allow(
            r#""iam:AttachUserPolicy""#,
            &format!("{ARN}:user/${{aws:username}}"),
            "",
        )],
    )
    .await;
    let reader = s
        .managed("reader", &allow(r#"["s3:GetObject"]"#, "*", ""))
        .await;
    let only_reader = format!(r#","Condition":{{"ArnEquals":{{"iam:PolicyARN":"{reader}"}}}}"#);
    s.user(
        "reader-attacher",
        &[allow(r#""iam:AttachUserPolicy""#, "*", &only_reader)],
    )
    .await;
    s.attach_user("reader-attacher", &reader).await;

    // IAM: a new version of a policy in force for itself; the look-alike names only AWS's.
    let versioned = s
        .managed(
            "versioned",
            &allow(
                r#""iam:CreatePolicyVersion""#,
                &format!("{ARN}:policy/versioned"),
                "",
            ),
        )
        .await;
    s.user("versioner", &[]).await;
    s.attach_user("versioner", &versioned).await;
    s.user(
        "aws-versioner",
        &[allow(
            r#""iam:CreatePolicyVersion""#,
            "arn:aws:iam::aws:policy/*",
            "",
        )],
    )
    .await;
    s.attach_user("aws-versioner", &reader).await;

    // STS: user → hop-a → hop-b → hop-c (administrator), each trust naming the previous.
    s.user("developer", &[]).await;
    s.role(
        "hop-a",
        &trust(&format!(r#"{{"AWS":"{ARN}:user/developer"}}"#), ""),
        false,
    )
    .await;
    s.role(
        "hop-b",
        &trust(&format!(r#"{{"AWS":"{ARN}:role/hop-a"}}"#), ""),
        false,
    )
    .await;
    s.role(
        "hop-c",
        &trust(&format!(r#"{{"AWS":"{ARN}:role/hop-b"}}"#), ""),
        true,
    )
    .await;
    // An administrator role the account may assume with MFA only.
    let mfa = r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#;
    s.role(
        "mfa-admin",
        &trust(&format!(r#"{{"AWS":"{ARN}:root"}}"#), mfa),
        true,
    )
    .await;
    s.user(
        "mfa-assumer",
        &[allow(
            r#""sts:AssumeRole""#,
            &format!("{ARN}:role/mfa-admin"),
            "",
        )],
    )
    .await;

    // EC2: launch with the instance profile; the look-alike may pass roles to Lambda only.
    s.user(
        "launcher",
        &[allow(r#"["iam:PassRole","ec2:RunInstances"]"#, "*", "")],
    )
    .await;
    let to_lambda =
        r#","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}"#;
    s.user(
        "launcher-for-lambda",
        &[
            allow(r#""iam:PassRole""#, "*", to_lambda),
            allow(r#""ec2:RunInstances""#, "*", ""),
        ],
    )
    .await;

    // SSM on existing instances; the look-alike is denied it.
    s.user("operator", &[allow(r#""ssm:SendCommand""#, "*", "")])
        .await;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ssm:SendCommand","Resource":"*"}]}"#;
    s.user(
        "operator-denied",
        &[allow(r#""ssm:SendCommand""#, "*", ""), deny.to_string()],
    )
    .await;

    // Lambda: a new function with a role; the look-alike may pass only the plain role.
    s.user(
        "functions",
        &[allow(
            r#"["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"]"#,
            "*",
            "",
        )],
    )
    .await;
    s.user(
        "functions-plain",
        &[
            allow(r#""iam:PassRole""#, &format!("{ARN}:role/lambda-plain"), ""),
            allow(
                r#"["lambda:CreateFunction","lambda:InvokeFunction"]"#,
                "*",
                "",
            ),
        ],
    )
    .await;

    // CloudFormation: a stack with a role; the look-alike has a boundary that allows only S3.
    let stack = allow(r#"["iam:PassRole","cloudformation:CreateStack"]"#, "*", "");
    s.user("stacker", std::slice::from_ref(&stack)).await;
    // moto has no PutUserPermissionsBoundary: the bounded look-alike is a role created
    // with its boundary.
    let boundary = s.managed("s3-only", &allow(r#""s3:*""#, "*", "")).await;
    let bounded = s.iam.create_role().role_name("stacker-bounded");
    let bounded =
        bounded.assume_role_policy_document(trust(r#"{"Service":"ec2.amazonaws.com"}"#, ""));
    bounded
        .permissions_boundary(&boundary)
        .send()
        .await
        .unwrap();
    let inline = s
        .iam
        .put_role_policy()
        .role_name("stacker-bounded")
        .policy_name("stack");
    inline.policy_document(stack).send().await.unwrap();

    // One pass-role path of each other service family, each to an administrator role
    // that trusts the service.
    for (family, service, actions) in FAMILIES {
        let role = format!("{family}-admin");
        let principal = format!(r#"{{"Service":"{service}"}}"#);
        s.role(&role, &trust(&principal, ""), true).await;
        s.user(&format!("{family}-user"), &[allow(actions, "*", "")])
            .await;
    }

    // Already an administrator; a policy that allows everything but IAM.
    s.user("boss", &[]).await;
    s.attach_user("boss", &s.admin_policy).await;
    let not_iam = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#;
    let everything_but_iam = s.managed("everything-but-iam", not_iam).await;
    s.user("power", &[]).await;
    s.attach_user("power", &everything_but_iam).await;
}

#[tokio::test]
async fn escalation_paths_chains_and_look_alikes_against_moto() {
    let moto = Moto::start();
    seed(&moto).await;
    let output = posture(
        &[
            "check",
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--rule",
            "iam-privilege-escalation",
            "--rule",
            "iam-principal-administrator",
            "--rule",
            "iam-policy-not-action-allow",
        ],
        &moto.posture_env(),
    );
    let report = json_report(&output);
    let status = |rule: &str, suffix: &str| {
        finding(&report, rule, suffix)["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let escalation = |suffix: &str| status("iam-privilege-escalation", suffix);
    let failing = [
        ":user/self-attacher",
        ":user/versioner",
        ":user/developer",
        ":user/mfa-assumer",
        ":user/launcher",
        ":user/operator",
        ":user/functions",
        ":user/stacker",
        ":user/power",
    ];
    let families = FAMILIES
        .iter()
        .map(|(family, ..)| format!(":user/{family}-user"));
    for principal in failing.map(str::to_string).into_iter().chain(families) {
        let principal = principal.as_str();
        assert_eq!(
            escalation(principal),
            "fail",
            "{principal}: {}",
            stderr(&output)
        );
    }
    let safe = [
        ":user/reader-attacher",
        ":user/aws-versioner",
        ":user/launcher-for-lambda",
        ":user/operator-denied",
        ":user/functions-plain",
        ":role/stacker-bounded",
        ":role/lambda-plain",
    ];
    for principal in safe {
        assert_eq!(escalation(principal), "pass", "{principal}");
    }

    // The chain is named whole, each step with the trust statement that admits it.
    let developer = finding(&report, "iam-privilege-escalation", ":user/developer");
    let steps = developer["evidence"]["chains"][0]["steps"]
        .as_array()
        .unwrap();
    let targets: Vec<&str> = steps
        .iter()
        .map(|s| s["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [":role/hop-a", ":role/hop-b", ":role/hop-c"].map(|r| format!("{ARN}{r}")),
        "{developer}"
    );
    let admitted_by = &steps[2]["actions"][0]["granted_by"][0]["policy"];
    assert_eq!(admitted_by, "trust policy of role hop-c", "{developer}");

    // A step that depends on the request says on what.
    let mfa = finding(&report, "iam-privilege-escalation", ":user/mfa-assumer");
    assert!(
        mfa["message"]
            .as_str()
            .unwrap()
            .contains("aws:MultiFactorAuthPresent"),
        "{mfa}"
    );

    // Instances run with a role only through an instance profile, which moto reports.
    let launcher = finding(&report, "iam-privilege-escalation", ":user/launcher");
    assert_eq!(
        launcher["evidence"]["chains"][0]["ends_as"],
        format!("{ARN}:role/instance-admin")
    );

    // Administrators are listed, not reported as escalating.
    assert_eq!(status("iam-principal-administrator", ":user/boss"), "fail");
    assert_eq!(status("iam-principal-administrator", ":role/hop-c"), "fail");
    assert_eq!(
        status("iam-principal-administrator", ":user/developer"),
        "pass"
    );
    let bosses = report["findings"].as_array().unwrap().iter().filter(|f| {
        f["rule_id"] == "iam-privilege-escalation"
            && f["resource"].as_str().unwrap().ends_with(":user/boss")
    });
    assert_eq!(bosses.count(), 0);
    assert_eq!(
        status("iam-policy-not-action-allow", ":policy/everything-but-iam"),
        "fail"
    );
    assert_eq!(
        status("iam-policy-not-action-allow", ":policy/reader"),
        "pass"
    );
}
