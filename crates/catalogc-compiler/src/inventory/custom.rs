//! Custom inventories: a YAML or JSON list of `{type, id, name, attributes}` (or a mapping
//! with that list under `resources`), keyed `<integration name>:<id>`.
//!
//! This format is written by hand or by an organisation's own export scripts, so nothing is
//! known about what `attributes` hold. Only flat, non-sensitive values are kept: scalars and
//! lists of scalars, minus keys that name credentials or personal data and minus any value
//! that contains an e-mail address (or a URL carrying `user@`).

use catalogc_diagnostics::quote;
use catalogc_model::IntegrationType;
use serde_json::{Map, Value};

use super::{Context, Doc, Output, SnapshotFile, child, format_name, item, noun, text, valid_id};

const FORMAT: IntegrationType = IntegrationType::Custom;
const FORMAT_HELP: &str = "write a list of `{type, id, name, attributes}` entries, e.g. `- {type: datadog-monitor, id: \"1234\", name: Billing latency}`";

/// Words that mark an attribute key as sensitive, compared against the key lowercased with
/// everything but letters and digits removed (so `api_key`, `apiKey` and `API-Key` all match
/// `apikey`). Keys ending in `key`/`keys`/`pass` are sensitive too ([`sensitive_key`]).
const SENSITIVE_KEY_WORDS: [&str; 12] = [
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "accesskey",
    "private",
    "email",
    "authorization",
    "cookie",
    "phone",
];

pub(super) fn parse(files: &[SnapshotFile], context: &Context<'_>, output: &mut Output) {
    for doc in Doc::all(files) {
        let Some((base, entries)) = entries(doc, output) else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let pointer = item(base, i);
            if let Some(resource) = read_entry(doc, &pointer, entry, context, output) {
                output.resources.push(resource);
            }
        }
    }
}

/// The entry list of a document and its pointer.
fn entries<'a>(doc: Doc<'a>, output: &mut Output) -> Option<(&'static str, &'a Vec<Value>)> {
    let found = match doc.root() {
        Value::Array(entries) => return Some(("", entries)),
        Value::Object(root) => match root.get("resources") {
            Some(Value::Array(entries)) => return Some(("/resources", entries)),
            Some(other) => {
                output.diagnostics.push(doc.invalid(
                    "/resources",
                    format!(
                        "this is not a {}: `resources` is {}, not a list",
                        format_name(FORMAT),
                        noun(other)
                    ),
                    FORMAT_HELP,
                ));
                return None;
            }
            None => "a mapping without `resources`".to_owned(),
        },
        other => noun(other).to_owned(),
    };
    output.diagnostics.push(doc.invalid(
        "",
        format!(
            "this is not a {}: the file holds {found}",
            format_name(FORMAT)
        ),
        FORMAT_HELP,
    ));
    None
}

fn read_entry(
    doc: Doc<'_>,
    pointer: &str,
    entry: &Value,
    context: &Context<'_>,
    output: &mut Output,
) -> Option<crate::resources::Resource> {
    let Value::Object(map) = entry else {
        output.diagnostics.push(doc.invalid(
            pointer,
            format!(
                "this custom inventory entry is {}, not a mapping",
                noun(entry)
            ),
            FORMAT_HELP,
        ));
        return None;
    };
    let Some(resource_type) = text(map, "type") else {
        output.diagnostics.push(missing(doc, pointer, map, "type"));
        return None;
    };
    // Ids are often numeric (Datadog monitors, Jira projects): integers are read as text.
    let id = match map.get("id") {
        Some(Value::String(id)) if valid_id(id) => id.clone(),
        Some(Value::Number(number)) if number.is_i64() || number.is_u64() => number.to_string(),
        Some(Value::String(id)) => {
            output.diagnostics.push(doc.invalid(
                &child(pointer, "id"),
                format!(
                    "the id {} cannot be part of a resource key: it is empty or holds whitespace",
                    quote(id)
                ),
                "ids are the part of the key after `:`; use one without spaces",
            ));
            return None;
        }
        _ => {
            output.diagnostics.push(missing(doc, pointer, map, "id"));
            return None;
        }
    };
    // A display name that is an e-mail address is personal data: show the id instead.
    let name = text(map, "name")
        .filter(|name| !contains_email(name))
        .map_or_else(|| id.clone(), str::to_owned);
    let attributes = match map.get("attributes") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(attributes)) => allowed_attributes(attributes),
        Some(other) => {
            output.diagnostics.push(doc.invalid(
                &child(pointer, "attributes"),
                format!("`attributes` is {}, not a mapping", noun(other)),
                FORMAT_HELP,
            ));
            Map::new()
        }
    };
    Some(doc.resource(context, resource_type, id, name, attributes, pointer))
}

/// The finding for an entry without `field`: at the field when it has the wrong type, else at
/// the entry.
fn missing(
    doc: Doc<'_>,
    pointer: &str,
    map: &Map<String, Value>,
    field: &str,
) -> catalogc_diagnostics::Diagnostic {
    match map.get(field) {
        Some(other) => doc.invalid(
            &child(pointer, field),
            format!("`{field}` is {}, not a non-empty string", noun(other)),
            FORMAT_HELP,
        ),
        None => doc.invalid(
            pointer,
            format!(
                "this is not a {}: this entry has no `{field}`",
                format_name(FORMAT)
            ),
            FORMAT_HELP,
        ),
    }
}

/// Scalars and lists of scalars under non-sensitive keys, without e-mail addresses.
pub(crate) fn allowed_attributes(attributes: &Map<String, Value>) -> Map<String, Value> {
    let mut allowed = Map::new();
    for (key, value) in attributes {
        if sensitive_key(key) {
            continue;
        }
        let kept = match value {
            Value::Bool(_) | Value::Number(_) => value.clone(),
            Value::String(text) if !contains_email(text) => value.clone(),
            Value::Array(items) if items.iter().all(is_scalar) => Value::Array(
                items
                    .iter()
                    .filter(|item| !item.as_str().is_some_and(contains_email))
                    .cloned()
                    .collect(),
            ),
            _ => continue,
        };
        allowed.insert(key.clone(), kept);
    }
    allowed
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::Bool(_) | Value::Number(_) | Value::String(_))
}

pub(crate) fn sensitive_key(key: &str) -> bool {
    let normalized: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // `appKey`, `signingKey`, `licenseKey`, `db_pass`: a key (or pass) named after what it
    // unlocks is a credential. Dropping the odd harmless `sortKey` is the safe mistake.
    SENSITIVE_KEY_WORDS
        .iter()
        .any(|word| normalized.contains(word))
        || ["key", "keys", "pass"]
            .iter()
            .any(|suffix| normalized.ends_with(suffix))
}

/// Whether `text` contains something shaped like an e-mail address, `local@domain.tld`
/// (which also catches `scheme://user:password@host.tld` URLs).
pub(crate) fn contains_email(text: &str) -> bool {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-:".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    bytes.iter().enumerate().any(|(at, &b)| {
        if b != b'@' || at == 0 || !local(bytes[at - 1]) {
            return false;
        }
        let host: Vec<u8> = bytes[at + 1..]
            .iter()
            .copied()
            .take_while(|&b| domain(b))
            .collect();
        let host = String::from_utf8_lossy(&host);
        let host = host.trim_end_matches('.');
        match host.rsplit_once('.') {
            Some((name, tld)) => {
                !name.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_recognised() {
        for email in [
            "jane@acme.com",
            "Owner: Jane Doe <jane.doe+ops@mail.acme.co.uk>",
            "https://svc:hunter2@grafana.acme.io/d/x",
        ] {
            assert!(contains_email(email), "{email}");
        }
        for other in [
            "@acme",
            "billing",
            "a@b",
            "team@",
            "v1.2@3",
            "@here in #ops",
        ] {
            assert!(!contains_email(other), "{other}");
        }
    }

    #[test]
    fn sensitive_keys_are_recognised() {
        for key in [
            "api_key",
            "apiKey",
            "API-Key",
            "owner_email",
            "slackToken",
            "client_secret",
            "db.password",
            "private",
            "credentials",
            "appKey",
            "signing_key",
            "key",
            "db_pass",
        ] {
            assert!(sensitive_key(key), "{key}");
        }
        for key in [
            "priority",
            "tags",
            "query",
            "environment",
            "team",
            "keyword",
        ] {
            assert!(!sensitive_key(key), "{key}");
        }
    }
}
