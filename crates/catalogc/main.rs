//! The `catalogc` command line: parses arguments, calls the compiler, renders, and picks an
//! exit status (0 no errors, 1 errors found, 2 catalogc itself failed).

mod args;
mod commands;
mod interrupt;
mod job_summary;
mod memory;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a command ended.
pub enum ExitStatus {
    /// No error-severity findings.
    Success,
    /// Findings with errors (or warnings with `--deny-warnings`).
    Failure,
    /// catalogc itself failed; the message is printed as one line.
    Error(String),
    /// Ctrl-C or SIGTERM (status 130).
    Interrupted,
}

fn main() -> ExitCode {
    memory::start();
    catalogc_compiler::install_panic_hook();
    interrupt::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let color = output::color_enabled(cli.color);
    let status = match cli.command {
        Command::Check(args) => commands::check::run(&args, color),
        Command::Build(args) => commands::build::run(&args, color),
        Command::Score(args) => commands::score::run(&args),
        Command::Graph(args) => commands::graph::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
    };
    match status {
        ExitStatus::Success => ExitCode::SUCCESS,
        ExitStatus::Failure => ExitCode::from(1),
        ExitStatus::Error(message) => {
            eprintln!("catalogc failed: {message}");
            ExitCode::from(2)
        }
        ExitStatus::Interrupted => {
            eprintln!("catalogc: interrupted; nothing was changed");
            ExitCode::from(130)
        }
    }
}
