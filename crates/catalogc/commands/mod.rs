//! One module per subcommand.

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod graph;
pub mod schema;
pub mod score;
