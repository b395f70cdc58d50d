//! Levels, scores, exemptions and compile-time findings of scorecards (SPEC 1.3).

use std::collections::BTreeSet;
use std::sync::Arc;

use catalogc_diagnostics::{Code, Diagnostic};
use catalogc_model::{Scorecard, Service};

use super::*;
use crate::score::cel::CelEngine;
use crate::yaml::{Mode, StructureLimits, parse};

fn entity<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Entity<T> {
    let mut diagnostics = Vec::new();
    let document = parse(
        file,
        text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut diagnostics,
    )
    .pop()
    .expect("one document");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    Entity {
        value: serde_json::from_value(document.value.clone()).expect("valid"),
        file: file.to_owned(),
        start: document.start,
        spans: Arc::new(document.spans),
        origin: Origin::Directory,
    }
}

fn service(name: &str, tier: u8) -> Entity<Service> {
    entity(
        &format!("repos/{name}/service.yaml"),
        &format!(
            "apiVersion: catalogc/v1\nkind: Service\nname: {name}\nowner: t\nlifecycle: production\ntier: {tier}\n"
        ),
    )
}

/// Compiles `scorecard` and scores `services` on `today`; returns scores and findings.
fn run(
    scorecard: &str,
    services: &[Entity<Service>],
    today: &str,
) -> (Vec<Vec<ServiceScore>>, Vec<Diagnostic>) {
    let engine = CelEngine::default();
    let card: Entity<Scorecard> = entity("scorecards/card.yaml", scorecard);
    let names: BTreeSet<&str> = services.iter().map(|s| s.value.name.as_str()).collect();
    let mut diagnostics = Vec::new();
    let compiled = compile_scorecards(
        &engine,
        std::slice::from_ref(&card),
        &[],
        true,
        &names,
        today,
        &mut diagnostics,
    );
    let graph = Graph::resolve(services, &mut Vec::new());
    let files = vec![crate::references::ServiceFiles::default(); services.len()];
    let mapping = crate::mapping::Mapping {
        resources: Vec::new(),
        service_resources: vec![Vec::new(); services.len()],
    };
    let scores = score(
        &engine,
        &compiled,
        &Inputs {
            services,
            teams: &[],
            graph: &graph,
            files: &files,
            mapping: &mapping,
            catalog_name: "acme",
            today,
        },
    );
    (scores.services, diagnostics)
}

const LADDER: &str = "apiVersion: catalogc/v1
kind: Scorecard
name: card
levels: [bronze, silver, gold]
criteria:
  - {name: b1, level: bronze, check: 'service.tier <= 3'}
  - {name: s1, level: silver, weight: 3, check: 'service.tier <= 2'}
  - {name: g1, level: gold, check: 'service.tier <= 1'}
  - {name: extra, check: 'has(service.description)'}
";

#[test]
fn the_level_is_the_highest_with_every_lower_level_passing() {
    let services = [
        service("a", 1),
        service("b", 2),
        service("c", 3),
        service("d", 4),
    ];
    let (scores, diagnostics) = run(LADDER, &services, "2026-06-01");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let levels: Vec<Option<&str>> = scores.iter().map(|s| s[0].level.as_deref()).collect();
    assert_eq!(levels, [Some("gold"), Some("silver"), Some("bronze"), None]);
    // Score: passed / (passed + failed + error) weight; `extra` fails everywhere (weight 1).
    let values: Vec<f64> = scores.iter().map(|s| s[0].score).collect();
    assert_eq!(values, [83.3, 66.7, 16.7, 0.0]);
}

#[test]
fn a_failing_lower_level_caps_the_level_even_if_higher_ones_pass() {
    let card = "apiVersion: catalogc/v1\nkind: Scorecard\nname: card\nlevels: [bronze, silver]\ncriteria:\n  - {name: b, level: bronze, check: 'false'}\n  - {name: s, level: silver, check: 'true'}\n";
    let (scores, _) = run(card, &[service("a", 1)], "2026-06-01");
    assert_eq!(scores[0][0].level, None);
}

#[test]
fn no_ladder_or_an_empty_ladder_reaches_no_level() {
    let card = "apiVersion: catalogc/v1\nkind: Scorecard\nname: card\ncriteria:\n  - {name: ok, check: 'true'}\n";
    let (scores, _) = run(card, &[service("a", 1)], "2026-06-01");
    assert_eq!(
        (scores[0][0].level.as_deref(), scores[0][0].score),
        (None, 100.0)
    );
    let card = "apiVersion: catalogc/v1\nkind: Scorecard\nname: card\nlevels: []\ncriteria:\n  - {name: ok, check: 'true'}\n";
    let (scores, _) = run(card, &[service("a", 1)], "2026-06-01");
    assert_eq!(scores[0][0].level, None);
}

#[test]
fn errors_count_as_failures_and_skipped_and_exempt_are_not_counted() {
    let card = "apiVersion: catalogc/v1
kind: Scorecard
name: card
levels: [bronze]
criteria:
  - {name: boom, level: bronze, check: '1 / (service.tier - 1) == 0'}
  - {name: fine, check: 'true'}
  - {name: waived, check: 'false'}
exemptions:
  - {service: a, criterion: waived, reason: migrating, expires: 2026-12-31}
";
    let (scores, diagnostics) = run(card, &[service("a", 1)], "2026-06-01");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let results: Vec<(&str, Outcome)> = scores[0][0]
        .criteria
        .iter()
        .map(|c| (c.name.as_str(), c.outcome))
        .collect();
    assert_eq!(
        results,
        [
            ("boom", Outcome::Error),
            ("fine", Outcome::Pass),
            ("waived", Outcome::Exempt)
        ]
    );
    assert_eq!(scores[0][0].level, None, "an error blocks the level");
    assert_eq!(scores[0][0].score, 50.0, "exempt is not counted; error is");
    assert!(
        scores[0][0].criteria[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("division by zero"))
    );
    assert!(
        scores[0][0].criteria[2]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("migrating"))
    );
}

#[test]
fn every_criterion_exempt_or_skipped_scores_100_and_reaches_the_level() {
    let card = "apiVersion: catalogc/v1
kind: Scorecard
name: card
levels: [bronze]
criteria:
  - {name: x, level: bronze, check: 'false'}
exemptions:
  - {service: a, reason: new service, expires: 2026-12-31}
";
    let (scores, _) = run(card, &[service("a", 1)], "2026-06-01");
    assert_eq!(
        (scores[0][0].level.as_deref(), scores[0][0].score),
        (Some("bronze"), 100.0)
    );
}

#[test]
fn an_expired_exemption_no_longer_applies_and_is_warned_at_its_line() {
    let card = "apiVersion: catalogc/v1
kind: Scorecard
name: card
criteria:
  - {name: x, check: 'false'}
exemptions:
  - {service: a, criterion: x, reason: migrating, expires: 2026-01-31}
";
    let (scores, diagnostics) = run(card, &[service("a", 1)], "2026-02-01");
    assert_eq!(scores[0][0].criteria[0].outcome, Outcome::Fail);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, Code::ExpiredExemption);
    assert_eq!(diagnostics[0].span.map(|s| s.start.line), Some(7));
    // On its last day it still applies.
    let (scores, diagnostics) = run(card, &[service("a", 1)], "2026-01-31");
    assert_eq!(scores[0][0].criteria[0].outcome, Outcome::Exempt);
    assert!(diagnostics.is_empty());
}

#[test]
fn applies_to_filters_services_out_of_the_scores() {
    let card = "apiVersion: catalogc/v1\nkind: Scorecard\nname: card\nappliesTo: 'service.tier == 1'\ncriteria:\n  - {name: ok, check: 'true'}\n";
    let (scores, _) = run(card, &[service("a", 1), service("b", 2)], "2026-06-01");
    assert_eq!(scores[0].len(), 1);
    assert!(scores[1].is_empty(), "no entry when appliesTo is false");
}

#[test]
fn compile_errors_are_located_in_the_scorecard_file() {
    let card = "apiVersion: catalogc/v1
kind: Scorecard
name: card
levels: [bronze]
criteria:
  - {name: bad, level: bronze, check: 'service.tier >'}
  - {name: typo, level: bronzee, check: 'true'}
  - {name: tmpl, uses: has-doc}
  - {name: params, uses: has-docs, with: {minimum: 2}}
  - {name: bad, check: 'true'}
exemptions:
  - {service: nobody, reason: x, expires: 2026-12-31}
  - {service: a, criterion: missing, reason: x, expires: 2026-12-31}
";
    let (scores, diagnostics) = run(card, &[service("a", 1)], "2026-06-01");
    assert!(
        scores[0].is_empty(),
        "an invalid scorecard is not evaluated"
    );
    let found: Vec<(Code, u32)> = diagnostics
        .iter()
        .map(|d| (d.code, d.span.map_or(0, |s| s.start.line)))
        .collect();
    assert_eq!(
        found,
        [
            (Code::InvalidScorecard, 6),
            (Code::InvalidScorecard, 7),
            (Code::InvalidScorecard, 8),
            (Code::InvalidScorecard, 9),
            (Code::InvalidScorecard, 10),
            (Code::UnknownService, 12),
            (Code::InvalidScorecard, 13),
        ],
        "{diagnostics:#?}"
    );
    // The parse error points inside the expression: after `>` at the end.
    let column = diagnostics[0].span.map(|s| s.start.column).unwrap_or(0);
    assert!(
        column > 40,
        "column {column} should be inside the expression"
    );
    assert_eq!(
        diagnostics[1].help.as_deref(),
        Some("did you mean `bronze`?")
    );
    assert_eq!(
        diagnostics[2].help.as_deref(),
        Some("did you mean `has-docs`?")
    );
}

#[test]
fn built_in_scorecards_compile_cleanly() {
    use catalogc_model::BuiltinScorecard as B;
    let engine = CelEngine::default();
    let mut diagnostics = Vec::new();
    let compiled = compile_scorecards(
        &engine,
        &[],
        &[
            B::ServiceMaturity,
            B::ServiceDocumentation,
            B::KongBestPractices,
            B::SecurityAndCompliance,
        ],
        true,
        &BTreeSet::new(),
        "2026-06-01",
        &mut diagnostics,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let names: Vec<&str> = compiled
        .iter()
        .map(|c| c.definition.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "kong-best-practices",
            "security-and-compliance",
            "service-documentation",
            "service-maturity"
        ]
    );
    assert!(
        compiled
            .iter()
            .all(|c| c.builtin && c.definition.levels.len() == 3)
    );
}

#[test]
fn dates_are_validated() {
    assert!(valid_date("2024-02-29"));
    assert!(!valid_date("2023-02-29"));
    assert!(!valid_date("2026-13-01"));
    assert!(!valid_date("26-01-01"));
}

/// A service `name` depending on `deps`.
fn dependent(name: &str, deps: &[&str]) -> Entity<Service> {
    entity(
        &format!("repos/{name}/service.yaml"),
        &format!(
            "apiVersion: catalogc/v1\nkind: Service\nname: {name}\nowner: t\nlifecycle: production\ntier: 2\ndependsOn: [{}]\n",
            deps.join(", ")
        ),
    )
}

#[test]
fn counted_lists_give_the_same_outcomes_as_full_ones() {
    // `size(dependents)` alone binds a list of nulls; with a criterion that reads the
    // entries, every list is built in full. The outcomes of the counting criteria agree.
    let services = [
        dependent("api", &[]),
        dependent("web", &["api"]),
        dependent("batch", &["api", "web"]),
        dependent("cron", &["api"]),
    ];
    let counted = "apiVersion: catalogc/v1
kind: Scorecard
name: card
criteria:
  - {name: popular, check: 'size(dependents) >= 2'}
  - {name: leaf, check: 'dependents.size() == 0 && size(dependencies) > 0'}
";
    let full = format!(
        "{counted}  - {{name: named, check: 'dependents.all(d, d.name != \"\") && dependencies.all(d, has(d.tier))'}}\n"
    );
    let outcomes = |text: &str| {
        let (scores, diagnostics) = run(text, &services, "2026-06-01");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        scores
            .iter()
            .map(|s| {
                s[0].criteria
                    .iter()
                    .take(2)
                    .map(|c| c.outcome)
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let counted_outcomes = outcomes(counted);
    assert_eq!(counted_outcomes, outcomes(&full));
    use crate::score::Outcome::{Fail, Pass};
    assert_eq!(
        counted_outcomes,
        [
            vec![Pass, Fail],
            vec![Fail, Fail],
            vec![Fail, Pass],
            vec![Fail, Pass]
        ]
    );
}

#[test]
fn projected_variables_give_the_same_outcomes_as_whole_ones() {
    // Criteria that read `service` and the entries of `dependencies` only through fields
    // bind just those fields; one criterion reading both whole makes everything bound in
    // full. The outcomes of the others agree.
    let mut services = vec![
        dependent("api", &[]),
        dependent("web", &["api", "legacy"]),
        dependent("batch", &["api", "web"]),
    ];
    services.push(entity(
        "repos/legacy/service.yaml",
        "apiVersion: catalogc/v1\nkind: Service\nname: legacy\nowner: t\nlifecycle: deprecated\ntier: 3\ndependsOn: [batch]\nlabels: {pii: 'true'}\n",
    ));
    services.sort_by(|a, b| a.value.name.cmp(&b.value.name));
    let projected = "apiVersion: catalogc/v1
kind: Scorecard
name: card
appliesTo: 'service.lifecycle != \"retired\"'
criteria:
  - {name: tiered, check: 'has(service.tier) && service.tier <= 2'}
  - {name: labelled, check: 'has(service.labels) && \"pii\" in service.labels'}
  - {name: no-team, check: '!has(service.team)'}
  - {name: live-deps, check: 'dependencies.all(d, d.lifecycle != \"deprecated\")'}
  - {name: tiered-deps, check: 'dependencies.exists(d, d.tier == 2) || size(dependencies) == 0'}
  - {name: missing, check: 'service.nothing == 1'}
";
    let whole = format!(
        "{projected}  - {{name: whole, check: 'size(service) > 0 && dependencies.all(d, size(d) > 0)'}}\n"
    );
    let outcomes = |text: &str| {
        let (scores, diagnostics) = run(text, &services, "2026-06-01");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        scores
            .iter()
            .map(|s| {
                s[0].criteria
                    .iter()
                    .take(6)
                    .map(|c| (c.outcome, c.message.clone()))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let projected_outcomes = outcomes(projected);
    assert_eq!(projected_outcomes, outcomes(&whole));
    use crate::score::Outcome::{Error, Fail, Pass};
    let marks: Vec<Vec<_>> = projected_outcomes
        .iter()
        .map(|s| s.iter().map(|(o, _)| *o).collect())
        .collect();
    assert_eq!(
        marks,
        [
            vec![Pass, Fail, Pass, Pass, Pass, Error],
            vec![Pass, Fail, Pass, Pass, Pass, Error],
            vec![Fail, Pass, Pass, Pass, Pass, Error],
            vec![Pass, Fail, Pass, Fail, Pass, Error],
        ]
    );
}

#[test]
fn a_scorecard_named_like_an_enabled_built_in_is_reported_whether_or_not_built_ins_compile() {
    use catalogc_model::BuiltinScorecard as B;
    let card: Entity<Scorecard> = entity(
        "scorecards/maturity.yaml",
        "apiVersion: catalogc/v1\nkind: Scorecard\nname: service-maturity\ncriteria:\n  - name: owned\n    check: has(service.owner)\n",
    );
    for compile_builtins in [true, false] {
        let engine = CelEngine::default();
        let mut diagnostics = Vec::new();
        let compiled = compile_scorecards(
            &engine,
            std::slice::from_ref(&card),
            &[B::ServiceMaturity, B::KongBestPractices],
            compile_builtins,
            &BTreeSet::new(),
            "2026-06-01",
            &mut diagnostics,
        );
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::DuplicateName], "{diagnostics:#?}");
        let names: Vec<(&str, bool)> = compiled
            .iter()
            .map(|c| (c.definition.name.as_str(), c.builtin))
            .collect();
        let expected: &[(&str, bool)] = if compile_builtins {
            &[("kong-best-practices", true)]
        } else {
            &[]
        };
        assert_eq!(names, expected);
    }
}
