//! The human renderer: rustc-style source snippets with a caret under the offending node.
//!
//! ```text
//! error[unknown-team]: `owner` names the team `paymnts`, which is not in the catalog
//!  --> repos/billing/service.yaml:6:8
//!   |
//! 6 | owner: paymnts
//!   |        ^^^^^^^
//!   |
//!   = help: did you mean `payments`?
//! ```
//!
//! Colour is the caller's decision (a TTY and no `NO_COLOR`); this module only takes a flag.

use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Element, Group, Level, Renderer, Snippet};

use super::Sources;
use crate::{Diagnostic, Severity, SourceText, Span, Summary};

/// Renders every diagnostic followed by a summary line.
pub fn render(
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    summary: &Summary,
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut lines = LineCache::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(diagnostic, sources, &mut lines, &renderer));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

/// The last line of a report, e.g. `2 errors, 1 warning in 14 files (12 services)`.
pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let scope = format!(
        "{} ({})",
        plural(summary.files, "file"),
        plural(summary.services, "service")
    );
    if summary.errors == 0 && summary.warnings == 0 {
        format!("checked {scope}: no problems found")
    } else {
        format!(
            "{}, {} in {scope}",
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        )
    }
}

fn render_one(
    diagnostic: &Diagnostic,
    sources: &dyn Sources,
    lines: &mut LineCache,
    renderer: &Renderer,
) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str());
    let mut elements: Vec<Element<'_>> = Vec::new();
    let mut located = false;
    if let (Some(file), Some(span)) = (&diagnostic.file, diagnostic.span)
        && let Some(snippet) = snippet(file, span, sources, lines, AnnotationKind::Primary, "")
    {
        elements.push(snippet.into());
        located = true;
    }
    for related in &diagnostic.related {
        let quoted = related.span.and_then(|span| {
            snippet(
                &related.file,
                span,
                sources,
                lines,
                AnnotationKind::Context,
                &related.message,
            )
        });
        match quoted {
            Some(snippet) => elements.push(snippet.into()),
            None => {
                let at = match related.span {
                    Some(span) => {
                        format!("{}:{}:{}", related.file, span.start.line, span.start.column)
                    }
                    None => related.file.clone(),
                };
                elements.push(
                    Level::NOTE
                        .message(format!("{}: {at}", related.message))
                        .into(),
                );
            }
        }
    }
    if !located && let Some(file) = &diagnostic.file {
        let at = match diagnostic.span {
            Some(span) => format!("{file}:{}:{}", span.start.line, span.start.column),
            None => file.clone(),
        };
        elements.push(Level::NOTE.message(format!("in {at}")).into());
    }
    if let Some(help) = &diagnostic.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    let report: Vec<Group<'_>> = vec![Group::with_title(title).elements(elements)];
    renderer.render(&report)
}

/// A one-line snippet of `file` around `span`. Multi-line spans are shown by their first line.
fn snippet<'a>(
    file: &'a str,
    span: Span,
    sources: &'a dyn Sources,
    lines: &mut LineCache,
    kind: AnnotationKind,
    label: &'a str,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let line_no = span.start.line as usize;
    let line = match sources.text(file)? {
        SourceText::Whole(text) => lines.line(file, text, line_no)?,
        SourceText::Lines(excerpt) => excerpt.line(span.start.line)?,
    };
    let start = byte_of_column(line, span.start.column as usize);
    let end = if span.end.line == span.start.line && span.end.column > span.start.column {
        byte_of_column(line, span.end.column as usize)
    } else if span.end.line > span.start.line {
        line.len()
    } else {
        // An empty span: underline the character under it, if any.
        line[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8())
    };
    let annotation = kind.span(start..end.max(start));
    let annotation = if label.is_empty() {
        annotation
    } else {
        annotation.label(label)
    };
    Some(
        Snippet::source(line)
            .line_start(line_no)
            .path(file)
            .annotation(annotation),
    )
}

/// The byte index of 1-based character column `column` in `line`, clamped to its end.
fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(index, _)| index)
}

/// Line start offsets per file, computed once per file per report.
#[derive(Default)]
struct LineCache {
    starts: HashMap<String, Vec<usize>>,
}

impl LineCache {
    fn line<'t>(&mut self, file: &str, text: &'t str, line_no: usize) -> Option<&'t str> {
        let starts = self.starts.entry(file.to_owned()).or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line_no.checked_sub(1)?)?;
        let end = starts.get(line_no).map_or(text.len(), |next| next - 1);
        let line = text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::{Code, Position};

    fn sources() -> BTreeMap<String, SourceText> {
        let mut map = BTreeMap::new();
        map.insert(
            "repos/billing/service.yaml".to_owned(),
            SourceText::whole(Arc::new(String::from(
                "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: paymnts\n",
            ))),
        );
        map
    }

    fn pos(line: u32, column: u32) -> Position {
        Position {
            line,
            column,
            offset: 0,
        }
    }

    #[test]
    fn renders_snippet_with_caret_and_help() {
        let diagnostic = Diagnostic::new(Code::UnknownTeam, "`owner` names no team `paymnts`")
            .at(
                "repos/billing/service.yaml",
                Span::new(pos(4, 8), pos(4, 15)),
            )
            .with_help("did you mean `payments`?");
        let summary = Summary::count(std::slice::from_ref(&diagnostic), 1, 0);
        let out = render(&[diagnostic], &sources(), &summary, false);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn clean_summary() {
        let summary = Summary {
            errors: 0,
            warnings: 0,
            files: 3,
            services: 1,
        };
        assert_eq!(
            summary_line(&summary),
            "checked 3 files (1 service): no problems found"
        );
    }

    #[test]
    fn excerpts_quote_kept_lines_and_locate_the_others() {
        let text = "services:\n  - name: a\n    host: a.internal\n  - name: b\n";
        let mut sources = BTreeMap::new();
        sources.insert("deck.yaml".to_owned(), SourceText::excerpt(text, [4]));
        let kept = Diagnostic::new(Code::UnmappedResource, "no service maps `b`")
            .at("deck.yaml", Span::new(pos(4, 11), pos(4, 12)));
        let dropped = Diagnostic::new(Code::UnmappedResource, "no service maps `a`")
            .at("deck.yaml", Span::new(pos(2, 11), pos(2, 12)));
        let summary = Summary::count(&[kept.clone(), dropped.clone()], 1, 0);
        let out = render(&[kept, dropped], &sources, &summary, false);
        assert!(out.contains("4 |   - name: b"), "{out}");
        assert!(out.contains("^"), "{out}");
        assert!(out.contains("in deck.yaml:2:11"), "{out}");
        assert!(!out.contains("name: a"), "{out}");
    }

    #[test]
    fn column_to_byte_counts_characters() {
        assert_eq!(byte_of_column("tïtle: x", 3), 3);
        assert_eq!(byte_of_column("abc", 10), 3);
    }
}
