//! `git:` service sources (SPEC 1.1): `service.yaml` files read from git repositories at a
//! revision, straight from the object database — no checkout, no working-tree reads.
//!
//! A source names a glob of directories relative to the catalog root (`mirrors/*.git`). Each
//! matched directory that is a git repository (bare or not) is opened without searching upward,
//! its `ref` is resolved to a tree, and the tree is walked for blobs named `service.yaml`. Files
//! those descriptors reference (docs, specs, pipelines) are later read from the same tree
//! through [`GitRepository::read`].
//!
//! SPEC 6 applies to repositories as to directories: nothing outside the catalog root is read.
//! libgit2 follows whatever a repository's files point at (a `.git` file naming another
//! directory, `commondir`, object `alternates`, `[include]` in its config, symlinks anywhere in
//! the git directory), so every repository is checked for those *before* libgit2 opens it, and
//! one that points outside the root is reported as `path-escape` instead of being read. Inside
//! the tree, symlinks are never followed (their target is text in a blob, resolved against a
//! checkout we do not have) and submodules are not entered.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use catalogc_diagnostics::{Code, Diagnostic, quote, sanitize};
use catalogc_model::GitSource;
use git2::{ErrorCode, ObjectType, Oid, Repository, RepositoryOpenFlags, Tree};

use crate::discover::{Configuration, lexically_inside};
use crate::limits::Limits;
use crate::repo::FileProblem;
use crate::source::{ReadError, decode, describe_bytes, read_capped};
use crate::{SERVICE_FILE, relative_path};

/// Tree entry modes (git stores them in octal).
const MODE_TREE: i32 = 0o040_000;
const MODE_BLOB: i32 = 0o100_644;
const MODE_EXECUTABLE: i32 = 0o100_755;
const MODE_LINK: i32 = 0o120_000;
const MODE_SUBMODULE: i32 = 0o160_000;

/// Trees never walked, mirroring the directory walk of `path:` sources. `.git` cannot appear in
/// a tree git wrote, but a crafted tree may hold one, and nothing under `.git` is ever read.
const SKIPPED_TREES: [&str; 3] = [".git", "node_modules", "target"];
/// Deepest tree nesting walked below a repository's root tree.
const MAX_TREE_DEPTH: usize = 256;
/// Tree entries visited per repository before the walk stops.
const MAX_TREE_ENTRIES: usize = 100_000;
/// A single tree object larger than this is not loaded: at ~40 bytes an entry it would hold
/// several times [`MAX_TREE_ENTRIES`] entries, and loading it is what costs memory.
const MAX_TREE_BYTES: usize = 32 * 1024 * 1024;

/// Deepest directory nesting a `**` in a glob descends.
const MAX_GLOB_DEPTH: usize = 256;
/// Directory entries a glob may visit before expansion stops (a `**` over a huge tree).
const MAX_GLOB_ENTRIES: usize = 1_000_000;
/// Entries of a git directory checked for symlinks before the repository is opened.
const MAX_GIT_DIR_ENTRIES: usize = 1_000_000;
/// libgit2 follows `alternates` this many levels deep; we check as deep as it reads.
const MAX_ALTERNATES_DEPTH: usize = 5;
/// Size cap for the small pointer files of a git directory (`.git` file, `commondir`,
/// `alternates`) and for its config; real ones are a few hundred bytes.
const GIT_FILE_BYTES: u64 = 1024 * 1024;

/// One git repository matched by a `git:` source, opened at its revision.
pub struct GitRepository {
    /// Catalog-relative display path (`mirrors/billing.git`; `.` for the root itself).
    display: String,
    /// Canonical path of the matched directory.
    path: PathBuf,
    /// The tree `ref` resolved to; every read starts here, so all reads see one revision.
    tree: Oid,
    /// `git2::Repository` is `Send` but not `Sync`: reads from parallel loaders take turns.
    /// They are short (one tree path and one blob), and reopening per read would re-read the
    /// repository's config and refs every time.
    repository: Mutex<Repository>,
}

impl fmt::Debug for GitRepository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitRepository")
            .field("display", &self.display)
            .field("path", &self.path)
            .field("tree", &self.tree)
            .finish_non_exhaustive()
    }
}

impl GitRepository {
    /// Catalog-relative display path of the repository (e.g. "mirrors/billing.git").
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Canonical path of the repository directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the blob at repository-relative `parts` (normal components, already checked
    /// lexically by [`crate::repo::lexical`]) from the tree, at most `limit` bytes.
    pub fn read(&self, parts: &[String], limit: u64) -> Result<Vec<u8>, FileProblem> {
        // A poisoned lock only means another reader panicked (and was contained); the
        // repository handle itself holds no state that a half-done read could corrupt.
        let repository = self
            .repository
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        read_path(&repository, self.tree, parts, limit)
    }
}

/// A service descriptor read from a git repository.
#[derive(Debug)]
pub struct GitDescriptor {
    /// Display path: "<repo display>/<path in tree>", e.g. "mirrors/billing.git/service.yaml".
    pub display: String,
    /// Its repository-relative directory as normal components (for resolving references).
    pub base: Vec<String>,
    /// The decoded text, or None when a finding was pushed instead.
    pub text: Option<String>,
    pub repository: Arc<GitRepository>,
}

/// Finds the repositories of `source` and reads their service.yaml files. Findings about the
/// source (bad glob, no repository matched, bad ref, glob leaving the root) are located at
/// `pointer` (e.g. "/services/1/git") in catalog.yaml; findings about a file are located in
/// that file. The result is sorted by display path.
pub fn read_source(
    root: &Path,
    source: &GitSource,
    pointer: &str,
    configuration: &Configuration,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<GitDescriptor> {
    let at = |diagnostic: Diagnostic| configuration.at(diagnostic, pointer);
    let glob = match Glob::parse(&source.git) {
        Ok(glob) => glob,
        Err(GlobError::Escape) => {
            diagnostics.push(at(Diagnostic::new(
                Code::PathEscape,
                format!(
                    "the glob {} leaves the catalog root or enters a `.git` directory",
                    quote(&source.git)
                ),
            )
            .with_help("globs in catalog.yaml are relative to the catalog root and stay inside it; name the repository directory, not its `.git`")));
            return Vec::new();
        }
        Err(GlobError::Syntax(why)) => {
            diagnostics.push(at(Diagnostic::new(
                Code::SchemaViolation,
                format!("{} is not a valid glob: {why}", quote(&source.git)),
            )
            .with_help("globs use `*`, `?` and `[...]` within one path component, and `**` for any number of directories")));
            return Vec::new();
        }
    };
    // The literal prefix is checked with the same rules as every other path in catalog.yaml;
    // the parser has already refused `..`, so this catches absolute paths and `.git`.
    let Some(start) = lexically_inside(root, &glob.prefix) else {
        diagnostics.push(at(Diagnostic::new(
            Code::PathEscape,
            format!("the glob {} leaves the catalog root", quote(&source.git)),
        )));
        return Vec::new();
    };

    let expansion = glob.expand(root, &start);
    // A glob whose matches were all reported (escapes, limits) is not also "matching nothing".
    let mut reported = expansion.problems.len();
    diagnostics.extend(expansion.problems.into_iter().map(at));
    let mut opened = Vec::new();
    for (display, path) in expansion.matches {
        let git_dir = match locate_git_dir(root, &path) {
            Ok(Some(git_dir)) => git_dir,
            // An ordinary directory the glob happened to match.
            Ok(None) => continue,
            Err(reason) => {
                reported += 1;
                diagnostics.push(at(Diagnostic::new(
                    Code::PathEscape,
                    format!("the git repository {} {reason}; it was not read", quote(&display)),
                )
                .with_help("git sources are read only when everything they point at lies inside the catalog root")));
                continue;
            }
        };
        if let Err(reason) = check_git_dir(root, &git_dir) {
            reported += 1;
            diagnostics.push(at(Diagnostic::new(
                Code::PathEscape,
                format!("the git repository {} {reason}; it was not read", quote(&display)),
            )
            .with_help("git sources are read only when everything they point at lies inside the catalog root")));
            continue;
        }
        crate::revision::configure_libgit2();
        // NO_SEARCH: the matched directory is the repository or nothing; never a parent.
        let repository =
            match Repository::open_ext(&path, RepositoryOpenFlags::NO_SEARCH, &[] as &[&OsStr]) {
                Ok(repository) => repository,
                Err(error) if error.code() == ErrorCode::NotFound => continue,
                Err(error) => {
                    reported += 1;
                    diagnostics.push(at(Diagnostic::new(
                        Code::MissingFile,
                        format!(
                            "{} cannot be opened as a git repository: {}",
                            quote(&display),
                            sanitize(error.message())
                        ),
                    )));
                    continue;
                }
            };
        opened.push((display, path, repository));
    }
    if opened.is_empty() && reported == 0 {
        diagnostics.push(at(Diagnostic::new(
            Code::MissingFile,
            format!("no git repository matches {}", quote(&source.git)),
        )
        .with_help("the glob is relative to the catalog root and must match git repositories (bare or not)")));
        return Vec::new();
    }

    let mut descriptors = Vec::new();
    for (display, path, repository) in opened {
        let tree = match repository
            .revparse_single(&source.reference)
            .and_then(|object| object.peel_to_tree())
        {
            Ok(tree) => tree.id(),
            Err(_) => {
                diagnostics.push(at(Diagnostic::new(
                    Code::MissingFile,
                    format!(
                        "{} has no revision {}",
                        quote(&display),
                        quote(&source.reference)
                    ),
                )
                .with_help("`ref` names a branch, tag or commit present in every matched repository (default `HEAD`)")));
                continue;
            }
        };
        let mut found = walk_tree(&repository, tree, &display, diagnostics);
        // Stack order is an implementation detail; findings come out in path order.
        found.sort();
        let repository = Arc::new(GitRepository {
            display,
            path,
            tree,
            repository: Mutex::new(repository),
        });
        for (parts, id) in found {
            descriptors.push(read_descriptor(&repository, parts, id, limits, diagnostics));
        }
    }
    descriptors.sort_by(|a, b| a.display.cmp(&b.display));
    descriptors
}

/// Joins a repository's display path and a path in its tree.
fn display_in(repository: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        repository.to_owned()
    } else if repository == "." {
        parts.join("/")
    } else {
        format!("{repository}/{}", parts.join("/"))
    }
}

/// Reads one `service.yaml` blob within the descriptor size limit.
fn read_descriptor(
    repository: &Arc<GitRepository>,
    parts: Vec<String>,
    id: Oid,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> GitDescriptor {
    let display = display_in(&repository.display, &parts);
    let base = parts[..parts.len().saturating_sub(1)].to_vec();
    let bytes = {
        let git = repository
            .repository
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        read_blob(&git, id, limits.descriptor_bytes)
    };
    let text = match bytes {
        Ok(bytes) => match decode(&display, bytes) {
            Ok(text) => Some(text),
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                None
            }
        },
        Err(BlobError::TooLarge) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::YamlLimits,
                    format!(
                        "this file is larger than the {} limit for catalog descriptors",
                        describe_bytes(limits.descriptor_bytes)
                    ),
                )
                .in_file(&display)
                .with_help("split it, or raise `limits.maxFileBytes` in catalog.yaml"),
            );
            None
        }
        Err(BlobError::NotBlob) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    "this tree entry claims to be a file but is not a blob; it was not read",
                )
                .in_file(&display),
            );
            None
        }
        Err(BlobError::Git(error)) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingFile,
                    format!(
                        "this file cannot be read from the repository: {}",
                        sanitize(error.message())
                    ),
                )
                .in_file(&display),
            );
            None
        }
    };
    GitDescriptor {
        display,
        base,
        text,
        repository: Arc::clone(repository),
    }
}

/// Walks the tree `root_tree` for regular blobs named `service.yaml`, iteratively (trees may
/// nest deeper than a thread's stack allows). Returns their paths and blob ids.
fn walk_tree(
    repository: &Repository,
    root_tree: Oid,
    display: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Vec<String>, Oid)> {
    let mut found = Vec::new();
    let mut entries = 0usize;
    let mut stack: Vec<(Oid, Vec<String>)> = vec![(root_tree, Vec::new())];
    while let Some((id, dir)) = stack.pop() {
        let here = display_in(display, &dir);
        let tree = match load_tree(repository, id) {
            Ok(tree) => tree,
            Err(TreeError::TooLarge) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::YamlLimits,
                        format!(
                            "this directory's tree object is larger than {}; it was not searched for descriptors",
                            describe_bytes(MAX_TREE_BYTES as u64)
                        ),
                    )
                    .in_file(here),
                );
                continue;
            }
            Err(TreeError::Git(error)) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::MissingFile,
                        format!(
                            "this directory cannot be read from the repository: {}",
                            sanitize(error.message())
                        ),
                    )
                    .in_file(here),
                );
                continue;
            }
        };
        let mut subtrees = Vec::new();
        for entry in tree.iter() {
            entries += 1;
            if entries > MAX_TREE_ENTRIES {
                diagnostics.push(
                    Diagnostic::new(
                        Code::YamlLimits,
                        format!("this repository's tree has more than {MAX_TREE_ENTRIES} entries at its revision; the rest was not searched for descriptors"),
                    )
                    .in_file(display),
                );
                return found;
            }
            let name_bytes = entry.name_bytes();
            match entry.filemode() {
                MODE_TREE
                    if !SKIPPED_TREES
                        .iter()
                        .any(|skip| name_bytes.eq_ignore_ascii_case(skip.as_bytes())) =>
                {
                    subtrees.push((entry.id(), String::from_utf8_lossy(name_bytes).into_owned()));
                }
                MODE_BLOB | MODE_EXECUTABLE if name_bytes == SERVICE_FILE.as_bytes() => {
                    let mut parts = dir.clone();
                    parts.push(SERVICE_FILE.to_owned());
                    found.push((parts, entry.id()));
                }
                MODE_LINK if name_bytes == SERVICE_FILE.as_bytes() => {
                    let mut parts = dir.clone();
                    parts.push(SERVICE_FILE.to_owned());
                    diagnostics.push(
                        Diagnostic::new(
                            Code::PathEscape,
                            "this descriptor is a symlink; a symlink in a git source is not followed",
                        )
                        .in_file(display_in(display, &parts))
                        .with_help("commit the file itself instead of a symlink to it"),
                    );
                }
                // Submodules (commits in the tree) belong to other repositories.
                _ => {}
            }
        }
        if subtrees.is_empty() {
            continue;
        }
        if dir.len() >= MAX_TREE_DEPTH {
            diagnostics.push(
                Diagnostic::new(
                    Code::YamlLimits,
                    format!("directories nest deeper than {MAX_TREE_DEPTH} levels here; deeper ones were not searched for descriptors"),
                )
                .in_file(here),
            );
            continue;
        }
        for (id, name) in subtrees {
            let mut parts = dir.clone();
            parts.push(name);
            stack.push((id, parts));
        }
    }
    found
}

enum TreeError {
    TooLarge,
    Git(git2::Error),
}

/// Loads a tree object after checking its size from the object header, so a crafted huge
/// tree is refused before it is inflated into memory.
fn load_tree(repository: &Repository, id: Oid) -> Result<Tree<'_>, TreeError> {
    let (size, _) = repository
        .odb()
        .and_then(|odb| odb.read_header(id))
        .map_err(TreeError::Git)?;
    if size > MAX_TREE_BYTES {
        return Err(TreeError::TooLarge);
    }
    repository.find_tree(id).map_err(TreeError::Git)
}

enum BlobError {
    TooLarge,
    NotBlob,
    Git(git2::Error),
}

/// Reads a blob of at most `limit` bytes; the size comes from the object header, so an
/// oversized blob is never inflated.
fn read_blob(repository: &Repository, id: Oid, limit: u64) -> Result<Vec<u8>, BlobError> {
    let (size, kind) = repository
        .odb()
        .and_then(|odb| odb.read_header(id))
        .map_err(BlobError::Git)?;
    if kind != ObjectType::Blob {
        return Err(BlobError::NotBlob);
    }
    if size as u64 > limit {
        return Err(BlobError::TooLarge);
    }
    let blob = repository.find_blob(id).map_err(BlobError::Git)?;
    let content = blob.content();
    // The header and the object agree in any repository libgit2 accepts; checked again
    // because the cap is what bounds memory.
    if content.len() as u64 > limit {
        return Err(BlobError::TooLarge);
    }
    Ok(content.to_vec())
}

/// Walks `parts` through the trees from `tree` and reads the blob at the end.
fn read_path(
    repository: &Repository,
    tree: Oid,
    parts: &[String],
    limit: u64,
) -> Result<Vec<u8>, FileProblem> {
    let git = |error: git2::Error| FileProblem::Io(std::io::Error::other(error));
    let mut current = tree;
    for (index, part) in parts.iter().enumerate() {
        let tree = load_tree(repository, current).map_err(|error| match error {
            TreeError::TooLarge => FileProblem::Io(std::io::Error::other(format!(
                "a directory's tree object is larger than {}",
                describe_bytes(MAX_TREE_BYTES as u64)
            ))),
            TreeError::Git(error) => git(error),
        })?;
        let Some(entry) = tree.get_name_bytes(part.as_bytes()) else {
            return Err(FileProblem::Missing);
        };
        let last = index + 1 == parts.len();
        match entry.filemode() {
            MODE_TREE if last => return Err(FileProblem::Directory),
            MODE_TREE => current = entry.id(),
            MODE_LINK => return Err(FileProblem::Escape("is a symlink in a git source")),
            MODE_SUBMODULE => return Err(FileProblem::Escape("is a submodule")),
            // A file where a directory is expected: nothing exists at the path.
            _ if !last => return Err(FileProblem::Missing),
            _ => {
                return read_blob(repository, entry.id(), limit).map_err(|error| match error {
                    BlobError::TooLarge => FileProblem::TooLarge(limit),
                    BlobError::NotBlob => FileProblem::Escape("is not a regular file"),
                    BlobError::Git(error) => git(error),
                });
            }
        }
    }
    // No components: the repository root itself.
    Err(FileProblem::Directory)
}

// ---------------------------------------------------------------------------------------------
// Keeping libgit2 inside the catalog root.

/// Where libgit2 will find a repository's files.
#[derive(Debug, PartialEq, Eq)]
struct GitDir {
    /// The git directory (`repo/.git`, or the repository itself when bare).
    git_dir: PathBuf,
    /// Where objects, refs and config live (differs from `git_dir` for linked worktrees).
    common_dir: PathBuf,
}

/// Finds the git directory libgit2 would use for `dir` (opened with `NO_SEARCH`), checking
/// every pointer it follows on the way; `Ok(None)` when `dir` is not a repository. Mirrors
/// libgit2's order: `dir` itself is tried as a git directory first, then `dir/.git`.
fn locate_git_dir(root: &Path, dir: &Path) -> Result<Option<GitDir>, String> {
    if let Some(common_dir) = git_dir_shape(root, dir)? {
        return Ok(Some(GitDir {
            git_dir: dir.to_path_buf(),
            common_dir,
        }));
    }
    let dot_git = dir.join(".git");
    let Ok(link) = std::fs::symlink_metadata(&dot_git) else {
        return Ok(None);
    };
    let git_dir = if link.is_file() {
        // A `.git` file (`gitdir: <path>`), as submodules and worktrees have.
        let text = read_small(&dot_git).ok_or("has an unreadable `.git` file")?;
        let Some(target) = text.lines().next().and_then(|l| l.strip_prefix("gitdir:")) else {
            return Ok(None);
        };
        inside(root, &dir.join(target.trim()), "its `.git` file")?
    } else {
        inside(root, &dot_git, "its `.git`")?
    };
    Ok(git_dir_shape(root, &git_dir)?.map(|common_dir| GitDir {
        git_dir,
        common_dir,
    }))
}

/// Whether `dir` looks like a git directory to libgit2 (`HEAD` here; `objects` and `refs` in
/// the common directory), returning the common directory. Entries are checked for symlinks
/// leaving the root before anything is followed.
fn git_dir_shape(root: &Path, dir: &Path) -> Result<Option<PathBuf>, String> {
    for name in ["HEAD", "objects", "refs", "commondir"] {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
            inside(root, &path, &format!("its `{name}`"))?;
        }
    }
    let common_dir = if std::fs::symlink_metadata(dir.join("commondir")).is_ok() {
        let text = read_small(&dir.join("commondir")).ok_or("has an unreadable `commondir`")?;
        let target = text.lines().next().unwrap_or("").trim();
        inside(root, &dir.join(target), "its `commondir`")?
    } else {
        dir.to_path_buf()
    };
    let shaped = dir.join("HEAD").is_file()
        && common_dir.join("objects").is_dir()
        && common_dir.join("refs").is_dir();
    Ok(shaped.then_some(common_dir))
}

/// Checks everything libgit2 may read from a located repository: no symlink in its git
/// directories leaves the root, its configs include no other files, and its object
/// alternates (recursively, as deep as libgit2 follows them) stay inside the root.
fn check_git_dir(root: &Path, git: &GitDir) -> Result<(), String> {
    let mut dirs = vec![git.git_dir.clone()];
    if git.common_dir != git.git_dir {
        dirs.push(git.common_dir.clone());
    }
    for dir in &dirs {
        symlinks_inside(root, dir)?;
        for config in ["config", "config.worktree"] {
            let path = dir.join(config);
            if path.is_file() {
                let text = read_small(&path).ok_or("has an unreadable git config")?;
                if includes_files(&text) {
                    return Err(format!(
                        "has an `[include]` in its git config `{config}`, which could read files outside the catalog root"
                    ));
                }
            }
        }
    }
    let mut objects = vec![(git.common_dir.join("objects"), 0usize)];
    let mut seen = BTreeSet::new();
    while let Some((dir, depth)) = objects.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let alternates = dir.join("info").join("alternates");
        if !alternates.is_file() {
            continue;
        }
        let text = read_small(&alternates).ok_or("has unreadable object `alternates`")?;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if depth >= MAX_ALTERNATES_DEPTH {
                return Err("has object `alternates` nested too deep".to_owned());
            }
            // libgit2 resolves relative alternates against the objects directory.
            let target = inside(root, &dir.join(line), "its object `alternates`")?;
            symlinks_inside(root, &target)?;
            objects.push((target, depth + 1));
        }
    }
    Ok(())
}

/// Whether a git config text has an `[include]` or `[includeIf …]` section. Section names are
/// case-insensitive; a backslash-continued value that happens to look like a section header
/// is refused too, which errs on the safe side.
fn includes_files(config: &str) -> bool {
    config.lines().any(|line| {
        line.trim_start()
            .strip_prefix('[')
            .map(|section| section.trim_start().to_ascii_lowercase())
            .is_some_and(|section| section.starts_with("include"))
    })
}

/// Walks `dir` (without following symlinked directories) and checks that every symlink in it
/// resolves inside the root; dangling ones are harmless (libgit2 finds nothing there).
fn symlinks_inside(root: &Path, dir: &Path) -> Result<(), String> {
    let mut stack = vec![dir.to_path_buf()];
    let mut entries = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            entries += 1;
            if entries > MAX_GIT_DIR_ENTRIES {
                return Err(format!(
                    "has more than {MAX_GIT_DIR_ENTRIES} files in its git directory"
                ));
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if file_type.is_dir() {
                stack.push(path);
            } else if file_type.is_symlink()
                && let Ok(target) = std::fs::canonicalize(&path)
                && !target.starts_with(root)
            {
                return Err(format!(
                    "has a symlink `{}` leading outside the catalog root",
                    sanitize(&relative_path(root, &path))
                ));
            }
        }
    }
    Ok(())
}

/// Canonicalizes `path` and requires it inside the root. A path that does not exist is
/// returned as is (libgit2 will find nothing there).
fn inside(root: &Path, path: &Path, what: &str) -> Result<PathBuf, String> {
    match std::fs::canonicalize(path) {
        Ok(real) if real.starts_with(root) => Ok(real),
        Ok(_) => Err(format!("points outside the catalog root through {what}")),
        Err(_) => Ok(path.to_path_buf()),
    }
}

/// Reads a small git bookkeeping file as text.
fn read_small(path: &Path) -> Option<String> {
    match read_capped(path, GIT_FILE_BYTES) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(ReadError::TooLarge { .. } | ReadError::NotRegular | ReadError::Io(_)) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Globs.

/// A glob of directories, split into `/`-separated components.
#[derive(Debug)]
struct Glob {
    /// The leading components without wildcards, joined with `/` ("" for none).
    prefix: String,
    /// The components after the prefix.
    segments: Vec<Segment>,
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    /// `**`: any number of directories, including none.
    AnyDepth,
    Literal(String),
    Pattern(Vec<Token>),
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`
    AnyChar,
    /// `*`
    Star,
    /// `[...]` / `[!...]`: inclusive ranges (a single character is a range of one).
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

#[derive(Debug, PartialEq, Eq)]
enum GlobError {
    /// `..`, an absolute path, or a `.git` component.
    Escape,
    Syntax(&'static str),
}

/// What expanding a glob found.
struct Expansion {
    /// Catalog-relative display path → canonical path, one entry per canonical path.
    matches: Vec<(String, PathBuf)>,
    /// Findings to locate at the source's setting.
    problems: Vec<Diagnostic>,
}

impl Glob {
    fn parse(glob: &str) -> Result<Glob, GlobError> {
        if glob.starts_with('/') || glob.contains('\0') {
            return Err(GlobError::Escape);
        }
        let mut prefix = Vec::new();
        let mut segments = Vec::new();
        for component in glob.split('/') {
            if component.is_empty() || component == "." {
                continue;
            }
            if component == ".." || component == ".git" {
                return Err(GlobError::Escape);
            }
            let segment = if component == "**" {
                Segment::AnyDepth
            } else {
                let tokens = parse_component(component)?;
                if tokens.iter().all(|t| matches!(t, Token::Char(_))) {
                    let literal: String = tokens
                        .iter()
                        .filter_map(|t| match t {
                            Token::Char(c) => Some(*c),
                            _ => None,
                        })
                        .collect();
                    if literal == ".." || literal == ".git" {
                        return Err(GlobError::Escape);
                    }
                    Segment::Literal(literal)
                } else {
                    Segment::Pattern(tokens)
                }
            };
            match segment {
                Segment::Literal(literal) if segments.is_empty() => prefix.push(literal),
                segment => segments.push(segment),
            }
        }
        Ok(Glob {
            prefix: prefix.join("/"),
            segments,
        })
    }

    /// Expands the glob from `start` (the root joined with the prefix). Every directory is
    /// canonicalized and checked to be inside the root before it is listed, so a symlink on
    /// the way cannot make us list a directory outside; `**` does not follow symlinks, nor
    /// enter `.git`, `node_modules`, `target` or anything shaped like a git directory.
    fn expand(&self, root: &Path, start: &Path) -> Expansion {
        let mut expansion = Expansion {
            matches: Vec::new(),
            problems: Vec::new(),
        };
        let display = |path: &Path| {
            let relative = relative_path(root, path);
            if relative.is_empty() {
                ".".to_owned()
            } else {
                relative
            }
        };
        let escape = |path: &Path| {
            Diagnostic::new(
                Code::PathEscape,
                format!(
                    "{} leads outside the catalog root through a symlink",
                    quote(&display(path))
                ),
            )
        };
        let Ok(real_start) = std::fs::canonicalize(start) else {
            return expansion;
        };
        if !real_start.starts_with(root) {
            expansion.problems.push(escape(start));
            return expansion;
        }
        if !real_start.is_dir() {
            return expansion;
        }
        let mut matches: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        let mut entries = 0usize;
        let mut too_deep = false;
        // (display path, canonical path, next segment, `**` depth)
        let mut stack = vec![(start.to_path_buf(), real_start, 0usize, 0usize)];
        while let Some((lexical, real, index, depth)) = stack.pop() {
            if !seen.insert((real.clone(), index)) {
                continue;
            }
            let Some(segment) = self.segments.get(index) else {
                let shown = display(&lexical);
                match matches.get(&real) {
                    Some(existing) if *existing <= shown => {}
                    _ => {
                        matches.insert(real, shown);
                    }
                }
                continue;
            };
            // Steps into a child by name, through a symlink only when it stays inside.
            let step = |name: &str, stack: &mut Vec<_>, problems: &mut Vec<Diagnostic>| {
                let child = lexical.join(name);
                match std::fs::canonicalize(real.join(name)) {
                    Ok(target) if !target.starts_with(root) => problems.push(escape(&child)),
                    Ok(target) if target.is_dir() => stack.push((child, target, index + 1, depth)),
                    _ => {}
                }
            };
            match segment {
                Segment::Literal(name) => step(name, &mut stack, &mut expansion.problems),
                Segment::Pattern(tokens) => {
                    let Ok(read) = std::fs::read_dir(&real) else {
                        continue;
                    };
                    let mut names = Vec::new();
                    for entry in read.flatten() {
                        entries += 1;
                        if entries > MAX_GLOB_ENTRIES {
                            break;
                        }
                        if let Some(name) = entry.file_name().to_str()
                            && name != ".git"
                            && component_matches(tokens, name)
                        {
                            names.push(name.to_owned());
                        }
                    }
                    for name in names {
                        step(&name, &mut stack, &mut expansion.problems);
                    }
                }
                Segment::AnyDepth => {
                    stack.push((lexical.clone(), real.clone(), index + 1, depth));
                    if looks_like_git_dir(&real) {
                        continue;
                    }
                    if depth >= MAX_GLOB_DEPTH {
                        too_deep = true;
                        continue;
                    }
                    let Ok(read) = std::fs::read_dir(&real) else {
                        continue;
                    };
                    for entry in read.flatten() {
                        entries += 1;
                        if entries > MAX_GLOB_ENTRIES {
                            break;
                        }
                        let name = entry.file_name();
                        if entry.file_type().is_ok_and(|t| t.is_dir())
                            && !SKIPPED_TREES.iter().any(|skip| name == *skip)
                        {
                            stack.push((lexical.join(&name), real.join(&name), index, depth + 1));
                        }
                    }
                }
            }
            if entries > MAX_GLOB_ENTRIES {
                expansion.problems.push(Diagnostic::new(
                    Code::YamlLimits,
                    format!("this glob visits more than {MAX_GLOB_ENTRIES} directory entries; the rest was not searched"),
                ).with_help("narrow the glob, e.g. `mirrors/*.git` rather than `**`"));
                break;
            }
        }
        if too_deep {
            expansion.problems.push(Diagnostic::new(
                Code::YamlLimits,
                format!("directories nest deeper than {MAX_GLOB_DEPTH} levels under this glob's `**`; deeper ones were not searched"),
            ));
        }
        expansion.matches = matches
            .into_iter()
            .map(|(real, shown)| (shown, real))
            .collect();
        expansion.matches.sort();
        expansion
    }
}

/// Whether `dir` holds `HEAD`, `objects` and `refs`: a git directory `**` need not enter.
fn looks_like_git_dir(dir: &Path) -> bool {
    let is = |name: &str, dir_wanted: bool| {
        std::fs::symlink_metadata(dir.join(name))
            .is_ok_and(|m| if dir_wanted { m.is_dir() } else { m.is_file() })
    };
    is("HEAD", false) && is("objects", true) && is("refs", true)
}

/// Parses one glob component into tokens; `\` escapes the next character.
fn parse_component(component: &str) -> Result<Vec<Token>, GlobError> {
    let mut tokens = Vec::new();
    let mut chars = component.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '*' => {
                // `**` inside a component means the same as `*`.
                if tokens.last() == Some(&Token::Star) {
                    continue;
                }
                Token::Star
            }
            '?' => Token::AnyChar,
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            '[' => {
                let negated = chars.next_if(|c| *c == '!' || *c == '^').is_some();
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let Some(c) = chars.next() else {
                        return Err(GlobError::Syntax("a `[` is not closed by `]`"));
                    };
                    // `]` right after `[` (or `[!`) is a literal member, as in shells.
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    let low = if c == '\\' {
                        chars.next().unwrap_or('\\')
                    } else {
                        c
                    };
                    let high = if chars.next_if_eq(&'-').is_some() {
                        match chars.peek() {
                            Some(']') | None => {
                                // A trailing `-` is a literal member.
                                ranges.push(('-', '-'));
                                low
                            }
                            Some(_) => chars.next().unwrap_or(low),
                        }
                    } else {
                        low
                    };
                    if high < low {
                        return Err(GlobError::Syntax("a `[...]` range runs backwards"));
                    }
                    ranges.push((low, high));
                }
                Token::Class { negated, ranges }
            }
            c => Token::Char(c),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// Matches one path component against glob tokens. As in shells, a leading `.` is matched
/// only by a literal `.`, so `*` does not pick up hidden directories.
fn component_matches(tokens: &[Token], name: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    if name.first() == Some(&'.') && tokens.first() != Some(&Token::Char('.')) {
        return false;
    }
    // Every token but `*` consumes exactly one character, so backtracking to the last `*`
    // alone is complete, and the match runs in O(tokens × name).
    let (mut t, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match tokens.get(t) {
            Some(Token::Star) => {
                star = Some((t, n));
                t += 1;
                continue;
            }
            Some(token) if token_matches(token, name[n]) => {
                t += 1;
                n += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((star_t, star_n)) => {
                t = star_t + 1;
                n = star_n + 1;
                star = Some((star_t, star_n + 1));
            }
            None => return false,
        }
    }
    tokens[t..].iter().all(|token| *token == Token::Star)
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Char(expected) => *expected == c,
        Token::AnyChar => true,
        Token::Star => false,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|(low, high)| (*low..=*high).contains(&c)) != *negated
        }
    }
}

#[cfg(test)]
mod tests;
