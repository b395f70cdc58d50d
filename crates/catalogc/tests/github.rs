//! GitHub Actions output: annotations within GitHub's limits and escaped, the job summary
//! (`$GITHUB_STEP_SUMMARY`), and SARIF written beside another format (`--sarif FILE`).

use std::path::Path;

use crate::common::{TEAM, catalogc, fixtures, repo, run, tree};

/// A catalog with `errors` services owned by a team that does not exist and `warnings`
/// services depending on a deprecated one.
fn noisy_catalog(errors: usize, warnings: usize) -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("teams/payments.yaml".into(), TEAM.to_vec()),
        (
            "repos/old/service.yaml".into(),
            b"apiVersion: catalogc/v1\nkind: Service\nname: old\nowner: payments\nlifecycle: deprecated\n".to_vec(),
        ),
    ];
    for i in 0..errors {
        files.push((
            format!("repos/e{i:02}/service.yaml"),
            format!("apiVersion: catalogc/v1\nkind: Service\nname: e{i:02}\nowner: nobody\nlifecycle: production\n").into_bytes(),
        ));
    }
    for i in 0..warnings {
        files.push((
            format!("repos/w{i:02}/service.yaml"),
            format!("apiVersion: catalogc/v1\nkind: Service\nname: w{i:02}\nowner: payments\nlifecycle: production\ndependsOn: [old]\n").into_bytes(),
        ));
    }
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, content)| (path.as_str(), content.as_slice()))
        .collect();
    tree(&borrowed)
}

fn annotations(stdout: &str, kind: &str) -> usize {
    stdout
        .lines()
        .filter(|l| l.starts_with(&format!("::{kind} ")))
        .count()
}

#[test]
fn thirty_errors_show_ten_annotations_and_one_notice() {
    let dir = noisy_catalog(30, 12);
    let result = run(catalogc()
        .args(["check", "--format", "github", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 1);
    assert_eq!(annotations(&result.stdout, "error"), 10);
    assert_eq!(annotations(&result.stdout, "warning"), 10);
    let lines: Vec<&str> = result.stdout.lines().collect();
    assert_eq!(lines.len(), 21, "{}", result.stdout);
    assert!(
        lines[..10].iter().all(|l| l.starts_with("::error ")),
        "errors come first"
    );
    assert_eq!(
        lines[20],
        "::notice title=catalogc::20 more errors and 2 more warnings are not shown as annotations \
         (GitHub shows 10 errors and 10 warnings per step): run `catalogc check` for the full list"
    );
}

#[test]
fn the_notice_points_at_the_job_summary_which_lists_everything() {
    let dir = noisy_catalog(30, 0);
    let summary = dir.path().join("summary.md");
    let result = run(catalogc()
        .args(["check", "--format", "github", "--root"])
        .arg(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(result.code, 1);
    assert!(
        result
            .stdout
            .ends_with("20 more errors are not shown as annotations (GitHub shows 10 errors and 10 warnings per step): see the job summary for the full list\n"),
        "{}",
        result.stdout
    );
    let text = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        text.starts_with(
            "### ❌ catalogc check: 30 errors, 0 warnings in 32 files (31 services)\n"
        ),
        "{text}"
    );
    assert!(text.contains("| `unknown-team` | error | 30 |"), "{text}");
    assert!(text.contains("<details><summary>All 30 findings</summary>"));
    assert_eq!(text.matches("| error | repos/e").count(), 30, "{text}");
}

#[test]
fn annotations_are_escaped_and_cannot_forge_commands() {
    let dir = tree(&[
        ("teams/payments.yaml", TEAM),
        (
            "repos/a,b:c/service.yaml",
            b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: \"50%0A::error::forged\\r\\n::warning::x\"\nlifecycle: production\n",
        ),
    ]);
    let result = run(catalogc()
        .args(["check", "--format", "github", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 1);
    assert_eq!(
        result.stdout,
        "::error file=repos/a%2Cb%3Ac/service.yaml,line=4,col=8,endLine=4,endColumn=46,title=schema-violation::\
         `owner` must be a name of lowercase letters, digits and hyphens (at most 63, starting and ending with a letter or digit), \
         found `50%250A::error::forged\\r\\n::warning::x`\n"
    );
}

/// Runs `args` with a job summary file and returns its text.
fn job_summary(args: &[&str], root: &Path) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    let result = run(catalogc()
        .args(args)
        .arg("--root")
        .arg(root)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_WORKSPACE", repo()));
    let text = std::fs::read_to_string(&summary)
        .unwrap_or_else(|e| panic!("no job summary ({e}): {}{}", result.stdout, result.stderr));
    (result.code, text)
}

#[test]
fn check_job_summary_counts_and_lists_findings() {
    let (code, text) = job_summary(
        &["check", "--format", "github"],
        &repo().join("examples/errors"),
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("job-summary-check-errors", text);
}

#[test]
fn job_summary_links_to_the_commit_when_the_workflow_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    let result = run(catalogc()
        .args(["check", "--root"])
        .arg(fixtures().join("unknown-team"))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_WORKSPACE", repo())
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/catalog")
        .env("GITHUB_SHA", "0123abcd"));
    assert_eq!(result.code, 1);
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        text.contains("| error | [crates/catalogc/tests/fixtures/unknown-team/repos/billing/service.yaml:4:8](https://github.com/acme/catalog/blob/0123abcd/crates/catalogc/tests/fixtures/unknown-team/repos/billing/service.yaml#L4) | `unknown-team` |"),
        "{text}"
    );
}

#[test]
fn clean_checks_and_builds_append_sections_with_scorecard_levels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# Earlier step output\n").expect("write");
    let root = repo().join("examples/minimal");
    let check = run(catalogc()
        .args(["check", "--root"])
        .arg(&root)
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(check.code, 0);
    let build = run(catalogc()
        .args(["build", "--root"])
        .arg(repo().join("catalog-example"))
        .arg("--out")
        .arg(dir.path().join("dist"))
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(build.code, 0, "{}", build.stderr);
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        text.starts_with("# Earlier step output\n### ✅ catalogc check: checked 3 files (1 service): no problems found\n"),
        "appends, never truncates: {text}"
    );
    let build_section = &text[text.find("### ⚠️ catalogc build").expect("build section")..];
    assert!(
        build_section.contains("#### Scorecards\n\nEvaluated on 2026-12-31.\n"),
        "{build_section}"
    );
    assert!(
        build_section.contains("| service-maturity | 28 | gold 24, silver 0, bronze 4, none 0 |"),
        "{build_section}"
    );
}

#[test]
fn sarif_file_beside_another_format_matches_format_sarif() {
    let root = repo().join("examples/errors");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("catalogc.sarif");
    let human = run(catalogc()
        .args(["check", "--root"])
        .arg(&root)
        .arg("--sarif")
        .arg(&file));
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("error[unknown-team]"),
        "human report on stdout"
    );
    let sarif = run(catalogc()
        .args(["check", "--format", "sarif", "--root"])
        .arg(&root));
    let written = std::fs::read_to_string(&file).expect("sarif file");
    assert_eq!(written, sarif.stdout, "same bytes, run after run");
    let log: serde_json::Value = serde_json::from_str(&written).expect("json");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in run0["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(location["region"]["endColumn"].as_u64().is_some());
        assert!(result["partialFingerprints"]["catalogc/v1"].is_string());
    }
    for rule in rules {
        for key in [
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(rule.get(key).is_some(), "{key} in {rule}");
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.contains("## How to fix"))
        );
    }
    assert_eq!(run0["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(run0["tool"]["driver"]["informationUri"].is_string());
}

#[test]
fn build_writes_sarif_even_when_it_writes_no_bundle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("build.sarif");
    let result = run(catalogc()
        .args(["build", "--root"])
        .arg(fixtures().join("unknown-team"))
        .arg("--out")
        .arg(dir.path().join("dist"))
        .arg("--sarif")
        .arg(&file));
    assert_eq!(result.code, 1);
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("sarif")).expect("json");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));
    assert!(!dir.path().join("dist").exists());
}
