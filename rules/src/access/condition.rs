//! Conditions evaluated three-valued: a condition holds, cannot hold, or depends on the
//! request (a value the analysis cannot know, such as whether the caller used MFA).
//!
//! Semantics follow the IAM reference "Condition operators": a key absent from the request
//! makes a positive operator false and a negated one (`StringNotEquals`, `ArnNotLike`...)
//! true, except `...IfExists` (true when absent) and `Null`; several values of one key are
//! alternatives (OR), for negated operators all must differ (AND); the blocks of a statement
//! must all hold (AND).
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::access::policy::{wildcard_match, Condition};

/// Whether a condition (or a statement) applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    /// It depends on the request: these condition keys decide.
    Depends(BTreeSet<String>),
}

impl Truth {
    pub fn depends_on(key: &str) -> Truth {
        Truth::Depends(BTreeSet::from([key.to_string()]))
    }

    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, other) | (other, Truth::Yes) => other,
            (Truth::Depends(mut a), Truth::Depends(b)) => {
                a.extend(b);
                Truth::Depends(a)
            }
        }
    }

    pub fn from_bool(value: bool) -> Truth {
        if value {
            Truth::Yes
        } else {
            Truth::No
        }
    }

    pub fn possible(&self) -> bool {
        *self != Truth::No
    }
}

/// What the request context holds for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Known(Vec<String>),
    /// The key is not in the request context (a role has no `aws:username`).
    Absent,
    /// The key's value depends on the request.
    Unknown,
}

/// The condition keys of one request; keys are looked up in lower case.
pub trait KeyLookup {
    fn value(&self, key: &str) -> KeyValue;
}

/// All of a statement's conditions.
pub fn evaluate_all(conditions: &[Condition], keys: &impl KeyLookup) -> Truth {
    conditions.iter().fold(Truth::Yes, |truth, condition| {
        truth.and(evaluate(condition, keys))
    })
}

struct Operator<'a> {
    base: &'a str,
    if_exists: bool,
    for_all_values: bool,
}

fn split_operator(operator: &str) -> Operator<'_> {
    let (for_all_values, rest) = match operator.split_once(':') {
        Some((qualifier, rest)) => (qualifier.eq_ignore_ascii_case("ForAllValues"), rest),
        None => (false, operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    Operator {
        base,
        if_exists,
        for_all_values,
    }
}

fn is_negated(base: &str) -> bool {
    base.contains("Not") && base != "Null"
}

pub fn evaluate(condition: &Condition, keys: &impl KeyLookup) -> Truth {
    let operator = split_operator(&condition.operator);
    let key = condition.key.to_ascii_lowercase();
    let value = keys.value(&key);
    if operator.base == "Null" {
        let wants_absent = condition
            .values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"));
        return match value {
            KeyValue::Known(_) => Truth::from_bool(!wants_absent),
            KeyValue::Absent => Truth::from_bool(wants_absent),
            KeyValue::Unknown => Truth::depends_on(&condition.key),
        };
    }
    let request_values = match value {
        KeyValue::Unknown => return Truth::depends_on(&condition.key),
        KeyValue::Absent => {
            return Truth::from_bool(
                operator.if_exists || operator.for_all_values || is_negated(operator.base),
            )
        }
        KeyValue::Known(values) => values,
    };
    let policy_values: Vec<String> = match resolve_values(&condition.values, keys) {
        Some(values) => values,
        None => return Truth::depends_on(&condition.key),
    };
    let Some(matches) = value_matcher(operator.base) else {
        // An operator this analysis does not model (IpAddress, Binary...): the request decides.
        return Truth::depends_on(&condition.key);
    };
    let negated = is_negated(operator.base);
    let one = |request: &str| -> Option<bool> {
        let mut any = false;
        for policy in &policy_values {
            any |= matches(policy, request)?;
        }
        Some(if negated { !any } else { any })
    };
    let results: Option<Vec<bool>> = request_values.iter().map(|v| one(v)).collect();
    match results {
        None => Truth::depends_on(&condition.key),
        Some(results) if operator.for_all_values => Truth::from_bool(results.iter().all(|r| *r)),
        Some(results) => Truth::from_bool(results.iter().any(|r| *r)),
    }
}

/// Policy variables inside condition values (`${aws:username}`), resolved; `None` when one
/// depends on the request.
fn resolve_values(values: &[String], keys: &impl KeyLookup) -> Option<Vec<String>> {
    values
        .iter()
        .map(|v| match super::variables::substitute(v, keys) {
            super::variables::Substituted::Text(text) => Some(text),
            _ => None,
        })
        .collect()
}

type Matcher = fn(&str, &str) -> Option<bool>;

/// How a policy value is compared with a request value for one operator family; `None`
/// from the matcher when a value cannot be read (a date that is not one).
fn value_matcher(base: &str) -> Option<Matcher> {
    let base = base.replace("Not", "");
    Some(match base.as_str() {
        "StringEquals" => |p, r| Some(p == r),
        "StringEqualsIgnoreCase" => |p, r| Some(p.eq_ignore_ascii_case(r)),
        "StringLike" => |p, r| Some(wildcard_match(p, r, false)),
        "ArnEquals" | "ArnLike" => |p, r| Some(wildcard_match(p, r, false)),
        "Bool" => |p, r| Some(p.eq_ignore_ascii_case(r)),
        "NumericEquals" => |p, r| numbers(p, r).map(|(p, r)| r == p),
        "NumericLessThan" => |p, r| numbers(p, r).map(|(p, r)| r < p),
        "NumericLessThanEquals" => |p, r| numbers(p, r).map(|(p, r)| r <= p),
        "NumericGreaterThan" => |p, r| numbers(p, r).map(|(p, r)| r > p),
        "NumericGreaterThanEquals" => |p, r| numbers(p, r).map(|(p, r)| r >= p),
        "DateEquals" => |p, r| dates(p, r).map(|(p, r)| r == p),
        "DateLessThan" => |p, r| dates(p, r).map(|(p, r)| r < p),
        "DateLessThanEquals" => |p, r| dates(p, r).map(|(p, r)| r <= p),
        "DateGreaterThan" => |p, r| dates(p, r).map(|(p, r)| r > p),
        "DateGreaterThanEquals" => |p, r| dates(p, r).map(|(p, r)| r >= p),
        _ => return None,
    })
}

fn numbers(policy: &str, request: &str) -> Option<(f64, f64)> {
    Some((policy.parse().ok()?, request.parse().ok()?))
}

/// Dates as IAM accepts them: ISO 8601 or seconds since the epoch.
fn date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(seconds) = text.parse::<i64>() {
        return DateTime::from_timestamp(seconds, 0);
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.with_timezone(&Utc));
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

fn dates(policy: &str, request: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    Some((date(policy)?, date(request)?))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    struct Keys(BTreeMap<&'static str, KeyValue>);

    impl KeyLookup for Keys {
        fn value(&self, key: &str) -> KeyValue {
            self.0.get(key).cloned().unwrap_or(KeyValue::Absent)
        }
    }

    fn keys() -> Keys {
        Keys(BTreeMap::from([
            (
                "iam:passedtoservice",
                KeyValue::Known(vec!["lambda.amazonaws.com".into()]),
            ),
            (
                "aws:tokenissuetime",
                KeyValue::Known(vec!["2026-11-01T00:00:00Z".into()]),
            ),
            ("aws:multifactorauthpresent", KeyValue::Unknown),
            ("aws:username", KeyValue::Known(vec!["alice".into()])),
            (
                "aws:resourcetag/owner",
                KeyValue::Known(vec!["alice".into()]),
            ),
        ]))
    }

    fn condition(operator: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: operator.into(),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn truth(operator: &str, key: &str, values: &[&str]) -> Truth {
        evaluate(&condition(operator, key, values), &keys())
    }

    #[test]
    fn string_operators_against_known_values() {
        let key = "iam:PassedToService";
        assert_eq!(
            truth("StringEquals", key, &["ec2.amazonaws.com"]),
            Truth::No
        );
        assert_eq!(
            truth(
                "StringEquals",
                key,
                &["ec2.amazonaws.com", "lambda.amazonaws.com"]
            ),
            Truth::Yes
        );
        assert_eq!(truth("StringLike", key, &["lambda.*"]), Truth::Yes);
        assert_eq!(
            truth(
                "StringNotEquals",
                key,
                &["ec2.amazonaws.com", "lambda.amazonaws.com"]
            ),
            Truth::No
        );
        assert_eq!(
            truth("StringNotEquals", key, &["ec2.amazonaws.com"]),
            Truth::Yes
        );
    }

    #[test]
    fn absent_keys() {
        assert_eq!(
            truth("StringEquals", "aws:PrincipalTag/team", &["x"]),
            Truth::No
        );
        assert_eq!(
            truth("StringNotEquals", "aws:PrincipalTag/team", &["x"]),
            Truth::Yes
        );
        assert_eq!(
            truth("StringEqualsIfExists", "aws:PrincipalTag/team", &["x"]),
            Truth::Yes
        );
        assert_eq!(
            truth("Null", "aws:PrincipalTag/team", &["true"]),
            Truth::Yes
        );
        assert_eq!(truth("Null", "aws:username", &["true"]), Truth::No);
        assert_eq!(
            truth("ForAllValues:StringEquals", "aws:TagKeys", &["x"]),
            Truth::Yes
        );
    }

    #[test]
    fn dates_against_the_clock() {
        let key = "aws:TokenIssueTime";
        assert_eq!(
            truth("DateGreaterThan", key, &["2020-01-01T00:00:01Z"]),
            Truth::Yes
        );
        assert_eq!(
            truth("DateLessThan", key, &["2020-01-01T00:00:01Z"]),
            Truth::No
        );
        assert_eq!(truth("DateLessThan", key, &["1893456000"]), Truth::Yes);
    }

    #[test]
    fn unknown_values_and_operators_depend_on_the_request() {
        assert_eq!(
            truth("Bool", "aws:MultiFactorAuthPresent", &["true"]),
            Truth::depends_on("aws:MultiFactorAuthPresent")
        );
        assert_eq!(
            truth("IpAddress", "aws:username", &["10.0.0.0/8"]),
            Truth::depends_on("aws:username")
        );
    }

    #[test]
    fn variables_in_values() {
        assert_eq!(
            truth(
                "StringEquals",
                "aws:ResourceTag/owner",
                &["${aws:username}"]
            ),
            Truth::Yes
        );
        assert_eq!(
            truth("StringEquals", "aws:ResourceTag/owner", &["bob"]),
            Truth::No
        );
    }

    #[test]
    fn truth_combines() {
        let depends = Truth::depends_on("k");
        assert_eq!(Truth::Yes.and(depends.clone()), depends);
        assert_eq!(depends.clone().and(Truth::No), Truth::No);
    }
}
