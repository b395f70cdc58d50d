//! Black-box tests of the `catalogc` binary: exit codes, output formats, fixtures per
//! diagnostic code, and hostile input.

mod against;
mod baseline;
mod common;
mod diff;
mod discovery;
mod examples;
mod fixtures;
mod formats;
mod git;
mod github;
mod history;
mod hostile;
mod interrupt;
mod paths;
mod score;
