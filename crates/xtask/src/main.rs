//! Development tasks of catalogc, run with `cargo run -p xtask -- <task> [options]`.
//!
//! Tasks:
//! - `gen-corpus`: write a deterministic synthetic catalog for benchmarks ([`corpus`]).

use std::process::ExitCode;

use xtask::corpus;

const HELP: &str = "\
Development tasks of catalogc.

Usage: cargo run -p xtask -- <TASK> [OPTIONS]

Tasks:
  gen-corpus   Generate a deterministic synthetic catalog (see `gen-corpus --help`)
  help         Print this help

Benchmarks: scripts/bench and `cargo bench -p catalogc-compiler` (results in BENCHMARKS.md).
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("gen-corpus") => corpus::main(args.collect()),
        Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown task `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
        None => {
            eprint!("{HELP}");
            ExitCode::from(2)
        }
    }
}
