//! How the allocator posture runs with (mimalloc, the binary's global allocator) is set
//! up: one place for the binary and the offline benchmark, so that the benchmark measures
//! what users run.

use std::ffi::{c_int, c_long};

// The crate that builds and links mimalloc's C library, where these functions are.
use mimalloc as _;

/// mimalloc's `purge_delay` option: its place in `mi_option_e` of the mimalloc 3 headers
/// (`include/mimalloc.h`), the version the `mimalloc` crate builds by default. A test
/// checks that the option there has `purge_delay`'s default.
const PURGE_DELAY: c_int = 15;

extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// Keeps the memory posture frees for its own reuse, instead of returning it to the
/// system a second later (mimalloc's default). posture is a batch process that ends when
/// its work is done; returning memory mid-run made loading and evaluating a large snapshot
/// fault the same memory in again and again: on a million resources, 80,000 page faults
/// instead of 1,500, parsing 1.3-2.5 s instead of 1.3 s, evaluation about a tenth slower,
/// for a peak memory a few percent lower (figures in the README's Speed section). A
/// `MIMALLOC_PURGE_DELAY` set in the environment is left to apply.
pub fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option only stores its value; mimalloc reads it when it next
        // decides whether to return memory.
        unsafe { mi_option_set(PURGE_DELAY, -1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // mimalloc 3 delays purging by 1000 ms unless the environment says otherwise: an
        // option at another place would have another default.
        let expected = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(1000);
        // SAFETY: reading an option has no precondition.
        assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, expected);
    }
}
