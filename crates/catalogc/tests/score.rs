//! `catalogc score` and the scores in the bundle.

use crate::common::{TEAM, catalogc, repo, run, tree};

const CARD: &[u8] = b"apiVersion: catalogc/v1
kind: Scorecard
name: readiness
levels: [bronze, silver]
criteria:
  - {name: tiered, level: bronze, check: 'has(service.tier)', message: Set `tier`.}
  - {name: critical, level: silver, check: 'has(service.tier) && service.tier == 1', message: Only tier 1 reaches silver.}
";

fn catalog() -> tempfile::TempDir {
    tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nscorecards: scorecards\n"),
        ("teams/payments.yaml", TEAM),
        ("scorecards/readiness.yaml", CARD),
        ("repos/billing/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ntier: 1\n"),
        ("repos/ledger/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: payments\nlifecycle: production\ntier: 2\n"),
        ("repos/fraud/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: fraud\nowner: payments\nlifecycle: production\n"),
    ])
}

#[test]
fn table_shows_marks_levels_and_the_legend() {
    let dir = catalog();
    let result = run(catalogc().args(["score", "--root"]).arg(dir.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    insta::assert_snapshot!("score-table", result.stdout);
}

#[test]
fn a_service_card_says_what_to_fix_next() {
    let dir = catalog();
    let result = run(catalogc()
        .args(["score", "ledger", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("level bronze, score 50.0"),
        "{}",
        result.stdout
    );
    assert!(
        result.stdout.contains("to reach silver: fix critical"),
        "{}",
        result.stdout
    );
    let unknown = run(catalogc()
        .args(["score", "ledgr", "--root"])
        .arg(dir.path()));
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean `ledger`?"));
}

#[test]
fn json_and_markdown_formats() {
    let dir = catalog();
    let result = run(catalogc()
        .args(["score", "--format", "json", "--root"])
        .arg(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["evaluationDate"], "2026-12-31");
    let card = &report["scorecards"][0];
    assert_eq!(card["name"], "readiness");
    assert_eq!(
        card["levelCounts"],
        serde_json::json!({"bronze": 1, "none": 1, "silver": 1})
    );
    let fraud = card["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == "fraud")
        .expect("fraud");
    assert_eq!(fraud["level"], serde_json::Value::Null);
    assert_eq!(fraud["criteria"][0]["outcome"], "fail");
    assert_eq!(fraud["criteria"][0]["message"], "Set `tier`.");

    let markdown = run(catalogc()
        .args(["score", "--format", "markdown", "--root"])
        .arg(dir.path()));
    assert!(
        markdown
            .stdout
            .contains("| service | level | score | tiered | critical |"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown
            .stdout
            .contains("| billing | silver | 100.0 | ✓ | ✓ |"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn the_evaluation_date_comes_from_the_flag_or_source_date_epoch() {
    let dir = catalog();
    let result = run(catalogc()
        .args([
            "score",
            "--format",
            "json",
            "--date",
            "2027-03-01",
            "--root",
        ])
        .arg(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["evaluationDate"], "2027-03-01");
    let bad = run(catalogc()
        .args(["score", "--date", "2027-02-30", "--root"])
        .arg(dir.path()));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a calendar date"), "{}", bad.stderr);
}

#[test]
fn scores_reach_the_bundle() {
    let dir = catalog();
    let out = dir.path().join("dist");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalog.json")).expect("read"))
            .expect("json");
    assert_eq!(bundle["catalog"]["evaluationDate"], "2026-12-31");
    assert_eq!(bundle["scorecards"][0]["definition"]["name"], "readiness");
    assert_eq!(bundle["scorecards"][0]["services"], 3);
    let billing = bundle["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == "billing")
        .expect("billing");
    assert_eq!(billing["scores"][0]["level"], "silver");
    assert_eq!(billing["scores"][0]["score"], 100.0);
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("services/billing.json")).expect("read"))
            .expect("json");
    assert_eq!(file["scores"], billing["scores"]);
}

#[test]
fn the_example_organisation_scores_with_its_own_and_the_built_in_scorecards() {
    let result = run(catalogc()
        .args(["score", "--format", "json", "--root"])
        .arg(repo().join("catalog-example")));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let names: Vec<&str> = report["scorecards"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "api-governance",
            "kong-best-practices",
            "production-readiness",
            "security-and-compliance",
            "service-documentation",
            "service-maturity"
        ]
    );
    let exempt = report.to_string().matches("\"exempt\"").count();
    assert!(exempt >= 2, "the example's exemptions are in force");
}

#[test]
fn templates_are_listed() {
    let result = run(catalogc().args(["score", "--templates"]));
    assert_eq!(result.code, 0);
    for name in ["has-owner", "gateway-has-plugin", "tier-needs-runbook"] {
        assert!(result.stdout.contains(name), "{name}");
    }
}

/// Golden results of each built-in scorecard on the example organisation.
#[test]
fn built_in_scorecards_on_the_example_organisation() {
    for name in [
        "service-maturity",
        "service-documentation",
        "kong-best-practices",
        "security-and-compliance",
    ] {
        let result = run(catalogc()
            .args(["score", "--scorecard", name, "--root"])
            .arg(repo().join("catalog-example")));
        assert_eq!(result.code, 0, "{name}: {}", result.stderr);
        insta::assert_snapshot!(format!("builtin-{name}"), result.stdout);
    }
}
