//! Renderers: each turns a list of diagnostics into one output format.
//!
//! - [`human`]: rustc-style snippets with carets, for terminals.
//! - [`json`]: the pinned `--format json` object (SPEC section 3).
//! - [`github`]: GitHub Actions workflow commands that annotate pull requests.
//! - [`sarif`]: SARIF 2.1.0 for GitHub code scanning.
//! - [`markdown`]: finding counts and lists for job summaries and pull-request comments.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

/// Source texts of the files diagnostics point into, for renderers that quote them.
pub trait Sources {
    /// The text of `file` (catalog-relative) as kept, if it was read.
    fn text(&self, file: &str) -> Option<&crate::SourceText>;
}

impl Sources for std::collections::BTreeMap<String, crate::SourceText> {
    fn text(&self, file: &str) -> Option<&crate::SourceText> {
        self.get(file)
    }
}

/// Joins a catalog-relative path to the prefix that makes it relative to the place a consumer
/// resolves paths from (the GitHub workspace or git work tree), `/`-separated.
pub fn prefixed(prefix: &str, file: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        file.to_owned()
    } else {
        format!("{prefix}/{file}")
    }
}

/// Percent-encodes a relative `/`-separated path for a URI (RFC 3986 unreserved characters and
/// `/` stay), so names with spaces, `#` or `?` stay one path.
pub(crate) fn encode_path(path: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
