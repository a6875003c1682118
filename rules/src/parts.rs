//! The parts of a snapshot: the one declaration of each data source. A part's row in
//! [`parts!`] names the API operations that read it (with the IAM actions that allow them)
//! and its place in the snapshot; from the table come the collector's bookkeeping (which
//! part a call reads, so whether it is made), the policy `posture permissions` prints, and
//! [`only`].
//!
//! Every rule declares the parts it reads (`reads:` in `declare_rule!`), so that a run of a
//! few rules collects only what they need, and a part left out can never be mistaken for
//! data: it is a gap (`NotCollected`), which a rule that wrongly reads it reports as
//! `unknown`.

use crate::model::{Gap, LogGroupMonitoring, Observed, OrganizationManagement, Snapshot};
use crate::rule::Rule;

/// An API operation a part is read with, and the IAM action that allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `service:Operation`, the service as the collector's gaps name it.
    call: &'static str,
    /// The IAM action: the call's own name except where IAM spells it otherwise.
    pub action: &'static str,
}

impl Operation {
    pub fn service(&self) -> &'static str {
        self.call.split_once(':').map_or("", |(service, _)| service)
    }

    pub fn name(&self) -> &'static str {
        self.call
            .split_once(':')
            .map_or(self.call, |(_, name)| name)
    }
}

/// Where a part's data sits in a snapshot: a function handing each of its places to
/// `out`, or nowhere for the parts every run reads whatever the rules.
#[derive(Clone, Copy)]
enum Place {
    Always,
    At(fn(&mut Snapshot, &mut Out<'_>)),
}

/// What a place hands each of its slots to.
type Out<'a> = dyn FnMut(&mut dyn Slot) + 'a;

/// A place in the snapshot that [`only`] can leave out.
trait Slot {
    fn leave_out(&mut self, gap: &Gap);
}

impl<T> Slot for Observed<T> {
    fn leave_out(&mut self, gap: &Gap) {
        *self = Observed::Gap(Box::new(gap.clone()));
    }
}

/// The log groups the trails deliver to are a list of what was read (each group's reads
/// are `Observed` within): left out, it is empty.
impl Slot for Vec<LogGroupMonitoring> {
    fn leave_out(&mut self, _: &Gap) {
        self.clear();
    }
}

/// The items of a list that was read; none of one that was not.
fn each<T>(list: &mut Observed<Vec<T>>) -> &mut [T] {
    match list {
        Observed::Collected(items) => items,
        Observed::Gap(_) => &mut [],
    }
}

/// What only a scan of the organization's management account reads, if it was read.
fn management(snapshot: &mut Snapshot) -> Option<&mut OrganizationManagement> {
    match &mut snapshot.organization {
        Observed::Collected(Some(organization)) => organization.management.as_mut(),
        _ => None,
    }
}

macro_rules! operation {
    ($call:literal) => {
        Operation {
            call: $call,
            action: $call,
        }
    };
    ($call:literal as $action:literal) => {
        Operation {
            call: $call,
            action: $action,
        }
    };
}

/// The table of parts: `Name: [operations] needs Part => place;` declares the variant
/// `Part::Name`, the operations that read it (each `"service:Operation"`, `as` the IAM
/// action where IAM names it otherwise), the part it hangs on if any, and its place.
macro_rules! parts {
    (@needs) => {
        None
    };
    (@needs $needs:ident) => {
        Some(Part::$needs)
    };
    ($(
        $(#[doc = $doc:literal])*
        $part:ident: [$($call:literal $(as $action:literal)?),+ $(,)?]
            $(needs $needs:ident)? => $place:expr;
    )+) => {
        /// One part of a snapshot.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Part {
            $($(#[doc = $doc])* $part,)+
        }

        impl Part {
            /// Every part, in the table's order: the order `posture permissions` lists
            /// their actions in.
            pub const ALL: &'static [Part] = &[$(Part::$part),+];

            /// The API operations the collector reads the part with.
            pub fn operations(self) -> &'static [Operation] {
                match self {
                    $(Part::$part => &[$(operation!($call $(as $action)?)),+],)+
                }
            }

            /// The part this one hangs on, which a run reading it reads too.
            fn needs(self) -> Option<Part> {
                match self {
                    $(Part::$part => parts!(@needs $($needs)?),)+
                }
            }

            fn place(self) -> Place {
                match self {
                    $(Part::$part => $place,)+
                }
            }
        }
    };
}

parts! {
    /// The account and the caller (`snapshot.account`): every run reads it first, whatever
    /// the rules.
    Identity: ["sts:GetCallerIdentity"] => Place::Always;
    /// Users, groups, roles and policies.
    IamAuthorizationDetails: ["iam:GetAccountAuthorizationDetails"]
        => Place::At(|s, out| out(&mut s.iam.authorization_details));
    CredentialReport: ["iam:GenerateCredentialReport", "iam:GetCredentialReport"]
        => Place::At(|s, out| out(&mut s.iam.credential_report));
    PasswordPolicy: ["iam:GetAccountPasswordPolicy"]
        => Place::At(|s, out| out(&mut s.iam.password_policy));
    AccountSummary: ["iam:GetAccountSummary"]
        => Place::At(|s, out| out(&mut s.iam.account_summary));
    VirtualMfaDevices: ["iam:ListVirtualMFADevices"]
        => Place::At(|s, out| out(&mut s.iam.virtual_mfa_devices));
    ServerCertificates: ["iam:ListServerCertificates"]
        => Place::At(|s, out| out(&mut s.iam.server_certificates));
    /// The regions to read (`snapshot.regions`): every run reads them, whatever the rules.
    Regions: ["ec2:DescribeRegions"] => Place::Always;
    Vpcs: ["ec2:DescribeVpcs"] => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.vpcs) });
    SecurityGroups: ["ec2:DescribeSecurityGroups"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.security_groups) });
    NetworkAcls: ["ec2:DescribeNetworkAcls"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.network_acls) });
    FlowLogs: ["ec2:DescribeFlowLogs"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.flow_logs) });
    NetworkInterfaces: ["ec2:DescribeNetworkInterfaces"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.network_interfaces) });
    Instances: ["ec2:DescribeInstances"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.instances) });
    Volumes: ["ec2:DescribeVolumes"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.volumes) });
    /// EBS snapshots and whether each is public.
    Snapshots: ["ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.snapshots) });
    Images: ["ec2:DescribeImages"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.images) });
    EbsEncryptionByDefault: ["ec2:GetEbsEncryptionByDefault"]
        => Place::At(|s, out| for r in &mut s.ec2 { out(&mut r.ebs_encryption_by_default) });
    /// The buckets and each bucket's region: every per-bucket part hangs on it.
    Buckets: ["s3:ListBuckets" as "s3:ListAllMyBuckets", "s3:GetBucketLocation"]
        => Place::At(|s, out| out(&mut s.s3.buckets));
    BucketPolicy: ["s3:GetBucketPolicy"] needs Buckets
        => Place::At(|s, out| for b in each(&mut s.s3.buckets) { out(&mut b.policy) });
    BucketAcl: ["s3:GetBucketAcl"] needs Buckets
        => Place::At(|s, out| for b in each(&mut s.s3.buckets) { out(&mut b.acl) });
    BucketPublicAccessBlock: ["s3:GetPublicAccessBlock" as "s3:GetBucketPublicAccessBlock"]
        needs Buckets
        => Place::At(|s, out| {
            for b in each(&mut s.s3.buckets) {
                out(&mut b.public_access_block)
            }
        });
    BucketEncryption: ["s3:GetBucketEncryption" as "s3:GetEncryptionConfiguration"]
        needs Buckets
        => Place::At(|s, out| for b in each(&mut s.s3.buckets) { out(&mut b.encryption) });
    BucketVersioning: ["s3:GetBucketVersioning"] needs Buckets
        => Place::At(|s, out| for b in each(&mut s.s3.buckets) { out(&mut b.versioning) });
    BucketOwnership: ["s3:GetBucketOwnershipControls"] needs Buckets
        => Place::At(|s, out| {
            for b in each(&mut s.s3.buckets) {
                out(&mut b.object_ownership)
            }
        });
    BucketLogging: ["s3:GetBucketLogging"] needs Buckets
        => Place::At(|s, out| {
            for b in each(&mut s.s3.buckets) {
                out(&mut b.logging_target)
            }
        });
    /// The account's Block Public Access settings.
    AccountPublicAccessBlock: ["s3control:GetPublicAccessBlock" as "s3:GetAccountPublicAccessBlock"]
        => Place::At(|s, out| out(&mut s.s3.account_public_access_block));
    /// The trails of every region (shadow trails included), each trail's status and event
    /// selectors once.
    Trails: [
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
    ] => Place::At(|s, out| out(&mut s.logging.trails));
    /// The metric filters of the log groups the trails deliver to, the alarms of their
    /// regions, the subscribers of the alarms' topics.
    LogMetricAlarms: [
        "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
        "sns:ListSubscriptionsByTopic",
    ] needs Trails
        => Place::At(|s, out| out(&mut s.logging.log_groups));
    /// AWS Config's recorders and their status, in every region.
    ConfigRecorders: [
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
    ] => Place::At(|s, out| for r in &mut s.logging.config { out(&mut r.recorders) });
    /// Every key of every region; each customer key's rotation status and key policy.
    KmsKeys: ["kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy"]
        => Place::At(|s, out| for r in &mut s.kms { out(&mut r.keys) });
    AccessAnalyzers: ["access-analyzer:ListAnalyzers"]
        => Place::At(|s, out| for r in &mut s.access_analyzers { out(&mut r.analyzers) });
    /// The account's security alternate contact.
    SecurityContact: ["account:GetAlternateContact"]
        => Place::At(|s, out| out(&mut s.security_contact));
    EfsFileSystems: ["elasticfilesystem:DescribeFileSystems"]
        => Place::At(|s, out| for r in &mut s.efs { out(&mut r.file_systems) });
    /// DB instances and clusters.
    RdsDatabases: ["rds:DescribeDBInstances", "rds:DescribeDBClusters"]
        => Place::At(|s, out| for r in &mut s.rds { out(&mut r.databases) });
    /// DB and cluster snapshots, each shareable one's restore attribute.
    RdsSnapshots: [
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshotAttributes",
    ] => Place::At(|s, out| for r in &mut s.rds { out(&mut r.snapshots) });
    /// The organization; in its management account also the tree and the guardrail
    /// policies in force for every account.
    Organization: [
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy",
    ] => Place::At(|s, out| out(&mut s.organization));
    /// IAM's organization features, in the management account.
    RootAccessFeatures: ["iam:ListOrganizationsFeatures"] needs Organization
        => Place::At(|s, out| {
            if let Some(management) = management(s) {
                out(&mut management.root_access_features)
            }
        });
    SsmManagedNodes: ["ssm:DescribeInstanceInformation"]
        => Place::At(|s, out| for r in &mut s.ssm { out(&mut r.managed_nodes) });
    /// The patch states of the managed nodes, 50 nodes a request.
    SsmPatchStates: ["ssm:DescribeInstancePatchStates"] needs SsmManagedNodes
        => Place::At(|s, out| for r in &mut s.ssm { out(&mut r.patch_states) });
}

impl Part {
    /// The service a `NotCollected` gap of the part names: its first operation's.
    pub fn service(self) -> &'static str {
        self.operations()[0].service()
    }

    /// The part's operation of this name.
    pub fn operation(self, name: &str) -> Option<&'static Operation> {
        self.operations().iter().find(|o| o.name() == name)
    }

    /// Whether every run reads the part, whatever the rules (who the caller is, which
    /// regions there are): no rule needs to declare it, and [`only`] never leaves it out.
    pub fn always_read(self) -> bool {
        matches!(self.place(), Place::Always)
    }
}

/// Every operation of every part, in the table's order.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    Part::ALL.iter().flat_map(|part| part.operations())
}

/// The IAM action that allows `service:operation`, if a part is read with it.
pub fn iam_action(service: &str, operation: &str) -> Option<&'static str> {
    operations()
        .find(|o| o.service() == service && o.name() == operation)
        .map(|o| o.action)
}

/// The parts the rules read, each with the part it hangs on (the bucket list of a
/// per-bucket part, the managed nodes of their patch states...).
pub fn needed_by<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Vec<Part> {
    let mut parts = Vec::new();
    for &read in rules.into_iter().flat_map(|r| r.reads) {
        let mut next = Some(read);
        while let Some(part) = next {
            parts.push(part);
            next = part.needs();
        }
    }
    parts.sort();
    parts.dedup();
    parts
}

/// The gap that stands for a part the selected rules do not read.
pub fn not_collected(part: Part) -> Gap {
    Gap {
        service: part.service().to_string(),
        region: None,
        operation: format!("{part:?}"),
        resource: None,
        error_code: "NotCollected".to_string(),
        message: "not read: no selected rule needs it".to_string(),
        account: None,
    }
}

/// The snapshot with every part outside `kept` replaced by a `NotCollected` gap: what a
/// run collecting only `kept` would have read. The tests use it to prove each rule's
/// declaration (its findings are the same on the full snapshot and on this one).
pub fn only(snapshot: &Snapshot, kept: &[Part]) -> Snapshot {
    let mut s = snapshot.clone();
    for &part in Part::ALL.iter().filter(|part| !kept.contains(part)) {
        if let Place::At(place) = part.place() {
            let gap = not_collected(part);
            place(&mut s, &mut |slot| slot.leave_out(&gap));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Snapshot {
        serde_json::from_str(include_str!("../../examples/demo-account.json"))
            .expect("the example snapshot loads")
    }

    /// Whether any `Observed` in the tree holds data (`{"collected": ...}`), and where.
    fn collected_at(tree: &serde_json::Value, path: &str) -> Option<String> {
        match tree {
            serde_json::Value::Object(object) if object.contains_key("collected") => {
                Some(path.to_string())
            }
            serde_json::Value::Object(object) => (object.iter())
                .find_map(|(key, value)| collected_at(value, &format!("{path}/{key}"))),
            serde_json::Value::Array(items) => (items.iter().enumerate())
                .find_map(|(i, value)| collected_at(value, &format!("{path}/{i}"))),
            _ => None,
        }
    }

    /// A part added without its place in the table stays collected here, on the example
    /// account, which holds every part.
    #[test]
    fn leaving_out_every_part_leaves_nothing_collected() {
        let example = example();
        let tree = serde_json::to_value(&example).unwrap();
        assert!(collected_at(&tree, "").is_some(), "the example holds data");
        let nothing = serde_json::to_value(only(&example, &[])).unwrap();
        assert_eq!(collected_at(&nothing, ""), None);
        assert_eq!(nothing["logging"]["log_groups"], serde_json::json!([]));
    }

    /// Each part's place holds data in the example, so that the test above sees it.
    #[test]
    fn each_part_has_its_place_in_the_example() {
        let example = example();
        assert!(only(&example, Part::ALL) == example);
        for &part in Part::ALL.iter().filter(|p| !p.always_read()) {
            let others: Vec<Part> = Part::ALL.iter().copied().filter(|p| *p != part).collect();
            assert!(
                only(&example, &others) != example,
                "{part:?} has no data in the example"
            );
        }
    }

    #[test]
    fn every_operation_belongs_to_exactly_one_part() {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for &part in Part::ALL {
            for operation in part.operations() {
                let call = (operation.service(), operation.name());
                assert!(!seen.contains(&call), "{call:?} is read for two parts");
                seen.push(call);
            }
        }
    }

    #[test]
    fn operations_are_named_as_iam_names_them() {
        for operation in operations() {
            let (service, name) = (operation.service(), operation.name());
            assert!(
                !service.is_empty()
                    && (service.chars())
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && name.starts_with(|c: char| c.is_ascii_uppercase())
                    && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "{service}:{name}"
            );
            let (action_service, action) = operation.action.split_once(':').unwrap();
            assert!(action_service == service || service == "s3control");
            assert!(action.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn a_run_reads_the_part_a_part_hangs_on() {
        let mut hanging = 0;
        for rule in crate::registry::RULES {
            let needed = needed_by([*rule]);
            for needs in needed.iter().filter_map(|part| part.needs()) {
                assert!(needed.contains(&needs), "{}: {needs:?}", rule.id);
                hanging += 1;
            }
        }
        assert!(hanging > 0);
    }
}
