//! PagerDuty: the REST `GET /services` response (`{"services": [...], "limit", "offset",
//! "more"}`), one page per file; a directory holds one file per page. One
//! `pagerduty-service` resource per service, keyed `pagerduty:<id>`.
//!
//! Only `id` identifies a service. Service objects also carry integrations (with their
//! integration keys), support hours and incident rules; only the allow-listed fields below are
//! copied.

use catalogc_model::IntegrationType;
use serde_json::{Map, Value};

use super::{Context, Doc, Output, SnapshotFile, child, format_name, item, noun, text, valid_id};

const FORMAT: IntegrationType = IntegrationType::Pagerduty;
/// The fields of a service (and of its escalation policy and team references) this reader
/// looks at; the JSON loader skips the others (see `StructureLimits::keep_fields`).
pub(super) const FIELDS: &[&str] = &[
    "id",
    "name",
    "summary",
    "status",
    "escalation_policy",
    "teams",
    "html_url",
];
const EXPORT_HELP: &str =
    "commit the JSON body of `GET https://api.pagerduty.com/services` as is (one file per page)";

pub(super) fn parse(files: &[SnapshotFile], context: &Context<'_>, output: &mut Output) {
    for doc in Doc::all(files) {
        let Some(services) = services(doc, output) else {
            continue;
        };
        for (i, entry) in services.iter().enumerate() {
            let pointer = item("/services", i);
            let Value::Object(service) = entry else {
                output.diagnostics.push(doc.invalid(
                    &pointer,
                    format!(
                        "this is not a {}: this service is {}, not an object",
                        format_name(FORMAT),
                        noun(entry)
                    ),
                    EXPORT_HELP,
                ));
                continue;
            };
            let id = match service.get("id") {
                Some(Value::String(id)) if valid_id(id) => id,
                Some(_) => {
                    output.diagnostics.push(doc.invalid(
                        &child(&pointer, "id"),
                        "this PagerDuty service `id` is not a service id (a non-empty string without spaces)",
                        EXPORT_HELP,
                    ));
                    continue;
                }
                None => {
                    output.diagnostics.push(doc.invalid(
                        &pointer,
                        format!(
                            "this is not a {}: this service has no `id`",
                            format_name(FORMAT)
                        ),
                        EXPORT_HELP,
                    ));
                    continue;
                }
            };
            let name = text(service, "name").unwrap_or(id);
            output.resources.push(doc.resource(
                context,
                "pagerduty-service",
                id.clone(),
                name.to_owned(),
                attributes(service),
                &pointer,
            ));
        }
    }
}

/// The `services` list of a response page, reported when the document is something else.
fn services<'a>(doc: Doc<'a>, output: &mut Output) -> Option<&'a Vec<Value>> {
    let problem = match doc.root() {
        Value::Object(root) => match root.get("services") {
            Some(Value::Array(services)) => return Some(services),
            Some(other) => {
                output.diagnostics.push(doc.invalid(
                    "/services",
                    format!(
                        "this is not a {}: `services` is {}, not a list",
                        format_name(FORMAT),
                        noun(other)
                    ),
                    EXPORT_HELP,
                ));
                return None;
            }
            None => "`services` is missing".to_owned(),
        },
        // The usual mix-up: a GitHub export (a list of repositories) configured here.
        other => format!(
            "the file holds {}, not an object with `services`",
            noun(other)
        ),
    };
    output.diagnostics.push(doc.invalid(
        "",
        format!("this is not a {}: {problem}", format_name(FORMAT)),
        EXPORT_HELP,
    ));
    None
}

/// The allow-listed fields: status, escalation policy and team names, and the web URL.
fn attributes(service: &Map<String, Value>) -> Map<String, Value> {
    let mut attributes = Map::new();
    if let Some(status) = text(service, "status") {
        attributes.insert("status".to_owned(), Value::from(status));
    }
    if let Some(policy) = service
        .get("escalation_policy")
        .and_then(Value::as_object)
        .and_then(reference_name)
    {
        attributes.insert("escalationPolicy".to_owned(), Value::from(policy));
    }
    if let Some(Value::Array(teams)) = service.get("teams") {
        let names: Vec<Value> = teams
            .iter()
            .filter_map(Value::as_object)
            .filter_map(reference_name)
            .map(Value::from)
            .collect();
        attributes.insert("teams".to_owned(), Value::Array(names));
    }
    if let Some(url) = text(service, "html_url") {
        attributes.insert("url".to_owned(), Value::from(url));
    }
    attributes
}

/// The display name of a PagerDuty reference object: `summary`, or `name` when expanded.
fn reference_name(reference: &Map<String, Value>) -> Option<&str> {
    text(reference, "summary").or_else(|| text(reference, "name"))
}
