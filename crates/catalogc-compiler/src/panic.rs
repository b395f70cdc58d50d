//! Containment of defects in third-party parsers.
//!
//! No input may crash catalogc. The YAML parser has internal assertions that a hostile input
//! might trip; [`contain_panic`] turns such a panic into `None` so the caller can report a
//! finding. The CLI installs [`install_panic_hook`], which stays silent for contained panics
//! and prints one clear line for real defects.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static CONTAINED: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`, returning `None` if it panicked.
pub fn contain_panic<T>(f: impl FnOnce() -> T) -> Option<T> {
    CONTAINED.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(c.get().saturating_sub(1)));
    result.ok()
}

/// Installs a panic hook that is silent inside [`contain_panic`], and otherwise prints one
/// line naming the defect and exits with status 2 (a failure of the tool itself), so no
/// input ever produces another exit status.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(move |info| {
        if CONTAINED.with(|c| c.get()) > 0 {
            return;
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "catalogc failed: internal error{location}; please report it with the input that caused it"
        );
        std::process::exit(2);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_none() {
        #[allow(clippy::panic)]
        let outcome: Option<()> = contain_panic(|| panic!("defect"));
        assert!(outcome.is_none());
        assert_eq!(contain_panic(|| 3), Some(3));
    }
}
