//! Discovery: which files are descriptors. `.gitignore` is honoured, tool directories are
//! skipped, and symlinks or special files never lead outside the catalog root or hang a run.

use crate::common::{SERVICE, TEAM, check_json, codes, tree};

fn service(name: &str) -> Vec<u8> {
    String::from_utf8_lossy(SERVICE)
        .replace("billing", name)
        .into_bytes()
}

#[test]
fn gitignore_rules_apply_with_the_deepest_match_winning() {
    let dir = tree(&[
        ("teams/payments.yml", TEAM),
        (
            "repos/.gitignore",
            b"vendor/\ngenerated/*\n!generated/keep/\n",
        ),
        ("repos/billing/service.yaml", &service("billing")),
        ("repos/vendor/lib/service.yaml", b"not: [valid"),
        ("repos/generated/old/service.yaml", b"not: [valid"),
        ("repos/generated/keep/service.yaml", &service("kept")),
        ("repos/ledger/.gitignore", b"service.yaml\n"),
        ("repos/ledger/service.yaml", b"not: [valid"),
        ("repos/node_modules/pkg/service.yaml", b"not: [valid"),
        ("repos/target/debug/service.yaml", b"not: [valid"),
        ("repos/.git/service.yaml", b"not: [valid"),
    ]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["summary"]["services"], 2);
}

#[cfg(unix)]
#[test]
fn symlinked_descriptors_are_read_inside_the_root_and_reported_outside_it() {
    let outside = tree(&[(
        "secret/service.yaml",
        b"apiVersion: catalogc/v1\nkind: Service\nname: TOPSECRET-outside\n",
    )]);
    let dir = tree(&[
        ("teams/payments.yaml", TEAM),
        ("shared/billing.yaml", &service("billing")),
    ]);
    let repos = dir.path().join("repos");
    std::fs::create_dir_all(repos.join("billing")).expect("mkdir");
    std::fs::create_dir_all(repos.join("evil")).expect("mkdir");
    std::fs::create_dir_all(repos.join("dangling")).expect("mkdir");
    std::os::unix::fs::symlink(
        dir.path().join("shared/billing.yaml"),
        repos.join("billing/service.yaml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(
        outside.path().join("secret/service.yaml"),
        repos.join("evil/service.yaml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink("../../nowhere.yaml", repos.join("dangling/service.yaml"))
        .expect("symlink");
    // A directory symlink out of the root is not followed.
    std::os::unix::fs::symlink(outside.path().join("secret"), repos.join("linked-dir"))
        .expect("symlink");

    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    assert_eq!(report["summary"]["services"], 1, "{report}");
    let escape = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["code"] == "path-escape")
        .expect("path-escape finding");
    assert_eq!(escape["file"], "repos/evil/service.yaml");
    assert!(codes(&report).contains(&"missing-file".to_owned()));
    assert!(
        !report.to_string().contains("TOPSECRET"),
        "outside content leaked: {report}"
    );
}

#[cfg(unix)]
#[test]
fn fifo_descriptor_is_reported_without_hanging() {
    let dir = tree(&[("teams/payments.yaml", TEAM)]);
    let path = dir.path().join("repos/billing/service.yaml");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1);
    assert_eq!(codes(&report), ["path-escape"]);
}
