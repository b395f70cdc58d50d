//! The Markdown renderer: findings as GitHub-flavoured Markdown, for job summaries
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments.
//!
//! ```markdown
//! | code | severity | findings |
//! |---|---|---:|
//! | `unknown-team` | error | 2 |
//!
//! <details><summary>All 2 findings</summary>
//!
//! | | location | code | message |
//! |---|---|---|---|
//! | error | [repos/billing/service.yaml:6:8](…/blob/<sha>/repos/billing/service.yaml#L6) | `unknown-team` | … |
//!
//! </details>
//! ```
//!
//! Descriptor text is escaped for table cells (`|`) and HTML (`<`, `>`, `&`), so it can neither
//! break the table nor inject markup. GitHub accepts at most 1 MiB of summary per step: the
//! list stops at the caller's byte budget and says how many findings it left out.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{encode_path, prefixed};
use crate::{Diagnostic, Severity};

/// Where locations link to: `<base>/<path>#L<line>`, e.g.
/// `https://github.com/acme/catalog/blob/<sha>` (`None`: plain text).
pub type LinkBase<'a> = Option<&'a str>;

/// A table of finding counts per code, errors first, then by code.
pub fn counts(diagnostics: &[Diagnostic]) -> String {
    let mut by_code: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry((d.severity, d.code.as_str())).or_default() += 1;
    }
    let mut out = String::from("| code | severity | findings |\n|---|---|---:|\n");
    for ((severity, code), count) in by_code {
        let _ = writeln!(out, "| `{code}` | {severity} | {count} |");
    }
    out
}

/// Every finding in a collapsible table, as long as it fits in `max_bytes`.
pub fn details(
    diagnostics: &[Diagnostic],
    prefix: &str,
    links: LinkBase<'_>,
    max_bytes: usize,
) -> String {
    let noun = if diagnostics.len() == 1 {
        "finding"
    } else {
        "findings"
    };
    let mut out = format!(
        "<details><summary>All {} {noun}</summary>\n\n| | location | code | message |\n|---|---|---|---|\n",
        diagnostics.len()
    );
    for (index, d) in diagnostics.iter().enumerate() {
        let row = row(d, prefix, links);
        if out.len() + row.len() > max_bytes {
            let _ = writeln!(
                out,
                "| | | | {} more not listed here (a job summary holds at most 1 MiB): run `catalogc check --format json` for all of them |",
                diagnostics.len() - index
            );
            break;
        }
        out.push_str(&row);
    }
    out.push_str("\n</details>\n");
    out
}

fn row(d: &Diagnostic, prefix: &str, links: LinkBase<'_>) -> String {
    let location = match &d.file {
        None => String::new(),
        Some(file) => {
            let path = prefixed(prefix, file);
            let (text, anchor) = match d.span {
                Some(span) => (
                    format!("{path}:{}:{}", span.start.line, span.start.column),
                    format!("#L{}", span.start.line),
                ),
                None => (path.clone(), String::new()),
            };
            match links {
                Some(base) => format!(
                    "[{}]({}/{}{anchor})",
                    escape_link_text(&text),
                    base.trim_end_matches('/'),
                    encode_path(&path)
                ),
                None => escape(&text),
            }
        }
    };
    let mut message = escape(&d.message);
    if let Some(help) = &d.help {
        message.push_str("<br>help: ");
        message.push_str(&escape(help));
    }
    for related in &d.related {
        let mut at = prefixed(prefix, &related.file);
        if let Some(span) = related.span {
            let _ = write!(at, ":{}:{}", span.start.line, span.start.column);
        }
        let _ = write!(
            message,
            "<br>note: {} ({})",
            escape(&related.message),
            escape(&at)
        );
    }
    format!(
        "| {} | {location} | `{}` | {message} |\n",
        d.severity, d.code
    )
}

/// Escapes text for a table cell: HTML specials, pipes, and line breaks (which descriptor
/// text never holds after [`crate::sanitize`], but file names might).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes the text of a link: [`escape`] plus brackets and backslashes.
fn escape_link_text(text: &str) -> String {
    escape(
        &text
            .replace('\\', "\\\\")
            .replace('[', "\\[")
            .replace(']', "\\]"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Position, Span};

    fn at(line: u32) -> Span {
        let p = Position {
            line,
            column: 3,
            offset: 0,
        };
        Span::new(p, p)
    }

    #[test]
    fn counts_errors_first_then_by_code() {
        let list = [
            Diagnostic::new(Code::UnmappedResource, "u").at("a", at(1)),
            Diagnostic::new(Code::UnknownTeam, "t").at("a", at(2)),
            Diagnostic::new(Code::UnknownTeam, "t").at("a", at(3)),
        ];
        assert_eq!(
            counts(&list),
            "| code | severity | findings |\n|---|---|---:|\n| `unknown-team` | error | 2 |\n| `unmapped-resource` | warning | 1 |\n"
        );
    }

    #[test]
    fn descriptor_text_cannot_break_the_table_or_inject_markup() {
        let d = Diagnostic::new(Code::UnknownTeam, "a | b <script>x</script> & c")
            .at("repos/we ird[1]/service.yaml", at(4))
            .with_help("did you mean `p|q`?");
        let out = details(&[d], "cat", Some("https://gh/o/r/blob/abc/"), 10_000);
        assert!(out.contains(
            "| error | [cat/repos/we ird\\[1\\]/service.yaml:4:3](https://gh/o/r/blob/abc/cat/repos/we%20ird%5B1%5D/service.yaml#L4) | `unknown-team` | a \\| b &lt;script&gt;x&lt;/script&gt; &amp; c<br>help: did you mean `p\\|q`? |"
        ), "{out}");
    }

    #[test]
    fn long_lists_stop_at_the_budget() {
        let list: Vec<Diagnostic> = (1..=100)
            .map(|line| Diagnostic::new(Code::UnknownTeam, "no team").at("a.yaml", at(line)))
            .collect();
        let out = details(&list, "", None, 1_000);
        assert!(out.len() < 1_300, "{}", out.len());
        assert!(out.contains("more not listed here"), "{out}");
        assert!(out.starts_with("<details><summary>All 100 findings</summary>"));
        assert!(out.ends_with("</details>\n"));
    }
}
