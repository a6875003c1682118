//! Any bytes as an IAM credential report: parsed into rows or refused with a reason.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser lives in the binary crate (it is part of collection); this compiles the same
// file.
#[allow(dead_code)]
#[path = "../../src/collect/credential_report.rs"]
mod credential_report;

fuzz_target!(|data: &[u8]| {
    let _ = credential_report::parse(data);
});
