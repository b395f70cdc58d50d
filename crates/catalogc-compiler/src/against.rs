//! Per-repo mode (`catalogc check --against catalog.json`): a service repository checks its
//! own `service.yaml` against the published bundle of the whole catalog.
//!
//! The bundle stands in for the rest of the catalog: its teams resolve owners, its services
//! resolve dependencies (with their lifecycles, for `deprecated-dependency`, and their own
//! dependencies, for cycles through the local service), its APIs resolve `apis.consumes`,
//! and its resources resolve resource keys. Local descriptors replace the bundle's entries of
//! the same name (a service already in the catalog is not its own duplicate). Findings are
//! then reported only about local files: the bundle was checked when it was built.
//!
//! Only what resolution needs is read from the bundle: [`BundleView`] names a handful of
//! fields, [`skim`] copies just those out of the file as it streams in, and serde parses
//! that extract (scores, closures, docs and specs are never parsed).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use catalogc_diagnostics::Position;
use catalogc_model::{
    API_VERSION, ApiType, ApiVersion, Apis, BUNDLE_KIND, DependencyKind, DetailedDependency,
    Lifecycle, Name, ProvidedApi, Service, ServiceKind, Team, TeamKind,
};
use serde::Deserialize;

use crate::mapping::is_repository_key;
use crate::resources::Resource;
use crate::yaml::SpanMap;
use crate::{Entity, Origin};

mod skim;

/// The published catalog a service repository is checked against.
#[derive(Debug)]
pub struct Against {
    /// The bundle file, as given.
    pub path: PathBuf,
    /// The catalog's name.
    pub catalog: String,
    pub(crate) services: Vec<Entity<Service>>,
    pub(crate) teams: Vec<Entity<Team>>,
    pub(crate) resources: Vec<Resource>,
}

/// Why a bundle cannot be used (exit status 2).
#[derive(Debug)]
pub enum AgainstError {
    /// The file cannot be read.
    Io(PathBuf, std::io::Error),
    /// Not JSON, or not the bundle shape.
    Malformed(PathBuf, String),
    /// JSON of another kind or version.
    Foreign(PathBuf, String),
}

impl std::fmt::Display for AgainstError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgainstError::Io(path, error) => {
                write!(f, "cannot read the bundle {}: {error}", path.display())
            }
            AgainstError::Malformed(path, why) => write!(
                f,
                "{} is not a catalogc bundle (catalog.json written by `catalogc build`): {why}",
                path.display()
            ),
            AgainstError::Foreign(path, why) => write!(
                f,
                "{} is not a catalogc bundle (catalog.json written by `catalogc build`): {why}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for AgainstError {}

/// Largest bundle read (a 10,000-service bundle with six scorecards is about 140 MB).
const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;

/// The fields of each entry [`skim`] keeps: exactly those the views below read.
fn keep() -> skim::Keep {
    skim::Keep {
        services: fields_of::<ServiceView>(),
        teams: fields_of::<TeamView>(),
        resources: fields_of::<ResourceView>(),
    }
}

/// The (serialized) field names of the struct `T`, as serde's derive hands them to
/// `deserialize_struct`.
fn fields_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor, value::Error};

    /// A deserializer that only notes which fields a struct asks for.
    struct Probe<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Entries [`skim`] handed over, not parsed yet: their JSON texts end to end.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    entries: Vec<(skim::Array, std::ops::Range<usize>)>,
}

/// Entries per batch sent to the parsing thread.
const BATCH: usize = 512;

/// Collects skimmed entries into batches for the parsing thread.
struct Batcher {
    sender: std::sync::mpsc::SyncSender<Batch>,
    /// Batches the parsing thread is done with, emptied: their buffers are filled again
    /// instead of fresh memory (which the kernel zeroes page by page) for every batch.
    spare: std::sync::mpsc::Receiver<Batch>,
    batch: Batch,
}

impl Batcher {
    fn flush(&mut self) -> Result<(), skim::Miss> {
        let spare = self.spare.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, spare);
        // The parser stops at the first entry it cannot parse; skimming then stops too.
        self.sender.send(batch).map_err(|_| skim::Miss::Shape)
    }
}

impl skim::Sink for Batcher {
    fn entry(&mut self, array: skim::Array, json: &[u8]) -> Result<(), skim::Miss> {
        let start = self.batch.text.len();
        self.batch.text.extend_from_slice(json);
        self.batch
            .entries
            .push((array, start..self.batch.text.len()));
        if self.batch.entries.len() == BATCH {
            self.flush()?;
        }
        Ok(())
    }
}

/// The entries, parsed.
#[derive(Default)]
struct Views {
    services: Vec<ServiceView>,
    teams: Vec<TeamView>,
    resources: Vec<ResourceView>,
}

impl Views {
    fn parse(&mut self, batch: &Batch) -> Result<(), skim::Miss> {
        fn parse<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, skim::Miss> {
            serde_json::from_slice(json).map_err(|_| skim::Miss::Shape)
        }
        for (array, range) in &batch.entries {
            let json = &batch.text[range.clone()];
            match array {
                skim::Array::Services => self.services.push(parse(json)?),
                skim::Array::Teams => self.teams.push(parse(json)?),
                skim::Array::Resources => self.resources.push(parse(json)?),
            }
        }
        Ok(())
    }
}

/// The fields of `catalog.json` per-repo mode reads; serde skips everything else.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BundleView {
    api_version: String,
    kind: String,
    catalog: CatalogView,
    services: Vec<ServiceView>,
    teams: Vec<TeamView>,
    resources: Vec<ResourceView>,
}

#[derive(Deserialize)]
struct CatalogView {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceView {
    name: String,
    owner: String,
    lifecycle: Lifecycle,
    tier: Option<u8>,
    source: SourceView,
    #[serde(default)]
    dependencies: Vec<DependencyView>,
    #[serde(default)]
    apis: ApisView,
    /// Resource keys it maps: they stay mapped, so only the local service's mappings and
    /// the bundle's own unmapped resources are compared.
    #[serde(default)]
    resources: Vec<String>,
}

#[derive(Deserialize, Default)]
struct SourceView {
    file: String,
    line: u32,
}

#[derive(Deserialize)]
struct DependencyView {
    service: String,
    kind: DependencyKind,
    critical: bool,
}

#[derive(Deserialize, Default)]
struct ApisView {
    #[serde(default)]
    provides: Vec<ApiView>,
}

#[derive(Deserialize)]
struct ApiView {
    name: String,
    #[serde(rename = "type")]
    api_type: ApiType,
}

#[derive(Deserialize)]
struct TeamView {
    name: String,
    parent: Option<String>,
    source: SourceView,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceView {
    key: String,
    integration: String,
    #[serde(rename = "type")]
    resource_type: String,
    id: String,
    name: String,
    source: SourceView,
}

impl Against {
    /// Reads the bundle at `path`: skimmed as it streams in (see [`skim`]), or parsed whole
    /// when skimming gives up, so that a malformed bundle is reported precisely.
    pub fn load(path: &Path) -> Result<Against, AgainstError> {
        let io_error = |error: crate::source::ReadError| {
            let error = match error {
                crate::source::ReadError::Io(error) => error,
                crate::source::ReadError::TooLarge { .. } => {
                    std::io::Error::other("it is larger than 1 GiB")
                }
                crate::source::ReadError::NotRegular => {
                    std::io::Error::other("it is not a regular file")
                }
            };
            AgainstError::Io(path.to_path_buf(), error)
        };
        let mut file = crate::source::open_capped(path, MAX_BUNDLE_BYTES).map_err(io_error)?;
        match Against::skimmed(path, &file) {
            Ok(Some(against)) => return Ok(against),
            Ok(None) => {}
            Err(skim::Miss::Io(error)) => return Err(AgainstError::Io(path.to_path_buf(), error)),
            Err(skim::Miss::TooLarge) => {
                return Err(io_error(crate::source::ReadError::TooLarge {
                    limit: MAX_BUNDLE_BYTES,
                }));
            }
            Err(skim::Miss::Shape) => {}
        }
        // The same open file, read again from its start: what is parsed is what was skimmed.
        std::io::Seek::rewind(&mut file)
            .map_err(|error| AgainstError::Io(path.to_path_buf(), error))?;
        let bytes = crate::source::read_open(file, MAX_BUNDLE_BYTES).map_err(io_error)?;
        Against::from_view(path, serde_json::from_slice(&bytes), &bytes)
    }

    /// Reads a bundle's bytes (`path` names it in errors), skimmed like [`Against::load`]
    /// does.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Against, AgainstError> {
        if let Ok(Some(against)) = Against::skimmed(path, bytes) {
            return Ok(against);
        }
        Against::from_view(path, serde_json::from_slice(bytes), bytes)
    }

    /// The bundle read by [`skim`]; `None` when what it kept does not parse (the full
    /// parse then says why). The kept entries are parsed on a second thread while the file
    /// is still being skimmed.
    fn skimmed(path: &Path, reader: impl std::io::Read) -> Result<Option<Against>, skim::Miss> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(8);
        let (give_back, spare) = std::sync::mpsc::sync_channel::<Batch>(8);
        let (head, views) = std::thread::scope(|scope| {
            let parser = scope.spawn(move || {
                let mut views = Views::default();
                for mut batch in receiver {
                    views.parse(&batch)?;
                    batch.text.clear();
                    batch.entries.clear();
                    // When the skimmer has enough spares (or is done), this one is freed.
                    let _ = give_back.try_send(batch);
                }
                Ok::<Views, skim::Miss>(views)
            });
            let mut batcher = Batcher {
                sender,
                spare,
                batch: Batch::default(),
            };
            let head = skim::skim(reader, MAX_BUNDLE_BYTES, &keep(), &mut batcher);
            let flushed = batcher.flush();
            drop(batcher);
            let views = parser.join().unwrap_or(Err(skim::Miss::Shape));
            (head.and_then(|head| flushed.map(|()| head)), views)
        });
        let (head, views) = (head?, views?);
        let Ok(mut view) = serde_json::from_slice::<BundleView>(&head) else {
            return Ok(None);
        };
        view.services = views.services;
        view.teams = views.teams;
        view.resources = views.resources;
        Ok(Against::from_view(path, Ok(view), &head).ok())
    }

    /// The bundle from its parsed `view`; when parsing failed, `bytes` (what was parsed)
    /// tell a foreign JSON file from a malformed bundle.
    fn from_view(
        path: &Path,
        view: serde_json::Result<BundleView>,
        bytes: &[u8],
    ) -> Result<Against, AgainstError> {
        let foreign = |kind: Option<&serde_json::Value>| {
            AgainstError::Foreign(
                path.to_path_buf(),
                format!(
                    "its `kind` is {}, not `{BUNDLE_KIND}`",
                    kind.map_or("missing".to_owned(), |k| {
                        catalogc_diagnostics::sanitize(&k.to_string())
                    })
                ),
            )
        };
        let view = match view {
            Ok(view) => view,
            Err(error) => {
                // A foreign JSON file says what it is rather than which field it lacks.
                #[derive(Deserialize)]
                struct Identity {
                    kind: Option<serde_json::Value>,
                }
                return Err(match serde_json::from_slice::<Identity>(bytes) {
                    Ok(identity)
                        if identity.kind.as_ref().and_then(|k| k.as_str()) != Some(BUNDLE_KIND) =>
                    {
                        foreign(identity.kind.as_ref())
                    }
                    _ => AgainstError::Malformed(
                        path.to_path_buf(),
                        catalogc_diagnostics::sanitize(&error.to_string()),
                    ),
                });
            }
        };
        if view.kind != BUNDLE_KIND {
            return Err(foreign(Some(&serde_json::Value::String(view.kind))));
        }
        if view.api_version != API_VERSION {
            return Err(AgainstError::Foreign(
                path.to_path_buf(),
                format!(
                    "it is version `{}`; this catalogc reads `{API_VERSION}`",
                    catalogc_diagnostics::sanitize(&view.api_version)
                ),
            ));
        }
        let spans = Arc::new(SpanMap::default());
        // The views are consumed: their strings move into the entities.
        let services = view
            .services
            .into_iter()
            .map(|mut s| {
                let source = std::mem::take(&mut s.source);
                entity(service(s), source, &spans)
            })
            .collect();
        let teams = view
            .teams
            .into_iter()
            .map(|t| {
                entity(
                    Team {
                        api_version: ApiVersion::V1,
                        kind: TeamKind::Team,
                        name: Name(t.name),
                        title: None,
                        description: None,
                        parent: t.parent.map(Name),
                        members: Vec::new(),
                        contacts: Vec::new(),
                        github: None,
                    },
                    t.source,
                    &spans,
                )
            })
            .collect();
        let resources = view
            .resources
            .into_iter()
            .filter(|r| !is_repository_key(&r.key))
            .map(|r| {
                let span = catalogc_diagnostics::Span::point(Position {
                    line: r.source.line,
                    column: 1,
                    offset: 0,
                });
                Resource {
                    key: r.key,
                    integration: r.integration,
                    resource_type: r.resource_type,
                    id: r.id,
                    name: r.name,
                    attributes: serde_json::Map::new(),
                    file: r.source.file,
                    span,
                    label_span: span,
                }
            })
            .collect();
        Ok(Against {
            path: path.to_path_buf(),
            catalog: view.catalog.name,
            services,
            teams,
            resources,
        })
    }

    /// Adds the bundle's services, teams and resources to what was loaded locally; a local
    /// descriptor replaces the bundle's entry of the same name.
    pub(crate) fn merge(
        &self,
        services: &mut Vec<Entity<Service>>,
        teams: &mut Vec<Entity<Team>>,
        inventories: &mut crate::inventory::Inventories,
    ) {
        // Room for the bundle's entries at once, not by doubling (each step a copy).
        services.reserve(self.services.len());
        teams.reserve(self.teams.len());
        inventories.resources.reserve(self.resources.len());
        let local: std::collections::HashSet<String> =
            services.iter().map(|s| s.value.name.to_string()).collect();
        services.extend(
            self.services
                .iter()
                .filter(|s| !local.contains(s.value.name.as_str()))
                .cloned(),
        );
        let local: std::collections::HashSet<String> =
            teams.iter().map(|t| t.value.name.to_string()).collect();
        teams.extend(
            self.teams
                .iter()
                .filter(|t| !local.contains(t.value.name.as_str()))
                .cloned(),
        );
        // Local snapshots (rare in a service repository) win over the bundle's.
        let known: std::collections::HashSet<String> = inventories
            .resources
            .iter()
            .map(|r| r.key.clone())
            .collect();
        for resource in &self.resources {
            inventories.prefixes.insert(resource.integration.clone());
            if !known.contains(&resource.key) {
                inventories.resources.push(resource.clone());
            }
        }
        inventories.resources.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// Number of services in the bundle.
    pub fn service_count(&self) -> usize {
        self.services.len()
    }
}

/// An entity of the bundle, located at its source line (findings about bundle entries are
/// not reported, but related locations may name them).
fn entity<T>(value: T, source: SourceView, spans: &Arc<SpanMap>) -> Entity<T> {
    Entity {
        value,
        file: source.file,
        start: Position {
            line: source.line,
            column: 1,
            offset: 0,
        },
        spans: Arc::clone(spans),
        origin: Origin::Bundle,
    }
}

/// A bundle service as the resolver needs it: its name, owner, lifecycle, tier,
/// dependencies, provided APIs and mapped resources. Files stay out: the bundle already
/// checked them.
fn service(view: ServiceView) -> Service {
    Service {
        api_version: ApiVersion::V1,
        kind: ServiceKind::Service,
        name: Name(view.name),
        title: None,
        description: None,
        owner: Name(view.owner),
        additional_owners: Vec::new(),
        lifecycle: view.lifecycle,
        tier: view.tier,
        system: None,
        tags: Vec::new(),
        labels: Default::default(),
        links: Vec::new(),
        repository: None,
        depends_on: view
            .dependencies
            .into_iter()
            .map(|d| {
                catalogc_model::Dependency::Detailed(DetailedDependency {
                    service: Name(d.service),
                    kind: d.kind,
                    critical: d.critical,
                })
            })
            .collect(),
        apis: (!view.apis.provides.is_empty()).then(|| Apis {
            provides: view
                .apis
                .provides
                .into_iter()
                .map(|api| ProvidedApi {
                    name: Name(api.name),
                    api_type: api.api_type,
                    spec: None,
                    description: None,
                })
                .collect(),
            consumes: Vec::new(),
        }),
        resources: view
            .resources
            .into_iter()
            .filter(|key| !is_repository_key(key))
            .map(|key| catalogc_model::ResourceRef::Key(catalogc_model::ResourceKey(key)))
            .collect(),
        docs: Vec::new(),
        pipelines: Vec::new(),
        api_products: Vec::new(),
        custom: None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::Against;

    /// A bundle as `catalogc build` writes it, with text that is easy to mis-skim (brackets,
    /// quotes and backslashes inside strings) in fields that are read and in those skipped.
    fn bundle(services: usize) -> serde_json::Value {
        const LIFECYCLES: [&str; 3] = ["production", "deprecated", "experimental"];
        let services: Vec<_> = (0..services)
            .map(|i| {
                json!({
                    "name": format!("svc-{i}"),
                    "title": "Svc \"}]\\",
                    "owner": format!("team-{}", i % 3),
                    "lifecycle": LIFECYCLES[i % 3],
                    "tier": if i % 4 == 0 { serde_json::Value::Null } else { json!(i % 4) },
                    "source": {"file": format!("repos/svc-{i}/service.yaml"), "line": 1 + i % 5},
                    "dependsOn": [format!("svc-{}", (i + 1) % services)],
                    "dependencies": [
                        {"service": format!("svc-{}", (i + 1) % services), "kind": "async", "critical": i % 2 == 0}
                    ],
                    "apis": {
                        "provides": [{"name": format!("svc-{i}-api"), "type": "openapi", "summary": {"title": "]}"}}],
                        "consumes": ["x\"y"]
                    },
                    "resources": [format!("gateway:svc-{i}"), "repository:org/svc".to_owned()],
                    "scores": [{"scorecard": "s", "criteria": [{"message": "no {docs} [here] \\\"quoted\\\""}]}],
                })
            })
            .collect();
        json!({
            "apiVersion": "catalogc/v1",
            "kind": "CatalogBundle",
            "catalog": {"name": "example", "title": "Example"},
            "services": services,
            "teams": [
                {"name": "team-0", "source": {"file": "teams/t.yaml", "line": 1}, "members": ["a@b"]},
                {"name": "team-1", "parent": "team-0", "source": {"file": "teams/t.yaml", "line": 9}},
                {"name": "team-2", "parent": "team-0", "source": {"file": "teams/t.yaml", "line": 17}}
            ],
            "resources": [
                {"key": "gateway:svc-0", "integration": "gateway", "type": "service", "id": "svc-0",
                 "name": "svc-0", "source": {"file": "integrations/kong.yaml", "line": 3},
                 "attributes": {"routes": [{"paths": ["/a]"]}]}, "mappedBy": ["svc-0"]},
                {"key": "repository:org/svc", "integration": "github", "type": "repository", "id": "org/svc",
                 "name": "svc", "source": {"file": "integrations/github.json", "line": 2}, "mappedBy": []}
            ],
            "scorecards": [{"name": "s", "levels": ["}"]}],
            "diagnostics": [],
        })
    }

    fn full(bytes: &[u8]) -> String {
        let path = Path::new("catalog.json");
        format!(
            "{:?}",
            Against::from_view(path, serde_json::from_slice(bytes), bytes).expect("a bundle")
        )
    }

    #[test]
    fn the_kept_fields_are_those_the_views_read() {
        let keep = super::keep();
        assert_eq!(keep.teams, ["name", "parent", "source"]);
        assert!(keep.services.contains(&"dependencies") && keep.services.contains(&"apis"));
        assert!(keep.resources.contains(&"type") && keep.resources.contains(&"key"));
    }

    #[test]
    fn skimming_reads_the_same_bundle_as_a_full_parse() {
        let path = Path::new("catalog.json");
        for bytes in [
            serde_json::to_vec_pretty(&bundle(200)).expect("json"),
            serde_json::to_vec(&bundle(200)).expect("json"),
        ] {
            let skimmed = Against::skimmed(path, bytes.as_slice())
                .expect("skimmed")
                .expect("parsed");
            assert_eq!(format!("{skimmed:?}"), full(&bytes));
            assert_eq!(skimmed.service_count(), 200);
        }
    }

    #[test]
    fn a_bundle_skimming_gives_up_on_is_read_whole() {
        let path = Path::new("catalog.json");
        // A key spelled with an escape: skimming cannot tell which field it is.
        let text = serde_json::to_string_pretty(&bundle(3))
            .expect("json")
            .replacen("\"owner\"", "\"\\u006fwner\"", 1);
        assert!(Against::skimmed(path, text.as_bytes()).is_err());
        let against = Against::parse(path, text.as_bytes()).expect("a bundle");
        assert_eq!(format!("{against:?}"), full(text.as_bytes()));
    }
}
