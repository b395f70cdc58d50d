//! Discovery: the catalog configuration and the descriptor files it points at.
//!
//! `path:` sources are walked for `service.yaml` with gitignore rules applied (only rules
//! inside the catalog root: nothing outside it is read), never descending into `.git`,
//! `node_modules` or `target`. Team and scorecard directories contribute every `*.yaml` /
//! `*.yml` file. Results are sorted, so discovery order never shows in the output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use catalogc_diagnostics::{Code, Diagnostic, quote};
use catalogc_model::{Catalog, Kind, ServiceSource};

use crate::limits::Limits;
use crate::source::{ReadError, decode, describe_bytes, read_capped};
use crate::validate::{Schemas, validate};
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
    pub sources: BTreeMap<String, Arc<str>>,
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
    schemas: &Schemas,
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
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(configuration);
    }
    configuration.has_catalog_file = true;
    let limits = Limits::default();
    let Some(text) = read_descriptor(
        root,
        &path,
        CATALOG_FILE,
        limits.descriptor_bytes,
        diagnostics,
    )?
    else {
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
        .insert(CATALOG_FILE.to_owned(), Arc::from(text.as_str()));
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
    if validate(
        CATALOG_FILE,
        &document,
        &schemas.catalog,
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
    root: &Path,
    path: &Path,
    display: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<String>, CompileError> {
    let _ = root;
    match read_capped(path, limit) {
        Ok(bytes) => match decode(display, bytes) {
            Ok(text) => Ok(Some(text)),
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                Ok(None)
            }
        },
        Err(ReadError::TooLarge { limit }) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::YamlLimits,
                    format!(
                        "this file is larger than the {} limit for catalog descriptors",
                        describe_bytes(limit)
                    ),
                )
                .in_file(display)
                .with_help("split it, or raise `limits.maxFileBytes` in catalog.yaml"),
            );
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

/// A descriptor file to load.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DescriptorFile {
    /// Catalog-relative display path (the link's path for a symlink).
    pub display: String,
    /// Where to read it from (the target for a symlink inside the root).
    pub path: PathBuf,
}

/// Every descriptor file of the catalog, sorted and without duplicates.
pub fn descriptor_files(
    root: &Path,
    configuration: &Configuration,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<DescriptorFile>, CompileError> {
    let catalog = &configuration.catalog;
    let mut files = BTreeSet::new();
    for (index, source) in catalog.services.iter().enumerate() {
        match source {
            ServiceSource::Path(source) => {
                let pointer = format!("/services/{index}/path");
                let Some(dir) =
                    configured_dir(root, &source.path, &pointer, configuration, diagnostics)
                else {
                    continue;
                };
                walk(
                    root,
                    &dir,
                    &mut |name| name == SERVICE_FILE,
                    &mut files,
                    diagnostics,
                )?;
            }
            ServiceSource::Git(source) => {
                return Err(CompileError::Unsupported(format!(
                    "catalog.yaml: `services` reads the git source {}, and this version of catalogc cannot read git sources yet",
                    quote(&source.git)
                )));
            }
        }
    }
    let yaml_file = |name: &str| name.ends_with(".yaml") || name.ends_with(".yml");
    for (setting, configured, default) in [
        ("teams", catalog.teams.as_ref(), "teams"),
        ("scorecards", catalog.scorecards.as_ref(), "scorecards"),
    ] {
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
            walk(
                root,
                &dir,
                &mut |name| yaml_file(name),
                &mut files,
                diagnostics,
            )?;
        }
    }
    // catalog.yaml is read by `configuration`; a walk of the root must not read it again.
    files.retain(|f: &DescriptorFile| f.display != CATALOG_FILE);
    Ok(files.into_iter().collect())
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

fn walk(
    root: &Path,
    dir: &Path,
    wanted: &mut dyn FnMut(&str) -> bool,
    files: &mut BTreeSet<DescriptorFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), CompileError> {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .parents(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && SKIPPED_DIRECTORIES
                    .iter()
                    .any(|skip| entry.file_name() == *skip))
        })
        .build();
    for entry in walker {
        let entry = entry.map_err(|error| CompileError::Io {
            path: dir.to_path_buf(),
            error: std::io::Error::other(error.to_string()),
        })?;
        let name = entry.file_name().to_string_lossy();
        if !wanted(&name) {
            continue;
        }
        let display = relative_path(root, entry.path());
        let file_type = entry.file_type();
        if entry.path_is_symlink() {
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(root) && target.is_file() => {
                    files.insert(DescriptorFile {
                        display,
                        path: target,
                    });
                }
                Ok(target) if target.starts_with(root) => diagnostics.push(
                    Diagnostic::new(
                        Code::PathEscape,
                        "this descriptor is a symlink to something that is not a regular file",
                    )
                    .in_file(display),
                ),
                Ok(_) => diagnostics.push(
                    Diagnostic::new(
                        Code::PathEscape,
                        "this descriptor is a symlink that leads outside the catalog root; it was not read",
                    )
                    .in_file(display)
                    .with_help("replace the symlink with the file itself"),
                ),
                Err(_) => diagnostics.push(
                    Diagnostic::new(Code::MissingFile, "this descriptor is a symlink to a file that does not exist")
                        .in_file(display),
                ),
            }
            continue;
        }
        if file_type.is_some_and(|t| t.is_file()) {
            files.insert(DescriptorFile {
                display,
                path: entry.path().to_path_buf(),
            });
        } else if file_type.is_some_and(|t| !t.is_dir()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::PathEscape,
                    "this descriptor is not a regular file (a FIFO, socket or device); it was not read",
                )
                .in_file(display),
            );
        }
    }
    Ok(())
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
