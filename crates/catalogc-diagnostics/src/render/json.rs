//! The JSON renderer (`--format json`).
//!
//! # Format (pinned, SPEC section 3)
//!
//! Exactly one JSON object:
//!
//! ```json
//! {"diagnostics": [{"code": "unknown-service", "severity": "error",
//!    "message": "…", "file": "repos/billing/service.yaml", "line": 14, "column": 5,
//!    "endLine": 14, "endColumn": 10, "pointer": "/dependsOn/0",
//!    "help": "did you mean `ledger`?",
//!    "related": [{"file": "repos/ledger/service.yaml", "line": 3, "column": 7, "message": "…"}]}],
//!  "summary": {"errors": 1, "warnings": 0, "files": 12, "services": 10}}
//! ```
//!
//! Keys whose value is unknown (`pointer`, `help`) are omitted; `related` is always present.
//! Lines and columns are 1-based and count characters.

use serde::Serialize;

use crate::{Diagnostic, Summary};

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Vec<Entry<'a>>,
    summary: SummaryEntry,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    related: Vec<RelatedEntry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedEntry<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct SummaryEntry {
    errors: usize,
    warnings: usize,
    files: usize,
    services: usize,
}

/// The diagnostics as JSON values in the pinned shape, for embedding in other documents
/// (the bundle's `diagnostics`).
pub fn to_values(diagnostics: &[Diagnostic]) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .map(|d| serde_json::to_value(entry(d)).unwrap_or(serde_json::Value::Null))
        .collect()
}

fn entry(d: &Diagnostic) -> Entry<'_> {
    Entry {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: &d.message,
        file: d.file.as_deref(),
        line: d.span.map(|s| s.start.line),
        column: d.span.map(|s| s.start.column),
        end_line: d.span.map(|s| s.end.line),
        end_column: d.span.map(|s| s.end.column),
        pointer: d.pointer.as_deref(),
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| RelatedEntry {
                file: &r.file,
                line: r.span.map(|s| s.start.line),
                column: r.span.map(|s| s.start.column),
                message: &r.message,
            })
            .collect(),
    }
}

/// Renders the whole report as one pretty-printed JSON object followed by a newline.
pub fn render(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let report = Report {
        diagnostics: diagnostics.iter().map(entry).collect(),
        summary: SummaryEntry {
            errors: summary.errors,
            warnings: summary.warnings,
            files: summary.files,
            services: summary.services,
        },
    };
    let mut out = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise diagnostics: {e}\"}}"));
    out.push('\n');
    out
}
