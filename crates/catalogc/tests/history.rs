//! `catalogc build --history N` on real git repositories built by the tests: the events of
//! each commit in `catalog.json` and on the site, deterministic bytes, shallow clones and
//! directories that are not repositories.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{catalogc, repo, run};
use crate::diff::{CATALOG, READINESS, commit_all, service, team, write_tree};

/// The catalog after each commit, oldest first, with the commit's message.
fn commits() -> Vec<(&'static str, Vec<(String, String)>)> {
    let first: Vec<(String, String)> = vec![
        ("catalog.yaml".into(), CATALOG.into()),
        ("teams/payments.yaml".into(), team("payments")),
        ("teams/risk.yaml".into(), team("risk")),
        ("scorecards/readiness.yaml".into(), READINESS.into()),
        (
            "repos/billing/service.yaml".into(),
            service("billing", "payments", "description: Invoices.\ntier: 2\n"),
        ),
        (
            "repos/ledger/service.yaml".into(),
            service("ledger", "payments", "description: Books.\ntier: 1\n"),
        ),
    ];
    let set = |files: &[(String, String)], path: &str, content: String| {
        let mut files: Vec<(String, String)> =
            files.iter().filter(|(p, _)| p != path).cloned().collect();
        files.push((path.to_owned(), content));
        files
    };
    let added = set(
        &first,
        "repos/search/service.yaml",
        service("search", "payments", "description: Finds.\ntier: 3\n"),
    );
    let owner = set(
        &added,
        "repos/billing/service.yaml",
        service("billing", "risk", "description: Invoices.\ntier: 2\n"),
    );
    let dependency = set(
        &owner,
        "repos/billing/service.yaml",
        service(
            "billing",
            "risk",
            "description: Invoices.\ntier: 2\ndependsOn: [search]\n",
        ),
    );
    // A file no descriptor reads: the catalog tree changes, its compilation does not.
    let readme = set(&dependency, "README.md", "# Catalog\n".to_owned());
    vec![
        ("Start the catalog", first),
        ("Add search", added),
        ("Billing moves to risk", owner),
        ("Billing <b>uses</b> search", dependency),
        ("Write a README", readme),
    ]
}

/// A repository holding every commit of [`commits`]; its working tree is the last one.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repository = git2::Repository::init(dir.path()).expect("init");
    for (message, files) in commits() {
        write_tree(dir.path(), &files);
        commit_all(&repository, message);
    }
    dir
}

fn build(root: &Path, out: &Path, history: Option<&str>) -> crate::common::Run {
    let mut command = catalogc();
    command
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out);
    if let Some(n) = history {
        command.args(["--history", n]);
    }
    run(&mut command)
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("below");
                out.insert(
                    relative.to_string_lossy().into_owned(),
                    std::fs::read(&path).expect("read"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `(type, service)` of a commit's events, with the upstream or owner change when there is one.
fn events_of(commit: &serde_json::Value) -> Vec<String> {
    commit["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let detail = e["upstream"]
                .as_str()
                .or(e["to"].as_str())
                .map(|d| format!(" {d}"))
                .unwrap_or_default();
            format!(
                "{} {}{detail}",
                e["type"].as_str().unwrap_or_default(),
                e["service"].as_str().unwrap_or("-")
            )
        })
        .filter(|e| !e.starts_with("score-changed"))
        .collect()
}

#[test]
fn history_writes_each_commit_s_events_into_the_bundle_and_the_site() {
    let dir = repository();
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let result = build(dir.path(), &dist, Some("10"));
    assert_eq!(result.code, 0, "{}", result.stderr);
    // Fewer commits than asked for: said on standard error, not an error.
    assert!(
        result
            .stderr
            .contains("--history 10: only 5 commits available"),
        "{}",
        result.stderr
    );

    let bundle = read_json(&dist.join("catalog.json"));
    let history = bundle["events"].as_array().expect("events");
    // Newest first; the README commit changed nothing in the compiled catalog.
    let subjects: Vec<&str> = history
        .iter()
        .map(|c| c["subject"].as_str().expect("subject"))
        .collect();
    assert_eq!(
        subjects,
        [
            "Billing <b>uses</b> search",
            "Billing moves to risk",
            "Add search",
            "Start the catalog"
        ]
    );
    assert_eq!(events_of(&history[0]), ["dependency-added billing search"]);
    assert_eq!(events_of(&history[1]), ["owner-changed billing risk"]);
    assert_eq!(events_of(&history[2]), ["service-added search"]);
    // The root commit is compared with an empty catalog.
    assert_eq!(
        events_of(&history[3]),
        ["service-added billing", "service-added ledger"]
    );
    assert!(history[3].get("parent").is_none());
    for commit in history {
        assert_eq!(commit["author"], "Test");
        assert_eq!(commit["date"], "1970-01-01T00:00:00Z");
        assert_eq!(commit["commit"].as_str().map(str::len), Some(40));
    }
    // Each commit's parent is the next (older) entry's commit here: every one changed something.
    assert_eq!(history[0]["parent"], history[1]["commit"]);
    // Author names only: no e-mail address anywhere in the bundle.
    let text = std::fs::read_to_string(dist.join("catalog.json")).expect("read");
    assert!(!text.contains("test@example.invalid"));

    // The bundle with events still validates against the committed schema.
    let schema = read_json(&repo().join("schemas/bundle.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&bundle)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The events page: every commit with an anchor, newest first, subjects escaped.
    let page = std::fs::read_to_string(dist.join("site/events.html")).expect("events page");
    let newest = history[0]["commit"].as_str().expect("id");
    let anchor = format!("id=\"c-{newest}\"");
    assert!(page.contains(&anchor), "{page}");
    assert!(page.contains("Billing &lt;b&gt;uses&lt;&#x2f;b&gt; search"));
    assert!(!page.contains("<b>uses</b>"));
    assert!(page.contains("now depends on"));
    let positions: Vec<usize> = history
        .iter()
        .map(|c| {
            page.find(&format!("id=\"c-{}\"", c["commit"].as_str().expect("id")))
                .expect("each commit has a section")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "newest first");
    // Linked from the navigation of every page.
    let index = std::fs::read_to_string(dist.join("site/index.html")).expect("index");
    assert!(index.contains("<a href=\"events.html\">Events</a>"));

    // Billing's page lists its recent changes, linking to their commits.
    let billing = std::fs::read_to_string(dist.join("site/services/billing.html")).expect("page");
    assert!(billing.contains("Recent changes"));
    assert!(billing.contains(&format!("href=\"../events.html#c-{newest}\"")));
}

#[test]
fn history_output_is_the_same_bytes_twice() {
    let dir = repository();
    let out = tempfile::tempdir().expect("tempdir");
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    for dist in [&a, &b] {
        let result = build(dir.path(), dist, Some("3"));
        assert_eq!(result.code, 0, "{}", result.stderr);
        // Exactly 3 commits exist for 3 asked: nothing to say.
        assert!(!result.stderr.contains("--history"), "{}", result.stderr);
    }
    let (first, second) = (files(&a), files(&b));
    assert!(first.contains_key("site/events.html"));
    assert_eq!(first, second);
    let bundle = read_json(&a.join("catalog.json"));
    // The last 3 commits: README (no events), the dependency and the owner change.
    assert_eq!(bundle["events"].as_array().map(Vec::len), Some(2));
    // A service without events in those commits has no "Recent changes".
    let ledger = String::from_utf8_lossy(&first["site/services/ledger.html"]).into_owned();
    assert!(!ledger.contains("Recent changes"));
    let billing = String::from_utf8_lossy(&first["site/services/billing.html"]).into_owned();
    assert!(billing.contains("Recent changes"));
}

#[test]
fn without_history_the_bundle_has_no_events_and_the_site_no_events_page() {
    let dir = repository();
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let result = build(dir.path(), &dist, None);
    assert_eq!(result.code, 0, "{}", result.stderr);
    let bundle = read_json(&dist.join("catalog.json"));
    assert!(bundle.get("events").is_none());
    assert!(!dist.join("site/events.html").exists());
    let index = std::fs::read_to_string(dist.join("site/index.html")).expect("index");
    assert!(!index.contains("events.html"));
    let billing = std::fs::read_to_string(dist.join("site/services/billing.html")).expect("page");
    assert!(!billing.contains("Recent changes"));
}

#[test]
fn history_outside_a_git_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), &commits()[0].1);
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let result = build(dir.path(), &dist, Some("5"));
    assert_eq!(result.code, 2, "{}", result.stderr);
    let lines: Vec<&str> = result.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", result.stderr);
    assert!(
        lines[0].contains("--history") && lines[0].contains("not inside a git repository"),
        "{}",
        result.stderr
    );
    assert!(!dist.exists(), "nothing was written");
}

#[test]
fn a_shallow_clone_gives_the_history_it_has() {
    let dir = repository();
    let clones = tempfile::tempdir().expect("tempdir");
    let clone = clones.path().join("clone");
    let status = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "3"])
        .arg(format!("file://{}", dir.path().display()))
        .arg(&clone)
        .status();
    let Ok(status) = status else {
        eprintln!("git is not installed; skipping");
        return;
    };
    assert!(status.success());
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let result = build(&clone, &dist, Some("50"));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stderr.contains("only 2 commits available")
            && result.stderr.contains("shallow clone"),
        "{}",
        result.stderr
    );
    // The boundary commit (the owner change) has no parent here: it cannot be compared.
    let bundle = read_json(&dist.join("catalog.json"));
    let history = bundle["events"].as_array().expect("events");
    assert_eq!(history.len(), 1);
    assert_eq!(events_of(&history[0]), ["dependency-added billing search"]);
}
