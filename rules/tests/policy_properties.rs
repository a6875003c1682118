//! Property tests for the policy matcher and decoder.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use posture_rules::access::policy::{
    action_matches, decode, parse, resource_matches, wildcard_match,
};
use proptest::prelude::*;

/// A straightforward recursive definition of IAM wildcards, to check the fast matcher.
fn reference(pattern: &[char], text: &[char]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            reference(&pattern[1..], text) || (!text.is_empty() && reference(pattern, &text[1..]))
        }
        (Some('?'), Some(_)) => reference(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => reference(&pattern[1..], &text[1..]),
        _ => false,
    }
}

proptest! {
    #[test]
    fn matcher_agrees_with_the_reference(pattern in "[ab*?]{0,8}", text in "[ab]{0,8}") {
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        prop_assert_eq!(wildcard_match(&pattern, &text, false), reference(&p, &t));
    }

    #[test]
    fn a_star_anywhere_still_matches(text in "[a-zA-Z0-9:/_-]{0,30}", at in 0usize..31) {
        let at = at.min(text.len());
        let pattern = format!("{}*{}", &text[..at], &text[at..]);
        prop_assert!(wildcard_match(&pattern, &text, false));
        prop_assert!(wildcard_match(&text, &text, false));
        prop_assert!(wildcard_match("*", &text, false));
    }

    #[test]
    fn actions_ignore_case_and_arns_do_not(service in "[a-z0-9]{2,10}", name in "[A-Za-z]{1,20}") {
        let action = format!("{service}:{name}");
        prop_assert!(action_matches(&action.to_uppercase(), &action.to_lowercase()));
        let service_wide = format!("{}:*", service);
        prop_assert!(action_matches(&service_wide, &action));
        let arn = format!("arn:aws:s3:::{name}");
        let upper = arn.to_uppercase();
        prop_assert_eq!(resource_matches(&upper, &arn), upper == arn);
    }

    #[test]
    fn decoding_undoes_percent_encoding(body in "[ -~]{0,60}") {
        // Any text IAM may have encoded, including `%`, `+` and quotes.
        let json = format!("{{\"Statement\":[],\"Sid\":{}}}", serde_json::Value::String(body));
        let encoded = utf8_percent_encode(&json, NON_ALPHANUMERIC).to_string();
        prop_assert_eq!(decode(&encoded).unwrap(), json.clone());
        // Plain JSON is left alone, even when it contains `%`.
        prop_assert_eq!(decode(&json).unwrap(), json.as_str());
    }

    #[test]
    fn the_parser_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn encoded_and_plain_documents_parse_alike(actions in proptest::collection::vec("[a-z0-9]{2,6}:[A-Za-z*?]{1,12}", 1..4)) {
        let json = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": actions, "Resource": "*"},
        })
        .to_string();
        let encoded = utf8_percent_encode(&json, NON_ALPHANUMERIC).to_string();
        prop_assert_eq!(parse(&json).unwrap(), parse(&encoded).unwrap());
    }
}

/// Every string over `[ab]` up to `len` characters.
fn strings(len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..len {
        last = last
            .iter()
            .flat_map(|s| [format!("{s}a"), format!("{s}b")])
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

proptest! {
    /// Two patterns overlap exactly when some string matches both (patterns of four
    /// elements always have such a string of at most eight characters when they have one).
    #[test]
    fn overlap_agrees_with_brute_force(a in "[ab*?]{0,4}", b in "[ab*?]{0,4}") {
        let witness = strings(8)
            .iter()
            .any(|s| wildcard_match(&a, s, false) && wildcard_match(&b, s, false));
        prop_assert_eq!(posture_rules::access::pattern::overlaps(&a, &b, false), witness);
    }

    /// The same, ignoring case, with a literal head before the wildcards as ARNs have.
    #[test]
    fn overlap_ignoring_case_agrees_with_brute_force(
        a in "[aAB]{0,2}[ab*?]{0,3}",
        b in "[abB]{0,2}[ab*?]{0,3}",
    ) {
        let witness = strings(8)
            .iter()
            .any(|s| wildcard_match(&a, s, true) && wildcard_match(&b, s, true));
        prop_assert_eq!(posture_rules::access::pattern::overlaps(&a, &b, true), witness);
    }
}
