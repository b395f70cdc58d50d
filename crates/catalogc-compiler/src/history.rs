//! The catalog's history (`catalogc build --history N`): the events of the last N commits of
//! the catalog's repository, each compared with its first parent, as `catalogc diff` would
//! compare them.
//!
//! The walk follows first parents from `HEAD`. Every commit in it and the parent of the
//! oldest one are compiled from the object database ([`Revision`]) with one shared
//! [`ParseCache`], swept after each step, so a file is parsed once for as long as it stays
//! unchanged and memory holds only what neighbouring commits share. A commit whose catalog
//! tree is the same as its parent's changed nothing and is not compiled again. All
//! compilations score on one date, so the events show the catalog's changes, not the calendar.
//!
//! Where the parent is missing: a root commit is compared with an empty catalog (everything
//! it holds was added); a commit at the boundary of a shallow clone cannot be compared and
//! is left out ([`History::shallow`] says so). A commit without the catalog directory is an
//! empty catalog too, so the commit that created the catalog reports its services as added.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use catalogc_model::{Catalog, CommitEvents, DiffRevision};
use git2::{Oid, Repository};

use crate::cache::ParseCache;
use crate::revision::{Revision, RevisionError};
use crate::{Compilation, CompileError, CompileOptions, compile, events};

/// Characters of a commit subject kept in the bundle.
const SUBJECT_CHARS: usize = 200;

/// The events of the walked commits.
#[derive(Debug, Default)]
pub struct History {
    /// Commits that changed the compiled catalog, newest first.
    pub commits: Vec<CommitEvents>,
    /// Commits compared with their parent (or, for a root commit, with an empty catalog).
    pub walked: usize,
    /// Distinct catalog trees compiled.
    pub compiled: usize,
    /// The walk stopped at the boundary of a shallow clone before reaching the number of
    /// commits asked for.
    pub shallow: bool,
}

/// Why the history cannot be read (exit status 2).
#[derive(Debug)]
pub enum HistoryError {
    /// The repository, or one of its commits, cannot be read.
    Revision(RevisionError),
    /// Compiling a commit's catalog failed for a reason other than its content.
    Compile(CompileError),
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::Revision(error) => error.fmt(f),
            HistoryError::Compile(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for HistoryError {}

/// One commit of the walk.
struct Step {
    id: Oid,
    /// The catalog root's tree id at this commit (`None`: no catalog directory).
    tree: Option<Oid>,
    author: String,
    seconds: i64,
    subject: String,
}

/// Walks the last `count` first-parent commits from `HEAD` of the repository holding `root`
/// (canonical) and returns their events. `date` is the scorecards' evaluation date of every
/// compilation.
pub fn history(
    root: &Path,
    count: usize,
    date: &str,
    cache: &Arc<ParseCache>,
) -> Result<History, HistoryError> {
    crate::revision::configure_libgit2();
    let repository = Repository::discover(root).map_err(|error| {
        HistoryError::Revision(RevisionError::NotARepository {
            root: root.to_path_buf(),
            message: error.message().to_owned(),
        })
    })?;
    let prefix = catalog_prefix(&repository, root)?;
    let git = |revision: &str| {
        let revision = revision.to_owned();
        move |error: git2::Error| {
            HistoryError::Revision(RevisionError::Git {
                revision,
                message: error.message().to_owned(),
            })
        }
    };
    // An unborn HEAD (a repository without commits) has no history.
    let Ok(head) = repository.head().and_then(|head| head.peel_to_commit()) else {
        return Ok(History::default());
    };
    let boundaries = shallow_boundaries(&repository);

    // The commits, newest first, and the parent of the oldest one (what it is compared with).
    let mut steps = Vec::new();
    let mut next = Some(head);
    let mut oldest_parent = None;
    let mut shallow = false;
    while let Some(commit) = next.take() {
        if steps.len() == count {
            oldest_parent = Some(step(&commit, &prefix).map_err(git("HEAD"))?);
            break;
        }
        let at_boundary = boundaries.contains(&commit.id());
        steps.push(step(&commit, &prefix).map_err(git("HEAD"))?);
        if at_boundary {
            shallow = true;
            break;
        }
        // libgit2 may know a parent id whose object a shallow clone lacks: a boundary too.
        if let Ok(parent) = commit.parent_id(0) {
            match repository.find_commit(parent) {
                Ok(parent) => next = Some(parent),
                Err(_) => shallow = true,
            }
        }
    }
    // At a shallow boundary the oldest commit's parent is unknown: it cannot be compared,
    // but it is the base the next commit is compared with.
    if shallow {
        oldest_parent = steps.pop();
    }

    let options = |revision: Option<Arc<Revision>>| CompileOptions {
        date: Some(date.to_owned()),
        score: true,
        revision,
        cache: Some(Arc::clone(cache)),
        ..CompileOptions::check(root.to_path_buf())
    };
    let compile_step = |step: &Step| -> Result<Compilation, HistoryError> {
        if step.tree.is_none() {
            return Ok(empty(root, date));
        }
        let revision =
            Revision::open(root, &step.id.to_string()).map_err(HistoryError::Revision)?;
        compile(&options(Some(Arc::new(revision)))).map_err(HistoryError::Compile)
    };

    let mut history = History {
        shallow,
        ..History::default()
    };
    let Some(first) = steps.first() else {
        return Ok(history);
    };
    // Newest first, like `diff` (head, then base), so each compilation serves as the head of
    // one comparison and the base of the next; the cache is swept after each, keeping what
    // the neighbouring commit shares.
    let mut head = compile_step(first)?;
    history.compiled += 1;
    for (index, step) in steps.iter().enumerate() {
        let parent = steps.get(index + 1).or(oldest_parent.as_ref());
        history.walked += 1;
        let base = match parent {
            // The same catalog tree: nothing changed, and the compilation is the same.
            Some(parent) if parent.tree == step.tree => {
                continue;
            }
            Some(parent) => {
                history.compiled += 1;
                compile_step(parent)?
            }
            None => empty(root, date),
        };
        cache.sweep();
        let diff = events::diff(
            &base,
            &head,
            revision(parent.map(|p| p.id)),
            revision(Some(step.id)),
        );
        if !diff.events.is_empty() {
            history.commits.push(CommitEvents {
                commit: step.id.to_string(),
                parent: parent.map(|p| p.id.to_string()),
                author: step.author.clone(),
                date: timestamp(step.seconds),
                subject: step.subject.clone(),
                events: diff.events,
            });
        }
        head = base;
    }
    Ok(history)
}

fn revision(commit: Option<Oid>) -> DiffRevision {
    DiffRevision {
        revision: commit.map_or_else(|| "empty catalog".to_owned(), |c| c.to_string()),
        commit: commit.map(|c| c.to_string()),
    }
}

/// The catalog root's path inside the repository's work tree (`""` at its top).
fn catalog_prefix(repository: &Repository, root: &Path) -> Result<String, HistoryError> {
    let workdir = repository
        .workdir()
        .and_then(|dir| std::fs::canonicalize(dir).ok())
        .ok_or_else(|| {
            HistoryError::Revision(RevisionError::NotARepository {
                root: root.to_path_buf(),
                message: "the repository is bare".to_owned(),
            })
        })?;
    Ok(crate::relative_path(&workdir, root))
}

fn step(commit: &git2::Commit<'_>, prefix: &str) -> Result<Step, git2::Error> {
    let tree = commit.tree()?;
    let tree = if prefix.is_empty() {
        Some(tree.id())
    } else {
        tree.get_path(Path::new(prefix))
            .ok()
            .filter(|entry| entry.kind() == Some(git2::ObjectType::Tree))
            .map(|entry| entry.id())
    };
    let author = commit.author();
    let subject = String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default());
    Ok(Step {
        id: commit.id(),
        tree,
        // The name only: e-mail addresses are personal data the bundle never holds.
        author: catalogc_diagnostics::sanitize(&String::from_utf8_lossy(author.name_bytes())),
        seconds: author.when().seconds(),
        subject: catalogc_diagnostics::sanitize(
            &subject.chars().take(SUBJECT_CHARS).collect::<String>(),
        ),
    })
}

/// The commits a shallow clone was cut at (`.git/shallow`); empty for a full clone.
fn shallow_boundaries(repository: &Repository) -> BTreeSet<Oid> {
    if !repository.is_shallow() {
        return BTreeSet::new();
    }
    std::fs::read_to_string(repository.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

/// A catalog with nothing in it: what a root commit, or one without the catalog directory,
/// is compared with.
fn empty(root: &Path, date: &str) -> Compilation {
    Compilation {
        root: root.to_path_buf(),
        catalog: Catalog::implicit("catalog"),
        has_catalog_file: false,
        services: Vec::new(),
        teams: Vec::new(),
        scorecards: Vec::new(),
        graph: crate::Graph::default(),
        files: Vec::new(),
        mapping: crate::mapping::Mapping::default(),
        evaluation_date: date.to_owned(),
        scores: crate::score::run::Scores::default(),
        diagnostics: Vec::new(),
        sources: Default::default(),
        files_read: 0,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
fn timestamp(seconds: i64) -> String {
    let time = seconds.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::score::date_of_epoch(seconds),
        time / 3_600,
        time % 3_600 / 60,
        time % 60
    )
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamps_are_utc_seconds() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(timestamp(-1), "1969-12-31T23:59:59Z");
    }
}
