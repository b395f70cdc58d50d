//! The compiled catalog bundle, `catalog.json` (SPEC 4), as types.
//!
//! The bundle writer serialises these; per-repo checks read a published bundle back through
//! them; and `schemas/bundle.schema.json` is generated from them.
//!
//! # Format
//!
//! The top level is pinned: `apiVersion` (`catalogc/v1`), `kind` (`CatalogBundle`),
//! `catalog`, `services`, `teams`, `resources`, `scorecards`, `diagnostics`. Lists are sorted
//! by name (resources by key); absent optional descriptor fields are left out. `events`, the
//! catalog's recent history (`catalogc build --history N`), follows them: commits newest
//! first, each with the events `catalogc diff` reports against its first parent; it is left
//! out when the build walked no history (or no commit changed the catalog).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    ApiProduct, ApiType, CatalogEvent, Contact, DependencyKind, Lifecycle, Link, Member, Scorecard,
};

/// `kind` of the bundle document.
pub const BUNDLE_KIND: &str = "CatalogBundle";

/// The whole compiled catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "catalogc bundle (catalog.json)")]
pub struct Bundle {
    /// Always `catalogc/v1`.
    pub api_version: String,
    /// Always `CatalogBundle`.
    pub kind: String,
    /// The catalog's name and title.
    pub catalog: BundleCatalog,
    /// Every service, sorted by name.
    pub services: Vec<BundleService>,
    /// Every team, sorted by name.
    pub teams: Vec<BundleTeam>,
    /// Every resource (inventories and repositories), sorted by key.
    pub resources: Vec<BundleResource>,
    /// Every scorecard, sorted by name.
    pub scorecards: Vec<BundleScorecard>,
    /// The findings of the build (warnings; a build with errors writes no bundle), in the
    /// JSON diagnostics shape of `catalogc check --format json`.
    pub diagnostics: Vec<serde_json::Value>,
    /// The catalog's recent history (`catalogc build --history N`): every commit of the
    /// first-parent walk that changed the compiled catalog, newest first. Absent without
    /// `--history`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<CommitEvents>,
}

/// One commit of the catalog's history and what it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommitEvents {
    /// The commit id (full hexadecimal).
    pub commit: String,
    /// Its first parent, compared with; absent for a root commit (compared with an empty
    /// catalog).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The author's name (never their e-mail address).
    pub author: String,
    /// The author date, in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    /// The first line of the commit message.
    pub subject: String,
    /// What changed, in the order and shape of `catalogc diff --format json` events.
    pub events: Vec<CatalogEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleCatalog {
    /// The organisation's short name.
    pub name: String,
    /// Display name (the name when no title is set).
    pub title: String,
    /// What the catalog covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The date scorecards were evaluated on (`YYYY-MM-DD`): `--date`, else
    /// `SOURCE_DATE_EPOCH`, else the catalog repository's `HEAD` commit date, else the day
    /// of the build.
    pub evaluation_date: String,
}

/// Where an entity is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    /// Catalog-relative path of the descriptor file.
    pub file: String,
    /// Line where the entity's document starts.
    pub line: u32,
}

/// A service with everything resolution derived about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleService {
    /// Unique service name.
    pub name: String,
    /// Display name (the name when no title is set).
    pub title: String,
    /// What the service does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owning team.
    pub owner: String,
    /// Teams sharing ownership.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_owners: Vec<String>,
    /// Where the service is in its life.
    pub lifecycle: Lifecycle,
    /// Criticality from 1 (most critical) to 4, or null when not set.
    pub tier: Option<u8>,
    /// The system grouping it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Links.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The code repository's resource key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Where the descriptor is.
    pub source: SourceRef,
    /// Direct upstream services (names), sorted.
    pub depends_on: Vec<String>,
    /// Direct upstream services with how they are used, sorted by service.
    pub dependencies: Vec<BundleDependency>,
    /// Direct downstream services (dependents), sorted.
    pub dependents: Vec<String>,
    /// Every upstream service, direct or not, sorted.
    pub upstream_all: Vec<String>,
    /// Every downstream service, direct or not, sorted.
    pub downstream_all: Vec<String>,
    /// APIs provided (with their specification summaries) and consumed.
    pub apis: BundleApis,
    /// Keys of the resources this service maps (inventories and repository), sorted.
    pub resources: Vec<String>,
    /// Documentation files.
    #[serde(default)]
    pub docs: Vec<BundleDoc>,
    /// CI/CD pipelines.
    #[serde(default)]
    pub pipelines: Vec<BundlePipeline>,
    /// API products it is published as.
    #[serde(default)]
    pub api_products: Vec<ApiProduct>,
    /// Organisation-specific fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<serde_json::Map<String, serde_json::Value>>,
    /// Scorecard results (one entry per scorecard that applies).
    #[serde(default)]
    pub scores: Vec<BundleScore>,
}

/// A direct dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleDependency {
    /// The upstream service.
    pub service: String,
    /// `sync` or `async`.
    pub kind: DependencyKind,
    /// Whether this service fails when the upstream fails.
    pub critical: bool,
    /// APIs of the upstream this service consumes (empty when only `dependsOn` declares it).
    #[serde(default)]
    pub apis: Vec<String>,
}

/// The APIs of a service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleApis {
    /// APIs it provides.
    #[serde(default)]
    pub provides: Vec<BundleApi>,
    /// Names of APIs it consumes.
    #[serde(default)]
    pub consumes: Vec<String>,
}

/// A provided API and what its specification says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleApi {
    /// Unique API name.
    pub name: String,
    /// Protocol.
    #[serde(rename = "type")]
    pub api_type: ApiType,
    /// Catalog-relative path of the specification file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// What the API is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The specification's summary (OpenAPI, Swagger and AsyncAPI specs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ApiSpecSummary>,
    /// Consumers: services listing this API in `apis.consumes`, sorted.
    #[serde(default)]
    pub consumers: Vec<String>,
}

/// What an API specification describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiSpecSummary {
    /// `openapi`, `swagger` or `asyncapi`.
    pub format: String,
    /// The specification format's version (e.g. `3.0.3`).
    pub spec_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations (HTTP method and path, or AsyncAPI action and channel).
    pub operations: Vec<OperationSummary>,
    /// Number of operations, including any beyond the listed ones.
    pub operation_count: usize,
}

/// One operation of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationSummary {
    /// HTTP method (`GET`, …) or AsyncAPI action (`publish`, `send`, …).
    pub method: String,
    /// Path or channel.
    pub path: String,
    /// `operationId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// Summary line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// A documentation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleDoc {
    /// Catalog-relative path.
    pub path: String,
    /// The first heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Number of words.
    pub words: usize,
}

/// A CI/CD pipeline (GitHub Actions workflow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundlePipeline {
    /// Catalog-relative path.
    pub path: String,
    /// The workflow's `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Events that trigger it, sorted.
    pub triggers: Vec<String>,
    /// Job ids, in file order.
    pub jobs: Vec<String>,
    /// Deployment environments, sorted.
    pub environments: Vec<String>,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleTeam {
    /// Unique team name.
    pub name: String,
    /// Display name.
    pub title: String,
    /// What the team does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The parent team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Teams whose parent this is, sorted.
    pub children: Vec<String>,
    /// Members and roles.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Contacts.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// GitHub handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<String>,
    /// Services it owns, sorted.
    pub services: Vec<String>,
    /// Services it co-owns (`additionalOwners`), sorted.
    pub shared_services: Vec<String>,
    /// Where the descriptor is.
    pub source: SourceRef,
}

/// A resource of an integration or a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleResource {
    /// `<integration>:<id>`.
    pub key: String,
    /// The key's prefix.
    pub integration: String,
    /// Kind of resource (e.g. `gateway-service`).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The id within the integration.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Allow-listed attributes (never credentials or personal data).
    #[serde(default)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Services that map it, sorted; empty for an unmapped resource.
    pub mapped_by: Vec<String>,
    /// The likeliest owner of an unmapped resource, when one is obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_owner: Option<String>,
    /// Where its entry is.
    pub source: SourceRef,
}

/// A scorecard definition and its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleScorecard {
    /// The scorecard as written.
    pub definition: Scorecard,
    /// Whether it is one of the built-in scorecards.
    pub builtin: bool,
    /// Number of services it applies to.
    pub services: usize,
    /// Number of services at each level (`none` for no level), for scorecards with levels.
    #[serde(default)]
    pub levels: BTreeMap<String, usize>,
}

/// One scorecard's result for one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleScore {
    /// The scorecard's name.
    pub scorecard: String,
    /// The level reached, or null.
    pub level: Option<String>,
    /// Passed weight over counted weight, in percent, one decimal.
    pub score: f64,
    /// Outcome per criterion.
    pub criteria: Vec<BundleCriterionResult>,
}

/// One criterion's outcome for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BundleCriterionResult {
    /// The criterion's name.
    pub name: String,
    /// `pass`, `fail`, `error`, `skipped` or `exempt`.
    pub outcome: String,
    /// How to fix a failure, or the reason of an error or exemption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the check found, for a failure or a skipped criterion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}
