//! Loading: descriptor files → validated, typed entities, in parallel.
//!
//! Each file is read within its size cap, decoded, parsed in strict mode, dispatched on
//! `apiVersion`/`kind`, validated against its kind's schema (and for services the
//! organisation's extension schema), and deserialised from the same JSON value — no second
//! parse. Files are processed in parallel with rayon; the caller sorts the results.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use catalogc_diagnostics::{Code, Diagnostic, Span, quote};
use catalogc_model::{API_VERSION, Kind, Scorecard, Service, Team};
use jsonschema::Retrieve;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cache::{Key, ParseCache};
use crate::discover::{
    Configuration, DescriptorFile, lexically_inside, read_descriptor, read_descriptor_bytes,
    read_revision_descriptor,
};
use crate::limits::Limits;
use crate::revision::Revision;
use crate::source::{ReadError, decode, describe_bytes, read_capped};
use crate::suggest::did_you_mean;
use crate::validate::{CompiledSchema, Schemas, validate};
use crate::yaml::{self, Document, Mode};
use crate::{CompileError, Entity, Origin};

/// What one descriptor file produced.
#[derive(Clone)]
pub struct LoadedFile {
    pub path: String,
    pub text: Arc<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub services: Vec<Entity<Service>>,
    pub teams: Vec<Entity<Team>>,
    pub scorecards: Vec<Entity<Scorecard>>,
}

/// The organisation's extension schema for services.
pub struct Extension {
    pub schema: CompiledSchema,
    /// How findings name it: "the extension schema `schemas/acme.json`".
    pub origin: String,
}

/// A descriptor to load: a file of the catalog's tree, or a blob already read from git.
pub enum Input<'a> {
    File(&'a DescriptorFile),
    Git(&'a crate::git_source::GitDescriptor),
}

/// Where descriptors are read from and what may be reused.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// The revision `Input::File`s with a blob belong to.
    pub revision: Option<&'a Arc<Revision>>,
    /// Parsed files by blob id, and the salt of this compilation's settings.
    pub cache: Option<(&'a ParseCache, u64)>,
    /// Told of each scorecard as soon as its file is loaded (the scoring stage starts
    /// parsing its expressions while the other descriptors load).
    pub scorecards: &'a (dyn Fn(&Scorecard) + Sync),
}

/// Loads and validates every descriptor in parallel. Files that could not be read as text
/// still appear (with their findings) so the report counts them.
pub fn descriptors(
    inputs: &[Input<'_>],
    limits: &Limits,
    schemas: &Schemas,
    extension: Option<&Extension>,
    reading: Reading<'_>,
) -> Result<Vec<LoadedFile>, CompileError> {
    inputs
        .par_iter()
        .map(|input| {
            let loaded = load_input(input, limits, schemas, extension, reading)?;
            for scorecard in &loaded.scorecards {
                (reading.scorecards)(&scorecard.value);
            }
            Ok(loaded)
        })
        .collect()
}

/// Reads, parses and validates one descriptor file.
fn load_input(
    input: &Input<'_>,
    limits: &Limits,
    schemas: &Schemas,
    extension: Option<&Extension>,
    reading: Reading<'_>,
) -> Result<LoadedFile, CompileError> {
    let mut diagnostics = Vec::new();
    let file = match input {
        Input::File(file) => file,
        Input::Git(descriptor) => {
            return Ok(load_text(
                descriptor.display.as_str(),
                descriptor.text.clone(),
                Origin::Git {
                    repository: Arc::clone(&descriptor.repository),
                    base: descriptor.base.clone(),
                },
                diagnostics,
                limits,
                schemas,
                extension,
            ));
        }
    };
    let display = file.display.as_str();
    let (origin, blob, text) = match (file.blob, reading.revision) {
        (Some(blob), Some(revision)) => {
            let origin = Origin::Revision {
                revision: Arc::clone(revision),
                base: parent_parts(display),
            };
            if let Some(hit) = cached(reading, display, blob, &origin) {
                return Ok(hit);
            }
            let text = read_revision_descriptor(
                revision,
                display,
                limits.descriptor_bytes,
                &mut diagnostics,
            )?
            .map(|(_, text)| text);
            (origin, Some(blob), text)
        }
        _ if reading.cache.is_some() => {
            // The working tree: the blob id of the content finds the parse of an
            // identical blob of another revision.
            let Some(bytes) = read_descriptor_bytes(
                &file.path,
                display,
                limits.descriptor_bytes,
                &mut diagnostics,
            )?
            else {
                return Ok(load_text(
                    display,
                    None,
                    Origin::Directory,
                    diagnostics,
                    limits,
                    schemas,
                    extension,
                ));
            };
            let blob = crate::revision::blob_id(&bytes);
            if let Some(hit) = cached(reading, display, blob, &Origin::Directory) {
                return Ok(hit);
            }
            let text = match decode(display, bytes) {
                Ok(text) => Some(text),
                Err(diagnostic) => {
                    diagnostics.push(*diagnostic);
                    None
                }
            };
            (Origin::Directory, Some(blob), text)
        }
        _ => (
            Origin::Directory,
            None,
            read_descriptor(
                &file.path,
                display,
                limits.descriptor_bytes,
                &mut diagnostics,
            )?,
        ),
    };
    let loaded = load_text(
        display,
        text,
        origin,
        diagnostics,
        limits,
        schemas,
        extension,
    );
    if let (Some((cache, salt)), Some(blob)) = (reading.cache, blob) {
        cache.put(
            &cache.descriptors,
            Key::new(display, blob, salt),
            Arc::new(loaded.clone()),
        );
    }
    Ok(loaded)
}

/// The cached load of `display` at `blob`, its entities re-homed to `origin` (the same text
/// read from another revision resolves its references there).
fn cached(
    reading: Reading<'_>,
    display: &str,
    blob: git2::Oid,
    origin: &Origin,
) -> Option<LoadedFile> {
    let (cache, salt) = reading.cache?;
    let hit = cache.get(&cache.descriptors, &Key::new(display, blob, salt))?;
    let mut loaded = LoadedFile::clone(&hit);
    for service in &mut loaded.services {
        service.origin = origin.clone();
    }
    for team in &mut loaded.teams {
        team.origin = origin.clone();
    }
    for scorecard in &mut loaded.scorecards {
        scorecard.origin = origin.clone();
    }
    Some(loaded)
}

/// The directory of a catalog-relative path, as components.
fn parent_parts(display: &str) -> Vec<String> {
    let mut parts: Vec<String> = display.split('/').map(str::to_owned).collect();
    parts.pop();
    parts
}

/// Parses and validates the text of one descriptor file (`None`: it could not be read, and
/// `diagnostics` says why).
fn load_text(
    display: &str,
    text: Option<String>,
    origin: Origin,
    diagnostics: Vec<Diagnostic>,
    limits: &Limits,
    schemas: &Schemas,
    extension: Option<&Extension>,
) -> LoadedFile {
    let mut loaded = LoadedFile {
        path: display.to_owned(),
        text: Arc::new(String::new()),
        diagnostics,
        services: Vec::new(),
        teams: Vec::new(),
        scorecards: Vec::new(),
    };
    let Some(text) = text else {
        return loaded;
    };
    let text = Arc::new(text);
    // Spans are rebuilt from the text for the few descriptors that get a finding.
    let documents = yaml::parse_deferred(
        display,
        &text,
        Mode::Strict,
        limits.descriptor,
        &mut loaded.diagnostics,
    );
    loaded.text = text;
    if documents.is_empty() && loaded.diagnostics.is_empty() {
        loaded.diagnostics.push(
            Diagnostic::new(Code::EmptyFile, "this file holds no YAML document")
                .in_file(display)
                .with_help("describe an entity (`apiVersion: catalogc/v1`, `kind: Service`, …) or delete the file"),
        );
    }
    for document in documents {
        load_document(display, document, &origin, schemas, extension, &mut loaded);
    }
    loaded
}

fn load_document(
    file: &str,
    document: Document,
    origin: &Origin,
    schemas: &Schemas,
    extension: Option<&Extension>,
    loaded: &mut LoadedFile,
) {
    let diagnostics = &mut loaded.diagnostics;
    let Some(kind) = kind_of(file, &document, diagnostics) else {
        return;
    };
    let Some(schema) = schemas.of(kind) else {
        let span = document
            .spans
            .span_for("/kind", false)
            .unwrap_or(Span::point(document.start));
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownKind,
                "a `Catalog` belongs in catalog.yaml at the catalog root",
            )
            .at(file, span)
            .with_pointer("/kind")
            .with_help(
                "move this document to catalog.yaml, or describe a Service, Team or Scorecard",
            ),
        );
        return;
    };
    let subject = format!("this {}", kind.noun());
    let mut valid = validate(file, &document, schema, &subject, None, diagnostics);
    if kind == Kind::Service
        && let Some(extension) = extension
    {
        valid &= validate(
            file,
            &document,
            &extension.schema,
            &subject,
            Some(&extension.origin),
            diagnostics,
        );
    }
    if !document.reported.is_empty() {
        // The loader rejected part of this document (a tag, a number); it is not valid.
        valid = false;
    }
    if !valid {
        return;
    }
    let spans = Arc::new(document.spans);
    match kind {
        Kind::Service => {
            if let Some(service) =
                typed::<Service>(file, &document.value, document.start, diagnostics)
            {
                check_links(file, &service.links, "/links", &spans, diagnostics);
                loaded.services.push(Entity {
                    value: service,
                    file: file.to_owned(),
                    start: document.start,
                    spans,
                    origin: origin.clone(),
                });
            }
        }
        Kind::Team => {
            if let Some(team) = typed::<Team>(file, &document.value, document.start, diagnostics) {
                loaded.teams.push(Entity {
                    value: team,
                    file: file.to_owned(),
                    start: document.start,
                    spans,
                    origin: origin.clone(),
                });
            }
        }
        Kind::Scorecard => {
            if let Some(scorecard) =
                typed::<Scorecard>(file, &document.value, document.start, diagnostics)
            {
                loaded.scorecards.push(Entity {
                    value: scorecard,
                    file: file.to_owned(),
                    start: document.start,
                    spans,
                    origin: origin.clone(),
                });
            }
        }
        Kind::Catalog => {}
    }
}

/// Deserialises a validated value. The schemas are generated from these types, so a failure
/// here means the two disagree; it is still reported as a finding rather than a crash.
fn typed<T: DeserializeOwned>(
    file: &str,
    value: &Value,
    start: catalogc_diagnostics::Position,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    match T::deserialize(value) {
        Ok(typed) => Some(typed),
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!("this document is invalid: {error}"),
                )
                .at(file, Span::point(start)),
            );
            None
        }
    }
}

/// Link URLs may not carry credentials (`https://user:pass@host`): they would be published.
fn check_links(
    file: &str,
    links: &[catalogc_model::Link],
    pointer: &str,
    spans: &crate::yaml::SpanMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (index, link) in links.iter().enumerate() {
        let url = link.url.as_str();
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            continue;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            let at = format!("{pointer}/{index}/url");
            let span = spans.span_for(&at, false).unwrap_or_default();
            diagnostics.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!(
                        "`links[{index}].url` carries credentials (`user@` or `user:password@`)"
                    ),
                )
                .at(file, span)
                .with_pointer(at)
                .with_help("remove the credentials: links are published in the catalog site"),
            );
        }
    }
}

/// Reads `apiVersion` and `kind`; unsupported values are reported as `unknown-kind`.
pub fn kind_of(file: &str, document: &Document, diagnostics: &mut Vec<Diagnostic>) -> Option<Kind> {
    let at = |pointer: &str| {
        document
            .spans
            .span_for(pointer, false)
            .unwrap_or(Span::point(document.start))
    };
    let Value::Object(map) = &document.value else {
        diagnostics.push(
            Diagnostic::new(
                Code::SchemaViolation,
                "a descriptor must be a mapping with `apiVersion`, `kind` and `name`",
            )
            .at(file, at(""))
            .with_pointer(""),
        );
        return None;
    };
    match map.get("apiVersion") {
        Some(Value::String(version)) if version == API_VERSION => {}
        Some(other) => {
            let shown = other
                .as_str()
                .map(quote)
                .unwrap_or_else(|| other.to_string());
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownKind,
                    format!(
                        "`apiVersion` {shown} is not supported; catalogc reads `{API_VERSION}`"
                    ),
                )
                .at(file, at("/apiVersion"))
                .with_pointer("/apiVersion")
                .with_help(format!("write `apiVersion: {API_VERSION}`")),
            );
            return None;
        }
        None => {
            diagnostics.push(
                Diagnostic::new(Code::UnknownKind, "this document has no `apiVersion`")
                    .at(file, at(""))
                    .with_pointer("")
                    .with_help(format!("start it with `apiVersion: {API_VERSION}`")),
            );
            return None;
        }
    }
    let names = Kind::ALL.map(Kind::as_str);
    match map.get("kind") {
        Some(Value::String(kind)) => match Kind::from_name(kind) {
            Some(kind) => Some(kind),
            None => {
                let help = match did_you_mean(kind, names) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => {
                        "catalogc reads `Service`, `Team` and `Scorecard` descriptors".to_owned()
                    }
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownKind,
                        format!("the kind {} is not supported", quote(kind)),
                    )
                    .at(file, at("/kind"))
                    .with_pointer("/kind")
                    .with_help(help),
                );
                None
            }
        },
        Some(other) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownKind,
                    format!("`kind` must be a name such as `Service`, found `{other}`"),
                )
                .at(file, at("/kind"))
                .with_pointer("/kind"),
            );
            None
        }
        None => {
            diagnostics.push(
                Diagnostic::new(Code::UnknownKind, "this document has no `kind`")
                    .at(file, at(""))
                    .with_pointer("")
                    .with_help("add `kind: Service`, `kind: Team` or `kind: Scorecard`"),
            );
            None
        }
    }
}

/// Loads and compiles `extensions.serviceSchema`. Its `$ref`s may name files inside the catalog
/// root only; nothing is ever fetched from the network.
pub fn extension_schema(
    root: &Path,
    revision: Option<&Arc<Revision>>,
    configuration: &Configuration,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Extension> {
    let relative = configuration
        .catalog
        .extensions
        .as_ref()?
        .service_schema
        .as_ref()?
        .as_str();
    let pointer = "/extensions/serviceSchema";
    let problem = |message: String, help: &str| {
        configuration.at(
            Diagnostic::new(Code::InvalidExtensionSchema, message).with_help(help),
            pointer,
        )
    };
    let retriever = RootRetriever {
        root: root.to_path_buf(),
        revision: revision.cloned(),
        limit: limits.spec_bytes,
        failure: Arc::new(Mutex::new(None)),
    };
    let failure = Arc::clone(&retriever.failure);
    let path = match retriever.inside(relative) {
        Ok(path) => path,
        Err(reason) => {
            diagnostics.push(problem(
                format!("the extension schema {}: {reason}", quote(relative)),
                "name a JSON Schema file inside the catalog root",
            ));
            return None;
        }
    };
    let schema = match retriever.load(&path) {
        Ok(schema) => schema,
        Err(reason) => {
            diagnostics.push(problem(
                format!(
                    "the extension schema {} cannot be read: {reason}",
                    quote(relative)
                ),
                "name a JSON (or YAML) Schema file inside the catalog root",
            ));
            return None;
        }
    };
    let base = format!("file://{}", path.display());
    match jsonschema::options()
        .with_retriever(retriever)
        .with_base_uri(base)
        .build(&schema)
    {
        Ok(validator) => Some(Extension {
            schema: CompiledSchema { validator, schema },
            origin: format!("the extension schema `{relative}`"),
        }),
        Err(error) => {
            // A `$ref` the retriever refused explains itself better than the compiler's error.
            let reason = failure
                .lock()
                .ok()
                .and_then(|mut f| f.take())
                .unwrap_or_else(|| format!("it is not a valid JSON Schema: {error}"));
            diagnostics.push(problem(
                format!(
                    "the extension schema {} cannot be used: {}",
                    quote(relative),
                    catalogc_diagnostics::sanitize(&reason)
                ),
                "fix the schema; `$ref`s may only name files inside the catalog root",
            ));
            None
        }
    }
}

/// Resolves `$ref`s of the extension schema to files inside the catalog root.
struct RootRetriever {
    root: PathBuf,
    /// Read the catalog at this revision instead of the working tree.
    revision: Option<Arc<Revision>>,
    limit: u64,
    /// Why the last refused `$ref` was refused, for the finding.
    failure: Arc<Mutex<Option<String>>>,
}

impl RootRetriever {
    /// The canonical path of a catalog-relative file, if it stays inside the root.
    fn inside(&self, relative: &str) -> Result<PathBuf, String> {
        let lexical = lexically_inside(&self.root, relative)
            .ok_or_else(|| "the path leaves the catalog root".to_owned())?;
        if let Some(revision) = &self.revision {
            return match revision.file(&crate::relative_path(&self.root, &lexical)) {
                Ok(_) => Ok(lexical),
                Err(crate::repo::FileProblem::Missing) => Err("the file does not exist".to_owned()),
                Err(_) => Err("it is not a regular file".to_owned()),
            };
        }
        let real =
            std::fs::canonicalize(&lexical).map_err(|_| "the file does not exist".to_owned())?;
        if !real.starts_with(&self.root) {
            return Err("the path leads outside the catalog root".to_owned());
        }
        Ok(real)
    }

    fn load(&self, path: &Path) -> Result<Value, String> {
        let read = match &self.revision {
            Some(revision) => revision
                .read(&crate::relative_path(&self.root, path), self.limit)
                .map(|(_, bytes)| bytes)
                .map_err(|problem| match problem {
                    crate::repo::FileProblem::TooLarge(limit) => ReadError::TooLarge { limit },
                    crate::repo::FileProblem::Io(error) => ReadError::Io(error),
                    _ => ReadError::NotRegular,
                }),
            None => read_capped(path, self.limit),
        };
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge { limit }) => {
                return Err(format!("it is larger than {}", describe_bytes(limit)));
            }
            Err(ReadError::NotRegular) => return Err("it is not a regular file".to_owned()),
            Err(ReadError::Io(error)) => return Err(error.to_string()),
        };
        let display = crate::relative_path(&self.root, path);
        let text = decode(&display, bytes).map_err(|d| d.message)?;
        let mut found = Vec::new();
        let documents = yaml::parse(
            &display,
            &text,
            Mode::Lenient,
            Limits::default().third_party,
            &mut found,
        );
        if let Some(problem) = found.first() {
            let at = problem
                .span
                .map(|s| format!(" at {}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            return Err(format!("{}{at}", problem.message));
        }
        documents
            .into_iter()
            .next()
            .map(|d| d.value)
            .ok_or_else(|| "the file is empty".to_owned())
    }
}

impl Retrieve for RootRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let result = self.retrieve_inside(uri.as_str());
        if let (Err(reason), Ok(mut failure)) = (&result, self.failure.lock()) {
            *failure = Some(reason.clone());
        }
        Ok(result?)
    }
}

impl RootRetriever {
    fn retrieve_inside(&self, uri: &str) -> Result<Value, String> {
        let Some(path) = uri.strip_prefix("file://") else {
            return Err(format!(
                "its `$ref` to `{uri}` is never fetched: only files inside the catalog root may be referenced"
            ));
        };
        let path = percent_decode(path);
        let lexical = Path::new(&path);
        let relative = lexical
            .strip_prefix(&self.root)
            .map_err(|_| format!("its `$ref` to `{uri}` leaves the catalog root"))?;
        let real = self
            .inside(&relative.to_string_lossy())
            .map_err(|reason| format!("its `$ref` to `{uri}` cannot be followed: {reason}"))?;
        self.load(&real)
            .map_err(|reason| format!("its `$ref` to `{uri}` cannot be read: {reason}"))
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
