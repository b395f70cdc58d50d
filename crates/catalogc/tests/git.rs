//! `git:` sources end to end: descriptors and the files they reference are read from the
//! object database at a revision, never from a working tree.

use std::path::Path;

use crate::common::{TEAM, catalogc, run, tree};

/// Commits `files` into a new bare repository at `path`.
fn bare_repository(path: &Path, files: &[(&str, &str)]) {
    let repository = git2::Repository::init_bare(path).expect("init");
    let mut index = git2::Index::new().expect("index");
    for (name, content) in files {
        let blob = repository.blob(content.as_bytes()).expect("blob");
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: content.len() as u32,
            id: blob,
            flags: 0,
            flags_extended: 0,
            path: name.as_bytes().to_vec(),
        };
        index.add(&entry).expect("add");
    }
    let tree_id = index.write_tree_to(&repository).expect("tree");
    let tree = repository.find_tree(tree_id).expect("find tree");
    let signature =
        git2::Signature::new("Test", "test@example.invalid", &git2::Time::new(0, 0)).expect("sig");
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            "descriptors",
            &tree,
            &[],
        )
        .expect("commit");
}

#[test]
fn services_and_their_files_come_from_git_objects() {
    let dir = tree(&[
        ("catalog.yaml", b"apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nservices:\n  - git: mirrors/*.git\n"),
        ("teams/payments.yaml", TEAM),
    ]);
    bare_repository(
        &dir.path().join("mirrors/billing.git"),
        &[
            (
                "service.yaml",
                "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlifecycle: production\ndocs: [docs/README.md]\n",
            ),
            ("docs/README.md", "# Billing from git\n\nIssues invoices.\n"),
        ],
    );
    bare_repository(
        &dir.path().join("mirrors/ledger.git"),
        &[(
            "service.yaml",
            "apiVersion: catalogc/v1\nkind: Service\nname: ledger\nowner: payments\nlifecycle: production\ndocs: [docs/missing.md]\n",
        )],
    );
    let result = run(catalogc()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).expect("json");
    assert_eq!(report["summary"]["services"], 2);
    let finding = &report["diagnostics"][0];
    assert_eq!(finding["code"], "missing-file");
    assert_eq!(finding["file"], "mirrors/ledger.git/service.yaml");
    assert_eq!(finding["line"], 6);

    // Without the broken service, the bundle carries the git-read descriptor and doc.
    std::fs::remove_dir_all(dir.path().join("mirrors/ledger.git")).expect("remove");
    let out = dir.path().join("dist");
    let build = run(catalogc()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out));
    assert_eq!(build.code, 0, "{}", build.stderr);
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalog.json")).expect("read"))
            .expect("json");
    let billing = &bundle["services"][0];
    assert_eq!(
        billing["source"]["file"],
        "mirrors/billing.git/service.yaml"
    );
    assert_eq!(
        billing["docs"][0]["path"],
        "mirrors/billing.git/docs/README.md"
    );
    assert_eq!(billing["docs"][0]["title"], "Billing from git");
}
