//! A fast path for JSON in lenient mode.
//!
//! Inventory exports are mostly large JSON documents (a GitHub organisation's repositories
//! weigh tens of megabytes). The YAML parser reads JSON correctly but several times slower
//! than a dedicated JSON parser, so lenient loads of text that starts like JSON try this
//! parser first; anything it does not accept (YAML flow syntax, comments, trailing text) goes
//! to the YAML parser instead, which also gives the better message for broken input.
//!
//! It builds the same [`Document`] as the YAML builder: values, a span for every node and its
//! key, `duplicate-key` findings (first value kept), and the same depth and entry limits.

use std::fmt::Write as _;

use catalogc_diagnostics::{Code, Diagnostic, Position, Span, quote};
use serde_json::{Map, Number, Value};

use super::{Document, NodeSpan, SpanMap, StructureLimits, escape_pointer_segment};

/// Why the fast path gave up.
pub enum Outcome {
    /// Parsed: the document and findings (duplicate keys, limits).
    Parsed(Option<Document>, Vec<Diagnostic>),
    /// Not JSON (or not only JSON): use the YAML parser.
    NotJson,
}

struct Parser<'t> {
    file: &'t str,
    text: &'t [u8],
    source: &'t str,
    pos: usize,
    line: u32,
    column: u32,
    offset: u32,
    depth: u32,
    limits: StructureLimits,
    pointer: String,
    spans: SpanMap,
    diagnostics: Vec<Diagnostic>,
}

/// A fatal condition: not JSON, or a limit (reported) that stops the document.
enum Stop {
    NotJson,
    Limit,
}

/// Parses `text` as one JSON document, if it is one.
pub fn parse(file: &str, text: &str, limits: StructureLimits) -> Outcome {
    let mut parser = Parser {
        file,
        text: text.as_bytes(),
        source: text,
        pos: 0,
        line: 1,
        column: 1,
        offset: 0,
        depth: 0,
        limits,
        pointer: String::new(),
        spans: SpanMap::default(),
        diagnostics: Vec::new(),
    };
    parser.skip_whitespace();
    let start = parser.position();
    match parser.value(None) {
        Ok(value) => {
            parser.skip_whitespace();
            if parser.pos != parser.text.len() {
                return Outcome::NotJson;
            }
            let mut spans = std::mem::take(&mut parser.spans);
            spans.finish();
            let document = Document {
                value,
                spans,
                start,
                reported: Vec::new(),
            };
            Outcome::Parsed(Some(document), parser.diagnostics)
        }
        Err(Stop::Limit) => Outcome::Parsed(None, parser.diagnostics),
        Err(Stop::NotJson) => Outcome::NotJson,
    }
}

impl Parser<'_> {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            offset: self.offset,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    /// Advances over one byte, keeping line, column and character offset (columns count
    /// characters: continuation bytes of UTF-8 sequences do not advance them).
    fn bump(&mut self) {
        if let Some(&b) = self.text.get(self.pos) {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
                self.offset += 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
                self.offset += 1;
            }
        }
    }

    fn skip_whitespace(&mut self) {
        loop {
            match self.peek() {
                Some(b' ') => {
                    // Indentation: a run of spaces moves the column by its length.
                    let run = self.text[self.pos..]
                        .iter()
                        .take_while(|&&b| b == b' ')
                        .count();
                    self.advance_plain(run);
                }
                Some(b'\t' | b'\n' | b'\r') => self.bump(),
                _ => return,
            }
        }
    }

    /// Moves over `run` bytes known to be printable ASCII other than a line feed: one column
    /// and one character each.
    fn advance_plain(&mut self, run: usize) {
        self.pos += run;
        self.column += run as u32;
        self.offset += run as u32;
    }

    /// The length of the run of printable ASCII from here that needs no attention inside a
    /// string (no `"`, `\\`, control character or non-ASCII byte), tested 16 bytes at a time.
    fn plain_ascii_run(&self) -> usize {
        fn stops(b: u8) -> bool {
            (b == b'"') | (b == b'\\') | !(0x20..0x80).contains(&b)
        }
        let rest = &self.text[self.pos..];
        let mut run = 0;
        for block in rest.chunks(16) {
            if block.iter().fold(false, |any, &b| any | stops(b)) {
                return run + block.iter().position(|&b| stops(b)).unwrap_or(block.len());
            }
            run += block.len();
        }
        run
    }

    fn expect(&mut self, byte: u8) -> Result<(), Stop> {
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(Stop::NotJson)
        }
    }

    fn limit(&mut self, message: String, at: Position) -> Stop {
        self.diagnostics.push(
            Diagnostic::new(Code::YamlLimits, message)
                .at(self.file, Span::point(at))
                .with_help(
                    "see `catalogc explain yaml-limits` for the limits and how to raise them",
                ),
        );
        Stop::Limit
    }

    fn too_many_entries(&mut self, at: Position) -> Stop {
        let message = format!(
            "a list or mapping here has more than {} entries",
            self.limits.max_entries
        );
        self.limit(message, at)
    }

    /// After an entry of a list or mapping closed by `close`: `true` at its end, `false`
    /// after a comma (another entry follows).
    fn end_of_entry(&mut self, close: u8) -> Result<bool, Stop> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.bump();
                Ok(false)
            }
            Some(b) if b == close => {
                self.bump();
                Ok(true)
            }
            _ => Err(Stop::NotJson),
        }
    }

    /// Parses a value whose pointer is in `self.pointer`; records its span with `key`.
    fn value(&mut self, key: Option<Span>) -> Result<Value, Stop> {
        let start = self.position();
        let value = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(Stop::NotJson),
        };
        let span = Span::new(start, self.position());
        self.spans
            .insert(&self.pointer, NodeSpan { value: span, key });
        Ok(value)
    }

    /// Checks the syntax of the value here and moves past it, building nothing: no value,
    /// no spans, no findings but the limits.
    fn skip_value(&mut self) -> Result<(), Stop> {
        match self.peek() {
            Some(b'{') => {
                self.enter(self.position())?;
                self.bump();
                self.skip_whitespace();
                if self.peek() == Some(b'}') {
                    self.bump();
                } else {
                    loop {
                        self.skip_whitespace();
                        if self.peek() != Some(b'"') {
                            return Err(Stop::NotJson);
                        }
                        self.skip_string()?;
                        self.skip_whitespace();
                        self.expect(b':')?;
                        self.skip_whitespace();
                        self.skip_value()?;
                        if self.end_of_entry(b'}')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            Some(b'[') => {
                self.enter(self.position())?;
                self.bump();
                self.skip_whitespace();
                if self.peek() == Some(b']') {
                    self.bump();
                } else {
                    loop {
                        self.skip_whitespace();
                        self.skip_value()?;
                        if self.end_of_entry(b']')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            Some(b'"') => self.skip_string()?,
            Some(b't') => {
                self.word("true", Value::Null)?;
            }
            Some(b'f') => {
                self.word("false", Value::Null)?;
            }
            Some(b'n') => {
                self.word("null", Value::Null)?;
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
            }
            _ => return Err(Stop::NotJson),
        }
        Ok(())
    }

    /// Moves past a string, checking its escapes, without copying it.
    fn skip_string(&mut self) -> Result<(), Stop> {
        self.bump(); // opening quote
        loop {
            // Plain ASCII runs advance one column per byte, with no newline inside (raw
            // control characters end the run): count them at once.
            self.advance_plain(self.plain_ascii_run());
            match self.peek() {
                Some(b'"') => {
                    self.bump();
                    return Ok(());
                }
                Some(b'\\') => {
                    self.bump();
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.bump(),
                        Some(b'u') => {
                            self.bump();
                            self.hex4()?;
                        }
                        _ => return Err(Stop::NotJson),
                    }
                }
                Some(b) if b >= 0x80 => self.bump(),
                // A raw control character or the end of the text.
                _ => return Err(Stop::NotJson),
            }
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, Stop> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            for _ in 0..word.len() {
                self.bump();
            }
            Ok(value)
        } else {
            Err(Stop::NotJson)
        }
    }

    fn enter(&mut self, at: Position) -> Result<(), Stop> {
        if self.depth >= self.limits.max_depth {
            return Err(self.limit(
                format!("nesting is deeper than {} levels", self.limits.max_depth),
                at,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn object(&mut self) -> Result<Value, Stop> {
        self.enter(self.position())?;
        self.bump();
        let mut map = Map::new();
        let mut first_keys: Vec<(String, Span)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.bump();
            self.depth -= 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_whitespace();
            let key_start = self.position();
            if self.peek() != Some(b'"') {
                return Err(Stop::NotJson);
            }
            let key = self.string()?;
            let key_span = Span::new(key_start, self.position());
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let before = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&escape_pointer_segment(&key));
            if self.depth >= 2
                && self
                    .limits
                    .keep_fields
                    .is_some_and(|keep| !keep.contains(&key.as_str()))
            {
                // A field no reader looks at: check it, keep nothing.
                self.skip_value()?;
            } else if map.contains_key(&key) {
                // Keep the first value; parse the second without recording its spans.
                let spans = std::mem::take(&mut self.spans);
                let _ = self.value(Some(key_span))?;
                self.spans = spans;
                let first = first_keys
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, span)| *span);
                let mut finding = Diagnostic::new(
                    Code::DuplicateKey,
                    format!("the key {} appears twice in this mapping", quote(&key)),
                )
                .at(self.file, key_span)
                .with_pointer(self.pointer.clone())
                .with_help("remove one of the two entries; catalogc keeps the first");
                if let Some(first) = first {
                    finding = finding.with_related(self.file, Some(first), "first defined here");
                }
                self.diagnostics.push(finding);
            } else {
                if map.len() >= self.limits.max_entries as usize {
                    return Err(self.too_many_entries(key_start));
                }
                let value = self.value(Some(key_span))?;
                first_keys.push((key.clone(), key_span));
                map.insert(key, value);
            }
            self.pointer.truncate(before);
            if self.end_of_entry(b'}')? {
                break;
            }
        }
        self.depth -= 1;
        Ok(Value::Object(map))
    }

    fn array(&mut self) -> Result<Value, Stop> {
        self.enter(self.position())?;
        self.bump();
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.bump();
            self.depth -= 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            if items.len() >= self.limits.max_entries as usize {
                let at = self.position();
                return Err(self.too_many_entries(at));
            }
            let before = self.pointer.len();
            let _ = write!(self.pointer, "/{}", items.len());
            let value = self.value(None)?;
            self.pointer.truncate(before);
            items.push(value);
            if self.end_of_entry(b']')? {
                break;
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn string(&mut self) -> Result<String, Stop> {
        self.bump(); // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            loop {
                self.advance_plain(self.plain_ascii_run());
                match self.peek() {
                    Some(b) if b >= 0x80 => self.bump(),
                    _ => break,
                }
            }
            out.push_str(&self.source[run_start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.bump();
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.bump();
                            let high = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&high) {
                                if !self.text[self.pos..].starts_with(b"\\u") {
                                    return Err(Stop::NotJson);
                                }
                                self.bump();
                                self.bump();
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(Stop::NotJson);
                                }
                                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                            } else {
                                char::from_u32(high)
                            };
                            out.push(c.ok_or(Stop::NotJson)?);
                            continue;
                        }
                        _ => return Err(Stop::NotJson),
                    };
                    self.bump();
                    out.push(escaped);
                }
                // A raw control character or the end of the text.
                _ => return Err(Stop::NotJson),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Stop> {
        let digits = self
            .source
            .get(self.pos..self.pos + 4)
            .ok_or(Stop::NotJson)?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| Stop::NotJson)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Stop::NotJson);
        }
        for _ in 0..4 {
            self.bump();
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, Stop> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        let mut integer = true;
        while let Some(b) = self.peek() {
            match b {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' | b'+' | b'-' => integer = false,
                _ => break,
            }
            self.bump();
        }
        let text = &self.source[start..self.pos];
        if integer {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Value::Number(Number::from(n)));
            }
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Value::Number(Number::from(n)));
            }
        }
        let parsed: f64 = text.parse().map_err(|_| Stop::NotJson)?;
        Ok(match Number::from_f64(parsed) {
            Some(n) => Value::Number(n),
            // Out of range: keep what was written, as the YAML path does for third-party files.
            None => Value::String(text.to_owned()),
        })
    }
}

/// A JSON text read in pieces, parsed exactly as [`parse`] would have parsed the whole
/// text: the document, its findings, and the text of every line a recorded node (value or
/// key) starts on, for snippets.
pub struct Streamed {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
    pub lines: Vec<(u32, Box<str>)>,
}

/// Bytes of the text held at a time (more when one entry, or one line, is longer).
pub const WINDOW: usize = 1 << 20;

/// The part of the text in memory: a window that slides over it.
struct Window<R> {
    reader: std::io::Take<R>,
    limit: u64,
    bytes: Vec<u8>,
    /// The least size of `bytes` (the window).
    size: usize,
    /// `bytes[..valid]` is checked UTF-8 without characters YAML forbids.
    valid: usize,
    /// The reader is exhausted (and `valid` covers every byte).
    eof: bool,
    total: u64,
}

impl<R: std::io::Read> Window<R> {
    /// Drops the first `drop` bytes and reads until the window is full (twice as large when
    /// more than half of it is kept) or the text ends. An error: the text is not one this
    /// path reads (or could not be read).
    fn refill(&mut self, drop: usize) -> Result<(), Declined> {
        self.bytes.drain(..drop);
        self.valid -= drop;
        let capacity = self.bytes.capacity().max(self.size);
        let want = if self.bytes.len() * 2 > capacity {
            capacity * 2
        } else {
            capacity
        };
        self.bytes.reserve(want - self.bytes.len());
        while self.bytes.len() < want && !self.eof {
            let start = self.bytes.len();
            self.bytes.resize(want, 0);
            match std::io::Read::read(&mut self.reader, &mut self.bytes[start..]) {
                Ok(0) => {
                    self.bytes.truncate(start);
                    self.eof = true;
                }
                Ok(n) => {
                    self.bytes.truncate(start + n);
                    self.total += n as u64;
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {
                    self.bytes.truncate(start);
                }
                Err(_) => return Err(Declined),
            }
        }
        if self.total > self.limit {
            return Err(Declined);
        }
        let checked = self.valid;
        self.valid = match std::str::from_utf8(&self.bytes[checked..]) {
            Ok(_) => self.bytes.len(),
            // A character cut by the end of the window is checked with the next piece.
            Err(error) if error.error_len().is_none() && !self.eof => checked + error.valid_up_to(),
            Err(_) => return Err(Declined),
        };
        let fresh = std::str::from_utf8(&self.bytes[checked..self.valid]).map_err(|_| Declined)?;
        if crate::source::first_forbidden_char(fresh).is_some() {
            return Err(Declined);
        }
        Ok(())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.valid]).unwrap_or_default()
    }
}

/// The streamed path gives up: not a text it reads (not a JSON array, not clean UTF-8, a
/// limit reached, not JSON after all, more bytes than allowed, a read error). The caller
/// reads the whole text, and that path says what is wrong.
struct Declined;

/// Where parsing stands between entries of the root array.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    line: u32,
    column: u32,
    offset: u32,
}

/// Parses a JSON text whose root is an array, read from `reader` (at most `limit` bytes)
/// through a window of about a megabyte, into the document [`parse`] would build from the
/// whole text: same values, spans, findings and limits. The whole text is never held: a
/// large export (a GitHub organisation's repositories) costs its kept values and the lines
/// findings can point at, not its size in fresh memory. Anything else is declined.
pub fn parse_array_from(
    file: &str,
    reader: impl std::io::Read,
    limit: u64,
    limits: StructureLimits,
) -> Option<Streamed> {
    parse_array_through(file, reader, limit, limits, WINDOW)
}

/// [`parse_array_from`] through a window of at least `size` bytes.
pub fn parse_array_through(
    file: &str,
    reader: impl std::io::Read,
    limit: u64,
    limits: StructureLimits,
    size: usize,
) -> Option<Streamed> {
    let mut window = Window {
        reader: reader.take(limit.saturating_add(1)),
        limit,
        bytes: Vec::new(),
        size: size.max(1),
        valid: 0,
        eof: false,
        total: 0,
    };
    stream(file, &mut window, limits).ok()
}

fn stream<R: std::io::Read>(
    file: &str,
    window: &mut Window<R>,
    limits: StructureLimits,
) -> Result<Streamed, Declined> {
    if limits.max_depth == 0 {
        return Err(Declined);
    }
    window.refill(0)?;
    let mut mark = Mark {
        pos: 0,
        line: 1,
        column: 1,
        offset: 0,
    };
    let mut spans = SpanMap::default();
    let mut diagnostics = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    // Lines to keep, not yet copied; and the start of a line at or before the first of them.
    let mut pending: std::collections::VecDeque<u32> = std::collections::VecDeque::new();
    let mut cursor = (1u32, 0usize);
    let mut lines: Vec<(u32, Box<str>)> = Vec::new();
    let mut root_start = None;
    let mut done = false;
    let mut pointer = String::new();
    while !done {
        let text = window.text();
        let mut parser = Parser {
            file,
            text: text.as_bytes(),
            source: text,
            pos: mark.pos,
            line: mark.line,
            column: mark.column,
            offset: mark.offset,
            depth: 1,
            limits,
            pointer: std::mem::take(&mut pointer),
            spans: std::mem::take(&mut spans),
            diagnostics: std::mem::take(&mut diagnostics),
        };
        if root_start.is_none() {
            parser.skip_whitespace();
            match parser.peek() {
                Some(b'[') => {
                    root_start = Some(parser.position());
                    // The root's own line (its span starts there); this may be a second
                    // look at the same `[`.
                    lines.clear();
                    pending.clear();
                    pending.push_back(parser.line);
                    parser.bump();
                    parser.skip_whitespace();
                    if parser.peek() == Some(b']') {
                        parser.bump();
                        done = true;
                    } else if parser.peek().is_none() && !window.eof {
                        // Only `[` and spaces so far: start again with more text.
                        root_start = None;
                    }
                    if root_start.is_some() {
                        mark = Mark {
                            pos: parser.pos,
                            line: parser.line,
                            column: parser.column,
                            offset: parser.offset,
                        };
                    }
                }
                None if !window.eof => {}
                _ => return Err(Declined),
            }
        }
        // Entries, as many as the window holds whole (with what follows each).
        while root_start.is_some() && !done {
            if items.len() >= limits.max_entries as usize {
                return Err(Declined);
            }
            let (entries, pointer_text, findings) = (
                parser.spans.entries.len(),
                parser.spans.text.len(),
                parser.diagnostics.len(),
            );
            parser.pointer.clear();
            let _ = write!(parser.pointer, "/{}", items.len());
            parser.skip_whitespace();
            let entry = parser.value(None).and_then(|value| {
                parser.skip_whitespace();
                match parser.peek() {
                    Some(b',') => {
                        parser.bump();
                        parser.skip_whitespace();
                        Ok((value, false))
                    }
                    Some(b']') => {
                        parser.bump();
                        Ok((value, true))
                    }
                    _ => Err(Stop::NotJson),
                }
            });
            match entry {
                Ok((value, last)) => {
                    items.push(value);
                    done = last;
                    mark = Mark {
                        pos: parser.pos,
                        line: parser.line,
                        column: parser.column,
                        offset: parser.offset,
                    };
                    let mut wanted: Vec<u32> = parser.spans.entries[entries..]
                        .iter()
                        .flat_map(|entry| {
                            [
                                Some(entry.span.value.start.line),
                                entry.span.key.map(|k| k.start.line),
                            ]
                        })
                        .flatten()
                        .collect();
                    wanted.sort_unstable();
                    wanted.dedup();
                    for line in wanted {
                        if pending.back().is_none_or(|&last| line > last)
                            && lines.last().is_none_or(|(last, _)| line > *last)
                        {
                            pending.push_back(line);
                        }
                    }
                }
                // A limit is reported by the whole-text path.
                Err(Stop::Limit) => return Err(Declined),
                Err(Stop::NotJson) => {
                    // Cut by the end of the window, or not JSON: more text tells.
                    if window.eof {
                        return Err(Declined);
                    }
                    parser.spans.entries.truncate(entries);
                    parser.spans.text.truncate(pointer_text);
                    parser.diagnostics.truncate(findings);
                    parser.pos = mark.pos;
                    parser.depth = 1;
                    break;
                }
            }
        }
        pointer = std::mem::take(&mut parser.pointer);
        spans = std::mem::take(&mut parser.spans);
        diagnostics = std::mem::take(&mut parser.diagnostics);
        drop(parser);
        keep_lines(window, &mut pending, &mut cursor, &mut lines);
        if done {
            break;
        }
        if window.eof {
            return Err(Declined);
        }
        // Keep the unparsed text and the lines still to copy.
        let drop = cursor.1.min(mark.pos);
        window.refill(drop)?;
        mark.pos -= drop;
        cursor.1 -= drop;
    }
    // After the array: only whitespace to the end.
    loop {
        let rest = &window.bytes[mark.pos..window.valid];
        if !rest
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return Err(Declined);
        }
        mark.pos = window.valid;
        if window.eof {
            break;
        }
        let drop = cursor.1.min(mark.pos);
        window.refill(drop)?;
        mark.pos -= drop;
        cursor.1 -= drop;
        keep_lines(window, &mut pending, &mut cursor, &mut lines);
    }
    keep_lines(window, &mut pending, &mut cursor, &mut lines);
    let Some(start) = root_start else {
        return Err(Declined);
    };
    let end = Position {
        line: mark.line,
        column: mark.column,
        offset: mark.offset,
    };
    spans.insert(
        "",
        NodeSpan {
            value: Span::new(start, end),
            key: None,
        },
    );
    spans.finish();
    Ok(Streamed {
        document: Document {
            value: Value::Array(items),
            spans,
            start,
            reported: Vec::new(),
        },
        diagnostics,
        lines,
    })
}

/// Copies the `pending` lines the window holds to their end into `lines`; `cursor` is the
/// line number and byte offset of a line start at or before the first pending line.
fn keep_lines<R>(
    window: &Window<R>,
    pending: &mut std::collections::VecDeque<u32>,
    cursor: &mut (u32, usize),
    lines: &mut Vec<(u32, Box<str>)>,
) {
    let bytes = &window.bytes[..window.valid];
    while let Some(&line) = pending.front() {
        while cursor.0 < line {
            let Some(at) = memchr::memchr(b'\n', &bytes[cursor.1..]) else {
                return;
            };
            *cursor = (cursor.0 + 1, cursor.1 + at + 1);
        }
        let end = match memchr::memchr(b'\n', &bytes[cursor.1..]) {
            Some(at) => cursor.1 + at,
            None if window.eof => bytes.len(),
            None => return,
        };
        // Line breaks are ASCII: both ends fall on character boundaries of checked text.
        let text = std::str::from_utf8(&bytes[cursor.1..end]).unwrap_or_default();
        lines.push((line, Box::from(text.strip_suffix('\r').unwrap_or(text))));
        pending.pop_front();
    }
}
