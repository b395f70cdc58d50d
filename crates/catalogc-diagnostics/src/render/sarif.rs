//! The SARIF 2.1.0 renderer, for GitHub code scanning.
//!
//! One run, whose tool driver lists one rule per registered code (with the `explain` page as
//! help text and the default level), and one result per finding with a physical location.
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`) exactly like our spans;
//! `endColumn` is exclusive in both.
//!
//! Artifact URIs are relative to [`SRCROOT`] (the repository root GitHub resolves them from:
//! the caller's `prefix` joins catalog-relative paths to it). A finding about no file in
//! particular is placed at the catalog's `catalog.yaml`, since code scanning shows only located
//! results. Each result carries the baseline fingerprint (`catalogc/v1`, see
//! [`crate::baseline`]), which does not change when lines move, so code scanning keeps tracking
//! an alert across commits. The output holds no absolute path, time or host name: the same
//! findings give the same bytes.

use serde_json::{Value, json};

use super::{encode_path, prefixed};
use crate::baseline::fingerprint;
use crate::{Code, Diagnostic, Severity, Span};

/// The `uriBaseId` of every artifact location.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where the SARIF `informationUri` of the tool points.
pub const INFORMATION_URI: &str = "https://github.com/catalogc/catalogc";

/// Renders a SARIF log for `diagnostics`. `prefix` makes catalog-relative paths relative to
/// the repository root GitHub resolves artifact URIs from.
pub fn render(diagnostics: &[Diagnostic], prefix: &str, tool_version: &str) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|code| rule(*code)).collect();
    let results: Vec<Value> = diagnostics.iter().map(|d| result(d, prefix)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "catalogc",
                    "version": tool_version,
                    "semanticVersion": tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: {"description": {"text": "The repository root: $GITHUB_WORKSPACE, else the git work tree holding the catalog, else the catalog root."}}
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: Code) -> Value {
    let doc = code.documentation();
    json!({
        "id": code.as_str(),
        "name": pascal_case(code.as_str()),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": first_paragraph(doc)},
        "help": {"text": doc, "markdown": doc},
        "helpUri": format!("{INFORMATION_URI}/blob/main/crates/catalogc-diagnostics/docs/{}.md", code.as_str()),
        "defaultConfiguration": {"level": level(code.default_severity())},
    })
}

fn result(d: &Diagnostic, prefix: &str) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
        "level": level(d.severity),
        "message": {"text": text},
        "partialFingerprints": {"catalogc/v1": fingerprint(d)},
    });
    let location = match &d.file {
        Some(file) => physical(&prefixed(prefix, file), d.span),
        None => physical(
            &prefixed(prefix, "catalog.yaml"),
            Some(Span::point(crate::Position::START)),
        ),
    };
    result["locations"] = json!([{ "physicalLocation": location }]);
    if !d.related.is_empty() {
        result["relatedLocations"] = Value::Array(
            d.related
                .iter()
                .enumerate()
                .map(|(id, r)| {
                    json!({
                        "id": id,
                        "physicalLocation": physical(&prefixed(prefix, &r.file), r.span),
                        "message": {"text": r.message},
                    })
                })
                .collect(),
        );
    }
    result
}

fn physical(uri: &str, span: Option<Span>) -> Value {
    let mut location = json!({"artifactLocation": {"uri": encode_path(uri), "uriBaseId": SRCROOT}});
    if let Some(span) = span {
        location["region"] = json!({
            "startLine": span.start.line,
            "startColumn": span.start.column,
            "endLine": span.end.line.max(span.start.line),
            "endColumn": span.end.column.max(1),
        });
    }
    location
}

fn pascal_case(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The first paragraph after the page's title and severity line.
fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#') && !p.starts_with("Default severity"))
        .unwrap_or("")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn one_rule_per_code_and_located_results() {
        let span = Span::new(
            Position {
                line: 2,
                column: 3,
                offset: 0,
            },
            Position {
                line: 2,
                column: 8,
                offset: 0,
            },
        );
        let d = Diagnostic::new(Code::UnknownTeam, "owner names no team")
            .at("repos/a/service.yaml", span);
        let log: Value = serde_json::from_str(&render(&[d], "cat", "1.2.3")).expect("valid json");
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), Code::ALL.len());
        let result = &run["results"][0];
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], "unknown-team");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "cat/repos/a/service.yaml"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], SRCROOT);
        assert_eq!(location["region"]["startColumn"], 3);
        assert_eq!(location["region"]["endColumn"], 8);
        assert_eq!(
            result["partialFingerprints"]["catalogc/v1"],
            fingerprint(
                &Diagnostic::new(Code::UnknownTeam, "owner names no team")
                    .at("repos/a/service.yaml", span)
            )
        );
        assert!(run["originalUriBaseIds"][SRCROOT].is_object());
    }

    #[test]
    fn unlocated_findings_point_at_catalog_yaml_and_uris_are_encoded() {
        let unlocated = Diagnostic::new(Code::UnknownIntegration, "no such integration");
        let spaced = Diagnostic::new(Code::UnknownTeam, "x").in_file("repos/my svc#1/service.yaml");
        let log: Value =
            serde_json::from_str(&render(&[unlocated, spaced], "", "1.2.3")).expect("valid json");
        let results = &log["runs"][0]["results"];
        let uri = |i: usize| {
            results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone()
        };
        assert_eq!(uri(0), "catalog.yaml");
        assert_eq!(uri(1), "repos/my%20svc%231/service.yaml");
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(pascal_case("unknown-team"), "UnknownTeam");
    }
}
