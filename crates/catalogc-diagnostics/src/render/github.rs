//! The GitHub Actions renderer: one workflow command per finding, errors first, within
//! GitHub's annotation limits.
//!
//! ```text
//! ::error file=repos/billing/service.yaml,line=6,col=8,endLine=6,endColumn=15,title=unknown-team::…
//! ::notice title=catalogc::25 more errors and 3 more warnings are not shown as annotations …
//! ```
//!
//! GitHub shows at most [`MAX_PER_STEP`] error and as many warning annotations per step (and
//! 50 per job); the rest are silently dropped. So only the first ten errors and the first ten
//! warnings (in report order) become annotations, and one `notice` says how many were left out
//! and where the full list is: the job summary when one is written, else a local `check`.
//!
//! Paths are made relative to the place GitHub resolves them from by the caller's `prefix`.
//! Escaping follows GitHub's runner: in data `%`, `\r`, `\n`; in properties also `:` and `,`.
//! Because line breaks are escaped and every line starts with our own `::command`, no
//! descriptor text can ever start a line (and so cannot forge a workflow command).

use super::prefixed;
use crate::{Diagnostic, Severity};

/// Annotations of one severity GitHub shows per step.
pub const MAX_PER_STEP: usize = 10;

/// Renders workflow commands for `diagnostics`, errors before warnings, at most
/// [`MAX_PER_STEP`] of each, then a notice about the rest. `job_summary`: whether the full
/// list is written to the job summary (`$GITHUB_STEP_SUMMARY`), which the notice points at.
pub fn render(diagnostics: &[Diagnostic], prefix: &str, job_summary: bool) -> String {
    let mut out = String::new();
    let mut hidden = [0usize; 2];
    for (index, severity) in [Severity::Error, Severity::Warning].into_iter().enumerate() {
        let mut of_severity = diagnostics.iter().filter(|d| d.severity == severity);
        for d in of_severity.by_ref().take(MAX_PER_STEP) {
            out.push_str(&command(d, prefix));
            out.push('\n');
        }
        hidden[index] = of_severity.count();
    }
    if let Some(notice) = hidden_notice(hidden[0], hidden[1], job_summary) {
        out.push_str(&notice);
        out.push('\n');
    }
    out
}

/// The `::notice` line for findings left out of the annotations, if any were.
fn hidden_notice(errors: usize, warnings: usize, job_summary: bool) -> Option<String> {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 more {word}")
        } else {
            format!("{n} more {word}s")
        }
    };
    let left_out = match (errors, warnings) {
        (0, 0) => return None,
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    let verb = if errors + warnings == 1 { "is" } else { "are" };
    let pointer = if job_summary {
        "see the job summary for the full list"
    } else {
        "run `catalogc check` for the full list"
    };
    let text = format!(
        "{left_out} {verb} not shown as annotations (GitHub shows {MAX_PER_STEP} errors and \
         {MAX_PER_STEP} warnings per step): {pointer}"
    );
    Some(format!(
        "::notice title={}::{}",
        escape_property("catalogc"),
        escape_data(&text)
    ))
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
    format!(
        "::{} {}::{}",
        d.severity.as_str(),
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

    fn at(line: u32) -> Span {
        Span::new(
            Position {
                line,
                column: 5,
                offset: 0,
            },
            Position {
                line,
                column: 9,
                offset: 0,
            },
        )
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            escape_data("50% done\r\n::error::x"),
            "50%25 done%0D%0A::error::x"
        );
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        // Already-escaped text is escaped again, so it reads back verbatim.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn errors_come_before_warnings_and_lines_cannot_be_forged() {
        let warning = Diagnostic::new(Code::DependencyCycle, "cycle").at("a,b.yaml", at(3));
        let mut error =
            Diagnostic::new(Code::UnknownTeam, "owner names no team").at("x.yaml", at(3));
        // Descriptor text that tries to start its own workflow command.
        error.help = Some("x\r\n::error::forged".to_owned());
        let mut related_file = error.clone();
        related_file.related.push(crate::Related {
            file: "evil\n::warning::x.yaml".to_owned(),
            span: None,
            message: "first here".to_owned(),
        });
        let out = render(&[warning, error, related_file], "catalog", false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(
            lines[0],
            "::error file=catalog/x.yaml,line=3,col=5,endLine=3,endColumn=9,title=unknown-team::owner names no team%0Ahelp: x%0D%0A::error::forged"
        );
        assert!(lines[1].ends_with("%0Anote: first here (catalog/evil%0A::warning::x.yaml)"));
        assert!(lines[2].starts_with("::warning file=catalog/a%2Cb.yaml,"));
        for line in lines {
            assert!(line.starts_with("::error ") || line.starts_with("::warning "));
        }
    }

    #[test]
    fn at_most_ten_of_each_severity_then_one_notice() {
        let mut list: Vec<Diagnostic> = (1..=30)
            .map(|line| Diagnostic::new(Code::UnknownTeam, "no team").at("a.yaml", at(line)))
            .collect();
        list.extend((1..=12).map(|line| {
            Diagnostic::new(Code::UnmappedResource, "unmapped").at("b.yaml", at(line))
        }));
        let out = render(&list, "", true);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 21, "{out}");
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("::error ")).count(),
            10
        );
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("::warning ")).count(),
            10
        );
        assert!(
            lines[0].contains("line=1,"),
            "the first errors in report order"
        );
        assert_eq!(
            lines[20],
            "::notice title=catalogc::20 more errors and 2 more warnings are not shown as \
             annotations (GitHub shows 10 errors and 10 warnings per step): see the job summary \
             for the full list"
        );
    }

    #[test]
    fn notice_points_at_a_local_check_without_a_job_summary() {
        let list: Vec<Diagnostic> = (1..=11)
            .map(|line| Diagnostic::new(Code::UnknownTeam, "no team").at("a.yaml", at(line)))
            .collect();
        let out = render(&list, "", false);
        assert_eq!(out.lines().count(), 11);
        assert!(out.ends_with(
            "::notice title=catalogc::1 more error is not shown as annotations (GitHub shows 10 \
             errors and 10 warnings per step): run `catalogc check` for the full list\n"
        ));
        // Exactly ten of each: nothing is left out, no notice.
        assert!(!render(&list[..10], "", false).contains("::notice"));
    }
}
