//! A small document tree and its two renderings: pretty-printed JSON (as the GitHub and
//! PagerDuty REST APIs return it) and block YAML with sorted keys (as `deck gateway dump`
//! writes it). Written here rather than pulled from a crate so the output cannot change with a
//! dependency's formatting choices.

use std::fmt::Write as _;

/// A JSON / YAML value. Mapping keys keep their order in JSON; YAML sorts them.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(&'static str, Node)>),
}

impl From<bool> for Node {
    fn from(value: bool) -> Node {
        Node::Bool(value)
    }
}

impl From<i64> for Node {
    fn from(value: i64) -> Node {
        Node::Int(value)
    }
}

impl From<u64> for Node {
    fn from(value: u64) -> Node {
        Node::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Node {
    fn from(value: usize) -> Node {
        Node::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Node {
    fn from(value: u32) -> Node {
        Node::Int(i64::from(value))
    }
}

impl From<u16> for Node {
    fn from(value: u16) -> Node {
        Node::Int(i64::from(value))
    }
}

impl From<&str> for Node {
    fn from(value: &str) -> Node {
        Node::Str(value.to_owned())
    }
}

impl From<String> for Node {
    fn from(value: String) -> Node {
        Node::Str(value)
    }
}

impl From<&String> for Node {
    fn from(value: &String) -> Node {
        Node::Str(value.clone())
    }
}

impl<T: Into<Node>> From<Option<T>> for Node {
    fn from(value: Option<T>) -> Node {
        value.map_or(Node::Null, Into::into)
    }
}

impl<T: Into<Node>> From<Vec<T>> for Node {
    fn from(values: Vec<T>) -> Node {
        Node::Seq(values.into_iter().map(Into::into).collect())
    }
}

/// A mapping from `(key, value)` pairs.
pub fn map(entries: Vec<(&'static str, Node)>) -> Node {
    Node::Map(entries)
}

/// A list of strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> Node {
    Node::Seq(
        items
            .iter()
            .map(|s| Node::Str(s.as_ref().to_owned()))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// JSON

/// Appends `node` as pretty-printed JSON (two-space indentation, `"key": value`), starting at
/// the current position of a line indented by `level` steps; no trailing newline.
pub fn json(out: &mut String, node: &Node, level: usize) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Node::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Node::Str(text) => json_string(out, text),
        Node::Seq(items) if items.is_empty() => out.push_str("[]"),
        Node::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                indent(out, level + 1);
                json(out, item, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        Node::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Node::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                indent(out, level + 1);
                json_string(out, key);
                out.push_str(": ");
                json(out, value, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Appends `node`, a mapping, as block YAML at column `column`, one `key: value` per line with
/// keys sorted, lists of mappings written `- key: …` at the column of their key (the layout of
/// decK dumps).
pub fn yaml_map(out: &mut String, entries: &[(&'static str, Node)], column: usize) {
    let mut sorted: Vec<&(&'static str, Node)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (key, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            spaces(out, column);
        }
        yaml_entry(out, key, value, column);
    }
}

/// One `key: value` entry; the caller has written the indentation of the first line.
fn yaml_entry(out: &mut String, key: &str, value: &Node, column: usize) {
    yaml_scalar(out, key);
    match value {
        Node::Map(entries) if !entries.is_empty() => {
            out.push_str(":\n");
            spaces(out, column + 2);
            yaml_map(out, entries, column + 2);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push_str(":\n");
            yaml_seq(out, items, column);
        }
        Node::Str(text) if text.contains('\n') => {
            out.push_str(": |-\n");
            for line in text.split('\n') {
                if !line.is_empty() {
                    spaces(out, column + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        scalar => {
            out.push_str(": ");
            yaml_inline(out, scalar);
            out.push('\n');
        }
    }
}

/// A block list at `column`, each item starting on a new line with `- `.
pub fn yaml_seq(out: &mut String, items: &[Node], column: usize) {
    for item in items {
        spaces(out, column);
        out.push_str("- ");
        match item {
            Node::Map(entries) if !entries.is_empty() => yaml_map(out, entries, column + 2),
            Node::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_seq(out, inner, column + 2);
            }
            scalar => {
                yaml_inline(out, scalar);
                out.push('\n');
            }
        }
    }
}

fn spaces(out: &mut String, column: usize) {
    for _ in 0..column {
        out.push(' ');
    }
}

/// A scalar, or an empty collection, on the current line.
fn yaml_inline(out: &mut String, node: &Node) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Node::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Node::Str(text) => yaml_scalar(out, text),
        Node::Seq(_) => out.push_str("[]"),
        Node::Map(_) => out.push_str("{}"),
    }
}

/// A string, plain when no YAML reader could take it for anything else, else double-quoted.
fn yaml_scalar(out: &mut String, text: &str) {
    if plain_is_safe(text) {
        out.push_str(text);
    } else {
        json_string(out, text);
    }
}

fn plain_is_safe(text: &str) -> bool {
    const RESERVED: [&str; 22] = [
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes",
        "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == '/' || first == '_')
        || text.ends_with(' ')
        || RESERVED.contains(&text)
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
    {
        return false;
    }
    if !text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | '/' | '@' | '+' | '=' | ':')
    }) {
        return false;
    }
    // Anything a YAML 1.1 or 1.2 reader might take for a number or a date (`3.0`, `1e3`,
    // `0x1F`, `0o17`, `1_000`, `1:30`, `2024-01-31`).
    let looks_numeric = first.is_ascii_digit()
        && (text.parse::<f64>().is_ok()
            || text.replace('_', "").parse::<f64>().is_ok()
            || text.starts_with("0x")
            || text.starts_with("0o")
            || text.contains(':')
            || (text.len() >= 10
                && text.as_bytes()[4] == b'-'
                && text.as_bytes()[7] == b'-'
                && text[..4].bytes().all(|b| b.is_ascii_digit())));
    !looks_numeric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_printed() {
        let node = map(vec![
            ("id", 7u32.into()),
            ("name", "a \"b\"".into()),
            ("empty", Node::Seq(Vec::new())),
            ("none", Node::Null),
            ("list", vec!["x", "y"].into()),
            ("obj", map(vec![("ok", true.into())])),
        ]);
        let mut out = String::new();
        json(&mut out, &node, 0);
        assert_eq!(
            out,
            "{\n  \"id\": 7,\n  \"name\": \"a \\\"b\\\"\",\n  \"empty\": [],\n  \"none\": null,\n  \
             \"list\": [\n    \"x\",\n    \"y\"\n  ],\n  \"obj\": {\n    \"ok\": true\n  }\n}"
        );
    }

    #[test]
    fn yaml_sorts_keys_and_lays_lists_out_like_deck() {
        let node = vec![
            (
                "services",
                Node::Seq(vec![map(vec![
                    ("name", "billing".into()),
                    ("port", 8080u16.into()),
                    (
                        "routes",
                        Node::Seq(vec![map(vec![
                            ("paths", vec!["/billing"].into()),
                            ("name", "billing-api".into()),
                        ])]),
                    ),
                    ("enabled", true.into()),
                    (
                        "config",
                        map(vec![("minute", 5u32.into()), ("path", Node::Null)]),
                    ),
                ])]),
            ),
            ("_format_version", "3.0".into()),
            ("cert", "-----BEGIN-----\nAAA\n-----END-----".into()),
            ("empty", Node::Map(Vec::new())),
            ("weird", "~/x: y".into()),
        ];
        let mut out = String::new();
        yaml_map(&mut out, &node, 0);
        assert_eq!(
            out,
            "_format_version: \"3.0\"\ncert: |-\n  -----BEGIN-----\n  AAA\n  -----END-----\n\
             empty: {}\nservices:\n- config:\n    minute: 5\n    path: null\n  enabled: true\n  \
             name: billing\n  port: 8080\n  routes:\n  - name: billing-api\n    paths:\n    \
             - /billing\nweird: \"~/x: y\"\n"
        );
    }

    #[test]
    fn ambiguous_plain_scalars_are_quoted() {
        for text in [
            "",
            "3.0",
            "1e3",
            "0x1F",
            "1_000",
            "1:30",
            "2024-01-31",
            "true",
            "no",
            "null",
            "~",
            "*.acme",
            "#x",
            "a: b",
        ] {
            assert!(!plain_is_safe(text), "{text}");
        }
        for text in [
            "billing-svc",
            "10.0.0.0/8",
            "/v1",
            "api.acme.example",
            "HS256",
            "2205e438-28bc-47b4-b943-5c0e49225f82",
            "uuid#counter",
        ] {
            assert_eq!(plain_is_safe(text), text != "uuid#counter", "{text}");
        }
    }
}
