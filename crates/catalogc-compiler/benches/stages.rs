//! Micro-benchmarks of the compiler's stages, so a regression shows up in the stage that
//! caused it rather than only in the whole-process numbers of `scripts/bench`.
//!
//! ```text
//! cargo bench -p catalogc-compiler                          # every stage
//! cargo bench -p catalogc-compiler -- load/                 # one group (a regex filter)
//! cargo bench -p catalogc-compiler -- --save-baseline main  # then, after a change:
//! cargo bench -p catalogc-compiler -- --baseline main       # criterion reports the change
//! ```
//!
//! Inputs come from the corpus generator of `scripts/bench` (`xtask::corpus`, seed 42), in
//! memory for the loader and the validator; resolution and scoring take the services of a
//! real `compile()` of a generated catalog written to a temporary directory (setup, not
//! timed). Everything is deterministic.
//!
//! Under `cargo test --all-targets` (no `--bench` argument) criterion runs each benchmark
//! once as a smoke test; the catalogs are then small so that the debug build stays quick.
//!
//! | benchmark | what one iteration does |
//! |---|---|
//! | `load/descriptor` | parse one ~1 KB `service.yaml` into a JSON value and its span map (strict mode) |
//! | `load/descriptors` | the same for every `service.yaml` of a 1,000-service catalog, on one thread |
//! | `load/inventory-json` | parse the GitHub `repos.json` of a 1,000-service catalog (~6 MB, the JSON fast path) |
//! | `load/inventory-yaml` | parse the decK dump of a 1,000-service catalog (~2 MB of YAML, lenient mode) |
//! | `validate/schemas-compile` | compile the Service, Team and Scorecard validators (start-up cost) |
//! | `validate/descriptor` | validate one parsed `service.yaml` (validators compiled once) |
//! | `validate/descriptors` | validate every parsed `service.yaml` of a 1,000-service catalog, on one thread |
//! | `resolve/graph` | `Graph::resolve` over the 10,000 services: nodes, edges, API providers, cycles |
//! | `resolve/closures` | every service's transitive upstreams and downstreams |
//! | `score/compile-scorecards` | compile the corpus's 2 CEL scorecards and the 4 built-ins |
//! | `score/services` | score 1,000 services against those 6 scorecards (rayon, both cores) |

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

use catalogc_compiler::score::cel::CelEngine;
use catalogc_compiler::score::run::{Inputs, compile_scorecards, score};
use catalogc_compiler::validate::{Schemas, validate};
use catalogc_compiler::yaml::{self, Mode, StructureLimits};
use catalogc_compiler::{Compilation, CompileOptions, Graph, compile};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xtask::corpus;

const SEED: u64 = 42;
/// The evaluation date of scorecards, fixed so that runs are comparable.
const DATE: &str = "2026-01-01";

/// Catalog sizes: the real ones under `cargo bench`, small ones when run as a test.
struct Sizes {
    /// Services of the catalog the loader and validator benchmarks read, and scoring scores.
    catalog: usize,
    /// Services of the catalog resolution runs on.
    resolve: usize,
}

fn sizes() -> Sizes {
    if std::env::args().any(|arg| arg == "--bench") {
        Sizes {
            catalog: 1_000,
            resolve: 10_000,
        }
    } else {
        Sizes {
            catalog: 60,
            resolve: 200,
        }
    }
}

/// The generated files of a catalog of `services` services, with inventories and scorecards.
fn files(services: usize) -> Vec<(String, String)> {
    corpus::generate(services, SEED, true).files().collect()
}

/// A generated catalog compiled by the real pipeline (without scoring).
fn compiled(services: usize, inventories: bool) -> Compilation {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path().join("catalog");
    corpus::write(&corpus::generate(services, SEED, inventories), &root).expect("corpus written");
    let mut options = CompileOptions::check(root);
    options.date = Some(DATE.to_owned());
    let compilation = compile(&options).expect("catalog compiles");
    assert!(
        !compilation.has_errors(),
        "the generated catalog has errors"
    );
    compilation
}

fn parse_strict(file: &str, text: &str) -> Vec<yaml::Document> {
    let mut diagnostics = Vec::new();
    let documents = yaml::parse(
        file,
        text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut diagnostics,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    documents
}

fn load(c: &mut Criterion) {
    let sizes = sizes();
    let files = files(sizes.catalog);
    let descriptors: Vec<&(String, String)> = files
        .iter()
        .filter(|(path, _)| path.ends_with("/service.yaml"))
        .collect();
    let text_of = |wanted: &str| {
        files
            .iter()
            .find(|(path, _)| path == wanted)
            .map(|(_, text)| text.as_str())
            .expect("generated file")
    };
    let mut group = c.benchmark_group("load");

    let (path, text) = descriptors[0];
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("descriptor", |b| {
        b.iter(|| parse_strict(path, black_box(text)))
    });

    let bytes: usize = descriptors.iter().map(|(_, text)| text.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("descriptors", |b| {
        b.iter(|| {
            descriptors
                .iter()
                .map(|(path, text)| parse_strict(path, black_box(text)).len())
                .sum::<usize>()
        })
    });

    for (name, path) in [
        ("inventory-json", "integrations/github/repos.json"),
        ("inventory-yaml", "integrations/gateway/prod.deck.yaml"),
    ] {
        let text = text_of(path);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut diagnostics = Vec::new();
                let documents = yaml::parse(
                    path,
                    black_box(text),
                    Mode::Lenient,
                    StructureLimits::INVENTORY,
                    &mut diagnostics,
                );
                (documents, diagnostics)
            })
        });
    }
    group.finish();
}

fn validation(c: &mut Criterion) {
    let sizes = sizes();
    let files = files(sizes.catalog);
    let documents: Vec<(String, yaml::Document)> = files
        .iter()
        .filter(|(path, _)| path.ends_with("/service.yaml"))
        .flat_map(|(path, text)| {
            parse_strict(path, text)
                .into_iter()
                .map(|document| (path.clone(), document))
        })
        .collect();
    let schemas = Schemas::compile();
    let mut group = c.benchmark_group("validate");

    group.sample_size(20);
    group.bench_function("schemas-compile", |b| b.iter(Schemas::compile));
    group.sample_size(100);

    let (path, document) = &documents[0];
    group.throughput(Throughput::Elements(1));
    group.bench_function("descriptor", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            let valid = validate(
                path,
                black_box(document),
                &schemas.service,
                "this service",
                None,
                &mut diagnostics,
            );
            assert!(valid, "{diagnostics:?}");
        })
    });

    group.throughput(Throughput::Elements(documents.len() as u64));
    group.sample_size(20);
    group.bench_function("descriptors", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            documents
                .iter()
                .filter(|(path, document)| {
                    validate(
                        path,
                        black_box(document),
                        &schemas.service,
                        "this service",
                        None,
                        &mut diagnostics,
                    )
                })
                .count()
        })
    });
    group.finish();
}

fn resolution(c: &mut Criterion) {
    let sizes = sizes();
    // Inventories do not change the graph; leaving them out keeps the setup short.
    let compilation = compiled(sizes.resolve, false);
    let services = &compilation.services;
    let mut group = c.benchmark_group("resolve");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(services.len() as u64));
    group.bench_function("graph", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            let graph = Graph::resolve(black_box(services), &mut diagnostics);
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
            graph
        })
    });
    group.bench_function("closures", |b| {
        b.iter(|| black_box(&compilation.graph).closures())
    });
    group.finish();
}

fn scoring(c: &mut Criterion) {
    let sizes = sizes();
    let compilation = compiled(sizes.catalog, true);
    let engine = CelEngine::default();
    let names: BTreeSet<&str> = compilation
        .services
        .iter()
        .map(|s| s.value.name.as_str())
        .collect();
    let compile_all = || {
        let mut diagnostics = Vec::new();
        let compiled = compile_scorecards(
            &engine,
            &compilation.scorecards,
            &compilation.catalog.builtin_scorecards,
            true,
            &names,
            DATE,
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        compiled
    };
    let scorecards = compile_all();
    assert_eq!(scorecards.len(), 6, "2 generated and 4 built-in scorecards");
    let inputs = Inputs {
        services: &compilation.services,
        teams: &compilation.teams,
        graph: &compilation.graph,
        files: &compilation.files,
        mapping: &compilation.mapping,
        catalog_name: compilation.catalog.name.as_str(),
        today: DATE,
    };

    let mut group = c.benchmark_group("score");
    group.sample_size(20);
    group.bench_function("compile-scorecards", |b| b.iter(compile_all));
    group.throughput(Throughput::Elements(compilation.services.len() as u64));
    group.sample_size(10);
    group.bench_function("services", |b| {
        b.iter(|| score(&engine, black_box(&scorecards), &inputs))
    });
    group.finish();
}

criterion_group!(stages, load, validation, resolution, scoring);
criterion_main!(stages);
