//! The catalog configuration, `catalog.yaml` (SPEC 1.1).

use std::collections::BTreeMap;

use catalogc_diagnostics::Code;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::{ApiVersion, CatalogKind, Name, RelativePath};

/// The catalog root's configuration: where descriptors and inventories are, and the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "catalogc Catalog")]
pub struct Catalog {
    /// Descriptor format version; always `catalogc/v1`.
    pub api_version: ApiVersion,
    /// Always `Catalog`.
    pub kind: CatalogKind,
    /// The organisation's short name (e.g. `acme`).
    pub name: Name,
    /// Display name of the catalog (e.g. `Acme Corp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: Option<String>,
    /// What this catalog covers (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
    /// Where service descriptors come from (default: the whole catalog root).
    #[serde(default = "default_sources")]
    pub services: Vec<ServiceSource>,
    /// Directory of Team descriptors (`*.yaml`), relative to the catalog root (default `teams`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<RelativePath>,
    /// Directory of Scorecard descriptors (`*.yaml`), relative to the catalog root (default `scorecards`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorecards: Option<RelativePath>,
    /// Built-in scorecards to enable by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub builtin_scorecards: Vec<BuiltinScorecard>,
    /// Inventory snapshots exported from integrations (Kong, Kong Mesh, PagerDuty, GitHub, custom).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<Integration>,
    /// Organisation-specific extensions of the descriptor format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
    /// Severity overrides per diagnostic code: `error`, `warning` or `off`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "rules_schema")]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Limits on the files catalogc reads (SPEC 6); defaults apply to anything not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<LimitsConfig>,
}

fn default_sources() -> Vec<ServiceSource> {
    vec![ServiceSource::Path(PathSource {
        path: RelativePath(".".to_owned()),
    })]
}

fn rules_schema(generator: &mut SchemaGenerator) -> Schema {
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let level = generator.subschema_for::<RuleLevel>();
    json_schema!({
        "type": "object",
        "propertyNames": {"enum": codes},
        "additionalProperties": level
    })
}

/// Where service descriptors come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ServiceSource {
    /// A directory walked recursively for `service.yaml` files (gitignore respected).
    Path(PathSource),
    /// Git repositories whose `service.yaml` files are read at a revision, without a checkout.
    Git(GitSource),
}

/// A directory of service repositories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathSource {
    /// Directory relative to the catalog root, walked recursively for `service.yaml`.
    pub path: RelativePath,
}

/// Git repositories read at a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitSource {
    /// A glob of git repositories (bare or not) relative to the catalog root (e.g. `mirrors/*.git`).
    #[schemars(length(min = 1, max = 1024))]
    pub git: String,
    /// The revision to read (default `HEAD`).
    #[serde(default = "default_ref", rename = "ref")]
    #[schemars(length(min = 1, max = 256))]
    pub reference: String,
}

fn default_ref() -> String {
    "HEAD".to_owned()
}

/// The built-in scorecards, offline equivalents of Konnect's templates.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum BuiltinScorecard {
    /// Ownership, lifecycle, on-call and pipelines.
    ServiceMaturity,
    /// Descriptions, docs and API specs.
    ServiceDocumentation,
    /// Gateway fronting and plugins on Kong.
    KongBestPractices,
    /// Authentication, active repositories and dependency hygiene.
    SecurityAndCompliance,
}

/// An inventory snapshot of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The export format: `gateway`, `mesh`, `pagerduty`, `github` or `custom`.
    #[serde(rename = "type")]
    pub integration_type: IntegrationType,
    /// Name of the integration: the control plane for `gateway`, the key prefix for `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// Snapshot file or directory relative to the catalog root.
    pub path: RelativePath,
}

/// Integration export formats (SPEC 1.4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IntegrationType {
    /// Kong decK declarative configuration.
    Gateway,
    /// Kong Mesh / Kuma `MeshService` and `Dataplane` resources.
    Mesh,
    /// PagerDuty REST `GET /services` response.
    Pagerduty,
    /// GitHub REST `GET /orgs/{org}/repos` response.
    Github,
    /// A YAML/JSON list of `{type, id, name, attributes}`.
    Custom,
}

/// Extensions of the descriptor format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Extensions {
    /// A JSON Schema file every Service must also satisfy (it may `$ref` files inside the catalog root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_schema: Option<RelativePath>,
}

/// A severity override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Fails `check` and `build`.
    Error,
    /// Reported, does not fail (unless `--deny-warnings`).
    Warning,
    /// Not reported.
    Off,
}

/// Limits on what catalogc reads (SPEC 6). Unset limits keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LimitsConfig {
    /// Largest catalog descriptor in bytes (default 1 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_file_bytes: Option<u64>,
    /// Deepest nesting of a descriptor (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 8, max = 1024))]
    pub max_depth: Option<u32>,
    /// Most YAML documents in one file (default 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_documents: Option<u32>,
    /// Most entries in one list or mapping of a descriptor (default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_list_entries: Option<u32>,
    /// Most nodes aliases may add to one descriptor document (default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_alias_nodes: Option<u64>,
    /// Largest API spec, workflow or docs file in bytes (default 8 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_spec_bytes: Option<u64>,
    /// Largest inventory snapshot in bytes (default 64 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_inventory_bytes: Option<u64>,
}

impl Catalog {
    /// The configuration used when the root has no `catalog.yaml`.
    pub fn implicit(name: &str) -> Catalog {
        Catalog {
            api_version: ApiVersion::V1,
            kind: CatalogKind::Catalog,
            name: Name(name.to_owned()),
            title: None,
            description: None,
            services: default_sources(),
            teams: None,
            scorecards: None,
            builtin_scorecards: Vec::new(),
            integrations: Vec::new(),
            extensions: None,
            rules: BTreeMap::new(),
            limits: None,
        }
    }
}
