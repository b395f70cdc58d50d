//! Adoption on an existing catalog: `check --write-baseline`, `check --baseline` (only new
//! findings, stale entries reported) and `--deny-warnings`, on `baseline-fixture/`.

use std::path::{Path, PathBuf};

use crate::common::{catalogc, run};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/catalogc/tests/baseline-fixture")
}

/// A writable copy of the fixture catalog and its baseline.
fn copy() -> tempfile::TempDir {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(), dir.path());
    dir
}

fn check_with_baseline(dir: &Path, extra: &[&str]) -> crate::common::Run {
    run(catalogc()
        .args([
            "check",
            "--root",
            "catalog",
            "--baseline",
            "catalogc-baseline.json",
        ])
        .args(extra)
        .current_dir(dir))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} in {}", path.display());
    std::fs::write(path, text.replace(from, to)).expect("write");
}

#[test]
fn writing_the_baseline_gives_the_committed_file() {
    // Pins the file format: the committed baseline is exactly what catalogc writes today.
    let dir = copy();
    let result = run(catalogc()
        .args(["check", "--root", "catalog", "--write-baseline", "new.json"])
        .current_dir(dir.path()));
    assert_eq!(
        result.code, 0,
        "recording succeeds despite errors: {}",
        result.stderr
    );
    assert_eq!(result.stdout, "", "nothing is reported while recording");
    assert_eq!(
        result.stderr,
        "catalogc: recorded 3 findings in new.json (2 errors, 1 warning); `catalogc check --baseline new.json` reports only new ones\n"
    );
    let written = std::fs::read_to_string(dir.path().join("new.json")).expect("written");
    let committed =
        std::fs::read_to_string(fixture().join("catalogc-baseline.json")).expect("committed");
    assert_eq!(written, committed);
}

#[test]
fn known_findings_are_not_reported() {
    let dir = copy();
    let result = check_with_baseline(dir.path(), &[]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(
        result.stdout,
        "checked 6 files (4 services): no problems found\n"
    );
    assert_eq!(
        result.stderr,
        "catalogc: 3 known findings recorded in the baseline catalogc-baseline.json are not reported\n"
    );
    // Without the baseline, the same catalog fails.
    let plain = run(catalogc()
        .args(["check", "--root", "catalog"])
        .current_dir(dir.path()));
    assert_eq!(plain.code, 1);
}

#[test]
fn moved_lines_keep_findings_known() {
    let dir = copy();
    let billing = dir.path().join("catalog/repos/billing/service.yaml");
    edit(
        &billing,
        "apiVersion",
        "# Billing, owned by payments.\n\n\napiVersion",
    );
    let result = check_with_baseline(dir.path(), &["--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}

#[test]
fn new_findings_are_reported_and_fixed_ones_counted_as_stale() {
    let dir = copy();
    // Fix the known unknown-team finding, and add a new one elsewhere.
    edit(
        &dir.path().join("catalog/repos/billing/service.yaml"),
        "owner: paymnts",
        "owner: payments",
    );
    edit(
        &dir.path().join("catalog/repos/orders/service.yaml"),
        "owner: payments",
        "owner: paymints",
    );
    let result = check_with_baseline(dir.path(), &["--format", "json"]);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found, [("unknown-team", "repos/orders/service.yaml")]);
    assert_eq!(
        result.stderr,
        "catalogc: 2 known findings recorded in the baseline catalogc-baseline.json are not reported\n\
         catalogc: 1 baseline entry matches no finding any more (fixed): shrink the baseline with `catalogc check --write-baseline catalogc-baseline.json`\n"
    );
}

#[test]
fn a_changed_message_is_a_new_finding() {
    // The fingerprint holds the message: a different wrong team is a different finding.
    let dir = copy();
    edit(
        &dir.path().join("catalog/repos/billing/service.yaml"),
        "owner: paymnts",
        "owner: paymants",
    );
    let result = check_with_baseline(dir.path(), &[]);
    assert_eq!(result.code, 1);
    assert!(result.stdout.contains("`paymants`"), "{}", result.stdout);
    assert!(
        result
            .stderr
            .contains("1 baseline entry matches no finding"),
        "{}",
        result.stderr
    );
}

#[test]
fn deny_warnings_fails_on_new_warnings_only() {
    let dir = copy();
    let known = check_with_baseline(dir.path(), &["--deny-warnings"]);
    assert_eq!(
        known.code, 0,
        "a baselined warning does not fail: {}",
        known.stdout
    );
    // A second deprecated dependency: a new warning.
    edit(
        &dir.path().join("catalog/repos/ledger/service.yaml"),
        "dependsOn: [ledgr-core]",
        "dependsOn: [ledgr-core, legacy-ledger]",
    );
    let warned = check_with_baseline(dir.path(), &[]);
    assert_eq!(warned.code, 0, "warnings alone pass: {}", warned.stdout);
    assert!(warned.stdout.contains("warning[deprecated-dependency]"));
    let denied = check_with_baseline(dir.path(), &["--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stdout);
}

#[test]
fn baseline_with_paths_counts_stale_entries_against_the_whole_catalog() {
    // pre-commit passes only the changed files; findings elsewhere are still known, not stale.
    let dir = copy();
    let result = check_with_baseline(dir.path(), &["catalog/repos/orders/service.yaml"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(!result.stderr.contains("stale"), "{}", result.stderr);
    assert!(!result.stderr.contains("fixed"), "{}", result.stderr);
}

#[test]
fn github_format_reports_baseline_notes_as_notices() {
    let dir = copy();
    edit(
        &dir.path().join("catalog/repos/billing/service.yaml"),
        "owner: paymnts",
        "owner: payments",
    );
    let summary = dir.path().join("summary.md");
    let result = run(catalogc()
        .args([
            "check",
            "--root",
            "catalog",
            "--baseline",
            "catalogc-baseline.json",
        ])
        .args(["--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(dir.path()));
    assert_eq!(result.code, 0);
    assert_eq!(result.stdout, "");
    let text = std::fs::read_to_string(&summary).expect("job summary");
    assert!(
        text.contains(
            "\n1 baseline entry matches no finding any more (fixed): shrink the baseline"
        ),
        "the job summary says so too: {text}"
    );
    assert_eq!(
        result.stderr,
        "::notice title=catalogc baseline::2 known findings recorded in the baseline catalogc-baseline.json are not reported\n\
         ::notice title=catalogc baseline::1 baseline entry matches no finding any more (fixed): shrink the baseline with `catalogc check --write-baseline catalogc-baseline.json`\n"
    );
}

#[test]
fn unreadable_baselines_fail_with_one_line() {
    let dir = copy();
    std::fs::write(dir.path().join("catalogc-baseline.json"), "[1, 2]").expect("write");
    let result = check_with_baseline(dir.path(), &[]);
    assert_eq!(result.code, 2);
    assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
    assert!(
        result
            .stderr
            .starts_with("catalogc failed: catalogc-baseline.json: not a catalogc baseline"),
        "{}",
        result.stderr
    );
    let missing = run(catalogc()
        .args(["check", "--root", "catalog", "--baseline", "nope.json"])
        .current_dir(dir.path()));
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("catalogc failed: cannot read the baseline nope.json")
    );
    // Recording a partial baseline from PATHS is refused: it would call everything else new.
    let partial = run(catalogc()
        .args([
            "check",
            "--root",
            "catalog",
            "--write-baseline",
            "b.json",
            "catalog/teams/payments.yaml",
        ])
        .current_dir(dir.path()));
    assert_eq!(partial.code, 2);
}
