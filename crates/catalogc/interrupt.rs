//! Ctrl-C and SIGTERM.
//!
//! While catalogc only reads, an interrupt ends the process at once with status 130: nothing
//! has been written. While a bundle is being written, the interrupt only raises a flag; the
//! writer notices it between files, removes its staging directory and returns, so the
//! previous bundle stays intact and no temporary is left behind. A compare-and-swap on the
//! phase decides which of the two happens, so an interrupt can never slip between them.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

const READING: u8 = 0;
const WRITING: u8 = 1;
const EXITING: u8 = 2;

static PHASE: AtomicU8 = AtomicU8::new(READING);
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Installs the handler; failing to install it only loses the clean interrupt.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if PHASE
            .compare_exchange(READING, EXITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            eprintln!("catalogc: interrupted");
            std::process::exit(130);
        }
        CANCEL.store(true, Ordering::SeqCst);
    });
}

/// Runs `write` with the cancel flag, unless an interrupt already arrived (`None`).
pub fn while_writing<T>(write: impl FnOnce(&AtomicBool) -> T) -> Option<T> {
    PHASE
        .compare_exchange(READING, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        .ok()?;
    let result = write(&CANCEL);
    let _ = PHASE.compare_exchange(WRITING, READING, Ordering::SeqCst, Ordering::SeqCst);
    Some(result)
}
