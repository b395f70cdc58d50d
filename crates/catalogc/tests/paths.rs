//! Files referenced from descriptors (docs, specs, pipelines) never lead outside the
//! service's repository (SPEC 6): every escape is a located finding, and no byte of an
//! outside file reaches any output.

#![cfg(unix)]

use std::os::unix::fs::symlink;

use crate::common::{TEAM, catalogc, run, tree};

const SECRET: &str = "TOPSECRET-outside-content";

/// Checks a catalog whose billing service lists `docs: [reference]`, after `prepare` has
/// arranged the repository. Expects exit 1 and exactly one finding of `code` at the docs
/// entry, and the secret in no output.
fn rejects(reference: &str, code: &str, prepare: impl FnOnce(&std::path::Path, &std::path::Path)) {
    let outside = tree(&[
        ("secret.md", SECRET.as_bytes()),
        ("dir/secret.md", SECRET.as_bytes()),
    ]);
    let service = format!(
        "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ndocs:\n  - {reference}\n"
    );
    let dir = tree(&[
        ("teams/payments.yaml", TEAM),
        ("repos/billing/service.yaml", service.as_bytes()),
        ("repos/billing/docs/README.md", b"# Billing\n"),
    ]);
    prepare(dir.path(), outside.path());
    for format in ["json", "human", "github", "sarif"] {
        let result = run(catalogc()
            .args(["check", "--format", format, "--root"])
            .arg(dir.path()));
        assert_eq!(
            result.code, 1,
            "{reference}: {}{}",
            result.stdout, result.stderr
        );
        assert!(
            !result.stdout.contains(SECRET) && !result.stderr.contains(SECRET),
            "{reference}: secret leaked"
        );
        if format == "json" {
            let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
            let findings = report["diagnostics"].as_array().expect("list");
            assert_eq!(findings.len(), 1, "{reference}: {report}");
            let finding = &findings[0];
            assert_eq!(finding["code"], code, "{reference}: {finding}");
            assert_eq!(finding["file"], "repos/billing/service.yaml");
            assert_eq!(
                (finding["line"].as_u64(), finding["column"].as_u64()),
                (Some(7), Some(5)),
                "{finding}"
            );
            assert_eq!(finding["pointer"], "/docs/0");
        }
    }
    let out = dir.path().join("dist");
    let build = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(build.code, 1);
    assert!(!out.exists());
}

#[test]
fn parent_directories_out_of_the_repository() {
    rejects("../../../secret.md", "path-escape", |_, _| {});
}

#[test]
fn normalised_parent_directories() {
    rejects("docs/../../../../secret.md", "path-escape", |_, _| {});
}

#[test]
fn absolute_paths() {
    rejects("/etc/passwd", "path-escape", |_, _| {});
}

#[test]
fn git_directory() {
    rejects(".git/config", "path-escape", |root, _| {
        std::fs::create_dir_all(root.join("repos/billing/.git")).expect("mkdir");
        std::fs::write(root.join("repos/billing/.git/config"), SECRET).expect("write");
    });
}

#[test]
fn absolute_symlink_out() {
    rejects("docs/link.md", "path-escape", |root, outside| {
        symlink(
            outside.join("secret.md"),
            root.join("repos/billing/docs/link.md"),
        )
        .expect("symlink");
    });
}

#[test]
fn relative_symlink_out() {
    rejects("docs/link.md", "path-escape", |root, outside| {
        let depth = root.join("repos/billing/docs").components().count();
        let up = "../".repeat(depth);
        let target = format!(
            "{up}{}",
            outside
                .join("secret.md")
                .display()
                .to_string()
                .trim_start_matches('/')
        );
        symlink(target, root.join("repos/billing/docs/link.md")).expect("symlink");
    });
}

#[test]
fn symlink_chain_out() {
    rejects("docs/a.md", "path-escape", |root, outside| {
        symlink("b.md", root.join("repos/billing/docs/a.md")).expect("symlink");
        symlink("c.md", root.join("repos/billing/docs/b.md")).expect("symlink");
        symlink(
            outside.join("secret.md"),
            root.join("repos/billing/docs/c.md"),
        )
        .expect("symlink");
    });
}

#[test]
fn directory_symlink_out() {
    rejects("docs/shared/secret.md", "path-escape", |root, outside| {
        symlink(outside.join("dir"), root.join("repos/billing/docs/shared")).expect("symlink");
    });
}

#[test]
fn dangling_symlink() {
    rejects("docs/gone.md", "missing-file", |root, _| {
        symlink("nowhere.md", root.join("repos/billing/docs/gone.md")).expect("symlink");
    });
}

#[test]
fn fifo() {
    rejects("docs/pipe.md", "path-escape", |root, _| {
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("repos/billing/docs/pipe.md"))
            .status()
            .expect("mkfifo");
        assert!(made.success());
    });
}

#[test]
fn device() {
    rejects("docs/zero.md", "path-escape", |root, _| {
        symlink("/dev/zero", root.join("repos/billing/docs/zero.md")).expect("symlink");
    });
}

#[test]
fn the_repository_boundary_is_the_nearest_git_directory() {
    // billing is its own repository: a sibling repository is outside it, even though it is
    // inside the catalog root.
    rejects("../ledger/docs/README.md", "path-escape", |root, _| {
        std::fs::create_dir_all(root.join("repos/billing/.git")).expect("mkdir");
        std::fs::create_dir_all(root.join("repos/ledger/docs")).expect("mkdir");
        std::fs::write(root.join("repos/ledger/docs/README.md"), "# Ledger\n").expect("write");
    });
}

#[test]
fn a_directory_is_not_a_file() {
    rejects("docs", "missing-file", |_, _| {});
}

#[test]
fn missing_files_suggest_a_close_name() {
    let dir = tree(&[
        ("teams/payments.yaml", TEAM),
        (
            "repos/billing/service.yaml",
            b"apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ndocs: [docs/runbok.md]\n",
        ),
        ("repos/billing/docs/runbook.md", b"# Runbook\n"),
    ]);
    let result = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["diagnostics"][0]["code"], "missing-file");
    assert_eq!(
        report["diagnostics"][0]["help"],
        "did you mean `runbook.md`?"
    );
}
