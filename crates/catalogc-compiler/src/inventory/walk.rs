//! Resolving an integration's `path` to the snapshot files to read, without ever leaving the
//! catalog root (SPEC 6).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use catalogc_diagnostics::{Code, Diagnostic, quote};

use crate::discover::{Configuration, lexically_inside};
use crate::relative_path;
use crate::revision::{EntryKind, Revision};

/// A snapshot file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SnapshotPath {
    /// Catalog-relative display path (a symlink's own path, not its target's).
    pub display: String,
    /// Where to read it from.
    pub path: PathBuf,
    /// Its blob, when read from a revision.
    pub blob: Option<git2::Oid>,
}

/// Deepest directory nesting searched below an integration directory.
const MAX_DEPTH: usize = 64;

/// Extensions of snapshot files inside an integration directory.
const EXTENSIONS: [&str; 3] = [".yaml", ".yml", ".json"];

/// The files of the integration at `relative`: the file itself, or every `*.yaml`, `*.yml`
/// and `*.json` file below the directory, sorted. `None` (with a finding at `pointer` in
/// `catalog.yaml`) when the path leaves the root or does not exist.
pub(crate) fn snapshot_files(
    root: &Path,
    relative: &str,
    pointer: &str,
    configuration: &Configuration,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<SnapshotPath>> {
    let Some(lexical) = lexically_inside(root, relative) else {
        diagnostics.push(
            configuration.at(
                Diagnostic::new(
                    Code::PathEscape,
                    format!(
                        "the inventory path {} leaves the catalog root",
                        quote(relative)
                    ),
                )
                .with_help(
                    "paths in catalog.yaml are relative to the catalog root and stay inside it",
                ),
                pointer,
            ),
        );
        return None;
    };
    let real = match std::fs::canonicalize(&lexical) {
        Ok(real) => real,
        Err(_) => {
            diagnostics.push(
                configuration.at(
                    Diagnostic::new(
                        Code::MissingFile,
                        format!(
                            "the inventory snapshot {} does not exist in the catalog root",
                            quote(relative)
                        ),
                    )
                    .with_help("commit the export at this path, or fix the path"),
                    pointer,
                ),
            );
            return None;
        }
    };
    if !real.starts_with(root) {
        diagnostics.push(
            configuration.at(
                Diagnostic::new(
                    Code::PathEscape,
                    format!(
                        "the inventory path {} leads outside the catalog root through a symlink",
                        quote(relative)
                    ),
                )
                .with_help("commit the export itself instead of a symlink to it"),
                pointer,
            ),
        );
        return None;
    }
    if real.is_file() {
        return Some(vec![SnapshotPath {
            display: relative_path(root, &lexical),
            path: real,
            blob: None,
        }]);
    }
    if !real.is_dir() {
        diagnostics.push(configuration.at(
            Diagnostic::new(
                Code::PathEscape,
                format!(
                    "the inventory path {} is not a regular file or directory (a FIFO, socket or device)",
                    quote(relative)
                ),
            ),
            pointer,
        ));
        return None;
    }
    let mut files = Vec::new();
    let mut visited = HashSet::from([real]);
    walk(root, &lexical, 0, &mut visited, &mut files, diagnostics);
    files.sort();
    if files.is_empty() {
        diagnostics.push(
            configuration.at(
                Diagnostic::new(
                    Code::InvalidInventory,
                    format!(
                        "the inventory directory {} holds no `*.yaml`, `*.yml` or `*.json` file",
                        quote(relative)
                    ),
                )
                .with_help("commit the export into this directory, or fix the path"),
                pointer,
            ),
        );
    }
    Some(files)
}

/// [`snapshot_files`] at a revision: the blob itself, or every snapshot blob below the tree.
/// Symlinks are never followed at a revision; one named like a snapshot is reported.
pub(crate) fn revision_snapshot_files(
    revision: &Revision,
    relative: &str,
    pointer: &str,
    configuration: &Configuration,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<SnapshotPath>> {
    let Some(lexical) = lexically_inside(Path::new(""), relative) else {
        diagnostics.push(configuration.at(
            Diagnostic::new(
                Code::PathEscape,
                format!(
                    "the inventory path {} leaves the catalog root",
                    quote(relative)
                ),
            ),
            pointer,
        ));
        return None;
    };
    let path = relative_path(Path::new(""), &lexical);
    let missing = |diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(
            configuration.at(
                Diagnostic::new(
                    Code::MissingFile,
                    format!(
                        "the inventory snapshot {} does not exist in the catalog root",
                        quote(relative)
                    ),
                )
                .with_help("commit the export at this path, or fix the path"),
                pointer,
            ),
        );
    };
    let Some(entry) = revision.entry(&path) else {
        missing(diagnostics);
        return None;
    };
    let snapshot = |display: &str, blob| SnapshotPath {
        display: display.to_owned(),
        path: PathBuf::from(display),
        blob: Some(blob),
    };
    match entry.kind {
        EntryKind::File => Some(vec![snapshot(&path, entry.id)]),
        EntryKind::Directory => {
            let mut files = Vec::new();
            for (display, entry) in revision.below(&path) {
                let wanted = EXTENSIONS
                    .iter()
                    .any(|extension| display.ends_with(extension));
                match entry.kind {
                    EntryKind::File if wanted => files.push(snapshot(display, entry.id)),
                    EntryKind::Symlink if wanted => diagnostics.push(
                        Diagnostic::new(
                            Code::PathEscape,
                            "this inventory file is a symlink; at a revision symlinks are not followed, so it was not read",
                        )
                        .in_file(display),
                    ),
                    _ => {}
                }
            }
            if files.is_empty() {
                diagnostics.push(configuration.at(
                    Diagnostic::new(
                        Code::InvalidInventory,
                        format!(
                            "the inventory directory {} holds no `*.yaml`, `*.yml` or `*.json` file",
                            quote(relative)
                        ),
                    ),
                    pointer,
                ));
            }
            Some(files)
        }
        EntryKind::Symlink | EntryKind::Submodule => {
            diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::PathEscape,
                    format!(
                        "the inventory path {} is a symlink or submodule, which is not followed at a revision",
                        quote(relative)
                    ),
                ),
                pointer,
            ));
            None
        }
    }
}

/// Collects snapshot files below `dir` (a path under the root, possibly through symlinked
/// directories that stay inside it). `visited` holds canonical directories already walked,
/// so a symlink loop ends.
fn walk(
    root: &Path,
    dir: &Path,
    depth: usize,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<SnapshotPath>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidInventory,
                "this inventory directory cannot be read",
            )
            .in_file(relative_path(root, dir)),
        );
        return;
    };
    let mut entries: Vec<(std::ffi::OsString, std::fs::FileType)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name(), entry.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, file_type) in entries {
        let path = dir.join(&name);
        let display = relative_path(root, &path);
        let text = name.to_string_lossy();
        if file_type.is_dir() {
            // Version-control metadata is never inventory (and never read, SPEC 6).
            if name != ".git" {
                descend(root, &path, &path, depth, visited, files, diagnostics);
            }
            continue;
        }
        let wanted = EXTENSIONS.iter().any(|extension| text.ends_with(extension));
        if file_type.is_symlink() {
            match std::fs::canonicalize(&path) {
                Ok(target) if !target.starts_with(root) => {
                    if wanted || target.is_dir() {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::PathEscape,
                                "this inventory file is a symlink that leads outside the catalog root; it was not read",
                            )
                            .in_file(display)
                            .with_help("commit the export itself instead of a symlink to it"),
                        );
                    }
                }
                Ok(target) if target.is_dir() => {
                    descend(root, &path, &target, depth, visited, files, diagnostics);
                }
                Ok(target) if wanted && target.is_file() => files.push(SnapshotPath {
                    display,
                    path: target,
                    blob: None,
                }),
                Ok(_) if wanted => diagnostics.push(
                    Diagnostic::new(
                        Code::PathEscape,
                        "this inventory file is a symlink to something that is not a regular file; it was not read",
                    )
                    .in_file(display),
                ),
                Ok(_) => {}
                Err(_) if wanted => diagnostics.push(
                    Diagnostic::new(
                        Code::MissingFile,
                        "this inventory file is a symlink to a file that does not exist",
                    )
                    .in_file(display),
                ),
                Err(_) => {}
            }
            continue;
        }
        if !wanted {
            continue;
        }
        if file_type.is_file() {
            files.push(SnapshotPath {
                display,
                path,
                blob: None,
            });
        } else {
            // FIFOs and devices are never opened: reading one could block forever.
            diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    "this inventory file is not a regular file (a FIFO, socket or device); it was not read",
                )
                .in_file(display),
            );
        }
    }
}

/// Walks the directory at `path` (canonically `real`) unless it was walked already or is too
/// deep.
fn descend(
    root: &Path,
    path: &Path,
    real: &Path,
    depth: usize,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<SnapshotPath>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let real = std::fs::canonicalize(real).unwrap_or_else(|_| real.to_path_buf());
    if !visited.insert(real) {
        return;
    }
    if depth >= MAX_DEPTH {
        diagnostics.push(
            Diagnostic::new(
                Code::YamlLimits,
                format!(
                    "directories nest deeper than {MAX_DEPTH} levels here; deeper ones were not searched for inventory files"
                ),
            )
            .in_file(relative_path(root, path)),
        );
        return;
    }
    walk(root, path, depth + 1, visited, files, diagnostics);
}
