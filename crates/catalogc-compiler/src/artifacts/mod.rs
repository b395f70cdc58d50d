//! Summaries of the files a service descriptor points at inside its repository (SPEC 1.4):
//! API specifications (`apis.provides[].spec`), GitHub Actions workflows (`pipelines`) and
//! Markdown documents (`docs`).
//!
//! Everything here is a pure function of already-loaded input: reading files safely (size
//! limits, symlinks, path escapes) and parsing them with the lenient loader
//! ([`crate::yaml::parse`] with [`crate::yaml::Mode::Lenient`]) is the caller's job. These
//! functions only decide what a parsed file *is*, report located findings when it is not what
//! the descriptor claims, and return a bounded summary for the catalog bundle.
//!
//! Shared conventions:
//! - A function that reports a finding about a file returns `None` for it: the caller then
//!   records the file without a summary.
//! - Of a file with several YAML documents, only the first is read.
//! - `$ref`s are never resolved: what is written is what is summarised.
//! - Every list and text in a summary is capped (see the `MAX_*` constants), so a hostile
//!   file cannot make the bundle grow without bound.

mod api_spec;
mod markdown;
mod workflow;

use catalogc_diagnostics::{Code, Diagnostic, Span};
use serde_json::Value;

use crate::yaml::Document;

pub use api_spec::{
    ApiSpec, MAX_DESCRIPTION_CHARS, MAX_OPERATIONS, MAX_SERVERS, Operation, SpecFormat,
    summarize_api_spec,
};
pub use markdown::{Doc, MAX_HEADINGS, summarize_doc};
pub use workflow::{Job, MAX_JOBS, MAX_TRIGGERS, Workflow, summarize_workflow};

/// Longest title or name kept in a summary, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The first `max` characters of `text` (whole characters, never a split code point).
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// A scalar written as text, a number or a boolean, as text (`version: 1.0` is a number in
/// YAML but means the text `1.0`). Lists, mappings and null give `None`.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// A member of a mapping as text (see [`scalar_text`]), cut to `max` characters.
fn text_field(value: Option<&Value>, max: usize) -> Option<String> {
    value
        .and_then(scalar_text)
        .map(|text| truncate(text.trim(), max))
}

/// What a value is, in words, for messages: "a list", "the number 3", "the string `x`".
fn noun(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_owned(),
        Value::Bool(flag) => format!("the boolean `{flag}`"),
        Value::Number(number) => format!("the number `{number}`"),
        Value::String(text) => format!("the text {}", catalogc_diagnostics::quote(text)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// A finding about the node at `pointer` of `document`, located at its key (`prefer_key`)
/// or its value, or at the document start when the node has no span of its own.
fn finding(
    code: Code,
    file: &str,
    document: &Document,
    pointer: &str,
    prefer_key: bool,
    message: String,
    help: String,
) -> Diagnostic {
    // A value written as nothing (`paths:`) has an empty span after its key: show the key.
    let span = match document.spans.locate(pointer) {
        Some(node) if node.value.start == node.value.end => Some(node.key.unwrap_or(node.value)),
        _ => document.spans.span_for(pointer, prefer_key),
    }
    .unwrap_or(Span::point(document.start));
    Diagnostic::new(code, message)
        .at(file, span)
        .with_pointer(pointer)
        .with_help(help)
}

/// Reports a file that holds no YAML document, unless the loader already reported why
/// (a `yaml-syntax` or `yaml-limits` finding in `file` among `diagnostics`): a file the loader
/// could not read gets one finding, not two.
fn report_no_document(
    code: Code,
    file: &str,
    what: &str,
    help: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let already_reported = diagnostics.iter().any(|d| {
        d.file.as_deref() == Some(file) && matches!(d.code, Code::YamlSyntax | Code::YamlLimits)
    });
    if !already_reported {
        diagnostics.push(
            Diagnostic::new(
                code,
                format!("this {what} is empty: it holds no YAML document"),
            )
            .in_file(file)
            .with_pointer("")
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests;
