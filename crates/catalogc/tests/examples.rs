//! The shipped examples: the clean ones stay clean, and the deliberate mistakes of
//! `examples/errors` produce exactly the pinned report.

use crate::common::{catalogc, check_json, repo, run};

fn assert_clean(relative: &str) {
    let (status, report) = check_json(&repo().join(relative));
    assert_eq!(status, 0, "{relative}: {report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{relative}");
}

/// The example organisation builds without errors; by design it shows unmapped resources
/// (undiscovered APIs) and one deprecated dependency, and nothing else.
#[test]
fn catalog_example_is_realistic_with_only_its_deliberate_warnings() {
    let (status, report) = check_json(&repo().join("catalog-example"));
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["summary"]["errors"], 0);
    assert!(
        report["summary"]["services"]
            .as_u64()
            .is_some_and(|n| n >= 25)
    );
    let codes = crate::common::codes(&report);
    assert!(
        codes
            .iter()
            .all(|c| c == "unmapped-resource" || c == "deprecated-dependency"),
        "{codes:?}"
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "deprecated-dependency")
            .count(),
        1
    );
    assert!(codes.iter().filter(|c| *c == "unmapped-resource").count() >= 3);
}

#[test]
fn integration_examples_show_one_unmapped_resource_each() {
    for kind in ["gateway", "mesh", "pagerduty", "github", "custom"] {
        let (status, report) = check_json(&repo().join(format!("examples/integration-{kind}")));
        assert_eq!(status, 0, "{kind}: {report}");
        assert_eq!(
            crate::common::codes(&report),
            ["unmapped-resource"],
            "{kind}"
        );
    }
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
