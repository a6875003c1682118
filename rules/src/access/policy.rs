//! The one parser for IAM policy documents: identity policies, trust policies and resource
//! (bucket) policies.
//!
//! Documents from the IAM API are percent-encoded (RFC 3986); the same documents from other
//! places, or moto's trust policies, are plain JSON: both are accepted. Every element that
//! may be a string or a list is normalised to a list.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy document is not valid JSON: {0}")]
    Json(String),
    #[error("policy document is malformed: {0}")]
    Shape(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone, authenticated or not.
    Any,
    /// `{"AWS": [...], "Service": [...], "Federated": [...], "CanonicalUser": [...]}`.
    Map(BTreeMap<String, Vec<String>>),
}

impl Principals {
    /// `"*"` or `{"AWS": "*"}` (in any list): S3 and IAM treat both as everyone.
    pub fn includes_everyone(&self) -> bool {
        match self {
            Principals::Any => true,
            Principals::Map(map) => map
                .get("AWS")
                .is_some_and(|values| values.iter().any(|v| v == "*")),
        }
    }
}

/// One condition: `"Operator": {"key": [values]}` flattened to one entry per key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    pub action: Option<Vec<String>>,
    pub not_action: Option<Vec<String>>,
    pub resource: Option<Vec<String>>,
    pub not_resource: Option<Vec<String>>,
    pub conditions: Vec<Condition>,
    /// The statement as written, for evidence (shared: analyses cite it many times).
    pub raw: StatementText,
}

/// A statement as written, as compact JSON text with its keys sorted: what a JSON tree of
/// it prints, made once when the document is parsed. The tree itself is not kept: a large
/// account has hundreds of thousands of statements, and keeping their trees took a quarter
/// of a gigabyte more on a million resources; a finding quoting a statement copies its
/// text.
#[derive(Clone)]
pub struct StatementText(Arc<RawValue>);

impl StatementText {
    fn of(statement: &Value) -> StatementText {
        // A JSON tree always serializes.
        let text = serde_json::value::to_raw_value(statement)
            .unwrap_or_else(|_| RawValue::NULL.to_owned());
        StatementText(Arc::from(text))
    }

    /// The compact JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

/// Serializes as the JSON it holds.
impl Serialize for StatementText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawValue::serialize(&self.0, serializer)
    }
}

impl PartialEq for StatementText {
    fn eq(&self, other: &StatementText) -> bool {
        self.get() == other.get()
    }
}

impl Eq for StatementText {}

impl std::fmt::Debug for StatementText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// Decodes a document as IAM returns it: percent-encoded, or already plain JSON.
pub fn decode(text: &str) -> Result<Cow<'_, str>, PolicyError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        // Already JSON: decoding again would corrupt a literal `%` inside it.
        return Ok(Cow::Borrowed(text));
    }
    // RFC 3986 decoding: `+` stays `+` (form decoding would turn it into a space).
    percent_decode_str(text)
        .decode_utf8()
        .map_err(|e| PolicyError::Json(format!("percent-decoded text is not UTF-8: {e}")))
}

pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
    let json = decode(text)?;
    let mut value: Value =
        serde_json::from_str(&json).map_err(|e| PolicyError::Json(e.to_string()))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| PolicyError::Shape("the document is not a JSON object".into()))?;
    let version = object
        .get("Version")
        .and_then(Value::as_str)
        .map(str::to_string);
    // Taken out of the document, so that each statement is kept as written (for evidence)
    // without copying it.
    let statements = match object.remove("Statement") {
        None => return Err(PolicyError::Shape("no `Statement` element".into())),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| parse_statement(item, index))
            .collect::<Result<Vec<_>, _>>()?,
        Some(item @ Value::Object(_)) => vec![parse_statement(item, 0)?],
        Some(_) => {
            return Err(PolicyError::Shape(
                "`Statement` is neither an object nor a list".into(),
            ))
        }
    };
    Ok(PolicyDocument {
        version,
        statements,
    })
}

fn parse_statement(value: Value, index: usize) -> Result<Statement, PolicyError> {
    let statement = read_statement(&value, index)?;
    Ok(statement(StatementText::of(&value)))
}

/// The statement's elements, read from `value`; given the statement as written, the
/// statement (the elements are copied out first, so that the value itself can be kept).
fn read_statement(
    value: &Value,
    index: usize,
) -> Result<impl FnOnce(StatementText) -> Statement, PolicyError> {
    let at = |what: &str| PolicyError::Shape(format!("statement {index}: {what}"));
    let object = value.as_object().ok_or_else(|| at("not a JSON object"))?;
    let effect = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(at(&format!("unknown `Effect` `{other}`"))),
        None => return Err(at("no `Effect`")),
    };
    let strings = |key: &str| -> Result<Option<Vec<String>>, PolicyError> {
        object
            .get(key)
            .map(|v| {
                string_or_list(v)
                    .ok_or_else(|| at(&format!("`{key}` is not a string or a list of strings")))
            })
            .transpose()
    };
    let principals = |key: &str| -> Result<Option<Principals>, PolicyError> {
        object
            .get(key)
            .map(|v| parse_principals(v).ok_or_else(|| at(&format!("`{key}` is malformed"))))
            .transpose()
    };
    let sid = object
        .get("Sid")
        .and_then(Value::as_str)
        .map(str::to_string);
    let principal = principals("Principal")?;
    let not_principal = principals("NotPrincipal")?;
    let action = strings("Action")?;
    let not_action = strings("NotAction")?;
    let resource = strings("Resource")?;
    let not_resource = strings("NotResource")?;
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(condition) => {
            parse_conditions(condition).ok_or_else(|| at("`Condition` is malformed"))?
        }
    };
    if action.is_none() && not_action.is_none() {
        return Err(at("neither `Action` nor `NotAction`"));
    }
    Ok(move |raw| Statement {
        sid,
        effect,
        principal,
        not_principal,
        action,
        not_action,
        resource,
        not_resource,
        conditions,
        raw,
    })
}

/// A scalar condition value as text: policies write `true` and `"true"` interchangeably.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string_or_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

fn parse_principals(value: &Value) -> Option<Principals> {
    match value {
        Value::String(s) if s == "*" => Some(Principals::Any),
        Value::Object(map) => map
            .iter()
            .map(|(kind, ids)| string_or_list(ids).map(|ids| (kind.clone(), ids)))
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Principals::Map),
        _ => None,
    }
}

fn parse_conditions(value: &Value) -> Option<Vec<Condition>> {
    let mut conditions = Vec::new();
    for (operator, block) in value.as_object()? {
        for (key, values) in block.as_object()? {
            let values = match values {
                Value::Array(items) => items.iter().map(scalar_text).collect::<Option<Vec<_>>>()?,
                scalar => vec![scalar_text(scalar)?],
            };
            conditions.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Some(conditions)
}

/// IAM wildcard matching: `*` any run of characters, `?` exactly one.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        // The common case, without allocating: ARNs and actions are ASCII.
        let equal = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
        return glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?', equal);
    }
    let fold = |s: &str| -> Vec<char> {
        if ignore_case {
            s.chars().flat_map(char::to_lowercase).collect()
        } else {
            s.chars().collect()
        }
    };
    glob(&fold(pattern), &fold(text), '*', '?', |a, b| a == b)
}

fn glob<T: Copy + PartialEq>(
    pattern: &[T],
    text: &[T],
    star: T,
    any: T,
    equal: impl Fn(T, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` in the pattern and the text position it was tried at.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        // A `*` is a wildcard even where the text holds a literal `*` (texts that are
        // themselves patterns, when one grant is compared with another).
        if p < pattern.len() && pattern[p] == star {
            backtrack = Some((p, t));
            p += 1;
        } else if p < pattern.len() && (pattern[p] == any || equal(pattern[p], text[t])) {
            p += 1;
            t += 1;
        } else if let Some((star_at, tried)) = backtrack {
            p = star_at + 1;
            t = tried + 1;
            backtrack = Some((star_at, tried + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == star)
}

/// Whether an IAM action pattern matches an action (actions are case-insensitive).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(pattern, action, true)
}

/// Whether an ARN pattern matches a resource ARN (ARNs are case-sensitive).
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    wildcard_match(pattern, resource, false)
}

impl Statement {
    /// Whether the statement applies to `action`, through `Action` or `NotAction`.
    pub fn covers_action(&self, action: &str) -> bool {
        match (&self.action, &self.not_action) {
            (Some(actions), _) => actions.iter().any(|p| action_matches(p, action)),
            (None, Some(excluded)) => !excluded.iter().any(|p| action_matches(p, action)),
            (None, None) => false,
        }
    }

    /// Whether the statement applies to `resource`, through `Resource` or `NotResource`.
    /// A statement with neither (a trust policy) applies to its own resource.
    pub fn covers_resource(&self, resource: &str) -> bool {
        match (&self.resource, &self.not_resource) {
            (Some(resources), _) => resources.iter().any(|p| resource_matches(p, resource)),
            (None, Some(excluded)) => !excluded.iter().any(|p| resource_matches(p, resource)),
            (None, None) => true,
        }
    }

    /// Whether the statement's principal includes every caller.
    pub fn principal_is_everyone(&self) -> bool {
        self.principal
            .as_ref()
            .is_some_and(Principals::includes_everyone)
    }
}

/// A policy document with where it came from, for evidence.
#[derive(Debug, Clone)]
pub struct SourcedPolicy<'a> {
    /// `inline:NAME`, or the managed policy's ARN; with ` (via group G)` when inherited.
    pub source: String,
    pub document: &'a PolicyDocument,
}

impl Statement {
    /// Whether the statement applies to every resource (`*`, or `NotResource` absent
    /// with `Resource` absent as in trust policies).
    pub fn covers_every_resource(&self) -> bool {
        match (&self.resource, &self.not_resource) {
            (Some(resources), _) => resources.iter().any(|r| r == "*"),
            (None, Some(_)) => false,
            (None, None) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_and_plain_documents_parse_alike() {
        let plain = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ab%2F%2A%22%7D%7D";
        assert_eq!(parse(plain).unwrap(), parse(encoded).unwrap());
        assert_eq!(parse(plain).unwrap().statements.len(), 1);
    }

    #[test]
    fn plus_is_not_a_space_and_plain_percent_is_kept() {
        assert_eq!(decode("a%2Bb+c").unwrap(), "a+b+c");
        let plain = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::100%25"}]}"#;
        let doc = parse(plain).unwrap();
        assert_eq!(
            doc.statements[0].resource.as_ref().unwrap()[0],
            "arn:aws:s3:::100%25"
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(matches!(parse("{not json"), Err(PolicyError::Json(_))));
        assert!(matches!(parse("[]"), Err(PolicyError::Shape(_))));
        assert!(matches!(
            parse(r#"{"Statement":[{"Action":"s3:*"}]}"#),
            Err(PolicyError::Shape(_))
        ));
        assert!(matches!(
            parse(r#"{"Statement":[{"Effect":"Allow","Action":5}]}"#),
            Err(PolicyError::Shape(_))
        ));
    }

    #[test]
    fn statements_are_kept_as_a_json_tree_prints_them() {
        let text = r#"{"Statement": [ {"Sid": "s", "Effect": "Allow",
            "Resource": "*", "Action": ["s3:Get*", "s3:List*"],
            "Condition": {"Bool": {"aws:SecureTransport": false}}} ]}"#;
        let document = parse(text).unwrap();
        let raw = &document.statements[0].raw;
        let tree: Value = serde_json::from_str(text).unwrap();
        assert_eq!(raw.get(), tree["Statement"][0].to_string());
        // Quoted verbatim inside other JSON, and a JSON tree of it is the statement's.
        let quoted = serde_json::to_string(&[raw]).unwrap();
        assert_eq!(quoted, ["[", raw.get(), "]"].concat());
        assert_eq!(serde_json::to_value(raw).unwrap(), tree["Statement"][0]);
    }

    #[test]
    fn principals_and_conditions() {
        let doc = parse(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":"s3:*",
            "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
            "Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
        )
        .unwrap();
        let statement = &doc.statements[0];
        assert!(statement.principal_is_everyone());
        assert_eq!(statement.conditions[0].values, vec!["false".to_string()]);
        assert!(statement.covers_resource("arn:aws:s3:::b"));
        assert!(!statement.covers_resource("arn:aws:s3:::bb"));
    }

    #[test]
    fn wildcards() {
        assert!(action_matches("iam:*AccessKey*", "IAM:CreateAccessKey"));
        assert!(action_matches("s3:Get?bject", "s3:GetObject"));
        assert!(!action_matches("s3:Get?bject", "s3:GetObjects"));
        assert!(action_matches("*", "ec2:RunInstances"));
        assert!(!resource_matches(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/x"
        ));
        assert!(resource_matches(
            "arn:aws:s3:::b*/*",
            "arn:aws:s3:::bucket/x/y"
        ));
        assert!(wildcard_match("a*b*c", "axxbyyc", false));
        assert!(!wildcard_match("a*b*c", "axxbyy", false));
    }

    #[test]
    fn not_action_applies_to_everything_else() {
        let doc = parse(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#)
            .unwrap();
        assert!(doc.statements[0].covers_action("ec2:RunInstances"));
        assert!(!doc.statements[0].covers_action("iam:CreateUser"));
    }
}
