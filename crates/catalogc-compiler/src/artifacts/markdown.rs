//! Markdown documents named by `docs`, summarised as title, word count and top-level
//! headings.
//!
//! This module owns a deliberately small line scanner, not a Markdown renderer: it knows ATX
//! headings (`# Title`), setext headings (a paragraph underlined with `===` or `---`),
//! fenced code blocks (skipped entirely) and YAML front matter at the top of the file
//! (skipped). Any text is accepted: a Markdown file cannot be invalid, so there are no
//! findings.

use serde::Serialize;

use super::{MAX_TITLE_CHARS, truncate};

/// Most headings listed in one summary.
pub const MAX_HEADINGS: usize = 50;

/// The summary of one Markdown document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Doc {
    /// The text of the first level-1 heading (`# Title`, or `Title` underlined with `===`),
    /// trimmed and cut to [`MAX_TITLE_CHARS`](super::MAX_TITLE_CHARS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Words outside code blocks and front matter: whitespace-separated runs holding at least
    /// one letter or digit (so `-`, `|` and `---` are not words).
    pub words: usize,
    /// The first [`MAX_HEADINGS`] level-1 and level-2 headings, in document order.
    pub headings: Vec<String>,
}

/// The block the scanner is in, as far as setext headings are concerned.
enum Block<'t> {
    /// After a blank line, a heading or a code block.
    Between,
    /// A paragraph: an underline below it makes it a heading.
    Paragraph(Vec<&'t str>),
    /// A list, block quote, table, HTML or indented code: an underline is not a heading.
    Other,
}

/// An open fenced code block: its fence character and length.
struct Fence {
    marker: char,
    length: usize,
}

/// Summarises the Markdown document `text`. Never fails; runs in one pass over the lines.
pub fn summarize_doc(text: &str) -> Doc {
    let mut doc = Doc {
        title: None,
        words: 0,
        headings: Vec::new(),
    };
    let mut lines = text.lines().peekable();
    skip_front_matter(text, &mut lines);
    let mut block = Block::Between;
    let mut fence: Option<Fence> = None;
    for line in lines {
        if let Some(open) = &fence {
            if closes(line, open) {
                fence = None;
            }
            continue;
        }
        if let Some(opened) = opens_fence(line) {
            fence = Some(opened);
            block = Block::Between;
            continue;
        }
        doc.words += count_words(line);
        if line.trim().is_empty() {
            block = Block::Between;
            continue;
        }
        if let Some((level, heading)) = atx_heading(line) {
            add_heading(&mut doc, level, heading);
            block = Block::Between;
            continue;
        }
        if let Block::Paragraph(paragraph) = &block
            && let Some(level) = setext_underline(line)
        {
            let joined = join_paragraph(paragraph);
            add_heading(&mut doc, level, &joined);
            block = Block::Between;
            continue;
        }
        if is_thematic_break(line) {
            block = Block::Between;
            continue;
        }
        block = match block {
            Block::Other => Block::Other,
            _ if starts_other_block(line) => Block::Other,
            Block::Paragraph(mut paragraph) => {
                paragraph.push(line);
                Block::Paragraph(paragraph)
            }
            Block::Between if indent(line) >= 4 => Block::Other,
            Block::Between => Block::Paragraph(vec![line]),
        };
    }
    doc
}

/// Records a heading: the first level-1 heading is the title; levels 1 and 2 are listed.
fn add_heading(doc: &mut Doc, level: usize, text: &str) {
    let text = text.trim();
    if text.is_empty() || level > 2 {
        return;
    }
    if level == 1 && doc.title.is_none() {
        doc.title = Some(truncate(text, MAX_TITLE_CHARS));
    }
    if doc.headings.len() < MAX_HEADINGS {
        doc.headings.push(truncate(text, MAX_TITLE_CHARS));
    }
}

/// Skips YAML front matter: a first line `---` and everything up to the next `---` or
/// `...` line. Without a closing line there is no front matter.
fn skip_front_matter<'t>(
    text: &'t str,
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'t str>>,
) {
    if lines.peek().map(|line| line.trim_end()) != Some("---") {
        return;
    }
    let closed = text
        .lines()
        .skip(1)
        .any(|line| matches!(line.trim_end(), "---" | "..."));
    if !closed {
        return;
    }
    lines.next();
    for line in lines.by_ref() {
        if matches!(line.trim_end(), "---" | "...") {
            return;
        }
    }
}

/// Number of leading spaces.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line opening a fenced code block: three or more `` ` `` or `~` (at any indentation, so
/// fences inside list items count), a backtick fence having no backtick in its info string.
fn opens_fence(line: &str) -> Option<Fence> {
    let rest = line.trim_start();
    let marker = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let length = rest.chars().take_while(|&c| c == marker).count();
    if length < 3 {
        return None;
    }
    let info = &rest[length..];
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some(Fence { marker, length })
}

/// Whether `line` closes `fence`: the same character, at least as many, nothing after.
fn closes(line: &str, fence: &Fence) -> bool {
    let rest = line.trim();
    let length = rest.chars().take_while(|&c| c == fence.marker).count();
    length >= fence.length && rest.len() == length * fence.marker.len_utf8()
}

/// An ATX heading: up to three spaces, one to six `#`, then a space or the end of the line;
/// an optional closing run of `#` is dropped.
fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let spaces = indent(line);
    if spaces > 3 {
        return None;
    }
    let rest = &line[spaces..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let content = after.trim();
    let without_closing = content.trim_end_matches('#');
    let content = if without_closing.is_empty() {
        ""
    } else if without_closing.ends_with([' ', '\t']) {
        without_closing.trim_end()
    } else {
        content
    };
    Some((level, content))
}

/// A setext underline: up to three spaces, then only `=` (level 1) or only `-` (level 2).
fn setext_underline(line: &str) -> Option<usize> {
    if indent(line) > 3 {
        return None;
    }
    let rest = line.trim();
    let first = rest.chars().next()?;
    let level = match first {
        '=' => 1,
        '-' => 2,
        _ => return None,
    };
    rest.chars().all(|c| c == first).then_some(level)
}

/// A thematic break: three or more `-`, `*` or `_`, spaces allowed between them.
fn is_thematic_break(line: &str) -> bool {
    if indent(line) > 3 {
        return false;
    }
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let mut count = 1;
    for mark in marks {
        if mark != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// Whether a line starts a block that is not a paragraph: a list item, a block quote, a
/// table row or HTML.
fn starts_other_block(line: &str) -> bool {
    if indent(line) > 3 {
        return false;
    }
    let rest = line.trim_start();
    if rest.starts_with(['>', '|', '<']) {
        return true;
    }
    if let Some(after) = rest.strip_prefix(['-', '*', '+']) {
        return after.is_empty() || after.starts_with([' ', '\t']);
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &rest[digits..];
        if let Some(after) = after.strip_prefix(['.', ')']) {
            return after.is_empty() || after.starts_with([' ', '\t']);
        }
    }
    false
}

/// The text of a setext heading: the paragraph's lines joined by spaces, read only as far
/// as a title can be long.
fn join_paragraph(lines: &[&str]) -> String {
    let mut joined = String::new();
    for line in lines {
        if joined.chars().count() > MAX_TITLE_CHARS {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(line.trim());
    }
    joined
}

/// Words of one line: whitespace-separated runs with at least one letter or digit.
fn count_words(line: &str) -> usize {
    line.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .count()
}
