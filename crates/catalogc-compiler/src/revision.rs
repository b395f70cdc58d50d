//! The catalog at a git revision: the tree of the catalog root read from the object database
//! of the repository holding it, without a checkout (`catalogc diff`).
//!
//! [`Revision::open`] resolves a revision (`main`, `HEAD~3`, a commit id, or `A...B` for the
//! merge base of `A` and `B`) and indexes every entry below the catalog root once: discovery,
//! inventories and file references then ask the index instead of the file system, and read
//! blobs by id. Paths in the index are catalog-relative and `/`-separated, exactly the display
//! paths findings use, so a compilation of a revision reports the same paths as one of the
//! working tree.
//!
//! A tree git wrote holds no `.git`, no FIFO and no device; symlinks are blobs holding their
//! target's path and are never followed (there is no checkout to resolve them in), and
//! submodules are not entered. Their entries are indexed with their mode so the stages report
//! them the way they report the same things on disk.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use crate::repo::FileProblem;

/// Sets libgit2's process-wide options once, before the first repository is opened.
///
/// Blobs are not re-hashed on every read (libgit2's strict hash verification): git itself
/// does not either, outside `git fsck`. Hashing every object read cost about a tenth of a
/// `diff` of a 10,000-service catalog (BENCHMARKS.md, "Latest round"): the snapshots alone are
/// 100 MB of blobs per revision. Object ids still come from the trees, and a corrupt
/// object still fails to inflate or to parse; what is skipped is the proof that the object
/// store was not edited by hand, which anyone able to edit it can defeat by moving a ref.
pub(crate) fn configure_libgit2() {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| git2::opts::strict_hash_verification(false));
}

/// Entries indexed per revision before the walk stops: a crafted tree cannot exhaust memory.
const MAX_ENTRIES: usize = 2_000_000;

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular (or executable) file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link (its blob holds the target path).
    Symlink,
    /// A submodule (a commit of another repository).
    Submodule,
}

/// One indexed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// The blob (or tree) id.
    pub id: Oid,
}

/// Why a revision cannot be read (exit status 2).
#[derive(Debug)]
pub enum RevisionError {
    /// The catalog root is not inside a git work tree.
    NotARepository { root: PathBuf, message: String },
    /// The revision does not name a commit.
    UnknownRevision { revision: String, message: String },
    /// The catalog root does not exist in the revision's tree.
    NoCatalog { revision: String, prefix: String },
    /// Reading the objects failed.
    Git { revision: String, message: String },
}

impl fmt::Display for RevisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevisionError::NotARepository { root, message } => write!(
                f,
                "the catalog root {} is not inside a git repository: {message}",
                root.display()
            ),
            RevisionError::UnknownRevision { revision, message } => write!(
                f,
                "cannot read revision `{}`: {message}",
                catalogc_diagnostics::sanitize(revision)
            ),
            RevisionError::NoCatalog { revision, prefix } => write!(
                f,
                "revision `{}` has no directory `{prefix}` (the catalog root)",
                catalogc_diagnostics::sanitize(revision)
            ),
            RevisionError::Git { revision, message } => write!(
                f,
                "cannot read revision `{}`: {message}",
                catalogc_diagnostics::sanitize(revision)
            ),
        }
    }
}

impl std::error::Error for RevisionError {}

/// The catalog root's tree at one commit.
pub struct Revision {
    /// The revision as the user wrote it.
    name: String,
    /// The commit it resolved to.
    commit: Oid,
    /// Author date of the commit (seconds since the epoch).
    time: i64,
    /// Path of the repository (its `.git` directory), to open more handles for parallel reads.
    git_dir: PathBuf,
    /// Catalog-relative path → entry, for every entry below the catalog root.
    entries: BTreeMap<String, Entry>,
    /// Idle repository handles. `git2::Repository` is `Send` but not `Sync`: each parallel
    /// reader takes a handle of its own and puts it back.
    handles: Mutex<Vec<Repository>>,
}

impl fmt::Debug for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Revision")
            .field("name", &self.name)
            .field("commit", &self.commit)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl Revision {
    /// Resolves `revision` in the git repository holding `root` (a canonical directory) and
    /// indexes the tree of `root` at that commit. `A...B` names the merge base of `A` and `B`
    /// (`B` defaults to `HEAD`), as `git diff A...B` does.
    pub fn open(root: &Path, revision: &str) -> Result<Revision, RevisionError> {
        configure_libgit2();
        let repository =
            Repository::discover(root).map_err(|error| RevisionError::NotARepository {
                root: root.to_path_buf(),
                message: error.message().to_owned(),
            })?;
        let (commit, time, entries) = index(&repository, root, revision)?;
        let git_dir = repository.path().to_path_buf();
        Ok(Revision {
            name: revision.to_owned(),
            commit,
            time,
            git_dir,
            entries,
            handles: Mutex::new(vec![repository]),
        })
    }

    /// The revision as written (`origin/main`, `main...`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The commit it resolved to.
    pub fn commit(&self) -> Oid {
        self.commit
    }

    /// The commit's date, seconds since the epoch.
    pub fn time(&self) -> i64 {
        self.time
    }

    /// The entry at catalog-relative `path` (`/`-separated, no `.` or `..`).
    pub fn entry(&self, path: &str) -> Option<Entry> {
        if path.is_empty() {
            return Some(Entry {
                kind: EntryKind::Directory,
                id: Oid::ZERO_SHA1,
            });
        }
        self.entries.get(path).copied()
    }

    /// Every entry strictly below directory `dir` ("" for the catalog root), in path order.
    pub fn below<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, Entry)> + 'a {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.entries
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(path, _)| path.starts_with(&prefix))
            .map(|(path, entry)| (path.as_str(), *entry))
    }

    /// Names of the entries directly inside directory `dir`.
    pub fn children(&self, dir: &str) -> Vec<String> {
        let depth = if dir.is_empty() {
            0
        } else {
            dir.matches('/').count() + 1
        };
        self.below(dir)
            .filter(|(path, _)| path.matches('/').count() == depth)
            .filter_map(|(path, _)| path.rsplit('/').next().map(str::to_owned))
            .collect()
    }

    /// Reads the blob `id`, at most `limit` bytes.
    pub fn read_blob(&self, id: Oid, limit: u64) -> Result<Vec<u8>, FileProblem> {
        let repository = self.take_handle()?;
        let result = (|| {
            let odb = repository.odb().map_err(git_problem)?;
            let (size, kind) = odb.read_header(id).map_err(git_problem)?;
            if kind != ObjectType::Blob {
                return Err(FileProblem::Escape(
                    "is not a file in the repository's tree",
                ));
            }
            if size as u64 > limit {
                return Err(FileProblem::TooLarge(limit));
            }
            let object = odb.read(id).map_err(git_problem)?;
            Ok(object.data().to_vec())
        })();
        self.handles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(repository);
        result
    }

    /// Reads the file at catalog-relative `path`, the way a working-tree read would fail:
    /// missing, a directory, a symlink or submodule (never followed), or too large.
    pub fn read(&self, path: &str, limit: u64) -> Result<(Oid, Vec<u8>), FileProblem> {
        let entry = self.file(path)?;
        Ok((entry, self.read_blob(entry, limit)?))
    }

    /// The blob id of the regular file at `path`, or why there is none.
    pub fn file(&self, path: &str) -> Result<Oid, FileProblem> {
        match self.entries.get(path) {
            None => Err(FileProblem::Missing),
            Some(entry) => match entry.kind {
                EntryKind::File => Ok(entry.id),
                EntryKind::Directory => Err(FileProblem::Directory),
                EntryKind::Symlink => Err(FileProblem::Escape(
                    "is a symlink in the repository; symlinks are not followed at a revision",
                )),
                EntryKind::Submodule => {
                    Err(FileProblem::Escape("is a submodule, which is not read"))
                }
            },
        }
    }

    fn take_handle(&self) -> Result<Repository, FileProblem> {
        let idle = self
            .handles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(repository) => Ok(repository),
            None => Repository::open(&self.git_dir).map_err(git_problem),
        }
    }
}

/// Resolves `revision` and indexes the catalog root's tree: the commit, its time, the entries.
fn index(
    repository: &Repository,
    root: &Path,
    revision: &str,
) -> Result<(Oid, i64, BTreeMap<String, Entry>), RevisionError> {
    let unknown = |error: git2::Error| RevisionError::UnknownRevision {
        revision: revision.to_owned(),
        message: error.message().to_owned(),
    };
    let commit_of = |spec: &str| -> Result<git2::Commit<'_>, RevisionError> {
        repository
            .revparse_single(spec)
            .and_then(|object| object.peel_to_commit())
            .map_err(unknown)
    };
    let commit = match revision.split_once("...") {
        Some((left, right)) => {
            let left = commit_of(if left.is_empty() { "HEAD" } else { left })?.id();
            let right = commit_of(if right.is_empty() { "HEAD" } else { right })?.id();
            let base = repository.merge_base(left, right).map_err(unknown)?;
            repository.find_commit(base).map_err(unknown)?
        }
        None => commit_of(revision)?,
    };
    let git_error = |error: git2::Error| RevisionError::Git {
        revision: revision.to_owned(),
        message: error.message().to_owned(),
    };
    let workdir = repository
        .workdir()
        .and_then(|dir| std::fs::canonicalize(dir).ok())
        .ok_or_else(|| RevisionError::NotARepository {
            root: root.to_path_buf(),
            message: "the repository is bare".to_owned(),
        })?;
    let prefix = crate::relative_path(&workdir, root);
    let tree = commit.tree().map_err(git_error)?;
    let tree = if prefix.is_empty() {
        tree
    } else {
        let entry = tree
            .get_path(Path::new(&prefix))
            .map_err(|_| RevisionError::NoCatalog {
                revision: revision.to_owned(),
                prefix: prefix.clone(),
            })?;
        if entry.kind() != Some(ObjectType::Tree) {
            return Err(RevisionError::NoCatalog {
                revision: revision.to_owned(),
                prefix,
            });
        }
        repository.find_tree(entry.id()).map_err(git_error)?
    };
    let mut entries = BTreeMap::new();
    let mut truncated = false;
    tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
        if entries.len() >= MAX_ENTRIES {
            truncated = true;
            return TreeWalkResult::Abort;
        }
        let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
            return TreeWalkResult::Skip;
        };
        // A crafted tree may hold `.git`; nothing under it is ever read (SPEC 6).
        if name == ".git" {
            return TreeWalkResult::Skip;
        }
        let kind = match entry.filemode() {
            0o040_000 => EntryKind::Directory,
            0o120_000 => EntryKind::Symlink,
            0o160_000 => EntryKind::Submodule,
            _ => EntryKind::File,
        };
        entries.insert(
            format!("{parent}{name}"),
            Entry {
                kind,
                id: entry.id(),
            },
        );
        TreeWalkResult::Ok
    })
    .map_err(|error| {
        if truncated {
            RevisionError::Git {
                revision: revision.to_owned(),
                message: format!("its tree holds more than {MAX_ENTRIES} entries"),
            }
        } else {
            git_error(error)
        }
    })?;
    Ok((commit.id(), commit.time().seconds(), entries))
}

fn git_problem(error: git2::Error) -> FileProblem {
    FileProblem::Io(std::io::Error::other(error.message().to_owned()))
}

/// The git blob id of `bytes` (what `git hash-object` prints): how files read from the
/// working tree are matched with blobs of a revision in the [`crate::cache::ParseCache`].
pub fn blob_id(bytes: &[u8]) -> Oid {
    Oid::hash_object(ObjectType::Blob, bytes).unwrap_or(Oid::ZERO_SHA1)
}
