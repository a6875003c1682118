use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::model::{Ec2Region, Observed};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::{
    each_bucket, each_efs_file_system_list, each_rds_databases, each_rds_snapshots,
};

declare_rule! {
    /// ## What it checks
    /// With `[residency] allowed_regions` set in `posture.toml`, every resource that holds
    /// customer data — S3 buckets, EBS volumes and snapshots, AMIs, RDS databases and their
    /// snapshots other than automated ones (which stay beside their database), EFS file
    /// systems — must be in one of those regions. Without the setting the rule judges
    /// nothing. Only scanned regions are seen: scan every region (the default) to find data
    /// where nobody looks.
    ///
    /// ## Why it matters
    /// The customer chooses "which country that content is stored in" (the Shared
    /// Responsibility Model); AWS never moves it. Laws and contracts (GDPR transfers, data
    /// sovereignty clauses) often fix that choice, and a test bucket or a snapshot copied to
    /// another region breaks it without anyone deciding to.
    ///
    /// ## How to fix
    /// - Move the data to an allowed region (S3 replication or a copy, `aws ec2
    ///   copy-snapshot --source-region`, `aws ec2 copy-image`, `aws rds copy-db-snapshot`,
    ///   EFS replication) and delete the original.
    /// - Prevent it: a service control policy denying actions outside the allowed regions
    ///   (`aws:RequestedRegion`), or the AWS Control Tower region deny control.
    /// - If the region is in fact allowed, add it to `allowed_regions`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region>
    /// - <https://aws.amazon.com/compliance/data-privacy/>
    pub static RULE = {
        id: "data-outside-allowed-regions",
        title: "Customer data is stored outside the allowed regions",
        duty: Duty::CustomerData,
        severity: Severity::High,
        reads: [Buckets, Volumes, Snapshots, Images, RdsDatabases, RdsSnapshots, EfsFileSystems],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let Some(allowed) = &cx.settings.allowed_regions else {
        return Vec::new();
    };
    let judge = |resource: &str, kind: &str, region: &str| -> Finding {
        let evidence = evidence!({ "region": region, "allowed_regions": allowed });
        if allowed.iter().any(|a| a == region) {
            let message = format!("{kind} is in {region}, an allowed region");
            rule.pass(resource, Some(region), message)
        } else {
            let message = format!(
                "{kind} is in {region}, outside the allowed regions ({})",
                allowed.join(", ")
            );
            rule.fail(resource, Some(region), message)
        }
        .with_evidence(evidence)
    };
    let mut findings = each_bucket(rule, cx, |bucket, region| match region {
        Some(region) => judge(&bucket.arn, &format!("bucket {}", bucket.name), region),
        None => match bucket.region.as_ref() {
            Err(gap) => rule.unknown_gap(&bucket.arn, None, gap),
            Ok(_) => rule.unknown(&bucket.arn, None, "could not be checked: no region"),
        },
    });
    findings.extend(ec2_data(rule, cx, &judge));
    findings.extend(rds_data(rule, cx, &judge));
    findings.extend(efs_data(rule, cx, &judge));
    findings
}

/// Judges a resource (ARN, how the message names it, region).
type Judge<'a> = dyn Fn(&str, &str, &str) -> Finding + 'a;

/// EBS volumes and snapshots, and AMIs.
fn ec2_data(rule: &Rule, cx: &Context<'_>, judge: &Judge<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &cx.snapshot.ec2 {
        let name = region.region.as_str();
        let lists: [(&str, Vec<String>); 3] = [
            ("volume", ids(region, |r| &r.volumes, |v| &v.id)),
            ("snapshot", ids(region, |r| &r.snapshots, |s| &s.id)),
            ("image", ids(region, |r| &r.images, |i| &i.id)),
        ];
        let gaps = [
            region.volumes.as_ref().err(),
            region.snapshots.as_ref().err(),
            region.images.as_ref().err(),
        ];
        for ((kind, ids), gap) in lists.into_iter().zip(gaps) {
            if let Some(gap) = gap {
                let scope = arn::ec2(cx.snapshot, name, kind, "*");
                findings.push(rule.unknown_gap(scope, Some(name), gap));
                continue;
            }
            for id in ids {
                let resource = arn::ec2(cx.snapshot, name, kind, &id);
                findings.push(judge(&resource, &format!("{kind} {id}"), name));
            }
        }
    }
    findings
}

/// RDS clusters, instances outside a cluster, and snapshots other than automated ones
/// (which stay beside their database).
fn rds_data(rule: &Rule, cx: &Context<'_>, judge: &Judge<'_>) -> Vec<Finding> {
    let mut findings = each_rds_databases(rule, cx, |databases, region| {
        let clusters = (databases.clusters.iter())
            .map(|c| judge(&c.arn, &format!("RDS cluster {}", c.id), region));
        let instances = (databases.instances.iter())
            .filter(|i| i.cluster.is_none())
            .map(|i| judge(&i.arn, &format!("RDS instance {}", i.id), region));
        clusters.chain(instances).collect()
    });
    findings.extend(each_rds_snapshots(rule, cx, |snapshots, region| {
        (snapshots.iter())
            .filter(|s| s.snapshot_type != "automated")
            .map(|s| judge(&s.arn, &format!("RDS snapshot {}", s.id), region))
            .collect()
    }));
    findings
}

fn efs_data(rule: &Rule, cx: &Context<'_>, judge: &Judge<'_>) -> Vec<Finding> {
    each_efs_file_system_list(rule, cx, |file_systems, region| {
        (file_systems.iter())
            .map(|fs| judge(&fs.arn, &format!("EFS file system {}", fs.id), region))
            .collect()
    })
}

/// The ids of one of the region's lists (empty when it was not read).
fn ids<T>(
    region: &Ec2Region,
    list: impl Fn(&Ec2Region) -> &Observed<Vec<T>>,
    id: impl Fn(&T) -> &String,
) -> Vec<String> {
    list(region)
        .as_ref()
        .map(|items| items.iter().map(|item| id(item).clone()).collect())
        .unwrap_or_default()
}
