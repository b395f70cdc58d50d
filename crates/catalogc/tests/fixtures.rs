//! One fixture catalog per diagnostic code (under `fixtures/<code>/`), with snapshots of the
//! human and JSON renderings. A fixture must trigger its code; the test fails otherwise.

use crate::common::{catalogc, codes, fixtures, run};

/// Checks fixture `code`: the code among the findings, exit 1 exactly when there are errors
/// (warning-only fixtures exit 0), every finding located, and both renderings pinned.
fn fixture(code: &str) {
    let root = fixtures().join(code);
    let human = run(catalogc().args(["check", "--root"]).arg(&root));
    let json = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(&root));
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json report");
    let errors = report["summary"]["errors"].as_u64().unwrap_or(0);
    assert_eq!(
        human.code,
        i32::from(errors > 0),
        "{code}: exit status\n{}{}",
        human.stdout,
        human.stderr
    );
    assert_eq!(json.code, human.code);
    assert!(
        codes(&report).iter().any(|c| c == code),
        "fixture {code} does not trigger {code}: {:?}",
        codes(&report)
    );
    for diagnostic in report["diagnostics"].as_array().expect("list") {
        assert!(
            diagnostic["file"].is_string(),
            "every finding is located: {diagnostic}"
        );
        assert!(
            diagnostic["line"].as_u64().is_some_and(|l| l >= 1),
            "{diagnostic}"
        );
        assert!(
            diagnostic["column"].as_u64().is_some_and(|c| c >= 1),
            "{diagnostic}"
        );
    }
    insta::assert_snapshot!(format!("{code}-human"), human.stdout);
    insta::assert_snapshot!(format!("{code}-json"), json.stdout);
}

macro_rules! fixtures {
    ($($name:ident => $code:literal,)*) => {
        $(
            #[test]
            fn $name() {
                fixture($code);
            }
        )*

        /// Every fixture directory is exercised by a test above.
        #[test]
        fn every_fixture_directory_has_a_test() {
            let tested = [$($code),*];
            for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
                let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
                assert!(tested.contains(&name.as_str()), "fixture {name} is not tested");
            }
        }
    };
}

fixtures! {
    yaml_syntax => "yaml-syntax",
    yaml_limits => "yaml-limits",
    duplicate_key => "duplicate-key",
    empty_file => "empty-file",
    schema_violation => "schema-violation",
    unknown_kind => "unknown-kind",
    duplicate_name => "duplicate-name",
    unknown_team => "unknown-team",
    path_escape => "path-escape",
    missing_file => "missing-file",
    invalid_extension_schema => "invalid-extension-schema",
    unknown_service => "unknown-service",
    unknown_api => "unknown-api",
    self_dependency => "self-dependency",
    dependency_cycle => "dependency-cycle",
    deprecated_dependency => "deprecated-dependency",
    team_cycle => "team-cycle",
    unknown_integration => "unknown-integration",
    unknown_resource => "unknown-resource",
    unmapped_resource => "unmapped-resource",
    invalid_inventory => "invalid-inventory",
    invalid_api_spec => "invalid-api-spec",
    invalid_pipeline => "invalid-pipeline",
    invalid_scorecard => "invalid-scorecard",
    expired_exemption => "expired-exemption",
}

/// Every diagnostic code has a fixture directory.
#[test]
fn every_code_has_a_fixture() {
    for code in catalogc_diagnostics_codes() {
        assert!(fixtures().join(&code).is_dir(), "no fixture for {code}");
    }
}

/// The codes `catalogc explain` lists.
fn catalogc_diagnostics_codes() -> Vec<String> {
    let list = run(catalogc().arg("explain"));
    list.stdout
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}
