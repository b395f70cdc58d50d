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

use crate::source::{ReadError, read_capped};

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
    /// The repository of the descriptor at `descriptor` (canonical path inside `catalog_root`).
    pub fn of(catalog_root: &Path, descriptor: &Path) -> RepositoryDir {
        let dir = descriptor.parent().unwrap_or(catalog_root);
        let root = dir
            .ancestors()
            .take_while(|ancestor| ancestor.starts_with(catalog_root))
            .find(|ancestor| ancestor.join(".git").exists())
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
        return Err(FileProblem::Escape(
            "is not a regular file (a FIFO, socket or device)",
        ));
    }
    match read_capped(&real, limit) {
        Ok(bytes) => Ok(bytes),
        Err(ReadError::TooLarge { limit }) => Err(FileProblem::TooLarge(limit)),
        Err(ReadError::NotRegular) => Err(FileProblem::Escape(
            "is not a regular file (a FIFO, socket or device)",
        )),
        Err(ReadError::Io(error)) => Err(FileProblem::Io(error)),
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
