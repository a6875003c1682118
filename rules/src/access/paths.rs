//! The known privilege-escalation paths: one table, read by the analysis, the rule's
//! documentation (`posture explain iam-privilege-escalation`) and the tests.
//!
//! Facts from the public libraries DataDog pathfinding.cloud (`data/paths/*.yaml`) and
//! BishopFox iam-vulnerable (`modules/free-resources/privesc-paths/*.tf`); each entry names
//! its sources. The wording is ours.

/// What kind of principal a path rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User,
    Group,
    Role,
}

/// How a path turns its actions into privileges: what the analysis does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Assume a role whose trust policy admits the actor.
    AssumeRole,
    /// Take over another user: give it new credentials the actor knows, when the user's
    /// credentials allow it.
    TakeOverUser(Needs),
    /// Rewrite a role's trust policy to admit the actor, then assume it.
    RewriteTrust,
    /// Write an inline policy with any permissions into a principal.
    WriteInline(Target),
    /// Attach a managed policy (any that `iam:PolicyARN` allows) to a principal.
    AttachManaged(Target),
    /// Create a new default version, with any permissions, of a customer-managed policy
    /// in force for a principal. Policies managed by AWS cannot be versioned by customers.
    NewPolicyVersion,
    /// Make another stored version of a customer-managed policy the default.
    OtherPolicyVersion,
    /// Add a user the actor controls to a group.
    JoinGroup,
    /// Pass a role to a new resource of a service that runs the actor's code with the
    /// role's credentials. The role must trust one of `services`.
    PassRole { services: &'static [&'static str] },
    /// Run the actor's code in an existing resource of a service, which runs with its
    /// role: any role that trusts one of `services`. The resources themselves are not
    /// inventoried by posture, so permissions over them are judged on `*` of their type.
    Hijack { services: &'static [&'static str] },
    /// Two paths in sequence, found by chaining the entries named.
    Chain(&'static [&'static str]),
}

/// What a user must have for its credentials to be taken over, as the credential report
/// tells: IAM refuses a second console password, a password change for a user without one,
/// and a third access key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// No console password yet (`CreateLoginProfile`).
    NoPassword,
    /// A console password (`UpdateLoginProfile`).
    Password,
    /// Fewer than two access keys (`CreateAccessKey` alone).
    FreeKeySlot,
}

#[derive(Debug)]
pub struct EscalationPath {
    /// Stable id.
    pub id: &'static str,
    /// What the actor does, in a few words.
    pub title: &'static str,
    /// The public libraries that document it.
    pub sources: &'static [&'static str],
    /// Every action it needs, together.
    pub actions: &'static [&'static str],
    pub how: How,
}

impl EscalationPath {
    pub fn find(id: &str) -> Option<&'static EscalationPath> {
        PATHS.iter().find(|p| p.id == id)
    }
}

/// Instances run with the role of their instance profile.
const EC2: &[&str] = &["ec2.amazonaws.com"];
const LAMBDA: &[&str] = &["lambda.amazonaws.com"];
const GLUE: &[&str] = &["glue.amazonaws.com"];
const CLOUDFORMATION: &[&str] = &["cloudformation.amazonaws.com"];
const CODEBUILD: &[&str] = &["codebuild.amazonaws.com"];
const ECS_TASKS: &[&str] = &["ecs-tasks.amazonaws.com"];
const SAGEMAKER: &[&str] = &["sagemaker.amazonaws.com"];
const APPRUNNER: &[&str] = &["tasks.apprunner.amazonaws.com"];
const BEDROCK_AGENTCORE: &[&str] = &["bedrock-agentcore.amazonaws.com"];
const BRAKET: &[&str] = &["braket.amazonaws.com"];
const EMR_SERVERLESS: &[&str] = &["emr-serverless.amazonaws.com"];
/// A fleet's instance role is passed to GameLift (`iam:PassedToService`), and trusts it.
const GAMELIFT: &[&str] = &["gamelift.amazonaws.com"];
const KINESIS_ANALYTICS: &[&str] = &["kinesisanalytics.amazonaws.com"];
/// Automation runbooks run with the role they are given.
const SSM_AUTOMATION: &[&str] = &["ssm.amazonaws.com"];
/// Data Pipeline runs its activities on EC2 resources with the resource role.
const DATAPIPELINE: &[&str] = &["datapipeline.amazonaws.com", "ec2.amazonaws.com"];

pub const SERVICE_ROLE_NOTE: &str = "a role is passed to a service only if its trust policy \
trusts that service; for EC2 the role must also be in an instance profile";

macro_rules! path {
    ($id:literal, $title:literal, [$($source:literal),+], [$($action:literal),+], $how:expr) => {
        EscalationPath {
            id: $id,
            title: $title,
            sources: &[$($source),+],
            actions: &[$($action),+],
            how: $how,
        }
    };
}

pub static PATHS: &[EscalationPath] = &[
    // IAM: rewriting policies
    path!(
        "iam-create-policy-version",
        "write a new default version of a customer policy in force for a principal",
        [
            "pathfinding.cloud iam-001",
            "iam-vulnerable privesc1-CreateNewPolicyVersion"
        ],
        ["iam:CreatePolicyVersion"],
        How::NewPolicyVersion
    ),
    path!(
        "iam-set-default-policy-version",
        "put an older, broader version of a customer policy back in force",
        ["iam-vulnerable privesc2-SetExistingDefaultPolicyVersion"],
        ["iam:SetDefaultPolicyVersion"],
        How::OtherPolicyVersion
    ),
    path!(
        "iam-put-user-policy",
        "write an inline policy into a user",
        [
            "pathfinding.cloud iam-007",
            "iam-vulnerable privesc10-PutUserPolicy"
        ],
        ["iam:PutUserPolicy"],
        How::WriteInline(Target::User)
    ),
    path!(
        "iam-put-group-policy",
        "write an inline policy into a group",
        [
            "pathfinding.cloud iam-011",
            "iam-vulnerable privesc11-PutGroupPolicy"
        ],
        ["iam:PutGroupPolicy"],
        How::WriteInline(Target::Group)
    ),
    path!(
        "iam-put-role-policy",
        "write an inline policy into a role",
        [
            "pathfinding.cloud iam-005",
            "iam-vulnerable privesc12-PutRolePolicy"
        ],
        ["iam:PutRolePolicy"],
        How::WriteInline(Target::Role)
    ),
    path!(
        "iam-attach-user-policy",
        "attach a managed policy to a user",
        [
            "pathfinding.cloud iam-008",
            "iam-vulnerable privesc7-AttachUserPolicy"
        ],
        ["iam:AttachUserPolicy"],
        How::AttachManaged(Target::User)
    ),
    path!(
        "iam-attach-group-policy",
        "attach a managed policy to a group",
        [
            "pathfinding.cloud iam-010",
            "iam-vulnerable privesc8-AttachGroupPolicy"
        ],
        ["iam:AttachGroupPolicy"],
        How::AttachManaged(Target::Group)
    ),
    path!(
        "iam-attach-role-policy",
        "attach a managed policy to a role",
        [
            "pathfinding.cloud iam-009",
            "iam-vulnerable privesc9-AttachRolePolicy"
        ],
        ["iam:AttachRolePolicy"],
        How::AttachManaged(Target::Role)
    ),
    path!(
        "iam-add-user-to-group",
        "add a user it controls to a more privileged group",
        [
            "pathfinding.cloud iam-013",
            "iam-vulnerable privesc13-AddUserToGroup"
        ],
        ["iam:AddUserToGroup"],
        How::JoinGroup
    ),
    // IAM: taking over principals
    path!(
        "iam-create-access-key",
        "create an access key for another user",
        [
            "pathfinding.cloud iam-002",
            "iam-vulnerable privesc4-CreateAccessKey"
        ],
        ["iam:CreateAccessKey"],
        How::TakeOverUser(Needs::FreeKeySlot)
    ),
    path!(
        "iam-replace-access-key",
        "delete one of another user's two keys and create a new one",
        ["pathfinding.cloud iam-003"],
        ["iam:CreateAccessKey", "iam:DeleteAccessKey"],
        How::TakeOverUser(Needs::Nothing)
    ),
    path!(
        "iam-create-login-profile",
        "give another user a console password",
        [
            "pathfinding.cloud iam-004",
            "iam-vulnerable privesc5-CreateLoginProfile"
        ],
        ["iam:CreateLoginProfile"],
        How::TakeOverUser(Needs::NoPassword)
    ),
    path!(
        "iam-update-login-profile",
        "change another user's console password",
        [
            "pathfinding.cloud iam-006",
            "iam-vulnerable privesc6-UpdateLoginProfile"
        ],
        ["iam:UpdateLoginProfile"],
        How::TakeOverUser(Needs::Password)
    ),
    path!(
        "iam-update-assume-role-policy",
        "rewrite a role's trust policy to admit itself",
        [
            "pathfinding.cloud iam-012",
            "iam-vulnerable privesc14-UpdatingAssumeRolePolicy"
        ],
        ["iam:UpdateAssumeRolePolicy"],
        How::RewriteTrust
    ),
    path!(
        "sts-assume-role",
        "assume a role whose trust policy admits it",
        [
            "pathfinding.cloud sts-001",
            "iam-vulnerable privesc-AssumeRole"
        ],
        ["sts:AssumeRole"],
        How::AssumeRole
    ),
    // IAM: two steps
    path!(
        "iam-attach-role-policy-then-assume",
        "attach a policy to a role it can assume",
        ["pathfinding.cloud iam-014"],
        ["iam:AttachRolePolicy", "sts:AssumeRole"],
        How::Chain(&["iam-attach-role-policy", "sts-assume-role"])
    ),
    path!(
        "iam-attach-user-policy-then-key",
        "attach a policy to another user and create its key",
        ["pathfinding.cloud iam-015"],
        ["iam:AttachUserPolicy", "iam:CreateAccessKey"],
        How::Chain(&["iam-attach-user-policy", "iam-create-access-key"])
    ),
    path!(
        "iam-create-policy-version-then-assume",
        "rewrite a policy of a role it can assume",
        ["pathfinding.cloud iam-016"],
        ["iam:CreatePolicyVersion", "sts:AssumeRole"],
        How::Chain(&["iam-create-policy-version", "sts-assume-role"])
    ),
    path!(
        "iam-put-role-policy-then-assume",
        "write an inline policy into a role it can assume",
        ["pathfinding.cloud iam-017"],
        ["iam:PutRolePolicy", "sts:AssumeRole"],
        How::Chain(&["iam-put-role-policy", "sts-assume-role"])
    ),
    path!(
        "iam-put-user-policy-then-key",
        "write an inline policy into another user and create its key",
        ["pathfinding.cloud iam-018"],
        ["iam:PutUserPolicy", "iam:CreateAccessKey"],
        How::Chain(&["iam-put-user-policy", "iam-create-access-key"])
    ),
    path!(
        "iam-attach-role-policy-then-trust",
        "attach a policy to a role and rewrite its trust",
        ["pathfinding.cloud iam-019"],
        ["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"],
        How::Chain(&["iam-attach-role-policy", "iam-update-assume-role-policy"])
    ),
    path!(
        "iam-create-policy-version-then-trust",
        "rewrite a role's policy and its trust",
        ["pathfinding.cloud iam-020"],
        ["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"],
        How::Chain(&["iam-create-policy-version", "iam-update-assume-role-policy"])
    ),
    path!(
        "iam-put-role-policy-then-trust",
        "write a role's inline policy and rewrite its trust",
        ["pathfinding.cloud iam-021"],
        ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
        How::Chain(&["iam-put-role-policy", "iam-update-assume-role-policy"])
    ),
    // EC2 and what runs on instances
    path!(
        "ec2-run-instances",
        "launch an instance with a role's instance profile",
        [
            "pathfinding.cloud ec2-001",
            "iam-vulnerable privesc3-CreateEC2WithExistingIP"
        ],
        ["iam:PassRole", "ec2:RunInstances"],
        How::PassRole { services: EC2 }
    ),
    path!(
        "ec2-request-spot-instances",
        "request a spot instance with a role's instance profile",
        ["pathfinding.cloud ec2-003"],
        ["iam:PassRole", "ec2:RequestSpotInstances"],
        How::PassRole { services: EC2 }
    ),
    path!(
        "ec2-modify-user-data",
        "replace an instance's user data and restart it",
        ["pathfinding.cloud ec2-002"],
        [
            "ec2:ModifyInstanceAttribute",
            "ec2:StopInstances",
            "ec2:StartInstances"
        ],
        How::Hijack { services: EC2 }
    ),
    path!(
        "ec2-launch-template-version",
        "put new user data into a launch template in use",
        ["pathfinding.cloud ec2-004", "pathfinding.cloud ec2-005"],
        [
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate"
        ],
        How::Hijack { services: EC2 }
    ),
    path!(
        "ec2-instance-connect",
        "push an SSH key to an instance and log in",
        [
            "pathfinding.cloud ec2instanceconnect-003",
            "iam-vulnerable privesc-ec2InstanceConnect"
        ],
        ["ec2-instance-connect:SendSSHPublicKey"],
        How::Hijack { services: EC2 }
    ),
    path!(
        "ssm-start-session",
        "open a shell on an instance through Session Manager",
        [
            "pathfinding.cloud ssm-001",
            "iam-vulnerable privesc-ssmStartSession"
        ],
        ["ssm:StartSession"],
        How::Hijack { services: EC2 }
    ),
    path!(
        "ssm-send-command",
        "run a command on an instance through Run Command",
        [
            "pathfinding.cloud ssm-002",
            "iam-vulnerable privesc-ssmSendCommand"
        ],
        ["ssm:SendCommand"],
        How::Hijack { services: EC2 }
    ),
    // Lambda
    path!(
        "lambda-create-invoke",
        "create a function with a role and invoke it",
        [
            "pathfinding.cloud lambda-001",
            "iam-vulnerable privesc15-PassExistingRoleToNewLambdaThenInvoke"
        ],
        [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction"
        ],
        How::PassRole { services: LAMBDA }
    ),
    path!(
        "lambda-create-event-source",
        "create a function with a role and trigger it from an event source",
        [
            "pathfinding.cloud lambda-002",
            "iam-vulnerable privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo"
        ],
        [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping"
        ],
        How::PassRole { services: LAMBDA }
    ),
    path!(
        "lambda-create-add-permission",
        "create a function with a role and allow itself to invoke it",
        ["pathfinding.cloud lambda-006"],
        [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission"
        ],
        How::PassRole { services: LAMBDA }
    ),
    path!(
        "lambda-update-code",
        "replace the code of an existing function",
        [
            "pathfinding.cloud lambda-003",
            "iam-vulnerable privesc17-EditExistingLambdaFunctionWithRole"
        ],
        ["lambda:UpdateFunctionCode"],
        How::Hijack { services: LAMBDA }
    ),
    path!(
        "lambda-update-code-invoke",
        "replace an existing function's code and invoke it",
        ["pathfinding.cloud lambda-004"],
        ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        How::Hijack { services: LAMBDA }
    ),
    path!(
        "lambda-update-code-add-permission",
        "replace an existing function's code and allow itself to invoke it",
        ["pathfinding.cloud lambda-005"],
        ["lambda:UpdateFunctionCode", "lambda:AddPermission"],
        How::Hijack { services: LAMBDA }
    ),
    // Glue
    path!(
        "glue-create-dev-endpoint",
        "create a development endpoint with a role and log in",
        [
            "pathfinding.cloud glue-001",
            "iam-vulnerable privesc18-PassExistingRoleToNewGlueDevEndpoint"
        ],
        ["iam:PassRole", "glue:CreateDevEndpoint"],
        How::PassRole { services: GLUE }
    ),
    path!(
        "glue-update-dev-endpoint",
        "add its SSH key to an existing development endpoint",
        [
            "pathfinding.cloud glue-002",
            "iam-vulnerable privesc19-UpdateExistingGlueDevEndpoint"
        ],
        ["glue:UpdateDevEndpoint"],
        How::Hijack { services: GLUE }
    ),
    path!(
        "glue-create-job-run",
        "create a job with a role and run it",
        ["pathfinding.cloud glue-003"],
        ["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        How::PassRole { services: GLUE }
    ),
    path!(
        "glue-create-job-trigger",
        "create a job with a role and a trigger that runs it",
        ["pathfinding.cloud glue-004"],
        ["iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"],
        How::PassRole { services: GLUE }
    ),
    path!(
        "glue-update-job-run",
        "give an existing job a role and new code, and run it",
        ["pathfinding.cloud glue-005"],
        ["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"],
        How::PassRole { services: GLUE }
    ),
    path!(
        "glue-update-job-trigger",
        "give an existing job a role and new code, and trigger it",
        ["pathfinding.cloud glue-006"],
        ["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"],
        How::PassRole { services: GLUE }
    ),
    // CloudFormation
    path!(
        "cloudformation-create-stack",
        "create a stack that runs with a role",
        [
            "pathfinding.cloud cloudformation-001",
            "iam-vulnerable privesc20-PassExistingRoleToCloudFormation"
        ],
        ["iam:PassRole", "cloudformation:CreateStack"],
        How::PassRole {
            services: CLOUDFORMATION
        }
    ),
    path!(
        "cloudformation-update-stack",
        "update an existing stack that runs with its role",
        [
            "pathfinding.cloud cloudformation-002",
            "iam-vulnerable privesc-cloudFormationUpdateStack"
        ],
        ["cloudformation:UpdateStack"],
        How::Hijack {
            services: CLOUDFORMATION
        }
    ),
    path!(
        "cloudformation-create-stack-set",
        "create a stack set and instances that run with a role",
        ["pathfinding.cloud cloudformation-003"],
        [
            "iam:PassRole",
            "cloudformation:CreateStackSet",
            "cloudformation:CreateStackInstances"
        ],
        How::PassRole {
            services: CLOUDFORMATION
        }
    ),
    path!(
        "cloudformation-update-stack-set",
        "update a stack set to run with a role",
        ["pathfinding.cloud cloudformation-004"],
        ["iam:PassRole", "cloudformation:UpdateStackSet"],
        How::PassRole {
            services: CLOUDFORMATION
        }
    ),
    path!(
        "cloudformation-change-set",
        "create and execute a change set on a stack that has a role",
        ["pathfinding.cloud cloudformation-005"],
        [
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet"
        ],
        How::Hijack {
            services: CLOUDFORMATION
        }
    ),
    // CodeBuild
    path!(
        "codebuild-create-start",
        "create a build project with a role and start a build",
        [
            "pathfinding.cloud codebuild-001",
            "iam-vulnerable privesc-codeBuildCreateProjectPassRole"
        ],
        [
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild"
        ],
        How::PassRole {
            services: CODEBUILD
        }
    ),
    path!(
        "codebuild-create-start-batch",
        "create a build project with a role and start a batch build",
        ["pathfinding.cloud codebuild-004"],
        [
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuildBatch"
        ],
        How::PassRole {
            services: CODEBUILD
        }
    ),
    path!(
        "codebuild-start-build",
        "start a build of an existing project with its own buildspec",
        ["pathfinding.cloud codebuild-002"],
        ["codebuild:StartBuild"],
        How::Hijack {
            services: CODEBUILD
        }
    ),
    path!(
        "codebuild-start-build-batch",
        "start a batch build of an existing project with its own buildspec",
        ["pathfinding.cloud codebuild-003"],
        ["codebuild:StartBuildBatch"],
        How::Hijack {
            services: CODEBUILD
        }
    ),
    // ECS
    path!(
        "ecs-new-cluster-service",
        "create a cluster, a task definition with a role and a service",
        ["pathfinding.cloud ecs-001"],
        [
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-new-cluster-run-task",
        "create a cluster and a task definition with a role, and run it",
        ["pathfinding.cloud ecs-002"],
        [
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-create-service",
        "register a task definition with a role and create a service",
        ["pathfinding.cloud ecs-003"],
        [
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-run-task",
        "register a task definition with a role and run it",
        ["pathfinding.cloud ecs-004"],
        ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-start-task",
        "register a task definition with a role and start it on an instance",
        ["pathfinding.cloud ecs-005"],
        [
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:StartTask"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    // SageMaker
    path!(
        "sagemaker-create-notebook",
        "create a notebook instance with a role and open it",
        [
            "pathfinding.cloud sagemaker-001",
            "iam-vulnerable privesc-sageMakerCreateNotebookPassRole"
        ],
        ["iam:PassRole", "sagemaker:CreateNotebookInstance"],
        How::PassRole {
            services: SAGEMAKER
        }
    ),
    path!(
        "sagemaker-create-training-job",
        "run a training job with a role",
        [
            "pathfinding.cloud sagemaker-002",
            "iam-vulnerable privesc-sageMakerCreateTrainingJob"
        ],
        ["iam:PassRole", "sagemaker:CreateTrainingJob"],
        How::PassRole {
            services: SAGEMAKER
        }
    ),
    path!(
        "sagemaker-create-processing-job",
        "run a processing job with a role",
        [
            "pathfinding.cloud sagemaker-003",
            "iam-vulnerable privesc-sageMakerCreateProcessingJob"
        ],
        ["iam:PassRole", "sagemaker:CreateProcessingJob"],
        How::PassRole {
            services: SAGEMAKER
        }
    ),
    path!(
        "sagemaker-presigned-notebook-url",
        "open an existing notebook instance through a presigned URL",
        [
            "pathfinding.cloud sagemaker-004",
            "iam-vulnerable privesc-sageMakerCreatePresignedNotebookURL"
        ],
        ["sagemaker:CreatePresignedNotebookInstanceUrl"],
        How::Hijack {
            services: SAGEMAKER
        }
    ),
    path!(
        "sagemaker-notebook-lifecycle",
        "give an existing notebook instance a start-up script and restart it",
        ["pathfinding.cloud sagemaker-005"],
        [
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance"
        ],
        How::Hijack {
            services: SAGEMAKER
        }
    ),
    // Other services that run code with a role
    path!(
        "datapipeline-create",
        "create and activate a pipeline that runs with a role",
        [
            "pathfinding.cloud datapipeline-001",
            "iam-vulnerable privesc21-PassExistingRoleToNewDataPipeline"
        ],
        [
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline"
        ],
        How::PassRole {
            services: DATAPIPELINE
        }
    ),
    path!(
        "apprunner-create-service",
        "create an App Runner service with an instance role",
        ["pathfinding.cloud apprunner-001"],
        ["iam:PassRole", "apprunner:CreateService"],
        How::PassRole {
            services: APPRUNNER
        }
    ),
    path!(
        "apprunner-update-service",
        "change the code of an existing App Runner service",
        ["pathfinding.cloud apprunner-002"],
        ["apprunner:UpdateService"],
        How::Hijack {
            services: APPRUNNER
        }
    ),
    path!(
        "bedrock-agentcore-new-interpreter",
        "create a code interpreter with a role and run code in it",
        ["pathfinding.cloud bedrock-001"],
        [
            "iam:PassRole",
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter"
        ],
        How::PassRole {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "bedrock-agentcore-existing-interpreter",
        "run code in an existing code interpreter",
        ["pathfinding.cloud bedrock-002"],
        [
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter"
        ],
        How::Hijack {
            services: BEDROCK_AGENTCORE
        }
    ),
    // Newer paths of pathfinding.cloud (its `data/paths/aws/` layout, 86 paths).
    path!(
        "ecs-execute-command",
        "open a shell in a running task",
        ["pathfinding.cloud ecs-006"],
        ["ecs:ExecuteCommand", "ecs:DescribeTasks"],
        How::Hijack {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-run-task-override-role",
        "run a task of an existing definition with another role",
        ["pathfinding.cloud ecs-008"],
        ["iam:PassRole", "ecs:RunTask"],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "ecs-start-task-override-role",
        "start a task of an existing definition with another role on an instance",
        ["pathfinding.cloud ecs-009"],
        ["iam:PassRole", "ecs:StartTask"],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    // Batch runs container jobs on ECS: the job role trusts ecs-tasks.amazonaws.com.
    path!(
        "batch-register-submit",
        "register a job definition with a role and submit a job",
        ["pathfinding.cloud batch-001"],
        [
            "iam:PassRole",
            "batch:RegisterJobDefinition",
            "batch:SubmitJob"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "batch-submit-job",
        "submit a job of an existing definition, with the actor's command",
        ["pathfinding.cloud batch-002"],
        ["batch:SubmitJob"],
        How::Hijack {
            services: ECS_TASKS
        }
    ),
    path!(
        "batch-new-environment",
        "create a compute environment and queue, then a job with a role",
        ["pathfinding.cloud batch-003"],
        [
            "iam:PassRole",
            "batch:CreateComputeEnvironment",
            "batch:CreateJobQueue",
            "batch:RegisterJobDefinition",
            "batch:SubmitJob"
        ],
        How::PassRole {
            services: ECS_TASKS
        }
    ),
    path!(
        "bedrock-agentcore-new-runtime",
        "create an agent runtime with a role and run a command in it",
        ["pathfinding.cloud bedrock-003"],
        [
            "iam:PassRole",
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand"
        ],
        How::PassRole {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "bedrock-agentcore-existing-runtime",
        "run a command in an existing agent runtime",
        ["pathfinding.cloud bedrock-004"],
        ["bedrock-agentcore:InvokeAgentRuntimeCommand"],
        How::Hijack {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "bedrock-agentcore-new-harness",
        "create an agent harness and runtime with a role and run a command in it",
        ["pathfinding.cloud bedrock-005"],
        [
            "iam:PassRole",
            "bedrock-agentcore:CreateHarness",
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:GetAgentRuntime",
            "bedrock-agentcore:GetHarness",
            "bedrock-agentcore:InvokeAgentRuntimeCommand"
        ],
        How::PassRole {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "bedrock-agentcore-new-browser",
        "create a browser with a role and drive a session of it",
        ["pathfinding.cloud bedrock-006"],
        [
            "iam:PassRole",
            "bedrock-agentcore:CreateBrowser",
            "bedrock-agentcore:StartBrowserSession",
            "bedrock-agentcore:ConnectBrowserAutomationStream"
        ],
        How::PassRole {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "bedrock-agentcore-existing-browser",
        "drive a session of an existing browser",
        ["pathfinding.cloud bedrock-007"],
        [
            "bedrock-agentcore:StartBrowserSession",
            "bedrock-agentcore:ConnectBrowserAutomationStream"
        ],
        How::Hijack {
            services: BEDROCK_AGENTCORE
        }
    ),
    path!(
        "braket-create-job",
        "create a hybrid job with a role",
        ["pathfinding.cloud braket-001"],
        ["iam:PassRole", "braket:CreateJob"],
        How::PassRole { services: BRAKET }
    ),
    // CodeDeploy runs the revision's hooks on the group's instances, as their profile role.
    path!(
        "codedeploy-create-deployment",
        "deploy a revision with the actor's scripts to existing instances",
        ["pathfinding.cloud codedeploy-001"],
        [
            "codedeploy:CreateDeployment",
            "codedeploy:RegisterApplicationRevision",
            "codedeploy:GetDeploymentConfig"
        ],
        How::Hijack { services: EC2 }
    ),
    path!(
        "emr-serverless-create-run",
        "create a serverless application and run a job with a role",
        ["pathfinding.cloud emrserverless-001"],
        [
            "iam:PassRole",
            "emr-serverless:CreateApplication",
            "emr-serverless:StartJobRun"
        ],
        How::PassRole {
            services: EMR_SERVERLESS
        }
    ),
    path!(
        "gamelift-create-fleet",
        "upload a build and create a fleet that runs it with a role",
        ["pathfinding.cloud gamelift-001"],
        [
            "iam:PassRole",
            "gamelift:CreateBuild",
            "gamelift:RequestUploadCredentials",
            "gamelift:CreateFleet"
        ],
        How::PassRole { services: GAMELIFT }
    ),
    path!(
        "glue-create-session",
        "open an interactive session with a role and run statements",
        ["pathfinding.cloud glue-007"],
        ["iam:PassRole", "glue:CreateSession", "glue:RunStatement"],
        How::PassRole { services: GLUE }
    ),
    // The build instance runs with the infrastructure configuration's instance profile.
    path!(
        "imagebuilder-create-image",
        "build an image with the actor's component on an instance with a role",
        ["pathfinding.cloud imagebuilder-001"],
        [
            "iam:PassRole",
            "imagebuilder:CreateComponent",
            "imagebuilder:CreateImageRecipe",
            "imagebuilder:CreateInfrastructureConfiguration",
            "imagebuilder:CreateImage"
        ],
        How::PassRole { services: EC2 }
    ),
    path!(
        "kinesisanalytics-create-start",
        "create and start a streaming application with a role",
        ["pathfinding.cloud kinesisanalytics-001"],
        [
            "iam:PassRole",
            "kinesisanalytics:CreateApplication",
            "kinesisanalytics:StartApplication"
        ],
        How::PassRole {
            services: KINESIS_ANALYTICS
        }
    ),
    path!(
        "ssm-automation-document",
        "create an automation runbook and run it with a role",
        ["pathfinding.cloud ssm-003"],
        [
            "iam:PassRole",
            "ssm:CreateDocument",
            "ssm:StartAutomationExecution"
        ],
        How::PassRole {
            services: SSM_AUTOMATION
        }
    ),
];

/// The resource an action of a path is judged on when it is not a principal or policy of
/// the account: the ARN pattern of what the actor creates or uses (`{p}` partition, `{a}`
/// account). Actions on instances take the instance ARN; anything else its service's.
pub fn resource_pattern(action: &str, partition: &str, account: &str) -> String {
    let service = action
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let pattern = match (service.as_str(), action) {
        ("ec2-instance-connect", _) | ("ssm", "ssm:StartSession" | "ssm:SendCommand") => {
            "arn:{p}:ec2:*:{a}:instance/*".to_string()
        }
        ("lambda", _) => "arn:{p}:lambda:*:{a}:function:*".to_string(),
        ("glue", _) => "arn:{p}:glue:*:{a}:*".to_string(),
        ("ec2", _) => "arn:{p}:ec2:*:*".to_string(),
        (service, _) => format!("arn:{{p}}:{service}:*:{{a}}:*"),
    };
    pattern.replace("{p}", partition).replace("{a}", account)
}

/// What the table covers, for the documentation: one Markdown row per path.
pub fn table_markdown() -> String {
    let mut text =
        String::from("| id | what the actor does | actions | sources |\n|---|---|---|---|\n");
    for path in PATHS {
        text.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            path.id,
            path.title,
            path.actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", "),
            path.sources.join("; ")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_chains_name_entries() {
        let mut ids: Vec<&str> = PATHS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PATHS.len());
        for path in PATHS {
            if let How::Chain(parts) = path.how {
                for part in parts {
                    assert!(
                        EscalationPath::find(part).is_some(),
                        "{} names {part}",
                        path.id
                    );
                }
            }
        }
    }

    #[test]
    fn every_pathfinding_and_iam_vulnerable_path_is_covered() {
        let sources: Vec<&str> = PATHS
            .iter()
            .flat_map(|p| p.sources.iter().copied())
            .collect();
        let pathfinding = sources
            .iter()
            .filter(|s| s.starts_with("pathfinding.cloud "))
            .count();
        let iam_vulnerable = sources
            .iter()
            .filter(|s| s.starts_with("iam-vulnerable "))
            .count();
        assert_eq!(pathfinding, 85);
        assert_eq!(iam_vulnerable, 31);
    }
}
