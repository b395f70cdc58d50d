use std::sync::Arc;

use catalogc_diagnostics::{Code, Diagnostic, Position};
use catalogc_model::{Service, Team};

use super::*;
use crate::yaml::{Mode, SpanMap, StructureLimits, parse};

/// Services from YAML documents (one file per document, named after the service).
fn services(docs: &[&str]) -> Vec<Entity<Service>> {
    let mut list: Vec<Entity<Service>> = docs
        .iter()
        .map(|text| {
            let mut diagnostics = Vec::new();
            let document = parse(
                "f",
                text,
                Mode::Strict,
                StructureLimits::DESCRIPTOR,
                &mut diagnostics,
            )
            .pop()
            .expect("one document");
            let value: Service =
                serde_json::from_value(document.value.clone()).expect("valid service");
            Entity {
                file: format!("repos/{}/service.yaml", value.name),
                value,
                start: document.start,
                spans: Arc::new(document.spans),
                origin: crate::Origin::Directory,
            }
        })
        .collect();
    list.sort_by(|a, b| a.value.name.cmp(&b.value.name));
    list
}

fn service(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: catalogc/v1\nkind: Service\nname: {name}\nowner: t\nlifecycle: production\n{extra}"
    )
}

/// A service built without YAML (for large generated graphs).
fn quick(name: String, depends_on: Vec<String>) -> Entity<Service> {
    let value: Service = serde_json::from_value(serde_json::json!({
        "apiVersion": "catalogc/v1", "kind": "Service", "name": name, "owner": "t",
        "lifecycle": "production", "dependsOn": depends_on,
    }))
    .expect("service");
    Entity {
        file: format!("repos/{name}/service.yaml"),
        value,
        start: Position::START,
        spans: Arc::new(SpanMap::default()),
        origin: crate::Origin::Directory,
    }
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn resolves_dependencies_and_consumed_apis_both_ways() {
    let list = services(&[
        &service(
            "billing",
            "dependsOn: [ledger, {service: fraud, kind: async, critical: false}]\napis:\n  consumes: [notify-api]\n",
        ),
        &service("ledger", ""),
        &service("fraud", ""),
        &service(
            "notifications",
            "apis:\n  provides: [{name: notify-api, type: openapi}]\n",
        ),
        &service("checkout", "dependsOn: [billing]\n"),
    ]);
    let mut diagnostics = Vec::new();
    let graph = Graph::resolve(&list, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        graph.upstream("billing"),
        ["fraud", "ledger", "notifications"]
    );
    assert_eq!(graph.downstream("billing"), ["checkout"]);
    assert_eq!(
        graph.upstream_all("checkout"),
        ["billing", "fraud", "ledger", "notifications"]
    );
    assert_eq!(graph.downstream_all("ledger"), ["billing", "checkout"]);
    let edges = graph.dependencies("billing");
    let fraud = edges
        .iter()
        .find(|(to, _)| *to == "fraud")
        .expect("fraud edge")
        .1;
    assert_eq!((fraud.kind, fraud.critical), (DependencyKind::Async, false));
    let closures = graph.closures();
    assert_eq!(
        graph.closure_names(&closures, "checkout", true),
        graph.upstream_all("checkout")
    );
    assert_eq!(
        graph.closure_names(&closures, "ledger", false),
        graph.downstream_all("ledger")
    );
}

#[test]
fn unknown_services_and_apis_are_located_with_suggestions() {
    let list = services(&[
        &service(
            "billing",
            "dependsOn:\n  - ledgr\n  - {service: frau}\napis:\n  consumes: [ledger-apii]\n",
        ),
        &service(
            "ledger",
            "apis:\n  provides: [{name: ledger-api, type: grpc}]\n",
        ),
        &service("fraud", ""),
    ]);
    let mut diagnostics = Vec::new();
    Graph::resolve(&list, &mut diagnostics);
    assert_eq!(
        codes(&diagnostics),
        [Code::UnknownService, Code::UnknownService, Code::UnknownApi]
    );
    let first = &diagnostics[0];
    assert_eq!(first.pointer.as_deref(), Some("/dependsOn/0"));
    assert_eq!(
        first.span.map(|s| (s.start.line, s.start.column)),
        Some((7, 5))
    );
    assert_eq!(first.help.as_deref(), Some("did you mean `ledger`?"));
    assert_eq!(
        diagnostics[1].pointer.as_deref(),
        Some("/dependsOn/1/service")
    );
    assert_eq!(
        diagnostics[1].help.as_deref(),
        Some("did you mean `fraud`?")
    );
    assert_eq!(
        diagnostics[2].help.as_deref(),
        Some("did you mean `ledger-api`?")
    );
}

#[test]
fn self_dependency_is_an_error() {
    let list = services(&[&service("billing", "dependsOn: [billing]\n")]);
    let mut diagnostics = Vec::new();
    let graph = Graph::resolve(&list, &mut diagnostics);
    assert_eq!(codes(&diagnostics), [Code::SelfDependency]);
    assert!(graph.upstream("billing").is_empty());
}

#[test]
fn each_cycle_is_reported_once_with_its_path_and_edges() {
    let list = services(&[
        &service("a", "dependsOn: [b]\n"),
        &service("b", "dependsOn: [c]\n"),
        &service("c", "dependsOn: [a, d]\n"),
        &service("d", "dependsOn: [e]\n"),
        &service("e", "dependsOn: [d]\n"),
        &service("f", "dependsOn: [a]\n"),
    ]);
    let mut diagnostics = Vec::new();
    Graph::resolve(&list, &mut diagnostics);
    let cycles: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::DependencyCycle)
        .collect();
    assert_eq!(cycles.len(), 2, "{diagnostics:?}");
    let messages: Vec<&str> = cycles.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"services depend on each other in a cycle: a → b → c → a"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"services depend on each other in a cycle: d → e → d"),
        "{messages:?}"
    );
    let abc = cycles
        .iter()
        .find(|d| d.message.contains("a → b"))
        .expect("abc");
    assert_eq!(abc.file.as_deref(), Some("repos/a/service.yaml"));
    let related: Vec<&str> = abc.related.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(related, ["repos/b/service.yaml", "repos/c/service.yaml"]);
    assert_eq!(cycles[0].severity, catalogc_diagnostics::Severity::Warning);
}

#[test]
fn asynchronous_dependencies_do_not_make_cycles() {
    let list = services(&[
        &service("orders", "dependsOn: [{service: events, kind: async}]\n"),
        &service("events", "dependsOn: [orders]\n"),
    ]);
    let mut diagnostics = Vec::new();
    Graph::resolve(&list, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn live_services_depending_on_retiring_ones_are_warned() {
    let list = services(&[
        &service("billing", "dependsOn: [legacy]\n"),
        "apiVersion: catalogc/v1\nkind: Service\nname: legacy\nowner: t\nlifecycle: deprecated\n",
        "apiVersion: catalogc/v1\nkind: Service\nname: old\nowner: t\nlifecycle: retired\ndependsOn: [legacy]\n",
    ]);
    let mut diagnostics = Vec::new();
    Graph::resolve(&list, &mut diagnostics);
    assert_eq!(codes(&diagnostics), [Code::DeprecatedDependency]);
    assert_eq!(
        diagnostics[0].file.as_deref(),
        Some("repos/billing/service.yaml")
    );
}

#[test]
fn duplicate_api_names_are_reported() {
    let list = services(&[
        &service(
            "billing",
            "apis:\n  provides: [{name: pay-api, type: openapi}]\n",
        ),
        &service(
            "payments",
            "apis:\n  provides: [{name: pay-api, type: openapi}]\n",
        ),
    ]);
    let mut diagnostics = Vec::new();
    Graph::resolve(&list, &mut diagnostics);
    assert_eq!(codes(&diagnostics), [Code::DuplicateName]);
    assert_eq!(
        diagnostics[0].file.as_deref(),
        Some("repos/payments/service.yaml")
    );
    assert_eq!(diagnostics[0].related[0].file, "repos/billing/service.yaml");
}

/// 100,000 services in one chain, closed into one cycle: nothing recurses.
#[test]
fn hundred_thousand_node_chain_and_cycle_without_stack_overflow() {
    const N: usize = 100_000;
    let name = |i: usize| format!("s{i:06}");
    let chain: Vec<Entity<Service>> = (0..N)
        .map(|i| quick(name(i), if i + 1 < N { vec![name(i + 1)] } else { vec![] }))
        .collect();
    let mut diagnostics = Vec::new();
    let graph = Graph::resolve(&chain, &mut diagnostics);
    assert!(diagnostics.is_empty());
    assert_eq!(graph.upstream_all(&name(0)).len(), N - 1);
    assert_eq!(graph.downstream_all(&name(N - 1)).len(), N - 1);
    assert_eq!(
        graph
            .neighbourhood(&name(500), true, true, 2)
            .map(|n| n.len()),
        Some(5)
    );

    let cycle: Vec<Entity<Service>> = (0..N)
        .map(|i| quick(name(i), vec![name((i + 1) % N)]))
        .collect();
    let mut diagnostics = Vec::new();
    Graph::resolve(&cycle, &mut diagnostics);
    assert_eq!(codes(&diagnostics), [Code::DependencyCycle]);
    assert_eq!(diagnostics[0].related.len(), N - 1);
}

#[test]
fn closures_of_a_wide_dag_match_single_searches() {
    const N: usize = 2_000;
    let name = |i: usize| format!("s{i:05}");
    // Each service depends on up to three lower-numbered services.
    let list: Vec<Entity<Service>> = (0..N)
        .map(|i| {
            let deps = [i / 2, i / 3, i.saturating_sub(7)]
                .into_iter()
                .filter(|&d| d < i)
                .map(name)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            quick(name(i), deps)
        })
        .collect();
    let graph = Graph::resolve(&list, &mut Vec::new());
    let closures = graph.closures();
    for i in (0..N).step_by(97) {
        assert_eq!(
            graph.closure_names(&closures, &name(i), true),
            graph.upstream_all(&name(i))
        );
        assert_eq!(
            graph.closure_names(&closures, &name(i), false),
            graph.downstream_all(&name(i))
        );
    }
}

fn team(name: &str, parent: Option<&str>) -> Entity<Team> {
    let mut value = serde_json::json!({"apiVersion": "catalogc/v1", "kind": "Team", "name": name});
    if let Some(parent) = parent {
        value["parent"] = serde_json::json!(parent);
    }
    Entity {
        value: serde_json::from_value(value).expect("team"),
        file: format!("teams/{name}.yaml"),
        start: Position::START,
        spans: Arc::new(SpanMap::default()),
        origin: crate::Origin::Directory,
    }
}

#[test]
fn team_loops_are_reported_once() {
    let mut teams = vec![
        team("a", Some("b")),
        team("b", Some("c")),
        team("c", Some("a")),
        team("d", Some("a")),
        team("e", Some("e")),
        team("f", None),
    ];
    teams.sort_by(|x, y| x.value.name.cmp(&y.value.name));
    let mut diagnostics = Vec::new();
    check_team_tree(&teams, &mut diagnostics);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the team parent chain loops: a → b → c → a",
            "team `e` is its own parent"
        ]
    );
    assert!(diagnostics.iter().all(|d| d.code == Code::TeamCycle));
}

#[test]
fn hundred_thousand_team_chain_without_stack_overflow() {
    const N: usize = 100_000;
    let name = |i: usize| format!("t{i:06}");
    let teams: Vec<Entity<Team>> = (0..N)
        .map(|i| team(&name(i), Some(&name((i + 1) % N))))
        .collect();
    let mut diagnostics = Vec::new();
    check_team_tree(&teams, &mut diagnostics);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].related.len(), N - 1);
}

#[test]
fn a_focus_keeps_the_findings_of_what_the_focused_services_reach() {
    // b is focused: it reaches c and, through c, the cycle a → b → c → a; d → e → d and
    // f's unknown dependency are out of its reach.
    let list = services(&[
        &service("a", "dependsOn: [b]\n"),
        &service("b", "dependsOn: [c, ghost]\n"),
        &service("c", "dependsOn: [a]\n"),
        &service("d", "dependsOn: [e]\n"),
        &service("e", "dependsOn: [d]\n"),
        &service("f", "dependsOn: [phantom]\n"),
    ]);
    let mut everything = Vec::new();
    Graph::resolve(&list, &mut everything);
    assert_eq!(
        codes(&everything),
        [
            Code::UnknownService,
            Code::UnknownService,
            Code::DependencyCycle,
            Code::DependencyCycle
        ],
        "{everything:?}"
    );
    let focus = [false, true, false, false, false, false];
    let mut focused = Vec::new();
    let graph = Graph::resolve_focused(&list, Some(&focus), &mut focused);
    assert_eq!(
        codes(&focused),
        [Code::UnknownService, Code::DependencyCycle],
        "{focused:?}"
    );
    assert!(focused[0].message.contains("`ghost`"), "{focused:?}");
    assert_eq!(
        focused[1].message,
        "services depend on each other in a cycle: a → b → c → a"
    );
    // The graph keeps every name; only reached services have edges.
    assert_eq!(graph.names().len(), 6);
    assert_eq!(graph.upstream("c"), ["a"]);
    assert!(graph.upstream("d").is_empty());
}
