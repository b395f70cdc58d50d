//! Kong Gateway: a decK declarative configuration (`deck gateway dump`, formats 1.1 to 3.0)
//! becomes one `gateway-service` resource per service, keyed
//! `gateway:<control-plane>/<service-name>`.
//!
//! Only `services` identify resources. Routes and plugins are read for the allow-listed
//! summary (route matchers, plugin names and categories); `consumers`, credentials,
//! certificates, vaults and every plugin `config` are never looked at, so nothing secret can
//! leak into the bundle however the export is shaped.

use std::collections::{BTreeSet, HashMap};

use catalogc_diagnostics::{Diagnostic, quote};
use serde_json::{Map, Value};

use super::{
    Context, Doc, Output, SnapshotFile, child, item, noun, plugins, strings, text, valid_id,
};

/// The fields of services, routes and plugins (two levels or more below the root) the
/// reader looks at; the loader skips the others (see `StructureLimits::keep_fields`), such
/// as plugin configurations, consumer credentials and certificates.
pub(super) const FIELDS: &[&str] = &[
    "enabled",
    "host",
    "hosts",
    "id",
    "methods",
    "name",
    "path",
    "paths",
    "plugins",
    "port",
    "protocol",
    "protocols",
    "route",
    "routes",
    "service",
    "tags",
    "url",
];

const EXPORT_HELP: &str =
    "export the control plane with `deck gateway dump` and commit the file unmodified";

/// One decK document with its control plane.
struct Deck<'a> {
    doc: Doc<'a>,
    root: &'a Map<String, Value>,
    control_plane: String,
}

/// A service being assembled from its own entry and the routes and plugins that refer to it.
struct Service<'a> {
    doc: Doc<'a>,
    pointer: String,
    control_plane: String,
    name: String,
    attributes: Map<String, Value>,
    routes: Vec<Value>,
    plugins: BTreeSet<String>,
}

/// Lookup of services and routes by `(control plane, name or id)`, for top-level entries
/// that refer to them.
#[derive(Default)]
struct Index {
    services_by_name: HashMap<(String, String), usize>,
    services_by_id: HashMap<(String, String), usize>,
    routes_by_name: HashMap<(String, String), usize>,
    routes_by_id: HashMap<(String, String), usize>,
}

pub(super) fn parse(files: &[SnapshotFile], context: &Context<'_>, output: &mut Output) {
    let mut decks = Vec::new();
    let mut reported_control_plane = false;
    for doc in Doc::all(files) {
        if let Some(deck) = header(doc, context, &mut reported_control_plane, output) {
            decks.push(deck);
        }
    }
    // decK merges several files into one state, so a top-level route in one file may name a
    // service of another: read every service before any reference.
    let mut services = Vec::new();
    let mut index = Index::default();
    for deck in &decks {
        read_services(deck, &mut services, &mut index, output);
    }
    for deck in &decks {
        read_top_level_routes(deck, &mut services, &mut index, output);
    }
    for deck in &decks {
        read_top_level_plugins(deck, &mut services, &index, output);
    }
    for service in services {
        let mut attributes = service.attributes;
        let categories: BTreeSet<&str> = service
            .plugins
            .iter()
            .flat_map(|plugin| plugins::categories(plugin).iter().copied())
            .collect();
        attributes.insert("routes".to_owned(), Value::Array(service.routes));
        attributes.insert(
            "plugins".to_owned(),
            service.plugins.into_iter().map(Value::String).collect(),
        );
        attributes.insert(
            "pluginCategories".to_owned(),
            categories.into_iter().map(Value::from).collect(),
        );
        let id = format!("{}/{}", service.control_plane, service.name);
        output.resources.push(service.doc.resource(
            context,
            "gateway-service",
            id,
            service.name,
            attributes,
            &service.pointer,
        ));
    }
}

/// Checks that a document is a decK configuration and finds its control plane.
fn header<'a>(
    doc: Doc<'a>,
    context: &Context<'_>,
    reported_control_plane: &mut bool,
    output: &mut Output,
) -> Option<Deck<'a>> {
    let Value::Object(root) = doc.root() else {
        output.diagnostics.push(doc.invalid(
            "",
            format!(
                "this is not a Kong decK declarative configuration: the file holds {}, not a mapping with `_format_version` and `services`",
                noun(doc.root())
            ),
            EXPORT_HELP,
        ));
        return None;
    };
    let Some(version) = root.get("_format_version") else {
        output.diagnostics.push(doc.invalid(
            "",
            "this is not a Kong decK declarative configuration: `_format_version` is missing",
            "decK files start with `_format_version: \"3.0\"`; export the control plane with `deck gateway dump`",
        ));
        return None;
    };
    if !supported_version(version) {
        let shown = match version {
            Value::String(text) => quote(text),
            Value::Number(number) => quote(&number.to_string()),
            other => noun(other).to_owned(),
        };
        output.diagnostics.push(doc.invalid(
            "/_format_version",
            format!("`_format_version` {shown} is not a decK format version (1.x to 3.x)"),
            "catalogc reads decK formats 1.1 to 3.0, e.g. `_format_version: \"3.0\"`",
        ));
        return None;
    }
    let konnect = root.get("_konnect").and_then(Value::as_object);
    // Older decK releases called control planes "runtime groups".
    let exported = konnect.and_then(|konnect| {
        ["control_plane_name", "runtime_group_name"]
            .into_iter()
            .find_map(|key| text(konnect, key).map(|name| (key, name)))
    });
    let usable = |name: &str| valid_id(name) && !name.contains('/');
    let control_plane = match (exported, context.name) {
        (Some((_, name)), _) if usable(name) => name,
        // The export's name cannot be part of a key (Konnect allows spaces); the
        // integration's `name` says what to call it instead.
        (_, Some(name)) => name,
        (Some((key, name)), None) => {
            output.diagnostics.push(
                doc.invalid(
                    &format!("/_konnect/{key}"),
                    format!(
                        "the control plane name {} cannot be part of a resource key: it holds whitespace or `/`",
                        quote(name)
                    ),
                    "give the integration a `name` in catalog.yaml to key its services by instead",
                ),
            );
            return None;
        }
        (None, None) => {
            if !*reported_control_plane {
                *reported_control_plane = true;
                output.diagnostics.push(context.configuration.at(
                    Diagnostic::new(
                        catalogc_diagnostics::Code::InvalidInventory,
                        format!(
                            "this gateway integration has no `name`, and {} has no `_konnect.control_plane_name`: its services cannot be keyed `gateway:<control-plane>/<service>`",
                            quote(doc.file)
                        ),
                    )
                    .with_help("add `name: <control-plane>` to the integration, e.g. `name: prod`"),
                    &context.pointer,
                ));
            }
            return None;
        }
    };
    Some(Deck {
        doc,
        root,
        control_plane: control_plane.to_owned(),
    })
}

/// Whether `_format_version` is one decK reads: `"1.1"` … `"3.0"` (YAML may also have read an
/// unquoted `3.0` as a number).
fn supported_version(version: &Value) -> bool {
    let text = match version {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return false,
    };
    let Some((major, minor)) = text.split_once('.') else {
        return false;
    };
    matches!(major, "1" | "2" | "3")
        && !minor.is_empty()
        && minor.chars().all(|c| c.is_ascii_digit())
}

fn read_services<'a>(
    deck: &Deck<'a>,
    services: &mut Vec<Service<'a>>,
    index: &mut Index,
    output: &mut Output,
) {
    let doc = deck.doc;
    let Some(entries) = list(deck, "services", output) else {
        return;
    };
    for (i, entry) in entries.iter().enumerate() {
        let pointer = item("/services", i);
        let Value::Object(map) = entry else {
            output.diagnostics.push(doc.invalid(
                &pointer,
                format!("this decK service is {}, not a mapping", noun(entry)),
                EXPORT_HELP,
            ));
            continue;
        };
        let Some(name) = identifying_name(doc, map, &pointer, output) else {
            continue;
        };
        let position = services.len();
        let cp = &deck.control_plane;
        index
            .services_by_name
            .entry((cp.clone(), name.to_owned()))
            .or_insert(position);
        if let Some(id) = text(map, "id") {
            index
                .services_by_id
                .entry((cp.clone(), id.to_owned()))
                .or_insert(position);
        }
        let mut service = Service {
            doc,
            pointer: pointer.clone(),
            control_plane: cp.clone(),
            name: name.to_owned(),
            attributes: service_attributes(cp, map),
            routes: Vec::new(),
            plugins: BTreeSet::new(),
        };
        add_plugins(map.get("plugins"), &mut service.plugins);
        if let Some(Value::Array(routes)) = map.get("routes") {
            for route in routes {
                if let Value::Object(route) = route {
                    add_route(cp, route, position, &mut service, index);
                }
            }
        }
        services.push(service);
    }
}

/// The service's `name`, reported when missing or unusable in a key.
fn identifying_name<'m>(
    doc: Doc<'_>,
    map: &'m Map<String, Value>,
    pointer: &str,
    output: &mut Output,
) -> Option<&'m str> {
    match map.get("name") {
        Some(Value::String(name)) if valid_id(name) && !name.contains('/') => Some(name),
        Some(Value::String(name)) => {
            output.diagnostics.push(doc.invalid(
                &child(pointer, "name"),
                format!(
                    "the decK service name {} cannot be part of a resource key: it is empty or holds whitespace or `/`",
                    quote(name)
                ),
                "Kong service names are letters, digits and `.-_~`; rename the service",
            ));
            None
        }
        Some(other) => {
            output.diagnostics.push(doc.invalid(
                &child(pointer, "name"),
                format!(
                    "the `name` of this decK service is {}, not a string",
                    noun(other)
                ),
                EXPORT_HELP,
            ));
            None
        }
        None => {
            output.diagnostics.push(doc.invalid(
                pointer,
                "this is not a complete Kong decK declarative configuration: this service has no `name`",
                "catalogc keys gateway services by name (`gateway:<control-plane>/<name>`); name the service in Kong and export again",
            ));
            None
        }
    }
}

/// The allow-listed fields of a service entry.
fn service_attributes(control_plane: &str, map: &Map<String, Value>) -> Map<String, Value> {
    let mut attributes = Map::new();
    attributes.insert("controlPlane".to_owned(), Value::from(control_plane));
    for (key, value) in [
        ("host", text(map, "host").map(Value::from)),
        ("port", port(map.get("port"))),
        ("protocol", text(map, "protocol").map(Value::from)),
        ("path", text(map, "path").map(Value::from)),
        (
            "enabled",
            map.get("enabled").filter(|v| v.is_boolean()).cloned(),
        ),
    ] {
        if let Some(value) = value {
            attributes.insert(key.to_owned(), value);
        }
    }
    // Hand-written decK files may give `url:` instead of its parts; dumps never do.
    if let Some(url) = text(map, "url").and_then(split_url) {
        for (key, value) in [
            ("protocol", Some(Value::from(url.protocol))),
            ("host", Some(Value::from(url.host))),
            ("port", url.port.map(Value::from)),
            ("path", url.path.map(Value::from)),
        ] {
            if let Some(value) = value
                && !attributes.contains_key(key)
            {
                attributes.insert(key.to_owned(), value);
            }
        }
    }
    let tags = strings(map.get("tags"));
    if !tags.is_empty() {
        attributes.insert("tags".to_owned(), Value::Array(tags));
    }
    attributes
}

fn port(value: Option<&Value>) -> Option<Value> {
    value
        .and_then(Value::as_u64)
        .filter(|port| *port <= u64::from(u16::MAX))
        .map(Value::from)
}

/// The parts of a service `url`, without any `user:password@` it may hold.
struct UrlParts {
    protocol: String,
    host: String,
    port: Option<u64>,
    path: Option<String>,
}

fn split_url(url: &str) -> Option<UrlParts> {
    let (protocol, rest) = url.split_once("://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], Some(&rest[at..])),
        None => (rest, None),
    };
    // Credentials in a URL are still credentials: keep only what follows the last `@`.
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if protocol.is_empty() || host.is_empty() {
        return None;
    }
    Some(UrlParts {
        protocol: protocol.to_ascii_lowercase(),
        host: host.to_owned(),
        port: port
            .and_then(|port| port.parse::<u16>().ok())
            .map(u64::from),
        path: path.filter(|path| *path != "/").map(str::to_owned),
    })
}

/// Records a route of `service`: its matchers, its plugins, and its name and id so that
/// top-level plugins can find the service through it.
fn add_route(
    control_plane: &str,
    route: &Map<String, Value>,
    position: usize,
    service: &mut Service<'_>,
    index: &mut Index,
) {
    let mut summary = Map::new();
    if let Some(name) = text(route, "name") {
        summary.insert("name".to_owned(), Value::from(name));
        index
            .routes_by_name
            .entry((control_plane.to_owned(), name.to_owned()))
            .or_insert(position);
    }
    if let Some(id) = text(route, "id") {
        index
            .routes_by_id
            .entry((control_plane.to_owned(), id.to_owned()))
            .or_insert(position);
    }
    for key in ["paths", "hosts", "methods", "protocols"] {
        let values = strings(route.get(key));
        if !values.is_empty() {
            summary.insert(key.to_owned(), Value::Array(values));
        }
    }
    service.routes.push(Value::Object(summary));
    add_plugins(route.get("plugins"), &mut service.plugins);
}

/// Adds the names of enabled plugins of a `plugins` list; their `config` is never read.
fn add_plugins(list: Option<&Value>, names: &mut BTreeSet<String>) {
    let Some(Value::Array(entries)) = list else {
        return;
    };
    for entry in entries {
        if let Some(name) = enabled_plugin(entry) {
            names.insert(name.to_owned());
        }
    }
}

/// The name of a plugin entry, unless it is disabled: a disabled `key-auth` authenticates
/// nobody, and scorecards must not count it.
fn enabled_plugin(entry: &Value) -> Option<&str> {
    let map = entry.as_object()?;
    if map.get("enabled") == Some(&Value::Bool(false)) {
        return None;
    }
    text(map, "name")
}

/// A top-level list (`services`, `routes`, `plugins`); absent is empty, anything but a list
/// is reported.
fn list<'a>(deck: &Deck<'a>, key: &str, output: &mut Output) -> Option<&'a Vec<Value>> {
    match deck.root.get(key)? {
        Value::Array(entries) => Some(entries),
        other => {
            output.diagnostics.push(deck.doc.invalid(
                &child("", key),
                format!(
                    "this is not a Kong decK declarative configuration: `{key}` is {}, not a list",
                    noun(other)
                ),
                EXPORT_HELP,
            ));
            None
        }
    }
}

/// How a top-level entry refers to a service or route: decK writes `service: <name or id>`
/// for plugins and `service: {name: …}` or `{id: …}` for routes; both are accepted for both.
enum Reference<'v> {
    NameOrId(&'v str),
    Name(&'v str),
    Id(&'v str),
}

impl<'v> Reference<'v> {
    fn of(value: &'v Value) -> Option<Reference<'v>> {
        match value {
            Value::String(text) if !text.is_empty() => Some(Reference::NameOrId(text)),
            Value::Object(map) => text(map, "name")
                .map(Reference::Name)
                .or_else(|| text(map, "id").map(Reference::Id)),
            _ => None,
        }
    }

    fn shown(&self) -> String {
        match self {
            Reference::NameOrId(text) | Reference::Name(text) | Reference::Id(text) => quote(text),
        }
    }

    fn find(
        &self,
        control_plane: &str,
        by_name: &HashMap<(String, String), usize>,
        by_id: &HashMap<(String, String), usize>,
    ) -> Option<usize> {
        let key = |text: &str| (control_plane.to_owned(), text.to_owned());
        match self {
            Reference::NameOrId(text) => by_name
                .get(&key(text))
                .or_else(|| by_id.get(&key(text)))
                .copied(),
            Reference::Name(text) => by_name.get(&key(text)).copied(),
            Reference::Id(text) => by_id.get(&key(text)).copied(),
        }
    }
}

/// Resolves the `field` (`service` or `route`) reference of a top-level entry; unresolvable
/// references are reported at the field.
fn resolve(
    deck: &Deck<'_>,
    pointer: &str,
    field: &str,
    value: &Value,
    by_name: &HashMap<(String, String), usize>,
    by_id: &HashMap<(String, String), usize>,
    output: &mut Output,
) -> Option<usize> {
    let at = child(pointer, field);
    let Some(reference) = Reference::of(value) else {
        output.diagnostics.push(deck.doc.invalid(
            &at,
            format!(
                "`{field}` is {}, not a {field} name or id (`{field}: <name>` or `{field}: {{name: <name>}}`)",
                noun(value)
            ),
            EXPORT_HELP,
        ));
        return None;
    };
    let found = reference.find(&deck.control_plane, by_name, by_id);
    if found.is_none() {
        output.diagnostics.push(deck.doc.invalid(
            &at,
            format!(
                "this refers to the {field} {}, which is not in this decK configuration",
                reference.shown()
            ),
            &format!("add the {field} to the export, or fix the reference"),
        ));
    }
    found
}

/// The position recorded for routes that belong to no service.
const NO_SERVICE: usize = usize::MAX;

fn read_top_level_routes(
    deck: &Deck<'_>,
    services: &mut [Service<'_>],
    index: &mut Index,
    output: &mut Output,
) {
    let Some(routes) = list(deck, "routes", output) else {
        return;
    };
    for (i, route) in routes.iter().enumerate() {
        let pointer = item("/routes", i);
        let Some(route) = route.as_object() else {
            continue;
        };
        // A route without `service` is legal in Kong (e.g. one that only terminates
        // requests); it belongs to no service resource, but plugins may still name it.
        let Some(reference) = route.get("service") else {
            for (field, by) in [
                ("name", &mut index.routes_by_name),
                ("id", &mut index.routes_by_id),
            ] {
                if let Some(value) = text(route, field) {
                    by.entry((deck.control_plane.to_owned(), value.to_owned()))
                        .or_insert(NO_SERVICE);
                }
            }
            continue;
        };
        let Some(position) = resolve(
            deck,
            &pointer,
            "service",
            reference,
            &index.services_by_name,
            &index.services_by_id,
            output,
        ) else {
            continue;
        };
        if let Some(service) = services.get_mut(position) {
            add_route(&deck.control_plane, route, position, service, index);
        }
    }
}

fn read_top_level_plugins(
    deck: &Deck<'_>,
    services: &mut [Service<'_>],
    index: &Index,
    output: &mut Output,
) {
    let Some(plugins) = list(deck, "plugins", output) else {
        return;
    };
    for (i, plugin) in plugins.iter().enumerate() {
        let pointer = item("/plugins", i);
        let (Some(map), Some(name)) = (plugin.as_object(), enabled_plugin(plugin)) else {
            continue;
        };
        // Global and consumer-only plugins attach to no service.
        let position = if let Some(reference) = map.get("service") {
            resolve(
                deck,
                &pointer,
                "service",
                reference,
                &index.services_by_name,
                &index.services_by_id,
                output,
            )
        } else if let Some(reference) = map.get("route") {
            resolve(
                deck,
                &pointer,
                "route",
                reference,
                &index.routes_by_name,
                &index.routes_by_id,
                output,
            )
        } else {
            None
        };
        if let Some(service) = position.and_then(|position| services.get_mut(position)) {
            service.plugins.insert(name.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_without_credentials() {
        let url = split_url("https://svc:hunter2@billing.internal:8443/v1?x=1").expect("url");
        assert_eq!(url.protocol, "https");
        assert_eq!(url.host, "billing.internal");
        assert_eq!(url.port, Some(8443));
        assert_eq!(url.path.as_deref(), Some("/v1"));
        let url = split_url("http://[::1]:80").expect("ipv6");
        assert_eq!((url.host.as_str(), url.port), ("::1", Some(80)));
        assert!(split_url("billing.internal").is_none());
    }

    #[test]
    fn format_versions() {
        for good in ["1.1", "2.1", "3.0"] {
            assert!(supported_version(&Value::from(good)), "{good}");
        }
        assert!(supported_version(&serde_json::json!(3.0)));
        for bad in ["4.0", "0.9", "3", "3.x", ""] {
            assert!(!supported_version(&Value::from(bad)), "{bad}");
        }
        assert!(!supported_version(&Value::Bool(true)));
    }
}
