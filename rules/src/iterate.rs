//! Iterating over the resources a rule judges, with the gap handling every rule needs: a
//! list that could not be read gives one `unknown` finding for its whole scope.

use crate::access::graph::Graph;
use crate::access::identity::{customer_policies, principals, CustomerPolicy, Principal};
use crate::access::policy::PolicyDocument;
use crate::model::arn;
use crate::model::{
    AuthorizationDetails, Bucket, CredentialReportRow, DbSnapshot, Ec2Region, FileSystem, Instance,
    KmsKey, Observed, RdsDatabases, RdsRegion, Role, Trail,
};
use crate::rule::{Context, Finding, Rule};

/// Runs `judge` on every bucket (with its region, if known).
pub fn each_bucket(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&Bucket, Option<&str>) -> Finding,
) -> Vec<Finding> {
    match cx.snapshot.s3.buckets.as_ref() {
        Ok(buckets) => buckets
            .iter()
            .map(|bucket| judge(bucket, bucket.region.as_ref().ok().map(String::as_str)))
            .collect(),
        Err(gap) => vec![rule.unknown_gap(
            format!("arn:{}:s3:::*", cx.snapshot.account.partition),
            None,
            gap,
        )],
    }
}

/// Runs `judge` on every item of one per-region EC2 list (`kind` names the ARN resource
/// type for the scope of a gap); `judge` returns `None` for items the rule skips.
pub fn each_in_region<T>(
    rule: &Rule,
    cx: &Context<'_>,
    kind: &str,
    list: impl Fn(&Ec2Region) -> &Observed<Vec<T>>,
    judge: impl Fn(&Ec2Region, &T) -> Option<Finding>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        match list(region).as_ref() {
            Ok(items) => findings.extend(items.iter().filter_map(|item| judge(region, item))),
            Err(gap) => {
                let scope = arn::ec2(cx.snapshot, &region.region, kind, "*");
                findings.push(rule.unknown_gap(scope, Some(&region.region), gap));
            }
        }
    }
    findings
}

/// Runs `judge` on every trail the account owns (with its home region). Organization
/// trails of the management account are its to configure, and its scan judges them.
pub fn each_own_trail(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&Trail, Option<&str>) -> Finding,
) -> Vec<Finding> {
    match cx.snapshot.logging.trails.as_ref() {
        Ok(trails) => trails
            .iter()
            .filter(|t| arn::account_of(&t.arn).as_deref() == Some(&cx.snapshot.account.id))
            .map(|t| judge(t, Some(&t.home_region)))
            .collect(),
        Err(gap) => {
            let (partition, account) = (&cx.snapshot.account.partition, &cx.snapshot.account.id);
            let scope = format!("arn:{partition}:cloudtrail:*:{account}:trail/*");
            vec![rule.unknown_gap(scope, None, gap)]
        }
    }
}

/// A service read region by region: for every scanned region, `judge` gets what was read
/// there and the region's scope (an ARN pattern from `scope`). A region that was not read
/// (no entry: an older snapshot) or whose read failed is one `unknown` for its scope.
pub struct PerRegion<'s, T> {
    /// How the report names the service: "KMS was not read in eu-west-1".
    pub service: &'static str,
    /// Each region read, with what was read there.
    pub read: Vec<(&'s str, &'s Observed<T>)>,
}

impl<'s, T> PerRegion<'s, T> {
    pub fn judge(
        &self,
        rule: &Rule,
        cx: &Context<'_>,
        scope: impl Fn(&str) -> String,
        mut judge: impl FnMut(&'s T, &str, String) -> Vec<Finding>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for name in &cx.snapshot.regions {
            let scope = scope(name);
            let Some((_, observed)) = self.read.iter().find(|(region, _)| region == name) else {
                let reason = format!(
                    "could not be checked: {} was not read in {name}",
                    self.service
                );
                findings.push(rule.unknown(scope, Some(name), reason));
                continue;
            };
            match observed.as_ref() {
                Ok(value) => findings.extend(judge(value, name, scope)),
                Err(gap) => findings.push(rule.unknown_gap(scope, Some(name), gap)),
            }
        }
        findings
    }
}

/// An ARN pattern of the account's resources of one service in one region:
/// `arn:aws:kms:eu-west-1:111122223333:key/*`.
pub fn regional_scope<'c>(
    cx: &'c Context<'_>,
    service: &'c str,
    resource: &'c str,
) -> impl Fn(&str) -> String + 'c {
    move |region| {
        let (partition, account) = (&cx.snapshot.account.partition, &cx.snapshot.account.id);
        format!("arn:{partition}:{service}:{region}:{account}:{resource}")
    }
}

/// Runs `judge` on every customer-managed KMS key of every scanned region; `judge` returns
/// `None` for keys the rule does not apply to.
pub fn each_customer_key(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&KmsKey, &str) -> Option<Finding>,
) -> Vec<Finding> {
    let kms = PerRegion {
        service: "KMS",
        read: cx
            .snapshot
            .kms
            .iter()
            .map(|r| (r.region.as_str(), &r.keys))
            .collect(),
    };
    kms.judge(
        rule,
        cx,
        regional_scope(cx, "kms", "key/*"),
        |keys, region, _| {
            keys.iter()
                .filter(|k| k.customer_managed())
                .filter_map(|k| judge(k, region))
                .collect()
        },
    )
}

/// The key's parsed policy, or the `unknown` finding that says why there is none.
pub fn key_policy(
    rule: &Rule,
    key: &KmsKey,
    region: &str,
) -> Result<std::sync::Arc<PolicyDocument>, Box<Finding>> {
    let Some(policy) = &key.policy else {
        let reason = format!(
            "could not be checked: the policy of key {} was not read",
            key.id
        );
        return Err(Box::new(rule.unknown(&key.arn, Some(region), reason)));
    };
    let text = policy
        .as_ref()
        .map_err(|gap| Box::new(rule.unknown_gap(&key.arn, Some(region), gap)))?;
    text.document().map_err(|error| {
        let reason = format!(
            "could not be checked: the policy of key {}: {error}",
            key.id
        );
        Box::new(rule.unknown(&key.arn, Some(region), reason))
    })
}

/// The credential report's name for the root user.
pub const ROOT_ROW: &str = "<root_account>";

/// Runs `judge` on every IAM user's line of the credential report (not the root user's).
pub fn each_user_credentials(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&CredentialReportRow) -> Option<Finding>,
) -> Vec<Finding> {
    match cx.snapshot.iam.credential_report.as_ref() {
        Ok(rows) => rows
            .iter()
            .filter(|row| row.user != ROOT_ROW)
            .filter_map(judge)
            .collect(),
        Err(gap) => vec![rule.unknown_gap(iam_scope(cx, "user/*"), None, gap)],
    }
}

/// The authorization details, or the `unknown` finding for `scope` (e.g. `role/*`).
pub fn authorization_details<'a>(
    rule: &Rule,
    cx: &'a Context<'_>,
    scope: &str,
) -> Result<&'a AuthorizationDetails, Box<Finding>> {
    cx.snapshot
        .iam
        .authorization_details
        .as_ref()
        .map_err(|gap| Box::new(rule.unknown_gap(iam_scope(cx, scope), None, gap)))
}

/// Runs `judge` on the account's principals and the access graph over them (built once);
/// one `unknown` when the authorization details could not be read. Without the credential
/// report, every user is assumed open to every takeover.
pub fn with_access_graph(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl FnOnce(&[Principal], &Graph<'_>) -> Vec<Finding>,
) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    let principals = principals(details);
    let credentials = cx.snapshot.iam.credential_report.as_ref().ok();
    let graph = Graph::new(
        &principals,
        details,
        credentials.map(Vec::as_slice),
        &cx.snapshot.account.partition,
        cx.settings.now,
    );
    judge(&principals, &graph)
}

/// An IAM ARN in the scanned account: `arn:aws:iam::ACCOUNT:{resource}`.
pub fn iam_scope(cx: &Context<'_>, resource: &str) -> String {
    format!(
        "arn:{}:iam::{}:{resource}",
        cx.snapshot.account.partition, cx.snapshot.account.id
    )
}

/// Runs `judge` on every instance that is not terminated, with the instance's ARN.
pub fn each_instance(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&Ec2Region, &Instance, String) -> Finding,
) -> Vec<Finding> {
    each_in_region(
        rule,
        cx,
        "instance",
        |r| &r.instances,
        |region, instance| {
            if instance.state.as_deref() == Some("terminated") {
                return None;
            }
            let resource = arn::ec2(cx.snapshot, &region.region, "instance", &instance.id);
            Some(judge(region, instance, resource))
        },
    )
}

/// Runs `judge` on every role with its parsed trust policy; a role whose trust policy is
/// missing or does not parse is `unknown`.
pub fn each_role_trust(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&Role, &PolicyDocument) -> Finding,
) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "role/*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    details
        .roles
        .iter()
        .map(|role| {
            let Some(text) = &role.trust_policy else {
                let reason = format!(
                    "could not be checked: IAM returned no trust policy for {}",
                    role.name
                );
                return rule.unknown(&role.arn, None, reason);
            };
            match text.document() {
                Ok(document) => judge(role, &document),
                Err(error) => {
                    let reason = format!(
                        "could not be checked: the trust policy of {}: {error}",
                        role.name
                    );
                    rule.unknown(&role.arn, None, reason)
                }
            }
        })
        .collect()
}

/// Runs `judge` on every customer-written policy (attached customer-managed, inline) with
/// its parsed document; one that cannot be parsed or was not collected is `unknown`.
pub fn each_customer_policy(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&CustomerPolicy, &PolicyDocument) -> Finding,
) -> Vec<Finding> {
    let details = match authorization_details(rule, cx, "policy/*") {
        Ok(details) => details,
        Err(unknown) => return vec![*unknown],
    };
    customer_policies(details)
        .iter()
        .map(|policy| match &policy.document {
            Ok(document) => judge(policy, document),
            Err(error) => rule.unknown(
                &policy.resource,
                None,
                format!("could not be checked: {}: {error}", policy.label),
            ),
        })
        .collect()
}

/// Runs `judge` on every bucket that has a policy, with the parsed policy; a bucket
/// without one gets `without_policy`; a policy that could not be read or parsed is
/// `unknown`.
pub fn each_bucket_policy(
    rule: &Rule,
    cx: &Context<'_>,
    without_policy: impl Fn(&Bucket, Option<&str>) -> Finding,
    judge: impl Fn(&Bucket, Option<&str>, &PolicyDocument) -> Finding,
) -> Vec<Finding> {
    each_bucket(
        rule,
        cx,
        |bucket, region| match crate::access::resource_policy::parsed(rule, bucket, region) {
            Ok(Some(document)) => judge(bucket, region, &document),
            Ok(None) => without_policy(bucket, region),
            Err(unknown) => *unknown,
        },
    )
}

/// Runs `judge` on the RDS databases of every scanned region (with the region's name).
pub fn each_rds_databases(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&RdsDatabases, &str) -> Vec<Finding>,
) -> Vec<Finding> {
    each_rds(rule, cx, |r| &r.databases, "db:*", judge)
}

/// Runs `judge` on the RDS snapshots of every scanned region (with the region's name).
pub fn each_rds_snapshots(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&[DbSnapshot], &str) -> Vec<Finding>,
) -> Vec<Finding> {
    each_rds(
        rule,
        cx,
        |r| &r.snapshots,
        "snapshot:*",
        |s, region| judge(s, region),
    )
}

/// Runs `judge` on the EFS file systems of every scanned region (with the region's name).
pub fn each_efs_file_system_list(
    rule: &Rule,
    cx: &Context<'_>,
    judge: impl Fn(&[FileSystem], &str) -> Vec<Finding>,
) -> Vec<Finding> {
    let efs = PerRegion {
        service: "EFS",
        read: (cx.snapshot.efs.iter())
            .map(|r| (r.region.as_str(), &r.file_systems))
            .collect(),
    };
    let scope = regional_scope(cx, "elasticfilesystem", "file-system/*");
    efs.judge(rule, cx, scope, |file_systems, region, _| {
        judge(file_systems, region)
    })
}

/// Runs `judge` on one RDS list of every scanned region; `resource` is the ARN resource
/// pattern of a region's scope when the list is unknown.
fn each_rds<T>(
    rule: &Rule,
    cx: &Context<'_>,
    list: impl Fn(&RdsRegion) -> &Observed<T>,
    resource: &str,
    judge: impl Fn(&T, &str) -> Vec<Finding>,
) -> Vec<Finding> {
    let rds = PerRegion {
        service: "RDS",
        read: (cx.snapshot.rds.iter())
            .map(|r| (r.region.as_str(), list(r)))
            .collect(),
    };
    rds.judge(
        rule,
        cx,
        regional_scope(cx, "rds", resource),
        |read, region, _| judge(read, region),
    )
}
