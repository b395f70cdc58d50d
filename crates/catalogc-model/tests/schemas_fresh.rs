//! The schemas committed under `schemas/` are exactly what the model generates.
//!
//! When this fails, regenerate them with `cargo run -- schema --out schemas` and commit.

use std::path::Path;

#[test]
fn committed_schemas_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let mut stale = Vec::new();
    for (file, schema) in catalogc_model::schema::all() {
        let expected = catalogc_model::schema::to_pretty(&schema);
        let committed = std::fs::read_to_string(dir.join(&file)).unwrap_or_default();
        if committed != expected {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `cargo run -- schema --out schemas` and commit the result"
    );
}
