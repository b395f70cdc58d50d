//! Builds the typed bundle ([`catalogc_model::Bundle`]) from a compilation.

use std::collections::{BTreeMap, BTreeSet};

use catalogc_compiler::{Closures, Compilation, EdgeOrigin, Entity};
use catalogc_diagnostics::render::json as json_render;
use catalogc_model::{
    API_VERSION, BUNDLE_KIND, Bundle, BundleApi, BundleApis, BundleCatalog, BundleDependency,
    BundleService, BundleTeam, ResourceRef, Service, SourceRef, Team,
};
use rayon::prelude::*;

/// The whole bundle of `compilation`.
pub fn bundle(compilation: &Compilation) -> Bundle {
    let catalog = &compilation.catalog;
    let closures = compilation.graph.closures();
    let consumers = api_consumers(compilation);
    // Duplicated names are errors, so a bundle never has them; keep the first anyway.
    let services: Vec<BundleService> = compilation
        .services
        .par_iter()
        .enumerate()
        .filter(|(i, s)| *i == 0 || compilation.services[i - 1].value.name != s.value.name)
        .map(|(_, service)| service_entry(compilation, &closures, &consumers, service))
        .collect();
    let teams = compilation
        .teams
        .iter()
        .map(|team| team_entry(compilation, team))
        .collect();
    Bundle {
        api_version: API_VERSION.to_owned(),
        kind: BUNDLE_KIND.to_owned(),
        catalog: BundleCatalog {
            name: catalog.name.to_string(),
            title: catalog
                .title
                .clone()
                .unwrap_or_else(|| catalog.name.to_string()),
            description: catalog.description.clone(),
        },
        services,
        teams,
        resources: Vec::new(),
        scorecards: Vec::new(),
        diagnostics: json_render::to_values(&compilation.diagnostics),
    }
}

/// API name → services consuming it, sorted.
fn api_consumers(compilation: &Compilation) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut consumers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for service in &compilation.services {
        if let Some(apis) = &service.value.apis {
            for api in &apis.consumes {
                consumers
                    .entry(api.as_str())
                    .or_default()
                    .insert(service.value.name.as_str());
            }
        }
    }
    consumers
}

fn service_entry(
    compilation: &Compilation,
    closures: &Closures,
    consumers: &BTreeMap<&str, BTreeSet<&str>>,
    service: &Entity<Service>,
) -> BundleService {
    let value = &service.value;
    let name = value.name.as_str();
    let graph = &compilation.graph;
    let dependencies = graph
        .dependencies(name)
        .into_iter()
        .map(|(upstream, edge)| BundleDependency {
            service: upstream.to_owned(),
            kind: edge.kind,
            critical: edge.critical,
            apis: edge
                .origins
                .iter()
                .filter_map(|origin| match origin {
                    EdgeOrigin::Consumes(_, api) => Some(api.clone()),
                    EdgeOrigin::DependsOn(_) => None,
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let apis = value.apis.clone().unwrap_or_default();
    let provides = apis
        .provides
        .iter()
        .map(|api| BundleApi {
            name: api.name.to_string(),
            api_type: api.api_type,
            spec: api.spec.as_ref().map(|spec| spec.to_string()),
            description: api.description.clone(),
            summary: None,
            consumers: consumers
                .get(api.name.as_str())
                .map(|set| set.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        })
        .collect();
    let mut resources: Vec<String> = value.resources.iter().map(resource_key).collect();
    resources.sort();
    resources.dedup();
    BundleService {
        name: name.to_owned(),
        title: value.title.clone().unwrap_or_else(|| name.to_owned()),
        description: value.description.clone(),
        owner: value.owner.to_string(),
        additional_owners: value
            .additional_owners
            .iter()
            .map(|o| o.to_string())
            .collect(),
        lifecycle: value.lifecycle,
        tier: value.tier,
        system: value.system.clone(),
        tags: value.tags.iter().map(|t| t.to_string()).collect(),
        labels: value.labels.clone(),
        links: value.links.clone(),
        repository: value.repository.as_ref().map(|r| r.to_string()),
        source: source(service),
        depends_on: dependencies.iter().map(|d| d.service.clone()).collect(),
        dependencies,
        dependents: graph.downstream(name),
        upstream_all: graph.closure_names(closures, name, true),
        downstream_all: graph.closure_names(closures, name, false),
        apis: BundleApis {
            provides,
            consumes: apis.consumes.iter().map(|c| c.to_string()).collect(),
        },
        resources,
        docs: Vec::new(),
        pipelines: Vec::new(),
        api_products: value.api_products.clone(),
        custom: value.custom.clone(),
        scores: Vec::new(),
    }
}

fn team_entry(compilation: &Compilation, team: &Entity<Team>) -> BundleTeam {
    let value = &team.value;
    let name = value.name.as_str();
    let children = compilation
        .teams
        .iter()
        .filter(|t| t.value.parent.as_deref() == Some(name))
        .map(|t| t.value.name.to_string())
        .collect();
    let services = compilation
        .services
        .iter()
        .filter(|s| s.value.owner.as_str() == name)
        .map(|s| s.value.name.to_string())
        .collect();
    let shared_services = compilation
        .services
        .iter()
        .filter(|s| s.value.additional_owners.iter().any(|o| o.as_str() == name))
        .map(|s| s.value.name.to_string())
        .collect();
    BundleTeam {
        name: name.to_owned(),
        title: value.title.clone().unwrap_or_else(|| name.to_owned()),
        description: value.description.clone(),
        parent: value.parent.as_ref().map(|p| p.to_string()),
        children,
        members: value.members.clone(),
        contacts: value.contacts.clone(),
        github: value.github.as_ref().map(|g| g.to_string()),
        services,
        shared_services,
        source: source(team),
    }
}

fn source<T>(entity: &Entity<T>) -> SourceRef {
    SourceRef {
        file: entity.file.clone(),
        line: entity.start.line,
    }
}

/// The `integration:id` form of a resource mapping.
pub fn resource_key(resource: &ResourceRef) -> String {
    match resource {
        ResourceRef::Key(key) => key.to_string(),
        ResourceRef::Object(object) => format!("{}:{}", object.integration, object.id),
    }
}
