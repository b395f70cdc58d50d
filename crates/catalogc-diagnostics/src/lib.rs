//! Diagnostics of catalogc: what a finding is, and how it is rendered.
//!
//! A [`Diagnostic`] is plain data: a [`Code`], a [`Severity`], a message, a location
//! (catalog-relative file, 1-based line and column counted in characters, the JSON pointer of
//! the node), an optional help line and related locations. Stages of the compiler push
//! diagnostics; the CLI renders them last with one of the renderers in [`render`].

pub mod baseline;
mod code;
pub mod render;
mod source_text;

use std::fmt;

pub use code::Code;
pub use source_text::{Excerpt, SourceText};

/// How serious a finding is. `rules:` in `catalog.yaml` may change it per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in a source file: 1-based line, 1-based column counted in characters
/// (Unicode scalar values), and the 0-based character offset from the start of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

impl Position {
    /// The first character of a file.
    pub const START: Position = Position {
        line: 1,
        column: 1,
        offset: 0,
    };
}

/// A range of characters: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub const fn new(start: Position, end: Position) -> Span {
        Span { start, end }
    }

    /// An empty span at `at`.
    pub const fn point(at: Position) -> Span {
        Span { start: at, end: at }
    }
}

/// Another place a finding concerns: the first definition of a duplicate, a step of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Related {
    pub file: String,
    pub span: Option<Span>,
    pub message: String,
}

/// One finding.
///
/// `file` is relative to the catalog root and `/`-separated. Text that came from descriptors
/// is passed through [`sanitize`] by the constructors, so no renderer ever prints a control
/// character from user input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub span: Option<Span>,
    pub pointer: Option<String>,
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A finding with the code's default severity and no location yet.
    pub fn new(code: Code, message: impl AsRef<str>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: sanitize(message.as_ref()),
            file: None,
            span: None,
            pointer: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// Places the finding in `file` at `span`.
    pub fn at(mut self, file: impl Into<String>, span: Span) -> Diagnostic {
        self.file = Some(file.into());
        self.span = Some(span);
        self
    }

    /// Places the finding in `file` without a precise span (whole-file findings point at 1:1).
    pub fn in_file(mut self, file: impl Into<String>) -> Diagnostic {
        self.file = Some(file.into());
        self.span = Some(Span::point(Position::START));
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_help(mut self, help: impl AsRef<str>) -> Diagnostic {
        self.help = Some(sanitize(help.as_ref()));
        self
    }

    pub fn with_related(
        mut self,
        file: impl Into<String>,
        span: Option<Span>,
        message: impl AsRef<str>,
    ) -> Diagnostic {
        self.related.push(Related {
            file: file.into(),
            span,
            message: sanitize(message.as_ref()),
        });
        self
    }

    /// The key diagnostics are reported in: file, line, column, code, then message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        let start = self.span.map(|s| (s.start.line, s.start.column));
        (
            self.file.as_deref(),
            start,
            self.code.as_str(),
            self.message.as_str(),
        )
    }
}

/// Sorts diagnostics in the pinned report order (file, line, column, code) and drops exact
/// duplicates, which several stages may produce for one node.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Counts shown under every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Files read (descriptors, inventories, specs).
    pub files: usize,
    /// Valid services in the catalog.
    pub services: usize,
}

impl Summary {
    /// Counts the severities of `diagnostics`; `files` and `services` come from the compiler.
    pub fn count(diagnostics: &[Diagnostic], files: usize, services: usize) -> Summary {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: diagnostics.len() - errors,
            files,
            services,
        }
    }
}

/// Makes user text safe to print anywhere: control characters (C0, DEL, C1) and Unicode
/// bidirectional overrides are replaced by visible escapes such as `\u{1b}`; newlines and tabs
/// become `\n` and `\t`. Text longer than 200 characters is cut with `…`.
pub fn sanitize(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let needs_work = text.len() > MAX_CHARS || text.chars().any(is_unsafe_char);
    if !needs_work {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(MAX_CHARS * 2));
    for (count, c) in text.chars().enumerate() {
        if count == MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Quotes a user value for a message: `` `value` ``, sanitised and shortened to 60 characters.
pub fn quote(value: &str) -> String {
    let mut shown: String = value.chars().take(60).collect();
    if value.chars().nth(60).is_some() {
        shown.push('…');
    }
    format!("`{}`", sanitize(&shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_control_and_bidi_characters() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ny\tz\r"), "x\\ny\\tz\\r");
        assert_eq!(sanitize("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(sanitize("caf\u{e9}"), "caf\u{e9}");
    }

    #[test]
    fn sanitize_shortens_long_text() {
        let long = "a".repeat(500);
        let out = sanitize(&long);
        assert_eq!(out.chars().count(), 201);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn quote_marks_and_shortens() {
        assert_eq!(quote("ledgr"), "`ledgr`");
        assert_eq!(quote(&"x".repeat(70)), format!("`{}…`", "x".repeat(60)));
    }

    #[test]
    fn sorting_orders_by_file_line_column_code() {
        let at = |line, column| {
            Span::point(Position {
                line,
                column,
                offset: 0,
            })
        };
        let mut list = vec![
            Diagnostic::new(Code::UnknownTeam, "b").at("b.yaml", at(1, 1)),
            Diagnostic::new(Code::UnknownTeam, "a").at("a.yaml", at(3, 1)),
            Diagnostic::new(Code::DuplicateKey, "a").at("a.yaml", at(3, 1)),
            Diagnostic::new(Code::UnknownTeam, "a").at("a.yaml", at(2, 9)),
            Diagnostic::new(Code::UnknownTeam, "a").at("a.yaml", at(2, 9)),
        ];
        sort_diagnostics(&mut list);
        let order: Vec<_> = list
            .iter()
            .map(|d| {
                (
                    d.file.clone().unwrap_or_default(),
                    d.span.map(|s| s.start.line),
                    d.code,
                )
            })
            .collect();
        assert_eq!(
            order,
            vec![
                ("a.yaml".into(), Some(2), Code::UnknownTeam),
                ("a.yaml".into(), Some(3), Code::DuplicateKey),
                ("a.yaml".into(), Some(3), Code::UnknownTeam),
                ("b.yaml".into(), Some(1), Code::UnknownTeam),
            ]
        );
    }
}
