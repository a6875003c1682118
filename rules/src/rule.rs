//! What a rule is, what it reports, and the macro that declares one.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Gap, Snapshot};
use crate::settings::Settings;

/// The customer-side duties of the Shared Responsibility Model: the report's top-level
/// grouping. Every rule belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Duty {
    CustomerData,
    IdentityAndAccessManagement,
    TemporaryCredentials,
    NetworkConfiguration,
    ServerSideEncryption,
    NetworkTrafficProtection,
    ClientSideEncryption,
}

impl Duty {
    pub const ALL: [Duty; 7] = [
        Duty::CustomerData,
        Duty::IdentityAndAccessManagement,
        Duty::TemporaryCredentials,
        Duty::NetworkConfiguration,
        Duty::ServerSideEncryption,
        Duty::NetworkTrafficProtection,
        Duty::ClientSideEncryption,
    ];

    /// The stable id used on the command line (`--duty`) and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Duty::CustomerData => "customer-data",
            Duty::IdentityAndAccessManagement => "identity-and-access-management",
            Duty::TemporaryCredentials => "temporary-credentials",
            Duty::NetworkConfiguration => "network-configuration",
            Duty::ServerSideEncryption => "server-side-encryption",
            Duty::NetworkTrafficProtection => "network-traffic-protection",
            Duty::ClientSideEncryption => "client-side-encryption",
        }
    }

    /// The name of the duty as the Shared Responsibility Model states it.
    pub fn title(self) -> &'static str {
        match self {
            Duty::CustomerData => "Customer data",
            Duty::IdentityAndAccessManagement => "Identity & access management",
            Duty::TemporaryCredentials => "Temporary credentials",
            Duty::NetworkConfiguration => "OS, network & firewall configuration",
            Duty::ServerSideEncryption => "Server-side encryption",
            Duty::NetworkTrafficProtection => "Network traffic protection",
            Duty::ClientSideEncryption => "Client-side encryption",
        }
    }

    /// Whether the AWS control plane can show anything about this duty at all.
    pub fn observable(self) -> bool {
        self != Duty::ClientSideEncryption
    }

    /// Why an unobservable duty is not scored, for every report to say the same thing.
    pub fn not_observable_reason(self) -> Option<&'static str> {
        match self {
            Duty::ClientSideEncryption => Some(
                "data encrypted before it reaches AWS looks like any other bytes to the AWS \
                 APIs: whether you do it cannot be observed from the control plane, so it is \
                 not scored",
            ),
            _ => None,
        }
    }

    pub fn from_id(id: &str) -> Option<Duty> {
        Duty::ALL.into_iter().find(|duty| duty.id() == id)
    }
}

impl fmt::Display for Duty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn from_id(id: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.id() == id)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    /// The data needed was not collected: the rule could not decide.
    Unknown,
    Waived,
    Pass,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Waived => "waived",
            Status::Pass => "pass",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How far a failing finding reaches, as the rule that made it declares: the fix-first
/// ranking puts the farthest first among findings of one severity. Most findings reach no
/// further than their resource and declare nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    /// Someone gains or holds every permission of the account.
    Administrator,
    /// Anyone may read or use it (a public bucket, snapshot, image, role trust).
    Public,
    /// Reachable from the internet now (an open port on a public address, a database
    /// endpoint that resolves to one).
    Internet,
}

impl Exposure {
    pub fn id(self) -> &'static str {
        match self {
            Exposure::Administrator => "administrator",
            Exposure::Public => "public",
            Exposure::Internet => "internet",
        }
    }
}

/// What one rule concluded about one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id and title: borrowed from the rule (a large account has hundreds of
    /// thousands of findings, each would otherwise copy both), owned when read back from a
    /// report.
    pub rule_id: Cow<'static, str>,
    pub title: Cow<'static, str>,
    pub duty: Duty,
    pub severity: Severity,
    pub status: Status,
    /// ARN where the resource has one, otherwise its id.
    pub resource: String,
    /// `None` for global resources (IAM, the account).
    pub region: Option<String>,
    pub message: String,
    /// What the conclusion rests on: the security group rule, the policy statement...
    pub evidence: Evidence,
    /// How far the finding reaches, when its rule declared it ([`Finding::with_exposure`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    /// Why a failing finding is accepted, when a waiver applies (status `waived`). Boxed:
    /// few findings have one, and every finding is moved several times on its way to the
    /// report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverNote>>,
    /// The account of the resource: set by the run for every finding (rules leave it to
    /// the run, which knows which account's snapshot it evaluated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// The waiver that turned a failing finding into a waived one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverNote {
    pub reason: String,
    /// `YYYY-MM-DD`, the last day the waiver applies.
    pub expires: String,
}

/// A finding's evidence, kept as compact JSON text: a large account has hundreds of
/// thousands of findings, and a JSON tree of each would take several times the memory.
/// It serializes as the JSON it holds (`null` when there is none).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Evidence(Option<Box<serde_json::value::RawValue>>);

impl Evidence {
    fn of(evidence: &impl Serialize) -> Evidence {
        let raw = serde_json::value::to_raw_value(evidence);
        // Failing to serialize (a map with keys that are not strings) is a bug of the
        // rule, caught by its tests; a finding without its evidence is still a finding.
        debug_assert!(raw.is_ok(), "evidence that does not serialize");
        Evidence(raw.ok().filter(|raw| raw.get() != "null"))
    }

    /// Evidence from an object built by [`evidence!`]. Its fields print sorted, and so do
    /// the fields of the JSON trees it holds, but a struct among its values prints in
    /// declaration order: builds with debug assertions (every test) check that the text is
    /// the one a JSON tree of the same object prints.
    pub fn object(object: &impl Serialize) -> Evidence {
        let evidence = Evidence::of(object);
        #[cfg(debug_assertions)]
        {
            let tree = serde_json::to_value(object).map(Evidence::from).ok();
            assert_eq!(
                Some(&evidence),
                tree.as_ref(),
                "evidence that a JSON tree prints in another order: sort the fields of the \
                 structs it holds, or give it a tree"
            );
        }
        evidence
    }

    pub fn is_null(&self) -> bool {
        self.0.is_none()
    }

    /// The evidence as a JSON tree, for formats that nest or reformat it.
    pub fn to_value(&self) -> serde_json::Value {
        self.0
            .as_ref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(serde_json::Value::Null)
    }
}

/// A value of an evidence object printed through a JSON tree, so that the structs it
/// holds print their fields sorted (for values not read often enough to be worth a sorted
/// form of their own).
pub struct Tree<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for Tree<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(self.0)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

/// The entries of an evidence object: `(key, value)` pairs, serialized as a JSON object
/// with its keys sorted, as a JSON tree sorts them. Built by [`evidence!`].
pub struct EvidenceObject<T>(pub T);

macro_rules! sorted_object {
    ($($index:tt $value:ident),+) => {
        impl<$($value: Serialize + ?Sized),+> Serialize
            for EvidenceObject<($((&'static str, &$value),)+)>
        {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let entries = &self.0;
                let keys = [$(entries.$index.0),+];
                let mut order = [$($index),+];
                order.sort_by_key(|&index: &usize| keys[index]);
                let mut map = serializer.serialize_map(Some(order.len()))?;
                for index in order {
                    match index {
                        $($index => map.serialize_entry(entries.$index.0, entries.$index.1)?,)+
                        _ => {}
                    }
                }
                map.end()
            }
        }
    };
}

sorted_object!(0 A);
sorted_object!(0 A, 1 B);
sorted_object!(0 A, 1 B, 2 C);
sorted_object!(0 A, 1 B, 2 C, 3 D);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
sorted_object!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);

/// Evidence as a JSON object, printed as `serde_json::json!` prints the same object
/// (`evidence!({ "key": value, ... })`, up to ten entries, each value serializable), but
/// serialized straight from the values: building a JSON tree of each finding's evidence,
/// printing it and dropping it was a quarter of the evaluation of a large account.
#[macro_export]
macro_rules! evidence {
    ({ $($key:literal : $value:expr),+ $(,)? }) => {
        $crate::rule::Evidence::object(&$crate::evidence_object!({ $($key: $value),+ }))
    };
}

/// An object inside evidence, printed as [`evidence!`] prints its own: for a struct whose
/// fields are not declared in sorted order.
#[macro_export]
macro_rules! evidence_object {
    ({ $($key:literal : $value:expr),+ $(,)? }) => {
        $crate::rule::EvidenceObject(($(($key, &$value),)+))
    };
}

impl From<serde_json::Value> for Evidence {
    fn from(value: serde_json::Value) -> Evidence {
        // A `Value` always serializes.
        Evidence(
            (!value.is_null())
                .then(|| serde_json::value::to_raw_value(&value).ok())
                .flatten(),
        )
    }
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.0.as_ref().map(|raw| raw.get()) == other.0.as_ref().map(|raw| raw.get())
    }
}

/// Compact JSON, as `serde_json::Value` prints.
impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(raw) => f.write_str(raw.get()),
            None => f.write_str("null"),
        }
    }
}

impl Finding {
    /// Evidence from a JSON tree, or written by [`evidence!`].
    pub fn with_evidence(mut self, evidence: impl Into<Evidence>) -> Finding {
        self.evidence = evidence.into();
        self
    }

    /// Evidence written straight from a serializable value, without a JSON tree built
    /// first: for findings that quote much (whole policy statements) in large numbers.
    pub fn with_evidence_of(mut self, evidence: &impl Serialize) -> Finding {
        self.evidence = Evidence::of(evidence);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Declares how far the finding reaches (`None`: no further than its resource).
    pub fn with_exposure(mut self, exposure: impl Into<Option<Exposure>>) -> Finding {
        self.exposure = exposure.into();
        self
    }
}

/// Everything a rule needs besides the snapshot. Rules read the clock only through
/// `settings.now`, so tests never depend on the day they run.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub settings: &'a Settings,
}

pub type CheckFn = fn(&Rule, &Context<'_>) -> Vec<Finding>;

/// A rule: its metadata (the single source for `posture rules`, `explain` and every report
/// format) and its check. Declared with [`declare_rule!`].
pub struct Rule {
    /// Stable kebab-case id naming the bad pattern.
    pub id: &'static str,
    /// One line, no trailing period.
    pub title: &'static str,
    pub duty: Duty,
    /// Severity of a failing finding unless the rule raises or lowers it per resource.
    pub severity: Severity,
    /// The rule's doc comment: `## What it checks`, `## Why it matters`, `## How to fix`,
    /// `## References`, in Markdown.
    pub doc: &'static str,
    /// The parts of the snapshot the check reads: a run collects only what its rules read.
    pub reads: &'static [crate::parts::Part],
    /// Source file of the rule, for "view source".
    pub source: &'static str,
    pub check: CheckFn,
    /// Among the slowest on a large account (`scripts/bench-offline` names them): started
    /// before the others, so that the other cores are not left idle while it finishes.
    pub slow: bool,
    /// A section generated from data the rule reads (a table), appended to the
    /// documentation under its heading.
    pub appendix: Option<Appendix>,
}

/// A documentation section generated from data (a table the rule reads).
pub struct Appendix {
    pub heading: &'static str,
    pub generate: fn() -> String,
}

impl Rule {
    /// The documentation as Markdown (the doc comment without its leading spaces).
    pub fn documentation(&self) -> String {
        let mut text = self
            .doc
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string();
        if let Some(appendix) = &self.appendix {
            let body = (appendix.generate)();
            text.push_str(&format!(
                "\n\n## {}\n\n{}",
                appendix.heading,
                body.trim_end()
            ));
        }
        text
    }

    /// The text of one `## Heading` section of the documentation.
    pub fn doc_section(&self, heading: &str) -> Option<String> {
        let doc = self.documentation();
        let marker = format!("## {heading}");
        let start = doc.find(&marker)? + marker.len();
        let rest = &doc[start..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        Some(rest[..end].trim().to_string())
    }

    fn finding(
        &self,
        status: Status,
        resource: impl Into<String>,
        region: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule_id: Cow::Borrowed(self.id),
            title: Cow::Borrowed(self.title),
            duty: self.duty,
            severity: self.severity,
            status,
            resource: resource.into(),
            region: region.map(str::to_string),
            message: message.into(),
            evidence: Evidence::default(),
            exposure: None,
            waiver: None,
            account: None,
        }
    }

    pub fn fail(
        &self,
        resource: impl Into<String>,
        region: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(Status::Fail, resource, region, message)
    }

    pub fn pass(
        &self,
        resource: impl Into<String>,
        region: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(Status::Pass, resource, region, message)
    }

    /// The resource could not be evaluated because the data it needs has a gap.
    pub fn unknown_gap(
        &self,
        resource: impl Into<String>,
        region: Option<&str>,
        gap: &Gap,
    ) -> Finding {
        self.finding(
            Status::Unknown,
            resource,
            region,
            ["could not be checked: ", &gap.short()].concat(),
        )
        .with_evidence(crate::evidence!({ "gap": gap.sorted() }))
    }

    /// The resource could not be evaluated for a reason other than a failed call (a policy
    /// that does not parse, a field EC2 did not return).
    pub fn unknown(
        &self,
        resource: impl Into<String>,
        region: Option<&str>,
        reason: impl Into<String>,
    ) -> Finding {
        self.finding(Status::Unknown, resource, region, reason)
    }
}

/// Declares a rule. The doc comment becomes the rule's documentation, so it is written once
/// and read by `posture explain`, the reports and the generated docs.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub static RULE = {
///         id: "s3-bucket-public-acl",
///         title: "S3 bucket is public through its ACL",
///         duty: Duty::CustomerData,
///         severity: Severity::High,
///         check: check,
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            duty: $duty:expr,
            severity: $severity:expr,
            reads: [$($part:ident),* $(,)?],
            check: $check:path
            $(, slow: $slow:literal)?
            $(, appendix: ($heading:literal, $appendix:path))? $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rule::Rule = $crate::rule::Rule {
            id: $id,
            title: $title,
            duty: $duty,
            severity: $severity,
            doc: concat!($($doc, "\n"),*),
            reads: &[$($crate::parts::Part::$part),*],
            source: file!(),
            check: $check,
            slow: $crate::declare_rule!(@slow $($slow)?),
            appendix: $crate::declare_rule!(@appendix $(($heading, $appendix))?),
        };
    };
    (@slow) => { false };
    (@slow $slow:literal) => { $slow };
    (@appendix) => { None };
    (@appendix ($heading:literal, $appendix:path)) => {
        Some($crate::rule::Appendix { heading: $heading, generate: $appendix })
    };
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    use super::{Evidence, Tree};

    #[derive(Serialize)]
    struct Unsorted {
        zone: &'static str,
        account: u32,
    }

    #[test]
    fn evidence_prints_what_a_json_tree_of_the_same_object_prints() {
        let nested = json!({ "z": [1, 2], "a": { "y": null, "b": "\u{7}" } });
        let quoted = "a \"quoted\" \\ line\nwith\ttabs and \u{2028}";
        let written = evidence!({
            "zeta": nested,
            "alpha": quoted,
            "none": None::<String>,
            "number": 1.5,
            "list": ["x", "y"],
            "tree": Tree(&Unsorted { zone: "z", account: 7 }),
        });
        let tree = Evidence::from(json!({
            "zeta": nested,
            "alpha": quoted,
            "none": null,
            "number": 1.5,
            "list": ["x", "y"],
            "tree": { "zone": "z", "account": 7 },
        }));
        assert_eq!(written, tree);
        assert!(written
            .to_string()
            .starts_with(r#"{"alpha":"a \"quoted\" \\ line\nwith\t"#));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "evidence that a JSON tree prints in another order")]
    fn a_struct_printing_its_fields_out_of_order_is_caught() {
        let _ = evidence!({ "unsorted": Unsorted { zone: "z", account: 7 } });
    }
}
