//! Kong Mesh / Kuma: `MeshService` and `Dataplane` resources, in universal form (`type:`,
//! `mesh:`, `name:`) or Kubernetes form (`apiVersion: kuma.io/v1alpha1`, `kind:`,
//! `metadata:`), one or many per file, also as lists (`kubectl get -o yaml` writes
//! `kind: List` with `items`, `kumactl get -o yaml` writes `items`). One `mesh-service`
//! resource per (mesh, service): a `MeshService` defines one, and each `Dataplane` contributes
//! the services its inbounds are tagged with (`kuma.io/service`), so meshes that predate
//! `MeshService` still list their services. Other Kuma and Kubernetes kinds (policies,
//! `Mesh`, `Deployment`, …) are skipped: a directory of manifests may hold them.

use std::collections::{BTreeSet, HashMap};

use catalogc_diagnostics::quote;
use catalogc_model::IntegrationType;
use serde_json::{Map, Value};

use super::{Context, Doc, Output, SnapshotFile, child, duplicate, item, noun, text, valid_id};
use crate::resources::Resource;

const FORMAT: IntegrationType = IntegrationType::Mesh;
const EXPORT_HELP: &str = "export with `kumactl get meshservices -o yaml` and `kumactl get dataplanes -o yaml` (or `kubectl get meshservices,dataplanes -A -o yaml`)";
/// The tag naming the service of a dataplane inbound.
const SERVICE_TAG: &str = "kuma.io/service";
const PROTOCOL_TAG: &str = "kuma.io/protocol";
/// The mesh Kuma assigns on Kubernetes when a resource names none.
const DEFAULT_MESH: &str = "default";

/// Where a service was declared: a document and the pointer of its entry.
#[derive(Clone, Copy)]
struct Location<'a, 'p> {
    doc: Doc<'a>,
    pointer: &'p str,
}

/// A service being assembled from its `MeshService` and its dataplanes.
struct Entry<'a> {
    mesh: String,
    name: String,
    /// The `MeshService` defining it, if any.
    defined: Option<(Doc<'a>, String)>,
    /// The first dataplane inbound naming it.
    first_inbound: Option<(Doc<'a>, String)>,
    dataplanes: usize,
    service_ports: BTreeSet<u64>,
    inbound_ports: BTreeSet<u64>,
    tagged_protocol: Option<String>,
    app_protocol: Option<String>,
}

#[derive(Default)]
struct Entries<'a> {
    list: Vec<Entry<'a>>,
    index: HashMap<(String, String), usize>,
}

impl<'a> Entries<'a> {
    fn get(&mut self, mesh: &str, name: &str) -> &mut Entry<'a> {
        let key = (mesh.to_owned(), name.to_owned());
        let position = *self.index.entry(key).or_insert(self.list.len());
        if position == self.list.len() {
            self.list.push(Entry {
                mesh: mesh.to_owned(),
                name: name.to_owned(),
                defined: None,
                first_inbound: None,
                dataplanes: 0,
                service_ports: BTreeSet::new(),
                inbound_ports: BTreeSet::new(),
                tagged_protocol: None,
                app_protocol: None,
            });
        }
        &mut self.list[position]
    }
}

pub(super) fn parse(files: &[SnapshotFile], context: &Context<'_>, output: &mut Output) {
    let mut entries = Entries::default();
    for doc in Doc::all(files) {
        let Value::Object(root) = doc.root() else {
            output.diagnostics.push(doc.invalid(
                "",
                format!(
                    "this is not a Kong Mesh / Kuma resource: the document is {}, not a mapping",
                    noun(doc.root())
                ),
                EXPORT_HELP,
            ));
            continue;
        };
        let is_list = root.get("kind").and_then(Value::as_str) == Some("List")
            || (!root.contains_key("type") && !root.contains_key("kind"));
        match root.get("items") {
            Some(Value::Array(items)) if is_list => {
                for (i, entry) in items.iter().enumerate() {
                    let pointer = item("/items", i);
                    let location = Location {
                        doc,
                        pointer: &pointer,
                    };
                    match entry {
                        Value::Object(map) => resource(location, map, &mut entries, context, output),
                        other => output.diagnostics.push(doc.invalid(
                            &pointer,
                            format!(
                                "this is not a Kong Mesh / Kuma resource: this list item is {}, not a mapping",
                                noun(other)
                            ),
                            EXPORT_HELP,
                        )),
                    }
                }
            }
            _ => resource(
                Location { doc, pointer: "" },
                root,
                &mut entries,
                context,
                output,
            ),
        }
    }
    for entry in entries.list {
        let (kind, (doc, pointer)) = match (entry.defined, entry.first_inbound) {
            (Some(defined), _) => ("MeshService", defined),
            (None, Some(inbound)) => ("Dataplane", inbound),
            // Entries are only created with one of the two.
            (None, None) => continue,
        };
        let ports = if entry.service_ports.is_empty() {
            entry.inbound_ports
        } else {
            entry.service_ports
        };
        let mut attributes = Map::new();
        attributes.insert("mesh".to_owned(), Value::from(entry.mesh.as_str()));
        attributes.insert("kind".to_owned(), Value::from(kind));
        attributes.insert("dataplanes".to_owned(), Value::from(entry.dataplanes));
        attributes.insert("ports".to_owned(), ports.into_iter().collect());
        if let Some(protocol) = entry.tagged_protocol.or(entry.app_protocol) {
            attributes.insert("protocol".to_owned(), Value::from(protocol));
        }
        let id = format!("{}/{}", entry.mesh, entry.name);
        output.resources.push(doc.resource(
            context,
            "mesh-service",
            id,
            entry.name,
            attributes,
            &pointer,
        ));
    }
}

/// The identity of one Kuma resource, in either form.
struct Identity<'m> {
    kind: &'m str,
    mesh: &'m str,
    name: &'m str,
    /// What holds `ports` / `networking`: the `spec` (MeshService, Kubernetes Dataplane) or
    /// the resource itself (universal Dataplane).
    body: Option<&'m Map<String, Value>>,
    body_pointer: String,
}

fn resource<'a>(
    location: Location<'a, '_>,
    map: &Map<String, Value>,
    entries: &mut Entries<'a>,
    context: &Context<'_>,
    output: &mut Output,
) {
    let Some(identity) = identify(location, map, output) else {
        return;
    };
    match identity.kind {
        "MeshService" => mesh_service(location, &identity, entries, context, output),
        "Dataplane" => dataplane(location, &identity, entries, output),
        _ => {}
    }
}

/// Reads kind, mesh and name; `None` for kinds other than `MeshService` and `Dataplane`, and
/// (reported) for resources missing what identifies them.
fn identify<'m>(
    location: Location<'_, '_>,
    map: &'m Map<String, Value>,
    output: &mut Output,
) -> Option<Identity<'m>> {
    let Location { doc, pointer } = location;
    let missing = |what: &str, at: &str, output: &mut Output| {
        output.diagnostics.push(doc.invalid(
            at,
            format!("this is not a complete Kong Mesh / Kuma resource: {what} is missing"),
            EXPORT_HELP,
        ));
    };
    if let Some(kind) = text(map, "type") {
        // Universal form.
        if !matches!(kind, "MeshService" | "Dataplane") {
            return None;
        }
        let Some(name) = text(map, "name") else {
            missing(&format!("the {kind}'s `name`"), pointer, output);
            return None;
        };
        let Some(mesh) = text(map, "mesh") else {
            missing(&format!("the {kind}'s `mesh`"), pointer, output);
            return None;
        };
        let body = if kind == "MeshService" {
            map.get("spec").and_then(Value::as_object)
        } else {
            Some(map)
        };
        let body_pointer = if kind == "MeshService" {
            child(pointer, "spec")
        } else {
            pointer.to_owned()
        };
        return Some(Identity {
            kind,
            mesh: checked_mesh(doc, map, pointer, mesh, output)?,
            name,
            body,
            body_pointer,
        });
    }
    if let Some(kind) = text(map, "kind") {
        // Kubernetes form: only Kuma's own API group is ours.
        let ours = text(map, "apiVersion").is_some_and(|api| api.starts_with("kuma.io/"));
        if !ours || !matches!(kind, "MeshService" | "Dataplane") {
            return None;
        }
        let metadata = map.get("metadata").and_then(Value::as_object);
        let Some(name) = metadata.and_then(|metadata| text(metadata, "name")) else {
            let at = if metadata.is_some() {
                child(pointer, "metadata")
            } else {
                pointer.to_owned()
            };
            missing(&format!("the {kind}'s `metadata.name`"), &at, output);
            return None;
        };
        let labelled = metadata
            .and_then(|metadata| metadata.get("labels"))
            .and_then(Value::as_object)
            .and_then(|labels| text(labels, "kuma.io/mesh"));
        let mesh = text(map, "mesh").or(labelled).unwrap_or(DEFAULT_MESH);
        return Some(Identity {
            kind,
            mesh: checked_mesh(doc, map, pointer, mesh, output)?,
            name,
            body: map.get("spec").and_then(Value::as_object),
            body_pointer: child(pointer, "spec"),
        });
    }
    output.diagnostics.push(doc.invalid(
        pointer,
        "this is not a Kong Mesh / Kuma resource: it has neither `type` (universal form) nor `apiVersion` and `kind` (Kubernetes form)",
        EXPORT_HELP,
    ));
    None
}

/// The mesh name, unless it cannot be part of a key (reported at `mesh`, else the resource).
fn checked_mesh<'m>(
    doc: Doc<'_>,
    map: &Map<String, Value>,
    pointer: &str,
    mesh: &'m str,
    output: &mut Output,
) -> Option<&'m str> {
    if valid_id(mesh) && !mesh.contains('/') {
        return Some(mesh);
    }
    let at = if map.contains_key("mesh") {
        child(pointer, "mesh")
    } else {
        pointer.to_owned()
    };
    output.diagnostics.push(doc.invalid(
        &at,
        format!(
            "the mesh name {} cannot be part of a resource key: it holds whitespace or `/`",
            quote(mesh)
        ),
        "Kuma mesh names are lowercase letters, digits and `-`",
    ));
    None
}

fn mesh_service<'a>(
    location: Location<'a, '_>,
    identity: &Identity<'_>,
    entries: &mut Entries<'a>,
    context: &Context<'_>,
    output: &mut Output,
) {
    let Location { doc, pointer } = location;
    if !valid_id(identity.name) {
        output.diagnostics.push(doc.invalid(
            pointer,
            format!(
                "the MeshService name {} cannot be part of a resource key: it holds whitespace",
                quote(identity.name)
            ),
            EXPORT_HELP,
        ));
        return;
    }
    let entry = entries.get(identity.mesh, identity.name);
    if let Some((first, first_pointer)) = &entry.defined {
        let key = Resource::key_of(
            context.prefix,
            &format!("{}/{}", identity.mesh, identity.name),
        );
        output.diagnostics.push(duplicate(
            &key,
            FORMAT,
            doc.file,
            doc.span(pointer),
            first.file,
            first.span(first_pointer),
        ));
        return;
    }
    entry.defined = Some((doc, pointer.to_owned()));
    if let Some(Value::Array(ports)) = identity.body.and_then(|body| body.get("ports")) {
        for port in ports.iter().filter_map(Value::as_object) {
            if let Some(number) = port.get("port").and_then(Value::as_u64) {
                entry.service_ports.insert(number);
            }
            if entry.app_protocol.is_none()
                && let Some(protocol) = text(port, "appProtocol")
            {
                entry.app_protocol = Some(protocol.to_owned());
            }
        }
    }
}

/// On Kubernetes, Kuma tags inbounds `<service>_<namespace>_svc_<port>`; the service is the
/// first part, the name its `MeshService` carries. Other tags are service names as they are.
fn kubernetes_service(tag: &str) -> &str {
    let parts: Vec<&str> = tag.split('_').collect();
    match parts.as_slice() {
        [service, namespace, "svc", port]
            if !service.is_empty()
                && !namespace.is_empty()
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            service
        }
        _ => tag,
    }
}

fn dataplane<'a>(
    location: Location<'a, '_>,
    identity: &Identity<'_>,
    entries: &mut Entries<'a>,
    output: &mut Output,
) {
    let Location { doc, pointer } = location;
    let Some(networking) = identity
        .body
        .and_then(|body| body.get("networking"))
        .and_then(Value::as_object)
    else {
        output.diagnostics.push(doc.invalid(
            pointer,
            "this is not a complete Kong Mesh / Kuma resource: the Dataplane has no `networking`",
            EXPORT_HELP,
        ));
        return;
    };
    let networking_pointer = child(&identity.body_pointer, "networking");
    // (pointer of the tagged entry, its tags, its port)
    let mut tagged: Vec<(String, &Map<String, Value>, Option<u64>)> = Vec::new();
    if let Some(Value::Array(inbounds)) = networking.get("inbound") {
        for (i, inbound) in inbounds.iter().enumerate() {
            let Some(inbound) = inbound.as_object() else {
                continue;
            };
            if let Some(tags) = inbound.get("tags").and_then(Value::as_object) {
                let at = item(&child(&networking_pointer, "inbound"), i);
                tagged.push((at, tags, inbound.get("port").and_then(Value::as_u64)));
            }
        }
    }
    // Gateway dataplanes (builtin or delegated) name their service on `gateway.tags`.
    if let Some(tags) = networking
        .get("gateway")
        .and_then(Value::as_object)
        .and_then(|gateway| gateway.get("tags"))
        .and_then(Value::as_object)
    {
        tagged.push((child(&networking_pointer, "gateway"), tags, None));
    }
    let mut counted = BTreeSet::new();
    for (at, tags, port) in tagged {
        // Inbounds without the tag (newer Kuma naming modes) name no service.
        let Some(service) = text(tags, SERVICE_TAG).map(kubernetes_service) else {
            continue;
        };
        if !valid_id(service) {
            output.diagnostics.push(doc.invalid(
                &child(&child(&at, "tags"), SERVICE_TAG),
                format!(
                    "the service name {} cannot be part of a resource key: it holds whitespace",
                    quote(service)
                ),
                EXPORT_HELP,
            ));
            continue;
        }
        let entry = entries.get(identity.mesh, service);
        if counted.insert(service) {
            entry.dataplanes += 1;
        }
        if entry.first_inbound.is_none() {
            entry.first_inbound = Some((doc, at));
        }
        if let Some(port) = port {
            entry.inbound_ports.insert(port);
        }
        if entry.tagged_protocol.is_none()
            && let Some(protocol) = text(tags, PROTOCOL_TAG)
        {
            entry.tagged_protocol = Some(protocol.to_owned());
        }
    }
}

#[cfg(test)]
mod kubernetes_tests {
    use super::kubernetes_service;

    #[test]
    fn kubernetes_service_tags_name_their_service() {
        assert_eq!(kubernetes_service("orders_shop_svc_8080"), "orders");
        assert_eq!(kubernetes_service("orders"), "orders");
        assert_eq!(
            kubernetes_service("orders_shop_svc_http"),
            "orders_shop_svc_http"
        );
    }
}
