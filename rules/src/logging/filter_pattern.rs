//! CloudWatch Logs JSON filter patterns (`{ ($.eventName = "ConsoleLogin") && ... }`):
//! parsed and evaluated against sample CloudTrail events, so that a metric filter is judged
//! by what it matches, not by how its text is spelled. Supported: selectors with dots and
//! array indexes; `=` and `!=` on strings (with `*` wildcards) and numbers; `<`, `>`, `<=`,
//! `>=` on numbers; `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`; `&&`, `||` (`&&` binds
//! tighter) and parentheses. Anything else (regular expressions, term or space-delimited
//! patterns) is not parsed: the caller says it cannot judge the filter.
//!
//! Syntax: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>

use serde_json::Value;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Or(Vec<Pattern>),
    And(Vec<Pattern>),
    Compare {
        path: Vec<Step>,
        op: Op,
        value: Literal,
    },
    IsNull(Vec<Step>),
    IsBool(Vec<Step>, bool),
    NotExists(Vec<Step>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Field(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
}

/// Why a pattern could not be parsed, in a few words.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable(pub String);

impl Pattern {
    pub fn parse(text: &str) -> Result<Pattern, Unreadable> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens,
            next: 0,
            depth: 0,
        };
        parser.expect(&Token::Open)?;
        let pattern = parser.or()?;
        parser.expect(&Token::Close)?;
        if parser.next != parser.tokens.len() {
            return Err(Unreadable("text after the closing brace".into()));
        }
        Ok(pattern)
    }

    /// Whether the pattern matches the event.
    pub fn matches(&self, event: &Value) -> bool {
        match self {
            Pattern::Or(parts) => parts.iter().any(|p| p.matches(event)),
            Pattern::And(parts) => parts.iter().all(|p| p.matches(event)),
            Pattern::Compare { path, op, value } => match lookup(event, path) {
                Some(found) => compare(found, *op, value),
                None => false,
            },
            Pattern::IsNull(path) => lookup(event, path).is_some_and(Value::is_null),
            Pattern::IsBool(path, wanted) => lookup(event, path) == Some(&Value::Bool(*wanted)),
            Pattern::NotExists(path) => lookup(event, path).is_none(),
        }
    }
}

fn lookup<'e>(event: &'e Value, path: &[Step]) -> Option<&'e Value> {
    path.iter().try_fold(event, |value, step| match step {
        Step::Field(name) => value.get(name),
        Step::Index(index) => value.get(index),
    })
}

fn compare(found: &Value, op: Op, value: &Literal) -> bool {
    match (value, op) {
        (Literal::Text(text), Op::Eq) => text_of(found).is_some_and(|f| wildcard(text, &f)),
        (Literal::Text(text), Op::Ne) => text_of(found).is_some_and(|f| !wildcard(text, &f)),
        (Literal::Number(n), op) => found.as_f64().is_some_and(|f| match op {
            Op::Eq => f == *n,
            Op::Ne => f != *n,
            Op::Lt => f < *n,
            Op::Gt => f > *n,
            Op::Le => f <= *n,
            Op::Ge => f >= *n,
        }),
        (Literal::Text(_), _) => false,
    }
}

/// A scalar as the pattern compares it; objects and arrays compare as nothing.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `*` matches any run of characters, everything else itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    let fits = text.len() >= first.len() + last.len();
    if !fits || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    LeftParen,
    RightParen,
    And,
    Or,
    Op(Op),
    Selector(Vec<Step>),
    Quoted(String),
    Bare(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, Unreadable> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (token, width) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('{', _) => (Token::Open, 1),
            ('}', _) => (Token::Close, 1),
            ('(', _) => (Token::LeftParen, 1),
            (')', _) => (Token::RightParen, 1),
            ('&', Some('&')) => (Token::And, 2),
            ('|', Some('|')) => (Token::Or, 2),
            ('!', Some('=')) => (Token::Op(Op::Ne), 2),
            ('<', Some('=')) => (Token::Op(Op::Le), 2),
            ('>', Some('=')) => (Token::Op(Op::Ge), 2),
            ('=', _) => (Token::Op(Op::Eq), 1),
            ('<', _) => (Token::Op(Op::Lt), 1),
            ('>', _) => (Token::Op(Op::Gt), 1),
            ('"', _) => quoted(&chars[i..])?,
            ('$', _) => selector(&chars[i..])?,
            _ => bare(&chars[i..])?,
        };
        tokens.push(token);
        i += width;
    }
    Ok(tokens)
}

fn quoted(chars: &[char]) -> Result<(Token, usize), Unreadable> {
    let mut text = String::new();
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            '"' => return Ok((Token::Quoted(text), i + 1)),
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(Unreadable("a quoted value is not closed".into()))
}

fn is_bare(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '{' | '}' | '(' | ')' | '"' | '=' | '!' | '<' | '>' | '&' | '|'
        )
}

fn bare(chars: &[char]) -> Result<(Token, usize), Unreadable> {
    let width = chars.iter().take_while(|c| is_bare(**c)).count();
    if width == 0 {
        return Err(Unreadable(format!("unexpected `{}`", chars[0])));
    }
    let text: String = chars[..width].iter().collect();
    if text.starts_with('%') {
        return Err(Unreadable("regular expressions are not read".into()));
    }
    Ok((Token::Bare(text), width))
}

fn selector(chars: &[char]) -> Result<(Token, usize), Unreadable> {
    let width = chars.iter().take_while(|c| is_bare(**c)).count();
    let text: String = chars[1..width].iter().collect();
    let mut steps = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 || after[..end].contains('*') {
                return Err(Unreadable(format!("selector `${text}` is not read")));
            }
            steps.push(Step::Field(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after
                .find(']')
                .ok_or_else(|| Unreadable("`[` is not closed".into()))?;
            let index = (after[..end].parse())
                .map_err(|_| Unreadable(format!("selector `${text}` is not read")))?;
            steps.push(Step::Index(index));
            rest = &after[end + 1..];
        } else {
            return Err(Unreadable(format!("selector `${text}` is not read")));
        }
    }
    if steps.is_empty() {
        return Err(Unreadable("a bare `$` selector is not read".into()));
    }
    Ok((Token::Selector(steps), width))
}

/// Parentheses deeper than this are refused rather than recursed into (AWS limits a
/// pattern to 1,024 characters; this keeps hostile text from exhausting the stack).
const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn take(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    fn expect(&mut self, wanted: &Token) -> Result<(), Unreadable> {
        match self.take() {
            Some(token) if &token == wanted => Ok(()),
            other => Err(Unreadable(format!("expected {wanted:?}, found {other:?}"))),
        }
    }

    fn or(&mut self) -> Result<Pattern, Unreadable> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.next += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Pattern::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Pattern, Unreadable> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some(&Token::And) {
            self.next += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Pattern::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Pattern, Unreadable> {
        match self.take() {
            Some(Token::LeftParen) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(Unreadable("parentheses nested too deep".into()));
                }
                let inner = self.or()?;
                self.expect(&Token::RightParen)?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Token::Selector(path)) => self.condition(path),
            other => Err(Unreadable(format!("expected a selector, found {other:?}"))),
        }
    }

    fn condition(&mut self, path: Vec<Step>) -> Result<Pattern, Unreadable> {
        match self.take() {
            Some(Token::Op(op)) => {
                let value = match self.take() {
                    Some(Token::Quoted(text)) => Literal::Text(text),
                    Some(Token::Bare(text)) => match text.parse::<f64>() {
                        Ok(n) if op != Op::Eq && op != Op::Ne => Literal::Number(n),
                        _ => Literal::Text(text),
                    },
                    other => return Err(Unreadable(format!("expected a value, found {other:?}"))),
                };
                if matches!(value, Literal::Text(_)) && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(Unreadable("an ordering on text is not read".into()));
                }
                Ok(Pattern::Compare { path, op, value })
            }
            Some(Token::Bare(word)) if word == "IS" => match self.take() {
                Some(Token::Bare(w)) if w == "NULL" => Ok(Pattern::IsNull(path)),
                Some(Token::Bare(w)) if w == "TRUE" => Ok(Pattern::IsBool(path, true)),
                Some(Token::Bare(w)) if w == "FALSE" => Ok(Pattern::IsBool(path, false)),
                other => Err(Unreadable(format!("`IS {other:?}` is not read"))),
            },
            Some(Token::Bare(word)) if word == "NOT" => match self.take() {
                Some(Token::Bare(w)) if w == "EXISTS" => Ok(Pattern::NotExists(path)),
                other => Err(Unreadable(format!("`NOT {other:?}` is not read"))),
            },
            other => Err(Unreadable(format!("expected an operator, found {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn matches(pattern: &str, event: Value) -> bool {
        Pattern::parse(pattern).unwrap().matches(&event)
    }

    #[test]
    fn the_cis_unauthorized_calls_pattern_reads_and_matches() {
        let pattern = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;
        let denied = json!({"errorCode": "AccessDenied", "eventName": "GetObject", "sourceIPAddress": "198.51.100.7"});
        let ec2 = json!({"errorCode": "Client.UnauthorizedOperation", "eventName": "RunInstances", "sourceIPAddress": "198.51.100.7"});
        let head = json!({"errorCode": "AccessDenied", "eventName": "HeadBucket", "sourceIPAddress": "198.51.100.7"});
        let fine = json!({"eventName": "GetObject", "sourceIPAddress": "198.51.100.7"});
        assert!(matches(pattern, denied));
        assert!(matches(pattern, ec2));
        assert!(!matches(pattern, head));
        assert!(!matches(pattern, fine));
    }

    #[test]
    fn nested_fields_absence_unquoted_values_and_grouping() {
        let root = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        let by_hand = json!({"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"});
        let by_service = json!({"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}, "eventType": "AwsApiCall"});
        assert!(matches(root, by_hand));
        assert!(!matches(root, by_service));
        let kms = "{($.eventSource=kms.amazonaws.com)&&(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}";
        assert!(matches(
            kms,
            json!({"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"})
        ));
        assert!(!matches(
            kms,
            json!({"eventSource": "kms.amazonaws.com", "eventName": "Decrypt"})
        ));
        // Without the parentheses, && binds tighter: the second name matches on its own.
        let loose = "{$.eventSource=kms.amazonaws.com && $.eventName=DisableKey || $.eventName=ScheduleKeyDeletion}";
        assert!(matches(
            loose,
            json!({"eventSource": "s3.amazonaws.com", "eventName": "ScheduleKeyDeletion"})
        ));
        let first = r#"{ $.resources[0].type = "AWS::KMS::Key" }"#;
        assert!(matches(
            first,
            json!({"resources": [{"type": "AWS::KMS::Key"}]})
        ));
    }

    #[test]
    fn wildcards_and_numbers() {
        assert!(wildcard("a*c*e", "abcde"));
        assert!(!wildcard("a*c*e", "abde"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("ab*ba", "aba"));
        assert!(wildcard("é*", "éa"));
        assert!(!wildcard("x*é", "xaé!"));
        assert!(matches("{ $.latency > 5 }", json!({"latency": 7})));
        assert!(!matches("{ $.latency > 5 }", json!({"latency": "7"})));
        assert!(matches("{ $.code = 5 }", json!({"code": 5})));
    }

    #[test]
    fn what_is_not_read_is_said() {
        for text in [
            r#"{ $.eventName = %Console.*% }"#,
            r#""ConsoleLogin""#,
            "[ip, user, ...]",
            "{ $.eventName = ",
            r#"{ $.eventName = "x" } trailing"#,
            r#"{ $.* = "x" }"#,
            r#"{ $.a > "x" }"#,
            &format!(
                "{{ {}$.a = 1{} }}",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
        ] {
            assert!(Pattern::parse(text).is_err(), "{text}");
        }
    }
}
