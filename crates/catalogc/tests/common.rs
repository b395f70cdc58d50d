//! Helpers shared by the CLI tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

/// The directory of committed fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/catalogc/tests/fixtures")
}

/// The repository root (for examples and catalog-example).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The real binary, with a hard time-out so a hang fails the test instead of CI, and an
/// environment that does not depend on the machine running the test.
pub fn catalogc() -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("catalogc"));
    command
        .timeout(Duration::from_secs(60))
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("GITHUB_STEP_SUMMARY")
        // Job summaries link locations to the commit these name.
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        // Scorecards are evaluated on a fixed date (2026-12-31), whatever the commit.
        .env("SOURCE_DATE_EPOCH", "1798675200")
        .env("NO_COLOR", "1");
    command
}

/// Output of a run: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("catalogc runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `catalogc check --root ROOT --format json`, parsed.
pub fn check_json(root: &Path) -> (i32, serde_json::Value) {
    let result = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(root));
    let json = serde_json::from_str(&result.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}): {}\n{}",
            result.stdout, result.stderr
        )
    });
    (result.code, json)
}

/// The codes of a JSON report's diagnostics.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Writes `files` (path, content) under a new temporary directory.
pub fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

pub const TEAM: &[u8] = b"apiVersion: catalogc/v1\nkind: Team\nname: payments\n";

pub const SERVICE: &[u8] =
    b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\n";
