//! Any text as an IAM policy: the parser either parses it or says why, and a document that
//! parses is then put where policies live in an account (a user's inline policy, a role's
//! trust policy, a bucket policy) and every rule evaluates that account. Nothing panics.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use posture_rules::access::policy;
use posture_rules::{Settings, Snapshot};

fn demo() -> &'static serde_json::Value {
    static DEMO: OnceLock<serde_json::Value> = OnceLock::new();
    DEMO.get_or_init(|| {
        serde_json::from_str(include_str!("../../examples/demo-account.json"))
            .expect("the example snapshot is JSON")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(document) = policy::parse(text) else {
        return;
    };
    for statement in &document.statements {
        let _ = statement.covers_action("iam:PassRole");
        let _ = statement.covers_resource("arn:aws:iam::210987654321:role/web");
        let _ = statement.principal_is_everyone();
    }
    let mut account = demo().clone();
    let details = &mut account["iam"]["authorization_details"]["collected"];
    details["users"][0]["inline_policies"] =
        serde_json::json!([{ "name": "fuzzed", "document": text }]);
    details["roles"][0]["trust_policy"] = text.into();
    account["s3"]["buckets"]["collected"][0]["policy"] = serde_json::json!({ "collected": text });
    let snapshot: Snapshot =
        serde_json::from_value(account).expect("the demo still fits the model");
    let settings = Settings::at(snapshot.collected_at);
    let _ = posture_rules::evaluate(&snapshot, &settings, |_| true);
});
