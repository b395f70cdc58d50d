//! The bundle writer: turns a [`Compilation`](catalogc_compiler::Compilation) into the
//! catalog bundle on disk.
//!
//! # Layout (pinned top level, SPEC section 4)
//!
//! ```text
//! DIR/catalog.json          the whole compiled catalog (schema: schemas/bundle.schema.json)
//! DIR/services/<name>.json  one file per service (the same entry as in catalog.json)
//! DIR/graph.dot, graph.mmd  the dependency graph (Graphviz, Mermaid)
//! DIR/CODEOWNERS            descriptor paths → owning teams' GitHub handles
//! DIR/site/                 the static HTML site (unless disabled; see [`site`])
//! DIR/.catalogc-bundle      marker: this directory is a bundle catalogc may replace
//! ```
//!
//! Bundles are deterministic (sorted collections, no timestamps: the same inputs give the
//! same bytes, whatever the thread count) and written atomically.

mod bundle;
mod codeowners;
pub mod diff;
pub mod graph;
pub mod site;
pub mod svg;
mod write;

pub use bundle::{bundle, resource_key};
pub use codeowners::codeowners;
pub use write::{EmitError, MARKER_FILE, write_bundle};
