//! Commands, exit statuses and output formats of the real binary.

use std::path::Path;

use crate::common::{SERVICE, TEAM, catalogc, check_json, codes, fixtures, repo, run, tree};

fn clean_catalog() -> tempfile::TempDir {
    tree(&[
        (
            "catalog.yaml",
            b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nservices: [{path: repos}]\n",
        ),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", SERVICE),
    ])
}

#[test]
fn clean_catalog_exits_zero_with_a_summary() {
    let dir = clean_catalog();
    let result = run(catalogc().args(["check", "--root"]).arg(dir.path()));
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(
        result.stdout,
        "checked 3 files (1 service): no problems found\n"
    );
}

#[test]
fn root_is_found_from_a_subdirectory() {
    let dir = clean_catalog();
    let result = run(catalogc()
        .arg("check")
        .current_dir(dir.path().join("repos/billing")));
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(result.stdout.contains("1 service"));
}

#[test]
fn tool_failures_exit_two_with_one_line() {
    let result = run(catalogc().args(["check", "--root", "/nonexistent/catalog"]));
    assert_eq!(result.code, 2);
    assert!(
        result
            .stderr
            .starts_with("catalogc failed: cannot read the catalog root"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1);

    let result = run(catalogc().args(["check", "--format", "yaml"]));
    assert_eq!(result.code, 2, "bad arguments");

    let result = run(catalogc().args(["explain", "unknown-teem"]));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("did you mean `unknown-team`?"),
        "{}",
        result.stderr
    );
}

#[test]
fn json_report_has_the_pinned_shape() {
    let (status, report) = check_json(&fixtures().join("unknown-team"));
    assert_eq!(status, 1);
    let keys: Vec<&str> = report
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["diagnostics", "summary"]);
    let first = &report["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "endLine",
        "endColumn",
        "pointer",
        "help",
        "related",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["pointer"], "/owner");
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(report["summary"]["warnings"], 0);
    assert_eq!(report["summary"]["services"], 1);
}

#[test]
fn github_format_prints_workflow_commands() {
    let root = fixtures().join("unknown-team");
    let result = run(catalogc()
        .args(["check", "--format", "github", "--root"])
        .arg(&root));
    assert_eq!(result.code, 1);
    let lines: Vec<&str> = result.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("::error file="), "{}", lines[0]);
    assert!(
        lines[0].contains("line=4,col=8,endLine=4,endColumn=15,title=unknown-team::"),
        "{}",
        lines[0]
    );
}

#[test]
fn github_paths_are_relative_to_the_workspace() {
    let root = fixtures().join("unknown-team");
    let result = run(catalogc()
        .args(["check", "--format", "github", "--root"])
        .arg(&root)
        .env("GITHUB_WORKSPACE", repo()));
    assert!(
        result.stdout.contains(
            "file=crates/catalogc/tests/fixtures/unknown-team/repos/billing/service.yaml,"
        ),
        "{}",
        result.stdout
    );
}

#[test]
fn sarif_format_has_rules_and_located_results() {
    let root = fixtures().join("schema-violation");
    let result = run(catalogc()
        .args(["check", "--format", "sarif", "--root"])
        .arg(&root));
    assert_eq!(result.code, 1);
    let log: serde_json::Value = serde_json::from_str(&result.stdout).expect("sarif json");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "catalogc");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| {
        r["id"] == "schema-violation"
            && r["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## How to fix"))
    }));
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for result in results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{result}"
        );
    }
}

#[test]
fn paths_limit_findings_to_those_files_plus_errors_elsewhere() {
    let dir = tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nrules: {unknown-team: warning}\n"),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", SERVICE),
        ("repos/ledger/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: finance\nlifecycle: production\n"),
        ("repos/fraud/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: fraud\nowner: payments\nlifecycle: prod\n"),
    ]);
    // The warning in ledger is not shown when checking billing; the error in fraud is.
    let result = run(catalogc()
        .args(["check", "--format", "json", "repos/billing/service.yaml"])
        .current_dir(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert_eq!(files, ["repos/fraud/service.yaml"]);
    assert_eq!(result.code, 1);

    let result = run(catalogc()
        .args(["check", "--format", "json", "repos/ledger/service.yaml"])
        .current_dir(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    // Sorted by file: the error in fraud, then the warning in ledger.
    assert_eq!(codes(&report), ["schema-violation", "unknown-team"]);
    assert_eq!(report["diagnostics"][1]["severity"], "warning");

    let outside = run(catalogc()
        .args(["check", "/etc/hostname"])
        .current_dir(dir.path()));
    assert_eq!(outside.code, 2);
    assert!(
        outside.stderr.contains("not inside the catalog root"),
        "{}",
        outside.stderr
    );
}

#[test]
fn rules_change_severity_and_deny_warnings_fails_on_them() {
    let dir = tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nrules:\n  unknown-team: warning\n"),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: finance\nlifecycle: production\n"),
    ]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 0);
    assert_eq!(report["summary"]["warnings"], 1);
    let denied = run(catalogc()
        .args(["check", "--deny-warnings", "--root"])
        .arg(dir.path()));
    assert_eq!(denied.code, 1);

    std::fs::write(
        dir.path().join("catalog.yaml"),
        "apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nrules:\n  unknown-team: off\n",
    )
    .expect("write");
    let (status, report) = check_json(dir.path());
    assert_eq!((status, codes(&report).len()), (0, 0));
}

#[test]
fn unknown_rule_codes_are_located_in_catalog_yaml() {
    let dir = tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nrules:\n  unknown-teams: warning\n"),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", SERVICE),
    ]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("catalog.yaml"), Some(5), Some(3))
    );
    assert_eq!(d["help"], "did you mean `unknown-team`?");
}

#[test]
fn extension_schema_applies_with_refs_inside_the_root() {
    let dir = tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nextensions: {serviceSchema: schemas/acme.json}\n"),
        ("schemas/acme.json", br##"{"type": "object", "required": ["custom"], "properties": {"custom": {"$ref": "parts/custom.json"}}}"##),
        ("schemas/parts/custom.json", br#"{"type": "object", "required": ["costCenter"], "properties": {"costCenter": {"type": "string", "pattern": "^cc-[0-9]+$"}}}"#),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ncustom:\n  costCenter: finance\n"),
        ("repos/ledger/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: payments\nlifecycle: production\n"),
        ("repos/fraud/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: fraud\nowner: payments\nlifecycle: production\ncustom: {costCenter: cc-7}\n"),
    ]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    let found: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["help"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{report}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("repos/billing/service.yaml", 7)
    );
    assert!(
        found[0]
            .2
            .contains("the extension schema `schemas/acme.json`"),
        "{found:?}"
    );
    assert_eq!(
        (found[1].0.as_str(), found[1].1),
        ("repos/ledger/service.yaml", 1)
    );
}

#[test]
fn explain_prints_documentation_and_lists_codes() {
    let result = run(catalogc().args(["explain", "duplicate-key"]));
    assert_eq!(result.code, 0);
    assert!(result.stdout.starts_with("# duplicate-key\n"));
    assert!(result.stdout.contains("## How to fix"));

    let list = run(catalogc().arg("explain"));
    assert_eq!(list.code, 0);
    for code in ["yaml-syntax", "unknown-team", "invalid-scorecard"] {
        assert!(list.stdout.contains(code), "{code} missing from the list");
    }
}

#[test]
fn schema_command_writes_the_committed_schemas() {
    let out = tempfile::tempdir().expect("tempdir");
    let result = run(catalogc().args(["schema", "--out"]).arg(out.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    for kind in ["catalog", "service", "team", "scorecard"] {
        let file = format!("{kind}.schema.json");
        let written = std::fs::read_to_string(out.path().join(&file)).expect("written");
        let committed =
            std::fs::read_to_string(repo().join("schemas").join(&file)).expect("committed");
        assert_eq!(written, committed, "{file}");
    }
    let printed = run(catalogc().args(["schema", "--kind", "team"]));
    assert!(printed.stdout.contains("\"title\": \"catalogc Team\""));
}

#[test]
fn help_teaches_with_examples() {
    for command in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["build", "--help"],
        vec!["explain", "--help"],
        vec!["schema", "--help"],
    ] {
        let result = run(catalogc().args(&command));
        assert_eq!(result.code, 0);
        assert!(
            result.stdout.contains("Examples:"),
            "{command:?} has no examples"
        );
    }
}

fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned();
                files.push((relative, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn build_writes_a_deterministic_bundle() {
    let dir = clean_catalog();
    let out = dir.path().join("dist");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalog.json")).expect("catalog.json"))
            .expect("json");
    assert_eq!(bundle["apiVersion"], "catalogc/v1");
    assert_eq!(bundle["kind"], "CatalogBundle");
    assert_eq!(bundle["catalog"]["name"], "acme");
    let service = &bundle["services"][0];
    for key in [
        "name",
        "title",
        "owner",
        "lifecycle",
        "tier",
        "source",
        "dependsOn",
        "dependents",
        "upstreamAll",
        "downstreamAll",
        "apis",
        "resources",
        "scores",
    ] {
        assert!(service.get(key).is_some(), "service entry lacks {key}");
    }
    assert_eq!(service["source"]["file"], "repos/billing/service.yaml");
    assert!(out.join("services/billing.json").is_file());
    let first = read_tree(&out);
    // Rebuilding over the previous bundle gives the same bytes.
    let again = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(again.code, 0);
    assert_eq!(read_tree(&out), first);
}

#[test]
fn build_writes_the_site_unless_told_not_to() {
    let dir = clean_catalog();
    let out = dir.path().join("dist");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stderr.contains("open ") && result.stderr.contains("index.html"),
        "build says where the site is: {}",
        result.stderr
    );
    for page in [
        "index.html",
        "services/billing.html",
        "teams/index.html",
        "resources.html",
        "scorecards/index.html",
        "graph.html",
        "diagnostics.html",
        "assets/site.css",
        "assets/site.js",
        "assets/search-index.js",
    ] {
        assert!(out.join("site").join(page).is_file(), "site/{page}");
    }
    let home = std::fs::read_to_string(out.join("site/index.html")).expect("home page");
    assert!(home.contains("Content-Security-Policy"));

    // --no-site replaces the bundle with one without a site.
    let result = run(catalogc()
        .args(["build", "--no-site", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(!out.join("site").exists());
    assert!(!result.stderr.contains("index.html"), "{}", result.stderr);
    assert!(out.join("catalog.json").is_file());
}

#[test]
fn build_with_errors_writes_nothing_and_keeps_the_previous_bundle() {
    let dir = clean_catalog();
    let out = dir.path().join("dist");
    assert_eq!(
        run(catalogc()
            .args(["build", "--root"])
            .arg(dir.path())
            .arg("--out")
            .arg(&out))
        .code,
        0
    );
    let before = read_tree(&out);
    std::fs::write(
        dir.path().join("repos/billing/service.yaml"),
        "apiVersion: catalogc/v1\nkind: Service\nname: billing\n",
    )
    .expect("write");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 1);
    assert!(
        result.stdout.contains("missing the required key `owner`"),
        "{}",
        result.stdout
    );
    assert_eq!(read_tree(&out), before);
    let fresh = dir.path().join("never");
    assert_eq!(
        run(catalogc()
            .args(["build", "--root"])
            .arg(dir.path())
            .arg("--out")
            .arg(&fresh))
        .code,
        1
    );
    assert!(!fresh.exists());
}

#[test]
fn build_refuses_to_replace_a_directory_that_is_not_a_bundle() {
    let dir = clean_catalog();
    let out = dir.path().join("precious");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("not a catalogc bundle"),
        "{}",
        result.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "keep me"
    );
}

#[test]
fn build_writes_graphs_and_codeowners() {
    let dir = tree(&[
        ("teams/payments.yaml", b"apiVersion: catalogc/v1\nkind: Team\nname: payments\ngithub: \"@acme/payments\"\n"),
        ("teams/ledger-team.yaml", b"apiVersion: catalogc/v1\nkind: Team\nname: ledger-team\n"),
        ("repos/billing/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: billing\ntitle: \"Billing \\\"v2\\\"\"\nowner: payments\nlifecycle: production\ndependsOn: [ledger, {service: fraud, kind: async}]\n"),
        ("repos/ledger/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: ledger-team\nlifecycle: production\n"),
        ("repos/fraud/service.yaml", b"apiVersion: catalogc/v1\nkind: Service\nname: fraud\nowner: payments\nlifecycle: production\n"),
    ]);
    let out = dir.path().join("dist");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let dot = std::fs::read_to_string(out.join("graph.dot")).expect("dot");
    assert!(
        dot.contains("\"billing\" [label=\"Billing \\\"v2\\\"\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"billing\" -> \"fraud\" [style=dashed];"),
        "{dot}"
    );
    assert!(dot.contains("\"billing\" -> \"ledger\";"), "{dot}");
    let mermaid = std::fs::read_to_string(out.join("graph.mmd")).expect("mmd");
    assert!(mermaid.starts_with("flowchart LR\n"));
    assert!(mermaid.contains("s_billing -.-> s_fraud"), "{mermaid}");
    let owners = std::fs::read_to_string(out.join("CODEOWNERS")).expect("codeowners");
    assert!(
        owners.contains("/repos/billing/service.yaml @acme/payments\n"),
        "{owners}"
    );
    assert!(
        owners.contains("/teams/payments.yaml @acme/payments\n"),
        "{owners}"
    );
    assert!(
        !owners.contains("ledger"),
        "teams without a handle own nothing: {owners}"
    );
}

#[test]
fn graph_command_prints_neighbourhoods() {
    let root = repo().join("catalog-example");
    let result = run(catalogc()
        .args([
            "graph",
            "ledger",
            "--downstream",
            "--depth",
            "1",
            "--format",
            "json",
            "--root",
        ])
        .arg(&root));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let graph: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let names: Vec<&str> = graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert!(
        names.contains(&"ledger") && names.contains(&"billing"),
        "{names:?}"
    );
    // Depth 1 downstream: ledger and its direct dependents, each with its edge into ledger.
    let edges = graph["edges"].as_array().expect("edges");
    for name in names.iter().filter(|n| **n != "ledger") {
        assert!(
            edges
                .iter()
                .any(|e| e["from"] == *name && e["to"] == "ledger"),
            "{name} is not a direct dependent of ledger"
        );
    }
    let unknown = run(catalogc().args(["graph", "ledgr", "--root"]).arg(&root));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `ledger`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn bundles_are_identical_with_one_or_many_threads() {
    let out1 = tempfile::tempdir().expect("tempdir");
    let out4 = tempfile::tempdir().expect("tempdir");
    let root = repo().join("catalog-example");
    for (out, threads) in [(&out1, "1"), (&out4, "4")] {
        let result = run(catalogc()
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "--root"])
            .arg(&root)
            .arg("--out")
            .arg(out.path().join("dist")));
        assert_eq!(result.code, 0, "{}", result.stderr);
    }
    let one = read_tree(&out1.path().join("dist"));
    let four = read_tree(&out4.path().join("dist"));
    assert!(one.len() > 5);
    assert_eq!(one, four);
}

#[test]
fn bundle_matches_its_committed_schema() {
    let out = tempfile::tempdir().expect("tempdir");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(repo().join("catalog-example"))
        .arg("--out")
        .arg(out.path().join("dist")));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("dist/catalog.json")).expect("read"))
            .expect("json");
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("schemas/bundle.schema.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&bundle)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for service in bundle["services"].as_array().expect("services") {
        let name = service["name"].as_str().expect("name");
        let file: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.path().join(format!("dist/services/{name}.json")))
                .expect("service file"),
        )
        .expect("json");
        assert_eq!(
            &file, service,
            "services/{name}.json differs from its catalog.json entry"
        );
    }
}

#[cfg(unix)]
#[test]
fn build_never_writes_through_a_symlink() {
    let dir = clean_catalog();
    let target = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("dist");
    std::os::unix::fs::symlink(target.path(), &link).expect("symlink");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&link));
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("symlink"), "{}", result.stderr);
    assert_eq!(std::fs::read_dir(target.path()).expect("read").count(), 0);
}

#[test]
fn links_other_than_http_https_and_mailto_are_rejected_where_they_are() {
    let service = "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\n\
lifecycle: production\nlinks:\n\
  - {title: a, url: \"javascript:alert(1)\"}\n\
  - {title: b, url: \"JaVaScRiPt:alert(1)\"}\n\
  - {title: c, url: \"data:text/html,<script>alert(1)</script>\"}\n\
  - {title: d, url: \"vbscript:msgbox(1)\"}\n\
  - {title: e, url: \" https://example.com\"}\n\
  - {title: f, url: \"https://example.com/ok\"}\n\
  - {title: g, url: \"mailto:team@example.com\"}\n";
    let dir = tree(&[
        (
            "catalog.yaml",
            b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nservices: [{path: repos}]\n",
        ),
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", service.as_bytes()),
    ]);
    let result = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let mut located: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "schema-violation")
        .map(|d| {
            (
                d["pointer"].as_str().unwrap_or_default().to_owned(),
                d["line"]
                    .as_u64()
                    .or(d["span"]["start"]["line"].as_u64())
                    .unwrap_or(0),
            )
        })
        .collect();
    located.sort();
    let pointers: Vec<&str> = located.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/links/0/url",
            "/links/1/url",
            "/links/2/url",
            "/links/3/url",
            "/links/4/url"
        ],
        "{}",
        result.stdout
    );
    // Each at its own line (lines 7–11 of the descriptor).
    let lines: Vec<u64> = located.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, [7, 8, 9, 10, 11], "{}", result.stdout);
}
