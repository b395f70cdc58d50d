//! Atomic bundle writing.
//!
//! The bundle is staged in a hidden temporary directory next to the output directory (same
//! filesystem, so renames are atomic), then swapped in: the previous bundle is renamed aside,
//! the staged one renamed into place, and the old one removed. If anything fails before the
//! swap, the staged directory is removed and the previous bundle is untouched. The output
//! directory is never written through a symlink, and a non-empty directory that is not a
//! previous bundle (no marker file) is never replaced.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use catalogc_compiler::Compilation;
use serde_json::Value;

use crate::bundle::{bundle, service_entry};

/// Marks a directory as a catalogc bundle that a later build may replace.
pub const MARKER_FILE: &str = ".catalogc-bundle";

/// Why a bundle could not be written.
#[derive(Debug)]
pub enum EmitError {
    /// The output path exists and is not something catalogc may replace.
    Refused { path: PathBuf, reason: String },
    /// The filesystem failed.
    Io { path: PathBuf, error: io::Error },
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::Refused { path, reason } => {
                write!(
                    f,
                    "refusing to write the bundle to {}: {reason}",
                    path.display()
                )
            }
            EmitError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for EmitError {}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> EmitError + '_ {
    move |error| EmitError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes the bundle of `compilation` to `out`, atomically. Returns the files written,
/// relative to `out`, sorted.
pub fn write_bundle(compilation: &Compilation, out: &Path) -> Result<Vec<String>, EmitError> {
    check_destination(out)?;
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned());
    let stage = parent.join(format!(".{name}.catalogc-staging-{}", std::process::id()));
    if stage.exists() {
        fs::remove_dir_all(&stage).map_err(io_error(&stage))?;
    }
    let written = match stage_bundle(compilation, &stage) {
        Ok(written) => written,
        Err(error) => {
            let _ = fs::remove_dir_all(&stage);
            return Err(error);
        }
    };
    if let Err(error) = swap_in(&stage, out, &parent, &name) {
        let _ = fs::remove_dir_all(&stage);
        return Err(error);
    }
    Ok(written)
}

/// Refuses symlinks, files, and non-empty directories without the bundle marker.
fn check_destination(out: &Path) -> Result<(), EmitError> {
    let metadata = match fs::symlink_metadata(out) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(io_error(out)(error)),
    };
    let refuse = |reason: &str| {
        Err(EmitError::Refused {
            path: out.to_path_buf(),
            reason: reason.to_owned(),
        })
    };
    if metadata.file_type().is_symlink() {
        return refuse("it is a symlink; catalogc never writes through symlinks");
    }
    if !metadata.is_dir() {
        return refuse("it exists and is not a directory");
    }
    if out.join(MARKER_FILE).is_file() {
        return Ok(());
    }
    let mut entries = fs::read_dir(out).map_err(io_error(out))?;
    if entries.next().is_some() {
        return refuse(&format!(
            "it is a non-empty directory that is not a catalogc bundle (no {MARKER_FILE} file); choose another --out or empty it"
        ));
    }
    Ok(())
}

fn stage_bundle(compilation: &Compilation, stage: &Path) -> Result<Vec<String>, EmitError> {
    fs::create_dir(stage).map_err(io_error(stage))?;
    let mut written = Vec::new();
    let mut write = |relative: &str, bytes: &[u8]| -> Result<(), EmitError> {
        let path = stage.join(relative);
        fs::write(&path, bytes).map_err(io_error(&path))?;
        written.push(relative.to_owned());
        Ok(())
    };
    write(
        MARKER_FILE,
        b"This directory is a catalogc bundle; `catalogc build` replaces it.\n",
    )?;
    write("catalog.json", &pretty(&bundle(compilation)))?;
    let services_dir = stage.join("services");
    fs::create_dir(&services_dir).map_err(io_error(&services_dir))?;
    let closures = compilation.graph.closures();
    for service in &compilation.services {
        let name = service.value.name.as_str();
        // Names are validated against `^[a-z0-9-]+$`; anything else never becomes a path.
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            continue;
        }
        write(
            &format!("services/{name}.json"),
            &pretty(&service_entry(compilation, &closures, service)),
        )?;
    }
    written.sort();
    Ok(written)
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Moves the staged bundle to `out`, replacing a previous bundle.
fn swap_in(stage: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), EmitError> {
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(stage, out).map_err(io_error(out));
    }
    let old = parent.join(format!(".{name}.catalogc-previous-{}", std::process::id()));
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io_error(&old))?;
    }
    fs::rename(out, &old).map_err(io_error(out))?;
    if let Err(error) = fs::rename(stage, out) {
        // Put the previous bundle back before reporting.
        let _ = fs::rename(&old, out);
        return Err(io_error(out)(error));
    }
    fs::remove_dir_all(&old).map_err(io_error(&old))
}
