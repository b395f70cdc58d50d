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
