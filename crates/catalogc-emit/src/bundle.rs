//! `catalog.json`: the compiled catalog as one JSON document.
//!
//! # Format
//!
//! ```json
//! {
//!   "apiVersion": "catalogc/v1",
//!   "kind": "CatalogBundle",
//!   "catalog": {"name": "acme", "title": "Acme Corp"},
//!   "services": [{"name": "billing", "title": "Billing", "owner": "payments",
//!                 "lifecycle": "production", "tier": 1,
//!                 "source": {"file": "repos/billing/service.yaml", "line": 1},
//!                 "dependsOn": ["ledger"], "dependents": ["checkout"],
//!                 "upstreamAll": ["ledger"], "downstreamAll": ["checkout", "web"],
//!                 "apis": {...}, "resources": ["gateway:prod/billing-svc"], "scores": [], ...}],
//!   "teams": [{"name": "payments", "services": ["billing"], "children": [], ...}],
//!   "resources": [],
//!   "scorecards": [],
//!   "diagnostics": [ ...warnings, in the JSON diagnostics shape... ]
//! }
//! ```
//!
//! Keys of every object are sorted (serde_json's map), lists are sorted by name, and absent
//! optional descriptor fields are left out.

use std::collections::BTreeMap;

use catalogc_compiler::{Closures, Compilation, Entity};
use catalogc_diagnostics::render::json as json_render;
use catalogc_model::{ResourceRef, Service, Team};
use serde_json::{Map, Value, json};

/// `kind` of the bundle document.
pub const BUNDLE_KIND: &str = "CatalogBundle";

/// The whole `catalog.json` document.
pub fn bundle(compilation: &Compilation) -> Value {
    let catalog = &compilation.catalog;
    let closures = compilation.graph.closures();
    let services: Vec<Value> = compilation
        .services
        .iter()
        .map(|service| service_entry(compilation, &closures, service))
        .collect();
    let teams: Vec<Value> = compilation
        .teams
        .iter()
        .map(|team| team_entry(compilation, team))
        .collect();
    json!({
        "apiVersion": catalogc_model::API_VERSION,
        "kind": BUNDLE_KIND,
        "catalog": {
            "name": catalog.name,
            "title": catalog.title.clone().unwrap_or_else(|| catalog.name.to_string()),
        },
        "services": services,
        "teams": teams,
        "resources": [],
        "scorecards": [],
        "diagnostics": json_render::to_values(&compilation.diagnostics),
    })
}

/// One service's entry: its descriptor fields as written, plus what resolution derived.
pub fn service_entry(
    compilation: &Compilation,
    closures: &Closures,
    service: &Entity<Service>,
) -> Value {
    let value = &service.value;
    let mut entry = match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    entry.remove("apiVersion");
    entry.remove("kind");
    let name = value.name.as_str();
    let graph = &compilation.graph;
    entry.insert(
        "title".into(),
        json!(value.title.clone().unwrap_or_else(|| name.to_owned())),
    );
    entry.insert("tier".into(), json!(value.tier));
    entry.insert("source".into(), source(service));
    let depends_on: Vec<&str> = value
        .depends_on
        .iter()
        .map(|d| d.service().as_str())
        .collect();
    entry.insert("dependsOn".into(), json!(depends_on));
    entry.insert("dependencies".into(), json!(value.depends_on));
    entry.insert("dependents".into(), json!(graph.downstream(name)));
    entry.insert(
        "upstreamAll".into(),
        json!(graph.closure_names(closures, name, true)),
    );
    entry.insert(
        "downstreamAll".into(),
        json!(graph.closure_names(closures, name, false)),
    );
    entry.insert(
        "apis".into(),
        serde_json::to_value(value.apis.clone().unwrap_or_default()).unwrap_or(Value::Null),
    );
    let resources: Vec<String> = value.resources.iter().map(resource_key).collect();
    entry.insert("resources".into(), json!(resources));
    entry.insert("scores".into(), json!([]));
    Value::Object(entry)
}

fn team_entry(compilation: &Compilation, team: &Entity<Team>) -> Value {
    let value = &team.value;
    let mut entry = match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    entry.remove("apiVersion");
    entry.remove("kind");
    let name = value.name.as_str();
    entry.insert(
        "title".into(),
        json!(value.title.clone().unwrap_or_else(|| name.to_owned())),
    );
    entry.insert("source".into(), source(team));
    let children: Vec<&str> = compilation
        .teams
        .iter()
        .filter(|t| t.value.parent.as_deref() == Some(name))
        .map(|t| t.value.name.as_str())
        .collect();
    entry.insert("children".into(), json!(children));
    let mut owned: BTreeMap<&str, &str> = BTreeMap::new();
    for service in &compilation.services {
        if service.value.owner.as_str() == name {
            owned.insert(service.value.name.as_str(), "owner");
        } else if service
            .value
            .additional_owners
            .iter()
            .any(|o| o.as_str() == name)
        {
            owned
                .entry(service.value.name.as_str())
                .or_insert("additional");
        }
    }
    let services: Vec<&str> = owned
        .iter()
        .filter(|(_, role)| **role == "owner")
        .map(|(service, _)| *service)
        .collect();
    let shared: Vec<&str> = owned
        .iter()
        .filter(|(_, role)| **role == "additional")
        .map(|(service, _)| *service)
        .collect();
    entry.insert("services".into(), json!(services));
    entry.insert("sharedServices".into(), json!(shared));
    Value::Object(entry)
}

fn source<T>(entity: &Entity<T>) -> Value {
    json!({"file": entity.file, "line": entity.start.line})
}

/// The `integration:id` form of a resource mapping.
pub fn resource_key(resource: &ResourceRef) -> String {
    match resource {
        ResourceRef::Key(key) => key.to_string(),
        ResourceRef::Object(object) => format!("{}:{}", object.integration, object.id),
    }
}
