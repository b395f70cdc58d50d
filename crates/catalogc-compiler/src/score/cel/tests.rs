//! Tests of [`CelEngine`]: the language as scorecards use it, and every guard.
//!
//! The hostile cases finish quickly because a guard stops them; without it they would crash
//! the test binary (stack overflow) or run for minutes. Nothing here measures time.

use serde_json::json;

use super::*;

fn variables(service: Json) -> Variables {
    Variables {
        service,
        resources: json!([]),
        dependencies: json!([]),
        dependents: json!([]),
        catalog: json!({"services": 1, "teams": ["payments"]}),
        today: "2026-06-15".to_owned(),
    }
}

/// Compiles and evaluates `source` against `variables`.
fn evaluate(source: &str, variables: &Variables) -> Result<bool, String> {
    let engine = CelEngine::new();
    let rule = engine
        .compile(source)
        .unwrap_or_else(|e| panic!("`{source}` does not compile: {e:?}"));
    engine.evaluate(&rule, &engine.bind(variables))
}

fn compile_error(source: &str) -> RuleError {
    match CelEngine::new().compile(source) {
        Ok(rule) => panic!("`{source}` compiled ({} nodes)", rule.node_count()),
        Err(error) => error,
    }
}

fn billing() -> Variables {
    variables(json!({
        "name": "billing",
        "tier": 2,
        "lifecycle": "production",
        "description": "Charges customers",
        "team": {"name": "payments", "members": [{"name": "alice", "role": "lead"}]},
    }))
}

// --- The language as scorecards use it ---------------------------------------------------

#[test]
fn json_integers_are_signed_integers() {
    assert_eq!(evaluate("service.tier + 1 == 3", &billing()), Ok(true));
    assert_eq!(evaluate("service.tier - 3 == -1", &billing()), Ok(true));
    assert_eq!(evaluate("service.tier > 1", &billing()), Ok(true));
}

#[test]
fn numbers_keep_their_json_kind() {
    let vars = variables(json!({"big": u64::MAX, "ratio": 0.5, "none": null}));
    assert_eq!(
        evaluate("service.big == 18446744073709551615u", &vars),
        Ok(true)
    );
    assert_eq!(evaluate("service.ratio < 1.0", &vars), Ok(true));
    assert_eq!(evaluate("service.none == null", &vars), Ok(true));
}

#[test]
fn has_tests_absent_optional_fields() {
    let vars = billing();
    assert_eq!(evaluate("has(service.links)", &vars), Ok(false));
    assert_eq!(evaluate("has(service.tier)", &vars), Ok(true));
    assert_eq!(evaluate("has(service.team.name)", &vars), Ok(true));
    assert_eq!(
        evaluate("!has(service.links) || size(service.links) > 0", &vars),
        Ok(true)
    );
}

#[test]
fn a_missing_field_without_has_is_an_error_that_names_has() {
    let error = evaluate("size(service.links) > 0", &billing()).expect_err("links is absent");
    assert_eq!(
        error,
        "`service.links` is not set for this service (use `has(service.links)` to test \
         optional fields)"
    );
}

#[test]
fn today_is_a_timestamp_at_midnight_utc() {
    let mut vars = billing();
    vars.today = "2027-01-31".to_owned();
    assert_eq!(
        evaluate("today == timestamp('2027-01-31T00:00:00Z')", &vars),
        Ok(true)
    );
    assert_eq!(
        evaluate("today < timestamp('2027-01-31T00:00:01Z')", &vars),
        Ok(true)
    );
    vars.today = "2027-02-01".to_owned();
    assert_eq!(
        evaluate("today > timestamp('2027-01-31T00:00:00Z')", &vars),
        Ok(true)
    );
    assert_eq!(evaluate("today.getFullYear() == 2027", &vars), Ok(true));
}

#[test]
fn an_invalid_today_fails_only_the_rules_that_read_it() {
    let mut vars = billing();
    vars.today = "31/01/2027".to_owned();
    assert_eq!(
        evaluate("today > timestamp('2027-01-31T00:00:00Z')", &vars),
        Err("`today` is not a date (YYYY-MM-DD): `31/01/2027`".to_owned())
    );
    assert_eq!(evaluate("service.tier == 2", &vars), Ok(true));
}

#[test]
fn comprehensions_range_over_bound_lists() {
    let mut vars = billing();
    vars.resources = json!([
        {"key": "kong:route:a", "integration": "kong", "type": "route"},
        {"key": "pagerduty:service:P1", "integration": "pagerduty", "type": "service",
         "attributes": {"status": "active"}},
    ]);
    vars.dependencies = json!([{"name": "ledger", "lifecycle": "deprecated"}]);
    let cases = [
        ("resources.exists(r, r.integration == 'pagerduty')", true),
        ("resources.all(r, r.integration == 'kong')", false),
        ("resources.exists_one(r, r.type == 'route')", true),
        (
            "resources.filter(r, has(r.attributes)).map(r, r.attributes.status) == ['active']",
            true,
        ),
        ("dependencies.exists(d, d.lifecycle == 'deprecated')", true),
        ("size(dependents) == 0", true),
        ("'payments' in catalog.teams", true),
        // A comprehension variable may shadow a variable.
        ("dependencies.all(service, service.name == 'ledger')", true),
    ];
    for (source, expected) in cases {
        assert_eq!(evaluate(source, &vars), Ok(expected), "{source}");
    }
}

#[test]
fn string_functions_and_regular_expressions() {
    let vars = billing();
    let cases = [
        "service.name.startsWith('bill')",
        "service.name.endsWith('ing')",
        "service.description.contains('customers')",
        "size(service.name) == 7",
        "service.name.matches('^[a-z]+$')",
        "service.team.name + '-team' == 'payments-team'",
        "string(service.tier) == '2'",
    ];
    for source in cases {
        assert_eq!(evaluate(source, &vars), Ok(true), "{source}");
    }
}

/// The regex crate matches in linear time: a pattern that backtracks catastrophically in
/// other engines returns at once.
#[test]
fn regular_expressions_do_not_backtrack_catastrophically() {
    assert_eq!(
        evaluate(
            "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('(a+)+$')",
            &billing()
        ),
        Ok(false)
    );
}

#[test]
fn an_invalid_regular_expression_is_an_error_on_one_line() {
    let error = evaluate("service.name.matches('(')", &billing()).expect_err("invalid");
    assert!(error.starts_with("`matches` failed: "), "{error}");
    assert!(!error.contains('\n'), "{error}");
}

// --- Runtime errors in plain words -------------------------------------------------------

#[test]
fn arithmetic_errors_are_reasons_not_crashes() {
    let vars = billing();
    let cases = [
        ("9223372036854775807 + 1 > 0", "integer overflow in `+`"),
        ("-9223372036854775808 / -1 > 0", "integer overflow in `/`"),
        ("-9223372036854775807 - 2 < 0", "integer overflow in `-`"),
        (
            "service.tier * 9223372036854775807 > 0",
            "integer overflow in `*`",
        ),
        ("1 / 0 == 0", "division by zero"),
        ("service.tier / (service.tier - 2) == 0", "division by zero"),
        ("1 % 0 == 0", "remainder of a division by zero (`% 0`)"),
    ];
    for (source, reason) in cases {
        assert_eq!(evaluate(source, &vars), Err(reason.to_owned()), "{source}");
    }
}

#[test]
fn type_errors_name_the_types() {
    let vars = billing();
    let cases = [
        (
            "service.tier + 'a' == 1",
            "`+` does not apply to int and string",
        ),
        ("service.tier < 'a'", "`<` does not apply to int and string"),
        (
            "service.name.contains(1)",
            "`string.contains()` does not take (int)",
        ),
        (
            "service.tier.name == 'x'",
            "cannot select a field of an int",
        ),
        ("[1][3] == 1", "index 3 is out of range"),
        ("nope(1)", "unknown function or variable `nope`"),
    ];
    for (source, reason) in cases {
        assert_eq!(evaluate(source, &vars), Err(reason.to_owned()), "{source}");
    }
}

#[test]
fn a_result_that_is_not_a_boolean_is_an_error() {
    let vars = billing();
    let cases = [
        (
            "service.tier",
            "the expression gives an int, not true or false",
        ),
        (
            "service.name",
            "the expression gives a string, not true or false",
        ),
        ("service", "the expression gives a map, not true or false"),
        (
            "resources",
            "the expression gives a list, not true or false",
        ),
        (
            "today",
            "the expression gives a timestamp, not true or false",
        ),
        ("null", "the expression gives a null, not true or false"),
    ];
    for (source, reason) in cases {
        assert_eq!(evaluate(source, &vars), Err(reason.to_owned()), "{source}");
    }
}

// --- Compile errors ----------------------------------------------------------------------

#[test]
fn parse_errors_point_at_the_line_and_column() {
    // Columns are 1-based; at the end of the text they point just past the last character.
    let error = compile_error("service.tier >");
    assert_eq!((error.line, error.column), (1, 15));
    assert_eq!(
        error.message,
        "the expression ends too early; expected a value"
    );

    let error = compile_error("service.tier > 1 &&\n  service.name == 'a' )");
    assert_eq!((error.line, error.column), (2, 23));
    assert_eq!(
        error.message,
        "unexpected `)`; expected the end of the expression"
    );

    let error = compile_error("[1, 2");
    assert_eq!(
        error.message,
        "the expression ends too early; expected `]` or `,`"
    );
}

/// The parser counts columns in characters, not bytes.
#[test]
fn parse_error_columns_count_characters() {
    let error = compile_error("'é' + )");
    assert_eq!((error.line, error.column), (1, 7));
    assert_eq!(error.message, "unexpected `)`; expected a value");
}

#[test]
fn lexical_errors_are_plain() {
    assert_eq!(
        compile_error("service.name == 'billing").message,
        "a string is not closed, or has an invalid escape sequence"
    );
    assert_eq!(
        compile_error("service.tier == #").message,
        "unexpected character `#`"
    );
    assert_eq!(
        compile_error("for").message,
        "`for` is a reserved word and cannot be a name"
    );
    assert_eq!(
        compile_error("has(service)").message,
        "`has()` takes a field selection, like `has(service.tier)`"
    );
}

#[test]
fn unknown_variables_are_rejected_with_a_suggestion() {
    let error = compile_error("servise.tier == 1");
    assert_eq!(
        error.message,
        "unknown variable `servise`; did you mean `service`?"
    );
    assert_eq!((error.line, error.column), (1, 1));

    // Positions count characters although the crate's node offsets count bytes.
    let error = compile_error("'é' == resorces[0].name");
    assert_eq!(
        error.message,
        "unknown variable `resorces`; did you mean `resources`?"
    );
    assert_eq!((error.line, error.column), (1, 8));

    // Comprehension variables are in scope in the body only, and are suggested there.
    let error = compile_error("resources.exists(res, rse.type == 'x')");
    assert_eq!(error.message, "unknown variable `rse`; did you mean `res`?");
    let error = compile_error("resources.exists(r, true) && r.type == 'x'");
    assert!(
        error.message.starts_with("unknown variable `r`"),
        "{error:?}"
    );

    let error = compile_error("owner == 'x'");
    assert_eq!(
        error.message,
        "unknown variable `owner`; the variables are `service`, `resources`, `dependencies`, \
         `dependents`, `catalog` and `today`"
    );
}

#[test]
fn type_names_are_not_variables() {
    assert_eq!(evaluate("type(service.tier) == int", &billing()), Ok(true));
}

#[test]
fn the_rule_records_its_shape() {
    let engine = CelEngine::new();
    let rule = engine
        .compile("resources.exists(r, dependencies.all(d, d.name != r.name))")
        .expect("compiles");
    assert_eq!(rule.comprehension_nesting(), 2);
    assert!(rule.uses("resources") && rule.uses("dependencies") && !rule.uses("service"));
    // Reads only through `size()` are told apart, so counted lists need no entries.
    for (source, dependents) in [
        ("size(dependents) < 5", Usage::Size),
        (
            "dependents.size() < 5 || size(service.name) > 3",
            Usage::Size,
        ),
        (
            "size(dependents) < 5 && dependents[0].tier == 1",
            Usage::Full,
        ),
        ("dependents.exists(d, d.tier == 1)", Usage::Full),
        ("size(dependents.filter(d, d.tier == 1)) > 0", Usage::Full),
        ("has(dependents.x)", Usage::Full),
        ("size(dependencies) > 0", Usage::Unused),
    ] {
        let rule = engine.compile(source).expect(source);
        assert_eq!(rule.usage("dependents"), dependents, "{source}");
    }
    assert!(
        rule.node_count() > 10 && rule.node_count() < 40,
        "{}",
        rule.node_count()
    );

    // Chained comprehensions do not nest: the range is outside the loop.
    let rule = engine
        .compile("resources.filter(r, r.type == 'route').map(r, r.name).size() > 0")
        .expect("compiles");
    assert_eq!(rule.comprehension_nesting(), 1);
}

// --- Guards ------------------------------------------------------------------------------

#[test]
fn expressions_longer_than_the_limit_are_rejected_before_parsing() {
    let source = format!("service.name == '{}'", "x".repeat(MAX_SOURCE_CHARS));
    let error = compile_error(&source);
    assert_eq!((error.line, error.column), (1, MAX_SOURCE_CHARS as u32 + 1));
    assert!(
        error
            .message
            .starts_with("the expression is longer than 4,096 characters")
    );
}

/// 5,000 nested parentheses would overflow the parser's stack; the scan stops them first,
/// at the parenthesis that goes one level too deep (before the length check: it is the more
/// useful message).
#[test]
fn deeply_nested_brackets_are_rejected_before_parsing() {
    let source = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
    let error = compile_error(&source);
    assert_eq!(
        error.message,
        "the expression nests parentheses deeper than 32 levels"
    );
    assert_eq!((error.line, error.column), (1, 33));

    let error =
        compile_error("[\n[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    assert_eq!(
        error.message,
        "the expression nests brackets deeper than 32 levels"
    );
    assert_eq!((error.line, error.column), (2, 32));

    // At the limit it parses.
    let source = format!("{}true{}", "(".repeat(32), ")".repeat(32));
    assert_eq!(evaluate(&source, &billing()), Ok(true));
}

/// Brackets in string literals and comments are text, whatever the quoting.
#[test]
fn brackets_in_strings_and_comments_do_not_count() {
    let deep = "(".repeat(40);
    let cases = [
        format!("service.name != '{deep}'"),
        format!("service.name != \"{deep}\""),
        format!("service.name != '''{deep}\n'''"),
        format!("service.name != r'\\' + '{deep}'"),
        format!("service.name != 'it\\'s {deep}'"),
        format!("service.name != b'{deep}' // {deep}\n"),
        format!("service.name != 'x' // {deep}"),
    ];
    for source in &cases {
        assert!(CelEngine::new().compile(source).is_ok(), "{source}");
    }
}

/// The parser recurses for every link of a chain; these are under the length limit and
/// unbracketed, so they reach the parser, which runs on its own large stack. The trees are
/// then too deep or too large and are rejected (and dropped) there.
#[test]
fn long_chains_are_compiled_or_rejected_without_crashing() {
    let sum = vec!["1"; 1_000].join(" + ");
    let error = compile_error(&format!("{sum} == 1000"));
    assert!(
        error
            .message
            .starts_with("the expression is nested too deeply"),
        "{error:?}"
    );

    let calls = format!("service.name{}", ".size()".repeat(500));
    assert!(CelEngine::new().compile(&calls).is_err());

    let indexes = format!("resources{}", "[0]".repeat(1_300));
    assert!(CelEngine::new().compile(&indexes).is_err());

    let selections = format!("service{} == 1", ".a".repeat(2_000));
    assert!(CelEngine::new().compile(&selections).is_err());

    // `&&` and `||` chains are balanced by the parser: shallow.
    let conjunction = vec!["true"; 500].join(" && ");
    assert_eq!(evaluate(&conjunction, &billing()), Ok(true));

    let list = format!("[{}] == []", vec!["1"; 1_500].join(","));
    let error = compile_error(&list);
    assert!(
        error.message.starts_with("the expression is too large"),
        "{error:?}"
    );

    // Repeated negations collapse while parsing.
    let negations = format!("{}true", "!".repeat(4_000));
    assert_eq!(evaluate(&negations, &billing()), Ok(true));

    // A conditional chain trips the parser's own recursion limit.
    let conditionals = format!("{}1", "false ? 0 : ".repeat(200));
    let error = compile_error(&conditionals);
    assert_eq!(error.message, "the expression is nested too deeply");
}

#[test]
fn comprehensions_nested_three_deep_are_rejected() {
    let error = compile_error(
        "resources.map(r, dependencies.exists(d, dependents.all(e, e.name != d.name)))",
    );
    assert!(error.message.starts_with("comprehensions"), "{error:?}");
    // At `all`, the third level.
    assert_eq!((error.line, error.column), (1, 52));

    // Nesting counts through the result and the accumulator, not the range.
    assert!(
        CelEngine::new()
            .compile("resources.filter(r, true).map(r, r).filter(r, true).exists(r, true)")
            .is_ok()
    );
}

/// A two-deep comprehension over 20,000-entry lists is 400 million iterations: refused
/// from the estimate, without evaluating.
#[test]
fn the_step_estimate_refuses_long_evaluations() {
    let mut vars = billing();
    let entries: Vec<Json> = (0..20_000)
        .map(|i| json!({"name": format!("r{i}")}))
        .collect();
    vars.resources = Json::Array(entries.clone());
    vars.dependents = Json::Array(entries);
    let engine = CelEngine::new();
    let bound = engine.bind(&vars);
    assert_eq!(bound.largest_collection(), 20_000);
    let rule = engine
        .compile("resources.all(r, dependents.exists(d, d.name == r.name))")
        .expect("compiles");
    let error = engine.evaluate(&rule, &bound).expect_err("too long");
    assert!(
        error.starts_with("this expression would take too long for this service (up to "),
        "{error}"
    );
    assert!(
        error.ends_with("steps over lists of up to 20,000 entries)"),
        "{error}"
    );

    // One level over the same lists is fine.
    let rule = engine
        .compile("resources.exists(r, r.name == 'r19999')")
        .expect("compiles");
    assert_eq!(engine.evaluate(&rule, &bound), Ok(true));
}

/// Few steps can still copy or compare a lot: each of these would copy the 5,000 resources
/// for every resource, or compare every resource with all of them.
#[test]
fn the_work_estimate_refuses_copying_whole_lists_in_loops() {
    let mut vars = billing();
    let entries: Vec<Json> = (0..5_000)
        .map(|i| json!({"key": format!("k{i}"), "type": "route"}))
        .collect();
    vars.resources = Json::Array(entries);
    let engine = CelEngine::new();
    let bound = engine.bind(&vars);
    let hostile = [
        "resources.map(r, resources).size() > 0",
        "resources.exists(r, r in resources)",
        "resources.all(r, [resources, resources].size() == 2)",
        &format!("size({}) > 0", vec!["resources"; 60].join(" + ")),
    ];
    for source in hostile {
        let rule = engine.compile(source).expect("compiles");
        let error = engine.evaluate(&rule, &bound).expect_err(source);
        assert!(
            error.starts_with(
                "this expression would take too long for this service (it would \
                               copy or compare up to "
            ),
            "{source}: {error}"
        );
    }
    // What scorecards do stays well within it.
    let fine = [
        "resources.exists(r, r.key == 'k4999')",
        "resources.map(r, r.key).exists(k, k == 'k4999')",
        "resources.filter(r, r.type == 'route').size() == 5000",
        "size(resources + resources) == 10000",
    ];
    for source in fine {
        assert_eq!(
            engine.evaluate(&engine.compile(source).expect("compiles"), &bound),
            Ok(true),
            "{source}"
        );
    }
}

#[test]
fn data_nested_too_deeply_fails_only_the_rules_that_read_it() {
    let mut deep = json!(1);
    for _ in 0..MAX_DATA_DEPTH + 1 {
        deep = json!([deep]);
    }
    let mut vars = billing();
    vars.resources = deep;
    let engine = CelEngine::new();
    let bound = engine.bind(&vars);
    let rule = engine.compile("size(resources) == 1").expect("compiles");
    assert_eq!(
        engine.evaluate(&rule, &bound),
        Err(
            "`resources` nests deeper than 256 levels, more than an expression can be \
             evaluated over"
                .to_owned()
        )
    );
    let rule = engine.compile("service.tier == 2").expect("compiles");
    assert_eq!(engine.evaluate(&rule, &bound), Ok(true));
}

/// An expression at the depth limit, evaluated from a thread with rayon's default 2 MiB
/// stack: deep rules run on a thread of their own, shallow ones in place.
#[test]
fn deep_expressions_evaluate_on_a_small_stack() {
    let engine = CelEngine::new();
    // `n` terms nest `n - 1` additions under the `==`, then `service.tier` is two levels.
    let sum = |terms: usize| {
        format!(
            "{} == {}",
            vec!["service.tier"; terms].join(" + "),
            2 * terms
        )
    };
    let at_limit = sum(MAX_DEPTH - 2);
    let rule = engine.compile(&at_limit).expect("compiles");
    assert_eq!(rule.depth(), MAX_DEPTH);
    let shallow = engine.compile(&sum(INLINE_DEPTH - 2)).expect("compiles");
    assert_eq!(shallow.depth(), INLINE_DEPTH);
    let bound = engine.bind(&billing());
    let results = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(scope, || {
                (
                    engine.evaluate(&rule, &bound),
                    engine.evaluate(&shallow, &bound),
                )
            })
            .expect("a thread")
            .join()
            .expect("no stack overflow")
    });
    assert_eq!(results, (Ok(true), Ok(true)));

    let error = compile_error(&sum(MAX_DEPTH - 1));
    assert_eq!(
        error.message,
        "the expression is nested too deeply (more than 100 levels)"
    );
}

/// Data at the nesting limit is compared, copied and dropped (all by recursion in the crate)
/// within a 2 MiB stack.
#[test]
fn data_at_the_nesting_limit_evaluates_on_a_small_stack() {
    let mut deep = json!(1);
    for level in 0..MAX_DATA_DEPTH - 1 {
        deep = if level % 2 == 0 {
            json!([deep])
        } else {
            json!({"a": deep})
        };
    }
    let mut vars = billing();
    vars.resources = json!([deep.clone(), deep]);
    let engine = CelEngine::new();
    let rules: Vec<CelRule> = [
        "resources == resources",
        "resources.exists(r, r == resources[1])",
        "resources.map(r, [r]).size() == 2",
        "resources[0] in resources",
    ]
    .iter()
    .map(|source| engine.compile(source).expect("compiles"))
    .collect();
    let results = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(scope, || {
                let bound = engine.bind(&vars);
                rules
                    .iter()
                    .map(|rule| engine.evaluate(rule, &bound))
                    .collect::<Vec<_>>()
            })
            .expect("a thread")
            .join()
            .expect("no stack overflow")
    });
    assert_eq!(results, vec![Ok(true); 4]);
}

#[test]
fn thousands_are_separated() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_000), "1,000");
    assert_eq!(thousands(10_000_000), "10,000,000");
}

// --- Shared values and what is bound ------------------------------------------------------

/// Bound lists and maps are [`Shared`]: every operation on them, in either operand, behaves
/// as on the crate's own lists and maps (literals here).
#[test]
fn shared_lists_and_maps_behave_like_the_crates_own() {
    let mut vars = variables(json!({
        "tags": ["a", "b"],
        "labels": {"k": "v", "n": 1},
        "apis": {"provides": [{"name": "x", "tags": ["t"]}]},
    }));
    vars.resources =
        json!([{"name": "r1", "attributes": {"plugins": ["key-auth"]}}, {"name": "r2"}]);
    let engine = CelEngine::new();
    let bound = engine.bind(&vars);
    let cases = [
        "service.tags == ['a', 'b']",
        "['a', 'b'] == service.tags",
        "service.labels == {'k': 'v', 'n': 1}",
        "{'n': 1, 'k': 'v'} == service.labels",
        "service.tags != ['a']",
        "'a' in service.tags && !('c' in service.tags)",
        "'k' in service.labels",
        "service.tags in [['a', 'b']]",
        "size(service.tags + ['c']) == 3 && (service.tags + ['c'])[2] == 'c'",
        "(['z'] + service.tags)[1] == 'a'",
        "service.tags + service.tags == ['a', 'b', 'a', 'b']",
        "service.tags[1] == 'b' && service.labels['n'] == 1 && service.labels.k == 'v'",
        "type(service.tags) == list && type(service.labels) == map",
        "service.tags.map(t, t + '!') == ['a!', 'b!']",
        "service.tags.filter(t, t == 'b') == ['b']",
        "service.labels.all(k, k in ['k', 'n'])",
        "resources.map(r, r)[1].name == 'r2'",
        "resources.exists(r, has(r.attributes) && 'key-auth' in r.attributes.plugins)",
        "[service.tags][0][1] == 'b'",
        "dyn(service.labels).k == 'v'",
        "{'x': service.tags}.x == service.tags",
        "service.apis.provides[0].tags == ['t']",
        "has(service.apis.provides) && !has(service.apis.consumes)",
        "size(service.labels) == 2 && service.labels.size() == 2",
    ];
    for source in cases {
        let rule = engine.compile(source).expect("compiles");
        assert_eq!(engine.evaluate(&rule, &bound), Ok(true), "{source}");
    }
    // Out of range and missing keys are errors, as on the crate's values.
    for source in ["service.tags[5] == 'a'", "service.labels.missing == 1"] {
        let rule = engine.compile(source).expect("compiles");
        assert!(engine.evaluate(&rule, &bound).is_err(), "{source}");
    }
}

/// Values put together from converted parts (`list`, `with_entry`) measure what converting
/// the whole JSON measures, so the cost estimates do not depend on how they were built.
#[test]
fn composed_values_measure_like_converted_ones() {
    let engine = CelEngine::new();
    let parts = [
        json!({"name": "a", "tags": ["x", "y"], "nested": {"deep": [[1, 2, 3]]}}),
        json!("a string long enough to count as more than one value when it is measured here"),
        json!([]),
        json!(7),
        json!({"k": {"l": {"m": [1]}}}),
    ];
    let extent = |value: &CelValue| value.0.as_ref().map(|v| v.1);
    let listed = engine.list(parts.iter().map(|p| engine.value(p)).collect());
    assert_eq!(
        extent(&listed),
        extent(&engine.value(&Json::Array(parts.to_vec())))
    );
    let object = json!({"name": "billing", "tier": 2, "links": [{"url": "https://x"}]});
    let team = json!({"name": "payments", "contacts": [{"type": "slack", "value": "#pay"}]});
    let with_team = engine.with_entry(&engine.value(&object), "team", engine.value(&team));
    let mut whole = object.clone();
    whole["team"] = team;
    assert_eq!(extent(&with_team), extent(&engine.value(&whole)));
    // Not an object: unchanged.
    let scalar = engine.with_entry(&engine.value(&json!(1)), "team", engine.value(&json!(2)));
    assert_eq!(extent(&scalar), extent(&engine.value(&json!(1))));

    // The depth limit holds for composed values too.
    let mut deep = json!(1);
    for _ in 0..MAX_DATA_DEPTH {
        deep = json!([deep]);
    }
    assert!(engine.value(&deep).0.is_some());
    assert!(engine.list(vec![engine.value(&deep)]).0.is_none());
    assert!(
        engine
            .with_entry(&engine.value(&json!({})), "x", engine.value(&deep))
            .0
            .is_none()
    );
}

#[test]
fn fields_read_are_known_when_only_fields_are_read() {
    let engine = CelEngine::new();
    let fields = |source: &str, name: &str| {
        let rule = engine.compile(source).expect("compiles");
        (rule.fields(name), rule.element_fields(name))
    };
    let set = |names: &[&str]| Some(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>());
    assert_eq!(
        fields(
            "has(service.team) && service.team.contacts.exists(c, c.type == 'slack') && service.tier < 3",
            "service"
        )
        .0,
        set(&["team", "tier"])
    );
    assert_eq!(fields("size(service) > 3", "service").0, None);
    assert_eq!(fields("service == service", "service").0, None);
    assert_eq!(fields("service['tier'] == 1", "service").0, None);
    // Unused: no fields at all.
    assert_eq!(fields("1 == 1", "service").0, set(&[]));
    // A comprehension variable named like a variable is not the variable.
    assert_eq!(
        fields("dependencies.all(service, service == 1)", "service").0,
        set(&[])
    );

    // Entries of lists, through the variable of comprehensions over the list itself.
    assert_eq!(
        fields(
            "dependencies.all(d, d.lifecycle == 'production') && dependencies.exists(e, has(e.tier))",
            "dependencies"
        ),
        (None, set(&["lifecycle", "tier"]))
    );
    assert_eq!(
        fields(
            "size(dependencies) > 1 && dependencies.all(d, d.tier < 3)",
            "dependencies"
        )
        .1,
        set(&["tier"])
    );
    for whole in [
        "dependencies.map(d, d).size() > 0",
        "dependencies.filter(d, d.tier < 3).size() > 0",
        "dependencies.exists(d, d == dependencies[0])",
        "dependencies[0].tier == 1",
        "dependencies.all(d, size(d) > 0)",
        "dependencies.filter(d, true).all(d, d.tier < 3)",
        "dependencies == []",
    ] {
        assert_eq!(fields(whole, "dependencies").1, None, "{whole}");
    }
    assert_eq!(
        fields(
            "resources.exists(r, r.integration == 'gateway')",
            "resources"
        )
        .1,
        set(&["integration"])
    );
    // Shadowed inside: the inner `r` is the inner list's entry.
    assert_eq!(
        fields(
            "resources.exists(r, [r.name].exists(r, r == 'x'))",
            "resources"
        )
        .1,
        set(&["name"])
    );
}

/// The work estimate admits a rule from rounded measurements, once per rounding, and refuses
/// exactly what the exact estimate refuses.
#[test]
fn the_work_estimate_is_decided_once_per_rounded_measurement() {
    let engine = CelEngine::new();
    let rule = engine
        .compile("resources.exists(r, r in resources)")
        .expect("compiles");
    let bound_with = |count: usize| {
        let mut vars = billing();
        vars.resources = Json::Array(
            (0..count)
                .map(|i| json!({"key": format!("k{i}")}))
                .collect(),
        );
        engine.bind(&vars)
    };
    for count in [1, 2, 3, 100, 101, 127, 128] {
        assert_eq!(
            engine.evaluate(&rule, &bound_with(count)),
            Ok(true),
            "{count}"
        );
    }
    let admitted = rule.admitted.read().expect("lock").len();
    assert!(admitted <= 5, "{admitted} roundings for 7 sizes");
    // 4,000 resources compared with 4,000: refused with the exact figure.
    let error = engine
        .evaluate(&rule, &bound_with(4_000))
        .expect_err("too much work");
    assert!(error.contains("would copy or compare up to"), "{error}");
}

// --- Prefetching ---------------------------------------------------------------------------

#[test]
fn a_prefetched_expression_compiles_to_what_a_compile_gives() {
    let vars = billing();
    let engine = CelEngine::new();
    let good = "service.tier == 2 && service.lifecycle == 'production'";
    let bad = "service.tier ==";
    for source in [good, bad, good] {
        engine.prefetch(source);
    }
    // The queued parse is taken once; a second compile of the same text parses it again.
    for _ in 0..2 {
        let rule = engine.compile(good).expect("compiles");
        assert_eq!(engine.evaluate(&rule, &engine.bind(&vars)), Ok(true));
    }
    assert_eq!(engine.compile(bad).err(), Some(compile_error(bad)));
    assert!(
        engine
            .prefetched
            .lock()
            .map(|p| p.is_empty())
            .unwrap_or(false),
        "every queued parse was taken"
    );
}

#[test]
fn an_expression_the_scan_rejects_is_not_queued() {
    let engine = CelEngine::new();
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    engine.prefetch(&deep);
    assert!(
        engine
            .prefetched
            .lock()
            .map(|p| p.is_empty())
            .unwrap_or(false)
    );
    assert_eq!(engine.compile(&deep).err(), Some(compile_error(&deep)));
}
