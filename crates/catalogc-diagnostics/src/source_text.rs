//! The text of a file as kept for the snippets of its findings.
//!
//! Descriptors are kept whole. Large third-party files (inventory snapshots of tens of
//! megabytes, API specifications, workflows) are needed only for the few lines findings point
//! at, so once they are parsed only those lines are kept: holding every export's text until
//! the report is printed was a third of a 10,000-service check's memory.

use std::sync::Arc;

/// The text of one file, whole or as the lines findings can point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceText {
    /// The whole text.
    Whole(Arc<String>),
    /// Only some lines (see [`SourceText::excerpt`]).
    Lines(Arc<Excerpt>),
}

/// Some lines of a file, by 1-based line number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excerpt {
    /// Sorted by line number, numbers unique.
    lines: Vec<(u32, Box<str>)>,
}

impl Excerpt {
    /// Line `number` (1-based), without its line break, if it was kept.
    pub fn line(&self, number: u32) -> Option<&str> {
        self.lines
            .binary_search_by_key(&number, |(n, _)| *n)
            .ok()
            .map(|index| &*self.lines[index].1)
    }

    /// How many lines were kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line was kept.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl SourceText {
    /// The whole of `text`.
    pub fn whole(text: Arc<String>) -> SourceText {
        SourceText::Whole(text)
    }

    /// Only the lines of `text` numbered in `lines` (1-based; numbers past the end and
    /// duplicates are ignored), each without its line break (`\n` or `\r\n`).
    pub fn excerpt(text: &str, lines: impl IntoIterator<Item = u32>) -> SourceText {
        let mut wanted: Vec<u32> = lines.into_iter().filter(|&n| n > 0).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut kept = Vec::with_capacity(wanted.len());
        let bytes = text.as_bytes();
        // The start of line `line`, walking forward from earlier lines.
        let (mut line, mut start) = (1u32, 0usize);
        for number in wanted {
            let Some(at) = skip_lines(bytes, start, (number - line) as usize) else {
                break;
            };
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| at + n);
            // Line breaks are ASCII, so `at` and `end` fall on character boundaries.
            let text = text.get(at..end).unwrap_or_default();
            kept.push((number, Box::from(text.strip_suffix('\r').unwrap_or(text))));
            (line, start) = (number, at);
        }
        SourceText::Lines(Arc::new(Excerpt { lines: kept }))
    }

    /// Some lines of a file, given as (1-based number, text without its line break) pairs.
    pub fn from_lines(mut lines: Vec<(u32, Box<str>)>) -> SourceText {
        lines.sort_by_key(|(number, _)| *number);
        lines.dedup_by_key(|(number, _)| *number);
        SourceText::Lines(Arc::new(Excerpt { lines }))
    }

    /// The whole text, when it was kept whole.
    pub fn as_whole(&self) -> Option<&str> {
        match self {
            SourceText::Whole(text) => Some(text.as_str()),
            SourceText::Lines(_) => None,
        }
    }
}

/// How many of `bytes` satisfy `test`. Counted in blocks of 64 bytes whose count fits a
/// byte, a loop the compiler vectorises (a plain `filter().count()` widens every byte to a
/// `usize` and is several times slower): a fraction of an instruction per byte.
fn count_bytes(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(64)
        .map(|block| {
            block
                .iter()
                .map(|&b| u8::from(test(b)))
                .fold(0u8, u8::wrapping_add) as usize
        })
        .sum()
}

/// The byte index just after the `count`-th line break at or after `from` (`from` itself when
/// `count` is 0); `None` when the text has fewer. Line breaks are counted a block at a time
/// ([`count_bytes`]), so skipping the lines of a large export between two kept lines costs a
/// fraction of an instruction per byte.
fn skip_lines(bytes: &[u8], from: usize, count: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut remaining = count;
    let mut at = from;
    while remaining > 0 {
        let block = bytes.get(at..)?;
        if block.is_empty() {
            return None;
        }
        let block = &block[..block.len().min(BLOCK)];
        let breaks = count_bytes(block, |b| b == b'\n');
        if breaks < remaining {
            remaining -= breaks;
            at += block.len();
            continue;
        }
        for (index, &b) in block.iter().enumerate() {
            if b == b'\n' {
                remaining -= 1;
                if remaining == 0 {
                    return Some(at + index + 1);
                }
            }
        }
    }
    Some(at)
}

impl From<Arc<String>> for SourceText {
    fn from(text: Arc<String>) -> SourceText {
        SourceText::Whole(text)
    }
}

impl From<String> for SourceText {
    fn from(text: String) -> SourceText {
        SourceText::Whole(Arc::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_keeps_the_asked_lines_only() {
        let text = "one\ntwo\r\nthree\nfour\n";
        let SourceText::Lines(excerpt) = SourceText::excerpt(text, [4, 2, 2, 0, 9]) else {
            panic!("an excerpt");
        };
        assert_eq!(excerpt.len(), 2);
        assert_eq!(excerpt.line(2), Some("two"));
        assert_eq!(excerpt.line(4), Some("four"));
        assert_eq!(excerpt.line(1), None);
        assert_eq!(excerpt.line(3), None);
        assert_eq!(excerpt.line(9), None);
    }

    #[test]
    fn an_excerpt_of_a_long_text_agrees_with_its_lines() {
        // Lines of every length around the 64-byte blocks, non-ASCII characters included.
        let lines: Vec<String> = (0..400)
            .map(|n| "é".repeat(n % 7) + &"x".repeat((n * 13) % 150))
            .collect();
        let text = lines.join("\n");
        let wanted: Vec<u32> = (1..=400).filter(|n| n % 3 == 0 || n % 17 == 1).collect();
        let SourceText::Lines(excerpt) = SourceText::excerpt(&text, wanted.iter().copied()) else {
            panic!("an excerpt");
        };
        assert_eq!(excerpt.len(), wanted.len());
        for n in wanted {
            assert_eq!(
                excerpt.line(n),
                Some(lines[n as usize - 1].as_str()),
                "line {n}"
            );
        }
        assert_eq!(excerpt.line(2), None);
    }

    #[test]
    fn the_last_line_needs_no_line_break() {
        let SourceText::Lines(excerpt) = SourceText::excerpt("a\nb", [2]) else {
            panic!("an excerpt");
        };
        assert_eq!(excerpt.line(2), Some("b"));
    }
}
