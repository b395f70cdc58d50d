//! A fast path for the YAML most catalogs are written in: block mappings and sequences,
//! single-line plain and quoted scalars, single-line flow collections, `|` and `|-` literal
//! blocks and comments. It produces exactly the events and spans `saphyr-parser` produces for
//! the same text (a differential test holds it to that over every YAML file of the
//! repository, generated catalogs and mutations of them), several times faster, and gives up
//! on anything else — anchors, tags, multi-line plain or quoted scalars, folded blocks,
//! document markers, tabs, CR, and every syntax error — so the loader runs `saphyr-parser`
//! instead. It never reports anything itself.
//!
//! `saphyr-parser`'s conventions reproduced here: markers count characters (`index`), lines
//! from 1 and columns from 0; a block collection starts and ends with an empty span at the
//! next token (an indentless sequence starts at its first entry's content); a flow bracket's
//! span runs to the next token; a quoted scalar's and a closing bracket's span take in the
//! spaces and comment after them on their line; a literal block runs from its first content
//! character to the first character of the line that ends it (a comment's `#` too); an empty mapping value is an empty plain scalar at the
//! `:`; the end of the text is at `(characters, lines + 1, 0)`.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

/// Why the fast path stopped.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// The text uses something the fast path does not handle: parse it with the full parser.
    Unsupported,
    /// The receiver of the events stopped (a limit was reached): the document is done.
    Receiver,
}

/// Deepest nesting handled here; deeper documents go to the full parser, which enforces the
/// configured limits with its own messages.
const MAX_NESTING: usize = 48;
/// `saphyr-parser` rejects implicit keys longer than this (in characters).
const MAX_KEY: usize = 1_000;

/// Produces the events of `text` into `receive`, which returns `false` to stop.
pub(super) fn scan<'a>(
    text: &'a str,
    receive: &mut dyn FnMut(Event<'a>, Span) -> bool,
) -> Result<(), Stop> {
    let bytes = text.as_bytes();
    if bytes.last() != Some(&b'\n') || bytes.contains(&b'\t') || bytes.contains(&b'\r') {
        return Err(Stop::Unsupported);
    }
    let mut scanner = Scanner {
        text,
        bytes,
        at: Tracked::default(),
        receive,
        depth: 0,
    };
    scanner.document()
}

/// A position with its marker, tracked forward through the text.
#[derive(Debug, Clone, Copy, Default)]
struct Tracked {
    byte: usize,
    index: usize,
    line: usize,
    col: usize,
}

/// The first significant (not blank, not comment-only) line at or after a line start.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Byte offset of its first non-space character.
    first: usize,
    /// Its indentation, in spaces.
    indent: usize,
}

struct Scanner<'a, 'r> {
    text: &'a str,
    bytes: &'a [u8],
    at: Tracked,
    receive: &'r mut dyn FnMut(Event<'a>, Span) -> bool,
    depth: usize,
}

type Step<T = ()> = Result<T, Stop>;

impl<'a> Scanner<'a, '_> {
    // ---- positions and events ----

    /// The marker at byte `byte`; positions are asked for in document order.
    fn marker(&mut self, byte: usize) -> Step<Marker> {
        if byte < self.at.byte {
            return Err(Stop::Unsupported);
        }
        let mut at = self.at;
        for &b in &self.bytes[at.byte..byte] {
            if b == b'\n' {
                at.line += 1;
                at.col = 0;
                at.index += 1;
            } else if b & 0xC0 != 0x80 {
                at.col += 1;
                at.index += 1;
            }
        }
        at.byte = byte;
        self.at = at;
        Ok(Marker::new(at.index, at.line + 1, at.col))
    }

    fn span(&mut self, start: usize, end: usize) -> Step<Span> {
        let start = self.marker(start)?;
        let end = self.marker(end)?;
        Ok(Span::new(start, end))
    }

    fn emit(&mut self, event: Event<'a>, span: Span) -> Step {
        if (self.receive)(event, span) {
            Ok(())
        } else {
            Err(Stop::Receiver)
        }
    }

    fn emit_at(&mut self, event: Event<'a>, at: usize) -> Step {
        let span = self.span(at, at)?;
        self.emit(event, span)
    }

    // ---- lines ----

    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(b'\n')
    }

    /// The end of the line holding `at` (the offset of its `\n`).
    fn line_end(&self, at: usize) -> usize {
        self.bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |p| at + p)
    }

    /// The next significant line starting at the line start `from`, or `None` at the end.
    fn next_line(&self, mut from: usize) -> Step<Option<Line>> {
        while from < self.bytes.len() {
            let mut first = from;
            while self.bytes[first] == b' ' {
                first += 1;
            }
            match self.bytes[first] {
                b'\n' => from = first + 1,
                b'#' => from = self.line_end(first) + 1,
                _ => {
                    let line_start = from;
                    let rest = &self.bytes[first..];
                    if line_start == first
                        && (rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%')
                    {
                        return Err(Stop::Unsupported);
                    }
                    return Ok(Some(Line {
                        first,
                        indent: first - line_start,
                    }));
                }
            }
        }
        Ok(None)
    }

    /// The next significant line after the line ending at `line_end`.
    fn line_after(&self, line_end: usize) -> Step<Option<Line>> {
        self.next_line(line_end + 1)
    }

    /// A one-line value's end: the next significant line, which must not be more indented
    /// than the enclosing collection (`indent`): that would continue the value.
    fn after_value(&self, next: Option<Line>, indent: usize) -> Step<Option<Line>> {
        match next {
            Some(next) if next.indent > indent => Err(Stop::Unsupported),
            next => Ok(next),
        }
    }

    /// Emits a scalar spanning `start..end`.
    fn scalar(
        &mut self,
        value: Cow<'a, str>,
        style: ScalarStyle,
        start: usize,
        end: usize,
    ) -> Step {
        let span = self.span(start, end)?;
        self.emit(Event::Scalar(value, style, 0, None), span)
    }

    /// After a value ending at `at`: only spaces and a comment may follow on its line.
    /// Returns the offset of the line's `\n`.
    fn end_of_line(&self, at: usize) -> Step<usize> {
        let mut i = at;
        while self.byte(i) == b' ' {
            i += 1;
        }
        match self.byte(i) {
            b'\n' => Ok(i),
            b'#' if i > at => Ok(self.line_end(i)),
            _ => Err(Stop::Unsupported),
        }
    }

    /// Past the spaces at `at`, and past a comment after them: where a quoted scalar's or a
    /// closing bracket's span ends.
    fn skip_trailing(&self, at: usize) -> usize {
        let mut i = at;
        while self.byte(i) == b' ' {
            i += 1;
        }
        if self.byte(i) == b'#' && i > at {
            return self.line_end(i);
        }
        i
    }

    /// Ends a block collection at the next significant line's token (or the end of the
    /// text) and hands that line back.
    fn close(&mut self, event: Event<'a>, next: Option<Line>) -> Step<Option<Line>> {
        let at = next.map_or(self.bytes.len(), |line| line.first);
        self.emit_at(event, at)?;
        self.depth -= 1;
        Ok(next)
    }

    fn enter(&mut self) -> Step {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Stop::Unsupported);
        }
        Ok(())
    }

    // ---- structure ----

    fn document(&mut self) -> Step {
        self.emit_at(Event::StreamStart, 0)?;
        let Some(line) = self.next_line(0)? else {
            return Err(Stop::Unsupported);
        };
        if line.indent != 0 {
            return Err(Stop::Unsupported);
        }
        self.emit_at(Event::DocumentStart(false), line.first)?;
        let rest = self.block_node_at(line, None)?;
        if rest.is_some() {
            return Err(Stop::Unsupported);
        }
        let end = self.bytes.len();
        self.emit_at(Event::DocumentEnd, end)?;
        self.emit_at(Event::StreamEnd, end)?;
        Ok(())
    }

    /// A block mapping or sequence starting at `line` (a sequence entry or a key). `parent`
    /// is the indentation of the enclosing mapping, for indentless sequences. Returns the
    /// next significant line after the node.
    fn block_node_at(&mut self, line: Line, parent: Option<usize>) -> Step<Option<Line>> {
        if self.is_entry(line.first) {
            let indentless = parent == Some(line.indent);
            self.block_sequence(line, indentless)
        } else {
            self.block_mapping(line)
        }
    }

    fn is_entry(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    fn block_sequence(&mut self, first: Line, indentless: bool) -> Step<Option<Line>> {
        self.enter()?;
        let indent = first.indent;
        let mut line = first;
        let mut started = false;
        loop {
            // `- ` then the entry's content on the same line.
            let mut content = line.first + 1;
            while self.byte(content) == b' ' {
                content += 1;
            }
            if matches!(self.byte(content), b'\n' | b'#') {
                return Err(Stop::Unsupported);
            }
            if !started {
                let at = if indentless { content } else { line.first };
                self.emit_at(Event::SequenceStart(0, None), at)?;
                started = true;
            }
            let column = content - (line.first - line.indent);
            let next = self.inline_node(content, column, indent)?;
            match next {
                Some(next) if next.indent == indent && self.is_entry(next.first) => line = next,
                Some(next) if next.indent > indent => return Err(Stop::Unsupported),
                Some(next) if next.indent < indent || indentless => {
                    return self.close(Event::SequenceEnd, Some(next));
                }
                Some(_) => return Err(Stop::Unsupported),
                None => return self.close(Event::SequenceEnd, None),
            }
        }
    }

    /// A sequence entry's content at `at` (column `column`): a scalar, a flow collection, a
    /// literal block, or a block mapping whose first key is here. `indent` is the
    /// sequence's. Returns the next significant line.
    fn inline_node(&mut self, at: usize, column: usize, indent: usize) -> Step<Option<Line>> {
        if self.key_here(at)? {
            return self.block_mapping(Line {
                first: at,
                indent: column,
            });
        }
        self.value(at, indent)
    }

    fn block_mapping(&mut self, first: Line) -> Step<Option<Line>> {
        self.enter()?;
        let indent = first.indent;
        self.emit_at(Event::MappingStart(0, None), first.first)?;
        let mut line = first;
        loop {
            let colon = self.key(line.first)?;
            // `:` then a space or the end of the line.
            let mut value = colon + 1;
            while self.byte(value) == b' ' {
                value += 1;
            }
            let next = if matches!(self.byte(value), b'\n' | b'#') {
                let line_end = self.end_of_line(colon + 1)?;
                let next = self.line_after(line_end)?;
                match next {
                    // A nested collection, or an indentless sequence.
                    Some(next)
                        if next.indent > indent
                            || (next.indent == indent && self.is_entry(next.first)) =>
                    {
                        self.enter()?;
                        let after = self.block_node_at(next, Some(indent))?;
                        self.depth -= 1;
                        after
                    }
                    _ => {
                        self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, colon, colon)?;
                        next
                    }
                }
            } else {
                self.value(value, indent)?
            };
            match next {
                Some(next) if next.indent == indent && !self.is_entry(next.first) => line = next,
                Some(next) if next.indent < indent => {
                    return self.close(Event::MappingEnd, Some(next));
                }
                Some(_) => return Err(Stop::Unsupported),
                None => return self.close(Event::MappingEnd, None),
            }
        }
    }

    /// Whether a block mapping key starts at `at` (a one-line scalar followed by `: ` or
    /// `:` at the end of the line).
    fn key_here(&self, at: usize) -> Step<bool> {
        match self.byte(at) {
            b'[' | b'{' => Ok(false),
            b'"' | b'\'' => {
                let end = self.quoted_end(at)?;
                let mut i = end;
                while self.byte(i) == b' ' {
                    i += 1;
                }
                Ok(self.byte(i) == b':' && matches!(self.byte(i + 1), b' ' | b'\n'))
            }
            _ => Ok(self.plain_key_colon(at).is_some()),
        }
    }

    /// The `:` ending a plain key starting at `at`, if the line has one before a comment.
    fn plain_key_colon(&self, at: usize) -> Option<usize> {
        let mut i = at;
        loop {
            match self.byte(i) {
                b'\n' => return None,
                b'#' if i > at && self.byte(i - 1) == b' ' => return None,
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => return Some(i),
                _ => i += 1,
            }
        }
    }

    /// Emits the key at `at`; returns the offset of its `:`.
    fn key(&mut self, at: usize) -> Step<usize> {
        match self.byte(at) {
            b'"' | b'\'' => {
                let (value, style, end) = self.quoted(at)?;
                let mut colon = end;
                while self.byte(colon) == b' ' {
                    colon += 1;
                }
                if self.byte(colon) != b':' || !matches!(self.byte(colon + 1), b' ' | b'\n') {
                    return Err(Stop::Unsupported);
                }
                if end - at > MAX_KEY {
                    return Err(Stop::Unsupported);
                }
                self.scalar(value, style, at, colon)?;
                Ok(colon)
            }
            first => {
                if !plain_start(first, self.byte(at + 1)) {
                    return Err(Stop::Unsupported);
                }
                let colon = self.plain_key_colon(at).ok_or(Stop::Unsupported)?;
                // `key :` and keys with comments or flow indicators are left to the parser.
                let key = &self.text[at..colon];
                // (`plain_key_colon` stops at a comment, so the key holds none.)
                if key.ends_with(' ') || colon - at > MAX_KEY {
                    return Err(Stop::Unsupported);
                }
                self.scalar(Cow::Borrowed(key), ScalarStyle::Plain, at, colon)?;
                Ok(colon)
            }
        }
    }

    /// A value on the line at `at` (after `key: ` or `- `): returns the next significant
    /// line. `indent` is the enclosing collection's; the value must not continue on
    /// more-indented lines.
    fn value(&mut self, at: usize, indent: usize) -> Step<Option<Line>> {
        let line_end = match self.byte(at) {
            b'[' | b'{' => {
                let end = self.flow(at)?;
                self.end_of_line(end)?
            }
            b'"' | b'\'' => {
                let (value, style, end) = self.quoted(at)?;
                let span_end = self.skip_trailing(end);
                self.scalar(value, style, at, span_end)?;
                self.end_of_line(end)?
            }
            b'|' => return self.literal(at, indent),
            first => {
                if !plain_start(first, self.byte(at + 1)) {
                    return Err(Stop::Unsupported);
                }
                let line_end = self.line_end(at);
                let line = &self.bytes[at..line_end];
                let end = find_pair(line, b' ', b'#').map_or(line_end, |comment| at + comment);
                let value = self.text[at..end].trim_end_matches(' ');
                if find_pair(value.as_bytes(), b':', b' ').is_some() || value.ends_with(':') {
                    return Err(Stop::Unsupported);
                }
                self.scalar(
                    Cow::Borrowed(value),
                    ScalarStyle::Plain,
                    at,
                    at + value.len(),
                )?;
                line_end
            }
        };
        let next = self.line_after(line_end)?;
        self.after_value(next, indent)
    }

    /// A `|` or `|-` literal block whose indicator is at `at`, inside a collection indented
    /// by `indent`.
    fn literal(&mut self, at: usize, indent: usize) -> Step<Option<Line>> {
        let strip = match self.byte(at + 1) {
            b'-' => true,
            b' ' | b'\n' => false,
            _ => return Err(Stop::Unsupported),
        };
        let after = at + 1 + usize::from(strip);
        let header_end = self.line_end(after);
        if self.bytes[after..header_end].iter().any(|&b| b != b' ') {
            return Err(Stop::Unsupported);
        }
        // The first content line sets the indentation; no blank lines before it.
        let first_start = header_end + 1;
        let mut i = first_start;
        while self.byte(i) == b' ' {
            i += 1;
        }
        let content_indent = i - first_start;
        if i >= self.bytes.len() || self.byte(i) == b'\n' || content_indent <= indent {
            return Err(Stop::Unsupported);
        }
        let content_start = i;
        let mut value = String::new();
        let mut pending_newlines = 0usize;
        let mut line_start = first_start;
        let mut wrote = false;
        // Where the block ends: the start of the first line that is less indented.
        let stop = loop {
            if line_start >= self.bytes.len() {
                break line_start;
            }
            let end = self.line_end(line_start);
            let line = &self.text[line_start..end];
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if spaces == line.len() {
                // A blank line: only as many spaces as the indentation, or fewer.
                if spaces > content_indent {
                    return Err(Stop::Unsupported);
                }
                pending_newlines += 1;
            } else if spaces < content_indent {
                break line_start;
            } else {
                if wrote {
                    value.push('\n');
                }
                for _ in 0..pending_newlines {
                    value.push('\n');
                }
                pending_newlines = 0;
                value.push_str(&line[content_indent..]);
                wrote = true;
            }
            line_start = end + 1;
        };
        if !strip {
            value.push('\n');
        }
        // The span ends at the first character of the line that ended the block, even a
        // comment's `#` (collections end at the next token instead).
        let mut token = stop;
        while self.byte(token) == b' ' {
            token += 1;
        }
        let token = token.min(self.bytes.len());
        let next = self.next_line(stop)?;
        self.scalar(
            Cow::Owned(value),
            ScalarStyle::Literal,
            content_start,
            token,
        )?;
        self.after_value(next, indent)
    }

    // ---- flow collections (on one line) ----

    /// A flow collection opening at `at`; returns the offset just past its closing bracket.
    fn flow(&mut self, at: usize) -> Step<usize> {
        self.enter()?;
        let mapping = self.byte(at) == b'{';
        let close = if mapping { b'}' } else { b']' };
        let mut i = at + 1;
        while self.byte(i) == b' ' {
            i += 1;
        }
        let span = self.span(at, i)?;
        self.emit(
            if mapping {
                Event::MappingStart(0, None)
            } else {
                Event::SequenceStart(0, None)
            },
            span,
        )?;
        if self.byte(i) != close {
            loop {
                if mapping {
                    i = self.flow_node(i, true)?;
                    while self.byte(i) == b' ' {
                        i += 1;
                    }
                    if self.byte(i) != b':' || self.byte(i + 1) != b' ' {
                        return Err(Stop::Unsupported);
                    }
                    i += 1;
                    while self.byte(i) == b' ' {
                        i += 1;
                    }
                }
                i = self.flow_node(i, false)?;
                while self.byte(i) == b' ' {
                    i += 1;
                }
                match self.byte(i) {
                    b',' => {
                        i += 1;
                        while self.byte(i) == b' ' {
                            i += 1;
                        }
                        if matches!(self.byte(i), b']' | b'}' | b',' | b'\n') {
                            return Err(Stop::Unsupported);
                        }
                    }
                    b if b == close => break,
                    _ => return Err(Stop::Unsupported),
                }
            }
        }
        let end = self.skip_trailing(i + 1);
        let span = self.span(i, end)?;
        self.emit(
            if mapping {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            },
            span,
        )?;
        self.depth -= 1;
        Ok(i + 1)
    }

    /// A node inside a flow collection at `at`; returns the offset after it.
    fn flow_node(&mut self, at: usize, key: bool) -> Step<usize> {
        match self.byte(at) {
            b'[' | b'{' if !key => self.flow(at),
            b'"' | b'\'' => {
                let (value, style, end) = self.quoted(at)?;
                let span_end = self.skip_trailing(end);
                if self.byte(span_end) == b'\n' && span_end > end {
                    // A comment would end the line inside the collection.
                    return Err(Stop::Unsupported);
                }
                self.scalar(value, style, at, span_end)?;
                Ok(end)
            }
            first => {
                if !plain_start(first, self.byte(at + 1)) {
                    return Err(Stop::Unsupported);
                }
                let mut i = at;
                loop {
                    match self.byte(i) {
                        b',' | b'[' | b']' | b'{' | b'}' | b'\n' => break,
                        b':' if key => break,
                        b':' => return Err(Stop::Unsupported),
                        b'#' if self.byte(i - 1) == b' ' => return Err(Stop::Unsupported),
                        _ => i += 1,
                    }
                }
                let value = self.text[at..i].trim_end_matches(' ');
                if value.is_empty() {
                    return Err(Stop::Unsupported);
                }
                let end = at + value.len();
                self.scalar(Cow::Borrowed(value), ScalarStyle::Plain, at, end)?;
                Ok(end)
            }
        }
    }

    // ---- quoted scalars (on one line) ----

    /// The offset just past the closing quote of the quoted scalar at `at`.
    fn quoted_end(&self, at: usize) -> Step<usize> {
        let quote = self.byte(at);
        let mut i = at + 1;
        loop {
            match self.byte(i) {
                b'\n' => return Err(Stop::Unsupported),
                b'\\' if quote == b'"' => {
                    if self.byte(i + 1) == b'\n' {
                        return Err(Stop::Unsupported);
                    }
                    i += 2;
                }
                b'\'' if quote == b'\'' && self.byte(i + 1) == b'\'' => i += 2,
                b if b == quote => return Ok(i + 1),
                _ => i += 1,
            }
        }
    }

    /// The quoted scalar at `at`: its value, style and the offset past its closing quote.
    fn quoted(&self, at: usize) -> Step<(Cow<'a, str>, ScalarStyle, usize)> {
        let end = self.quoted_end(at)?;
        let inner = &self.text[at + 1..end - 1];
        if self.byte(at) == b'\'' {
            let value = if inner.contains('\'') {
                Cow::Owned(inner.replace("''", "'"))
            } else {
                Cow::Borrowed(inner)
            };
            return Ok((value, ScalarStyle::SingleQuoted, end));
        }
        if !inner.contains('\\') {
            return Ok((Cow::Borrowed(inner), ScalarStyle::DoubleQuoted, end));
        }
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                Some('/') => value.push('/'),
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = (hex.len() == 4)
                        .then(|| u32::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .filter(|c| !(0xD800..0xE000).contains(c) && *c >= 0x20)
                        .and_then(char::from_u32)
                        .ok_or(Stop::Unsupported)?;
                    value.push(code);
                }
                _ => return Err(Stop::Unsupported),
            }
        }
        Ok((Cow::Owned(value), ScalarStyle::DoubleQuoted, end))
    }
}

/// The offset of the first `a` followed by `b` in `bytes`.
fn find_pair(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&x| x == a) {
        let i = from + i;
        if bytes.get(i + 1) == Some(&b) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether a plain scalar may start with `first` (followed by `next`) here; indicators and
/// anything else the fast path does not handle are left to the parser.
fn plain_start(first: u8, next: u8) -> bool {
    match first {
        b'-' => !matches!(next, b' ' | b'\n'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
