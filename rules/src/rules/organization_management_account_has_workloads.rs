use crate::declare_rule;
use crate::evidence;
use crate::model::Observed;
use crate::organization::{organization_arn, standing, Standing};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

declare_rule! {
    /// ## What it checks
    /// Scanned from an organization's management account: whether the account runs
    /// workloads — EC2 instances that are not terminated, RDS databases, EFS file systems —
    /// in the scanned regions. In member accounts and accounts in no organization it
    /// judges nothing.
    ///
    /// ## Why it matters
    /// The management account is the one account service control policies cannot limit,
    /// and it can create, move and take over every member account. A workload there puts
    /// its operators, its instance roles and its software supply chain one step from the
    /// whole organization. Workloads belong in member accounts, under guardrails.
    ///
    /// ## How to fix
    /// - Move each workload to a member account (recreate it there, or share snapshots and
    ///   restore), then delete it from the management account.
    /// - Keep the management account for billing, Organizations and the few services that
    ///   must run there; give its access only to the people who administer the organization.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html>
    pub static RULE = {
        id: "organization-management-account-has-workloads",
        title: "The management account runs workloads",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [Organization, Instances, RdsDatabases, EfsFileSystems],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let organization = match standing(rule, cx) {
        Standing::Unknown(finding) => return vec![finding],
        Standing::Member | Standing::Standalone => return Vec::new(),
        Standing::Management { organization, .. } => organization,
    };
    let resource = organization_arn(cx, organization);
    let counts = [
        ("EC2 instance", instances(cx)),
        ("RDS database", databases(cx)),
        ("EFS file system", file_systems(cx)),
    ];
    let mut found = Vec::new();
    for (kind, count) in counts {
        match count {
            Ok(0) => {}
            Ok(n) => found.push(format!("{n} {kind}{}", if n == 1 { "" } else { "s" })),
            Err(reason) => {
                let reason = format!("could not be checked: {reason}");
                return vec![rule.unknown(resource, None, reason)];
            }
        }
    }
    let evidence = evidence!({ "workloads": found });
    let finding = if found.is_empty() {
        let message = "the management account runs no EC2 instance, RDS database or EFS file \
                       system in the scanned regions";
        rule.pass(resource, None, message)
    } else {
        let message = format!(
            "the management account runs workloads: {} (in the scanned regions)",
            found.join(", ")
        );
        rule.fail(resource, None, message)
    };
    vec![finding.with_evidence(evidence)]
}

/// Sums one service's list over the scanned regions; the first region where it is
/// unknown (its read failed, or it was not read) says why.
fn count_in<R, T>(
    cx: &Context<'_>,
    service: &str,
    regions: &[R],
    name: impl Fn(&R) -> &str,
    list: impl Fn(&R) -> &Observed<T>,
    count: impl Fn(&T) -> usize,
) -> Result<usize, String> {
    cx.snapshot.regions.iter().try_fold(0, |sum, scanned| {
        let Some(region) = regions.iter().find(|r| name(r) == scanned) else {
            return Err(format!("{service} was not read in {scanned}"));
        };
        match list(region).as_ref() {
            Ok(items) => Ok(sum + count(items)),
            Err(gap) => Err(format!(
                "{}:{} in {scanned} failed ({})",
                gap.service, gap.operation, gap.error_code
            )),
        }
    })
}

fn instances(cx: &Context<'_>) -> Result<usize, String> {
    let live = |list: &Vec<crate::model::Instance>| {
        (list.iter())
            .filter(|i| i.state.as_deref() != Some("terminated"))
            .count()
    };
    let regions = &cx.snapshot.ec2;
    count_in(cx, "EC2", regions, |r| &r.region, |r| &r.instances, live)
}

fn databases(cx: &Context<'_>) -> Result<usize, String> {
    let count = |d: &crate::model::RdsDatabases| {
        d.clusters.len() + d.instances.iter().filter(|i| i.cluster.is_none()).count()
    };
    let regions = &cx.snapshot.rds;
    count_in(cx, "RDS", regions, |r| &r.region, |r| &r.databases, count)
}

fn file_systems(cx: &Context<'_>) -> Result<usize, String> {
    let regions = &cx.snapshot.efs;
    count_in(
        cx,
        "EFS",
        regions,
        |r| &r.region,
        |r| &r.file_systems,
        Vec::len,
    )
}
