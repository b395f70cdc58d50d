//! Service docs (Markdown from the service's repository) as HTML for its page.
//!
//! Docs arrive in untrusted pull requests, so the renderer only lets through what Markdown
//! itself produces: raw HTML (blocks and inline) becomes escaped text, link and image URLs
//! are limited to `http`, `https` and `mailto` (and to links between the service's own docs,
//! rewritten to their anchors on the page), images become links (the site loads nothing
//! remote), table alignment is dropped (pulldown-cmark writes it as a `style` attribute, which
//! the page's Content-Security-Policy forbids) and headings move down two levels so a doc's
//! `# Title` sits under the page's own headings.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

/// The docs of one service: their catalog-relative paths, in page order; doc `i` is
/// rendered with the anchor `doc-{i + 1}`.
pub(super) struct DocSet<'a> {
    pub paths: Vec<&'a str>,
}

impl DocSet<'_> {
    /// The anchor of the doc `target` names, relative to the doc at `from`.
    fn anchor_for(&self, from: &str, target: &str) -> Option<String> {
        let path = target.split(['#', '?']).next().unwrap_or_default();
        if path.is_empty() {
            return None;
        }
        let mut parts: Vec<&str> = match from.rsplit_once('/') {
            Some((dir, _)) if !path.starts_with('/') => dir.split('/').collect(),
            _ => Vec::new(),
        };
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                other => parts.push(other),
            }
        }
        let joined = parts.join("/");
        self.paths
            .iter()
            .position(|p| *p == joined)
            .map(|i| format!("#doc-{}", i + 1))
    }
}

/// What a link destination may become.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Kept as written: an `http`, `https` or `mailto` URL, or a fragment.
    Keep,
    /// A relative reference (another file of the repository).
    Relative,
    /// Anything else (`javascript:`, `data:`, `file:`, `vbscript:` …): dropped.
    Refuse,
}

/// Classifies `url` the way a browser would read it: browsers ignore leading and trailing
/// spaces and control characters and every tab or newline inside a URL, and compare schemes
/// case-insensitively, so `" Java\tScript:alert(1)"` is a `javascript:` URL.
pub(crate) fn classify(url: &str) -> Destination {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.starts_with('#') {
        return Destination::Keep;
    }
    // A scheme is letters, digits, `+`, `-`, `.` before the first `:`, starting with a letter;
    // a `:` after `/`, `?` or `#` belongs to a relative reference's path or query instead.
    let scheme_end = cleaned.find([':', '/', '?', '#', '\\']);
    match scheme_end {
        Some(end) if cleaned[end..].starts_with(':') => {
            let scheme = &cleaned[..end];
            let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if valid
                && matches!(
                    scheme.to_ascii_lowercase().as_str(),
                    "http" | "https" | "mailto"
                )
            {
                Destination::Keep
            } else {
                Destination::Refuse
            }
        }
        // `//host/path` takes the page's scheme: http(s) on a web host, file: from disk.
        _ if cleaned.starts_with("//") || cleaned.starts_with("\\\\") => Destination::Refuse,
        _ if cleaned.contains('\\') => Destination::Refuse,
        _ => Destination::Relative,
    }
}

/// `url` when it is an `http`, `https` or `mailto` URL (links written in descriptors, contact
/// addresses, inventory URLs); `None` for anything else, which is then shown as text.
pub(crate) fn absolute_href(url: &str) -> Option<String> {
    let trimmed = url.trim();
    (classify(trimmed) == Destination::Keep && !trimmed.starts_with('#'))
        .then(|| trimmed.to_owned())
}

/// Renders the Markdown `text` of the doc at `path` (one of `docs`).
pub(super) fn render(text: &str, path: &str, docs: &DocSet<'_>) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Which link-like starts were kept, so their ends match.
    let mut open: Vec<bool> = Vec::new();
    let mut in_link = 0usize;
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level: shift(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(shift(level)))),
        Event::Start(Tag::Table(alignments)) => Some(Event::Start(Tag::Table(
            alignments
                .iter()
                .map(|_| pulldown_cmark::Alignment::None)
                .collect(),
        ))),
        Event::Start(Tag::Link {
            dest_url, title, ..
        }) => {
            let kept = if in_link == 0 {
                destination(&dest_url, path, docs).map(|url| link(url, title))
            } else {
                None
            };
            open.push(kept.is_some());
            in_link += 1;
            kept
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            // An image becomes a link to it (its alt text is the link's text): loading it
            // would reach the network, and a link inside a link is not HTML.
            let kept = if in_link == 0 {
                destination(&dest_url, path, docs).map(|url| link(url, title))
            } else {
                None
            };
            open.push(kept.is_some());
            in_link += 1;
            kept
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
            in_link = in_link.saturating_sub(1);
            open.pop()
                .unwrap_or(false)
                .then_some(Event::End(TagEnd::Link))
        }
        Event::FootnoteReference(label) => Some(Event::Text(label)),
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events);
    out
}

/// The URL a link may keep: allowed absolute URLs and fragments as written, links to the
/// service's other docs rewritten to their anchors; `None` drops the link (its text stays).
/// Other relative links are dropped too: the repository's files are not part of the site.
fn destination<'a>(url: &CowStr<'a>, path: &str, docs: &DocSet<'_>) -> Option<CowStr<'a>> {
    match classify(url) {
        Destination::Keep => Some(url.clone()),
        Destination::Relative => docs.anchor_for(path, url).map(CowStr::from),
        Destination::Refuse => None,
    }
}

fn link<'a>(dest_url: CowStr<'a>, title: CowStr<'a>) -> Event<'a> {
    Event::Start(Tag::Link {
        link_type: LinkType::Inline,
        dest_url,
        title,
        id: CowStr::Borrowed(""),
    })
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}
