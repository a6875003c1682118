//! IAM, read once for the whole account.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_iam::types::{
    AttachedPolicy, GroupDetail, ManagedPolicyDetail, PolicyDetail, ReportStateType, RoleDetail,
    Tag, UserDetail,
};
use aws_sdk_iam::Client;
use posture_rules::model::{
    self, AuthorizationDetails, CredentialReportRow, Iam, Observed, PasswordPolicy,
    ServerCertificate, VirtualMfaDevice,
};

use super::{credential_report, gap, to_utc, Call, Tracker};
use posture_rules::parts::Part;

/// How long to wait for IAM to generate the credential report before calling it a gap.
const CREDENTIAL_REPORT_ATTEMPTS: u32 = 30;

pub async fn collect(config: &SdkConfig, tracker: &Tracker) -> Iam {
    let client = Client::new(config);
    let (
        authorization_details,
        credential_report,
        password_policy,
        account_summary,
        virtual_mfa_devices,
        server_certificates,
    ) = tokio::join!(
        authorization_details(&client, tracker),
        tracker.part(Part::CredentialReport, credential_report(&client, tracker)),
        password_policy(&client, tracker),
        account_summary(&client, tracker),
        virtual_mfa_devices(&client, tracker),
        server_certificates(&client, tracker),
    );
    Iam {
        authorization_details,
        credential_report,
        password_policy,
        account_summary,
        virtual_mfa_devices,
        server_certificates,
    }
}

fn call(part: Part, operation: &'static str) -> Call<'static> {
    Call::new(part, None, operation)
}

fn attached(policies: Option<Vec<AttachedPolicy>>) -> Vec<model::AttachedPolicy> {
    policies
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let arn = p.policy_arn.unwrap_or_default();
            model::AttachedPolicy {
                name: p
                    .policy_name
                    .filter(|name| !name.is_empty())
                    .unwrap_or_else(|| model::policy_name_from_arn(&arn).to_string()),
                arn,
            }
        })
        .collect()
}

fn inline(policies: Option<Vec<PolicyDetail>>) -> Vec<model::InlinePolicy> {
    policies
        .unwrap_or_default()
        .into_iter()
        .map(|p| model::InlinePolicy {
            name: p.policy_name.unwrap_or_default(),
            document: p.policy_document.unwrap_or_default().into(),
        })
        .collect()
}

fn tags(tags: Option<Vec<Tag>>) -> BTreeMap<String, String> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect()
}

fn managed_policy(policy: ManagedPolicyDetail) -> model::ManagedPolicy {
    let arn = policy.arn.unwrap_or_default();
    let (default, others): (Vec<_>, Vec<_>) = policy
        .policy_version_list
        .unwrap_or_default()
        .into_iter()
        .partition(|v| v.is_default_version);
    model::ManagedPolicy {
        // The API may omit the name; the ARN always ends with it.
        name: policy
            .policy_name
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| model::policy_name_from_arn(&arn).to_string()),
        attachment_count: policy.attachment_count.unwrap_or(0),
        default_document: default
            .into_iter()
            .next()
            .and_then(|v| v.document.map(Into::into)),
        other_versions: others
            .into_iter()
            .map(|v| model::PolicyVersion {
                id: v.version_id.unwrap_or_default(),
                document: v.document.map(Into::into),
            })
            .collect(),
        arn,
    }
}

async fn authorization_details(
    client: &Client,
    tracker: &Tracker,
) -> Observed<AuthorizationDetails> {
    let pages = client
        .get_account_authorization_details()
        // The largest page IAM returns (the default is 100): a tenth of the requests.
        .max_items(1000)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let call = call(
        Part::IamAuthorizationDetails,
        "GetAccountAuthorizationDetails",
    );
    let pages = tracker.read(call, pages).await;
    pages.map(|pages| {
        let mut details = AuthorizationDetails::default();
        for page in pages {
            let users = page.user_detail_list.unwrap_or_default();
            details.users.extend(users.into_iter().map(user));
            let groups = page.group_detail_list.unwrap_or_default();
            details.groups.extend(groups.into_iter().map(group));
            let roles = page.role_detail_list.unwrap_or_default();
            details.roles.extend(roles.into_iter().map(role));
            let policies = page.policies.unwrap_or_default();
            details
                .policies
                .extend(policies.into_iter().map(managed_policy));
        }
        details
    })
}

fn user(u: UserDetail) -> model::User {
    model::User {
        name: u.user_name.unwrap_or_default(),
        arn: u.arn.unwrap_or_default(),
        id: u.user_id.unwrap_or_default(),
        created: u.create_date.as_ref().and_then(to_utc),
        groups: u.group_list.unwrap_or_default(),
        attached_policies: attached(u.attached_managed_policies),
        inline_policies: inline(u.user_policy_list),
        permissions_boundary_arn: u
            .permissions_boundary
            .and_then(|b| b.permissions_boundary_arn),
        tags: tags(u.tags),
    }
}

fn group(g: GroupDetail) -> model::Group {
    model::Group {
        name: g.group_name.unwrap_or_default(),
        arn: g.arn.unwrap_or_default(),
        attached_policies: attached(g.attached_managed_policies),
        inline_policies: inline(g.group_policy_list),
    }
}

fn role(r: RoleDetail) -> model::Role {
    model::Role {
        name: r.role_name.unwrap_or_default(),
        arn: r.arn.unwrap_or_default(),
        id: r.role_id.unwrap_or_default(),
        created: r.create_date.as_ref().and_then(to_utc),
        trust_policy: r.assume_role_policy_document.map(Into::into),
        attached_policies: attached(r.attached_managed_policies),
        inline_policies: inline(r.role_policy_list),
        permissions_boundary_arn: r
            .permissions_boundary
            .and_then(|b| b.permissions_boundary_arn),
        last_used: r
            .role_last_used
            .and_then(|u| u.last_used_date)
            .as_ref()
            .and_then(to_utc),
        tags: tags(r.tags),
        instance_profiles: r
            .instance_profile_list
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.arn)
            .collect(),
    }
}

/// Asks IAM to generate the report, waits until it is ready, then reads and parses it.
async fn credential_report(
    client: &Client,
    tracker: &Tracker,
) -> Observed<Vec<CredentialReportRow>> {
    for attempt in 0..CREDENTIAL_REPORT_ATTEMPTS {
        let generated = client.generate_credential_report().send().await;
        match generated {
            Ok(output) if output.state == Some(ReportStateType::Complete) => break,
            Ok(_) => {
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt.min(4) + 1))).await
            }
            Err(error) => {
                return tracker.observe::<Vec<CredentialReportRow>, _, _>(
                    call(Part::CredentialReport, "GenerateCredentialReport"),
                    Err(error),
                );
            }
        }
    }
    let report = client.get_credential_report().send().await;
    let get_report = || call(Part::CredentialReport, "GetCredentialReport");
    let content = match tracker.observe(get_report(), report) {
        Observed::Collected(output) => output.content,
        Observed::Gap(gap) => return Observed::Gap(gap),
    };
    let Some(content) = content else {
        return Observed::Gap(Box::new(tracker.record(gap(
            &get_report(),
            "EmptyReport",
            "the credential report has no content",
        ))));
    };
    match credential_report::parse(content.as_ref()) {
        Ok(rows) => Observed::Collected(rows),
        Err(message) => Observed::Gap(Box::new(tracker.record(gap(
            &get_report(),
            "MalformedReport",
            format!("the credential report could not be parsed: {message}"),
        )))),
    }
}

async fn password_policy(client: &Client, tracker: &Tracker) -> Observed<Option<PasswordPolicy>> {
    let call = call(Part::PasswordPolicy, "GetAccountPasswordPolicy");
    let request = client.get_account_password_policy().send();
    let read = tracker.read_configured(call, request, &["NoSuchEntity"]);
    read.await.map(|output| {
        output
            .and_then(|o| o.password_policy)
            .map(|p| PasswordPolicy {
                minimum_length: p.minimum_password_length,
                require_symbols: p.require_symbols,
                require_numbers: p.require_numbers,
                require_uppercase: p.require_uppercase_characters,
                require_lowercase: p.require_lowercase_characters,
                max_age_days: p.max_password_age,
                reuse_prevention: p.password_reuse_prevention,
                expire_passwords: p.expire_passwords,
            })
    })
}

async fn account_summary(client: &Client, tracker: &Tracker) -> Observed<BTreeMap<String, i32>> {
    let call = call(Part::AccountSummary, "GetAccountSummary");
    let read = tracker.read(call, client.get_account_summary().send());
    read.await.map(|output| {
        output
            .summary_map
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| (key.as_str().to_string(), value))
            .collect()
    })
}

async fn virtual_mfa_devices(
    client: &Client,
    tracker: &Tracker,
) -> Observed<Vec<VirtualMfaDevice>> {
    let result = client
        .list_virtual_mfa_devices()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let call = call(Part::VirtualMfaDevices, "ListVirtualMFADevices");
    tracker.read(call, result).await.map(|devices| {
        devices
            .into_iter()
            .map(|d| VirtualMfaDevice {
                serial_number: d.serial_number,
                user_arn: d.user.map(|u| u.arn),
            })
            .collect()
    })
}

async fn server_certificates(
    client: &Client,
    tracker: &Tracker,
) -> Observed<Vec<ServerCertificate>> {
    let result = client
        .list_server_certificates()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let call = call(Part::ServerCertificates, "ListServerCertificates");
    tracker.read(call, result).await.map(|certificates| {
        certificates
            .into_iter()
            .map(|c| ServerCertificate {
                name: c.server_certificate_name,
                arn: c.arn,
                expires: c.expiration.as_ref().and_then(to_utc),
            })
            .collect()
    })
}
