//! Ctrl-C and SIGTERM during a build: exit status 130, the previous bundle intact, and no
//! temporary directory left behind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TEAM, tree};

/// A catalog large enough that writing its bundle takes a noticeable time.
fn big_catalog(services: usize) -> tempfile::TempDir {
    let dir = tree(&[("teams/payments.yaml", TEAM)]);
    for i in 0..services {
        let path = dir.path().join(format!("repos/s{i:05}/service.yaml"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let depends = if i > 0 {
            format!("dependsOn: [s{:05}]\n", i / 2)
        } else {
            String::new()
        };
        std::fs::write(
            path,
            format!(
                "apiVersion: catalogc/v1\nkind: Service\nname: s{i:05}\ntitle: Service {i}\ndescription: A service generated to make the bundle large enough to interrupt.\nowner: payments\nlifecycle: production\ntier: 2\ntags: [generated, test]\n{depends}"
            ),
        )
        .expect("write");
    }
    dir
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((
                    path.display().to_string(),
                    std::fs::read(&path).expect("read"),
                ));
            }
        }
    }
    files.sort();
    files
}

fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("catalogc-"))
        .collect()
}

fn interrupt_while_writing(signal: &str) {
    let catalog = big_catalog(4_000);
    let out_parent = tempfile::tempdir().expect("tempdir");
    let out = out_parent.path().join("dist");
    let binary = assert_cmd::cargo::cargo_bin("catalogc");
    let first = Command::new(&binary)
        .args(["build", "--root"])
        .arg(catalog.path())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("first build");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&out);
    // Change the catalog so a completed second build would differ.
    std::fs::write(
        catalog.path().join("repos/s00000/service.yaml"),
        "apiVersion: catalogc/v1\nkind: Service\nname: s00000\ntitle: Changed\nowner: payments\nlifecycle: production\n",
    )
    .expect("write");

    let mut child = Command::new(&binary)
        .args(["build", "--root"])
        .arg(catalog.path())
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("second build");
    let started = Instant::now();
    let staging_seen = loop {
        if leftovers(out_parent.path())
            .iter()
            .any(|n| n.contains("staging"))
        {
            break true;
        }
        if child.try_wait().expect("poll").is_some() || started.elapsed() > Duration::from_secs(60)
        {
            break false;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    assert!(
        staging_seen,
        "the build finished before it could be interrupted"
    );
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&out), before, "the previous bundle changed");
    assert_eq!(
        leftovers(out_parent.path()),
        Vec::<String>::new(),
        "temporaries left behind"
    );
}

#[test]
fn ctrl_c_while_writing_keeps_the_previous_bundle() {
    interrupt_while_writing("-INT");
}

#[test]
fn sigterm_while_writing_keeps_the_previous_bundle() {
    interrupt_while_writing("-TERM");
}
