//! `catalogc diff` on real git repositories built by the tests: events between two commits,
//! and between a commit and the working tree.

use std::path::Path;

use crate::common::{catalogc, run};

pub(crate) const CATALOG: &str =
    "apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nservices: [{path: repos}]\n";

pub(crate) const READINESS: &str = "\
apiVersion: catalogc/v1
kind: Scorecard
name: readiness
levels: [bronze, silver]
criteria:
  - name: described
    level: bronze
    check: 'has(service.description)'
  - name: tiered
    level: silver
    check: 'has(service.tier)'
";

pub(crate) fn team(name: &str) -> String {
    format!("apiVersion: catalogc/v1\nkind: Team\nname: {name}\n")
}

/// A service descriptor; `extra` is appended as written.
pub(crate) fn service(name: &str, owner: &str, extra: &str) -> String {
    format!(
        "apiVersion: catalogc/v1\nkind: Service\nname: {name}\nowner: {owner}\nlifecycle: production\n{extra}"
    )
}

/// The files of the base revision.
fn base_files() -> Vec<(String, String)> {
    vec![
        ("catalog.yaml".into(), CATALOG.into()),
        ("teams/payments.yaml".into(), team("payments")),
        ("teams/risk.yaml".into(), team("risk")),
        ("scorecards/readiness.yaml".into(), READINESS.into()),
        (
            "repos/billing/service.yaml".into(),
            service(
                "billing",
                "payments",
                "description: Invoices.\ntier: 2\ndependsOn: [ledger]\n",
            ),
        ),
        (
            "repos/ledger/service.yaml".into(),
            service("ledger", "payments", "description: Books.\ntier: 1\n"),
        ),
        (
            "repos/fraud/service.yaml".into(),
            service(
                "fraud",
                "risk",
                "description: Scores payments.\ntier: 2\nrepository: github:acme/fraud\n",
            ),
        ),
        (
            "repos/web/service.yaml".into(),
            service(
                "web",
                "payments",
                "description: Shop.\ntier: 1\ndependsOn: [billing]\n",
            ),
        ),
        (
            "repos/legacy/service.yaml".into(),
            service("legacy", "risk", "description: Old.\ntier: 3\n"),
        ),
    ]
}

/// The head: `search` added, `legacy` removed, `fraud` renamed (same repository), billing's
/// owner and dependencies changed, ledger's description dropped (a scorecard drop).
fn head_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = base_files()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("repos/legacy/"))
        .collect();
    let mut set = |path: &str, content: String| {
        files.retain(|(p, _)| p != path);
        files.push((path.to_owned(), content));
    };
    set(
        "repos/billing/service.yaml",
        service(
            "billing",
            "risk",
            "description: Invoices.\ntier: 2\ndependsOn: [fraud-detection]\n",
        ),
    );
    set(
        "repos/ledger/service.yaml",
        service("ledger", "payments", "tier: 1\n"),
    );
    set(
        "repos/fraud/service.yaml",
        service(
            "fraud-detection",
            "risk",
            "description: Scores payments.\ntier: 2\nrepository: github:acme/fraud\n",
        ),
    );
    set(
        "repos/search/service.yaml",
        service("search", "payments", "description: Finds.\ntier: 3\n"),
    );
    files
}

/// Replaces the working tree's files (outside `.git`) with `files`.
pub(crate) fn write_tree(dir: &Path, files: &[(String, String)]) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_name() != ".git" {
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(path).expect("remove");
            } else {
                std::fs::remove_file(path).expect("remove");
            }
        }
    }
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
}

/// Commits the whole working tree; a fixed signature keeps commit ids stable.
pub(crate) fn commit_all(repository: &git2::Repository, message: &str) {
    let mut index = repository.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.update_all(["*"], None).expect("update removed files");
    index.write().expect("write index");
    let tree = repository
        .find_tree(index.write_tree().expect("tree"))
        .expect("find tree");
    let signature =
        git2::Signature::new("Test", "test@example.invalid", &git2::Time::new(0, 0)).expect("sig");
    let parent = repository
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .expect("commit");
}

/// A repository whose `HEAD~1` is the base and `HEAD` the head; the working tree is `HEAD`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repository = git2::Repository::init(dir.path()).expect("init");
    write_tree(dir.path(), &base_files());
    commit_all(&repository, "base");
    write_tree(dir.path(), &head_files());
    commit_all(&repository, "head");
    dir
}

fn diff(dir: &Path, args: &[&str]) -> crate::common::Run {
    run(catalogc().arg("diff").args(args).arg("--root").arg(dir))
}

#[test]
fn reports_added_removed_renamed_owner_dependency_and_score_events_as_json() {
    let dir = repository();
    let result = diff(
        dir.path(),
        &["--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let types: Vec<(String, String)> = report["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or_default().to_owned(),
                e["service"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("service-added", "search"),
        ("service-removed", "legacy"),
        ("service-renamed", "fraud-detection"),
        ("owner-changed", "billing"),
        ("dependency-added", "billing"),
        ("dependency-removed", "billing"),
        ("score-changed", "ledger"),
    ] {
        assert!(
            types.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {types:?}"
        );
    }
    let drop = report["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["type"] == "score-changed" && e["service"] == "ledger")
        .expect("ledger's score change");
    assert_eq!(drop["drop"], true);
    assert_eq!(drop["fromLevel"], "silver");
    assert!(drop.get("toLevel").is_none());
    insta::assert_snapshot!("diff-json", result.stdout);
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let dir = repository();
    let result = diff(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    insta::assert_snapshot!("diff-markdown", result.stdout);
}

#[test]
fn the_head_defaults_to_the_working_tree_and_merge_base_syntax_works() {
    let dir = repository();
    let committed = diff(
        dir.path(),
        &["--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
    );
    let working = diff(dir.path(), &["--base", "HEAD~1...", "--format", "json"]);
    assert_eq!(working.code, 0, "{}", working.stderr);
    let events = |text: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(text).expect("json")["events"].clone()
    };
    assert_eq!(events(&committed.stdout), events(&working.stdout));
    let report: serde_json::Value = serde_json::from_str(&working.stdout).expect("json");
    assert_eq!(report["head"]["revision"], "working tree");
    assert!(report["head"].get("commit").is_none());
}

#[test]
fn unchanged_files_are_parsed_once() {
    let dir = repository();
    let result = run(catalogc()
        .env("CATALOGC_CACHE_STATS", "1")
        .args(["diff", "--base", "HEAD~1", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 0, "{}", result.stderr);
    // Of the base's 8 descriptors, the two teams, the scorecard and web are unchanged: the
    // base compilation finds them in the cache (and parses billing, ledger, fraud, legacy).
    assert!(
        result.stderr.contains("parse cache: 4 hits"),
        "{}",
        result.stderr
    );
}

#[test]
fn head_errors_exit_1_with_the_findings() {
    let dir = repository();
    std::fs::write(
        dir.path().join("repos/search/service.yaml"),
        service("search", "nobody", ""),
    )
    .expect("write");
    let result = diff(dir.path(), &["--base", "HEAD~1", "--format", "json"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["summary"]["headErrors"], 1);
    assert_eq!(report["headErrors"][0]["code"], "unknown-team");
    assert!(
        report["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["type"] == "finding-new" && e["finding"]["code"] == "unknown-team")
    );
    assert!(result.stderr.contains("unknown-team"), "{}", result.stderr);
    assert!(
        result.stderr.contains("repos/search/service.yaml"),
        "{}",
        result.stderr
    );
}

#[test]
fn an_unreadable_revision_exits_2() {
    let dir = repository();
    let result = diff(dir.path(), &["--base", "no-such-branch"]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("no-such-branch"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);

    let plain = tempfile::tempdir().expect("tempdir");
    std::fs::write(plain.path().join("catalog.yaml"), CATALOG).expect("write");
    let result = diff(plain.path(), &["--base", "HEAD"]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("not inside a git repository"),
        "{}",
        result.stderr
    );
}

#[test]
fn a_catalog_in_a_subdirectory_is_compared_at_its_own_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repository = git2::Repository::init(dir.path()).expect("init");
    let nested = |files: Vec<(String, String)>| -> Vec<(String, String)> {
        files
            .into_iter()
            .map(|(path, content)| (format!("catalog/{path}"), content))
            .chain(std::iter::once((
                "README.md".to_owned(),
                "# project\n".to_owned(),
            )))
            .collect()
    };
    write_tree(dir.path(), &nested(base_files()));
    commit_all(&repository, "base");
    write_tree(dir.path(), &nested(head_files()));
    let result = diff(
        &dir.path().join("catalog"),
        &["--base", "HEAD", "--format", "json"],
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["summary"]["added"], 1);
    assert_eq!(report["summary"]["removed"], 1);
    assert_eq!(report["summary"]["renamed"], 1);
}

#[test]
fn in_a_github_actions_step_the_markdown_goes_to_the_job_summary_too() {
    let dir = repository();
    let markdown = diff(dir.path(), &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    let out = tempfile::tempdir().expect("tempdir");
    let summary = out.path().join("summary.md");
    std::fs::write(&summary, "earlier section\n").expect("write");
    // Whatever `--format`: the JSON report goes to standard output, the Markdown to the summary.
    let result = run(catalogc()
        .args([
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", "--root",
        ])
        .arg(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["kind"], "CatalogDiff");
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(text, format!("earlier section\n{}\n", markdown.stdout));
}
