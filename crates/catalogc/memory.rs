//! Transparent huge pages, fitted to the catalog's size.
//!
//! With the kernel's THP mode `always`, the allocator's first touch of each 2 MiB region
//! faults in a huge page that the kernel zeroes whole. A small catalog (the pre-commit check
//! of one file) touches a few MiB, so that zeroing is a large part of its CPU time; a large
//! catalog fills the pages it gets and takes fewer faults with huge pages. So huge pages are
//! off from the start of the process and come back on once discovery has found a large
//! catalog, or before a large bundle is read (BENCHMARKS.md, "Huge pages by catalog size").
//! A process whose parent already disabled them keeps them disabled.

use std::sync::Arc;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicBool, Ordering};

use catalogc_compiler::ScaleHook;

/// From this many descriptor files on, huge pages pay for themselves.
#[cfg(target_os = "linux")]
const LARGE_CATALOG: usize = 2_000;

/// From this many bytes on, an input is large (a bundle of about 2,000 services).
#[cfg(target_os = "linux")]
const LARGE_INPUT: u64 = 24 << 20;

/// Whether this process turned huge pages off (and so may turn them back on).
#[cfg(target_os = "linux")]
static TURNED_OFF: AtomicBool = AtomicBool::new(false);

/// Turns huge pages off for this process, unless they already are.
pub fn start() {
    #[cfg(target_os = "linux")]
    if rustix::thread::transparent_huge_pages_are_disabled().is_ok_and(|disabled| !disabled)
        && rustix::thread::disable_transparent_huge_pages(true).is_ok()
    {
        TURNED_OFF.store(true, Ordering::Relaxed);
    }
}

/// Turns huge pages back on before reading an input of `bytes` that is large (the published
/// bundle of `check --against`), which fills the pages it gets.
pub fn large_input(bytes: u64) {
    #[cfg(target_os = "linux")]
    if bytes >= LARGE_INPUT {
        turn_back_on();
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// The compile hook that turns huge pages back on for a large catalog.
pub fn scale_hook() -> Option<ScaleHook> {
    Some(ScaleHook(Arc::new(|descriptor_files| {
        #[cfg(target_os = "linux")]
        if descriptor_files >= LARGE_CATALOG {
            turn_back_on();
        }
        #[cfg(not(target_os = "linux"))]
        let _ = descriptor_files;
    })))
}

/// Turns huge pages back on, once, if [`start`] turned them off.
#[cfg(target_os = "linux")]
fn turn_back_on() {
    if TURNED_OFF.swap(false, Ordering::Relaxed) {
        // Failing to turn them back on costs time, never correctness.
        let _ = rustix::thread::disable_transparent_huge_pages(false);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn disabled() -> bool {
        rustix::thread::transparent_huge_pages_are_disabled().expect("the prctl answers")
    }

    // One test: the setting is process-wide, and tests run in parallel.
    #[test]
    fn huge_pages_are_off_for_small_inputs_and_back_on_for_large_ones() {
        let Ok(disabled_by_parent) = rustix::thread::transparent_huge_pages_are_disabled() else {
            return; // A kernel without the prctl: nothing to manage.
        };
        let hook = scale_hook().expect("a hook");

        start();
        assert!(disabled());
        (hook.0)(LARGE_CATALOG - 1);
        large_input(LARGE_INPUT - 1);
        assert!(disabled());
        (hook.0)(LARGE_CATALOG);
        // Back on, unless the parent process had turned them off.
        assert_eq!(disabled(), disabled_by_parent);

        start();
        assert!(disabled());
        large_input(LARGE_INPUT);
        assert_eq!(disabled(), disabled_by_parent);
    }
}
