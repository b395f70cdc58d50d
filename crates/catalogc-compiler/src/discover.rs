//! Discovery: the catalog configuration and the descriptor files it points at.
//!
//! `path:` sources are walked for `service.yaml` with gitignore rules applied (only rules
//! inside the catalog root: nothing outside it is read), never descending into `.git`,
//! `node_modules` or `target`. Team and scorecard directories contribute every `*.yaml` /
//! `*.yml` file. Results are sorted, so discovery order never shows in the output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use catalogc_diagnostics::{Code, Diagnostic, SourceText, quote};
use catalogc_model::{Catalog, Kind, ServiceSource};

use crate::limits::Limits;
use crate::repo::FileProblem;
use crate::revision::{EntryKind, Revision};
use crate::source::{ReadError, decode, describe_bytes, read_capped};
use crate::validate::{CompiledSchema, validate};
use crate::yaml::{Mode, SpanMap};
use crate::{CATALOG_FILE, CompileError, SERVICE_FILE, relative_path, yaml};

/// Directories never walked.
const SKIPPED_DIRECTORIES: [&str; 3] = [".git", "node_modules", "target"];

/// The nearest ancestor of `start` (itself included) holding `catalog.yaml`, else `start`.
pub fn find_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|dir| dir.join(CATALOG_FILE).is_file())
        .unwrap_or(start)
        .to_path_buf()
}

/// The catalog configuration and what reading it produced.
pub struct Configuration {
    pub catalog: Catalog,
    pub has_catalog_file: bool,
    /// Spans of `catalog.yaml`, to locate findings about its settings.
    pub spans: Arc<SpanMap>,
    /// The text of `catalog.yaml`, when it was read.
    pub sources: BTreeMap<String, SourceText>,
    pub files_read: usize,
}

impl Configuration {
    /// Locates a finding at a node of `catalog.yaml`.
    pub fn at(&self, diagnostic: Diagnostic, pointer: &str) -> Diagnostic {
        let span =
            self.spans
                .span_for(pointer, false)
                .unwrap_or(catalogc_diagnostics::Span::point(
                    catalogc_diagnostics::Position::START,
                ));
        diagnostic.at(CATALOG_FILE, span).with_pointer(pointer)
    }
}

/// Reads and validates `catalog.yaml`; a root without one gets the defaults.
pub fn configuration(
    root: &Path,
    revision: Option<&Revision>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Configuration, CompileError> {
    let implicit_name = implicit_catalog_name(root);
    let path = root.join(CATALOG_FILE);
    let mut configuration = Configuration {
        catalog: Catalog::implicit(&implicit_name),
        has_catalog_file: false,
        spans: Arc::new(SpanMap::default()),
        sources: BTreeMap::new(),
        files_read: 0,
    };
    let limits = Limits::default();
    let text = match revision {
        None => {
            if std::fs::symlink_metadata(&path).is_err() {
                return Ok(configuration);
            }
            configuration.has_catalog_file = true;
            read_descriptor(&path, CATALOG_FILE, limits.descriptor_bytes, diagnostics)?
        }
        Some(revision) => {
            if revision.entry(CATALOG_FILE).is_none() {
                return Ok(configuration);
            }
            configuration.has_catalog_file = true;
            read_revision_descriptor(revision, CATALOG_FILE, limits.descriptor_bytes, diagnostics)?
                .map(|(_, text)| text)
        }
    };
    let Some(text) = text else {
        return Ok(configuration);
    };
    configuration.files_read = 1;
    let documents = yaml::parse(
        CATALOG_FILE,
        &text,
        Mode::Strict,
        limits.descriptor,
        diagnostics,
    );
    configuration
        .sources
        .insert(CATALOG_FILE.to_owned(), SourceText::from(text.clone()));
    let mut documents = documents.into_iter();
    let Some(document) = documents.next() else {
        if !diagnostics
            .iter()
            .any(|d| d.file.as_deref() == Some(CATALOG_FILE))
        {
            diagnostics.push(
                Diagnostic::new(Code::EmptyFile, "catalog.yaml holds no YAML document")
                    .in_file(CATALOG_FILE)
                    .with_help("describe the catalog: `apiVersion: catalogc/v1`, `kind: Catalog`, `name: …`"),
            );
        }
        return Ok(configuration);
    };
    for extra in documents {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownKind,
                "catalog.yaml must hold exactly one Catalog document",
            )
            .at(CATALOG_FILE, catalogc_diagnostics::Span::point(extra.start))
            .with_help("move other descriptors into their own files"),
        );
    }
    configuration.spans = Arc::new(document.spans.clone());
    match crate::load::kind_of(CATALOG_FILE, &document, diagnostics) {
        Some(Kind::Catalog) => {}
        Some(other) => {
            diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::UnknownKind,
                    format!(
                        "catalog.yaml must describe a `Catalog`, found `{}`",
                        other.as_str()
                    ),
                ),
                "/kind",
            ));
            return Ok(configuration);
        }
        None => return Ok(configuration),
    }
    let schema = CompiledSchema::builtin(Kind::Catalog);
    if validate(
        CATALOG_FILE,
        &document,
        &schema,
        "the catalog",
        None,
        diagnostics,
    ) {
        match serde::Deserialize::deserialize(&document.value) {
            Ok(catalog) => configuration.catalog = catalog,
            Err(error) => diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!("the catalog is invalid: {error}"),
                ),
                "",
            )),
        }
    }
    Ok(configuration)
}

fn implicit_catalog_name(root: &Path) -> String {
    let base = root
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        "catalog".to_owned()
    } else {
        cleaned.chars().take(63).collect()
    }
}

/// Reads a descriptor file within the limits, turning content problems into findings and
/// operating-system failures into [`CompileError::Io`].
pub fn read_descriptor(
    path: &Path,
    display: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<String>, CompileError> {
    let Some(bytes) = read_descriptor_bytes(path, display, limit, diagnostics)? else {
        return Ok(None);
    };
    match decode(display, bytes) {
        Ok(text) => Ok(Some(text)),
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            Ok(None)
        }
    }
}

/// The bytes of a descriptor file (not yet decoded), as [`read_descriptor`] reads them.
pub fn read_descriptor_bytes(
    path: &Path,
    display: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Vec<u8>>, CompileError> {
    match read_capped(path, limit) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(ReadError::TooLarge { limit }) => {
            diagnostics.push(too_large(display, limit));
            Ok(None)
        }
        Err(ReadError::NotRegular) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    "this descriptor is not a regular file (a directory, FIFO, socket or device)",
                )
                .in_file(display)
                .with_help("descriptors must be regular files"),
            );
            Ok(None)
        }
        Err(ReadError::Io(error)) => Err(CompileError::Io {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// Reads a descriptor blob of a revision within the limits, as [`read_descriptor`] reads a
/// file: content problems become findings; the blob id comes back with the text.
pub fn read_revision_descriptor(
    revision: &Revision,
    display: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<(git2::Oid, String)>, CompileError> {
    match revision.read(display, limit) {
        Ok((id, bytes)) => match decode(display, bytes) {
            Ok(text) => Ok(Some((id, text))),
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                Ok(None)
            }
        },
        Err(FileProblem::TooLarge(limit)) => {
            diagnostics.push(too_large(display, limit));
            Ok(None)
        }
        Err(FileProblem::Io(error)) => Err(CompileError::Io {
            path: PathBuf::from(display),
            error,
        }),
        Err(FileProblem::Missing | FileProblem::Directory) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingFile,
                    "this descriptor is not a file at this revision",
                )
                .in_file(display),
            );
            Ok(None)
        }
        Err(FileProblem::Escape(why)) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    format!("this descriptor {why}; it was not read"),
                )
                .in_file(display)
                .with_help("replace the symlink with the file itself"),
            );
            Ok(None)
        }
    }
}

fn too_large(display: &str, limit: u64) -> Diagnostic {
    Diagnostic::new(
        Code::YamlLimits,
        format!(
            "this file is larger than the {} limit for catalog descriptors",
            describe_bytes(limit)
        ),
    )
    .in_file(display)
    .with_help("split it, or raise `limits.maxFileBytes` in catalog.yaml")
}

/// A descriptor file to load.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DescriptorFile {
    /// Catalog-relative display path (the link's path for a symlink).
    pub display: String,
    /// Where to read it from (the target for a symlink inside the root).
    pub path: PathBuf,
    /// Its blob when it is read from a revision rather than from the file system.
    pub blob: Option<git2::Oid>,
}

/// Descriptors found by discovery: files of the catalog's tree, and descriptors read from
/// `git:` sources.
pub struct Descriptors {
    pub files: Vec<DescriptorFile>,
    pub git: Vec<crate::git_source::GitDescriptor>,
}

/// Every descriptor of the catalog, sorted and without duplicates.
pub fn descriptor_files(
    root: &Path,
    revision: Option<&Revision>,
    configuration: &Configuration,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Descriptors, CompileError> {
    let catalog = &configuration.catalog;
    let mut files = BTreeSet::new();
    let mut git = Vec::new();
    for (index, source) in catalog.services.iter().enumerate() {
        match source {
            ServiceSource::Path(source) => {
                let pointer = format!("/services/{index}/path");
                if let Some(revision) = revision {
                    walk_revision(
                        revision,
                        &source.path,
                        &pointer,
                        configuration,
                        &|name| name == SERVICE_FILE,
                        &mut files,
                        diagnostics,
                    );
                    continue;
                }
                let Some(dir) =
                    configured_dir(root, &source.path, &pointer, configuration, diagnostics)
                else {
                    continue;
                };
                walk(
                    root,
                    &dir,
                    &|name| name == SERVICE_FILE,
                    &mut files,
                    diagnostics,
                )?;
            }
            ServiceSource::Git(source) => {
                let pointer = format!("/services/{index}/git");
                git.extend(crate::git_source::read_source(
                    root,
                    source,
                    &pointer,
                    configuration,
                    limits,
                    diagnostics,
                ));
            }
        }
    }
    let yaml_file = |name: &str| name.ends_with(".yaml") || name.ends_with(".yml");
    for (setting, configured, default) in [
        ("teams", catalog.teams.as_ref(), "teams"),
        ("scorecards", catalog.scorecards.as_ref(), "scorecards"),
    ] {
        if let Some(revision) = revision {
            let (path, pointer) = match configured {
                Some(path) => (path.as_str(), format!("/{setting}")),
                None if revision.entry(default).is_some() => (default, String::new()),
                None => continue,
            };
            walk_revision(
                revision,
                path,
                &pointer,
                configuration,
                &yaml_file,
                &mut files,
                diagnostics,
            );
            continue;
        }
        let dir = match configured {
            Some(path) => configured_dir(
                root,
                path,
                &format!("/{setting}"),
                configuration,
                diagnostics,
            ),
            None => Some(root.join(default)).filter(|dir| dir.is_dir()),
        };
        if let Some(dir) = dir {
            walk(root, &dir, &yaml_file, &mut files, diagnostics)?;
        }
    }
    // catalog.yaml is read by `configuration`; a walk of the root must not read it again.
    files.retain(|f: &DescriptorFile| f.display != CATALOG_FILE);
    git.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Descriptors {
        files: files.into_iter().collect(),
        git,
    })
}

/// The revision counterpart of [`configured_dir`] and [`walk`]: files named as `wanted`
/// accepts below the catalog-relative directory `relative`, never inside `.git`,
/// `node_modules` or `target`. A symlink named like a descriptor is reported, as on disk when
/// it leads nowhere readable: at a revision it is never followed.
fn walk_revision(
    revision: &Revision,
    relative: &str,
    pointer: &str,
    configuration: &Configuration,
    wanted: &dyn Fn(&str) -> bool,
    files: &mut BTreeSet<DescriptorFile>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(dir) = lexically_inside(Path::new(""), relative) else {
        diagnostics.push(configuration.at(
            Diagnostic::new(
                Code::PathEscape,
                format!("the path {} leaves the catalog root", quote(relative)),
            ),
            pointer,
        ));
        return;
    };
    let dir = relative_path(Path::new(""), &dir);
    match revision.entry(&dir).map(|entry| entry.kind) {
        Some(EntryKind::Directory) => {}
        Some(_) => {
            diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::MissingFile,
                    format!("{} is not a directory", quote(relative)),
                ),
                pointer,
            ));
            return;
        }
        None => {
            diagnostics.push(
                configuration.at(
                    Diagnostic::new(
                        Code::MissingFile,
                        format!(
                            "the directory {} does not exist in the catalog root",
                            quote(relative)
                        ),
                    )
                    .with_help("create it, or fix the path"),
                    pointer,
                ),
            );
            return;
        }
    }
    for (path, entry) in revision.below(&dir) {
        let mut parts = path.split('/');
        let name = parts.next_back().unwrap_or_default();
        if parts.any(|part| SKIPPED_DIRECTORIES.contains(&part)) || !wanted(name) {
            continue;
        }
        match entry.kind {
            EntryKind::File => {
                files.insert(DescriptorFile {
                    display: path.to_owned(),
                    path: PathBuf::from(path),
                    blob: Some(entry.id),
                });
            }
            EntryKind::Symlink => diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    "this descriptor is a symlink; at a revision symlinks are not followed, so it was not read",
                )
                .in_file(path)
                .with_help("replace the symlink with the file itself"),
            ),
            EntryKind::Directory | EntryKind::Submodule => {}
        }
    }
}

/// Resolves a directory named in catalog.yaml; a path that leaves the root or does not exist
/// is reported at its setting.
fn configured_dir(
    root: &Path,
    relative: &str,
    pointer: &str,
    configuration: &Configuration,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    let Some(lexical) = lexically_inside(root, relative) else {
        diagnostics.push(
            configuration.at(
                Diagnostic::new(
                    Code::PathEscape,
                    format!("the path {} leaves the catalog root", quote(relative)),
                )
                .with_help(
                    "paths in catalog.yaml are relative to the catalog root and stay inside it",
                ),
                pointer,
            ),
        );
        return None;
    };
    match std::fs::canonicalize(&lexical) {
        Ok(real) if !real.starts_with(root) => {
            diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::PathEscape,
                    format!(
                        "the path {} leads outside the catalog root through a symlink",
                        quote(relative)
                    ),
                ),
                pointer,
            ));
            None
        }
        Ok(real) if real.is_dir() => Some(real),
        Ok(_) => {
            diagnostics.push(configuration.at(
                Diagnostic::new(
                    Code::MissingFile,
                    format!("{} is not a directory", quote(relative)),
                ),
                pointer,
            ));
            None
        }
        Err(_) => {
            diagnostics.push(
                configuration.at(
                    Diagnostic::new(
                        Code::MissingFile,
                        format!(
                            "the directory {} does not exist in the catalog root",
                            quote(relative)
                        ),
                    )
                    .with_help("create it, or fix the path"),
                    pointer,
                ),
            );
            None
        }
    }
}

/// Joins `relative` to `root` lexically; `None` when it is absolute, leaves the root through
/// `..`, or enters a `.git` directory.
pub fn lexically_inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                if part == ".git" {
                    return None;
                }
                parts.push(part);
            }
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let mut joined = root.to_path_buf();
    joined.extend(parts);
    Some(joined)
}

/// What the walk found at one matching entry.
enum Found {
    File(DescriptorFile),
    Finding(Diagnostic),
}

/// Deepest directory nesting walked below a source directory; deeper trees are reported.
const MAX_WALK_DEPTH: usize = 256;

/// Walks `dir` for files whose name `wanted` accepts, in parallel on rayon's pool (no
/// threads spawned per walk, which matters for small catalogs). `.gitignore` files inside
/// the walked tree apply to their directory and below, the deepest match winning as in git;
/// `.git`, `node_modules` and `target` are never entered and symlinked directories are not
/// followed. Symlinked files are resolved by [`classify`].
fn walk(
    root: &Path,
    dir: &Path,
    wanted: &(dyn Fn(&str) -> bool + Sync),
    files: &mut BTreeSet<DescriptorFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), CompileError> {
    for item in walk_dir(root, dir, &[], wanted, 0)? {
        match item {
            Found::File(file) => {
                files.insert(file);
            }
            Found::Finding(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    Ok(())
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    parent_ignores: &[Arc<Gitignore>],
    wanted: &(dyn Fn(&str) -> bool + Sync),
    depth: usize,
) -> Result<Vec<Found>, CompileError> {
    let io = |error| CompileError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let file_type = entry.file_type().map_err(io)?;
        entries.push((entry.file_name(), file_type));
    }
    let mut ignores = parent_ignores.to_vec();
    if entries
        .iter()
        .any(|(name, file_type)| name == ".gitignore" && file_type.is_file())
        && let Some(gitignore) = read_gitignore(dir)
    {
        ignores.push(Arc::new(gitignore));
    }
    let mut found = Vec::new();
    let mut subdirectories = Vec::new();
    for (name, file_type) in entries {
        let path = dir.join(&name);
        if file_type.is_dir() {
            if !SKIPPED_DIRECTORIES.iter().any(|skip| name == *skip)
                && !ignored(&ignores, &path, true)
            {
                subdirectories.push(path);
            }
            continue;
        }
        if wanted(&name.to_string_lossy())
            && !ignored(&ignores, &path, false)
            && let Some(item) = classify(root, &path, file_type)
        {
            found.push(item);
        }
    }
    if depth >= MAX_WALK_DEPTH && !subdirectories.is_empty() {
        found.push(Found::Finding(
            Diagnostic::new(
                Code::YamlLimits,
                format!("directories nest deeper than {MAX_WALK_DEPTH} levels here; deeper ones were not searched for descriptors"),
            )
            .in_file(relative_path(root, dir)),
        ));
        return Ok(found);
    }
    let nested: Vec<Result<Vec<Found>, CompileError>> = subdirectories
        .par_iter()
        .map(|sub| walk_dir(root, sub, &ignores, wanted, depth + 1))
        .collect();
    for items in nested {
        found.extend(items?);
    }
    Ok(found)
}

/// The `.gitignore` of `dir`, when it can be read within the descriptor size limit.
fn read_gitignore(dir: &Path) -> Option<Gitignore> {
    let bytes = read_capped(&dir.join(".gitignore"), Limits::default().descriptor_bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A malformed pattern is skipped, as git does.
        let _ = builder.add_line(None, line);
    }
    builder.build().ok()
}

/// Whether the deepest `.gitignore` with an opinion on `path` ignores it.
fn ignored(ignores: &[Arc<Gitignore>], path: &Path, is_dir: bool) -> bool {
    for gitignore in ignores.iter().rev() {
        match gitignore.matched(path, is_dir) {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

fn classify(root: &Path, path: &Path, file_type: std::fs::FileType) -> Option<Found> {
    let display = relative_path(root, path);
    if file_type.is_symlink() {
        return Some(match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(root) && target.is_file() => {
                Found::File(DescriptorFile {
                    display,
                    path: target,
                    blob: None,
                })
            }
            Ok(target) if target.starts_with(root) => Found::Finding(
                Diagnostic::new(
                    Code::PathEscape,
                    "this descriptor is a symlink to something that is not a regular file",
                )
                .in_file(display),
            ),
            Ok(_) => Found::Finding(
                Diagnostic::new(
                    Code::PathEscape,
                    "this descriptor is a symlink that leads outside the catalog root; it was not read",
                )
                .in_file(display)
                .with_help("replace the symlink with the file itself"),
            ),
            Err(_) => Found::Finding(
                Diagnostic::new(
                    Code::MissingFile,
                    "this descriptor is a symlink to a file that does not exist",
                )
                .in_file(display),
            ),
        });
    }
    if file_type.is_file() {
        Some(Found::File(DescriptorFile {
            display,
            path: path.to_path_buf(),
            blob: None,
        }))
    } else {
        Some(Found::Finding(
            Diagnostic::new(
                Code::PathEscape,
                "this descriptor is not a regular file (a FIFO, socket or device); it was not read",
            )
            .in_file(display),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_stay_inside() {
        let root = Path::new("/cat");
        assert_eq!(
            lexically_inside(root, "teams"),
            Some(PathBuf::from("/cat/teams"))
        );
        assert_eq!(
            lexically_inside(root, "./a/../b"),
            Some(PathBuf::from("/cat/b"))
        );
        assert_eq!(lexically_inside(root, "."), Some(PathBuf::from("/cat")));
        assert_eq!(lexically_inside(root, "../x"), None);
        assert_eq!(lexically_inside(root, "a/../../x"), None);
        assert_eq!(lexically_inside(root, "/etc"), None);
        assert_eq!(lexically_inside(root, "a/.git/config"), None);
    }

    #[test]
    fn implicit_names_follow_the_name_pattern() {
        assert_eq!(
            implicit_catalog_name(Path::new("/x/My Catalog")),
            "my-catalog"
        );
        assert_eq!(implicit_catalog_name(Path::new("/")), "catalog");
    }
}
