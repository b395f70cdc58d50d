//! Development tasks of catalogc. The binary (`cargo run -p xtask -- <task>`) runs them; the
//! library exposes the corpus generator so the compiler's micro-benchmarks build their inputs
//! in memory from the same generator as `scripts/bench` (`crates/catalogc-compiler/benches`).

pub mod corpus;
