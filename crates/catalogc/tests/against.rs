//! Per-repo mode: `catalogc check --against catalog.json` in a service repository, resolving
//! the local service.yaml against a published bundle.

use std::path::Path;

use crate::common::{catalogc, codes, run, tree};

const CATALOG: &[u8] = b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nservices: [{path: repos}]\nintegrations:\n  - {type: pagerduty, path: integrations/pagerduty.json}\n";

const PAGERDUTY: &[u8] = br#"{"services": [{"id": "PBILL01", "name": "Billing", "status": "active"}, {"id": "PLEDG01", "name": "Ledger", "status": "active"}]}"#;

/// Builds the bundle of a small catalog (payments, ledger, billing) into `out`.
fn published_bundle(out: &Path) {
    let catalog = tree(&[
        ("catalog.yaml", CATALOG),
        ("integrations/pagerduty.json", PAGERDUTY),
        ("teams/payments.yaml", b"apiVersion: catalogc/v1\nkind: Team\nname: payments\n"),
        (
            "repos/ledger/service.yaml",
            b"apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: payments\nlifecycle: production\nresources: [pagerduty:PLEDG01]\napis:\n  provides: [{name: ledger-api, type: grpc}]\n",
        ),
        (
            "repos/billing/service.yaml",
            b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ndependsOn: [ledger]\nresources: [pagerduty:PBILL01]\napis:\n  provides: [{name: invoices-api, type: graphql}]\n",
        ),
        (
            "repos/legacy/service.yaml",
            b"apiVersion: catalogc/v1\nkind: Service\nname: legacy\nowner: payments\nlifecycle: deprecated\n",
        ),
    ]);
    let build = run(catalogc()
        .args(["build", "--root"])
        .arg(catalog.path())
        .arg("--out")
        .arg(out));
    assert_eq!(build.code, 0, "{}", build.stderr);
}

/// `check --against BUNDLE --format json` in `repository`.
fn check_against(repository: &Path, bundle: &Path) -> (i32, serde_json::Value, String) {
    let result = run(catalogc()
        .current_dir(repository)
        .args(["check", "--format", "json", "--against"])
        .arg(bundle));
    let report = serde_json::from_str(&result.stdout).unwrap_or(serde_json::Value::Null);
    (result.code, report, result.stderr)
}

fn service_repository(service: &str) -> tempfile::TempDir {
    tree(&[("service.yaml", service.as_bytes())])
}

#[test]
fn a_clean_service_resolves_against_the_bundle() {
    let dist = tempfile::tempdir().expect("tempdir");
    published_bundle(dist.path());
    let repository = service_repository(
        "apiVersion: catalogc/v1\nkind: Service\nname: checkout\nowner: payments\nlifecycle: production\ndependsOn: [billing]\napis:\n  consumes: [ledger-api]\nresources: [{integration: pagerduty, id: PLEDG01}]\n",
    );
    let (code, report, stderr) =
        check_against(repository.path(), &dist.path().join("catalog.json"));
    assert_eq!(code, 0, "{report}\n{stderr}");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["summary"]["services"], 1);
}

#[test]
fn unknown_team_and_dependency_are_reported_with_suggestions() {
    let dist = tempfile::tempdir().expect("tempdir");
    published_bundle(dist.path());
    let repository = service_repository(
        "apiVersion: catalogc/v1\nkind: Service\nname: checkout\nowner: paymnts\nlifecycle: production\ndependsOn: [ledgr]\napis:\n  consumes: [billing-api]\nresources: [pagerduty:PNOPE01]\n",
    );
    let (code, report, stderr) =
        check_against(repository.path(), &dist.path().join("catalog.json"));
    assert_eq!(code, 1, "{report}\n{stderr}");
    assert_eq!(
        codes(&report),
        [
            "unknown-team",
            "unknown-service",
            "unknown-api",
            "unknown-resource"
        ]
    );
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics[0]["help"], "did you mean `payments`?");
    assert_eq!(diagnostics[1]["help"], "did you mean `ledger`?");
    assert!(
        diagnostics.iter().all(|d| d["file"] == "service.yaml"),
        "{report}"
    );
}

#[test]
fn the_local_descriptor_replaces_the_bundle_entry_of_the_same_name() {
    let dist = tempfile::tempdir().expect("tempdir");
    published_bundle(dist.path());
    // billing is in the bundle: the local copy is not its duplicate, and its new owner and
    // dependency are what gets checked.
    let repository = service_repository(
        "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ndependsOn: [ledger, fraud]\n",
    );
    let (code, report, stderr) =
        check_against(repository.path(), &dist.path().join("catalog.json"));
    assert_eq!(code, 1, "{report}\n{stderr}");
    assert_eq!(codes(&report), ["unknown-service"]);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`fraud`")),
        "{report}"
    );
}

#[test]
fn a_malformed_or_foreign_bundle_exits_2() {
    let repository = service_repository(
        "apiVersion: catalogc/v1\nkind: Service\nname: checkout\nowner: payments\nlifecycle: production\n",
    );
    let files = tree(&[
        (
            "broken.json",
            b"{\"apiVersion\": \"catalogc/v1\", \"kind\": \"CatalogBundle\", \"services\": [",
        ),
        (
            "foreign.json",
            b"{\"name\": \"some-package\", \"version\": \"1.0.0\"}",
        ),
    ]);
    for (file, expected) in [
        ("broken.json", "is not a catalogc bundle"),
        ("foreign.json", "its `kind` is missing"),
        ("missing.json", "cannot read the bundle"),
    ] {
        let (code, _, stderr) = check_against(repository.path(), &files.path().join(file));
        assert_eq!(code, 2, "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn findings_that_reach_into_the_bundle_are_reported_when_they_touch_the_local_service() {
    let dist = tempfile::tempdir().expect("tempdir");
    published_bundle(dist.path());
    // The local ledger closes a cycle through the bundle's billing (which depends on ledger),
    // depends on the bundle's deprecated legacy, and provides an API billing already does.
    let repository = service_repository(
        "apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: payments\nlifecycle: production\ndependsOn: [billing, legacy]\napis:\n  provides: [{name: ledger-api, type: grpc}, {name: invoices-api, type: graphql}]\n",
    );
    let (code, report, stderr) =
        check_against(repository.path(), &dist.path().join("catalog.json"));
    assert_eq!(code, 1, "{report}\n{stderr}");
    let mut found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            // Reported at billing's edge in the bundle, with the local edge as related.
            (
                "dependency-cycle".to_owned(),
                "repos/billing/service.yaml".to_owned()
            ),
            (
                "deprecated-dependency".to_owned(),
                "service.yaml".to_owned()
            ),
            ("duplicate-name".to_owned(), "service.yaml".to_owned()),
        ],
        "{report}"
    );
    let cycle = report["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == "dependency-cycle"))
        .expect("a cycle");
    assert!(
        cycle["message"]
            .as_str()
            .is_some_and(|m| m.contains("billing → ledger → billing")),
        "{cycle}"
    );
    assert_eq!(cycle["related"][0]["file"], "service.yaml", "{cycle}");
}
