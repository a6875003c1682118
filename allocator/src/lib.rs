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
    fn getenv(name: *const std::ffi::c_char) -> *mut std::ffi::c_char;
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// mimalloc's `allow_thp` option: whether its arenas ask for transparent huge pages (its
/// place in `mi_option_e`, checked by a test as `PURGE_DELAY` is).
const ALLOW_THP: c_int = 43;

/// `prctl(2)`'s option that keeps the kernel from backing the process's memory with
/// transparent huge pages (`linux/prctl.h`).
#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: c_int = 41;

#[cfg(target_os = "linux")]
extern "C" {
    fn prctl(option: c_int, ...) -> c_int;
}

/// The allocator's settings for what most runs are, a live scan or a small snapshot: no
/// transparent huge pages. mimalloc asks for them on every arena it reserves; a page of
/// an arena touched at all then costs 2 MiB, and memory is given back only by whole huge
/// pages. A small live scan (`scripts/bench 4 60 100 20 1`) peaked at 61 MB with them and
/// 48 MB without; keeping freed memory (below) was not what made it grow (the binary
/// before this: 54 MB keeping it, 53 MB with mimalloc's default). Called before
/// mimalloc reads its options (the binary runs it from `.init_array`, before `main`),
/// as it decides at its start whether the process uses huge pages. A
/// `MIMALLOC_ALLOW_THP` set in the environment is left to apply.
pub fn small_footprint() {
    // Not through std::env, which allocates: the first allocation starts mimalloc.
    // SAFETY: getenv reads the environment, which nothing writes this early; setting an
    // option only stores its value.
    unsafe {
        if getenv(c"MIMALLOC_ALLOW_THP".as_ptr()).is_null() {
            mi_option_set(ALLOW_THP, 0);
        }
    }
}

/// For a large snapshot: huge pages allowed again, and the memory posture frees kept for
/// its own reuse, instead of returned to the system a second later (mimalloc's default). posture is a batch process that ends when
/// its work is done; returning memory mid-run made loading and evaluating a large snapshot
/// fault the same memory in again and again: on a million resources, 80,000 page faults
/// instead of 1,500, parsing 1.3-2.5 s instead of 1.3 s, evaluation about a tenth slower,
/// for a peak memory a few percent lower (figures in the README's Speed section). A
/// `MIMALLOC_PURGE_DELAY` set in the environment is left to apply.
pub fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // Huge pages again, for the arenas reserved from now on: a large snapshot faults
        // 2 MiB at a time (1,500 page faults at a million resources).
        // SAFETY: setting an option only stores its value; the call sets a flag of the
        // process and reads no memory of ours.
        unsafe {
            mi_option_set(ALLOW_THP, 1);
            #[cfg(target_os = "linux")]
            prctl(
                PR_SET_THP_DISABLE,
                0 as c_long,
                0 as c_long,
                0 as c_long,
                0 as c_long,
            );
        }
    }
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

    #[test]
    fn the_option_set_is_allow_thp() {
        // Huge pages are allowed by default, and the test binary does not run the
        // binary's `.init_array` setting; the option beside it has a default of 0 KiB.
        let expected = std::env::var("MIMALLOC_ALLOW_THP")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(1);
        // SAFETY: reading an option has no precondition.
        assert_eq!(unsafe { mi_option_get(ALLOW_THP) }, expected);
        assert_eq!(
            unsafe { mi_option_get(ALLOW_THP + 1) },
            0,
            "minimal_purge_size"
        );
    }
}
