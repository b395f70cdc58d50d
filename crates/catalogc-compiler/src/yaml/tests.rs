use serde_json::json;

use super::*;

fn strict(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let documents = parse(
        "f.yaml",
        text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut diagnostics,
    );
    (documents, diagnostics)
}

fn lenient(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let documents = parse(
        "f.json",
        text,
        Mode::Lenient,
        StructureLimits::THIRD_PARTY,
        &mut diagnostics,
    );
    (documents, diagnostics)
}

/// (line, column) of a span's start and end.
fn at(span: Span) -> ((u32, u32), (u32, u32)) {
    (
        (span.start.line, span.start.column),
        (span.end.line, span.end.column),
    )
}

#[test]
fn builds_values_with_core_schema_types() {
    let (docs, diags) = strict(
        "name: billing\ntier: 1\nratio: 0.5\nenabled: true\nanswer: no\nquoted: \"12\"\nnothing: ~\nlist: [a, 2]\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        docs[0].value,
        json!({"name": "billing", "tier": 1, "ratio": 0.5, "enabled": true, "answer": "no",
               "quoted": "12", "nothing": null, "list": ["a", 2]})
    );
}

#[test]
fn maps_every_pointer_to_its_span_and_key() {
    let text =
        "name: billing\nlinks:\n  - title: Runbook\n    url: https://x.example\ntags: [a, bé, c]\n";
    let (docs, diags) = strict(text);
    assert!(diags.is_empty());
    let spans = &docs[0].spans;
    let name = spans.get("/name").expect("name");
    assert_eq!(at(name.value), ((1, 7), (1, 14)));
    assert_eq!(name.key.map(at), Some(((1, 1), (1, 5))));
    let url = spans.get("/links/0/url").expect("url");
    assert_eq!(at(url.value), ((4, 10), (4, 27)));
    assert_eq!(url.key.map(at), Some(((4, 5), (4, 8))));
    // Columns count characters, not bytes: `bé` is two characters.
    assert_eq!(
        at(spans.get("/tags/2").expect("c").value),
        ((5, 15), (5, 16))
    );
    // Block mapping of the list entry spans from its first key to its last value.
    assert_eq!(
        at(spans.get("/links/0").expect("entry").value),
        ((3, 5), (4, 27))
    );
    assert!(spans.get("").is_some());
    // Unknown pointers fall back to the nearest ancestor.
    assert_eq!(spans.locate("/links/0/url/deeper"), Some(url));
}

#[test]
fn escapes_pointer_segments() {
    let (docs, _) = strict("labels:\n  acme.example/team: x\n  a~b: y\n");
    assert!(docs[0].spans.get("/labels/acme.example~1team").is_some());
    assert!(docs[0].spans.get("/labels/a~0b").is_some());
}

#[test]
fn reads_every_document_and_skips_empty_ones() {
    let (docs, diags) = strict("---\nname: a\n---\n---\nname: b\n...\n");
    assert!(diags.is_empty());
    let names: Vec<_> = docs.iter().map(|d| d.value["name"].clone()).collect();
    assert_eq!(names, vec![json!("a"), json!("b")]);
    assert_eq!(docs[1].start.line, 4);
    assert_eq!(
        docs[1].spans.get("/name").map(|s| s.value.start.line),
        Some(5)
    );
}

#[test]
fn comments_only_has_no_document() {
    let (docs, diags) = strict("# nothing here\n\n# at all\n");
    assert!(docs.is_empty());
    assert!(diags.is_empty());
}

#[test]
fn duplicate_keys_point_at_both_spellings() {
    let (docs, diags) = strict("name: a\n\"name\": b\n");
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, Code::DuplicateKey);
    assert_eq!(d.span.map(at), Some(((2, 1), (2, 7))));
    assert_eq!(d.related[0].span.map(at), Some(((1, 1), (1, 5))));
    // The first value is kept and its span is not overwritten.
    assert_eq!(docs[0].value, json!({"name": "a"}));
    assert_eq!(
        docs[0].spans.get("/name").map(|s| s.value.start.line),
        Some(1)
    );
}

#[test]
fn duplicate_keys_are_found_in_lenient_mode_too() {
    let (_, diags) = lenient(r#"{"id": 1, "id": 2}"#);
    assert_eq!(diags[0].code, Code::DuplicateKey);
}

#[test]
fn strict_mode_rejects_merge_keys_tags_and_non_string_keys() {
    let (_, diags) = strict("base: &b {a: 1}\nother:\n  <<: *b\n");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::SchemaViolation);
    assert!(diags[0].message.contains("merge keys"));
    assert_eq!(diags[0].span.map(|s| s.start.line), Some(3));

    let (docs, diags) = strict("data: !!binary aGVsbG8=\n");
    assert_eq!(diags[0].code, Code::SchemaViolation);
    assert!(
        diags[0].message.contains("!!binary"),
        "{}",
        diags[0].message
    );
    assert_eq!(docs[0].reported, vec!["/data".to_owned()]);

    let (_, diags) = strict("name: !custom x\n");
    assert!(diags[0].message.contains("!custom"));

    let (_, diags) = strict("1: one\ntrue: yes\n\"2\": two\n");
    let lines: Vec<_> = diags.iter().map(|d| d.span.map(|s| s.start.line)).collect();
    assert_eq!(lines, vec![Some(1), Some(2)]);
    assert!(diags.iter().all(|d| d.code == Code::SchemaViolation));
}

#[test]
fn core_tags_are_allowed() {
    let (docs, diags) = strict("a: !!str 123\nb: !!int \"7\"\nc: ! 12\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs[0].value, json!({"a": "123", "b": 7, "c": "12"}));
}

#[test]
fn lenient_mode_merges_and_stringifies_keys() {
    let (docs, diags) = lenient("base: &b {a: 1, b: 2}\nother:\n  <<: *b\n  b: 3\n200: ok\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs[0].value["other"], json!({"a": 1, "b": 3}));
    assert_eq!(docs[0].value["200"], json!("ok"));
}

#[test]
fn aliases_expand_within_budget() {
    let (docs, diags) = strict("link: &l {title: a, url: b}\nlinks: [*l, *l]\n");
    assert!(diags.is_empty());
    assert_eq!(docs[0].value["links"][1], json!({"title": "a", "url": "b"}));
    // An expanded node is located at the alias.
    let span = docs[0].spans.locate("/links/1/url").expect("located");
    assert_eq!(at(span.value), ((2, 13), (2, 15)));
}

#[test]
fn billion_laughs_is_stopped_by_the_alias_budget() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let (_, diags) = strict(&text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::YamlLimits);
    assert!(diags[0].message.contains("aliases"));
}

#[test]
fn recursive_alias_is_reported() {
    let (_, diags) = strict("a: &x [*x]\n");
    assert_eq!(diags[0].code, Code::YamlSyntax);
}

#[test]
fn depth_entries_and_documents_are_limited() {
    let deep = "[".repeat(100_000);
    let (_, diags) = strict(&deep);
    assert_eq!(diags[0].code, Code::YamlLimits);
    assert!(diags[0].message.contains("deeper than 64"));

    let mut limits = StructureLimits::DESCRIPTOR;
    limits.max_entries = 3;
    let mut diags = Vec::new();
    parse("f", "[1, 2, 3, 4]", Mode::Strict, limits, &mut diags);
    assert_eq!(diags[0].code, Code::YamlLimits);
    assert_eq!(diags[0].span.map(|s| s.start.column), Some(11));

    let many = "---\na: 1\n".repeat(1_001);
    let (docs, diags) = strict(&many);
    assert_eq!(docs.len(), 1_000);
    assert_eq!(diags[0].code, Code::YamlLimits);
    assert_eq!(diags[0].span.map(|s| s.start.line), Some(2_001));
}

#[test]
fn bad_numbers_are_reported_once() {
    let (docs, diags) = strict("title: .nan\nsize: 123456789012345678901234567890\n");
    assert_eq!(diags.len(), 2);
    assert!(diags.iter().all(|d| d.code == Code::YamlLimits));
    assert_eq!(
        docs[0].reported,
        vec!["/title".to_owned(), "/size".to_owned()]
    );
}

#[test]
fn syntax_errors_are_located() {
    let (_, diags) = strict("tags: [a, b\nname: x\n");
    assert_eq!(diags[0].code, Code::YamlSyntax);
    assert!(diags[0].span.is_some());

    let (_, diags) = strict("name: x\nlinks:\n\t- a\n");
    assert_eq!(diags[0].code, Code::YamlSyntax);
    assert_eq!(diags[0].span.map(|s| s.start.line), Some(3));
}

#[test]
fn json_is_read_leniently_with_spans() {
    let text = "{\n  \"services\": [\n    {\"id\": \"P1\", \"name\": \"Billing\"}\n  ]\n}\n";
    let (docs, diags) = lenient(text);
    assert!(diags.is_empty());
    assert_eq!(docs[0].value["services"][0]["id"], json!("P1"));
    let span = docs[0].spans.get("/services/0/name").expect("span");
    assert_eq!(at(span.value), ((3, 26), (3, 35)));
}

#[test]
fn json_fast_path_matches_the_yaml_builder() {
    let text = "{\n  \"name\": \"caf\u{e9} \\u00e9\\ud83d\\ude00\",\n  \"list\": [1, -2.5, true, null, {\"k\": \"v\"}],\n  \"big\": 123456789012345678901234567890,\n  \"huge\": 1e999\n}\n";
    let (docs, diags) = lenient(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs[0].value["name"], json!("café é😀"));
    assert_eq!(
        docs[0].value["list"],
        json!([1, -2.5, true, null, {"k": "v"}])
    );
    assert_eq!(docs[0].value["huge"], json!("1e999"));
    let name = docs[0].spans.get("/name").expect("name");
    assert_eq!(at(name.value), ((2, 11), (2, 36)));
    assert_eq!(name.key.map(at), Some(((2, 3), (2, 9))));
    let k = docs[0].spans.get("/list/4/k").expect("k");
    assert_eq!(at(k.value), ((3, 39), (3, 42)));
}

#[test]
fn json_fast_path_reports_duplicates_and_limits() {
    let (docs, diags) = lenient("{\"id\": 1, \"x\": {\"a\": 1}, \"id\": {\"deep\": 2}}");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::DuplicateKey);
    assert_eq!(docs[0].value["id"], json!(1));
    // The duplicate's nested spans do not replace the first value's.
    assert!(docs[0].spans.get("/id/deep").is_none());

    let mut limits = StructureLimits::THIRD_PARTY;
    limits.max_depth = 3;
    let mut diags = Vec::new();
    parse("f.json", "[[[[1]]]]", Mode::Lenient, limits, &mut diags);
    assert_eq!(diags[0].code, Code::YamlLimits);
}

#[test]
fn yaml_flow_syntax_that_is_not_json_goes_to_the_yaml_parser() {
    let (docs, diags) = lenient("{name: billing, tags: [a, b]}\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        docs[0].value,
        json!({"name": "billing", "tags": ["a", "b"]})
    );
    // Broken JSON gets the YAML parser's located finding.
    let (_, diags) = lenient("{\"a\": [1, 2}\n");
    assert_eq!(diags[0].code, Code::YamlSyntax);
}

fn pruned(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let limits = StructureLimits {
        keep_fields: Some(&["name", "teams"]),
        ..StructureLimits::INVENTORY
    };
    let docs = parse("f.json", text, Mode::Lenient, limits, &mut diagnostics);
    (docs, diagnostics)
}

#[test]
fn json_fast_path_keeps_only_the_listed_fields_of_entries() {
    let text = "{\"more\": false, \"services\": [\n  {\"id\": \"P1\", \"urls\": {\"a\": \"x\\\"y\", \"b\": [1, 2.5e3, null, true]},\n   \"note\": \"naïve – ünïcode\\u00e9\", \"name\": \"billing\",\n   \"teams\": [{\"name\": \"pay\", \"self\": \"u\"}]}\n]}";
    let (docs, diagnostics) = pruned(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // Root fields are all kept; entries keep only `name` and `teams` (and so do the
    // mappings inside them).
    assert_eq!(
        docs[0].value,
        json!({"more": false, "services": [{"name": "billing", "teams": [{"name": "pay"}]}]})
    );
    // Positions after skipped values (escapes, non-ASCII text, several lines) are exact.
    let name = docs[0].spans.get("/services/0/name").expect("span");
    assert_eq!(at(name.value), ((3, 45), (3, 54)));
    assert!(docs[0].spans.get("/services/0/id").is_none());
    // Mappings one level below the root are kept whole, in YAML too.
    let (docs, _) = pruned("# an export\n[{id: P1, name: a}]");
    assert_eq!(docs[0].value, json!([{"id": "P1", "name": "a"}]));
}

#[test]
fn yaml_keeps_only_the_listed_fields_of_entries() {
    let text = "\
more: false
services:
  - id: P1
    config:
      password: hunter2
      nested: {a: [1, 2], a: 3}
    name: billing
    teams:
      - {name: pay, self: u}
  - name: shared
    config: &defaults
      name: platform
      retries: 3
    teams: [*defaults]
";
    let (docs, diagnostics) = pruned(text);
    // Nothing inside a skipped field is reported (the duplicate `a` in `config`).
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // Root fields are all kept; entries keep only `name` and `teams`, and so do the
    // mappings inside them. A collection with an anchor inside a skipped field is still
    // built (by the same rule), so an alias in a kept field reads what it would inline.
    assert_eq!(
        docs[0].value,
        json!({
            "more": false,
            "services": [
                {"name": "billing", "teams": [{"name": "pay"}]},
                {"name": "shared", "teams": [{"name": "platform"}]}
            ]
        })
    );
    let name = docs[0].spans.get("/services/0/name").expect("span");
    assert_eq!(at(name.value), ((7, 11), (7, 18)));
    assert!(docs[0].spans.get("/services/0/config").is_none());
    assert!(docs[0].spans.get("/services/0/config/password").is_none());
    // Broken YAML inside a skipped field is still broken.
    let (_, diagnostics) = pruned("services:\n  - config: {a: [1, 2}\n    name: x\n");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::YamlSyntax);
}

#[test]
fn json_fast_path_checks_skipped_values() {
    // Broken JSON inside a skipped field is still broken: the YAML parser reports it.
    let (docs, diagnostics) = pruned("[{\"id\": [1, 2,, 3], \"name\": \"a\"}]");
    assert!(docs.is_empty());
    assert!(
        diagnostics.iter().any(|d| d.code == Code::YamlSyntax),
        "{diagnostics:?}"
    );
    // Nesting limits hold inside skipped values too.
    let deep = format!("[{{\"id\": {}1{}}}]", "[".repeat(200), "]".repeat(200));
    let (_, diagnostics) = pruned(&deep);
    assert!(
        diagnostics.iter().any(|d| d.code == Code::YamlLimits),
        "{diagnostics:?}"
    );
}

/// Every pointer with a recorded span, in document order.
fn recorded_pointers(spans: &SpanMap) -> Vec<String> {
    spans
        .entries
        .iter()
        .map(|entry| spans.key(entry).to_owned())
        .collect()
}

/// `parse_deferred` of `text` gives the values of `parse`, records no span while loading,
/// and answers every lookup as the recorded map does.
fn assert_deferred_agrees(file: &str, text: &str) {
    let mut eager_found = Vec::new();
    let eager = parse(
        file,
        text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut eager_found,
    );
    let mut deferred_found = Vec::new();
    let shared = std::sync::Arc::new(text.to_owned());
    let deferred = parse_deferred(
        file,
        &shared,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut deferred_found,
    );
    assert_eq!(eager_found, deferred_found, "{file}");
    assert_eq!(eager.len(), deferred.len(), "{file}");
    for (eager, deferred) in eager.iter().zip(&deferred) {
        assert_eq!(eager.value, deferred.value, "{file}");
        assert_eq!(eager.start, deferred.start, "{file}");
        assert_eq!(eager.reported, deferred.reported, "{file}");
        if !eager_found.is_empty() {
            // A file with findings is parsed with its spans at once.
            assert!(!deferred.spans.is_deferred(), "{file}");
        } else {
            assert!(deferred.spans.is_deferred(), "{file}");
            assert!(
                deferred.spans.entries.is_empty(),
                "{file}: recorded while loading"
            );
        }
        let pointers = recorded_pointers(&eager.spans);
        assert_eq!(eager.spans.len(), deferred.spans.len(), "{file}");
        for pointer in pointers.iter().chain([&"/no/such/node".to_owned()]) {
            assert_eq!(
                eager.spans.get(pointer),
                deferred.spans.get(pointer),
                "{file}: {pointer}"
            );
            assert_eq!(
                eager.spans.span_for(pointer, true),
                deferred.spans.span_for(pointer, true),
                "{file}: {pointer}"
            );
        }
    }
}

#[test]
fn deferred_spans_are_the_spans_parse_records() {
    for (name, text) in [
        (
            "block.yaml",
            "name: billing\nowner: payments\ndependsOn:\n  - ledger\n  - {service: tax, kind: async}\nlabels: {a: b}\n",
        ),
        (
            "literal.yaml",
            "name: x\ndescription: |\n  Two\n  lines\nlinks:\n  - {title: a, url: 'https://x.example'}\n",
        ),
        (
            "documents.yaml",
            "---\nname: a\n---\n---\nname: b\ntags: [x, y]\n",
        ),
        // Anchors and folded scalars take saphyr-parser's path.
        (
            "anchors.yaml",
            "base: &b {tier: 1}\nservice: *b\nnote: >\n  folded\n  text\n",
        ),
        ("escaped.yaml", "\"a/b\": 1\n\"c~d\": {e: 2}\n"),
    ] {
        assert_deferred_agrees(name, text);
    }
}

#[test]
fn deferred_spans_agree_on_the_example_catalog() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog-example");
    let mut stack = vec![root];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).expect("text");
                assert_deferred_agrees(&path.display().to_string(), &text);
                files += 1;
            }
        }
    }
    assert!(files > 30, "only {files} files");
}

#[test]
fn a_descriptor_with_findings_is_parsed_with_its_spans() {
    let text = std::sync::Arc::new("name: a\nowner: x\nname: b\n".to_owned());
    let mut found = Vec::new();
    let documents = parse_deferred(
        "f.yaml",
        &text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut found,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, Code::DuplicateKey);
    // The first entry is shown beside the duplicate, as without deferral.
    let related = found[0].related.first().and_then(|r| r.span).map(at);
    assert_eq!(related, Some(((1, 1), (1, 5))));
    assert!(!documents[0].spans.is_deferred());
    assert_eq!(
        documents[0].spans.get("/owner").map(|s| at(s.value)),
        Some(((2, 8), (2, 9)))
    );
}

/// Checks every span the JSON fast path records for `text` against positions counted from
/// the start of the text: the line, the column (characters since the line's start) and the
/// character offset must describe the same place.
fn assert_json_positions_exact(
    name: &str,
    text: &str,
    keep_fields: Option<&'static [&'static str]>,
) {
    let limits = StructureLimits {
        keep_fields,
        ..StructureLimits::THIRD_PARTY
    };
    let json::Outcome::Parsed(Some(document), _) = json::parse(name, text, limits) else {
        panic!("{name}: not parsed as JSON");
    };
    // Line and column of every character offset, and of the end of the text.
    let mut places = Vec::with_capacity(text.len() + 1);
    let (mut line, mut column) = (1u32, 1u32);
    for c in text.chars() {
        places.push((line, column));
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    places.push((line, column));
    let check = |position: Position, what: &str| {
        assert_eq!(
            places.get(position.offset as usize).copied(),
            Some((position.line, position.column)),
            "{name}: {what} at offset {}",
            position.offset
        );
    };
    assert!(!document.spans.is_empty(), "{name}: no spans");
    for entry in &document.spans.entries {
        let pointer = document.spans.key(entry);
        check(entry.span.value.start, pointer);
        check(entry.span.value.end, pointer);
        if let Some(key) = entry.span.key {
            check(key.start, pointer);
            check(key.end, pointer);
        }
    }
    check(document.start, "the document");
}

#[test]
fn json_fast_path_positions_count_lines_columns_and_characters() {
    let long = "ä".repeat(70) + &"x".repeat(200);
    let texts = [
        ("one-line.json", "{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\"}}".to_owned()),
        (
            "unicode.json",
            "{\n  \"name\": \"caf\u{e9} \\u00e9\\ud83d\\ude00 😀\",\n  \"list\": [1, -2.5, {\"ké\": \"v\"}]\n}\n".to_owned(),
        ),
        (
            "long-strings.json",
            format!("[\n  \"{long}\",\n  {{\"{long}\": \"{long}\\n\\t\\\"\"}},\n\t\"end\"\r\n]"),
        ),
        (
            "skipped.json",
            format!("[{{\"id\": 1, \"skip\": {{\"x\": [\"{long}\", 2, {{\"y\": \"\\u00e9\"}}]}}, \"name\": \"after é\"}}]"),
        ),
    ];
    for (name, text) in &texts {
        assert_json_positions_exact(name, text, None);
        assert_json_positions_exact(name, text, Some(&["id", "name"]));
    }
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/inventory/testdata");
    for fixture in ["pagerduty/services.json", "github/repos.json"] {
        let text = std::fs::read_to_string(fixtures.join(fixture)).expect("fixture");
        assert_json_positions_exact(fixture, &text, None);
        assert_json_positions_exact(fixture, &text, Some(&["id", "name", "full_name", "status"]));
    }
}

/// Reads at most `step` bytes per call, so windows fill in odd pieces.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn streamed(
    text: &str,
    window: usize,
    step: usize,
    limits: StructureLimits,
) -> Option<json::Streamed> {
    json::parse_array_through(
        "f.json",
        Trickle {
            bytes: text.as_bytes(),
            step,
        },
        1 << 30,
        limits,
        window,
    )
}

/// Every pointer a span map records, with its span.
fn recorded(spans: &SpanMap) -> Vec<(String, NodeSpan)> {
    spans
        .entries
        .iter()
        .map(|entry| (spans.key(entry).to_owned(), entry.span))
        .collect()
}

/// The texts the streamed path must read exactly like the whole-text one.
fn arrays() -> Vec<String> {
    let mut texts = vec![
        "[]".to_owned(),
        " \n [ ] \n".to_owned(),
        "[1, -2.5e3, true, false, null, \"x\"]".to_owned(),
        "[[1, [2]], [], {\"a\": [3, {\"b\": 4}]}]\n".to_owned(),
        // A duplicate key (a finding with a related location) and escapes, surrogate pairs
        // and multi-byte characters that a window may cut.
        "[\r\n  {\"full_name\": \"acme/caf\\u00e9\", \"name\": \"é😀\", \"name\": \"twice\"},\r\n  {\"id\": 7, \"topics\": [\"\\ud83d\\ude00\", \"ü\"], \"skipped\": {\"deep\": [1, 2, {\"x\": \"\\\"\"}]}}\r\n]\r\n".to_owned(),
    ];
    // A pretty-printed GitHub-like export, and the same minified on one line.
    let repositories: Vec<serde_json::Value> = (0..40)
        .map(|i| {
            json!({
                "id": i,
                "name": format!("repo-{i}"),
                "full_name": format!("acme/repo-{i}"),
                "private": i % 3 == 0,
                "description": format!("Ré-po {i} – with “quotes” and \\ backslashes"),
                "topics": ["payments", format!("t{i}")],
                "owner": {"login": "acme", "id": 1, "url": "https://api.github.com/users/acme"},
                "archived": false,
                "default_branch": "main",
            })
        })
        .collect();
    texts.push(serde_json::to_string_pretty(&repositories).expect("json"));
    texts.push(serde_json::to_string(&repositories).expect("json"));
    texts
}

#[test]
fn a_json_array_read_in_pieces_parses_like_the_whole_text() {
    let keep = StructureLimits {
        keep_fields: Some(&["full_name", "name", "id", "topics"]),
        ..StructureLimits::INVENTORY
    };
    for limits in [StructureLimits::INVENTORY, keep] {
        for text in arrays() {
            let json::Outcome::Parsed(Some(whole), whole_findings) =
                json::parse("f.json", &text, limits)
            else {
                panic!("the whole text parses: {text}");
            };
            for (window, step) in [(1, 1), (3, 2), (7, 64), (64, 5), (1 << 20, 1 << 20)] {
                let Some(json::Streamed {
                    document,
                    diagnostics,
                    lines,
                }) = streamed(&text, window, step, limits)
                else {
                    panic!("window {window}, step {step}: declined {text}");
                };
                let context = format!("window {window}, step {step}: {text}");
                assert_eq!(document.value, whole.value, "{context}");
                assert_eq!(document.start, whole.start, "{context}");
                assert_eq!(
                    recorded(&document.spans),
                    recorded(&whole.spans),
                    "{context}"
                );
                assert_eq!(diagnostics, whole_findings, "{context}");
                // Each line a node or key starts on is kept, as written.
                let all: Vec<&str> = text.split('\n').collect();
                let mut wanted: Vec<u32> = recorded(&whole.spans)
                    .iter()
                    .flat_map(|(_, span)| {
                        [Some(span.value.start.line), span.key.map(|k| k.start.line)]
                    })
                    .flatten()
                    .collect();
                wanted.sort_unstable();
                wanted.dedup();
                let kept: Vec<u32> = lines.iter().map(|(n, _)| *n).collect();
                assert_eq!(kept, wanted, "{context}");
                for (number, line) in &lines {
                    let written = all[*number as usize - 1];
                    assert_eq!(
                        &**line,
                        written.strip_suffix('\r').unwrap_or(written),
                        "{context}"
                    );
                }
            }
        }
    }
}

#[test]
fn what_the_streamed_path_cannot_read_exactly_is_declined() {
    let few = StructureLimits {
        max_entries: 2,
        ..StructureLimits::INVENTORY
    };
    let shallow = StructureLimits {
        max_depth: 2,
        ..StructureLimits::INVENTORY
    };
    for (text, limits) in [
        ("", StructureLimits::INVENTORY),
        ("   ", StructureLimits::INVENTORY),
        ("{\"services\": []}", StructureLimits::INVENTORY),
        ("[1, 2] trailing", StructureLimits::INVENTORY),
        ("[1, 2", StructureLimits::INVENTORY),
        ("[1, 2,]", StructureLimits::INVENTORY),
        ("[{\"a\": tru}]", StructureLimits::INVENTORY),
        ("- yaml: list", StructureLimits::INVENTORY),
        ("\u{feff}[1]", StructureLimits::INVENTORY),
        ("[\"a\u{1}b\"]", StructureLimits::INVENTORY),
        ("[1, 2, 3]", few),
        ("[[[1]]]", shallow),
    ] {
        for (window, step) in [(1, 1), (4, 3), (1 << 20, 1 << 20)] {
            assert!(
                streamed(text, window, step, limits).is_none(),
                "window {window}: {text:?}"
            );
        }
    }
    // Invalid UTF-8 and more bytes than the limit, from a reader.
    let bytes: &[u8] = b"[\"\xff\"]";
    let declined = json::parse_array_through(
        "f.json",
        Trickle { bytes, step: 1 },
        1 << 30,
        StructureLimits::INVENTORY,
        2,
    );
    assert!(declined.is_none());
    let declined = json::parse_array_through(
        "f.json",
        Trickle {
            bytes: b"[1, 2, 3]",
            step: 4,
        },
        8,
        StructureLimits::INVENTORY,
        4,
    );
    assert!(declined.is_none());
}
