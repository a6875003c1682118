//! The rule registry: `RULES`, the single list of rules (declared with the rule modules in
//! `rules/mod.rs`). `posture rules`, `posture explain`, every report format and the
//! generated documentation read it; nothing lists rules twice.

use crate::rule::Rule;

pub use crate::rules::RULES;

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
