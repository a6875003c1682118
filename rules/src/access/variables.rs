//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`), resolved for
//! the principal and request being evaluated.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>

use std::collections::BTreeSet;

use super::condition::{KeyLookup, KeyValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Substituted {
    Text(String),
    /// A variable has no value and no default: the element does not match anything.
    Absent,
    /// A variable's value depends on the request: it became `*` in the text.
    Depends(String, BTreeSet<String>),
}

pub fn substitute(text: &str, keys: &impl KeyLookup) -> Substituted {
    if !text.contains("${") {
        return Substituted::Text(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut depends = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let (name, default) = split_default(&after[..end]);
        match name {
            "*" | "?" | "$" => out.push_str(name),
            _ => match keys.value(&name.to_ascii_lowercase()) {
                KeyValue::Known(values) if values.len() == 1 => out.push_str(&values[0]),
                KeyValue::Absent | KeyValue::Known(_) if default.is_some() => {
                    out.push_str(default.unwrap_or_default())
                }
                KeyValue::Absent => return Substituted::Absent,
                KeyValue::Known(_) | KeyValue::Unknown => {
                    depends.insert(name.to_string());
                    out.push('*');
                }
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if depends.is_empty() {
        Substituted::Text(out)
    } else {
        Substituted::Depends(out, depends)
    }
}

/// `aws:username, 'guest'` → (`aws:username`, `Some("guest")`).
fn split_default(inner: &str) -> (&str, Option<&str>) {
    match inner.split_once(',') {
        Some((name, default)) => {
            let default = default.trim().trim_matches('\'');
            (name.trim(), Some(default))
        }
        None => (inner.trim(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keys;

    impl KeyLookup for Keys {
        fn value(&self, key: &str) -> KeyValue {
            match key {
                "aws:username" => KeyValue::Known(vec!["alice".into()]),
                "aws:sourceip" => KeyValue::Unknown,
                _ => KeyValue::Absent,
            }
        }
    }

    #[test]
    fn resolves_known_absent_and_unknown_variables() {
        assert_eq!(
            substitute("arn:aws:iam::1:user/${aws:username}", &Keys),
            Substituted::Text("arn:aws:iam::1:user/alice".into())
        );
        assert_eq!(
            substitute("user/${aws:PrincipalTag/team}", &Keys),
            Substituted::Absent
        );
        assert_eq!(
            substitute("user/${aws:PrincipalTag/team, 'none'}", &Keys),
            Substituted::Text("user/none".into())
        );
        assert_eq!(
            substitute("x/${aws:SourceIp}", &Keys),
            Substituted::Depends("x/*".into(), BTreeSet::from(["aws:SourceIp".to_string()]))
        );
        assert_eq!(substitute("a${*}b", &Keys), Substituted::Text("a*b".into()));
    }
}
