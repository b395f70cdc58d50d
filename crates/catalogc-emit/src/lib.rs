//! The bundle writer: turns a [`Compilation`] into the catalog bundle on disk.
//!
//! # Layout (pinned top level, SPEC section 4)
//!
//! ```text
//! DIR/catalog.json          the whole compiled catalog
//! DIR/services/<name>.json  one file per service (the same entry as in catalog.json)
//! DIR/.catalogc-bundle      marker: this directory is a bundle catalogc may replace
//! ```
//!
//! Bundles are deterministic (sorted collections, no timestamps: the same inputs give the
//! same bytes) and written atomically: everything is staged in a temporary directory beside
//! `DIR`, then swapped in, so a failed build leaves the previous bundle untouched.

mod bundle;
mod write;

pub use bundle::{BUNDLE_KIND, bundle, service_entry};
pub use write::{EmitError, MARKER_FILE, write_bundle};
