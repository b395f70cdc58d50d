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
        let mut wanted = wanted.into_iter().peekable();
        for (index, line) in text.split('\n').enumerate() {
            let Some(&next) = wanted.peek() else {
                break;
            };
            let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            if number == next {
                let line = line.strip_suffix('\r').unwrap_or(line);
                kept.push((number, Box::from(line)));
                wanted.next();
            }
        }
        SourceText::Lines(Arc::new(Excerpt { lines: kept }))
    }

    /// The whole text, when it was kept whole.
    pub fn as_whole(&self) -> Option<&str> {
        match self {
            SourceText::Whole(text) => Some(text.as_str()),
            SourceText::Lines(_) => None,
        }
    }
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
    fn the_last_line_needs_no_line_break() {
        let SourceText::Lines(excerpt) = SourceText::excerpt("a\nb", [2]) else {
            panic!("an excerpt");
        };
        assert_eq!(excerpt.line(2), Some("b"));
    }
}
