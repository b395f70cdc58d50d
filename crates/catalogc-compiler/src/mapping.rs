//! Resource mapping: services' `resources`, `repository` and `apiProducts` against the
//! integration inventories (SPEC 1.4).
//!
//! Every mapping is checked: an unknown integration prefix (`unknown-integration`) or a key
//! missing from its inventory (`unknown-resource`, with the closest key suggested). Every
//! resource records the services that map it; an inventory resource no service maps is
//! reported as `unmapped-resource` at its entry in the snapshot, naming the likeliest owner
//! when one is obvious (the same name stem, the same repository name). Files referenced from
//! repositories (docs, specs, pipelines) are resources too, mapped by the services naming
//! them, under the reserved prefix `repo`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use catalogc_diagnostics::{Code, Diagnostic, Span, quote};
use catalogc_model::{ResourceRef, Service};
use serde_json::Map;

use crate::inventory::Inventories;
use crate::references::References;
use crate::resources::Resource;
use crate::suggest::did_you_mean;
use crate::{Entity, Focus};

/// The key prefix of files referenced from repositories.
pub const REPOSITORY_PREFIX: &str = "repo";

/// Whether `key` names a file referenced from a repository (`repo:<path>`), not an
/// integration's resource.
pub(crate) fn is_repository_key(key: &str) -> bool {
    key.strip_prefix(REPOSITORY_PREFIX)
        .is_some_and(|rest| rest.starts_with(':'))
}

/// A resource with the services that map it.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedResource {
    pub resource: Resource,
    /// Names of the services mapping it, sorted.
    pub mapped_by: Vec<String>,
    /// For an unmapped resource: the likeliest owning service, when one is obvious.
    pub suggested_owner: Option<String>,
}

/// The result of mapping.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Every resource (inventories, then repository files), sorted by key.
    pub resources: Vec<MappedResource>,
    /// Per service (in the order given): the keys it maps, sorted.
    pub service_resources: Vec<Vec<String>>,
}

/// Maps the services' resources. `services` are the compiled services (sorted by name).
/// The inventories' resources move into the mapping (a large catalog has tens of thousands,
/// each with its attributes: copying them and then freeing the originals is time the user
/// waits for).
pub(crate) fn map(
    services: &[Entity<Service>],
    mut inventories: Inventories,
    references: &References,
    focus: Option<Focus<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Mapping {
    let inventory_resources = std::mem::take(&mut inventories.resources);
    // With a focus (per-repo mode) and no local snapshot, no `unmapped-resource` finding can
    // be reported: only the focused services are mapped, and no likely owner is looked for.
    let unmapped_reported = focus.is_none_or(|focus| focus.local_resources);
    let mapped = focus
        .filter(|focus| !focus.local_resources)
        .map(|focus| focus.services);
    // The inventories' pass and the repository files' pass are independent: they run side
    // by side, and each service's keys from both are merged after.
    let (inventory_pass, (repo_pass, owners)) = rayon::join(
        || map_inventories(services, mapped, &inventories, &inventory_resources),
        || {
            (
                map_repository_files(services, references),
                unmapped_reported.then(|| OwnerIndex::new(services)),
            )
        },
    );
    let InventoryPass {
        mut service_keys,
        mapped_by,
        suggested,
        diagnostics: found,
    } = inventory_pass;
    diagnostics.extend(found);
    let (repo_files, repo_keys) = repo_pass;
    for (keys, more) in service_keys.iter_mut().zip(repo_keys) {
        keys.extend(more);
    }

    let mut resources = Vec::with_capacity(inventory_resources.len() + repo_files.len());
    for (resource, by) in inventory_resources.into_iter().zip(mapped_by) {
        let suggested_owner = if let Some(owners) = owners.as_ref().filter(|_| by.is_empty()) {
            let owner = owners.likely_owner(&resource);
            if !suggested.contains(&resource.key) {
                diagnostics.push(unmapped(&resource, owner.as_deref()));
            }
            owner
        } else {
            None
        };
        resources.push(MappedResource {
            resource,
            mapped_by: by.into_iter().map(str::to_owned).collect(),
            suggested_owner,
        });
    }
    let repository: Vec<MappedResource> = repo_files
        .into_values()
        .map(|(resource, by)| MappedResource {
            resource,
            mapped_by: by.into_iter().map(str::to_owned).collect(),
            suggested_owner: None,
        })
        .collect();
    // Both parts come sorted by key (the inventories' resources, the repository files from
    // their map), and the repository keys share one prefix: they go in as one block where
    // they belong, with no sort (and no sort buffer as large as the list). Anything else is
    // sorted.
    fn key(r: &MappedResource) -> &str {
        &r.resource.key
    }
    let at = match repository.first() {
        Some(first) => resources.partition_point(|r| key(r) < key(first)),
        None => 0,
    };
    let block_fits = resources.is_sorted_by(|a, b| key(a) <= key(b))
        && repository
            .last()
            .is_none_or(|last| resources.get(at).is_none_or(|next| key(last) < key(next)));
    if block_fits {
        resources.splice(at..at, repository);
    } else {
        resources.extend(repository);
        resources.sort_by(|a, b| a.resource.key.cmp(&b.resource.key));
    }
    Mapping {
        resources,
        service_resources: service_keys
            .into_iter()
            .map(|keys| keys.into_iter().collect())
            .collect(),
    }
}

/// What mapping the services to the inventories found.
struct InventoryPass<'s> {
    /// Per service: the inventory keys it maps.
    service_keys: Vec<BTreeSet<String>>,
    /// Per inventory resource: the services mapping it, sorted, each once.
    mapped_by: Vec<Vec<&'s str>>,
    /// Keys suggested for a mistyped mapping: the error already points at the fix, so the
    /// resource is not also reported as unmapped.
    suggested: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
}

/// Maps each service's `resources`, `repository` and `apiProducts` to the inventories'
/// resources (sorted by key).
fn map_inventories<'s>(
    services: &'s [Entity<Service>],
    only: Option<&[bool]>,
    inventories: &Inventories,
    inventory_resources: &[Resource],
) -> InventoryPass<'s> {
    let mut diagnostics = Vec::new();
    // Lookups only (no order reaches the output). foldhash is quicker than SipHash, which was
    // a visible part of mapping; its per-process random seed keeps keys from untrusted
    // snapshots from being chosen to collide. The few services of a focus look keys up in
    // the resources (sorted by key) instead.
    let index: HashMap<&str, usize, foldhash::fast::RandomState> = match only {
        Some(_) => HashMap::default(),
        None => inventory_resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.as_str(), i))
            .collect(),
    };
    let find = |key: &str| match only {
        Some(_) => inventory_resources
            .binary_search_by(|r| r.key.as_str().cmp(key))
            .ok(),
        None => index.get(key).copied(),
    };
    // Services come sorted by name, so each resource's list stays sorted by pushing
    // (checked below, and sorted when a caller passes them otherwise).
    let mut mapped_by: Vec<Vec<&str>> = vec![Vec::new(); inventory_resources.len()];
    let mut map_to = |i: usize, name: &'s str| {
        let by = &mut mapped_by[i];
        if by.last() != Some(&name) {
            by.push(name);
        }
    };
    let github_configured = inventories.prefixes.contains("github");
    let mut suggested: BTreeSet<String> = BTreeSet::new();
    let mut service_resources = Vec::with_capacity(services.len());

    for (position, service) in services.iter().enumerate() {
        let mut keys = BTreeSet::new();
        if only.is_some_and(|only| !only[position]) {
            service_resources.push(keys);
            continue;
        }
        let value = &service.value;
        let name = value.name.as_str();
        for (position, resource) in value.resources.iter().enumerate() {
            let key = match resource {
                ResourceRef::Key(key) => key.to_string(),
                ResourceRef::Object(object) => format!("{}:{}", object.integration, object.id),
            };
            // Where a finding about the prefix or the id points (only built for findings).
            let pointer = |part: &str| match resource {
                ResourceRef::Key(_) => format!("/resources/{position}"),
                ResourceRef::Object(_) => format!("/resources/{position}/{part}"),
            };
            let prefix = key.split(':').next().unwrap_or_default();
            if !inventories.prefixes.contains(prefix) {
                diagnostics.push(unknown_integration(
                    service,
                    &pointer("integration"),
                    &key,
                    prefix,
                    inventories,
                ));
                continue;
            }
            match find(key.as_str()) {
                Some(i) => {
                    map_to(i, name);
                    keys.insert(key);
                }
                None => diagnostics.push(unknown_resource(
                    service,
                    &pointer("id"),
                    &key,
                    "`resources`",
                    inventory_resources,
                    &mut suggested,
                )),
            }
        }
        if let Some(repository) = &value.repository {
            let key = repository.as_str();
            if !key.starts_with("github:") {
                diagnostics.push(
                    Diagnostic::new(
                        Code::SchemaViolation,
                        format!("`repository` must be a GitHub resource key `github:<owner>/<repo>`, found {}", quote(key)),
                    )
                    .at(&service.file, service.span("/repository", false))
                    .with_pointer("/repository"),
                );
            } else if github_configured {
                match find(key) {
                    Some(i) => {
                        map_to(i, name);
                        keys.insert(key.to_owned());
                    }
                    None => diagnostics.push(unknown_resource(
                        service,
                        "/repository",
                        key,
                        "`repository`",
                        inventory_resources,
                        &mut suggested,
                    )),
                }
            }
        }
        for (position, product) in value.api_products.iter().enumerate() {
            let key = product.resource.as_str();
            if !(key.starts_with("gateway:") && keys.contains(key)) {
                let pointer = format!("/apiProducts/{position}/resource");
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownResource,
                        format!(
                            "`apiProducts[{position}].resource` {} is not one of the gateway resources service `{name}` maps",
                            quote(key)
                        ),
                    )
                    .at(&service.file, service.span(&pointer, false))
                    .with_pointer(pointer)
                    .with_help("an API product is served through a gateway service; list that `gateway:` key in `resources` too"),
                );
            }
        }
        service_resources.push(keys);
    }
    if !services.is_sorted_by(|a, b| a.value.name <= b.value.name) {
        for by in &mut mapped_by {
            by.sort_unstable();
            by.dedup();
        }
    }
    InventoryPass {
        service_keys: service_resources,
        mapped_by,
        suggested,
        diagnostics,
    }
}

/// Repository files by key, each with the services referencing it.
type RepositoryFiles<'s> = BTreeMap<String, (Resource, BTreeSet<&'s str>)>;

/// The files services reference (docs, specs, pipelines) as `repo` resources, each with the
/// services referencing it; and per service, the keys of its files.
fn map_repository_files<'s>(
    services: &'s [Entity<Service>],
    references: &References,
) -> (RepositoryFiles<'s>, Vec<Vec<String>>) {
    let mut repo_files = RepositoryFiles::new();
    let mut service_keys = Vec::with_capacity(services.len());
    for (service, files) in services.iter().zip(&references.services) {
        let name = service.value.name.as_str();
        let mut keys = Vec::new();
        let entries = files
            .docs
            .iter()
            .map(|d| {
                (
                    d.path.as_str(),
                    "doc",
                    d.doc.as_ref().and_then(|d| d.title.clone()),
                )
            })
            .chain(files.specs.iter().map(|s| {
                (
                    s.path.as_str(),
                    "api-spec",
                    s.spec.as_ref().map(|spec| spec.title.clone()),
                )
            }))
            .chain(files.pipelines.iter().map(|p| {
                (
                    p.path.as_str(),
                    "pipeline",
                    p.workflow.as_ref().and_then(|w| w.name.clone()),
                )
            }));
        for (path, resource_type, title) in entries {
            let key = Resource::key_of(REPOSITORY_PREFIX, path);
            keys.push(key.clone());
            let entry = repo_files.entry(key.clone()).or_insert_with(|| {
                (
                    Resource {
                        key,
                        integration: REPOSITORY_PREFIX.to_owned(),
                        resource_type: resource_type.to_owned(),
                        id: path.to_owned(),
                        name: title
                            .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_owned()),
                        attributes: Map::new(),
                        file: path.to_owned(),
                        span: Span::default(),
                        label_span: Span::default(),
                    },
                    BTreeSet::new(),
                )
            });
            entry.1.insert(name);
        }
        service_keys.push(keys);
    }
    (repo_files, service_keys)
}

fn unknown_integration(
    service: &Entity<Service>,
    pointer: &str,
    key: &str,
    prefix: &str,
    inventories: &Inventories,
) -> Diagnostic {
    let configured: Vec<&str> = inventories.prefixes.iter().map(String::as_str).collect();
    let help = match did_you_mean(prefix, configured.iter().copied()) {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None if configured.is_empty() => {
            "no integrations are configured; add the snapshot under `integrations` in catalog.yaml"
                .to_owned()
        }
        None => format!(
            "configured integrations: {}",
            configured
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Diagnostic::new(
        Code::UnknownIntegration,
        format!(
            "the resource {} names the integration {}, which is not configured",
            quote(key),
            quote(prefix)
        ),
    )
    .at(&service.file, service.span(pointer, false))
    .with_pointer(pointer)
    .with_help(help)
}

fn unknown_resource(
    service: &Entity<Service>,
    pointer: &str,
    key: &str,
    field: &str,
    resources: &[Resource],
    suggested: &mut BTreeSet<String>,
) -> Diagnostic {
    let prefix = key.split(':').next().unwrap_or_default();
    let start = resources.partition_point(|r| r.integration.as_str() < prefix);
    let candidates = resources[start..]
        .iter()
        .take_while(|r| r.integration == prefix)
        .map(|r| r.key.as_str());
    let help = match did_you_mean(key, candidates) {
        Some(suggestion) => {
            suggested.insert(suggestion.to_owned());
            format!("did you mean `{suggestion}`?")
        }
        None => format!(
            "the `{prefix}` inventory has no such resource; check the id, or refresh the snapshot"
        ),
    };
    Diagnostic::new(
        Code::UnknownResource,
        format!(
            "{field} maps {}, which is not in the `{prefix}` inventory",
            quote(key)
        ),
    )
    .at(&service.file, service.span(pointer, false))
    .with_pointer(pointer)
    .with_help(help)
}

/// Words for a resource type in messages.
fn resource_words(resource: &Resource) -> String {
    match resource.resource_type.as_str() {
        "gateway-service" => "Kong gateway service".to_owned(),
        "mesh-service" => "mesh service".to_owned(),
        "pagerduty-service" => "PagerDuty service".to_owned(),
        "github-repository" => "GitHub repository".to_owned(),
        other => format!("`{}` {other}", resource.integration),
    }
}

fn unmapped(resource: &Resource, owner: Option<&str>) -> Diagnostic {
    // A repository is claimed with `repository:`, everything else in `resources`.
    let claim = if resource.resource_type == "github-repository" {
        format!("set `repository: {}`", resource.key)
    } else {
        format!("add `{}` to `resources`", resource.key)
    };
    let help = match owner {
        Some(owner) => format!("likely owner: `{owner}`; in its descriptor, {claim}"),
        None => format!(
            "in the descriptor of the service that owns it, {claim}; or remove it from the inventory"
        ),
    };
    Diagnostic::new(
        Code::UnmappedResource,
        format!(
            "the {} {} is not mapped by any service",
            resource_words(resource),
            quote(&resource.name)
        ),
    )
    .at(&resource.file, resource.label_span)
    .with_help(help)
}

/// Finds the likeliest owner of an unmapped resource by name.
struct OwnerIndex<'s> {
    names: BTreeSet<&'s str>,
    /// Repository name (`billing` of `github:acme/billing`) → services declaring it.
    repositories: HashMap<&'s str, &'s str>,
}

impl<'s> OwnerIndex<'s> {
    fn new(services: &'s [Entity<Service>]) -> OwnerIndex<'s> {
        let names = services.iter().map(|s| s.value.name.as_str()).collect();
        let repositories = services
            .iter()
            .filter_map(|s| {
                let repository = s.value.repository.as_ref()?;
                Some((
                    repository.as_str().rsplit('/').next()?,
                    s.value.name.as_str(),
                ))
            })
            .collect();
        OwnerIndex {
            names,
            repositories,
        }
    }

    /// The service whose name is the resource's name stem (`billing` for `billing-svc`,
    /// `prod/billing-api`, `Billing Service`), else the service whose repository has that
    /// name, else the service whose name is the longest dash-bounded prefix of the stem.
    fn likely_owner(&self, resource: &Resource) -> Option<String> {
        let raw = if resource.resource_type == "github-repository" {
            resource.id.rsplit('/').next().unwrap_or(&resource.id)
        } else {
            resource.name.rsplit('/').next().unwrap_or(&resource.name)
        };
        let stem = stem(raw);
        if stem.is_empty() {
            return None;
        }
        if let Some(name) = self.names.get(stem.as_str()) {
            return Some((*name).to_owned());
        }
        if let Some(name) = self.repositories.get(stem.as_str()) {
            return Some((*name).to_owned());
        }
        let mut best: Option<&str> = None;
        for (end, _) in stem.match_indices('-') {
            let prefix = &stem[..end];
            if prefix.len() >= 4
                && let Some(name) = self.names.get(prefix)
            {
                best = Some(name);
            }
        }
        best.map(str::to_owned)
    }
}

/// Lower-cased, spaces and underscores as dashes, common deployment suffixes removed.
fn stem(name: &str) -> String {
    const SUFFIXES: [&str; 13] = [
        "-service",
        "-svc",
        "-api",
        "-http",
        "-grpc",
        "-prod",
        "-production",
        "-staging",
        "-v1",
        "-v2",
        "-v3",
        "-public",
        "-internal",
    ];
    let mut stem: String = name
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c == ' ' || c == '_' || c == '.' {
                '-'
            } else {
                c
            }
        })
        .collect();
    while let Some(suffix) = SUFFIXES
        .iter()
        .find(|s| stem.ends_with(*s) && stem.len() > s.len())
    {
        stem.truncate(stem.len() - suffix.len());
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(name: &str, resources: &[&str]) -> Entity<Service> {
        Entity {
            value: serde_json::from_value(serde_json::json!({
                "apiVersion": "catalogc/v1",
                "kind": "Service",
                "name": name,
                "owner": "payments",
                "lifecycle": "production",
                "resources": resources,
            }))
            .expect("a valid service"),
            file: format!("repos/{name}/service.yaml"),
            start: catalogc_diagnostics::Position::default(),
            spans: std::sync::Arc::default(),
            origin: crate::Origin::Directory,
        }
    }

    fn resource(key: &str) -> Resource {
        let (integration, id) = key.split_once(':').expect("a key");
        Resource {
            key: key.to_owned(),
            integration: integration.to_owned(),
            resource_type: "thing".to_owned(),
            id: id.to_owned(),
            name: id.to_owned(),
            attributes: Map::new(),
            file: "integrations/things.yaml".to_owned(),
            span: Span::default(),
            label_span: Span::default(),
        }
    }

    #[test]
    fn each_resource_lists_its_services_sorted_and_once_whatever_their_order() {
        for services in [
            vec![
                service("alpha", &["custom:a", "custom:a"]),
                service("alpha", &["custom:a"]),
                service("zeta", &["custom:a", "custom:b"]),
            ],
            vec![
                service("zeta", &["custom:a", "custom:b"]),
                service("alpha", &["custom:a"]),
                service("alpha", &["custom:a", "custom:a"]),
            ],
        ] {
            let inventories = Inventories {
                resources: vec![
                    resource("custom:a"),
                    resource("custom:b"),
                    resource("custom:c"),
                ],
                prefixes: ["custom".to_owned()].into(),
                ..Inventories::default()
            };
            let mut diagnostics = Vec::new();
            let mapping = map(
                &services,
                inventories,
                &References::default(),
                None,
                &mut diagnostics,
            );
            let by: Vec<(&str, Vec<&str>)> = mapping
                .resources
                .iter()
                .map(|r| {
                    (
                        r.resource.key.as_str(),
                        r.mapped_by.iter().map(String::as_str).collect(),
                    )
                })
                .collect();
            assert_eq!(
                by,
                [
                    ("custom:a", vec!["alpha", "zeta"]),
                    ("custom:b", vec!["zeta"]),
                    ("custom:c", vec![]),
                ]
            );
            let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(codes, [Code::UnmappedResource], "{diagnostics:#?}");
        }
    }

    #[test]
    fn repository_files_and_inventory_resources_come_out_sorted_by_key() {
        use crate::references::{DocFile, ServiceFiles};
        let doc = |path: &str| DocFile {
            path: path.to_owned(),
            doc: None,
            text: None,
        };
        let services = vec![service("alpha", &[]), service("zeta", &[])];
        let references = References {
            services: vec![
                ServiceFiles {
                    docs: vec![doc("repos/alpha/README.md"), doc("repos/alpha/docs/a.md")],
                    ..ServiceFiles::default()
                },
                ServiceFiles {
                    docs: vec![doc("repos/zeta/README.md")],
                    ..ServiceFiles::default()
                },
            ],
            ..References::default()
        };
        // Inventory keys on both sides of the `repo:` block, given sorted and not.
        let sorted = ["custom:a", "github:o/r", "rota:x", "zeta:z"];
        let shuffled = ["zeta:z", "custom:a", "rota:x", "github:o/r"];
        for keys in [sorted, shuffled] {
            let inventories = Inventories {
                resources: keys.iter().map(|key| resource(key)).collect(),
                prefixes: ["custom", "github", "rota", "zeta"]
                    .map(str::to_owned)
                    .into(),
                ..Inventories::default()
            };
            let mapping = map(&services, inventories, &references, None, &mut Vec::new());
            let keys: Vec<&str> = mapping
                .resources
                .iter()
                .map(|r| r.resource.key.as_str())
                .collect();
            assert_eq!(
                keys,
                [
                    "custom:a",
                    "github:o/r",
                    "repo:repos/alpha/README.md",
                    "repo:repos/alpha/docs/a.md",
                    "repo:repos/zeta/README.md",
                    "rota:x",
                    "zeta:z",
                ]
            );
        }
    }

    #[test]
    fn stems_strip_deployment_suffixes() {
        assert_eq!(stem("billing-svc"), "billing");
        assert_eq!(stem("Billing Service"), "billing");
        assert_eq!(stem("billing-api-v2"), "billing");
        assert_eq!(stem("search_http_prod"), "search");
        assert_eq!(stem("-svc"), "-svc");
    }
}
