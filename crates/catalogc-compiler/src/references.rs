//! In-repository references: `docs`, `apis.provides[].spec` and `pipelines` of each service,
//! resolved inside the service's repository, read within SPEC 6's limits, and summarised.
//!
//! Every path is checked lexically before any filesystem access ([`crate::repo::lexical`]);
//! problems are reported at the reference in the descriptor (`missing-file`, `path-escape`,
//! `yaml-limits`). A file referenced several times (a workflow shared by the services of a
//! monorepo) is read and parsed once; findings inside it (`invalid-api-spec`,
//! `invalid-pipeline`) are located in that file. Files are read in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use catalogc_diagnostics::{Code, Diagnostic, SourceText, quote};
use catalogc_model::{ApiType, Service};
use rayon::prelude::*;

use crate::artifacts::{self, ApiSpec, Doc, Workflow};
use crate::cache::{Key, ParseCache, salt_of};
use crate::limits::Limits;
use crate::repo::{FileProblem, lexical, read_in_directory};
use crate::revision::Revision;
use crate::source::{decode, describe_bytes, keep_for_snippets};
use crate::suggest::did_you_mean;
use crate::yaml::{self, Mode};
use crate::{CompileError, Entity, Origin};

/// A documentation file of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct DocFile {
    /// Catalog-relative path.
    pub path: String,
    /// Its summary, when it is UTF-8 text.
    pub doc: Option<Doc>,
    /// Its text (Markdown), when it is UTF-8, for the catalog site.
    pub text: Option<Arc<String>>,
}

/// The specification of a provided API.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecFile {
    /// The API's name.
    pub api: String,
    pub path: String,
    /// The summary of an OpenAPI, Swagger or AsyncAPI document that reads cleanly.
    pub spec: Option<ApiSpec>,
}

/// A pipeline of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineFile {
    pub path: String,
    pub workflow: Option<Workflow>,
}

/// What a service's references resolved to (files that could not be read are left out; a
/// finding says why).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFiles {
    pub docs: Vec<DocFile>,
    pub specs: Vec<SpecFile>,
    pub pipelines: Vec<PipelineFile>,
}

/// The result of the stage.
#[derive(Debug, Default)]
pub struct References {
    /// One entry per service, in the order of the services given.
    pub services: Vec<ServiceFiles>,
    /// The lines of the specs and workflows read that findings point at (for snippets).
    pub sources: BTreeMap<String, SourceText>,
    pub files_read: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Doc,
    Spec(ApiKind),
    Pipeline,
}

/// The spec kinds that are parsed; others are only checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ApiKind {
    OpenApi,
    AsyncApi,
    Other,
}

impl ApiKind {
    fn of(api_type: ApiType) -> ApiKind {
        match api_type {
            ApiType::Openapi => ApiKind::OpenApi,
            ApiType::Asyncapi => ApiKind::AsyncApi,
            ApiType::Graphql | ApiType::Grpc => ApiKind::Other,
        }
    }

    fn api_type(self) -> Option<ApiType> {
        match self {
            ApiKind::OpenApi => Some(ApiType::Openapi),
            ApiKind::AsyncApi => Some(ApiType::Asyncapi),
            ApiKind::Other => None,
        }
    }
}

/// Where a referenced file lives: a working-tree repository or a git tree.
#[derive(Clone)]
enum Location {
    Directory(Arc<crate::repo::RepositoryDir>),
    Git(Arc<crate::git_source::GitRepository>),
    /// The catalog root's tree at a revision.
    Revision(Arc<Revision>),
}

impl Location {
    fn identity(&self) -> String {
        match self {
            Location::Directory(repo) => repo.root.display().to_string(),
            Location::Git(repo) => format!("git:{}", repo.display()),
            Location::Revision(_) => "revision".to_owned(),
        }
    }
}

/// One reference written in a descriptor.
struct Reference {
    service: usize,
    kind: Kind,
    /// The API name for specs.
    api: Option<String>,
    pointer: String,
    written: String,
}

/// A file's key, display path, what reading it gave, findings inside it, and its text.
type Outcome = (FileKey, String, Read, Vec<Diagnostic>, Option<SourceText>);

/// What reading a file gave, as the [`crate::cache::ParseCache`] keeps it (never a problem:
/// whether a file can be read depends on more than its content).
pub(crate) struct Parsed {
    read: Read,
    found: Vec<Diagnostic>,
    text: Option<SourceText>,
}

impl Read {
    /// A copy of a successful read (problems are not cached).
    fn copy(&self) -> Option<Read> {
        Some(match self {
            Read::Doc(doc, text) => Read::Doc(doc.clone(), text.clone()),
            Read::Spec(spec) => Read::Spec(spec.clone()),
            Read::Pipeline(workflow) => Read::Pipeline(workflow.clone()),
            Read::Problem(_) => return None,
        })
    }
}

/// A distinct file: its repository, repository-relative path, and how it is read.
type FileKey = (String, Vec<String>, Kind);

/// What reading one unique file gave.
enum Read {
    Doc(Option<Doc>, Option<Arc<String>>),
    Spec(Option<ApiSpec>),
    Pipeline(Option<Workflow>),
    Problem(FileProblem),
}

/// Resolves, reads and summarises the references of `services`.
pub fn resolve(
    root: &std::path::Path,
    services: &[Entity<Service>],
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<References, CompileError> {
    resolve_cached(root, services, limits, None, diagnostics)
}

/// [`resolve`], reusing files parsed before (by blob id) from `cache`.
pub(crate) fn resolve_cached(
    root: &std::path::Path,
    services: &[Entity<Service>],
    limits: &Limits,
    cache: Option<&ParseCache>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<References, CompileError> {
    let mut references = Vec::new();
    for (index, service) in services.iter().enumerate() {
        let value = &service.value;
        for (i, doc) in value.docs.iter().enumerate() {
            references.push(Reference {
                service: index,
                kind: Kind::Doc,
                api: None,
                pointer: format!("/docs/{i}"),
                written: doc.to_string(),
            });
        }
        if let Some(apis) = &value.apis {
            for (i, api) in apis.provides.iter().enumerate() {
                if let Some(spec) = &api.spec {
                    references.push(Reference {
                        service: index,
                        kind: Kind::Spec(ApiKind::of(api.api_type)),
                        api: Some(api.name.to_string()),
                        pointer: format!("/apis/provides/{i}/spec"),
                        written: spec.to_string(),
                    });
                }
            }
        }
        for (i, pipeline) in value.pipelines.iter().enumerate() {
            references.push(Reference {
                service: index,
                kind: Kind::Pipeline,
                api: None,
                pointer: format!("/pipelines/{i}"),
                written: pipeline.to_string(),
            });
        }
    }

    // Resolve each reference lexically; group the readable ones by file.
    let mut repositories: BTreeMap<String, Arc<crate::repo::RepositoryDir>> = BTreeMap::new();
    let mut markers = crate::repo::GitMarkers::default();
    let mut files: BTreeMap<FileKey, (Location, String)> = BTreeMap::new();
    let mut resolved: Vec<Option<FileKey>> = Vec::with_capacity(references.len());
    for reference in &references {
        let service = &services[reference.service];
        let (location, base, display_prefix) = match &service.origin {
            Origin::Directory => {
                let dir = std::path::Path::new(&service.file)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let repository = repositories.entry(dir.clone()).or_insert_with(|| {
                    Arc::new(crate::repo::RepositoryDir::of(
                        root,
                        &root.join(&service.file),
                        &mut markers,
                    ))
                });
                let prefix = crate::relative_path(root, &repository.root);
                (
                    Location::Directory(Arc::clone(repository)),
                    repository.base.clone(),
                    prefix,
                )
            }
            Origin::Git { repository, base } => (
                Location::Git(Arc::clone(repository)),
                base.clone(),
                repository.display().to_owned(),
            ),
            Origin::Revision { revision, base } => (
                Location::Revision(Arc::clone(revision)),
                base.clone(),
                String::new(),
            ),
            // Bundle entries carry no file references.
            Origin::Bundle => {
                resolved.push(None);
                continue;
            }
        };
        match lexical(&base, &reference.written) {
            Ok(parts) => {
                let display = join_display(&display_prefix, &parts);
                let key = (location.identity(), parts, reference.kind);
                files.entry(key.clone()).or_insert((location, display));
                resolved.push(Some(key));
            }
            Err(problem) => {
                diagnostics.push(problem_finding(service, reference, &problem, None));
                resolved.push(None);
            }
        }
    }

    // Read and summarise every distinct file once, in parallel.
    let outcomes: Vec<Outcome> = files
        .into_par_iter()
        .map(|(key, (location, display))| {
            let mut found = Vec::new();
            let (read, text) = match cache {
                Some(cache) => read_cached(cache, &location, &key, &display, limits, &mut found),
                None => read_one(&location, &key.1, key.2, &display, limits, &mut found),
            };
            (key, display, read, found, text)
        })
        .collect();
    let mut result = References {
        services: vec![ServiceFiles::default(); services.len()],
        ..References::default()
    };
    let mut by_key: BTreeMap<FileKey, (String, Read)> = BTreeMap::new();
    for (key, display, read, found, text) in outcomes {
        if let Some(io) = match &read {
            Read::Problem(FileProblem::Io(error)) => Some(error.to_string()),
            _ => None,
        } {
            return Err(CompileError::Io {
                path: root.join(&display),
                error: std::io::Error::other(io),
            });
        }
        if !matches!(read, Read::Problem(_)) {
            result.files_read += 1;
        }
        diagnostics.extend(found);
        if let Some(text) = text {
            result.sources.insert(display.clone(), text);
        }
        by_key.insert(key, (display, read));
    }

    for (reference, key) in references.iter().zip(resolved) {
        let Some(key) = key else {
            continue;
        };
        let Some((display, read)) = by_key.get(&key) else {
            continue;
        };
        let service = &services[reference.service];
        let files = &mut result.services[reference.service];
        match read {
            Read::Problem(problem) => {
                let siblings = match (problem, &service.origin) {
                    (FileProblem::Missing, Origin::Revision { revision, .. }) => {
                        let parent = display.rsplit_once('/').map_or("", |(dir, _)| dir);
                        revision.children(parent)
                    }
                    (FileProblem::Missing, _) => sibling_names(root, display),
                    _ => Vec::new(),
                };
                diagnostics.push(problem_finding(
                    service,
                    reference,
                    problem,
                    Some((display, &siblings)),
                ));
            }
            Read::Doc(doc, text) => files.docs.push(DocFile {
                path: display.clone(),
                doc: doc.clone(),
                text: text.clone(),
            }),
            Read::Spec(spec) => files.specs.push(SpecFile {
                api: reference.api.clone().unwrap_or_default(),
                path: display.clone(),
                spec: spec.clone(),
            }),
            Read::Pipeline(workflow) => files.pipelines.push(PipelineFile {
                path: display.clone(),
                workflow: workflow.clone(),
            }),
        }
    }
    Ok(result)
}

fn join_display(prefix: &str, parts: &[String]) -> String {
    let tail = parts.join("/");
    if prefix.is_empty() || prefix == "." {
        tail
    } else {
        format!("{prefix}/{tail}")
    }
}

/// [`read_one`] through the cache: the blob id (from the revision's index, or hashed from
/// the working-tree file) finds a file parsed before.
fn read_cached(
    cache: &ParseCache,
    location: &Location,
    key: &FileKey,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Read, Option<SourceText>) {
    let (parts, kind) = (&key.1, key.2);
    let (blob, bytes) = match location {
        Location::Revision(revision) => match revision.file(&parts.join("/")) {
            Ok(blob) => (blob, None),
            Err(problem) => return (Read::Problem(problem), None),
        },
        Location::Directory(repository) => {
            match read_in_directory(repository, parts, limits.spec_bytes) {
                Ok(bytes) => (crate::revision::blob_id(&bytes), Some(bytes)),
                Err(problem) => return (Read::Problem(problem), None),
            }
        }
        Location::Git(_) => return read_one(location, parts, kind, display, limits, diagnostics),
    };
    let cache_key = Key::new(
        display,
        blob,
        salt_of(&(kind, limits.spec_bytes, limits.third_party)),
    );
    if let Some(hit) = cache.get(&cache.references, &cache_key)
        && let Some(read) = hit.read.copy()
    {
        diagnostics.extend(hit.found.iter().cloned());
        return (read, hit.text.clone());
    }
    let bytes = match bytes {
        Some(bytes) => Ok(bytes),
        None => match location {
            Location::Revision(revision) => revision.read_blob(blob, limits.spec_bytes),
            _ => Err(FileProblem::Missing),
        },
    };
    let mut found = Vec::new();
    let (read, text) = match bytes {
        Ok(bytes) => summarize(bytes, kind, display, limits, &mut found),
        Err(problem) => return (Read::Problem(problem), None),
    };
    if let Some(copy) = read.copy() {
        cache.put(
            &cache.references,
            cache_key,
            Arc::new(Parsed {
                read: copy,
                found: found.clone(),
                text: text.clone(),
            }),
        );
    }
    diagnostics.extend(found);
    (read, text)
}

/// Reads one file and summarises it. Returns what was read and, for specs and workflows,
/// the text (findings inside it point there).
fn read_one(
    location: &Location,
    parts: &[String],
    kind: Kind,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Read, Option<SourceText>) {
    let bytes = match location {
        Location::Directory(repository) => read_in_directory(repository, parts, limits.spec_bytes),
        Location::Git(repository) => repository.read(parts, limits.spec_bytes),
        Location::Revision(revision) => revision
            .read(&parts.join("/"), limits.spec_bytes)
            .map(|(_, bytes)| bytes),
    };
    match bytes {
        Ok(bytes) => summarize(bytes, kind, display, limits, diagnostics),
        Err(problem) => (Read::Problem(problem), None),
    }
}

/// Summarises the bytes of a referenced file.
fn summarize(
    bytes: Vec<u8>,
    kind: Kind,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Read, Option<SourceText>) {
    match kind {
        Kind::Doc => match String::from_utf8(bytes) {
            Ok(text) => {
                let doc = artifacts::summarize_doc(&text);
                (Read::Doc(Some(doc), Some(Arc::new(text))), None)
            }
            Err(_) => (Read::Doc(None, None), None),
        },
        Kind::Spec(ApiKind::Other) => (Read::Spec(None), None),
        Kind::Spec(_) | Kind::Pipeline => {
            let text = match decode(display, bytes) {
                Ok(text) => text,
                Err(finding) => {
                    diagnostics.push(*finding);
                    return match kind {
                        Kind::Pipeline => (Read::Pipeline(None), None),
                        _ => (Read::Spec(None), None),
                    };
                }
            };
            let before = diagnostics.len();
            // Spans are rebuilt only for a file that gets a finding.
            let text = Arc::new(text);
            let documents = yaml::parse_deferred(
                display,
                &text,
                Mode::Lenient,
                limits.third_party,
                diagnostics,
            );
            let read = match kind {
                Kind::Spec(api_kind) => Read::Spec(api_kind.api_type().and_then(|declared| {
                    artifacts::summarize_api_spec(display, &documents, declared, diagnostics)
                })),
                _ => Read::Pipeline(artifacts::summarize_workflow(
                    display,
                    &documents,
                    diagnostics,
                )),
            };
            // Only the summary is kept: no later finding points inside the file.
            let kept = keep_for_snippets(display, &text, &diagnostics[before..], []);
            (read, Some(kept))
        }
    }
}

/// Names of the files beside a missing one, for "did you mean".
fn sibling_names(root: &std::path::Path, display: &str) -> Vec<String> {
    let path = root.join(display);
    let Some(parent) = path.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .take(1_000)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn what(kind: Kind) -> &'static str {
    match kind {
        Kind::Doc => "documentation file",
        Kind::Spec(_) => "API specification",
        Kind::Pipeline => "pipeline",
    }
}

fn problem_finding(
    service: &Entity<Service>,
    reference: &Reference,
    problem: &FileProblem,
    resolved: Option<(&String, &Vec<String>)>,
) -> Diagnostic {
    let field = crate::validate::readable_path(&reference.pointer);
    let written = quote(&reference.written);
    let (code, message, help) = match problem {
        FileProblem::Missing => {
            let suggestion = resolved.and_then(|(display, siblings)| {
                let name = display.rsplit('/').next().unwrap_or(display);
                did_you_mean(name, siblings.iter().map(String::as_str)).map(|s| s.to_owned())
            });
            (
                Code::MissingFile,
                format!("`{field}` names {written}, which does not exist in the repository"),
                match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "add the {} or fix the path (relative to the descriptor's directory)",
                        what(reference.kind)
                    ),
                },
            )
        }
        FileProblem::Directory => (
            Code::MissingFile,
            format!("`{field}` names {written}, which is a directory, not a file"),
            "name a file inside it".to_owned(),
        ),
        FileProblem::Escape(reason) => (
            Code::PathEscape,
            format!("`{field}` {written} {reason}"),
            "name a regular file inside the service's repository; nothing outside it is read"
                .to_owned(),
        ),
        FileProblem::TooLarge(limit) => (
            Code::YamlLimits,
            format!(
                "`{field}` names {written}, which is larger than the {} limit",
                describe_bytes(*limit)
            ),
            "raise `limits.maxSpecBytes` in catalog.yaml, or split the file".to_owned(),
        ),
        FileProblem::Io(error) => (
            Code::MissingFile,
            format!("`{field}` names {written}, which cannot be read: {error}"),
            "check the file's permissions".to_owned(),
        ),
    };
    Diagnostic::new(code, message)
        .at(&service.file, service.span(&reference.pointer, false))
        .with_pointer(&reference.pointer)
        .with_help(help)
}

/// Every referenced file's catalog-relative path, for tests and the resources list.
pub fn paths(files: &ServiceFiles) -> BTreeSet<&str> {
    files
        .docs
        .iter()
        .map(|d| d.path.as_str())
        .chain(files.specs.iter().map(|s| s.path.as_str()))
        .chain(files.pipelines.iter().map(|p| p.path.as_str()))
        .collect()
}
