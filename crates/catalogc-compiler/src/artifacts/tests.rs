use catalogc_diagnostics::{Code, Diagnostic};
use catalogc_model::ApiType;
use serde_json::json;

use super::workflow::PIPELINE_CODE;
use super::*;
use crate::yaml::{Document, Mode, StructureLimits, parse};

const OPENAPI_30: &str = include_str!("testdata/openapi-3.0-petstore.yaml");
const OPENAPI_31: &str = include_str!("testdata/openapi-3.1-petstore.yaml");
const SWAGGER_20: &str = include_str!("testdata/swagger-2.0-petstore.json");
const ASYNCAPI_26: &str = include_str!("testdata/asyncapi-2.6-streetlights.yaml");
const ASYNCAPI_30: &str = include_str!("testdata/asyncapi-3.0-streetlights.yaml");
const POSTMAN: &str = include_str!("testdata/postman-collection.json");
const WORKFLOW: &str = include_str!("testdata/deploy.yml");
const ACTION: &str = include_str!("testdata/action.yml");
const RUNBOOK: &str = include_str!("testdata/runbook.md");

/// Parses `text` as the caller does: leniently, with third-party limits.
fn load(file: &str, text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let documents = parse(
        file,
        text,
        Mode::Lenient,
        StructureLimits::THIRD_PARTY,
        &mut diagnostics,
    );
    (documents, diagnostics)
}

fn spec(text: &str, declared: ApiType) -> (Option<ApiSpec>, Vec<Diagnostic>) {
    let (documents, mut diagnostics) = load("api/spec.yaml", text);
    assert!(diagnostics.is_empty(), "loader findings: {diagnostics:?}");
    let summary = summarize_api_spec("api/spec.yaml", &documents, declared, &mut diagnostics);
    (summary, diagnostics)
}

fn workflow(text: &str) -> (Option<Workflow>, Vec<Diagnostic>) {
    let (documents, mut diagnostics) = load(".github/workflows/ci.yml", text);
    assert!(diagnostics.is_empty(), "loader findings: {diagnostics:?}");
    let summary = summarize_workflow(".github/workflows/ci.yml", &documents, &mut diagnostics);
    (summary, diagnostics)
}

/// The only finding of `diagnostics`, checked to have `code` and no summary next to it.
fn only<T: std::fmt::Debug>(
    summary: Option<T>,
    diagnostics: &[Diagnostic],
    code: Code,
) -> &Diagnostic {
    assert!(
        summary.is_none(),
        "a file with findings has no summary: {summary:?}"
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.code, code);
    assert!(diagnostic.help.is_some(), "every finding has help");
    diagnostic
}

/// (line, column) where a finding starts.
fn at(diagnostic: &Diagnostic) -> (u32, u32) {
    let span = diagnostic.span.expect("located");
    (span.start.line, span.start.column)
}

fn op(method: &str, path: &str, id: Option<&str>, summary: Option<&str>) -> Operation {
    Operation {
        method: method.to_owned(),
        path: path.to_owned(),
        operation_id: id.map(str::to_owned),
        summary: summary.map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------------------------
// API specs: realistic documents

#[test]
fn summarizes_openapi_30_petstore() {
    let (summary, diagnostics) = spec(OPENAPI_30, ApiType::Openapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.format, SpecFormat::OpenApi3);
    assert_eq!(summary.spec_version, "3.0.3");
    assert_eq!(summary.title, "Swagger Petstore");
    assert_eq!(summary.version, "1.0.0");
    assert_eq!(
        summary.description.as_deref(),
        Some(
            "A sample API that uses a petstore as an example to demonstrate features\n\
             in the OpenAPI 3.0 specification."
        )
    );
    // Path-level `summary`, `parameters` and `x-` keys are not operations; `$ref`s are left
    // as written.
    assert_eq!(
        summary.operations,
        vec![
            op("GET", "/pets", Some("findPets"), Some("List all pets")),
            op("POST", "/pets", Some("addPet"), Some("Create a pet")),
            op("DELETE", "/pets/{id}", Some("deletePet"), None),
            op(
                "GET",
                "/pets/{id}",
                Some("findPetById"),
                Some("Info for a specific pet")
            ),
        ]
    );
    assert_eq!(summary.operation_count, 4);
    assert_eq!(
        summary.servers,
        [
            "https://petstore.swagger.io/v2",
            "http://petstore.swagger.io/v2"
        ]
    );
}

#[test]
fn summarizes_openapi_31_without_following_references() {
    let (summary, diagnostics) = spec(OPENAPI_31, ApiType::Openapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.spec_version, "3.1.0");
    assert_eq!(summary.title, "Petstore Webhooks");
    assert_eq!(summary.version, "2.1");
    assert_eq!(summary.description, None);
    // `/pets/{petId}` is a path item `$ref`: no operation is written there. The `post` given
    // as a `$ref` is counted with what is written. Webhooks are not paths.
    assert_eq!(
        summary.operations,
        vec![
            op("GET", "/pets", Some("listPets"), Some("List all pets")),
            op("POST", "/pets/{petId}/adoptions", None, None),
            op(
                "PUT",
                "/pets/{petId}/adoptions",
                Some("updateAdoption"),
                Some("Update an adoption")
            ),
        ]
    );
    assert_eq!(summary.servers, ["https://{region}.petstore.example/v2"]);
}

#[test]
fn summarizes_swagger_20_json() {
    let (summary, diagnostics) = spec(SWAGGER_20, ApiType::Openapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.format, SpecFormat::Swagger2);
    assert_eq!(summary.spec_version, "2.0");
    assert_eq!(summary.title, "Swagger Petstore");
    assert_eq!(summary.version, "1.0.7");
    assert_eq!(
        summary.description.as_deref(),
        Some("This is a sample server Petstore server.")
    );
    let shown: Vec<(&str, &str)> = summary
        .operations
        .iter()
        .map(|o| (o.method.as_str(), o.path.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("POST", "/pet"),
            ("PUT", "/pet"),
            ("GET", "/pet/findByStatus"),
            ("DELETE", "/pet/{petId}"),
            ("GET", "/pet/{petId}"),
        ]
    );
    assert_eq!(
        summary.servers,
        [
            "https://petstore.swagger.io/v2",
            "http://petstore.swagger.io/v2"
        ]
    );
}

#[test]
fn summarizes_asyncapi_26() {
    let (summary, diagnostics) = spec(ASYNCAPI_26, ApiType::Asyncapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.format, SpecFormat::AsyncApi2);
    assert_eq!(summary.spec_version, "2.6.0");
    assert_eq!(summary.title, "Streetlights Kafka API");
    assert_eq!(
        summary.operations,
        vec![
            op(
                "publish",
                "smartylighting.streetlights.1.0.action.{streetlightId}.turn.on",
                Some("turnOn"),
                None
            ),
            op(
                "subscribe",
                "smartylighting.streetlights.1.0.event.{streetlightId}.lighting.measured",
                Some("receiveLightMeasurement"),
                Some(
                    "Receive information about environmental lighting conditions of a \
                     particular streetlight."
                )
            ),
        ]
    );
    // A URL without a scheme gets the server's protocol.
    assert_eq!(
        summary.servers,
        [
            "mqtts://test.mykafkacluster.org:28092",
            "kafka-secure://test.mykafkacluster.org:18092"
        ]
    );
}

#[test]
fn summarizes_asyncapi_30() {
    let (summary, diagnostics) = spec(ASYNCAPI_30, ApiType::Asyncapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.format, SpecFormat::AsyncApi3);
    assert_eq!(summary.spec_version, "3.0.0");
    assert_eq!(summary.title, "Streetlights MQTT API");
    // The channel is the name in `channel.$ref`; an operation written as a `$ref` is
    // counted, with no action or channel written.
    assert_eq!(
        summary.operations,
        vec![
            op("", "", Some("dimLight"), None),
            op("send", "lightTurnOn", Some("turnOn"), None),
            op(
                "receive",
                "lightingMeasured",
                Some("receiveLightMeasurement"),
                Some(
                    "Inform about environmental lighting conditions of a particular \
                     streetlight."
                )
            ),
        ]
    );
    assert_eq!(
        summary.servers,
        [
            "mqtt://test.mosquitto.org:{port}",
            "amqp://rabbitmq.example.org/streetlights"
        ]
    );
}

#[test]
fn serializes_summaries_in_camel_case() {
    let (summary, _) = spec(OPENAPI_30, ApiType::Openapi);
    let value = serde_json::to_value(summary.expect("summary")).expect("serializes");
    assert_eq!(value["format"], "openapi3");
    assert_eq!(value["specVersion"], "3.0.3");
    assert_eq!(value["operationCount"], 4);
    assert_eq!(
        value["operations"][2],
        json!({"method": "DELETE", "path": "/pets/{id}", "operationId": "deletePet"})
    );
    let (summary, _) = spec(ASYNCAPI_30, ApiType::Asyncapi);
    let value = serde_json::to_value(summary.expect("summary")).expect("serializes");
    assert_eq!(value["format"], "asyncapi3");
}

#[test]
fn graphql_and_grpc_specs_are_not_read() {
    let (documents, _) = load("api/schema.graphql", "openapi: 3.0.3\n");
    for declared in [ApiType::Graphql, ApiType::Grpc] {
        let mut diagnostics = Vec::new();
        let summary =
            summarize_api_spec("api/schema.graphql", &documents, declared, &mut diagnostics);
        assert!(summary.is_none());
        assert!(diagnostics.is_empty());
        assert!(summarize_api_spec("x.proto", &[], declared, &mut diagnostics).is_none());
        assert!(diagnostics.is_empty());
    }
}

#[test]
fn reads_only_the_first_document() {
    let text = "openapi: 3.1.0\ninfo: {title: A, version: '1'}\n---\nnot: a spec\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    assert!(diagnostics.is_empty());
    assert_eq!(summary.expect("summary").title, "A");
}

#[test]
fn accepts_optional_sections_and_numeric_api_versions() {
    // OpenAPI 3.1 may have no `paths`; AsyncAPI 3 may have no `channels` or `operations`;
    // `version: 1.0` is a number in YAML and is kept as written.
    let (summary, diagnostics) = spec(
        "openapi: 3.1.0\ninfo:\n  title: Components only\n  version: 1.0\n",
        ApiType::Openapi,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.version, "1.0");
    assert!(summary.operations.is_empty());
    let (summary, diagnostics) = spec(
        "asyncapi: 3.0.0\ninfo: {title: Empty, version: 0.1.0}\n",
        ApiType::Asyncapi,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(summary.expect("summary").operation_count, 0);
}

#[test]
fn reads_openapi_32_query_and_additional_operations() {
    let text = "openapi: 3.2.0\ninfo: {title: Search, version: '1'}\npaths:\n  /items:\n    \
                query: {operationId: searchItems}\n    additionalOperations:\n      \
                COPY: {operationId: copyItems}\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        summary.expect("summary").operations,
        vec![
            op("COPY", "/items", Some("copyItems"), None),
            op("QUERY", "/items", Some("searchItems"), None),
        ]
    );
}

#[test]
fn caps_operations_and_cuts_long_texts() {
    let mut text = format!(
        "openapi: 3.0.3\ninfo:\n  title: {}\n  version: '1'\n  description: {}\npaths:\n",
        "T".repeat(500),
        "é".repeat(2_000)
    );
    for index in 0..MAX_OPERATIONS + 50 {
        text.push_str(&format!("  /r{index:05}: {{get: {{}}}}\n"));
    }
    let (summary, diagnostics) = spec(&text, ApiType::Openapi);
    assert!(diagnostics.is_empty());
    let summary = summary.expect("summary");
    assert_eq!(summary.operations.len(), MAX_OPERATIONS);
    assert_eq!(summary.operation_count, MAX_OPERATIONS + 50);
    assert_eq!(summary.operations[0].path, "/r00000");
    assert_eq!(summary.title.chars().count(), MAX_TITLE_CHARS);
    assert_eq!(
        summary.description.map(|d| d.chars().count()),
        Some(MAX_DESCRIPTION_CHARS)
    );
}

// ---------------------------------------------------------------------------------------------
// API specs: located findings

#[test]
fn reports_an_asyncapi_document_declared_as_openapi_at_its_version_key() {
    let (summary, diagnostics) = spec(ASYNCAPI_26, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert_eq!(finding.file.as_deref(), Some("api/spec.yaml"));
    assert_eq!(finding.pointer.as_deref(), Some("/asyncapi"));
    assert!(finding.message.contains("AsyncAPI"), "{}", finding.message);
    assert!(
        finding
            .help
            .as_deref()
            .is_some_and(|h| h.contains("type: asyncapi"))
    );
}

#[test]
fn reports_openapi_and_swagger_documents_declared_as_asyncapi() {
    let (summary, diagnostics) = spec(OPENAPI_30, ApiType::Asyncapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert!(
        finding
            .help
            .as_deref()
            .is_some_and(|h| h.contains("type: openapi"))
    );
    let (summary, diagnostics) = spec(SWAGGER_20, ApiType::Asyncapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    // The `"swagger"` key on line 2 of the JSON file.
    assert_eq!(at(finding), (2, 3));
}

#[test]
fn reports_a_spec_without_a_version_line_at_its_root_mapping() {
    let text = "info:\n  title: Billing API\n  version: 2.3.0\npaths:\n  /invoices:\n    get: {}\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert_eq!(finding.pointer.as_deref(), Some(""));
    assert!(
        finding.message.contains("`openapi:`"),
        "{}",
        finding.message
    );
    let (summary, diagnostics) = spec(text, ApiType::Asyncapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert!(
        finding.message.contains("`asyncapi:`"),
        "{}",
        finding.message
    );
}

#[test]
fn recognises_a_postman_collection() {
    let (summary, diagnostics) = spec(POSTMAN, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert!(
        finding
            .help
            .as_deref()
            .is_some_and(|h| h.contains("Postman collection"))
    );
}

#[test]
fn reports_unsupported_versions_at_the_value() {
    let cases = [
        (
            "openapi: 4.0.0\n",
            ApiType::Openapi,
            (1, 10),
            "not a supported version",
        ),
        (
            "openapi: '1.2'\n",
            ApiType::Openapi,
            (1, 10),
            "not a supported version",
        ),
        (
            "openapi: '2.0'\n",
            ApiType::Openapi,
            (1, 10),
            "not a supported version",
        ),
        (
            "swagger: '1.2'\n",
            ApiType::Openapi,
            (1, 10),
            "not a supported version",
        ),
        (
            "asyncapi: 1.2.0\n",
            ApiType::Asyncapi,
            (1, 11),
            "not a supported version",
        ),
        (
            "openapi: three\n",
            ApiType::Openapi,
            (1, 10),
            "is not a version number",
        ),
        ("openapi: [3]\n", ApiType::Openapi, (1, 10), "not a list"),
        (
            "openapi: 3.0\n",
            ApiType::Openapi,
            (1, 10),
            "written as the number",
        ),
        (
            "swagger: 2.0\n",
            ApiType::Openapi,
            (1, 10),
            "written as the number",
        ),
    ];
    for (head, declared, location, words) in cases {
        let text = format!("{head}info: {{title: T, version: '1'}}\npaths: {{}}\nchannels: {{}}\n");
        let (summary, diagnostics) = spec(&text, declared);
        let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
        assert_eq!(at(finding), location, "{head}");
        assert!(
            finding.message.contains(words),
            "{head}: {}",
            finding.message
        );
    }
    let (_, diagnostics) = spec(
        "openapi: '2.0'\ninfo: {title: T, version: '1'}\n",
        ApiType::Openapi,
    );
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("swagger: \"2.0\""))
    );
    let (_, diagnostics) = spec("swagger: 2.0\n", ApiType::Openapi);
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("swagger: \"2.0\""))
    );
}

#[test]
fn reports_swagger_1_documents() {
    let text = "apiVersion: '1.0'\nswaggerVersion: '1.2'\nbasePath: http://example.com/api\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (2, 1));
    assert!(finding.message.contains("Swagger 1.x"));
}

#[test]
fn reports_missing_info_fields_at_the_info_mapping() {
    let text = "openapi: 3.0.3\ninfo:\n  description: Billing\n  version: 1.0.0\npaths: {}\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (3, 3));
    assert_eq!(finding.pointer.as_deref(), Some("/info"));
    assert_eq!(finding.message, "`info:` has no `title:`");

    // Both missing: two findings, both at `{`.
    let (summary, diagnostics) = spec("openapi: 3.0.3\ninfo: {}\npaths: {}\n", ApiType::Openapi);
    assert!(summary.is_none());
    let found: Vec<_> = diagnostics
        .iter()
        .map(|d| (at(d), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ((2, 7), "`info:` has no `title:`"),
            ((2, 7), "`info:` has no `version:`")
        ]
    );

    // No `info` at all: at the root mapping.
    let (summary, diagnostics) = spec("asyncapi: 2.6.0\nchannels: {}\n", ApiType::Asyncapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert_eq!(
        finding.message,
        "this AsyncAPI 2.6.0 document has no `info:` section"
    );
}

#[test]
fn reports_info_values_of_the_wrong_type_at_the_value() {
    let text = "openapi: 3.0.3\ninfo:\n  title: [Billing]\n  version: 1.0.0\npaths: {}\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (3, 10));
    assert_eq!(finding.message, "`info.title` must be text, not a list");
    let (summary, diagnostics) = spec(
        "openapi: 3.0.3\ninfo: Billing\npaths: {}\n",
        ApiType::Openapi,
    );
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (2, 7));
}

#[test]
fn reports_paths_and_channels_that_are_not_mappings() {
    let head = "info: {title: T, version: '1'}\n";
    let cases = [
        (
            format!("openapi: 3.0.3\n{head}paths: [/pets]\n"),
            ApiType::Openapi,
            vec![(3, 8)],
        ),
        (
            format!("swagger: '2.0'\n{head}paths:\n"),
            ApiType::Openapi,
            vec![(3, 1)],
        ),
        (
            format!("asyncapi: 2.6.0\n{head}channels: orders\n"),
            ApiType::Asyncapi,
            vec![(3, 11)],
        ),
        (
            format!("asyncapi: 3.0.0\n{head}channels: 3\noperations: [send]\n"),
            ApiType::Asyncapi,
            vec![(3, 11), (4, 13)],
        ),
    ];
    for (text, declared, locations) in cases {
        let (summary, diagnostics) = spec(&text, declared);
        assert!(summary.is_none());
        let found: Vec<_> = diagnostics.iter().map(at).collect();
        assert_eq!(found, locations, "{text}");
        assert!(diagnostics.iter().all(|d| d.code == Code::InvalidApiSpec));
        assert!(
            diagnostics
                .iter()
                .all(|d| d.message.contains("must be a mapping"))
        );
    }
}

#[test]
fn reports_required_sections_missing_at_the_root() {
    let head = "info: {title: T, version: '1'}\n";
    for (text, declared, words) in [
        (
            format!("openapi: 3.0.3\n{head}"),
            ApiType::Openapi,
            "OpenAPI 3.0.3 document has no `paths:`",
        ),
        (
            format!("swagger: '2.0'\n{head}"),
            ApiType::Openapi,
            "Swagger 2.0 document has no `paths:`",
        ),
        (
            format!("asyncapi: 2.6.0\n{head}"),
            ApiType::Asyncapi,
            "AsyncAPI 2.6.0 document has no `channels:`",
        ),
    ] {
        let (summary, diagnostics) = spec(&text, declared);
        let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
        assert_eq!(at(finding), (1, 1));
        assert!(finding.message.contains(words), "{}", finding.message);
    }
}

#[test]
fn reports_a_spec_that_is_not_a_mapping() {
    let (summary, diagnostics) = spec("\n- openapi: 3.0.3\n", ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (2, 1));
    assert!(finding.message.contains("is a list"), "{}", finding.message);
    let (summary, diagnostics) = spec("# Billing API\n\nSee the wiki.\n", ApiType::Asyncapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (3, 1));
}

#[test]
fn reports_an_empty_spec_once() {
    let mut diagnostics = Vec::new();
    assert!(summarize_api_spec("a.yaml", &[], ApiType::Openapi, &mut diagnostics).is_none());
    let finding = only(None::<()>, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(at(finding), (1, 1));
    assert!(finding.message.contains("empty"));

    // The loader could not read the file: its finding stands alone.
    let (documents, mut diagnostics) = load("a.yaml", "openapi: [3.0\n");
    assert!(documents.is_empty());
    assert_eq!(diagnostics.len(), 1);
    assert!(summarize_api_spec("a.yaml", &documents, ApiType::Openapi, &mut diagnostics).is_none());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, Code::YamlSyntax);
}

#[test]
fn reads_merged_mappings() {
    // Merge keys are applied by the lenient loader; the finding is at the `info` mapping.
    let text = "base: &base\n  title: T\nopenapi: 3.0.3\ninfo:\n  <<: *base\npaths: {}\n";
    let (summary, diagnostics) = spec(text, ApiType::Openapi);
    let finding = only(summary, &diagnostics, Code::InvalidApiSpec);
    assert_eq!(finding.message, "`info:` has no `version:`");
    assert_eq!(at(finding), (5, 3));
}

// ---------------------------------------------------------------------------------------------
// Workflows

#[test]
fn summarizes_a_deploy_workflow() {
    let (summary, diagnostics) = workflow(WORKFLOW);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.name.as_deref(), Some("Build and deploy"));
    assert_eq!(summary.triggers, ["push", "workflow_dispatch"]);
    assert_eq!(summary.environments, ["production", "staging"]);
    let job = |id: &str, name: Option<&str>, environment: Option<&str>, uses: Option<&str>| Job {
        id: id.to_owned(),
        name: name.map(str::to_owned),
        environment: environment.map(str::to_owned),
        uses: uses.map(str::to_owned),
    };
    assert_eq!(
        summary.jobs,
        vec![
            job(
                "deploy-production",
                Some("Deploy to production"),
                Some("production"),
                None
            ),
            job("deploy-staging", None, Some("staging"), None),
            job(
                "notify",
                None,
                None,
                Some("acme/shared-workflows/.github/workflows/notify.yml@v2")
            ),
            job("test", Some("Unit tests"), None, None),
        ]
    );
    let value = serde_json::to_value(&summary).expect("serializes");
    assert_eq!(
        value["jobs"][1],
        json!({"id": "deploy-staging", "environment": "staging"})
    );
}

#[test]
fn reads_every_form_of_on() {
    let jobs = "jobs:\n  build: {runs-on: ubuntu-latest, steps: [{run: make}]}\n";
    for (on, expected) in [
        ("on: push\n", vec!["push"]),
        (
            "on: [push, pull_request, push]\n",
            vec!["pull_request", "push"],
        ),
        (
            "on:\n  schedule:\n    - cron: '0 3 * * *'\n  pull_request:\n",
            vec!["pull_request", "schedule"],
        ),
        // YAML 1.2: `on` is a string key, never the boolean `true`.
        ("\"on\": workflow_call\n", vec!["workflow_call"]),
    ] {
        let (summary, diagnostics) = workflow(&format!("{on}{jobs}"));
        assert!(diagnostics.is_empty(), "{on}: {diagnostics:#?}");
        assert_eq!(summary.expect("summary").triggers, expected, "{on}");
    }
}

#[test]
fn keeps_environment_expressions_as_written() {
    let text = "on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    \
                environment: ${{ inputs.target }}\n    steps: [{run: deploy}]\n  \
                review:\n    runs-on: ubuntu-latest\n    environment: {url: 'https://x'}\n    \
                steps: [{run: x}]\n";
    let (summary, diagnostics) = workflow(text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let summary = summary.expect("summary");
    assert_eq!(summary.environments, ["${{ inputs.target }}"]);
    assert_eq!(summary.jobs[1].environment, None);
}

#[test]
fn reports_a_file_without_on_or_jobs_at_its_root() {
    let (summary, diagnostics) = workflow("name: CI\nenv:\n  GO: '1.23'\n");
    assert!(summary.is_none());
    let found: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, at(d), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                PIPELINE_CODE,
                (1, 1),
                "this workflow has no `on:` key saying which events start it"
            ),
            (
                PIPELINE_CODE,
                (1, 1),
                "this workflow has no `jobs:` section"
            ),
        ]
    );
    // `true:` is not `on:` (the loader reads YAML 1.2).
    let (summary, diagnostics) = workflow("true: push\njobs:\n  a: {runs-on: x}\n");
    let finding = only(summary, &diagnostics, PIPELINE_CODE);
    assert!(finding.message.contains("no `on:`"));
}

#[test]
fn reports_bad_on_values_at_the_value() {
    let jobs = "jobs:\n  build: {runs-on: ubuntu-latest}\n";
    for (on, location, words) in [
        ("on: 42\n", (1, 5), "not the number `42`"),
        ("on:\n", (1, 1), "names no event"),
        ("on: []\n", (1, 5), "names no event"),
        ("on: {}\n", (1, 5), "names no event"),
        ("on: [push, {pull_request: {}}]\n", (1, 12), "not a mapping"),
    ] {
        let (summary, diagnostics) = workflow(&format!("{on}{jobs}"));
        let finding = only(summary, &diagnostics, PIPELINE_CODE);
        assert_eq!(at(finding), location, "{on}");
        assert!(finding.message.contains(words), "{on}: {}", finding.message);
    }
}

#[test]
fn reports_bad_jobs_at_the_node() {
    for (jobs, location, words) in [
        (
            "jobs: [build, test]\n",
            (2, 7),
            "must be a mapping of job ids",
        ),
        ("jobs: {}\n", (2, 7), "holds no job"),
        (
            "jobs:\n  build: make all\n",
            (3, 10),
            "the job `build` must be a mapping",
        ),
        (
            "jobs:\n  a/b: 1\n",
            (3, 8),
            "the job `a/b` must be a mapping",
        ),
    ] {
        let (summary, diagnostics) = workflow(&format!("on: push\n{jobs}"));
        let finding = only(summary, &diagnostics, PIPELINE_CODE);
        assert_eq!(at(finding), location, "{jobs}");
        assert!(
            finding.message.contains(words),
            "{jobs}: {}",
            finding.message
        );
    }
}

#[test]
fn recognises_an_action_definition() {
    let (summary, diagnostics) = workflow(ACTION);
    let finding = only(summary, &diagnostics, PIPELINE_CODE);
    assert_eq!(at(finding), (7, 1));
    assert_eq!(finding.pointer.as_deref(), Some("/runs"));
    assert!(finding.message.contains("GitHub Action"));
}

#[test]
fn reports_a_workflow_that_is_not_a_mapping() {
    let (summary, diagnostics) = workflow("# CI\n\nRun `make` to build.\n");
    let finding = only(summary, &diagnostics, PIPELINE_CODE);
    assert_eq!(at(finding), (3, 1));
    assert!(
        finding.message.contains("is the text"),
        "{}",
        finding.message
    );
}

#[test]
fn reports_an_empty_workflow() {
    let (documents, mut diagnostics) = load("ci.yml", "# nothing yet\n");
    assert!(summarize_workflow("ci.yml", &documents, &mut diagnostics).is_none());
    let finding = only(None::<()>, &diagnostics, PIPELINE_CODE);
    assert_eq!(at(finding), (1, 1));
}

#[test]
fn caps_triggers_and_jobs() {
    let mut text = String::from("on:\n");
    for index in 0..MAX_TRIGGERS + 10 {
        text.push_str(&format!("  event{index:04}: {{}}\n"));
    }
    text.push_str("jobs:\n");
    for index in 0..MAX_JOBS + 10 {
        text.push_str(&format!(
            "  job{index:05}: {{environment: env{}}}\n",
            index % 3
        ));
    }
    let (summary, diagnostics) = workflow(&text);
    assert!(diagnostics.is_empty());
    let summary = summary.expect("summary");
    assert_eq!(summary.triggers.len(), MAX_TRIGGERS);
    assert_eq!(summary.triggers[0], "event0000");
    assert_eq!(summary.jobs.len(), MAX_JOBS);
    assert_eq!(summary.environments, ["env0", "env1", "env2"]);
}

// ---------------------------------------------------------------------------------------------
// Markdown

#[test]
fn summarizes_a_runbook() {
    let doc = summarize_doc(RUNBOOK);
    assert_eq!(doc.title.as_deref(), Some("Billing runbook"));
    assert_eq!(
        doc.headings,
        [
            "Billing runbook",
            "Restarting the service",
            "Escalation",
            "Contacts"
        ]
    );
    // Front matter and code fences are skipped; `-`, `|` and `---` are not words.
    let expected = [
        2,  // Billing runbook
        11, // This runbook covers **on-call** tasks for the billing service. See the
        2,  // [dashboard](…) first.
        3,  // ## Restarting the service
        6,  // Restart one pod at a time:
        3,  // ### Checking the queue
        6,  // - look at the `invoices` queue depth
        7,  // - page the ledger team if it grows
        1,  // Escalation
        2,  // | Step | Who |
        2,  // | 1    | on-call |
        5,  //     # indented code, not a heading
        5,  // #hashtag is not a heading
        1,  // ## Contacts ##
    ];
    assert_eq!(doc.words, expected.iter().sum::<usize>());
    let value = serde_json::to_value(&doc).expect("serializes");
    assert_eq!(value["title"], "Billing runbook");
}

#[test]
fn finds_atx_and_setext_headings() {
    let doc = summarize_doc(
        "## Overview ##\n\n# Billing   \n\nTwo line\nsetext title\n---\n\n#NoSpace\n#\n\n###### Deep\n",
    );
    // The title is the first level-1 heading, wherever it is.
    assert_eq!(doc.title.as_deref(), Some("Billing"));
    assert_eq!(
        doc.headings,
        ["Overview", "Billing", "Two line setext title"]
    );
}

#[test]
fn underlines_after_lists_and_quotes_are_not_headings() {
    let doc = summarize_doc("- item\n---\n\n> quote\n===\n\n---\n\nText\n====\n");
    assert_eq!(doc.headings, ["Text"]);
    assert_eq!(doc.title.as_deref(), Some("Text"));
}

#[test]
fn handles_unclosed_fences_front_matter_and_crlf() {
    let doc = summarize_doc("# Top\r\n\r\n```\r\n# code\r\nmore code\r\n");
    assert_eq!(doc.headings, ["Top"]);
    assert_eq!(doc.words, 1);
    // `---` without a closing line is a thematic break, not front matter.
    let doc = summarize_doc("---\ntitle: x\n# Real\n");
    assert_eq!(doc.title.as_deref(), Some("Real"));
    assert_eq!(doc.words, 3);
    // A longer closing fence closes; a shorter one does not.
    let doc = summarize_doc("````\n```\n# in code\n````\n# After\n");
    assert_eq!(doc.headings, ["After"]);
    let doc = summarize_doc("");
    assert_eq!(
        doc,
        Doc {
            title: None,
            words: 0,
            headings: Vec::new()
        }
    );
}

#[test]
fn caps_headings_and_cuts_long_titles() {
    let mut text = format!("# {}\n", "é".repeat(1_000));
    for index in 0..100 {
        text.push_str(&format!("## Section {index}\n"));
    }
    let doc = summarize_doc(&text);
    assert_eq!(doc.headings.len(), MAX_HEADINGS);
    assert_eq!(
        doc.title.map(|title| title.chars().count()),
        Some(MAX_TITLE_CHARS)
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile input

/// Deterministic pseudo-random texts built from fragments that matter to the readers.
fn fragments_texts(fragments: &[&str], count: usize) -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    (0..count)
        .map(|_| {
            let length = next() % 24;
            (0..length)
                .map(|_| fragments[next() % fragments.len()])
                .collect()
        })
        .collect()
}

#[test]
fn never_panics_on_fragment_soup() {
    let markdown = [
        "#", "# ", "##", "=", "-", "---", "```", "~~~", "````", "\n", "\r\n", "  ", "    ", "é",
        "word", "> ", "1. ", "| ", "\t", "`", "*", "_",
    ];
    for text in fragments_texts(&markdown, 5_000) {
        let doc = summarize_doc(&text);
        assert!(doc.headings.len() <= MAX_HEADINGS);
    }
    let yaml = [
        "openapi: ",
        "swagger: ",
        "asyncapi: ",
        "on: ",
        "jobs:",
        "info:",
        "paths:",
        "channels:",
        "operations:",
        "servers:",
        "\n",
        "\n  ",
        "\n    ",
        "- ",
        "3.0.0",
        "2.0",
        "'2.6.0'",
        "{}",
        "[]",
        "get: ",
        "$ref: ",
        "x",
        "é",
        "title: ",
        "version: ",
        "environment: ",
        "action: ",
        "channel: ",
        "~",
        "1.5",
        ": ",
    ];
    for text in fragments_texts(&yaml, 5_000) {
        let (documents, mut diagnostics) = load("f.yaml", &text);
        // No summary means a finding, unless the loader already reported the file.
        let loader_failed = documents.is_empty() && !diagnostics.is_empty();
        for declared in [ApiType::Openapi, ApiType::Asyncapi] {
            let before = diagnostics.len();
            let summary = summarize_api_spec("f.yaml", &documents, declared, &mut diagnostics);
            assert_eq!(
                summary.is_none(),
                diagnostics.len() > before || loader_failed,
                "{text:?}"
            );
        }
        let before = diagnostics.len();
        let summary = summarize_workflow("f.yaml", &documents, &mut diagnostics);
        assert_eq!(
            summary.is_none(),
            diagnostics.len() > before || loader_failed,
            "{text:?}"
        );
        for diagnostic in &diagnostics {
            assert!(diagnostic.span.is_some() && diagnostic.file.is_some());
        }
    }
}
