//! Atomic bundle writing.
//!
//! The bundle is staged in a hidden temporary directory next to the output directory (same
//! filesystem), then swapped in: with `renameat2(RENAME_EXCHANGE)` where the filesystem has
//! it (one atomic step: readers see the old bundle or the new one, never neither), else by
//! the shortest two-step swap (old aside, new in place). The old bundle is then removed. If
//! anything fails or the build is interrupted before the swap, the staged directory is
//! removed and the previous bundle is untouched. The output directory is never written
//! through a symlink, and a non-empty directory that is not a previous bundle (no marker
//! file) is never replaced.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use catalogc_compiler::Compilation;
use catalogc_model::CommitEvents;
use rayon::prelude::*;
use serde::Serialize;

use crate::bundle::bundle;
use crate::codeowners::codeowners;
use crate::graph::View;

/// Marks a directory as a catalogc bundle that a later build may replace.
pub const MARKER_FILE: &str = ".catalogc-bundle";

/// Why a bundle could not be written.
#[derive(Debug)]
pub enum EmitError {
    /// The output path exists and is not something catalogc may replace.
    Refused { path: PathBuf, reason: String },
    /// The filesystem failed.
    Io { path: PathBuf, error: io::Error },
    /// Ctrl-C or SIGTERM arrived; nothing was changed.
    Interrupted,
    /// The static site could not be rendered; nothing was changed.
    Site(crate::site::SiteError),
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
            EmitError::Interrupted => f.write_str("interrupted; the previous bundle is unchanged"),
            EmitError::Site(error) => error.fmt(f),
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

/// Writes the bundle of `compilation` to `out`, atomically, with the catalog's history
/// `events` (newest commit first; empty without `--history`) and the static site under
/// `site/` when `site` is true. `cancel` is polled between files and before the swap.
/// Returns the files written, relative to `out`, sorted.
pub fn write_bundle(
    compilation: &Compilation,
    events: &[CommitEvents],
    out: &Path,
    site: bool,
    cancel: &AtomicBool,
) -> Result<Vec<String>, EmitError> {
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
    if fs::symlink_metadata(&stage).is_ok() {
        fs::remove_dir_all(&stage).map_err(io_error(&stage))?;
    }
    let result = stage_bundle(compilation, events, &stage, site, cancel)
        .and_then(|written| swap_in(&stage, out, &parent, &name, cancel).map(|()| written));
    if result.is_err() {
        let _ = fs::remove_dir_all(&stage);
    }
    result
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

fn stage_bundle(
    compilation: &Compilation,
    events: &[CommitEvents],
    stage: &Path,
    site: bool,
    cancel: &AtomicBool,
) -> Result<Vec<String>, EmitError> {
    let interrupted = || {
        if cancel.load(Ordering::SeqCst) {
            Err(EmitError::Interrupted)
        } else {
            Ok(())
        }
    };
    fs::create_dir(stage).map_err(io_error(stage))?;
    let write = |relative: &str, bytes: &[u8]| -> Result<String, EmitError> {
        let path = stage.join(relative);
        fs::write(&path, bytes).map_err(io_error(&path))?;
        Ok(relative.to_owned())
    };
    let mut written = vec![write(
        MARKER_FILE,
        b"This directory is a catalogc bundle; `catalogc build` replaces it.\n",
    )?];
    let mut bundle = bundle(compilation);
    bundle.events = events.to_vec();
    interrupted()?;
    // Each service entry is serialized once, in parallel, for both its own file and
    // catalog.json (where it is indented two levels deeper).
    let entries: Vec<Vec<u8>> = bundle.services.par_iter().map(pretty_bytes).collect();
    let services = std::mem::take(&mut bundle.services);
    let shell = pretty(&bundle);
    bundle.services = services;
    let path = stage.join("catalog.json");
    write_catalog_json(&path, &shell, &entries).map_err(io_error(&path))?;
    drop(shell);
    written.push("catalog.json".to_owned());
    let view = View::all(compilation);
    written.push(write("graph.dot", view.dot().as_bytes())?);
    written.push(write("graph.mmd", view.mermaid().as_bytes())?);
    written.push(write("CODEOWNERS", codeowners(compilation).as_bytes())?);
    let services_dir = stage.join("services");
    fs::create_dir(&services_dir).map_err(io_error(&services_dir))?;
    let per_service: Vec<Result<String, EmitError>> = bundle
        .services
        .par_iter()
        .zip(entries.par_iter())
        .map(|(service, entry)| {
            interrupted()?;
            // Names match `^[a-z0-9-]+$` (validated); anything else never becomes a path.
            let name = service.name.as_str();
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(EmitError::Refused {
                    path: services_dir.clone(),
                    reason: format!("`{name}` is not a safe file name"),
                });
            }
            let mut bytes = Vec::with_capacity(entry.len() + 1);
            bytes.extend_from_slice(entry);
            bytes.push(b'\n');
            write(&format!("services/{name}.json"), &bytes)
        })
        .collect();
    for file in per_service {
        written.push(file?);
    }
    interrupted()?;
    if site {
        written.extend(stage_site(compilation, &bundle, stage, cancel)?);
    }
    interrupted()?;
    written.sort();
    Ok(written)
}

/// Renders the site and writes it under `stage/site/`, page by page. Its paths come from
/// [`crate::site::render_each`], which only builds them from fixed names and checked
/// entity names.
fn stage_site(
    compilation: &Compilation,
    bundle: &catalogc_model::Bundle,
    stage: &Path,
    cancel: &AtomicBool,
) -> Result<Vec<String>, EmitError> {
    let root = stage.join("site");
    for dir in crate::site::DIRECTORIES {
        let dir = root.join(dir);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    }
    let write = |path: &str, bytes: &[u8]| {
        if cancel.load(Ordering::SeqCst) {
            return Err(EmitError::Interrupted);
        }
        let target = root.join(path);
        fs::write(&target, bytes).map_err(io_error(&target))
    };
    let written =
        crate::site::render_each(compilation, bundle, &write).map_err(|stop| match stop {
            crate::site::Stop::Site(error) => EmitError::Site(error),
            crate::site::Stop::Write(error) => error,
        })?;
    Ok(written
        .into_iter()
        .map(|path| format!("site/{path}"))
        .collect())
}

/// Writes `catalog.json`: `shell` (the bundle without its services, as [`pretty`] writes
/// it) with `entries` (each service pretty-printed on its own) as its `services`. The same
/// bytes as pretty-printing the whole bundle: the pretty printer indents a value nested two
/// levels deep by four more spaces on every line but the first, and JSON strings hold no raw
/// line breaks, so the only line of `shell` that starts with two spaces and `"services"` is
/// the top-level key.
fn write_catalog_json(path: &Path, shell: &[u8], entries: &[Vec<u8>]) -> io::Result<()> {
    const KEY: &[u8] = b"\n  \"services\": []";
    let at = (!entries.is_empty())
        .then(|| shell.windows(KEY.len()).position(|w| w == KEY))
        .flatten();
    let Some(at) = at else {
        return fs::write(path, shell);
    };
    let mut out = io::BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    out.write_all(&shell[..at])?;
    out.write_all(b"\n  \"services\": [")?;
    for (index, entry) in entries.iter().enumerate() {
        out.write_all(if index == 0 { b"\n    " } else { b",\n    " })?;
        let mut rest = entry.as_slice();
        while let Some(newline) = memchr::memchr(b'\n', rest) {
            out.write_all(&rest[..newline])?;
            out.write_all(b"\n    ")?;
            rest = &rest[newline + 1..];
        }
        out.write_all(rest)?;
    }
    out.write_all(b"\n  ]")?;
    out.write_all(&shell[at + KEY.len()..])?;
    out.flush()
}

fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = pretty_bytes(value);
    bytes.push(b'\n');
    bytes
}

/// `value` as `serde_json::to_vec_pretty` prints it (see [`Pretty`]).
fn pretty_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(4096);
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, Pretty::default());
    match value.serialize(&mut serializer) {
        Ok(()) => bytes,
        Err(_) => Vec::new(),
    }
}

/// serde_json's `PrettyFormatter` with two-space indentation, byte for byte, writing each
/// line break and its indentation in one piece rather than two bytes per level: the bundle
/// is mostly indentation.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line<W: ?Sized + io::Write>(writer: &mut W, depth: usize) -> io::Result<()> {
        const SPACES: &[u8; 129] = b"\n                                                                                                                                ";
        let mut spaces = 2 * depth;
        let first = spaces.min(SPACES.len() - 1);
        writer.write_all(&SPACES[..=first])?;
        spaces -= first;
        while spaces > 0 {
            let more = spaces.min(SPACES.len() - 1);
            writer.write_all(&SPACES[1..=more])?;
            spaces -= more;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            Pretty::line(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    fn entry<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        Pretty::line(writer, self.depth)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Moves the staged bundle to `out`, replacing a previous bundle.
fn swap_in(
    stage: &Path,
    out: &Path,
    parent: &Path,
    name: &str,
    cancel: &AtomicBool,
) -> Result<(), EmitError> {
    if cancel.load(Ordering::SeqCst) {
        return Err(EmitError::Interrupted);
    }
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(stage, out).map_err(io_error(out));
    }
    match exchange(stage, out) {
        Ok(()) => {
            // `stage` now holds the previous bundle.
            return fs::remove_dir_all(stage).map_err(io_error(stage));
        }
        Err(error) if exchange_unsupported(&error) => {}
        Err(error) => return Err(io_error(out)(error)),
    }
    let old = parent.join(format!(".{name}.catalogc-previous-{}", std::process::id()));
    if fs::symlink_metadata(&old).is_ok() {
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

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Filesystems or kernels without `RENAME_EXCHANGE` answer EINVAL or ENOSYS.
fn exchange_unsupported(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(22) | Some(38) | Some(95))
        || error.kind() == io::ErrorKind::Unsupported
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use catalogc_compiler::{CompileOptions, compile};

    use super::*;

    /// catalog.json put together from separately printed service entries is byte for byte
    /// the whole bundle as serde_json pretty-prints it, with services (the example catalog, scored, and the
    /// hostile site fixture with its odd strings) and without.
    #[test]
    fn catalog_json_from_entries_is_the_pretty_bundle() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("a temporary directory");
        for root in [
            manifest.join("../../catalog-example"),
            manifest.join("tests/fixtures/site-hostile"),
        ] {
            let compilation = compile(&CompileOptions {
                date: Some("2026-12-31".to_owned()),
                score: true,
                ..CompileOptions::check(root.clone())
            })
            .expect("compiles");
            let mut bundle = bundle(&compilation);
            assert!(!bundle.services.is_empty(), "{}", root.display());
            for services in [bundle.services.clone(), Vec::new()] {
                bundle.services = services;
                let entries: Vec<Vec<u8>> = bundle.services.iter().map(pretty_bytes).collect();
                let mut expected = serde_json::to_vec_pretty(&bundle).expect("serializes");
                expected.push(b'\n');
                assert!(pretty(&bundle) == expected, "{}", root.display());
                let services = std::mem::take(&mut bundle.services);
                let shell = pretty(&bundle);
                bundle.services = services;
                let path = dir.path().join("catalog.json");
                write_catalog_json(&path, &shell, &entries).expect("writes");
                let written = fs::read(&path).expect("reads");
                assert!(
                    written == expected,
                    "{}: {} services",
                    root.display(),
                    bundle.services.len()
                );
            }
        }
    }
}

#[cfg(test)]
mod pretty_tests {
    use super::*;

    /// [`Pretty`] prints what serde_json's own pretty printer prints, at every depth
    /// (including deeper than its run of spaces) and for empty and nested collections.
    #[test]
    fn pretty_is_serde_jsons_pretty_printer() {
        let mut deep = serde_json::json!({"leaf": [1, {}, []]});
        for level in 0..150 {
            deep = if level % 3 == 0 {
                serde_json::json!([deep, "x"])
            } else {
                serde_json::json!({"k": deep, "e": [], "o": {}, "s": "a\nb"})
            };
        }
        for value in [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([[], [[]], {"a": {}}]),
            deep,
        ] {
            let expected = serde_json::to_vec_pretty(&value).expect("serializes");
            assert!(pretty_bytes(&value) == expected, "{value}");
        }
    }
}
