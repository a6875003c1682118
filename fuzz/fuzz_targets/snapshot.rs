//! Any bytes as a snapshot file: refused as JSON or as a snapshot, or loaded and evaluated
//! by every rule. Nothing panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use posture_rules::{Settings, Snapshot};

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = serde_json::from_slice::<Snapshot>(data) else {
        return;
    };
    let settings = Settings::at(snapshot.collected_at);
    let _ = posture_rules::evaluate(&snapshot, &settings, |_| true);
});
