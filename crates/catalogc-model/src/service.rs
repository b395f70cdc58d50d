//! The service descriptor, `service.yaml` (SPEC 1.2).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApiVersion, Name, RelativePath, ResourceKey, ServiceKind, Tag, Url};

/// A service: something a team runs, with an owner, dependencies, APIs and resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "catalogc Service")]
pub struct Service {
    /// Descriptor format version; always `catalogc/v1`.
    pub api_version: ApiVersion,
    /// Always `Service`.
    pub kind: ServiceKind,
    /// Unique service name: lowercase letters, digits and hyphens (e.g. `billing`).
    pub name: Name,
    /// Display name shown in the catalog site (e.g. `Billing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: Option<String>,
    /// What the service does, in a sentence or two (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
    /// The owning team: the `name` of a Team descriptor.
    pub owner: Name,
    /// Other teams that share ownership.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub additional_owners: Vec<Name>,
    /// Where the service is in its life: `experimental`, `production`, `deprecated` or `retired`.
    pub lifecycle: Lifecycle,
    /// Criticality from 1 (most critical) to 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4))]
    pub tier: Option<u8>,
    /// A free grouping of related services (e.g. `checkout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub system: Option<String>,
    /// Tags for search and filters (e.g. `payments`, `pci`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub tags: Vec<Tag>,
    /// Key/value labels (e.g. `cost-center: cc-42`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "labels_schema")]
    pub labels: BTreeMap<String, String>,
    /// Links to runbooks, dashboards, docs and chat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The code repository, as a github resource key (e.g. `github:acme/billing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<ResourceKey>,
    /// Upstream services this service calls: a service name, or `{service, kind, critical}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dependency>,
    /// APIs this service provides and consumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apis: Option<Apis>,
    /// Integration resources this service owns: `integration:id` keys or `{integration, id}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceRef>,
    /// Documentation files, relative to this descriptor's directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<RelativePath>,
    /// CI/CD pipelines: GitHub Actions workflow files, relative to this descriptor's directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pipelines: Vec<RelativePath>,
    /// API products this service is published as, through one of its gateway resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_products: Vec<ApiProduct>,
    /// Organisation-specific fields, validated only by the catalog's extension schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::free_object")]
    pub custom: Option<serde_json::Map<String, serde_json::Value>>,
}

fn labels_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "propertyNames": {"pattern": crate::names::LABEL_KEY_PATTERN, "maxLength": 317},
        "additionalProperties": {"type": "string", "maxLength": 256}
    })
}

/// Where a service is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    /// Being built or tried out; not relied on.
    Experimental,
    /// Live and relied on.
    Production,
    /// Still running, but dependents should move away.
    Deprecated,
    /// Switched off.
    Retired,
}

impl Lifecycle {
    pub const fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Experimental => "experimental",
            Lifecycle::Production => "production",
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Retired => "retired",
        }
    }
}

/// A link shown on the service page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Text of the link (e.g. `Runbook`).
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: String,
    /// Target: an `https://`, `http://` or `mailto:` URL without credentials.
    pub url: Url,
    /// Kind of link: `runbook`, `docs`, `dashboard`, `chat`, `website`, or another lowercase word.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = crate::names::LINK_TYPE_PATTERN))]
    pub link_type: Option<String>,
}

/// An upstream dependency: a service name, or a mapping with details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    /// The upstream service's name (a synchronous, critical dependency).
    Name(Name),
    /// The upstream service with details.
    Detailed(DetailedDependency),
}

impl Dependency {
    pub fn service(&self) -> &Name {
        match self {
            Dependency::Name(name) => name,
            Dependency::Detailed(detailed) => &detailed.service,
        }
    }
}

/// A dependency with its kind and criticality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailedDependency {
    /// The upstream service's name.
    pub service: Name,
    /// `sync` (request/response, the default) or `async` (events, queues).
    #[serde(default)]
    pub kind: DependencyKind,
    /// Whether this service fails when the upstream fails (default `true`).
    #[serde(default = "default_true")]
    pub critical: bool,
}

fn default_true() -> bool {
    true
}

/// How a service talks to an upstream.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DependencyKind {
    /// Request/response calls.
    #[default]
    Sync,
    /// Events, queues and other asynchronous messages.
    Async,
}

/// APIs a service provides and consumes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Apis {
    /// APIs this service offers to others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<ProvidedApi>,
    /// Names of APIs provided by other services that this service calls (implies a dependency).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub consumes: Vec<Name>,
}

/// An API a service provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvidedApi {
    /// Unique API name (e.g. `billing-api`).
    pub name: Name,
    /// Protocol of the API: `openapi`, `asyncapi`, `graphql` or `grpc`.
    #[serde(rename = "type")]
    pub api_type: ApiType,
    /// Path of the API specification, relative to this descriptor's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<RelativePath>,
    /// What the API is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
}

/// The protocol of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiType {
    /// HTTP API described by OpenAPI (or Swagger 2).
    Openapi,
    /// Event-driven API described by AsyncAPI.
    Asyncapi,
    /// GraphQL API.
    Graphql,
    /// gRPC API.
    Grpc,
}

/// A mapping to an integration resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResourceRef {
    /// A key `<integration>:<id>` (e.g. `gateway:prod/billing-svc`).
    Key(ResourceKey),
    /// The integration and the resource id, written apart.
    Object(ResourceObject),
}

/// A resource mapping written as a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceObject {
    /// The integration: `gateway`, `mesh`, `pagerduty`, `github`, or a custom integration's name.
    pub integration: Name,
    /// The resource id within the integration (e.g. `prod/billing-svc`, `PBILL01`).
    #[schemars(length(min = 1, max = 512))]
    pub id: String,
}

/// A Konnect-style API product this service is published as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiProduct {
    /// The API product's name.
    pub product: Name,
    /// The product version (e.g. `v2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 64))]
    pub version: Option<String>,
    /// The gateway resource the product is served through; the service must map it.
    pub resource: ResourceKey,
}
