//! Files a descriptor references inside its repository (docs, API specs, pipelines), read
//! under SPEC 6's rules.
//!
//! A reference is relative to the directory holding the descriptor and may not leave the
//! descriptor's repository: the nearest ancestor directory holding `.git` inside the catalog
//! root, or else the catalog root. Each reference is checked lexically first (absolute paths,
//! `..` past the repository root and anything under `.git` are refused before any filesystem
//! call), then resolved: a symlink is followed only when its target stays inside the
//! repository, and only regular files are read (FIFOs, devices and directories are refused),
//! within the size cap.

use std::path::{Component, Path, PathBuf};

use crate::source::{ReadError, open_without_symlinks, read_capped, read_checked};

/// Why a referenced file cannot be read.
#[derive(Debug)]
pub enum FileProblem {
    /// Nothing at that path (or a dangling symlink).
    Missing,
    /// A directory where a file is expected.
    Directory,
    /// The path leaves the repository or reaches something that is not a regular file.
    Escape(&'static str),
    /// Larger than the cap.
    TooLarge(u64),
    /// The operating system refused.
    Io(std::io::Error),
}

/// Where a descriptor's references are resolved from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryDir {
    /// Canonical repository root.
    pub root: PathBuf,
    /// The descriptor's directory, relative to `root`, as normal components.
    pub base: Vec<String>,
}

impl RepositoryDir {
    /// The repository of the descriptor at `descriptor` (canonical path inside
    /// `catalog_root`), remembering in `markers` which directories hold `.git` (the
    /// descriptors of a catalog share most ancestors).
    pub fn of(catalog_root: &Path, descriptor: &Path, markers: &mut GitMarkers) -> RepositoryDir {
        let dir = descriptor.parent().unwrap_or(catalog_root);
        let root = dir
            .ancestors()
            .take_while(|ancestor| ancestor.starts_with(catalog_root))
            .find(|ancestor| markers.has_git(ancestor))
            .unwrap_or(catalog_root)
            .to_path_buf();
        let base = dir
            .strip_prefix(&root)
            .map(|rest| {
                rest.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        RepositoryDir { root, base }
    }
}

/// Which directories hold a `.git` entry, each looked up once.
#[derive(Debug, Default)]
pub struct GitMarkers {
    known: std::collections::HashMap<PathBuf, bool>,
}

impl GitMarkers {
    fn has_git(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.known.get(dir) {
            return known;
        }
        let found = dir.join(".git").exists();
        self.known.insert(dir.to_path_buf(), found);
        found
    }
}

/// Resolves `reference` (as written in a descriptor) against the descriptor's directory,
/// lexically: the result is a list of normal components relative to the repository root.
pub fn lexical(base: &[String], reference: &str) -> Result<Vec<String>, FileProblem> {
    if reference.contains('\0') {
        return Err(FileProblem::Escape("contains a NUL character"));
    }
    let path = Path::new(reference);
    let mut parts: Vec<String> = base.to_vec();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                if part == ".git" {
                    return Err(FileProblem::Escape("points into a `.git` directory"));
                }
                parts.push(part.to_string_lossy().into_owned());
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(FileProblem::Escape("leaves its repository through `..`"));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(FileProblem::Escape("is an absolute path"));
            }
        }
    }
    if parts.is_empty() {
        return Err(FileProblem::Directory);
    }
    Ok(parts)
}

/// Reads the file at repository-relative `parts` of a working-tree repository, following
/// symlinks only inside the repository, regular files only, at most `limit` bytes.
pub fn read_in_directory(
    repository: &RepositoryDir,
    parts: &[String],
    limit: u64,
) -> Result<Vec<u8>, FileProblem> {
    let mut path = repository.root.clone();
    path.extend(parts);
    // The common case in one call: no component is a symlink, so the path is what the lexical
    // check saw (inside the repository, not under `.git`). Anything else takes the careful
    // path below, which tells the cases apart.
    if let Some(file) = open_without_symlinks(&path) {
        return read_open_regular(file, limit);
    }
    let link = std::fs::symlink_metadata(&path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => FileProblem::Missing,
        _ => FileProblem::Io(error),
    })?;
    let real = match std::fs::canonicalize(&path) {
        Ok(real) => real,
        // A symlink whose target does not exist.
        Err(_) if link.file_type().is_symlink() => return Err(FileProblem::Missing),
        Err(error) => return Err(FileProblem::Io(error)),
    };
    let Ok(inside) = real.strip_prefix(&repository.root) else {
        return Err(FileProblem::Escape(
            "leads outside its repository through a symlink",
        ));
    };
    if inside.components().any(|c| c.as_os_str() == ".git") {
        return Err(FileProblem::Escape(
            "leads into a `.git` directory through a symlink",
        ));
    }
    let metadata = std::fs::metadata(&real).map_err(FileProblem::Io)?;
    if metadata.is_dir() {
        return Err(FileProblem::Directory);
    }
    if !metadata.is_file() {
        return Err(NOT_REGULAR);
    }
    match read_capped(&real, limit) {
        Ok(bytes) => Ok(bytes),
        Err(error) => Err(problem_of(error)),
    }
}

const NOT_REGULAR: FileProblem =
    FileProblem::Escape("is not a regular file (a FIFO, socket or device)");

/// Reads a file opened by [`open_without_symlinks`]: a directory or anything but a regular
/// file is refused from the open descriptor's type, before any byte is read.
fn read_open_regular(file: std::fs::File, limit: u64) -> Result<Vec<u8>, FileProblem> {
    let metadata = file.metadata().map_err(FileProblem::Io)?;
    if metadata.is_dir() {
        return Err(FileProblem::Directory);
    }
    read_checked(file, &metadata, limit).map_err(problem_of)
}

fn problem_of(error: ReadError) -> FileProblem {
    match error {
        ReadError::TooLarge { limit } => FileProblem::TooLarge(limit),
        ReadError::NotRegular => NOT_REGULAR,
        ReadError::Io(error) => FileProblem::Io(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lexical_resolution_stays_in_the_repository() {
        let base = parts(&["services", "billing"]);
        assert_eq!(
            lexical(&base, "docs/README.md").ok(),
            Some(parts(&["services", "billing", "docs", "README.md"]))
        );
        assert_eq!(
            lexical(&base, "../shared/ci.yml").ok(),
            Some(parts(&["services", "shared", "ci.yml"]))
        );
        assert_eq!(
            lexical(&base, "./a/../b.md").ok(),
            Some(parts(&["services", "billing", "b.md"]))
        );
        assert!(matches!(
            lexical(&base, "../../../etc/passwd"),
            Err(FileProblem::Escape(_))
        ));
        assert!(matches!(
            lexical(&base, "docs/../../../../x"),
            Err(FileProblem::Escape(_))
        ));
        assert!(matches!(
            lexical(&base, "/etc/passwd"),
            Err(FileProblem::Escape(_))
        ));
        assert!(matches!(
            lexical(&base, ".git/config"),
            Err(FileProblem::Escape(_))
        ));
        assert!(matches!(
            lexical(&base, "../../.git/config"),
            Err(FileProblem::Escape(_))
        ));
        assert!(matches!(lexical(&[], "."), Err(FileProblem::Directory)));
    }
}
