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
//! fields and serde skips the rest (scores, closures, docs, specs) without building them, so
//! a 10,000-service bundle loads in a few tens of milliseconds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use catalogc_diagnostics::Position;
use catalogc_model::{
    API_VERSION, ApiType, ApiVersion, Apis, BUNDLE_KIND, DependencyKind, DetailedDependency,
    Lifecycle, Name, ProvidedApi, Service, ServiceKind, Team, TeamKind,
};
use serde::Deserialize;

use crate::resources::Resource;
use crate::yaml::SpanMap;
use crate::{Entity, Origin};

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

/// Largest bundle read (a 10,000-service bundle is about 30 MB).
const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;

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

#[derive(Deserialize)]
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
    /// Reads the bundle at `path`.
    pub fn load(path: &Path) -> Result<Against, AgainstError> {
        let bytes = crate::source::read_capped(path, MAX_BUNDLE_BYTES).map_err(|error| {
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
        })?;
        Against::parse(path, &bytes)
    }

    /// Reads a bundle's bytes (`path` names it in errors).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Against, AgainstError> {
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
        let view: BundleView = match serde_json::from_slice(bytes) {
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
        let services = view
            .services
            .iter()
            .map(|s| entity(service(s), &s.source, &spans))
            .collect();
        let teams = view
            .teams
            .iter()
            .map(|t| {
                entity(
                    Team {
                        api_version: ApiVersion::V1,
                        kind: TeamKind::Team,
                        name: Name::from(t.name.as_str()),
                        title: None,
                        description: None,
                        parent: t.parent.as_deref().map(Name::from),
                        members: Vec::new(),
                        contacts: Vec::new(),
                        github: None,
                    },
                    &t.source,
                    &spans,
                )
            })
            .collect();
        let resources = view
            .resources
            .into_iter()
            .filter(|r| {
                !r.key
                    .starts_with(&format!("{}:", crate::mapping::REPOSITORY_PREFIX))
            })
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
fn entity<T>(value: T, source: &SourceView, spans: &Arc<SpanMap>) -> Entity<T> {
    Entity {
        value,
        file: source.file.clone(),
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
fn service(view: &ServiceView) -> Service {
    Service {
        api_version: ApiVersion::V1,
        kind: ServiceKind::Service,
        name: Name::from(view.name.as_str()),
        title: None,
        description: None,
        owner: Name::from(view.owner.as_str()),
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
            .iter()
            .map(|d| {
                catalogc_model::Dependency::Detailed(DetailedDependency {
                    service: Name::from(d.service.as_str()),
                    kind: d.kind,
                    critical: d.critical,
                })
            })
            .collect(),
        apis: (!view.apis.provides.is_empty()).then(|| Apis {
            provides: view
                .apis
                .provides
                .iter()
                .map(|api| ProvidedApi {
                    name: Name::from(api.name.as_str()),
                    api_type: api.api_type,
                    spec: None,
                    description: None,
                })
                .collect(),
            consumes: Vec::new(),
        }),
        resources: view
            .resources
            .iter()
            .filter(|key| !key.starts_with(&format!("{}:", crate::mapping::REPOSITORY_PREFIX)))
            .map(|key| {
                catalogc_model::ResourceRef::Key(catalogc_model::ResourceKey::from(key.as_str()))
            })
            .collect(),
        docs: Vec::new(),
        pipelines: Vec::new(),
        api_products: Vec::new(),
        custom: None,
    }
}
