//! Skimming a bundle: the few fields per-repo mode reads, found without parsing the rest.
//!
//! A 10,000-service `catalog.json` is about 140 MB, half of it scorecard outcomes per-repo
//! mode never looks at. Reading it whole into memory costs more than parsing it (fresh pages
//! are slow to fault in), and serde's skipping of unread fields inspects every byte. Instead
//! the file streams through a window of about a megabyte, and each JSON value's extent is found
//! by [`Scanner`], which classifies 64 bytes at a time into bitmasks of quotes, backslashes
//! and brackets (the technique of simdjson's stage one, in portable code the compiler
//! vectorises): in-string regions come from a prefix XOR of the unescaped quotes, and a block
//! whose closing brackets cannot bring the depth to zero is passed over with two popcounts.
//!
//! What is kept (the top-level `apiVersion`, `kind` and `catalog`, and the named fields of
//! each entry of `services`, `teams` and `resources`) is copied, byte for byte, into a small
//! JSON text of the same shape that serde then parses and checks like the whole file. Skipped
//! values are only checked for balanced brackets and strings. Anything unexpected (a key
//! written with an escape, a top-level array that is not one, truncation) makes [`skim`]
//! give up, and the caller parses the whole file with serde instead, which reports the
//! problem precisely; so skimming can only be faster, never different, on a bundle that
//! `catalogc build` wrote.

use std::io::{self, Read};
use std::ops::Range;

/// Bytes read from the file at a time.
const CHUNK: usize = 1 << 20;

/// Fields of each entry of a top-level array that are kept.
pub(super) struct Keep {
    pub services: &'static [&'static str],
    pub teams: &'static [&'static str],
    pub resources: &'static [&'static str],
}

/// The top-level arrays whose entries are skimmed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Array {
    Services,
    Teams,
    Resources,
}

/// Receives each skimmed entry: a JSON object of its kept fields, in file order.
pub(super) trait Sink {
    /// An entry of `array`; an error makes skimming give up.
    fn entry(&mut self, array: Array, json: &[u8]) -> Result<(), Miss>;
}

/// Why skimming gave up (the caller falls back to a full parse).
#[derive(Debug)]
pub(super) enum Miss {
    /// Reading failed.
    Io(io::Error),
    /// More than the size limit.
    TooLarge,
    /// Not the shape skimming handles; a full parse says what is wrong.
    Shape,
}

impl From<io::Error> for Miss {
    fn from(error: io::Error) -> Miss {
        Miss::Io(error)
    }
}

/// Reads the bundle from `reader` (at most `limit` bytes), hands each entry of `services`,
/// `teams` and `resources`, reduced to its kept fields, to `sink`, and returns the rest as a
/// compact JSON object: the top-level `apiVersion`, `kind` and `catalog` as written, and
/// each of the three arrays as `[]` (so that parsing it tells which are present).
pub(super) fn skim(
    reader: impl Read,
    limit: u64,
    keep: &Keep,
    sink: &mut impl Sink,
) -> Result<Vec<u8>, Miss> {
    let mut stream = Stream {
        reader: reader.take(limit.saturating_add(1)),
        limit,
        total: 0,
        buf: Vec::with_capacity(CHUNK * 2),
        pos: 0,
        eof: false,
        marks: Vec::new(),
    };
    let mut head = vec![b'{'];
    let mut entry = Vec::with_capacity(4096);
    stream.expect(b'{')?;
    if stream.peek()? == Some(b'}') {
        stream.pos += 1;
    } else {
        loop {
            let key = stream.value()?;
            let key_bytes = stream.buf[key.clone()].to_vec();
            stream.pos = key.end;
            if !plain_key(&key_bytes) {
                return Err(Miss::Shape);
            }
            stream.expect(b':')?;
            let name = &key_bytes[1..key_bytes.len() - 1];
            let array = match name {
                b"services" => Some((Array::Services, keep.services)),
                b"teams" => Some((Array::Teams, keep.teams)),
                b"resources" => Some((Array::Resources, keep.resources)),
                _ => None,
            };
            let kept = array.is_some() || matches!(name, b"apiVersion" | b"kind" | b"catalog");
            if kept {
                if head.len() > 1 {
                    head.push(b',');
                }
                head.extend_from_slice(&key_bytes);
                head.push(b':');
            }
            match array {
                Some((array, fields)) => {
                    stream.entries(array, fields, &mut entry, sink)?;
                    head.extend_from_slice(b"[]");
                }
                None if kept => {
                    let value = stream.value()?;
                    head.extend_from_slice(&stream.buf[value.clone()]);
                    stream.pos = value.end;
                }
                None => stream.skip()?,
            }
            match stream.next_byte()? {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(Miss::Shape),
            }
        }
    }
    if stream.peek()?.is_some() {
        return Err(Miss::Shape);
    }
    head.push(b'}');
    Ok(head)
}

/// A key without escapes: `"…"` with no backslash inside (escaped keys go the full way).
fn plain_key(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == b'"' && !bytes[1..bytes.len() - 1].contains(&b'\\')
}

/// The file, through a window: `buf[pos..]` is what has not been consumed yet.
struct Stream<R> {
    reader: io::Take<R>,
    limit: u64,
    total: u64,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// The `:` and `,` positions of the last entry read (see [`Stream::entry`]).
    marks: Vec<usize>,
}

impl<R: Read> Stream<R> {
    /// Drops the consumed bytes and reads more; returns how far positions moved down.
    /// At the end of the file `eof` is set and nothing moves.
    fn fill(&mut self) -> Result<usize, Miss> {
        let shift = self.pos;
        self.buf.drain(..shift);
        self.pos = 0;
        let before = self.buf.len();
        let want = CHUNK.max(self.buf.len());
        let read = (&mut self.reader)
            .take(want as u64)
            .read_to_end(&mut self.buf)?;
        self.total += read as u64;
        if self.total > self.limit {
            return Err(Miss::TooLarge);
        }
        if self.buf.len() == before {
            self.eof = true;
        }
        Ok(shift)
    }

    /// The next byte that is not whitespace, not consumed; `None` at the end of the file.
    fn peek(&mut self) -> Result<Option<u8>, Miss> {
        loop {
            while let Some(&byte) = self.buf.get(self.pos) {
                if !is_space(byte) {
                    return Ok(Some(byte));
                }
                self.pos += 1;
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
    }

    /// The next byte that is not whitespace, consumed.
    fn next_byte(&mut self) -> Result<Option<u8>, Miss> {
        let byte = self.peek()?;
        if byte.is_some() {
            self.pos += 1;
        }
        Ok(byte)
    }

    fn expect(&mut self, byte: u8) -> Result<(), Miss> {
        if self.next_byte()? == Some(byte) {
            Ok(())
        } else {
            Err(Miss::Shape)
        }
    }

    /// The extent of the next value, all of it in the window (not consumed).
    fn value(&mut self) -> Result<Range<usize>, Miss> {
        let first = self.peek()?.ok_or(Miss::Shape)?;
        self.extent(Scanner::new(first), true)
            .map(|(range, _)| range)
    }

    /// The next value, an object, all of it in the window (not consumed), with the
    /// positions of its own `:` and `,` (relative to its start) in `marks`.
    fn entry(&mut self) -> Result<Range<usize>, Miss> {
        let scanner = Scanner::recording(std::mem::take(&mut self.marks));
        let (range, marks) = self.extent(scanner, true)?;
        self.marks = marks;
        Ok(range)
    }

    /// Consumes the next value without keeping it in the window.
    fn skip(&mut self) -> Result<(), Miss> {
        let first = self.peek()?.ok_or(Miss::Shape)?;
        let (range, _) = self.extent(Scanner::new(first), false)?;
        self.pos = range.end;
        Ok(())
    }

    /// Feeds `scanner` the value at `pos` until it ends, reading on as needed. With `keep`,
    /// the value stays in the window from its start; without, scanned bytes are dropped as
    /// the window moves on (the returned start is then meaningless).
    fn extent(
        &mut self,
        mut scanner: Scanner,
        keep: bool,
    ) -> Result<(Range<usize>, Vec<usize>), Miss> {
        let mut start = self.pos;
        let mut scanned = start;
        loop {
            match scanner.scan(&self.buf[scanned..], self.eof)? {
                Scan::End(end) => return Ok((start..scanned + end, scanner.marks)),
                Scan::More(consumed) => scanned += consumed,
            }
            if self.eof {
                return Err(Miss::Shape);
            }
            if !keep {
                self.pos = scanned;
            }
            let shift = self.fill()?;
            start = start.saturating_sub(shift);
            scanned -= shift;
        }
    }

    /// A top-level array of objects: each entry, reduced to its `fields` in `entry`, goes
    /// to `sink`.
    fn entries(
        &mut self,
        array: Array,
        fields: &[&str],
        entry: &mut Vec<u8>,
        sink: &mut impl Sink,
    ) -> Result<(), Miss> {
        self.expect(b'[')?;
        if self.peek()? == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if self.peek()? != Some(b'{') {
                return Err(Miss::Shape);
            }
            let range = self.entry()?;
            entry.clear();
            pick(&self.buf[range.clone()], &self.marks, fields, entry)?;
            sink.entry(array, entry)?;
            self.pos = range.end;
            match self.next_byte()? {
                Some(b',') => {}
                Some(b']') => return Ok(()),
                _ => return Err(Miss::Shape),
            }
        }
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Appends the object `entry` (complete, from `{` to `}`) reduced to the members named in
/// `fields`, in their order in `entry`. `marks` are the positions of the entry's own `:` and
/// `,` (outside strings and nested values), as [`Scanner`] recorded them.
fn pick(entry: &[u8], marks: &[usize], fields: &[&str], out: &mut Vec<u8>) -> Result<(), Miss> {
    out.push(b'{');
    let inner_end = entry.len() - 1;
    if marks.is_empty() {
        if trim(&entry[1..inner_end]).is_empty() {
            out.push(b'}');
            return Ok(());
        }
        return Err(Miss::Shape);
    }
    // Members are `key : value` separated by `,`: colons at even indices, commas at odd.
    if marks.len() % 2 != 1 {
        return Err(Miss::Shape);
    }
    let mut first = true;
    let mut start = 1;
    for pair in marks.chunks(2) {
        let colon = pair[0];
        let end = pair.get(1).copied().unwrap_or(inner_end);
        if entry[colon] != b':' || (pair.len() == 2 && entry[end] != b',') {
            return Err(Miss::Shape);
        }
        let key = trim(&entry[start..colon]);
        let value = trim(&entry[colon + 1..end]);
        if !plain_key(key) || value.is_empty() {
            return Err(Miss::Shape);
        }
        let name = &key[1..key.len() - 1];
        if fields.iter().any(|field| field.as_bytes() == name) {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(key);
            out.push(b':');
            out.extend_from_slice(value);
        }
        start = end + 1;
    }
    out.push(b'}');
    Ok(())
}

/// `bytes` without JSON whitespace at either end.
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |end| end + 1);
    &bytes[start..end]
}

/// Length of the complete value at the start of `bytes`.
#[cfg(test)]
fn value_end(bytes: &[u8]) -> Result<usize, Miss> {
    let first = *bytes.first().ok_or(Miss::Shape)?;
    match Scanner::new(first).scan(bytes, true)? {
        Scan::End(end) => Ok(end),
        Scan::More(_) => Err(Miss::Shape),
    }
}

/// What feeding a [`Scanner`] found.
enum Scan {
    /// The value ends here (relative to the bytes fed).
    End(usize),
    /// More bytes are needed; this many were consumed (whole blocks), the rest is fed again.
    More(usize),
}

/// Finds the end of one JSON value, fed the bytes from its first one on, possibly in pieces
/// (whole 64-byte blocks until the last piece).
#[derive(Debug)]
struct Scanner {
    kind: Kind,
    /// Containers: brackets open so far.
    depth: u64,
    /// All ones while the previous block ended inside a string.
    in_string: u64,
    /// The previous block ended in an odd run of backslashes.
    escape_carry: bool,
    /// Recording: the positions of the object's own `:` and `,` are pushed to `marks`.
    record: bool,
    marks: Vec<usize>,
    /// Bytes consumed before the current call to [`Scanner::scan`].
    fed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Container,
    String,
    /// A number, `true`, `false` or `null`: ends before the next delimiter.
    Scalar,
}

impl Scanner {
    const BLOCK: usize = 64;

    fn new(first: u8) -> Scanner {
        let kind = match first {
            b'{' | b'[' => Kind::Container,
            b'"' => Kind::String,
            _ => Kind::Scalar,
        };
        Scanner {
            kind,
            depth: 0,
            in_string: 0,
            escape_carry: false,
            record: false,
            marks: Vec::new(),
            fed: 0,
        }
    }

    /// A scanner for an object that records where its members' `:` and `,` are.
    /// `marks` is emptied and reused (one buffer serves every entry).
    fn recording(mut marks: Vec<usize>) -> Scanner {
        marks.clear();
        Scanner {
            record: true,
            marks,
            ..Scanner::new(b'{')
        }
    }

    /// Feeds `bytes` (the continuation of what was consumed before). With `last`, `bytes`
    /// runs to the end of the file.
    fn scan(&mut self, bytes: &[u8], last: bool) -> Result<Scan, Miss> {
        if self.kind == Kind::Scalar {
            // Scalars are short and are scanned whole, from their start, each time.
            let end = bytes
                .iter()
                .position(|&b| matches!(b, b',' | b'}' | b']' | b':' | b'"') || is_space(b));
            return match end {
                Some(0) => Err(Miss::Shape),
                Some(end) => Ok(Scan::End(end)),
                // `bytes` starts with the scalar's first byte, so it is not empty.
                None if last => Ok(Scan::End(bytes.len())),
                None => Ok(Scan::More(0)),
            };
        }
        let mut offset = 0;
        let mut tail = [b' '; Scanner::BLOCK];
        while offset < bytes.len() {
            let block: &[u8; Scanner::BLOCK] = match bytes.get(offset..offset + Scanner::BLOCK) {
                Some(block) => block.try_into().map_err(|_| Miss::Shape)?,
                None if last => {
                    let rest = &bytes[offset..];
                    tail[..rest.len()].copy_from_slice(rest);
                    &tail
                }
                None => break,
            };
            if let Some(end) = self.block(block, offset) {
                return Ok(Scan::End(offset + end));
            }
            offset += Scanner::BLOCK;
        }
        // Past the end only after the padded last block.
        let consumed = offset.min(bytes.len());
        self.fed += consumed;
        Ok(Scan::More(consumed))
    }

    /// One block, at `offset` in the bytes being fed; the position just past the value's
    /// end when it is in this block.
    fn block(&mut self, block: &[u8; Scanner::BLOCK], offset: usize) -> Option<usize> {
        let masks = Masks::of(block);
        let escaped = self.escaped(masks.backslash);
        let quotes = masks.quote & !escaped;
        // Bit i: inside a string after byte i (an opening quote's bit is set, a closing one's
        // is not).
        let strings = prefix_xor(quotes) ^ self.in_string;
        self.in_string = 0u64.wrapping_sub(strings >> 63);
        if self.kind == Kind::String {
            // The value ends at the first quote that closes a string (the opening quote,
            // byte 0 of the first block, opens one).
            let closing = quotes & !strings;
            return (closing != 0).then(|| closing.trailing_zeros() as usize + 1);
        }
        let open = masks.open & !strings;
        let close = masks.close & !strings;
        let closes = u64::from(close.count_ones());
        // The lowest depth this block can reach stays above the one of interest (0: the
        // end; 1 when recording: the object's own separators): nothing to look at.
        if closes + u64::from(self.record) < self.depth {
            self.depth = self.depth + u64::from(open.count_ones()) - closes;
            return None;
        }
        let separators = if self.record {
            masks.separator & !strings
        } else {
            0
        };
        let mut events = open | close | separators;
        while events != 0 {
            let bit = events.trailing_zeros();
            let mask = 1u64 << bit;
            if open & mask != 0 {
                self.depth += 1;
            } else if close & mask != 0 {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    return Some(bit as usize + 1);
                }
            } else if self.depth == 1 {
                self.marks.push(self.fed + offset + bit as usize);
            }
            events &= events - 1;
        }
        None
    }

    /// Positions escaped by a backslash: those after an odd run of backslashes.
    fn escaped(&mut self, backslash: u64) -> u64 {
        if backslash == 0 && !self.escape_carry {
            return 0;
        }
        let mut escaped = 0u64;
        let mut odd = self.escape_carry;
        for bit in 0..Scanner::BLOCK {
            if odd {
                escaped |= 1 << bit;
                odd = false;
            } else if backslash >> bit & 1 == 1 {
                odd = true;
            }
        }
        self.escape_carry = odd;
        escaped
    }
}

/// Bit i of a prefix XOR: the parity of the bits at i and below.
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    bits
}

/// Where a block holds quotes, backslashes, and opening and closing brackets.
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
    /// `:` and `,`.
    separator: u64,
}

impl Masks {
    /// Written lane by lane of 16 bytes so that the compiler turns each lane into vector
    /// compares and a movemask.
    #[inline(always)]
    fn of(block: &[u8; Scanner::BLOCK]) -> Masks {
        let mut masks = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
            separator: 0,
        };
        for (k, lane) in block.chunks_exact(16).enumerate() {
            let (mut quote, mut backslash, mut open, mut close, mut separator) =
                (0u16, 0u16, 0u16, 0u16, 0u16);
            for (j, &byte) in lane.iter().enumerate() {
                quote |= u16::from(byte == b'"') << j;
                backslash |= u16::from(byte == b'\\') << j;
                // `{` and `[` differ only in bit 5 (0x7b, 0x5b), as do `}` and `]`.
                let folded = byte & !0x20;
                open |= u16::from(folded == b'[') << j;
                close |= u16::from(folded == b']') << j;
                separator |= u16::from(byte == b':' || byte == b',') << j;
            }
            masks.quote |= u64::from(quote) << (16 * k);
            masks.backslash |= u64::from(backslash) << (16 * k);
            masks.open |= u64::from(open) << (16 * k);
            masks.close |= u64::from(close) << (16 * k);
            masks.separator |= u64::from(separator) << (16 * k);
        }
        masks
    }
}

#[cfg(test)]
mod tests;
