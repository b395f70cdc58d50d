//! Resources: what integrations' inventory snapshots and the repositories themselves contain,
//! keyed `<integration>:<id>` (SPEC 1.4).

use catalogc_diagnostics::Span;
use serde_json::{Map, Value};

/// One resource of an integration inventory (a Kong gateway service, a PagerDuty service, a
/// GitHub repository, …).
///
/// `attributes` hold only the allow-listed, non-sensitive fields of the export (names, ids,
/// hosts, paths, protocols, plugin names, status, archived, topics): never credentials,
/// consumers, plugin configuration values or personal data such as e-mail addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// `<integration>:<id>`, e.g. `gateway:prod/billing-svc`, `pagerduty:PBILL01`.
    pub key: String,
    /// The key's prefix: the integration type for built-in types, the name for `custom`.
    pub integration: String,
    /// The kind of resource, e.g. `gateway-service`, `pagerduty-service`, `github-repository`.
    pub resource_type: String,
    /// The id within the integration (the part of the key after `:`).
    pub id: String,
    /// A display name.
    pub name: String,
    /// Allow-listed attributes (see above).
    pub attributes: Map<String, Value>,
    /// Where the resource's entry is in its snapshot file (catalog-relative).
    pub file: String,
    pub span: Span,
    /// The span of the entry's identifying field (`name`, `full_name`, `id`), where findings
    /// about the resource point (the line a reader recognises); else the entry's span.
    pub label_span: Span,
}

impl Resource {
    /// Builds the key of a resource from its integration prefix and id.
    pub fn key_of(integration: &str, id: &str) -> String {
        format!("{integration}:{id}")
    }
}
