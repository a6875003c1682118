//! Property tests for the CloudWatch Logs filter pattern reader: filter patterns come from
//! the account and are hostile text; reading and evaluating them never panics, and the
//! wildcard comparison agrees with a reference definition.

use posture_rules::logging::filter_pattern::Pattern;
use proptest::prelude::*;
use serde_json::json;

/// Text made mostly of the pattern language's own pieces, so that parsing gets deep.
fn pattern_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" && ".to_string()),
        Just(" || ".to_string()),
        Just(" = ".to_string()),
        Just(" != ".to_string()),
        Just(" > ".to_string()),
        Just(" NOT EXISTS".to_string()),
        Just(" IS NULL".to_string()),
        Just("$.eventName".to_string()),
        Just("$.a[0].b".to_string()),
        "\"[a-zé*]{0,6}\"".prop_map(|s| s),
        "[A-Za-z0-9.*%]{1,6}".prop_map(|s| s),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// `*` matching any run of characters, defined recursively.
fn reference(pattern: &[char], text: &[char]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            reference(&pattern[1..], text) || (!text.is_empty() && reference(pattern, &text[1..]))
        }
        (Some(p), Some(t)) if p == t => reference(&pattern[1..], &text[1..]),
        _ => false,
    }
}

proptest! {
    #[test]
    fn reading_any_text_never_panics(text in "\\PC{0,120}") {
        let event = json!({ "eventName": "x", "a": [{ "b": 1 }] });
        if let Ok(pattern) = Pattern::parse(&text) {
            let _ = pattern.matches(&event);
        }
    }

    #[test]
    fn reading_pattern_like_text_never_panics(text in pattern_like()) {
        let event = json!({ "eventName": "é*x", "a": [{ "b": 1 }] });
        if let Ok(pattern) = Pattern::parse(&text) {
            let _ = pattern.matches(&event);
        }
    }

    #[test]
    fn wildcards_agree_with_the_reference(pattern in "[aé*]{0,7}", text in "[aé]{0,7}") {
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        let parsed = Pattern::parse(&format!("{{ $.v = \"{pattern}\" }}")).unwrap();
        prop_assert_eq!(parsed.matches(&json!({ "v": text })), reference(&p, &t));
    }
}
