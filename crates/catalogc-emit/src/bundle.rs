//! Builds the typed bundle ([`catalogc_model::Bundle`]) from a compilation.

use std::collections::{BTreeMap, BTreeSet};

use catalogc_compiler::artifacts::{ApiSpec, SpecFormat};
use catalogc_compiler::mapping::MappedResource;
use catalogc_compiler::score::run::ServiceScore;
use catalogc_compiler::{Closures, Compilation, EdgeOrigin, Entity};
use catalogc_diagnostics::render::json as json_render;
use catalogc_model::{
    API_VERSION, ApiSpecSummary, BUNDLE_KIND, Bundle, BundleApi, BundleApis, BundleCatalog,
    BundleCriterionResult, BundleDependency, BundleDoc, BundlePipeline, BundleResource,
    BundleScore, BundleScorecard, BundleService, BundleTeam, OperationSummary, ResourceRef,
    Service, SourceRef, Team,
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
        .map(|(i, service)| service_entry(compilation, &closures, &consumers, i, service))
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
            evaluation_date: compilation.evaluation_date.clone(),
        },
        services,
        teams,
        resources: compilation
            .mapping
            .resources
            .iter()
            .map(resource_entry)
            .collect(),
        scorecards: compilation
            .scores
            .scorecards
            .iter()
            .map(|summary| BundleScorecard {
                definition: summary.definition.clone(),
                builtin: summary.builtin,
                services: summary.services,
                levels: summary.levels.clone(),
            })
            .collect(),
        diagnostics: json_render::to_values(&compilation.diagnostics),
        // The history is walked by the caller (`catalogc build --history N`).
        events: Vec::new(),
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
    index: usize,
    service: &Entity<Service>,
) -> BundleService {
    let files = compilation.files.get(index);
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
        .map(|api| {
            let spec = files.and_then(|f| f.specs.iter().find(|s| s.api == api.name.as_str()));
            BundleApi {
                name: api.name.to_string(),
                api_type: api.api_type,
                spec: spec.map(|s| s.path.clone()),
                description: api.description.clone(),
                summary: spec.and_then(|s| s.spec.as_ref()).map(spec_summary),
                consumers: consumers
                    .get(api.name.as_str())
                    .map(|set| set.iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let resources = compilation
        .mapping
        .service_resources
        .get(index)
        .cloned()
        .unwrap_or_default();
    let docs = files
        .map(|f| {
            f.docs
                .iter()
                .map(|d| BundleDoc {
                    path: d.path.clone(),
                    title: d.doc.as_ref().and_then(|doc| doc.title.clone()),
                    words: d.doc.as_ref().map_or(0, |doc| doc.words),
                })
                .collect()
        })
        .unwrap_or_default();
    let pipelines = files
        .map(|f| {
            f.pipelines
                .iter()
                .map(|p| {
                    let workflow = p.workflow.as_ref();
                    BundlePipeline {
                        path: p.path.clone(),
                        name: workflow.and_then(|w| w.name.clone()),
                        triggers: workflow.map(|w| w.triggers.clone()).unwrap_or_default(),
                        jobs: workflow
                            .map(|w| w.jobs.iter().map(|j| j.id.clone()).collect())
                            .unwrap_or_default(),
                        environments: workflow.map(|w| w.environments.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
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
        docs,
        pipelines,
        api_products: value.api_products.clone(),
        custom: value.custom.clone(),
        scores: compilation
            .scores
            .services
            .get(index)
            .map(|scores| scores.iter().map(score_entry).collect())
            .unwrap_or_default(),
    }
}

fn score_entry(score: &ServiceScore) -> BundleScore {
    BundleScore {
        scorecard: score.scorecard.clone(),
        level: score.level.clone(),
        score: score.score,
        criteria: score
            .criteria
            .iter()
            .map(|c| BundleCriterionResult {
                name: c.name.clone(),
                outcome: c.outcome.as_str().to_owned(),
                message: c.message.clone(),
                found: c.found.clone(),
            })
            .collect(),
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

fn resource_entry(mapped: &MappedResource) -> BundleResource {
    let resource = &mapped.resource;
    BundleResource {
        key: resource.key.clone(),
        integration: resource.integration.clone(),
        resource_type: resource.resource_type.clone(),
        id: resource.id.clone(),
        name: resource.name.clone(),
        attributes: resource.attributes.clone(),
        mapped_by: mapped.mapped_by.clone(),
        suggested_owner: mapped.suggested_owner.clone(),
        source: SourceRef {
            file: resource.file.clone(),
            line: resource.span.start.line.max(1),
        },
    }
}

fn spec_summary(spec: &ApiSpec) -> ApiSpecSummary {
    let format = match spec.format {
        SpecFormat::OpenApi3 => "openapi",
        SpecFormat::Swagger2 => "swagger",
        SpecFormat::AsyncApi2 | SpecFormat::AsyncApi3 => "asyncapi",
    };
    ApiSpecSummary {
        format: format.to_owned(),
        spec_version: spec.spec_version.clone(),
        title: spec.title.clone(),
        version: spec.version.clone(),
        operations: spec
            .operations
            .iter()
            .map(|o| OperationSummary {
                method: o.method.clone(),
                path: o.path.clone(),
                operation_id: o.operation_id.clone(),
                summary: o.summary.clone(),
            })
            .collect(),
        operation_count: spec.operation_count,
    }
}

/// The `integration:id` form of a resource mapping.
pub fn resource_key(resource: &ResourceRef) -> String {
    match resource {
        ResourceRef::Key(key) => key.to_string(),
        ResourceRef::Object(object) => format!("{}:{}", object.integration, object.id),
    }
}
