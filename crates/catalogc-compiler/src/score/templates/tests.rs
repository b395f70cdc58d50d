//! Golden tests of the built-in templates: small hand-made subjects, and the exact verdict
//! (outcome and detail) each template gives them, plus the parameter errors of `configure`.

use std::sync::Arc;

use catalogc_diagnostics::{Position, Span};
use catalogc_model::{Service, Team};
use serde_json::{Map, Value, json};

use super::*;
use crate::artifacts::{ApiSpec, Doc, SpecFormat, Workflow};
use crate::references::{DocFile, PipelineFile, ServiceFiles, SpecFile};
use crate::resources::Resource;
use crate::{Entity, Origin};

fn entity<T>(value: T, file: &str) -> Entity<T> {
    Entity {
        value,
        file: file.to_owned(),
        start: Position::START,
        spans: Arc::default(),
        origin: Origin::Directory,
    }
}

/// A service `name` owned by `payments`, with `extra` fields merged in.
fn service(name: &str, extra: Value) -> Entity<Service> {
    let mut fields = json!({
        "apiVersion": "catalogc/v1",
        "kind": "Service",
        "name": name,
        "owner": "payments",
        "lifecycle": "production",
    });
    if let (Some(fields), Value::Object(extra)) = (fields.as_object_mut(), extra) {
        fields.extend(extra);
    }
    let value: Service = serde_json::from_value(fields).expect("a valid service");
    entity(value, &format!("repos/{name}/service.yaml"))
}

fn team(contacts: Value) -> Entity<Team> {
    let value: Team = serde_json::from_value(json!({
        "apiVersion": "catalogc/v1",
        "kind": "Team",
        "name": "payments",
        "contacts": contacts,
    }))
    .expect("a valid team");
    entity(value, "teams/payments.yaml")
}

/// A mapped inventory resource `key` of `resource_type`.
fn resource(key: &str, resource_type: &str, attributes: Value) -> MappedResource {
    let (integration, id) = key.split_once(':').expect("a key");
    let attributes = match attributes {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    MappedResource {
        resource: Resource {
            key: key.to_owned(),
            integration: integration.to_owned(),
            resource_type: resource_type.to_owned(),
            id: id.to_owned(),
            name: id.rsplit('/').next().unwrap_or(id).to_owned(),
            attributes,
            file: format!("integrations/{integration}.yaml"),
            span: Span::default(),
            label_span: Span::default(),
        },
        mapped_by: vec!["billing".to_owned()],
        suggested_owner: None,
    }
}

fn gateway(name: &str, plugins: &[&str], categories: &[&str]) -> MappedResource {
    resource(
        &format!("gateway:prod/{name}"),
        "gateway-service",
        json!({
            "controlPlane": "prod",
            "host": format!("{name}.internal"),
            "port": 8080,
            "protocol": "http",
            "routes": [{"name": name, "paths": ["/billing"], "protocols": ["https"]}],
            "plugins": plugins,
            "pluginCategories": categories,
        }),
    )
}

fn pagerduty(id: &str, status: Option<&str>) -> MappedResource {
    let mut attributes = json!({
        "escalationPolicy": "Payments",
        "teams": ["Payments"],
        "url": format!("https://acme.pagerduty.com/service-directory/{id}"),
    });
    if let (Some(map), Some(status)) = (attributes.as_object_mut(), status) {
        map.insert("status".to_owned(), Value::from(status));
    }
    resource(&format!("pagerduty:{id}"), "pagerduty-service", attributes)
}

fn github(full_name: &str, archived: bool) -> MappedResource {
    resource(
        &format!("github:{full_name}"),
        "github-repository",
        json!({
            "fullName": full_name,
            "archived": archived,
            "visibility": "private",
            "topics": ["payments"],
            "defaultBranch": "main",
            "url": format!("https://github.com/{full_name}"),
        }),
    )
}

fn doc(path: &str, title: Option<&str>) -> DocFile {
    DocFile {
        path: format!("repos/billing/{path}"),
        doc: Some(Doc {
            title: title.map(str::to_owned),
            words: 120,
            headings: Vec::new(),
        }),
        text: None,
    }
}

fn spec(api: &str, path: &str, parsed: Option<SpecFormat>) -> SpecFile {
    SpecFile {
        api: api.to_owned(),
        path: format!("repos/billing/{path}"),
        spec: parsed.map(|format| ApiSpec {
            format,
            spec_version: "3.0.3".to_owned(),
            title: "Billing API".to_owned(),
            version: "2.1.0".to_owned(),
            description: None,
            operations: Vec::new(),
            operation_count: 0,
            servers: Vec::new(),
        }),
    }
}

fn pipeline(path: &str, workflow: bool) -> PipelineFile {
    PipelineFile {
        path: format!("repos/billing/{path}"),
        workflow: workflow.then(|| Workflow {
            name: Some("Deploy".to_owned()),
            triggers: vec!["push".to_owned()],
            jobs: Vec::new(),
            environments: vec!["production".to_owned()],
        }),
    }
}

/// What a subject is built from.
struct Fixture {
    service: Entity<Service>,
    team: Option<Entity<Team>>,
    resources: Vec<MappedResource>,
    files: ServiceFiles,
    dependencies: Vec<Entity<Service>>,
}

impl Fixture {
    /// The service `billing` with `extra` fields, its team (without contacts), and nothing
    /// else.
    fn new(extra: Value) -> Fixture {
        Fixture {
            service: service("billing", extra),
            team: Some(team(json!([]))),
            resources: Vec::new(),
            files: ServiceFiles::default(),
            dependencies: Vec::new(),
        }
    }

    fn without_team(mut self) -> Fixture {
        self.team = None;
        self
    }

    fn team(mut self, contacts: Value) -> Fixture {
        self.team = Some(team(contacts));
        self
    }

    fn resources(mut self, resources: Vec<MappedResource>) -> Fixture {
        self.resources = resources;
        self
    }

    fn docs(mut self, docs: Vec<DocFile>) -> Fixture {
        self.files.docs = docs;
        self
    }

    fn specs(mut self, specs: Vec<SpecFile>) -> Fixture {
        self.files.specs = specs;
        self
    }

    fn pipelines(mut self, pipelines: Vec<PipelineFile>) -> Fixture {
        self.files.pipelines = pipelines;
        self
    }

    fn dependencies(mut self, dependencies: Vec<Entity<Service>>) -> Fixture {
        self.dependencies = dependencies;
        self
    }

    fn subject(&self) -> Subject<'_> {
        Subject {
            service: &self.service,
            team: self.team.as_ref(),
            resources: self.resources.iter().collect(),
            files: &self.files,
            dependencies: self.dependencies.iter().collect(),
            dependents: Vec::new(),
        }
    }

    /// The verdict of `template` with `with` ({} for none), as `outcome` or
    /// `outcome: detail`.
    fn check(&self, template: &str, with: Value) -> String {
        let template = find(template).expect("a template");
        let with = match with {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let configured = configure(template, Some(&with)).expect("valid parameters");
        let verdict = evaluate(&configured, &self.subject());
        match verdict.detail {
            Some(detail) => format!("{}: {detail}", verdict.outcome),
            None => verdict.outcome.to_string(),
        }
    }
}

fn configure_error(template: &str, with: Value) -> String {
    let template = find(template).expect("a template");
    let Value::Object(with) = with else {
        panic!("`with` is a mapping");
    };
    configure(template, Some(&with)).expect_err("invalid parameters")
}

#[test]
fn has_owner_needs_the_team_in_the_catalog() {
    assert_eq!(
        Fixture::new(json!({})).check("has-owner", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .without_team()
            .check("has-owner", json!({})),
        "fail: the owner `payments` is not a team in the catalog"
    );
}

#[test]
fn has_description_counts_trimmed_characters() {
    let described = Fixture::new(json!({"description": "Issues invoices and charges cards."}));
    assert_eq!(described.check("has-description", json!({})), "pass");
    assert_eq!(
        described.check("has-description", json!({"min-length": 80})),
        "fail: the description has 34 characters; 80 needed"
    );
    assert_eq!(
        Fixture::new(json!({"description": "  Invoices.  "})).check("has-description", json!({})),
        "fail: the description has 9 characters; 20 needed"
    );
    // Characters, not bytes: 20 accented letters are enough.
    assert_eq!(
        Fixture::new(json!({"description": "é".repeat(20)})).check("has-description", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-description", json!({})),
        "fail: no `description`; at least 20 characters needed"
    );
    assert_eq!(
        Fixture::new(json!({"description": "   "}))
            .check("has-description", json!({"min-length": 1})),
        "fail: no `description`; at least 1 character needed"
    );
}

#[test]
fn has_docs_counts_files_read_once_each() {
    let listed = json!({"docs": ["docs/README.md", "docs/design.md"]});
    assert_eq!(
        Fixture::new(listed.clone())
            .docs(vec![doc("docs/README.md", Some("Billing"))])
            .check("has-docs", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(listed.clone())
            .docs(vec![doc("docs/README.md", Some("Billing"))])
            .check("has-docs", json!({"min": 2})),
        "fail: 1 documentation file; 2 needed (1 of 2 listed in `docs` could not be read)"
    );
    assert_eq!(
        Fixture::new(listed.clone()).check("has-docs", json!({})),
        "fail: no documentation files; 1 needed (2 of 2 listed in `docs` could not be read)"
    );
    // The same file listed twice counts once.
    assert_eq!(
        Fixture::new(json!({"docs": ["docs/README.md", "./docs/README.md"]}))
            .docs(vec![
                doc("docs/README.md", None),
                doc("docs/README.md", None)
            ])
            .check("has-docs", json!({"min": 2})),
        "fail: 1 documentation file; 2 needed"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-docs", json!({})),
        "fail: no documentation files listed in `docs`; 1 needed"
    );
    // A file that is not UTF-8 text has no summary but exists.
    assert_eq!(
        Fixture::new(json!({"docs": ["docs/diagram.bin"]}))
            .docs(vec![DocFile {
                path: "repos/billing/docs/diagram.bin".to_owned(),
                doc: None,
                text: None,
            }])
            .check("has-docs", json!({})),
        "pass"
    );
}

fn apis() -> Value {
    json!({"apis": {"provides": [
        {"name": "billing-api", "type": "openapi", "spec": "openapi/billing.yaml"},
        {"name": "billing-events", "type": "asyncapi", "spec": "asyncapi/events.yaml"},
        {"name": "billing-graph", "type": "graphql", "spec": "schema.graphql"},
    ]}})
}

fn all_specs_read() -> Vec<SpecFile> {
    vec![
        spec(
            "billing-api",
            "openapi/billing.yaml",
            Some(SpecFormat::OpenApi3),
        ),
        spec(
            "billing-events",
            "asyncapi/events.yaml",
            Some(SpecFormat::AsyncApi2),
        ),
        spec("billing-graph", "schema.graphql", None),
    ]
}

#[test]
fn has_api_spec_needs_a_read_spec_for_every_provided_api() {
    assert_eq!(
        Fixture::new(json!({})).check("has-api-spec", json!({})),
        "skipped: provides no API"
    );
    assert_eq!(
        Fixture::new(json!({"apis": {"consumes": ["ledger-api"]}}))
            .check("has-api-spec", json!({})),
        "skipped: provides no API"
    );
    assert_eq!(
        Fixture::new(apis())
            .specs(all_specs_read())
            .check("has-api-spec", json!({})),
        "pass"
    );
    // Whether a spec is valid is not this template's question.
    assert_eq!(
        Fixture::new(apis())
            .specs(vec![
                spec("billing-api", "openapi/billing.yaml", None),
                spec("billing-events", "asyncapi/events.yaml", None),
                spec("billing-graph", "schema.graphql", None),
            ])
            .check("has-api-spec", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({"apis": {"provides": [
            {"name": "billing-api", "type": "openapi", "spec": "openapi/billing.yaml"},
            {"name": "billing-admin", "type": "openapi"},
        ]}}))
        .check("has-api-spec", json!({})),
        "fail: the spec of `billing-api` (`openapi/billing.yaml`) could not be read; `billing-admin` has no `spec`"
    );
}

#[test]
fn api_spec_valid_needs_every_openapi_and_asyncapi_spec_parsed() {
    assert_eq!(
        Fixture::new(apis()).check("api-spec-valid", json!({})),
        "skipped: no API specification was read"
    );
    assert_eq!(
        Fixture::new(apis())
            .specs(all_specs_read())
            .check("api-spec-valid", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(apis())
            .specs(vec![
                spec("billing-api", "openapi/billing.yaml", None),
                spec("billing-events", "asyncapi/events.yaml", None),
                spec("billing-graph", "schema.graphql", None),
            ])
            .check("api-spec-valid", json!({})),
        "fail: `repos/billing/openapi/billing.yaml` (API `billing-api`) is not a valid OpenAPI document; \
         `repos/billing/asyncapi/events.yaml` (API `billing-events`) is not a valid AsyncAPI document; \
         see the findings in the file"
    );
}

#[test]
fn has_resources_counts_by_integration_or_type() {
    let fixture = Fixture::new(json!({})).resources(vec![
        pagerduty("PBILL01", Some("active")),
        gateway("billing-svc", &[], &[]),
        resource(
            "datadog:1234",
            "datadog-monitor",
            json!({"query": "avg:latency"}),
        ),
    ]);
    assert_eq!(
        fixture.check("has-resources", json!({"integration": "datadog"})),
        "pass"
    );
    assert_eq!(
        fixture.check("has-resources", json!({"type": "gateway-service"})),
        "pass"
    );
    assert_eq!(
        fixture.check("has-resources", json!({"integration": "datadog", "min": 2})),
        "fail: 1 mapped resource of the `datadog` integration; 2 needed"
    );
    assert_eq!(
        fixture.check("has-resources", json!({"type": "mesh-service"})),
        "fail: no mapped resources of type `mesh-service`; 1 needed"
    );
    // Repository files are resources of the `repo` integration.
    let with_doc = Fixture::new(json!({})).resources(vec![resource(
        "repo:repos/billing/docs/README.md",
        "doc",
        json!({}),
    )]);
    assert_eq!(
        with_doc.check("has-resources", json!({"type": "doc"})),
        "pass"
    );
}

#[test]
fn has_oncall_takes_pagerduty_or_a_team_contact() {
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![pagerduty("PBILL01", Some("disabled"))])
            .check("has-oncall", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .team(json!([{"type": "pagerduty", "value": "PPAYMENTS"}]))
            .check("has-oncall", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .team(json!([{"type": "slack", "value": "#payments"}]))
            .check("has-oncall", json!({})),
        "fail: no PagerDuty service is mapped, and team `payments` has no `pagerduty` contact"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .without_team()
            .check("has-oncall", json!({})),
        "fail: no PagerDuty service is mapped, and the owner `payments` is not a team in the catalog"
    );
}

#[test]
fn pagerduty_active_needs_every_mapped_service_enabled() {
    assert_eq!(
        Fixture::new(json!({})).check("pagerduty-active", json!({})),
        "skipped: no PagerDuty service is mapped"
    );
    // `critical` is an enabled service with an open high-urgency incident.
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![
                pagerduty("PBILL01", Some("active")),
                pagerduty("PBILL02", Some("critical")),
            ])
            .check("pagerduty-active", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![
                pagerduty("PBILL01", Some("active")),
                pagerduty("PBILL02", Some("disabled")),
                pagerduty("PBILL03", Some("maintenance")),
                pagerduty("PBILL04", None),
            ])
            .check("pagerduty-active", json!({})),
        "fail: `pagerduty:PBILL02` is `disabled`; `pagerduty:PBILL03` is `maintenance`; \
         `pagerduty:PBILL04` has no `status` in the snapshot"
    );
}

#[test]
fn gateway_fronted_needs_a_gateway_service() {
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![gateway("billing-svc", &[], &[])])
            .check("gateway-fronted", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![pagerduty("PBILL01", Some("active"))])
            .check("gateway-fronted", json!({})),
        "fail: no Kong gateway service is mapped"
    );
}

#[test]
fn gateway_has_plugin_checks_every_gateway_service_by_name_or_category() {
    assert_eq!(
        Fixture::new(json!({})).check("gateway-has-plugin", json!({"category": "authentication"})),
        "skipped: no Kong gateway service is mapped"
    );
    let fixture = Fixture::new(json!({})).resources(vec![
        gateway(
            "billing-svc",
            &["cors", "rate-limiting"],
            &["security", "traffic-control"],
        ),
        gateway(
            "billing-admin",
            &["openid-connect", "rate-limiting"],
            &["authentication", "traffic-control"],
        ),
        gateway("billing-legacy", &[], &[]),
    ]);
    assert_eq!(
        fixture.check("gateway-has-plugin", json!({"category": "traffic-control"})),
        "fail: `gateway:prod/billing-legacy` has no traffic control plugin (no plugins)"
    );
    assert_eq!(
        fixture.check("gateway-has-plugin", json!({"category": "authentication"})),
        "fail: `gateway:prod/billing-legacy` has no authentication plugin (no plugins); \
         `gateway:prod/billing-svc` has no authentication plugin (plugins: cors, rate-limiting)"
    );
    assert_eq!(
        fixture.check("gateway-has-plugin", json!({"name": "rate-limiting"})),
        "fail: `gateway:prod/billing-legacy` does not enable `rate-limiting` (no plugins)"
    );
    let protected = Fixture::new(json!({})).resources(vec![gateway(
        "billing-svc",
        &["key-auth", "prometheus", "rate-limiting"],
        &[
            "analytics-monitoring",
            "authentication",
            "logging",
            "traffic-control",
        ],
    )]);
    for with in [
        json!({"category": "authentication"}),
        json!({"category": "logging"}),
        json!({"name": "key-auth"}),
    ] {
        assert_eq!(protected.check("gateway-has-plugin", with), "pass");
    }
    // Other integrations' resources are not gateway services.
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![resource(
                "mesh:default/billing",
                "mesh-service",
                json!({"mesh": "default"})
            )])
            .check("gateway-has-plugin", json!({"name": "key-auth"})),
        "skipped: no Kong gateway service is mapped"
    );
}

#[test]
fn has_pipeline_needs_one_workflow() {
    assert_eq!(
        Fixture::new(
            json!({"pipelines": [".github/workflows/ci.yml", ".github/workflows/deploy.yml"]})
        )
        .pipelines(vec![
            pipeline(".github/workflows/ci.yml", false),
            pipeline(".github/workflows/deploy.yml", true),
        ])
        .check("has-pipeline", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-pipeline", json!({})),
        "fail: no pipelines listed in `pipelines`"
    );
    assert_eq!(
        Fixture::new(json!({"pipelines": [".github/workflows/ci.yml"]}))
            .pipelines(vec![pipeline(".github/workflows/ci.yml", false)])
            .check("has-pipeline", json!({})),
        "fail: `repos/billing/.github/workflows/ci.yml` is not a GitHub Actions workflow"
    );
    assert_eq!(
        Fixture::new(json!({"pipelines": ["Jenkinsfile"]})).check("has-pipeline", json!({})),
        "fail: the file listed in `pipelines` could not be read"
    );
    assert_eq!(
        Fixture::new(json!({"pipelines": ["a.yml", "b.yml"]})).check("has-pipeline", json!({})),
        "fail: none of the 2 files listed in `pipelines` could be read"
    );
}

#[test]
fn repo_not_archived_reads_the_github_inventory() {
    let with_repository = json!({"repository": "github:acme/billing"});
    assert_eq!(
        Fixture::new(json!({})).check("repo-not-archived", json!({})),
        "skipped: no `repository`"
    );
    assert_eq!(
        Fixture::new(with_repository.clone()).check("repo-not-archived", json!({})),
        "skipped: `github:acme/billing` is not in a GitHub inventory"
    );
    assert_eq!(
        Fixture::new(with_repository.clone())
            .resources(vec![github("acme/billing", false)])
            .check("repo-not-archived", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(with_repository)
            .resources(vec![
                github("acme/billing-old", false),
                github("acme/billing", true)
            ])
            .check("repo-not-archived", json!({})),
        "fail: `github:acme/billing` is archived"
    );
}

#[test]
fn no_deprecated_dependencies_names_each_one() {
    let ledger = service("ledger", json!({}));
    assert_eq!(
        Fixture::new(json!({}))
            .dependencies(vec![ledger])
            .check("no-deprecated-dependencies", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({})).check("no-deprecated-dependencies", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({}))
            .dependencies(vec![
                service("ledger", json!({})),
                service("fax-gateway", json!({"lifecycle": "retired"})),
                service("fraud", json!({"lifecycle": "deprecated"})),
                service("search", json!({"lifecycle": "experimental"})),
            ])
            .check("no-deprecated-dependencies", json!({})),
        "fail: depends on `fax-gateway` (retired), `fraud` (deprecated)"
    );
}

#[test]
fn tier_needs_runbook_takes_a_runbook_link_or_doc() {
    assert_eq!(
        Fixture::new(json!({})).check("tier-needs-runbook", json!({})),
        "skipped: no `tier`"
    );
    assert_eq!(
        Fixture::new(json!({"tier": 3})).check("tier-needs-runbook", json!({})),
        "skipped: tier 3; only tier 1 needs a runbook"
    );
    assert_eq!(
        Fixture::new(json!({"tier": 3})).check("tier-needs-runbook", json!({"tier": 2})),
        "skipped: tier 3; only tiers 1 to 2 need a runbook"
    );
    assert_eq!(
        Fixture::new(json!({"tier": 1})).check("tier-needs-runbook", json!({})),
        "fail: tier 1 with no runbook: no link with `type: runbook`, and no documentation file named or titled \"runbook\""
    );
    assert_eq!(
        Fixture::new(json!({"tier": 2, "links": [
            {"title": "Runbook", "url": "https://wiki.acme.example/billing"},
            {"title": "Dashboard", "url": "https://grafana.acme.example/d/billing", "type": "dashboard"},
        ]}))
        .docs(vec![doc("docs/README.md", Some("Billing"))])
        .check("tier-needs-runbook", json!({"tier": 2})),
        "fail: tier 2 with no runbook: no link with `type: runbook`, and no documentation file named or titled \"runbook\""
    );
    assert_eq!(
        Fixture::new(json!({"tier": 1, "links": [
            {"title": "On-call guide", "url": "https://runbooks.acme.example/billing", "type": "runbook"},
        ]}))
        .check("tier-needs-runbook", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({"tier": 1}))
            .docs(vec![doc("docs/RUNBOOK.md", None)])
            .check("tier-needs-runbook", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({"tier": 1}))
            .docs(vec![doc("docs/operations.md", Some("Billing Runbook"))])
            .check("tier-needs-runbook", json!({})),
        "pass"
    );
}

#[test]
fn has_tier_links_and_repository() {
    assert_eq!(
        Fixture::new(json!({"tier": 4})).check("has-tier", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-tier", json!({})),
        "fail: no `tier`"
    );

    let linked = Fixture::new(json!({"links": [
        {"title": "Dashboard", "url": "https://grafana.acme.example/d/billing", "type": "dashboard"},
        {"title": "Chat", "url": "https://chat.acme.example/payments"},
    ]}));
    assert_eq!(linked.check("has-links", json!({})), "pass");
    assert_eq!(linked.check("has-links", json!({"min": 2})), "pass");
    assert_eq!(
        linked.check("has-links", json!({"type": "dashboard"})),
        "pass"
    );
    assert_eq!(
        linked.check("has-links", json!({"type": "dashboard", "min": 2})),
        "fail: 1 link with `type: dashboard`; 2 needed"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-links", json!({})),
        "fail: no links; 1 needed"
    );

    assert_eq!(
        Fixture::new(json!({"repository": "github:acme/billing"}))
            .check("has-repository", json!({})),
        "pass"
    );
    assert_eq!(
        Fixture::new(json!({})).check("has-repository", json!({})),
        "fail: no `repository`"
    );
}

#[test]
fn configure_rejects_unknown_parameters() {
    assert_eq!(
        configure_error("has-docs", json!({"mni": 2})),
        "`has-docs` has no parameter `mni`; did you mean `min`?"
    );
    assert_eq!(
        configure_error("gateway-has-plugin", json!({"plugin": "cors"})),
        "`gateway-has-plugin` has no parameter `plugin`; its parameters are `name` and `category`"
    );
    assert_eq!(
        configure_error("has-owner", json!({"team": "payments"})),
        "`has-owner` takes no parameters, found `team`; remove `with`"
    );
}

#[test]
fn configure_needs_exactly_one_of_a_pair() {
    assert_eq!(
        configure_error(
            "gateway-has-plugin",
            json!({"name": "cors", "category": "security"})
        ),
        "`gateway-has-plugin` takes exactly one of the parameters `name` and `category`, and both are given; keep one"
    );
    assert_eq!(
        configure_error("gateway-has-plugin", json!({})),
        "`gateway-has-plugin` needs exactly one of the parameters `name` and `category`; neither is given"
    );
    let template = find("has-resources").expect("a template");
    assert_eq!(
        configure(template, None).expect_err("a selector is needed"),
        "`has-resources` needs exactly one of the parameters `integration` and `type`; neither is given"
    );
    assert_eq!(
        configure_error(
            "has-resources",
            json!({"integration": "pagerduty", "type": "pagerduty-service"})
        ),
        "`has-resources` takes exactly one of the parameters `integration` and `type`, and both are given; keep one"
    );
}

#[test]
fn configure_rejects_wrong_types_and_values() {
    assert_eq!(
        configure_error("has-docs", json!({"min": "2"})),
        "the parameter `min` of `has-docs` must be a whole number from 1 to 1000, found the text `2`"
    );
    assert_eq!(
        configure_error("has-docs", json!({"min": 0})),
        "the parameter `min` of `has-docs` must be a whole number from 1 to 1000, found `0`"
    );
    assert_eq!(
        configure_error("has-description", json!({"min-length": 2.5})),
        "the parameter `min-length` of `has-description` must be a whole number from 1 to 10000, found `2.5`"
    );
    assert_eq!(
        configure_error("tier-needs-runbook", json!({"tier": 5})),
        "the parameter `tier` of `tier-needs-runbook` must be a tier from 1 to 4, found `5`"
    );
    assert_eq!(
        configure_error("tier-needs-runbook", json!({"tier": null})),
        "the parameter `tier` of `tier-needs-runbook` must be a tier from 1 to 4, found nothing (an empty value)"
    );
    assert_eq!(
        configure_error("gateway-has-plugin", json!({"category": "auth"})),
        "the parameter `category` of `gateway-has-plugin` must be one of `authentication`, `security`, \
         `traffic-control`, `logging`, `analytics-monitoring`, `transformations`, `serverless` or `ai`, \
         found the text `auth`; did you mean `authentication`?"
    );
    assert_eq!(
        configure_error("gateway-has-plugin", json!({"name": ["cors"]})),
        "the parameter `name` of `gateway-has-plugin` must be a non-empty text without spaces, found a list"
    );
    assert_eq!(
        configure_error("has-resources", json!({"integration": "PagerDuty"})),
        "the parameter `integration` of `has-resources` must be an integration name of lowercase letters, digits and hyphens, such as `pagerduty`, found the text `PagerDuty`"
    );
    assert_eq!(
        configure_error("has-links", json!({"type": "Run book"})),
        "the parameter `type` of `has-links` must be a link type: a lowercase word such as `runbook`, `docs` or `dashboard`, found the text `Run book`"
    );
    assert_eq!(
        configure_error(
            "has-resources",
            json!({"type": "gateway-service", "min": true})
        ),
        "the parameter `min` of `has-resources` must be a whole number from 1 to 1000, found `true`"
    );
}

#[test]
fn configure_fills_in_defaults() {
    let parameters = |name: &str, with: Value| {
        let Value::Object(with) = with else {
            panic!("`with` is a mapping");
        };
        configure(find(name).expect("a template"), Some(&with))
            .expect("valid parameters")
            .parameters()
    };
    assert_eq!(
        Value::Object(parameters("has-description", json!({}))),
        json!({"min-length": 20})
    );
    assert_eq!(
        Value::Object(parameters(
            "has-resources",
            json!({"integration": "datadog"})
        )),
        json!({"integration": "datadog", "min": 1})
    );
    assert_eq!(
        Value::Object(parameters("tier-needs-runbook", json!({"tier": 2}))),
        json!({"tier": 2})
    );
    assert_eq!(
        Value::Object(parameters(
            "gateway-has-plugin",
            json!({"category": "logging"})
        )),
        json!({"category": "logging"})
    );
    assert!(parameters("has-owner", json!({})).is_empty());
}

#[test]
fn templates_are_listed_once_and_documented() {
    let names: Vec<&str> = all().iter().map(|t| t.name).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "template names are unique");
    // SPEC 1.3's list, at least.
    for required in [
        "has-owner",
        "has-description",
        "has-docs",
        "has-api-spec",
        "api-spec-valid",
        "has-resources",
        "has-oncall",
        "pagerduty-active",
        "gateway-fronted",
        "gateway-has-plugin",
        "has-pipeline",
        "repo-not-archived",
        "no-deprecated-dependencies",
        "tier-needs-runbook",
    ] {
        assert!(find(required).is_some(), "{required} is built in");
    }
    assert!(find("has-pagerduty").is_none());
    for template in all() {
        assert!(is_name(template.name), "{}", template.name);
        for text in [template.summary, template.why, template.fix] {
            assert!(
                !text.is_empty() && !text.contains('\n'),
                "{}",
                template.name
            );
            assert!(text.ends_with('.'), "{}: {text}", template.name);
        }
        for param in template.params {
            assert!(param.description.ends_with('.'), "{}", param.name);
        }
        // Every template without a required pair configures with no parameters.
        let needs_selector = matches!(template.name, "has-resources" | "gateway-has-plugin");
        assert_eq!(
            configure(template, None).is_ok(),
            !needs_selector,
            "{}",
            template.name
        );
        assert_eq!(
            configure(template, None)
                .map(|c| c.template().name)
                .unwrap_or(template.name),
            template.name
        );
    }
}

#[test]
fn configured_templates_are_shareable() {
    fn shareable<T: std::fmt::Debug + Clone + Send + Sync>() {}
    shareable::<Configured>();
}

#[test]
fn details_quote_and_cap_what_inventories_hold() {
    // Many failing resources: five are named, the rest counted.
    let resources = (1..=8)
        .map(|i| pagerduty(&format!("P{i}"), Some("disabled")))
        .collect();
    assert_eq!(
        Fixture::new(json!({}))
            .resources(resources)
            .check("pagerduty-active", json!({})),
        "fail: `pagerduty:P1` is `disabled`; `pagerduty:P2` is `disabled`; `pagerduty:P3` is `disabled`; \
         `pagerduty:P4` is `disabled`; `pagerduty:P5` is `disabled`; and 3 more"
    );
    // Control characters from a snapshot are escaped.
    assert_eq!(
        Fixture::new(json!({}))
            .resources(vec![pagerduty("PBILL01", Some("off\u{1b}[31m"))])
            .check("pagerduty-active", json!({})),
        "fail: `pagerduty:PBILL01` is `off\\u{1b}[31m`"
    );
}
