//! The shipped examples: the clean ones stay clean, and the deliberate mistakes of
//! `examples/errors` produce exactly the pinned report.

use crate::common::{catalogc, check_json, repo, run};

fn assert_clean(relative: &str) {
    let (status, report) = check_json(&repo().join(relative));
    assert_eq!(status, 0, "{relative}: {report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{relative}");
}

#[test]
fn catalog_example_is_clean_and_realistic() {
    assert_clean("catalog-example");
    let (_, report) = check_json(&repo().join("catalog-example"));
    assert!(
        report["summary"]["services"]
            .as_u64()
            .is_some_and(|n| n >= 12)
    );
}

#[test]
fn minimal_example_is_clean() {
    assert_clean("examples/minimal");
}

#[test]
fn monorepo_example_is_clean_and_reads_multi_document_files() {
    assert_clean("examples/monorepo");
    let (_, report) = check_json(&repo().join("examples/monorepo"));
    assert_eq!(report["summary"]["services"], 6);
}

#[test]
fn errors_example_report_is_pinned() {
    let root = repo().join("examples/errors");
    let human = run(catalogc().args(["check", "--root"]).arg(&root));
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("errors-example-human", human.stdout);
    let json = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(&root));
    insta::assert_snapshot!("errors-example-json", json.stdout);
}
