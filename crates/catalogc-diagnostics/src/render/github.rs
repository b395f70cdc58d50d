//! The GitHub Actions renderer: one workflow command per finding, errors first.
//!
//! ```text
//! ::error file=repos/billing/service.yaml,line=6,col=8,endLine=6,endColumn=15,title=unknown-team::…
//! ```
//!
//! Paths are made relative to the place GitHub resolves them from by the caller's `prefix`.
//! Escaping follows GitHub's runner: in data `%`, `\r`, `\n`; in properties also `:` and `,`.
//! Because newlines are escaped, no descriptor text can ever start a line of its own (and so
//! cannot forge a workflow command).

use super::prefixed;
use crate::{Diagnostic, Severity};

/// Renders workflow commands for `diagnostics`, errors before warnings.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning] {
        for d in diagnostics.iter().filter(|d| d.severity == severity) {
            out.push_str(&command(d, prefix));
            out.push('\n');
        }
    }
    out
}

fn command(d: &Diagnostic, prefix: &str) -> String {
    let mut properties = Vec::new();
    if let Some(file) = &d.file {
        properties.push(format!("file={}", escape_property(&prefixed(prefix, file))));
    }
    if let Some(span) = d.span {
        properties.push(format!("line={}", span.start.line));
        properties.push(format!("col={}", span.start.column));
        properties.push(format!("endLine={}", span.end.line));
        properties.push(format!("endColumn={}", span.end.column));
    }
    properties.push(format!("title={}", escape_property(d.code.as_str())));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for related in &d.related {
        message.push_str("\nnote: ");
        message.push_str(&related.message);
        message.push_str(" (");
        message.push_str(&prefixed(prefix, &related.file));
        if let Some(span) = related.span {
            message.push_str(&format!(":{}:{}", span.start.line, span.start.column));
        }
        message.push(')');
    }
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "::{kind} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Position, Span};

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            escape_data("50% done\r\n::error::x"),
            "50%25 done%0D%0A::error::x"
        );
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn errors_come_before_warnings_and_lines_cannot_be_forged() {
        let at = Span::new(
            Position {
                line: 3,
                column: 5,
                offset: 0,
            },
            Position {
                line: 3,
                column: 9,
                offset: 0,
            },
        );
        let warning = Diagnostic::new(Code::DependencyCycle, "cycle").at("a,b.yaml", at);
        let mut error = Diagnostic::new(Code::UnknownTeam, "owner names no team").at("x.yaml", at);
        // Descriptor text that tries to start its own workflow command.
        error.help = Some("x\n::error::forged".to_owned());
        let out = render(&[warning, error], "catalog");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            "::error file=catalog/x.yaml,line=3,col=5,endLine=3,endColumn=9,title=unknown-team::owner names no team%0Ahelp: x%0A::error::forged"
        );
        assert!(lines[1].starts_with("::warning file=catalog/a%2Cb.yaml,"));
    }
}
