use std::io::Read;

use serde_json::{Value, json};

use super::{Array, Keep, Miss, Sink, skim, value_end};

const KEEP: Keep = Keep {
    services: &["name", "owner"],
    teams: &["name"],
    resources: &["key"],
};

/// Where serde says the first value of `text` ends.
fn serde_end(text: &[u8]) -> usize {
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<Value>();
    stream.next().expect("a value").expect("valid JSON");
    stream.byte_offset()
}

/// Values whose extent is easy to get wrong: brackets and quotes inside strings, escapes,
/// runs of backslashes, nesting, scalars.
fn tricky_values() -> Vec<String> {
    let mut values: Vec<String> = [
        r#"{}"#,
        r#"[]"#,
        r#"{"a": "}"}"#,
        r#"{"a": "]]]]{{{{"}"#,
        r#"["\"", "\\", "\\\"", "\\\\\"]"]"#,
        r#"{"a\"b": [1, 2, {"c": "\\"}], "d": "x\\\\"}"#,
        r#""plain""#,
        r#""with \" quote""#,
        r#""ends in backslashes \\\\""#,
        r#""\u005c\"""#,
        "\"unicode é ü 漢字 🎉 [ {\"",
        "12345",
        "-1.5e10",
        "true",
        "false",
        "null",
        r#"[[[[[[[[[[]]]]]]]]]]"#,
        r#"{"nested": {"deeper": {"deepest": ["x", {"y": null}]}}}"#,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Backslash runs and quotes at every offset of a block boundary.
    for run in 0..6 {
        for pad in 0..70 {
            let backslashes = "\\\\".repeat(run);
            values.push(format!(
                r#"{{"{}": "{}{backslashes}\"]{{", "z": ["{}"]}}"#,
                "k".repeat(pad),
                "v".repeat(pad % 13),
                "w".repeat(pad)
            ));
        }
    }
    values
}

#[test]
fn value_ends_agree_with_serde() {
    for value in tricky_values() {
        for trailer in ["", " ", ",", "}", "]", "\n  ,{\"next\": \"}\"}"] {
            let text = format!("{value}{trailer}");
            let expected = serde_end(text.as_bytes());
            let found = value_end(text.as_bytes()).unwrap_or_else(|miss| {
                panic!("no end found in {text:?}: {miss:?}");
            });
            assert_eq!(found, expected, "in {text:?}");
        }
    }
}

#[test]
fn incomplete_values_have_no_end() {
    for text in [r#"{"a": 1"#, r#"["]"#, r#""abc\""#, r#"{"a": "}""#, "{"] {
        assert!(value_end(text.as_bytes()).is_err(), "{text:?}");
    }
}

/// A bundle-shaped document with the tricky values in fields that are skipped and kept.
fn bundle() -> Value {
    let tricky: Vec<Value> = tricky_values()
        .iter()
        .map(|v| serde_json::from_str(v).expect("valid"))
        .collect();
    let services: Vec<Value> = (0..300)
        .map(|i| {
            json!({
                "name": format!("service-{i}"),
                "scores": [tricky[i % tricky.len()], {"x": "]}\\\""}],
                "owner": format!("team-\"{}\"", i % 7),
                "description": "a } b ] c \\ d \" e".repeat(i % 5),
                "name2": tricky[(i * 7) % tricky.len()],
            })
        })
        .collect();
    json!({
        "apiVersion": "catalogc/v1",
        "kind": "CatalogBundle",
        "catalog": {"name": "skimmed", "title": "A [title] with \"quotes\""},
        "services": services,
        "teams": [{"name": "a", "members": tricky}, {"name": "b"}],
        "resources": [],
        "scorecards": {"big": "x".repeat(3 * super::CHUNK)},
        "diagnostics": tricky,
    })
}

/// The bundle reduced to the kept fields, by serde.
fn expected(bundle: &Value) -> Value {
    let reduce = |entries: &Value, fields: &[&str]| -> Value {
        Value::Array(
            entries
                .as_array()
                .expect("array")
                .iter()
                .map(|entry| {
                    let entry = entry.as_object().expect("object");
                    Value::Object(
                        entry
                            .iter()
                            .filter(|(k, _)| fields.contains(&k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    )
                })
                .collect(),
        )
    };
    json!({
        "apiVersion": bundle["apiVersion"],
        "kind": bundle["kind"],
        "catalog": bundle["catalog"],
        "services": reduce(&bundle["services"], KEEP.services),
        "teams": reduce(&bundle["teams"], KEEP.teams),
        "resources": reduce(&bundle["resources"], KEEP.resources),
    })
}

/// Collects the entries and puts them back into the head, as one JSON value.
#[derive(Default)]
struct Collect {
    services: Vec<Value>,
    teams: Vec<Value>,
    resources: Vec<Value>,
}

impl Sink for Collect {
    fn entry(&mut self, array: Array, json: &[u8]) -> Result<(), Miss> {
        let value = serde_json::from_slice(json).expect("an entry is JSON");
        match array {
            Array::Services => self.services.push(value),
            Array::Teams => self.teams.push(value),
            Array::Resources => self.resources.push(value),
        }
        Ok(())
    }
}

/// Skims `reader` into one JSON value: the head with the entries put back.
fn skimmed(reader: impl Read, limit: u64) -> Result<Value, Miss> {
    let mut collect = Collect::default();
    let head = skim(reader, limit, &KEEP, &mut collect)?;
    let mut value: Value = serde_json::from_slice(&head).expect("the head is JSON");
    for (name, entries) in [
        ("services", collect.services),
        ("teams", collect.teams),
        ("resources", collect.resources),
    ] {
        if let Some(slot) = value.get_mut(name) {
            assert_eq!(*slot, json!([]), "{name} is a placeholder in the head");
            *slot = Value::Array(entries);
        } else {
            assert!(entries.is_empty());
        }
    }
    Ok(value)
}

/// Hands out at most `step` bytes per read, so that values straddle every window edge.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn skimming_keeps_exactly_the_named_fields_pretty_or_compact() {
    let bundle = bundle();
    let expected = expected(&bundle);
    for text in [
        serde_json::to_vec_pretty(&bundle).expect("json"),
        serde_json::to_vec(&bundle).expect("json"),
    ] {
        assert_eq!(
            skimmed(text.as_slice(), u64::MAX).expect("skimmed"),
            expected
        );
    }
}

#[test]
fn skimming_is_the_same_whatever_the_reads_return() {
    let text = serde_json::to_vec_pretty(&bundle()).expect("json");
    let whole = skimmed(text.as_slice(), u64::MAX).expect("skimmed");
    for step in [1, 7, 63, 64, 65, 4096, 100_000] {
        let trickled = skimmed(Trickle { bytes: &text, step }, u64::MAX).expect("skimmed");
        assert!(trickled == whole, "reads of {step} bytes");
    }
}

#[test]
fn skimming_gives_up_on_what_a_full_parse_should_judge() {
    let cases = [
        // A key written with an escape might name a kept field.
        r#"{"apiVersion": "catalogc/v1", "servic\u0065s": []}"#,
        r#"{"services": [{"n\u0061me": "a"}]}"#,
        // Truncated, trailing content, not an object, entries that are not objects.
        r#"{"services": [{"name": "a"}"#,
        r#"{"services": []} {}"#,
        r#"[1, 2]"#,
        r#"{"services": [1]}"#,
        r#"{"services": {"name": "a"}}"#,
        r#"{"kind" "CatalogBundle"}"#,
        r#"{"kind": }"#,
        "",
    ];
    for case in cases {
        assert!(
            matches!(skimmed(case.as_bytes(), u64::MAX), Err(Miss::Shape)),
            "{case:?}"
        );
    }
}

#[test]
fn skimming_stops_past_the_size_limit() {
    let text = serde_json::to_vec(&bundle()).expect("json");
    let limit = text.len() as u64 - 1;
    assert!(matches!(
        skimmed(text.as_slice(), limit),
        Err(Miss::TooLarge)
    ));
    assert!(skimmed(text.as_slice(), limit + 1).is_ok());
}
