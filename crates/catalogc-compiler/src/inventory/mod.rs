//! Integration inventories (SPEC 1.4): snapshot files exported from Kong Gateway (decK), Kong
//! Mesh / Kuma, PagerDuty, GitHub or a custom source, turned into [`Resource`]s with stable keys.
//!
//! Snapshots are third-party files committed to the catalog repository, so they are read like
//! every other untrusted input (SPEC 6): paths stay inside the catalog root, sizes are capped
//! before reading, and the lenient YAML loader reads YAML and JSON alike, which gives every
//! node a span so findings about a 20 MB export still point at a line.
//!
//! Each format parser requires only the fields that identify a resource and ignores the rest,
//! so a newer export with more fields keeps working. What reaches [`Resource::attributes`] is
//! an explicit allow-list per format: exports carry credentials (decK `consumers`, plugin
//! `config`, certificates) and personal data that must never reach the published bundle.

mod custom;
mod gateway;
mod github;
mod mesh;
mod pagerduty;
mod plugins;
mod walk;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use catalogc_diagnostics::{Code, Diagnostic, SourceText, Span, quote};
use catalogc_model::{Integration, IntegrationType};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::cache::{Key, ParseCache};
use crate::discover::Configuration;
use crate::limits::Limits;
use crate::repo::FileProblem;
use crate::resources::Resource;
use crate::revision::Revision;
use crate::source::{ReadError, decode, describe_bytes, keep_for_snippets, read_capped};
use crate::yaml::{self, Document, Mode, escape_pointer_segment};

/// Every integration's resources, ready for mapping.
#[derive(Debug, Clone, Default)]
pub struct Inventories {
    /// Resources of every integration, sorted by key, keys unique.
    pub resources: Vec<Resource>,
    /// Every configured key prefix, even of integrations that produced no resource (so a
    /// mapping to `pagerduty:X` can say "not in the inventory" rather than "no integration").
    pub prefixes: BTreeSet<String>,
    /// What is kept of the snapshot files read, by catalog-relative path: the lines of their
    /// resources' entries and of the findings inside them (for snippets).
    pub sources: BTreeMap<String, SourceText>,
    /// Number of distinct snapshot files read.
    pub files_read: usize,
}

impl Inventories {
    /// The resource with `key`, if any inventory holds it.
    pub fn get(&self, key: &str) -> Option<&Resource> {
        self.resources
            .binary_search_by(|resource| resource.key.as_str().cmp(key))
            .ok()
            .map(|index| &self.resources[index])
    }
}

/// Loads every integration configured in `catalog.yaml`, in parallel. Problems are pushed to
/// `diagnostics`; what could be read is returned, so one broken export does not hide the
/// others. The output does not depend on scheduling: integrations are merged in configuration
/// order and resources sorted by key.
pub fn load_all(
    root: &Path,
    configuration: &Configuration,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Inventories {
    load_all_from(root, None, None, configuration, limits, diagnostics)
}

/// [`load_all`] from the working tree or a `revision`, reusing parsed integrations from
/// `cache` (with the salt of catalog.yaml: findings about an integration point into it).
pub(crate) fn load_all_from(
    root: &Path,
    revision: Option<&Revision>,
    cache: Option<(&ParseCache, u64)>,
    configuration: &Configuration,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Inventories {
    // Containment checks compare canonical paths; the compiler passes a canonical root, and
    // canonicalising again keeps callers that do not from seeing every path "escape".
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let integrations = &configuration.catalog.integrations;
    let loaded: Vec<Loaded> = integrations
        .par_iter()
        .enumerate()
        .map(|(index, integration)| {
            let source = Source {
                root: &root,
                revision,
                cache,
            };
            load_one(&source, index, integration, configuration, limits)
        })
        .collect();

    let mut inventories = Inventories::default();
    let mut read = BTreeSet::new();
    // Keys are unique within an integration (checked per integration); two integrations can
    // still collide, e.g. two exports of one GitHub organisation. The first configured wins.
    let mut owners: HashMap<String, (usize, String, Span)> = HashMap::new();
    for (index, loaded) in loaded.into_iter().enumerate() {
        diagnostics.extend(loaded.diagnostics);
        if let Some(prefix) = loaded.prefix {
            inventories.prefixes.insert(prefix);
        }
        for (path, text) in loaded.sources {
            read.insert(path.clone());
            if let Some(text) = text {
                inventories.sources.insert(path, text);
            }
        }
        for resource in loaded.resources {
            if let Some((first_index, first_file, first_span)) = owners.get(&resource.key) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidInventory,
                        format!(
                            "the resource {} is also in the inventory of integration #{} ({})",
                            quote(&resource.key),
                            first_index + 1,
                            quote(&path_of(integrations, *first_index)),
                        ),
                    )
                    .at(resource.file.clone(), resource.span)
                    .with_related(first_file.clone(), Some(*first_span), "first listed here")
                    .with_help(format!(
                        "two integrations produce the same resource key; remove the duplicate export or give integration #{} another `name`",
                        index + 1
                    )),
                );
                continue;
            }
            owners.insert(
                resource.key.clone(),
                (index, resource.file.clone(), resource.span),
            );
            inventories.resources.push(resource);
        }
    }
    inventories.files_read = read.len();
    inventories.resources.sort_by(|a, b| a.key.cmp(&b.key));
    inventories
}

fn path_of(integrations: &[Integration], index: usize) -> String {
    integrations
        .get(index)
        .map(|integration| integration.path.to_string())
        .unwrap_or_default()
}

/// Where snapshots are read from.
struct Source<'a> {
    root: &'a Path,
    revision: Option<&'a Revision>,
    cache: Option<(&'a ParseCache, u64)>,
}

/// What one integration produced.
#[derive(Default, Clone)]
pub(crate) struct Loaded {
    prefix: Option<String>,
    resources: Vec<Resource>,
    diagnostics: Vec<Diagnostic>,
    /// Files read, with what is kept of their text when it decoded.
    sources: Vec<(String, Option<SourceText>)>,
}

/// The settings a parser needs about its integration.
pub(crate) struct Context<'a> {
    /// The key prefix (`gateway`, …, or the custom integration's name).
    pub prefix: &'a str,
    /// The integration's `name`, if any.
    pub name: Option<&'a str>,
    /// Pointer of the integration in `catalog.yaml`.
    pub pointer: String,
    pub configuration: &'a Configuration,
}

/// One parsed snapshot file.
pub(crate) struct SnapshotFile {
    /// Catalog-relative path.
    pub display: String,
    pub documents: Vec<Document>,
}

/// What parsers produce: resources in snapshot order, and findings.
#[derive(Default)]
pub(crate) struct Output {
    pub resources: Vec<Resource>,
    pub diagnostics: Vec<Diagnostic>,
}

fn load_one(
    source: &Source<'_>,
    index: usize,
    integration: &Integration,
    configuration: &Configuration,
    limits: &Limits,
) -> Loaded {
    let mut loaded = Loaded::default();
    let pointer = format!("/integrations/{index}");
    let integration_type = integration.integration_type;
    let prefix = match integration_type {
        IntegrationType::Custom => {
            let Some(name) = &integration.name else {
                loaded.diagnostics.push(configuration.at(
                    Diagnostic::new(
                        Code::InvalidInventory,
                        "a `custom` integration needs a `name`: it is the prefix of its resource keys",
                    )
                    .with_help("add `name: <prefix>`, e.g. `name: datadog` for keys `datadog:<id>`"),
                    &pointer,
                ));
                return loaded;
            };
            if BUILTIN_TYPES.contains(&name.as_str()) {
                loaded.diagnostics.push(configuration.at(
                    Diagnostic::new(
                        Code::InvalidInventory,
                        format!(
                            "the custom integration name {} is the key prefix of the built-in `{}` integration type",
                            quote(name),
                            name
                        ),
                    )
                    .with_help(format!(
                        "use `type: {name}` for a real {name} export, or choose another name"
                    )),
                    &format!("{pointer}/name"),
                ));
                return loaded;
            }
            name.to_string()
        }
        builtin => type_name(builtin).to_owned(),
    };
    loaded.prefix = Some(prefix.clone());

    let path_pointer = format!("{pointer}/path");
    let files = match source.revision {
        Some(revision) => walk::revision_snapshot_files(
            revision,
            &integration.path,
            &path_pointer,
            configuration,
            &mut loaded.diagnostics,
        ),
        None => walk::snapshot_files(
            source.root,
            &integration.path,
            &path_pointer,
            configuration,
            &mut loaded.diagnostics,
        ),
    };
    let Some(files) = files else {
        return loaded;
    };

    // Big directories (a mesh zone's worth of Dataplanes) read and parse in parallel;
    // collect keeps the sorted file order.
    // A GitHub export of the working tree (tens of megabytes for a large organisation) is
    // read in pieces as it parses, unless a cache needs its blob id.
    let streamed = integration_type == IntegrationType::Github
        && source.revision.is_none()
        && source.cache.is_none();
    let bytes: Vec<(Option<git2::Oid>, Option<SnapshotBytes>)> = files
        .par_iter()
        .map(|file| match streamed {
            true => (None, None),
            false => read_snapshot_bytes(file, source.revision, source.cache.is_some(), limits),
        })
        .collect();
    // The cache key: this integration's settings (by position in catalog.yaml, whose text
    // is in the salt) and the blob ids of all its files.
    let key = source.cache.and_then(|(_, salt)| {
        let mut ids = Vec::with_capacity(files.len());
        for (file, (blob, _)) in files.iter().zip(&bytes) {
            ids.push((file.display.as_str(), (*blob)?));
        }
        let combined = crate::revision::blob_id(format!("{ids:?}").as_bytes());
        Some(Key::new(&pointer, combined, salt))
    });
    // Findings of the walk are this revision's; what the files gave is cached.
    let walk_findings = std::mem::take(&mut loaded.diagnostics);
    if let (Some((cache, _)), Some(key)) = (source.cache, &key)
        && let Some(hit) = cache.get(&cache.inventories, key)
    {
        let mut hit = Loaded::clone(&hit);
        hit.diagnostics.splice(0..0, walk_findings);
        return hit;
    }
    let read: Vec<(SnapshotFile, Option<SnapshotText>, Vec<Diagnostic>)> = files
        .par_iter()
        .zip(bytes)
        .map(|(file, (_, bytes))| match bytes {
            None if streamed => parse_streamed(file, integration_type, limits),
            // Blobs of a revision are read only now, on a miss.
            bytes => {
                let bytes =
                    bytes.unwrap_or_else(|| read_revision_blob(file, source.revision, limits));
                parse_snapshot(file, bytes, integration_type, limits)
            }
        })
        .collect();
    let mut snapshots = Vec::with_capacity(read.len());
    let mut texts = Vec::with_capacity(read.len());
    for (snapshot, text, found) in read {
        loaded.diagnostics.extend(found);
        texts.push((snapshot.display.clone(), text));
        snapshots.push(snapshot);
    }

    let context = Context {
        prefix: &prefix,
        name: integration.name.as_deref(),
        pointer,
        configuration,
    };
    let mut output = Output::default();
    match integration_type {
        IntegrationType::Gateway => gateway::parse(&snapshots, &context, &mut output),
        IntegrationType::Mesh => mesh::parse(&snapshots, &context, &mut output),
        IntegrationType::Pagerduty => pagerduty::parse(&snapshots, &context, &mut output),
        IntegrationType::Github => github::parse(&snapshots, &context, &mut output),
        IntegrationType::Custom => custom::parse(&snapshots, &context, &mut output),
    }
    drop(snapshots);
    loaded.diagnostics.extend(output.diagnostics);
    loaded.resources = unique_keys(output.resources, integration_type, &mut loaded.diagnostics);
    // Exports are large and only their resources' entries can get a finding from now on
    // (unmapped, duplicated across integrations): keep those lines, drop the rest.
    loaded.sources = texts
        .into_iter()
        .map(|(display, text)| {
            let kept = text.map(|text| match text {
                SnapshotText::Whole(text) => {
                    let entries = loaded
                        .resources
                        .iter()
                        .filter(|resource| resource.file == display)
                        .flat_map(|resource| {
                            [resource.span.start.line, resource.label_span.start.line]
                        });
                    keep_for_snippets(&display, text.as_str(), &loaded.diagnostics, entries)
                }
                // Every line a kept node starts on: all a finding about the file can point at.
                SnapshotText::Lines(lines) => SourceText::from_lines(lines),
            });
            (display, kept)
        })
        .collect();
    if let (Some((cache, _)), Some(key)) = (source.cache, key) {
        cache.put(&cache.inventories, key, Arc::new(loaded.clone()));
    }
    loaded.diagnostics.splice(0..0, walk_findings);
    loaded
}

/// Key prefixes of the built-in types; a custom integration may not take one.
const BUILTIN_TYPES: [&str; 4] = ["gateway", "mesh", "pagerduty", "github"];

fn type_name(integration_type: IntegrationType) -> &'static str {
    match integration_type {
        IntegrationType::Gateway => "gateway",
        IntegrationType::Mesh => "mesh",
        IntegrationType::Pagerduty => "pagerduty",
        IntegrationType::Github => "github",
        IntegrationType::Custom => "custom",
    }
}

/// How findings name each export format.
pub(crate) fn format_name(integration_type: IntegrationType) -> &'static str {
    match integration_type {
        IntegrationType::Gateway => "Kong decK declarative configuration",
        IntegrationType::Mesh => "Kong Mesh / Kuma resource export",
        IntegrationType::Pagerduty => "PagerDuty `GET /services` response",
        IntegrationType::Github => "GitHub `GET /orgs/{org}/repos` response",
        IntegrationType::Custom => "custom inventory (a list of `{type, id, name, attributes}`)",
    }
}

/// A snapshot's bytes, or the finding that says why it could not be read.
type SnapshotBytes = Result<Vec<u8>, Box<Diagnostic>>;

/// Reads one snapshot file of the working tree, with its blob id when a cache needs it; an
/// unreadable file gives the finding to report instead. A blob of a revision is not read
/// here (`None`): its id is known, and a cache hit never needs its bytes.
fn read_snapshot_bytes(
    file: &walk::SnapshotPath,
    revision: Option<&Revision>,
    want_id: bool,
    limits: &Limits,
) -> (Option<git2::Oid>, Option<SnapshotBytes>) {
    let display = file.display.as_str();
    if let (Some(_), Some(blob)) = (revision, file.blob) {
        return (Some(blob), None);
    }
    let bytes = match read_capped(&file.path, limits.inventory_bytes) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge { limit }) => {
            return (None, Some(Err(Box::new(too_large(display, limit)))));
        }
        Err(ReadError::NotRegular) => return (None, Some(Err(Box::new(not_regular(display))))),
        Err(ReadError::Io(error)) => {
            return (None, Some(Err(Box::new(unreadable(display, &error)))));
        }
    };
    let id = want_id.then(|| crate::revision::blob_id(&bytes));
    (id, Some(Ok(bytes)))
}

/// Reads a snapshot blob of a revision.
fn read_revision_blob(
    file: &walk::SnapshotPath,
    revision: Option<&Revision>,
    limits: &Limits,
) -> SnapshotBytes {
    let display = file.display.as_str();
    let (Some(revision), Some(blob)) = (revision, file.blob) else {
        return Err(Box::new(not_regular(display)));
    };
    revision
        .read_blob(blob, limits.inventory_bytes)
        .map_err(|problem| {
            Box::new(match problem {
                FileProblem::TooLarge(limit) => too_large(display, limit),
                FileProblem::Io(error) => unreadable(display, &error),
                _ => not_regular(display),
            })
        })
}

fn too_large(display: &str, limit: u64) -> Diagnostic {
    Diagnostic::new(
        Code::YamlLimits,
        format!(
            "this inventory snapshot is larger than the {} limit",
            describe_bytes(limit)
        ),
    )
    .in_file(display)
    .with_help("split the export, or raise `limits.maxInventoryBytes` in catalog.yaml")
}

fn not_regular(display: &str) -> Diagnostic {
    Diagnostic::new(
        Code::PathEscape,
        "this inventory snapshot is not a regular file (a FIFO, socket or device); it was not read",
    )
    .in_file(display)
}

fn unreadable(display: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidInventory,
        format!("this inventory snapshot cannot be read: {error}"),
    )
    .in_file(display)
}

/// What is at hand of a snapshot's text once it is parsed.
enum SnapshotText {
    /// All of it.
    Whole(Arc<String>),
    /// The lines its kept nodes start on (it was read in pieces).
    Lines(Vec<(u32, Box<str>)>),
}

/// The structure limits for parsing a snapshot of `integration_type`: large exports keep
/// only the fields their reader looks at.
fn structure_limits(integration_type: IntegrationType, limits: &Limits) -> yaml::StructureLimits {
    yaml::StructureLimits {
        keep_fields: match integration_type {
            IntegrationType::Github => Some(github::FIELDS),
            IntegrationType::Pagerduty => Some(pagerduty::FIELDS),
            IntegrationType::Gateway => Some(gateway::FIELDS),
            _ => None,
        },
        ..limits.inventory
    }
}

/// Parses a JSON-array snapshot of the working tree as it is read, in pieces (see
/// [`yaml::json::parse_array_from`]); a file that path declines (not a JSON array, not
/// clean, unreadable) is read whole and parsed by [`parse_snapshot`], which reports why.
fn parse_streamed(
    file: &walk::SnapshotPath,
    integration_type: IntegrationType,
    limits: &Limits,
) -> (SnapshotFile, Option<SnapshotText>, Vec<Diagnostic>) {
    if let Ok(opened) = crate::source::open_capped(&file.path, limits.inventory_bytes)
        && let Some(yaml::json::Streamed {
            document,
            diagnostics,
            lines,
        }) = yaml::json::parse_array_from(
            &file.display,
            opened,
            limits.inventory_bytes,
            structure_limits(integration_type, limits),
        )
    {
        let snapshot = SnapshotFile {
            display: file.display.clone(),
            documents: vec![document],
        };
        return (snapshot, Some(SnapshotText::Lines(lines)), diagnostics);
    }
    let bytes = read_snapshot_bytes(file, None, false, limits)
        .1
        .unwrap_or_else(|| Err(Box::new(not_regular(&file.display))));
    parse_snapshot(file, bytes, integration_type, limits)
}

/// Parses one snapshot file's bytes; unreadable files yield no documents and a finding.
fn parse_snapshot(
    file: &walk::SnapshotPath,
    bytes: SnapshotBytes,
    integration_type: IntegrationType,
    limits: &Limits,
) -> (SnapshotFile, Option<SnapshotText>, Vec<Diagnostic>) {
    let display = file.display.as_str();
    let mut diagnostics = Vec::new();
    let snapshot = SnapshotFile {
        display: file.display.clone(),
        documents: Vec::new(),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(finding) => {
            diagnostics.push(*finding);
            return (snapshot, None, diagnostics);
        }
    };
    let mut snapshot = snapshot;
    let text = match decode(display, bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return (snapshot, None, diagnostics);
        }
    };
    let before = diagnostics.len();
    // Large exports: only the fields the reader looks at are kept.
    let structure = structure_limits(integration_type, limits);
    snapshot.documents = yaml::parse(display, &text, Mode::Lenient, structure, &mut diagnostics);
    if snapshot.documents.is_empty() && diagnostics.len() == before {
        // A truncated download or an export of nothing: worth saying, since every mapping to
        // this integration is about to fail.
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidInventory,
                format!(
                    "this file is empty; expected a {}",
                    format_name(integration_type)
                ),
            )
            .in_file(display)
            .with_help("export the inventory again, or remove the file"),
        );
    }
    (
        snapshot,
        Some(SnapshotText::Whole(Arc::new(text))),
        diagnostics,
    )
}

/// Drops resources whose key repeats within one integration, reporting each at its second
/// occurrence with the first as related location.
fn unique_keys(
    resources: Vec<Resource>,
    integration_type: IntegrationType,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Resource> {
    let mut first: HashMap<String, (String, Span)> = HashMap::new();
    let mut kept = Vec::with_capacity(resources.len());
    for resource in resources {
        if let Some((file, span)) = first.get(&resource.key) {
            diagnostics.push(duplicate(
                &resource.key,
                integration_type,
                &resource.file,
                resource.span,
                file,
                *span,
            ));
            continue;
        }
        first.insert(resource.key.clone(), (resource.file.clone(), resource.span));
        kept.push(resource);
    }
    kept
}

/// The finding for a resource key listed twice in one integration, at the second entry.
pub(crate) fn duplicate(
    key: &str,
    integration_type: IntegrationType,
    file: &str,
    span: Span,
    first_file: &str,
    first_span: Span,
) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidInventory,
        format!(
            "the resource {} appears twice in this {}",
            quote(key),
            format_name(integration_type)
        ),
    )
    .at(file, span)
    .with_related(first_file, Some(first_span), "first listed here")
    .with_help(duplicate_help(integration_type))
}

fn duplicate_help(integration_type: IntegrationType) -> &'static str {
    match integration_type {
        IntegrationType::Gateway => {
            "Kong service names are unique per control plane; remove or rename one of the two"
        }
        IntegrationType::Mesh => "remove one of the two MeshService definitions",
        IntegrationType::Pagerduty => {
            "a service id appears once per export; remove the overlapping page"
        }
        IntegrationType::Github => {
            "a repository appears once per export; remove the overlapping page"
        }
        IntegrationType::Custom => "give every entry a unique `id`",
    }
}

/// One document of a snapshot, with helpers to locate findings and resources in it.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub file: &'a str,
    pub document: &'a Document,
}

impl<'a> Doc<'a> {
    /// Every document of every file, in file order.
    pub fn all(files: &'a [SnapshotFile]) -> impl Iterator<Item = Doc<'a>> {
        files.iter().flat_map(|file| {
            file.documents.iter().map(|document| Doc {
                file: &file.display,
                document,
            })
        })
    }

    pub fn root(&self) -> &'a Value {
        &self.document.value
    }

    /// The span of the node at `pointer` (its nearest written ancestor for merged nodes).
    pub fn span(&self, pointer: &str) -> Span {
        self.document
            .spans
            .span_for(pointer, false)
            .unwrap_or(Span::point(self.document.start))
    }

    /// An `invalid-inventory` finding at the node at `pointer`.
    pub fn invalid(&self, pointer: &str, message: impl AsRef<str>, help: &str) -> Diagnostic {
        Diagnostic::new(Code::InvalidInventory, message)
            .at(self.file, self.span(pointer))
            .with_pointer(pointer)
            .with_help(help)
    }

    /// A resource whose entry is the node at `pointer`. It is located at the entry's
    /// identifying field (`full_name`, `name`, `id`, `metadata.name`) when written, so an
    /// `unmapped-resource` warning points at the line a reader recognises.
    pub fn resource(
        &self,
        context: &Context<'_>,
        resource_type: &str,
        id: String,
        name: String,
        attributes: Map<String, Value>,
        pointer: &str,
    ) -> Resource {
        Resource {
            key: Resource::key_of(context.prefix, &id),
            integration: context.prefix.to_owned(),
            resource_type: resource_type.to_owned(),
            id,
            name,
            attributes,
            file: self.file.to_owned(),
            span: self.span(pointer),
            label_span: ["full_name", "name", "id", "metadata/name"]
                .iter()
                .find_map(|field| {
                    self.document
                        .spans
                        .get(&format!("{pointer}/{field}"))
                        .map(|node| node.value)
                })
                .unwrap_or_else(|| self.span(pointer)),
        }
    }
}

/// `pointer` extended by one mapping key.
pub(crate) fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_pointer_segment(key))
}

/// `pointer` extended by one list index.
pub(crate) fn item(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// A non-empty string field.
pub(crate) fn text<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// The strings of a list field (other items dropped); empty when the field is not a list.
pub(crate) fn strings(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|item| item.is_string())
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `id` can be the part of a resource key after `:` (SPEC: no whitespace), and is
/// printable, so keys never carry control characters into the bundle or the site.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty() && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The JSON type of a value, for messages.
pub(crate) fn noun(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
