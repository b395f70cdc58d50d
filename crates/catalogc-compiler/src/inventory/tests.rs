//! Inventory parsers on realistic exports (fixtures in `testdata/`), their malformed variants,
//! and path handling. Fixtures are copied into a temporary catalog root with a `catalog.yaml`
//! listing the integrations, then loaded through [`load_all`] exactly as the compiler does.

use std::path::{Path, PathBuf};

use catalogc_diagnostics::{Code, Diagnostic, SourceText};
use serde_json::{Value, json};

use super::*;
use crate::discover;

/// A temporary catalog root.
struct TestCatalog {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/inventory/testdata")
        .join(relative)
}

fn fixture_text(relative: &str) -> String {
    std::fs::read_to_string(fixture_path(relative)).expect("fixture")
}

/// The texts of every file below `dir`.
fn texts_below(dir: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixture directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            texts.extend(texts_below(&path));
        } else {
            texts.push(std::fs::read_to_string(&path).expect("fixture"));
        }
    }
    texts
}

fn copy_recursively(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            copy_recursively(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::copy(from, to).expect("copy");
    }
}

/// A catalog whose `catalog.yaml` lists `integrations` (flow mappings, one per line), with
/// fixtures copied to the given catalog-relative places.
fn catalog(integrations: &[&str], fixtures: &[(&str, &str)]) -> TestCatalog {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let mut text =
        String::from("apiVersion: catalogc/v1\nkind: Catalog\nname: acme\nintegrations:\n");
    for integration in integrations {
        text.push_str("  - ");
        text.push_str(integration);
        text.push('\n');
    }
    std::fs::write(root.join("catalog.yaml"), text).expect("catalog.yaml");
    for (fixture, destination) in fixtures {
        copy_recursively(&fixture_path(fixture), &root.join(destination));
    }
    TestCatalog { _dir: dir, root }
}

fn write(catalog: &TestCatalog, relative: &str, text: &str) {
    let path = catalog.root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn load_with(catalog: &TestCatalog, limits: &Limits) -> (Inventories, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let configuration =
        discover::configuration(&catalog.root, None, &mut diagnostics).expect("configuration");
    assert!(diagnostics.is_empty(), "catalog.yaml: {diagnostics:#?}");
    let inventories = load_all(&catalog.root, &configuration, limits, &mut diagnostics);
    (inventories, diagnostics)
}

fn load(catalog: &TestCatalog) -> (Inventories, Vec<Diagnostic>) {
    load_with(catalog, &Limits::default())
}

fn keys(inventories: &Inventories) -> Vec<&str> {
    inventories
        .resources
        .iter()
        .map(|r| r.key.as_str())
        .collect()
}

fn resource<'a>(inventories: &'a Inventories, key: &str) -> &'a Resource {
    inventories
        .get(key)
        .unwrap_or_else(|| panic!("no resource {key} in {:?}", keys(inventories)))
}

/// Everything a resource carries, as the bundle would serialise it, plus its debug form.
fn serialized(inventories: &Inventories) -> String {
    let mut out = String::new();
    for r in &inventories.resources {
        let value = json!({
            "key": r.key, "integration": r.integration, "type": r.resource_type,
            "id": r.id, "name": r.name, "attributes": r.attributes, "file": r.file,
        });
        out.push_str(&value.to_string());
        out.push_str(&format!("{r:?}"));
    }
    out
}

/// 1-based line of the `n`-th (0-based) occurrence of `needle` in `text`.
fn nth_line_of(text: &str, needle: &str, n: usize) -> u32 {
    let (offset, _) = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", n + 1));
    1 + text[..offset].matches('\n').count() as u32
}

fn line_of(text: &str, needle: &str) -> u32 {
    nth_line_of(text, needle, 0)
}

fn start(span: Span) -> (u32, u32) {
    (span.start.line, span.start.column)
}

/// The `invalid-inventory` findings, as (file, line, message).
fn invalid(diagnostics: &[Diagnostic]) -> Vec<(String, u32, String)> {
    diagnostics
        .iter()
        .filter(|d| d.code == Code::InvalidInventory)
        .map(|d| {
            (
                d.file.clone().unwrap_or_default(),
                d.span.map_or(0, |s| s.start.line),
                d.message.clone(),
            )
        })
        .collect()
}

/// Asserts one `invalid-inventory` finding in `file` on `line` whose message contains
/// `fragment`, and that it carries a help line.
fn assert_invalid(diagnostics: &[Diagnostic], file: &str, line: u32, fragment: &str) {
    let found = diagnostics.iter().find(|d| {
        d.code == Code::InvalidInventory
            && d.file.as_deref() == Some(file)
            && d.span.map(|s| s.start.line) == Some(line)
            && d.message.contains(fragment)
    });
    let Some(found) = found else {
        panic!(
            "no invalid-inventory at {file}:{line} containing {fragment:?}; found {:#?}",
            invalid(diagnostics)
        );
    };
    assert!(found.help.is_some(), "no help: {found:?}");
}

fn strings_of(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

const GATEWAY_FILE: &str = "integrations/gateway/prod.deck.yaml";

fn gateway_catalog() -> TestCatalog {
    catalog(
        &[&format!("{{type: gateway, path: {GATEWAY_FILE}}}")],
        &[("gateway/prod.deck.yaml", GATEWAY_FILE)],
    )
}

#[test]
fn gateway_deck_dump_becomes_one_resource_per_service() {
    let catalog = gateway_catalog();
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "gateway:prod/billing-svc",
            "gateway:prod/catalog-api",
            "gateway:prod/ledger-svc",
            "gateway:prod/legacy-soap",
            "gateway:prod/notifications",
            "gateway:prod/payments-svc",
        ]
    );
    let text = fixture_text("gateway/prod.deck.yaml");

    let billing = resource(&inventories, "gateway:prod/billing-svc");
    assert_eq!(billing.integration, "gateway");
    assert_eq!(billing.resource_type, "gateway-service");
    assert_eq!(billing.id, "prod/billing-svc");
    assert_eq!(billing.name, "billing-svc");
    assert_eq!(billing.file, GATEWAY_FILE);
    // The span is the service's mapping: it starts at its first key, after `- `.
    assert_eq!(
        start(billing.span),
        (nth_line_of(&text, "- connect_timeout", 0), 3)
    );
    assert_eq!(
        Value::Object(billing.attributes.clone()),
        json!({
            "controlPlane": "prod",
            "host": "billing.internal",
            "port": 8080,
            "protocol": "http",
            "path": "/v1",
            "enabled": true,
            "tags": ["team-billing", "tier-1"],
            "routes": [{
                "name": "billing-api",
                "paths": ["/billing"],
                "hosts": ["api.acme.com"],
                "methods": ["GET", "POST"],
                "protocols": ["https"],
            }],
            "plugins": ["key-auth", "rate-limiting"],
            "pluginCategories": ["authentication", "traffic-control"],
        })
    );

    // Route-level plugins count for their service.
    let payments = resource(&inventories, "gateway:prod/payments-svc");
    assert_eq!(
        strings_of(&payments.attributes["plugins"]),
        ["cors", "openid-connect"]
    );
    assert_eq!(
        strings_of(&payments.attributes["pluginCategories"]),
        ["authentication", "security"]
    );
    assert_eq!(
        start(payments.span).0,
        nth_line_of(&text, "- connect_timeout", 1)
    );

    // A top-level plugin naming the service by name.
    let ledger = resource(&inventories, "gateway:prod/ledger-svc");
    assert_eq!(strings_of(&ledger.attributes["plugins"]), ["http-log"]);
    assert_eq!(
        strings_of(&ledger.attributes["pluginCategories"]),
        ["logging"]
    );

    // A top-level route naming the service by id; a plugin on that route by route name; a
    // plugin naming the service by id. The global prometheus plugin does not count.
    let catalog_api = resource(&inventories, "gateway:prod/catalog-api");
    assert_eq!(
        catalog_api.attributes["routes"],
        json!([{"name": "catalog-public", "paths": ["/catalog"], "hosts": ["catalog.acme.com"],
                 "methods": ["GET"], "protocols": ["https"]}])
    );
    assert_eq!(
        strings_of(&catalog_api.attributes["plugins"]),
        ["acl", "prometheus"]
    );
    assert_eq!(
        strings_of(&catalog_api.attributes["pluginCategories"]),
        [
            "analytics-monitoring",
            "authentication",
            "logging",
            "security"
        ]
    );

    // Disabled plugins are not counted; a disabled service says so.
    let legacy = resource(&inventories, "gateway:prod/legacy-soap");
    assert_eq!(legacy.attributes["enabled"], json!(false));
    assert_eq!(
        strings_of(&legacy.attributes["plugins"]),
        ["request-termination"]
    );

    // A top-level route naming the service with `{name: …}`, carrying its own plugin.
    let notifications = resource(&inventories, "gateway:prod/notifications");
    assert_eq!(
        strings_of(&notifications.attributes["plugins"]),
        ["datadog", "ip-restriction"]
    );
    assert_eq!(
        notifications.attributes["routes"],
        json!([{"name": "notifications-webhooks", "paths": ["/hooks"], "protocols": ["https"]}])
    );

    assert_eq!(inventories.files_read, 1);
    // Of the export's text only its resources' entry lines are kept, for snippets.
    let Some(SourceText::Lines(kept)) = inventories.sources.get(GATEWAY_FILE) else {
        panic!("an excerpt of the export");
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut entries: Vec<u32> = inventories
        .resources
        .iter()
        .flat_map(|r| [r.span.start.line, r.label_span.start.line])
        .collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(kept.len(), entries.len());
    for line in entries {
        assert_eq!(kept.line(line), Some(lines[line as usize - 1]));
    }
    assert!(
        kept.len() < lines.len() / 2,
        "{} of {} lines",
        kept.len(),
        lines.len()
    );
    assert_eq!(inventories.prefixes.iter().collect::<Vec<_>>(), ["gateway"]);
}

/// Every string in the fixtures that must never reach the bundle: credentials, consumer
/// data, certificates, plugin configuration values, e-mail addresses, integration keys.
const SECRETS: &[&str] = &[
    // decK consumers and credentials.
    "kA1iceK3yAuthS3cret",
    "b0bK3yAuthS3cret",
    "Tr0ub4dor",
    "hmac-5ecret",
    "jwt-hs256-5ecret",
    "alice-jwt-issuer",
    "alice@acme.com",
    "bob.builder",
    "billing-readers",
    "4711",
    // Certificates.
    "BEGIN PRIVATE KEY",
    "MIIEvgIBADAN",
    "BEGIN CERTIFICATE",
    // Plugin configuration values.
    "r3dis-Pa55w0rd",
    "redis.internal",
    "oidc-cl1ent-5ecret",
    "payments-gateway",
    "eyJhbGciOiJIUzI1NiJ9",
    "L0gT0ken",
    "logs.acme.io",
    "datadog-agent.internal",
    "shop.acme.com",
    "10.0.0.0/8",
    // PagerDuty integration keys and e-mail addresses.
    "f3b2c1d0e9a84b7c96d5e4f3a2b1c0d9",
    "billing-api@acme.pagerduty.com",
    "jane.doe@acme.com",
    // Custom attributes under sensitive keys or holding e-mail addresses.
    "dd-api-k3y",
    "dd-app-k3y",
    "ops-lead@acme.com",
    "wh-s3cret",
];

#[test]
fn no_secret_from_any_fixture_reaches_the_resources() {
    let catalog = catalog(
        &[
            &format!("{{type: gateway, path: {GATEWAY_FILE}}}"),
            "{type: mesh, path: integrations/mesh}",
            "{type: pagerduty, path: integrations/pagerduty.json}",
            "{type: github, path: integrations/github.json}",
            "{type: custom, name: datadog, path: integrations/datadog.yaml}",
        ],
        &[
            ("gateway/prod.deck.yaml", GATEWAY_FILE),
            ("mesh", "integrations/mesh"),
            ("pagerduty/services.json", "integrations/pagerduty.json"),
            ("github/repos.json", "integrations/github.json"),
            ("custom/datadog-monitors.yaml", "integrations/datadog.yaml"),
        ],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let all = serialized(&inventories);
    for secret in SECRETS {
        assert!(
            !all.contains(secret),
            "{secret:?} leaked into the resources"
        );
    }
    // The fixtures really do hold the secrets: the test above is not vacuous.
    let raw: String = [
        "gateway/prod.deck.yaml",
        "pagerduty/services.json",
        "github/repos.json",
        "custom/datadog-monitors.yaml",
    ]
    .into_iter()
    .map(fixture_text)
    .chain(texts_below(&fixture_path("mesh")))
    .collect();
    for secret in SECRETS {
        assert!(raw.contains(secret), "{secret:?} is not in any fixture");
    }
    // Attribute names are exactly the allow-lists.
    for r in &inventories.resources {
        let allowed: &[&str] = match r.resource_type.as_str() {
            "gateway-service" => &[
                "controlPlane",
                "host",
                "port",
                "protocol",
                "path",
                "enabled",
                "tags",
                "routes",
                "plugins",
                "pluginCategories",
            ],
            "mesh-service" => &["mesh", "dataplanes", "ports", "protocol", "kind"],
            "pagerduty-service" => &["status", "escalationPolicy", "teams", "url"],
            "github-repository" => &[
                "fullName",
                "archived",
                "visibility",
                "topics",
                "defaultBranch",
                "url",
            ],
            _ => &["query", "priority", "muted", "tags", "notify"],
        };
        for key in r.attributes.keys() {
            assert!(allowed.contains(&key.as_str()), "{}: {key}", r.key);
        }
    }
    // Output is deterministic.
    let (again, _) = load(&catalog);
    assert_eq!(inventories.resources, again.resources);
    let sorted = {
        let mut k = keys(&inventories);
        k.sort_unstable();
        k
    };
    assert_eq!(keys(&inventories), sorted);
    assert_eq!(
        inventories.prefixes.iter().collect::<Vec<_>>(),
        ["datadog", "gateway", "github", "mesh", "pagerduty"]
    );
    assert_eq!(inventories.files_read, 6);
}

#[test]
fn gateway_control_plane_falls_back_to_the_integration_name() {
    let catalog = catalog(&["{type: gateway, name: staging, path: kong.yaml}"], &[]);
    write(
        &catalog,
        "kong.yaml",
        "_format_version: '3.0'\nservices:\n- name: orders\n  url: https://svc:pa55@orders.internal:8443/api\n  routes:\n  - paths: [/orders]\n",
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let orders = resource(&inventories, "gateway:staging/orders");
    assert_eq!(
        Value::Object(orders.attributes.clone()),
        json!({
            "controlPlane": "staging",
            "protocol": "https",
            "host": "orders.internal",
            "port": 8443,
            "path": "/api",
            "routes": [{"paths": ["/orders"]}],
            "plugins": [],
            "pluginCategories": [],
        })
    );
    assert!(!serialized(&inventories).contains("pa55"));
}

#[test]
fn gateway_without_any_control_plane_name_is_reported_in_catalog_yaml() {
    let catalog = catalog(&["{type: gateway, path: kong.yaml}"], &[]);
    write(
        &catalog,
        "kong.yaml",
        "_format_version: '3.0'\nservices:\n- name: orders\n",
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(inventories.resources.is_empty());
    assert_invalid(&diagnostics, "catalog.yaml", 5, "has no `name`");
    assert_eq!(inventories.prefixes.iter().collect::<Vec<_>>(), ["gateway"]);
}

#[test]
fn mesh_multi_document_file_in_universal_and_kubernetes_forms() {
    let catalog = catalog(
        &["{type: mesh, path: mesh.yaml}"],
        &[("mesh/mesh.yaml", "mesh.yaml")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "mesh:default/billing",
            "mesh:default/edge-gateway",
            "mesh:default/ledger",
            "mesh:default/notifications",
        ]
    );
    let text = fixture_text("mesh/mesh.yaml");
    let billing = resource(&inventories, "mesh:default/billing");
    assert_eq!(billing.resource_type, "mesh-service");
    assert_eq!(billing.name, "billing");
    // The MeshService document, merged with its two dataplanes.
    assert_eq!(
        start(billing.span),
        (line_of(&text, "type: MeshService\nname: billing"), 1)
    );
    assert_eq!(
        Value::Object(billing.attributes.clone()),
        json!({"mesh": "default", "kind": "MeshService", "dataplanes": 2, "ports": [8080], "protocol": "http"})
    );
    // Known only from a dataplane with two inbounds of one service: counted once.
    let ledger = resource(&inventories, "mesh:default/ledger");
    assert_eq!(
        Value::Object(ledger.attributes.clone()),
        json!({"mesh": "default", "kind": "Dataplane", "dataplanes": 1, "ports": [9090, 9091], "protocol": "grpc"})
    );
    assert_eq!(start(ledger.span).0, line_of(&text, "  - port: 9090"));
    let gateway = resource(&inventories, "mesh:default/edge-gateway");
    assert_eq!(gateway.attributes["dataplanes"], json!(1));
    // Kubernetes form without a mesh label: Kuma's default mesh.
    let notifications = resource(&inventories, "mesh:default/notifications");
    assert_eq!(
        Value::Object(notifications.attributes.clone()),
        json!({"mesh": "default", "kind": "MeshService", "dataplanes": 0, "ports": [3000], "protocol": "http"})
    );
    assert_eq!(
        start(notifications.span).0,
        line_of(&text, "apiVersion: kuma.io/v1alpha1")
    );
}

#[test]
fn mesh_directory_reads_every_yaml_file_recursively() {
    let catalog = catalog(
        &["{type: mesh, name: prod-mesh, path: integrations/mesh}"],
        &[("mesh", "integrations/mesh")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "mesh:default/billing",
            "mesh:default/edge-gateway",
            "mesh:default/ledger",
            "mesh:default/notifications",
            "mesh:payments-mesh/payments",
        ]
    );
    // README.md is not read; the kubectl `List` is, its Deployment skipped.
    assert_eq!(
        inventories.sources.keys().collect::<Vec<_>>(),
        [
            "integrations/mesh/k8s/list.yaml",
            "integrations/mesh/mesh.yaml"
        ]
    );
    assert_eq!(inventories.files_read, 2);
    let text = fixture_text("mesh/k8s/list.yaml");
    let payments = resource(&inventories, "mesh:payments-mesh/payments");
    assert_eq!(payments.file, "integrations/mesh/k8s/list.yaml");
    assert_eq!(
        start(payments.span),
        (line_of(&text, "- apiVersion: kuma.io/v1alpha1"), 3)
    );
    // The Kubernetes Dataplane's inbound tag `payments_payments_svc_443` names the same
    // service as the MeshService: one resource, counting the dataplane.
    assert_eq!(payments.attributes["dataplanes"], json!(1));
    assert_eq!(payments.attributes["ports"], json!([443]));
}

#[test]
fn pagerduty_services_page() {
    let catalog = catalog(
        &["{type: pagerduty, path: pd/services.json}"],
        &[("pagerduty/services.json", "pd/services.json")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "pagerduty:PBILL01",
            "pagerduty:PLEDG02",
            "pagerduty:PNOTI03"
        ]
    );
    let text = fixture_text("pagerduty/services.json");
    let billing = resource(&inventories, "pagerduty:PBILL01");
    assert_eq!(billing.name, "Billing API");
    assert_eq!(billing.resource_type, "pagerduty-service");
    assert_eq!(billing.file, "pd/services.json");
    // The JSON object of the service: its `{`.
    assert_eq!(
        start(billing.span),
        (line_of(&text, "\"id\": \"PBILL01\"") - 1, 5)
    );
    assert_eq!(
        Value::Object(billing.attributes.clone()),
        json!({
            "status": "active",
            "escalationPolicy": "Payments On-Call",
            "teams": ["Payments"],
            "url": "https://acme.pagerduty.com/service-directory/PBILL01",
        })
    );
    let ledger = resource(&inventories, "pagerduty:PLEDG02");
    assert_eq!(
        strings_of(&ledger.attributes["teams"]),
        ["Payments", "Platform"]
    );
    assert_eq!(ledger.attributes["status"], json!("warning"));
    assert_eq!(
        start(ledger.span).0,
        line_of(&text, "\"id\": \"PLEDG02\"") - 1
    );
}

#[test]
fn github_organisation_repositories() {
    let catalog = catalog(
        &["{type: github, path: gh/repos.json}"],
        &[("github/repos.json", "gh/repos.json")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "github:acme/billing",
            "github:acme/legacy-soap",
            "github:acme/payments"
        ]
    );
    let text = fixture_text("github/repos.json");
    let billing = resource(&inventories, "github:acme/billing");
    assert_eq!(billing.name, "acme/billing");
    assert_eq!(billing.id, "acme/billing");
    assert_eq!(billing.resource_type, "github-repository");
    assert_eq!(start(billing.span), (2, 3));
    assert_eq!(
        Value::Object(billing.attributes.clone()),
        json!({
            "fullName": "acme/billing",
            "archived": false,
            "visibility": "private",
            "topics": ["billing", "kong", "tier-1"],
            "defaultBranch": "main",
            "url": "https://github.com/acme/billing",
        })
    );
    let legacy = resource(&inventories, "github:acme/legacy-soap");
    assert_eq!(legacy.attributes["archived"], json!(true));
    assert_eq!(legacy.attributes["defaultBranch"], json!("master"));
    assert_eq!(
        start(legacy.span).0,
        line_of(&text, "\"full_name\": \"acme/legacy-soap\"") - 4
    );
    let payments = resource(&inventories, "github:acme/payments");
    assert_eq!(payments.attributes["visibility"], json!("internal"));
}

#[test]
fn github_slurped_pages_and_old_private_flag() {
    let catalog = catalog(&["{type: github, path: repos.json}"], &[]);
    write(
        &catalog,
        "repos.json",
        r#"[[{"full_name": "acme/a", "private": false}], [{"full_name": "acme/b", "private": true}]]"#,
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(keys(&inventories), ["github:acme/a", "github:acme/b"]);
    assert_eq!(
        resource(&inventories, "github:acme/b").attributes["visibility"],
        json!("private")
    );
}

#[test]
fn custom_list_keeps_only_flat_non_sensitive_attributes() {
    let catalog = catalog(
        &["{type: custom, name: datadog, path: dd.yaml}"],
        &[("custom/datadog-monitors.yaml", "dd.yaml")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        keys(&inventories),
        [
            "datadog:12345678",
            "datadog:87654321",
            "datadog:abc-def-ghi"
        ]
    );
    let text = fixture_text("custom/datadog-monitors.yaml");
    let monitor = resource(&inventories, "datadog:12345678");
    assert_eq!(monitor.integration, "datadog");
    assert_eq!(monitor.resource_type, "datadog-monitor");
    assert_eq!(monitor.name, "Billing API p99 latency");
    assert_eq!(
        start(monitor.span),
        (line_of(&text, "- type: datadog-monitor"), 3)
    );
    assert_eq!(
        Value::Object(monitor.attributes.clone()),
        json!({
            "query": "avg(last_5m):p99:trace.http.request{service:billing} > 0.5",
            "priority": 2,
            "muted": false,
            "tags": ["service:billing", "team:payments", "env:prod"],
            "notify": ["@pagerduty-billing"],
        })
    );
    let dashboard = resource(&inventories, "datadog:abc-def-ghi");
    assert_eq!(dashboard.resource_type, "datadog-dashboard");
    assert!(dashboard.attributes.is_empty());
}

#[test]
fn custom_json_with_resources_key_and_email_names() {
    let catalog = catalog(&["{type: custom, name: jira, path: jira.json}"], &[]);
    write(
        &catalog,
        "jira.json",
        "{\"resources\": [\n  {\"type\": \"jira-project\", \"id\": \"BILL\", \"name\": \"Billing\"},\n  {\"type\": \"jira-user\", \"id\": \"u-17\", \"name\": \"jane@acme.com\"}\n]}\n",
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let project = resource(&inventories, "jira:BILL");
    assert_eq!(start(project.span), (2, 3));
    // A display name that is an e-mail address is replaced by the id.
    assert_eq!(resource(&inventories, "jira:u-17").name, "u-17");
    assert!(!serialized(&inventories).contains("jane@"));
}

#[test]
fn custom_integrations_need_a_name_that_is_not_a_builtin_prefix() {
    let catalog = catalog(
        &[
            "{type: custom, path: a.yaml}",
            "{type: custom, name: github, path: a.yaml}",
        ],
        &[],
    );
    write(&catalog, "a.yaml", "- {type: t, id: x}\n");
    let (inventories, diagnostics) = load(&catalog);
    assert!(inventories.resources.is_empty());
    assert!(inventories.prefixes.is_empty());
    assert_invalid(&diagnostics, "catalog.yaml", 5, "needs a `name`");
    assert_invalid(&diagnostics, "catalog.yaml", 6, "built-in `github`");
}

/// Loads one malformed fixture as the given integration type.
fn malformed(integration: &str, fixture: &str) -> (Inventories, Vec<Diagnostic>, String, String) {
    let file = format!("integrations/{fixture}");
    let catalog = catalog(
        &[&format!("{{{integration}, path: {file}}}")],
        &[(&format!("malformed/{fixture}"), &file)],
    );
    let (inventories, diagnostics) = load(&catalog);
    (
        inventories,
        diagnostics,
        file,
        fixture_text(&format!("malformed/{fixture}")),
    )
}

#[test]
fn deck_with_an_unsupported_format_version() {
    let (inventories, diagnostics, file, _) =
        malformed("type: gateway, name: prod", "deck-bad-version.yaml");
    assert!(inventories.resources.is_empty());
    assert_invalid(&diagnostics, &file, 1, "`_format_version` `4.0`");
    let span = diagnostics[0].span.expect("span");
    assert_eq!(start(span), (1, 18));
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/_format_version"));
}

#[test]
fn deck_services_not_a_list() {
    let (_, diagnostics, file, _) =
        malformed("type: gateway, name: prod", "deck-services-not-list.yaml");
    assert_invalid(
        &diagnostics,
        &file,
        3,
        "`services` is a mapping, not a list",
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

#[test]
fn deck_entries_are_checked_one_by_one() {
    let (inventories, diagnostics, file, text) =
        malformed("type: gateway, name: prod", "deck-entries.yaml");
    // The one good service survives its broken neighbours.
    assert_eq!(keys(&inventories), ["gateway:prod/billing-svc"]);
    assert_eq!(
        resource(&inventories, "gateway:prod/billing-svc").attributes["host"],
        json!("billing.internal")
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- host: nameless"),
        "this service has no `name`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- just-a-string"),
        "is a string, not a mapping",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- host: billing-2"),
        "`gateway:prod/billing-svc` appears twice",
    );
    let duplicate = diagnostics
        .iter()
        .find(|d| d.message.contains("appears twice"))
        .expect("duplicate");
    assert_eq!(
        duplicate.related[0].span.map(|s| s.start.line),
        Some(line_of(&text, "- host: billing.internal"))
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "name: has space"),
        "`has space` cannot be part of a resource key",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "name: ghost-svc"),
        "the service `ghost-svc`, which is not in this decK configuration",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "service: phantom-svc"),
        "the service `phantom-svc`",
    );
    assert_eq!(invalid(&diagnostics).len(), 6, "{diagnostics:#?}");
}

#[test]
fn mesh_resources_missing_identity() {
    let (inventories, diagnostics, file, text) = malformed("type: mesh", "mesh-bad.yaml");
    assert_eq!(keys(&inventories), ["mesh:default/billing"]);
    assert_invalid(
        &diagnostics,
        &file,
        1,
        "neither `type` (universal form) nor `apiVersion` and `kind`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "type: MeshService\nmesh: default\nspec"),
        "the MeshService's `name` is missing",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "type: Dataplane"),
        "the Dataplane has no `networking`",
    );
    let second = nth_line_of(&text, "type: MeshService\nmesh: default\nname: billing", 1);
    assert_invalid(
        &diagnostics,
        &file,
        second,
        "`mesh:default/billing` appears twice",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- a list"),
        "the document is a list, not a mapping",
    );
    assert_eq!(invalid(&diagnostics).len(), 5, "{diagnostics:#?}");
}

#[test]
fn pagerduty_malformed_pages() {
    let (_, diagnostics, file, _) = malformed("type: pagerduty", "pagerduty-no-services.json");
    assert_invalid(
        &diagnostics,
        &file,
        1,
        "this is not a PagerDuty `GET /services` response: `services` is missing",
    );

    let (_, diagnostics, file, _) =
        malformed("type: pagerduty", "pagerduty-services-not-list.json");
    assert_invalid(
        &diagnostics,
        &file,
        2,
        "`services` is a mapping, not a list",
    );
    assert_eq!(diagnostics[0].span.map(start), Some((2, 15)));

    let (inventories, diagnostics, file, text) =
        malformed("type: pagerduty", "pagerduty-entries.json");
    assert_eq!(keys(&inventories), ["pagerduty:PBILL01"]);
    assert_eq!(
        resource(&inventories, "pagerduty:PBILL01").name,
        "Billing API"
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "No id here"),
        "this service has no `id`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "\"PBILL01\","),
        "this service is a string, not an object",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "(again)"),
        "`pagerduty:PBILL01` appears twice",
    );
    assert_eq!(invalid(&diagnostics).len(), 3, "{diagnostics:#?}");
}

#[test]
fn github_malformed_exports() {
    let (_, diagnostics, file, _) = malformed("type: github", "github-error.json");
    assert_invalid(
        &diagnostics,
        &file,
        1,
        "it is a GitHub API error response (`Not Found`)",
    );

    let (inventories, diagnostics, file, text) = malformed("type: github", "github-entries.json");
    assert_eq!(keys(&inventories), ["github:acme/payments"]);
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "\"name\": \"billing\""),
        "this repository has no `full_name`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "no-slash"),
        "`full_name` `no-slash` is not `<owner>/<repository>`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        nth_line_of(&text, "acme/payments", 1),
        "`github:acme/payments` appears twice",
    );
    assert_eq!(invalid(&diagnostics).len(), 3, "{diagnostics:#?}");
}

#[test]
fn custom_malformed_entries() {
    let (inventories, diagnostics, file, text) =
        malformed("type: custom, name: datadog", "custom-entries.yaml");
    assert_eq!(keys(&inventories), ["datadog:2", "datadog:3"]);
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- type: datadog-monitor\n  name: no id"),
        "this entry has no `id`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "- id: \"1\""),
        "this entry has no `type`",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "id: has space"),
        "the id `has space` cannot be part of a resource key",
    );
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "attributes: [not"),
        "`attributes` is a list, not a mapping",
    );
    // `id: 3` (a number) and `id: "3"` are the same key.
    assert_invalid(
        &diagnostics,
        &file,
        line_of(&text, "  id: 3\n") - 1,
        "`datadog:3` appears twice",
    );
    assert_eq!(invalid(&diagnostics).len(), 5, "{diagnostics:#?}");

    let (_, diagnostics, file, _) =
        malformed("type: custom, name: datadog", "custom-not-list.yaml");
    assert_invalid(
        &diagnostics,
        &file,
        1,
        "the file holds a mapping without `resources`",
    );
}

#[test]
fn exports_configured_as_the_wrong_type() {
    let catalog = catalog(
        &[
            "{type: pagerduty, path: gh.json}",
            "{type: github, path: pd.json}",
            "{type: gateway, name: prod, path: pd.json}",
            "{type: mesh, path: gh.json}",
        ],
        &[
            ("github/repos.json", "gh.json"),
            ("pagerduty/services.json", "pd.json"),
        ],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(inventories.resources.is_empty());
    assert_invalid(
        &diagnostics,
        "gh.json",
        1,
        "this is not a PagerDuty `GET /services` response: the file holds a list, not an object with `services`",
    );
    assert_invalid(
        &diagnostics,
        "pd.json",
        1,
        "it looks like a PagerDuty export",
    );
    assert_invalid(
        &diagnostics,
        "pd.json",
        1,
        "this is not a Kong decK declarative configuration: `_format_version` is missing",
    );
    assert_invalid(
        &diagnostics,
        "gh.json",
        1,
        "this is not a Kong Mesh / Kuma resource: the document is a list",
    );
    assert_eq!(invalid(&diagnostics).len(), 4, "{diagnostics:#?}");
    assert_eq!(inventories.files_read, 2);
}

#[test]
fn duplicate_keys_across_integrations() {
    let catalog = catalog(
        &[
            "{type: github, path: a.json}",
            "{type: github, path: b.json}",
        ],
        &[],
    );
    write(&catalog, "a.json", "[{\"full_name\": \"acme/x\"}]");
    write(
        &catalog,
        "b.json",
        "[\n  {\"full_name\": \"acme/y\"},\n  {\"full_name\": \"acme/x\"}\n]",
    );
    let (inventories, diagnostics) = load(&catalog);
    assert_eq!(keys(&inventories), ["github:acme/x", "github:acme/y"]);
    assert_eq!(resource(&inventories, "github:acme/x").file, "a.json");
    assert_invalid(&diagnostics, "b.json", 3, "integration #1 (`a.json`)");
    assert_eq!(diagnostics[0].related[0].file, "a.json");
}

#[test]
fn paths_that_leave_the_root_or_do_not_exist() {
    let catalog = catalog(
        &[
            "{type: github, path: ../outside.json}",
            "{type: github, path: /etc/passwd}",
            "{type: pagerduty, path: missing/services.json}",
            "{type: mesh, path: empty-dir}",
        ],
        &[],
    );
    std::fs::create_dir_all(catalog.root.join("empty-dir/sub")).expect("mkdir");
    write(&catalog, "empty-dir/notes.txt", "not an export");
    let (inventories, diagnostics) = load(&catalog);
    let found: Vec<(Code, u32, Option<&str>)> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.file.as_deref(), Some("catalog.yaml"), "{d:?}");
            (
                d.code,
                d.span.map_or(0, |s| s.start.line),
                d.pointer.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (Code::PathEscape, 5, Some("/integrations/0/path")),
            (Code::PathEscape, 6, Some("/integrations/1/path")),
            (Code::MissingFile, 7, Some("/integrations/2/path")),
            (Code::InvalidInventory, 8, Some("/integrations/3/path")),
        ]
    );
    // The column is the path's, not the integration's.
    assert_eq!(diagnostics[0].span.map(start), Some((5, 26)));
    assert!(inventories.resources.is_empty());
    assert_eq!(
        inventories.prefixes.iter().collect::<Vec<_>>(),
        ["github", "mesh", "pagerduty"]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_and_special_files_in_inventory_directories() {
    use std::os::unix::fs::symlink;

    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "type: MeshService\nmesh: default\nname: stolen\n").expect("write");
    let catalog = catalog(
        &[
            "{type: mesh, path: mesh}",
            "{type: mesh, path: link-out.yaml}",
        ],
        &[("mesh/mesh.yaml", "mesh/mesh.yaml")],
    );
    let root = &catalog.root;
    // A link inside the root is read under its own name; one leaving it is reported.
    write(
        &catalog,
        "shared/extra.yaml",
        "type: MeshService\nmesh: default\nname: shared\n",
    );
    symlink(root.join("shared/extra.yaml"), root.join("mesh/extra.yaml")).expect("symlink");
    symlink(&secret, root.join("mesh/escape.yaml")).expect("symlink");
    symlink(&secret, root.join("link-out.yaml")).expect("symlink");
    // A directory link back up the tree must not loop.
    symlink(root.join("mesh"), root.join("mesh/loop")).expect("symlink");
    // A socket named like a snapshot is never opened.
    let _socket =
        std::os::unix::net::UnixListener::bind(root.join("mesh/socket.yaml")).expect("socket");

    let (inventories, diagnostics) = load(&catalog);
    assert!(keys(&inventories).contains(&"mesh:default/shared"));
    assert!(!keys(&inventories).contains(&"mesh:default/stolen"));
    assert_eq!(
        resource(&inventories, "mesh:default/shared").file,
        "mesh/extra.yaml"
    );
    let found: Vec<(Code, &str)> = diagnostics
        .iter()
        .map(|d| (d.code, d.file.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::PathEscape, "mesh/escape.yaml"),
            (Code::PathEscape, "mesh/socket.yaml"),
            (Code::PathEscape, "catalog.yaml"),
        ]
    );
    assert_eq!(
        diagnostics[2].pointer.as_deref(),
        Some("/integrations/1/path")
    );
}

#[test]
fn unreadable_snapshots_keep_their_loader_findings() {
    let catalog = catalog(
        &[
            "{type: github, path: big.json}",
            "{type: pagerduty, path: broken.json}",
            "{type: custom, name: empty, path: empty.yaml}",
        ],
        &[],
    );
    write(&catalog, "big.json", &format!("[{}]", " ".repeat(2048)));
    write(
        &catalog,
        "broken.json",
        "{\"services\": [\n  {\"id\": \"P1\"\n",
    );
    write(&catalog, "empty.yaml", "# nothing exported yet\n");
    let limits = Limits {
        inventory_bytes: 1024,
        ..Limits::default()
    };
    let (inventories, diagnostics) = load_with(&catalog, &limits);
    let found: Vec<(Code, &str)> = diagnostics
        .iter()
        .map(|d| (d.code, d.file.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::YamlLimits, "big.json"),
            (Code::YamlSyntax, "broken.json"),
            (Code::InvalidInventory, "empty.yaml"),
        ]
    );
    assert!(diagnostics[0].message.contains("1 KiB"));
    assert!(diagnostics[2].message.contains("empty"));
    assert!(inventories.resources.is_empty());
    // Files read: all three; texts kept for the two that decoded.
    assert_eq!(inventories.files_read, 3);
    assert_eq!(
        inventories.sources.keys().collect::<Vec<_>>(),
        ["broken.json", "empty.yaml"]
    );
}

/// A top-level plugin may name a top-level route that belongs to no service: it is attached
/// to no resource, and it is not an unknown reference.
#[test]
fn deck_plugins_on_service_less_routes_are_accepted() {
    let catalog = catalog(
        &["{type: gateway, path: integrations/deck.yaml}"],
        &[("gateway/serviceless-route.yaml", "integrations/deck.yaml")],
    );
    let (inventories, diagnostics) = load(&catalog);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(keys(&inventories), ["gateway:prod/billing-svc"]);
    let billing = resource(&inventories, "gateway:prod/billing-svc");
    assert_eq!(billing.attributes["plugins"], json!([]));
}
