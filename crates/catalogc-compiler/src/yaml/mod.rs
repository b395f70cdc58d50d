//! The YAML (and JSON) loader: text → JSON values plus a map from every JSON pointer to its
//! source span, built from `saphyr-parser` events in one pass. Common block YAML gets the
//! same events from a fast path ([`fast`]), several times faster; anything else, and every
//! error, goes through `saphyr-parser`.
//!
//! Two modes (SPEC 6):
//! - [`Mode::Strict`] for catalog descriptors: core-schema tags only, no merge keys, string
//!   keys only.
//! - [`Mode::Lenient`] for third-party files (API specs, workflows, inventories, JSON):
//!   scalar keys become strings, merge keys are applied, unknown tags are ignored.
//!
//! Both modes enforce the same kinds of limits — depth, entries per collection, documents per
//! file and an alias expansion budget — so no input can make the loader use unbounded memory
//! or time. Duplicate keys are reported in both. The loader never panics on any input: the
//! parser runs under [`crate::contain_panic`] as a last line of defence.
//!
//! Positions are 1-based lines and columns counted in characters.

mod fast;
pub(crate) mod json;
mod scalar;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use catalogc_diagnostics::{Code, Diagnostic, Position, Span, quote};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};
use serde_json::{Map, Value};

pub use scalar::{CoreTag, ScalarProblem, resolve_plain, resolve_tagged};

/// How strictly a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Catalog descriptors.
    Strict,
    /// Third-party files: specs, workflows, inventories.
    Lenient,
}

/// Structural limits applied while building values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StructureLimits {
    /// Deepest nesting of collections.
    pub max_depth: u32,
    /// Most documents in one file.
    pub max_documents: u32,
    /// Most entries in one sequence or mapping.
    pub max_entries: u32,
    /// Most nodes aliases may add to one document.
    pub max_alias_nodes: u64,
    /// Deepest nodes whose spans are recorded (the root is depth 0). Deeper nodes are
    /// located at their nearest recorded ancestor; large exports only need their entries'
    /// locations, and a span per node would cost more memory than the values themselves.
    pub max_span_depth: u32,
    /// When set, only these keys are kept in mappings nested two levels or more below the
    /// root (an export's entries and what they hold): the other values are checked for
    /// syntax and limits and skipped, without values or spans. Inventory readers read a
    /// handful of fields out of about a hundred (a GitHub repository carries dozens of API
    /// URLs, a decK plugin its whole configuration), so this is most of the time and memory
    /// of loading a large export. In YAML, a collection with an anchor inside a skipped
    /// field is still built, since an alias may copy it into a kept one.
    pub keep_fields: Option<&'static [&'static str]>,
}

impl StructureLimits {
    /// SPEC 6 defaults for catalog descriptors.
    pub const DESCRIPTOR: StructureLimits = StructureLimits {
        max_depth: 64,
        max_documents: 1_000,
        max_entries: 10_000,
        max_alias_nodes: 10_000,
        max_span_depth: u32::MAX,
        keep_fields: None,
    };
    /// SPEC 6 defaults for API specs, workflows, docs and inventories.
    pub const THIRD_PARTY: StructureLimits = StructureLimits {
        max_depth: 128,
        max_documents: 1_000,
        max_entries: 1_000_000,
        max_alias_nodes: 1_000_000,
        max_span_depth: u32::MAX,
        keep_fields: None,
    };
    /// Inventory snapshots: third-party limits, spans down to the fields of an entry.
    pub const INVENTORY: StructureLimits = StructureLimits {
        max_span_depth: 4,
        ..StructureLimits::THIRD_PARTY
    };
}

/// The source location of one node: its value, and for mapping entries, its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    pub value: Span,
    pub key: Option<Span>,
}

/// JSON pointer → source span of every node of a document (aliases: the alias itself).
///
/// Built in document order while parsing: pointers are appended to one text buffer (no
/// allocation per node). Most documents are never asked for a span (a file without
/// findings), so the lookup index, a hash table of entry numbers, is built on the first
/// lookup after [`SpanMap::finish`].
///
/// Descriptors go further ([`parse_deferred`]): their spans are not recorded at all while
/// loading, only the text and the document's place in it; the first lookup parses the text
/// again, recording spans this time (the same text, mode and limits give the same spans).
/// A catalog's descriptors are loaded by the thousand and asked for a span a handful of
/// times, so this saves a span entry and a pointer string per node of every descriptor.
#[derive(Debug, Clone, Default)]
pub struct SpanMap {
    text: String,
    entries: Vec<SpanEntry>,
    finished: bool,
    index: std::sync::OnceLock<hashbrown::HashTable<u32>>,
    /// Set for spans not recorded while loading: where to rebuild them from.
    deferred: Option<std::sync::Arc<Deferred>>,
}

/// What a deferred [`SpanMap`] is rebuilt from, and the rebuilt map.
#[derive(Debug)]
struct Deferred {
    file: Box<str>,
    text: std::sync::Arc<String>,
    /// The document's index among those [`parse`] returns for the text.
    document: usize,
    mode: Mode,
    limits: StructureLimits,
    spans: std::sync::OnceLock<SpanMap>,
}

impl Deferred {
    fn spans(&self) -> &SpanMap {
        self.spans.get_or_init(|| {
            // The text parsed cleanly before (or it would not be deferred): its findings
            // were reported then.
            let mut ignored = Vec::new();
            parse_yaml(
                &self.file,
                &self.text,
                self.mode,
                self.limits,
                true,
                &mut ignored,
            )
            .into_iter()
            .nth(self.document)
            .map(|document| document.spans)
            .unwrap_or_default()
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct SpanEntry {
    start: u32,
    len: u32,
    span: NodeSpan,
}

/// The hash of a pointer: fixed (no per-process seed), so lookups are reproducible.
fn pointer_hash(pointer: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::with_seed(0x5ca1_ab1e).hash_one(pointer)
}

impl SpanMap {
    fn key(&self, entry: &SpanEntry) -> &str {
        &self.text[entry.start as usize..(entry.start + entry.len) as usize]
    }

    fn index(&self) -> &hashbrown::HashTable<u32> {
        self.index.get_or_init(|| {
            let mut table = hashbrown::HashTable::with_capacity(self.entries.len());
            for (number, entry) in self.entries.iter().enumerate() {
                let key = self.key(entry);
                let hash = pointer_hash(key);
                // A pointer recorded twice: the later entry wins, as in document order.
                match table.find_mut(hash, |&other: &u32| {
                    self.key(&self.entries[other as usize]) == key
                }) {
                    Some(slot) => *slot = number as u32,
                    None => {
                        table.insert_unique(hash, number as u32, |&other: &u32| {
                            pointer_hash(self.key(&self.entries[other as usize]))
                        });
                    }
                }
            }
            table
        })
    }

    /// The recorded spans: these, or for a deferred map the rebuilt ones.
    fn recorded(&self) -> &SpanMap {
        match &self.deferred {
            Some(deferred) => deferred.spans(),
            None => self,
        }
    }

    /// Whether the spans are rebuilt on the first lookup (see [`parse_deferred`]).
    pub fn is_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// The span of the node at `pointer`, if it was written in the source.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.recorded().get_recorded(pointer)
    }

    fn get_recorded(&self, pointer: &str) -> Option<NodeSpan> {
        if self.finished {
            let number = self.index().find(pointer_hash(pointer), |&number: &u32| {
                self.key(&self.entries[number as usize]) == pointer
            })?;
            Some(self.entries[*number as usize].span)
        } else {
            self.entries
                .iter()
                .rev()
                .find(|entry| self.key(entry) == pointer)
                .map(|entry| entry.span)
        }
    }

    /// The span of the node at `pointer`, or of its nearest ancestor written in the source
    /// (nodes produced by aliases or merge keys have no span of their own).
    pub fn locate(&self, pointer: &str) -> Option<NodeSpan> {
        let mut current = pointer;
        loop {
            if let Some(span) = self.get(current) {
                return Some(span);
            }
            current = &current[..current.rfind('/')?];
        }
    }

    /// The span to show for a finding about the node at `pointer`: its key when it is a
    /// mapping entry and `prefer_key` is set, else its value.
    pub fn span_for(&self, pointer: &str, prefer_key: bool) -> Option<Span> {
        let node = self.locate(pointer)?;
        Some(match (prefer_key, node.key) {
            (true, Some(key)) => key,
            _ => node.value,
        })
    }

    pub fn len(&self) -> usize {
        self.recorded().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recorded().entries.is_empty()
    }

    fn insert(&mut self, pointer: &str, span: NodeSpan) {
        let (Ok(start), Ok(len)) = (u32::try_from(self.text.len()), u32::try_from(pointer.len()))
        else {
            // Beyond 4 GiB of pointer text: the node stays locatable through its ancestors.
            return;
        };
        self.text.push_str(pointer);
        self.entries.push(SpanEntry { start, len, span });
        self.finished = false;
        self.index = std::sync::OnceLock::new();
    }

    /// Marks the map complete: lookups from now on go through the index.
    fn finish(&mut self) {
        self.finished = true;
    }
}

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub spans: SpanMap,
    /// Where the document starts (its `---` or first node).
    pub start: Position,
    /// Pointers of nodes the loader already reported (bad numbers, merge keys, non-string
    /// keys), so validation does not report them a second time.
    pub reported: Vec<String>,
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> Cow<'_, str> {
    // A byte test: `str::contains` with a set of characters goes through a generic searcher,
    // and this runs for every mapping key of every file.
    if segment.bytes().any(|b| b == b'~' || b == b'/') {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Parses `text` (already decoded, without BOM) into documents, pushing findings located in
/// `file`. Empty documents (a lone `---`) are skipped. On a fatal error the documents
/// completed before it are returned.
pub fn parse(
    file: &str,
    text: &str,
    mode: Mode,
    limits: StructureLimits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Document> {
    if mode == Mode::Lenient
        && looks_like_json(text)
        && let json::Outcome::Parsed(document, found) = json::parse(file, text, limits)
    {
        diagnostics.extend(found);
        return document
            .into_iter()
            .filter(|d| !d.value.is_null())
            .collect();
    }
    parse_yaml(file, text, mode, limits, true, diagnostics)
}

/// [`parse`] without recording spans: each document's [`SpanMap`] is rebuilt from `text` on
/// its first lookup. A file with findings while loading is parsed again at once with its
/// spans (its findings may point at other nodes, like a duplicate key's first entry), and so
/// is JSON read in lenient mode (its fast path records spans cheaply).
pub fn parse_deferred(
    file: &str,
    text: &std::sync::Arc<String>,
    mode: Mode,
    limits: StructureLimits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Document> {
    if mode == Mode::Lenient && looks_like_json(text) {
        return parse(file, text, mode, limits, diagnostics);
    }
    let before = diagnostics.len();
    let mut documents = parse_yaml(file, text, mode, limits, false, diagnostics);
    if diagnostics.len() > before {
        diagnostics.truncate(before);
        return parse_yaml(file, text, mode, limits, true, diagnostics);
    }
    for (index, document) in documents.iter_mut().enumerate() {
        document.spans = SpanMap {
            deferred: Some(std::sync::Arc::new(Deferred {
                file: file.into(),
                text: std::sync::Arc::clone(text),
                document: index,
                mode,
                limits,
                spans: std::sync::OnceLock::new(),
            })),
            ..SpanMap::default()
        };
    }
    documents
}

/// Whether lenient loading tries the JSON fast path first.
fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Parses YAML (not the JSON fast path), recording spans when `spans` is set.
fn parse_yaml(
    file: &str,
    text: &str,
    mode: Mode,
    limits: StructureLimits,
    spans: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Document> {
    let outcome = crate::contain_panic(|| {
        // The fast path for common block YAML; anything it does not handle (and every
        // error) goes to the full parser, from the start.
        let mut builder = Builder::new(file, text, mode, limits, spans);
        if fast::scan(text, &mut |event, span| builder.handle(event, span))
            == Err(fast::Stop::Unsupported)
        {
            builder = Builder::new(file, text, mode, limits, spans);
            builder.run();
        }
        (builder.documents, builder.diagnostics)
    });
    match outcome {
        Some((documents, found)) => {
            diagnostics.extend(found);
            documents
        }
        None => {
            diagnostics.push(
                Diagnostic::new(Code::YamlSyntax, "the YAML parser could not read this file")
                    .in_file(file)
                    .with_help("simplify the file's YAML; this input triggers a parser defect"),
            );
            Vec::new()
        }
    }
}

/// A collection being built.
enum Frame {
    Sequence {
        items: Vec<Value>,
        common: FrameCommon,
    },
    Mapping {
        entries: Map<String, Value>,
        /// The key read and waiting for its value: the key and its span.
        pending_key: Option<(String, Span)>,
        /// Merge sources (`<<`) applied when the mapping ends (lenient mode).
        merges: Vec<Value>,
        common: FrameCommon,
    },
}

struct FrameCommon {
    anchor: usize,
    start: Span,
    /// Length of the pointer buffer for this collection's own pointer.
    pointer_len: usize,
    /// End of the last child, for block collections whose end event has an empty span.
    last_end: Position,
    /// Node counter when the collection started (to size anchors).
    nodes_at_start: u64,
    /// Whether children are dropped instead of stored: inside a field pruned by
    /// `keep_fields` (see [`Slot::Skip`]), except below an anchor, whose value an alias may
    /// copy into a kept field.
    hollow: bool,
    /// Where this collection's value goes when it ends.
    slot: Slot,
}

/// Where a completed node is stored.
#[derive(Clone)]
enum Slot {
    /// The document root.
    Root,
    /// Appended to the parent sequence.
    Item,
    /// The value of the parent mapping's pending key.
    Value { key_span: Span },
    /// Discarded (a duplicate key's value, a rejected merge); spans are not recorded.
    Discard,
    /// A merge source (`<<`) of the parent mapping.
    Merge,
    /// A mapping key that is not a scalar; reported and discarded.
    ComplexKey,
    /// A field no reader looks at (`keep_fields`): checked for syntax and limits, neither
    /// stored nor located.
    Skip,
}

struct Fatal;

struct Builder<'t> {
    file: &'t str,
    text: &'t str,
    mode: Mode,
    limits: StructureLimits,
    /// Whether spans are recorded (see [`parse_deferred`]).
    record_spans: bool,
    documents: Vec<Document>,
    diagnostics: Vec<Diagnostic>,
    // State of the current document.
    frames: Vec<Frame>,
    pointer: String,
    spans: SpanMap,
    reported: Vec<String>,
    anchors: HashMap<usize, (Value, u64)>,
    nodes: u64,
    alias_nodes: u64,
    root: Option<Value>,
    document_start: Position,
    discard_depth: usize,
    document_count: u32,
}

impl<'t> Builder<'t> {
    fn new(
        file: &'t str,
        text: &'t str,
        mode: Mode,
        limits: StructureLimits,
        record_spans: bool,
    ) -> Self {
        Builder {
            file,
            text,
            mode,
            limits,
            record_spans,
            documents: Vec::new(),
            diagnostics: Vec::new(),
            frames: Vec::new(),
            pointer: String::new(),
            spans: SpanMap::default(),
            reported: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
            root: None,
            document_start: Position::START,
            discard_depth: 0,
            document_count: 0,
        }
    }

    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, span) = match parser.next_event() {
                None => return,
                Some(Ok(next)) => next,
                Some(Err(error)) => {
                    let at = position(
                        error.marker().line(),
                        error.marker().col(),
                        error.marker().index(),
                    );
                    let (code, message) = describe_scan_error(error.info(), self.limits.max_depth);
                    let mut diagnostic =
                        Diagnostic::new(code, message).at(self.file, Span::point(at));
                    // An error inside an open flow collection that is about its end, or
                    // that comes on a later line, is an unclosed bracket: show the bracket.
                    if let Some((opener, is_list)) = self.open_flow_collection()
                        && (error.info().contains("while parsing a flow")
                            || at.line > opener.start.line)
                    {
                        let what = if is_list {
                            "flow list `[`"
                        } else {
                            "flow mapping `{`"
                        };
                        diagnostic =
                            Diagnostic::new(Code::YamlSyntax, format!("this {what} is not closed"))
                                .at(self.file, opener)
                                .with_related(
                                    self.file,
                                    Some(Span::point(at)),
                                    "expected `,` or a closing bracket here",
                                )
                                .with_help(
                                    "close it, or quote the value if the bracket is meant as text",
                                );
                    }
                    self.diagnostics.push(diagnostic);
                    return;
                }
            };
            if !self.handle(event, span) {
                return;
            }
        }
    }

    /// Builds from one event; `false` when the document cannot go on (a limit was reached or
    /// the stream ended).
    fn handle(&mut self, event: Event<'_>, span: YamlSpan) -> bool {
        let result = match event {
            Event::StreamEnd => return false,
            Event::StreamStart | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.document_count += 1;
                if self.document_count > self.limits.max_documents {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::YamlLimits,
                            format!(
                                "this file holds more than {} YAML documents",
                                self.limits.max_documents
                            ),
                        )
                        .at(self.file, convert(span))
                        .with_help(
                            "split the file, or raise `limits.maxDocuments` in catalog.yaml",
                        ),
                    );
                    return false;
                }
                self.begin_document(span);
                Ok(())
            }
            Event::DocumentEnd => {
                self.end_document();
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.as_deref(), span)
            }
            Event::Alias(id) => self.alias(id, span),
            Event::SequenceStart(anchor, tag) => {
                self.start_collection(true, anchor, tag.as_deref(), span)
            }
            Event::MappingStart(anchor, tag) => {
                self.start_collection(false, anchor, tag.as_deref(), span)
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(span),
        };
        result.is_ok()
    }

    /// The opening bracket of the innermost open flow collection (`[` or `{`), if any, and
    /// whether it is a list.
    fn open_flow_collection(&self) -> Option<(Span, bool)> {
        let (common, is_list) = match self.frames.last()? {
            Frame::Sequence { common, .. } => (common, true),
            Frame::Mapping { common, .. } => (common, false),
        };
        (common.start.end.offset > common.start.start.offset).then_some((common.start, is_list))
    }

    fn begin_document(&mut self, span: YamlSpan) {
        self.frames.clear();
        self.pointer.clear();
        self.spans = SpanMap::default();
        self.reported = Vec::new();
        self.anchors.clear();
        self.nodes = 0;
        self.alias_nodes = 0;
        self.root = None;
        self.discard_depth = 0;
        self.document_start = convert(span).start;
    }

    fn end_document(&mut self) {
        let Some(value) = self.root.take() else {
            return;
        };
        if value.is_null() {
            // A lone `---` or an empty document: nothing to describe.
            return;
        }
        let mut spans = std::mem::take(&mut self.spans);
        spans.finish();
        self.documents.push(Document {
            value,
            spans,
            start: self.document_start,
            reported: std::mem::take(&mut self.reported),
        });
    }

    /// Decides where the next node goes and extends the pointer buffer for it. Returns the
    /// slot and the pointer length before the extension (to restore afterwards).
    fn open_node(&mut self) -> (Slot, usize) {
        let before = self.pointer.len();
        let slot = match self.frames.last() {
            None => Slot::Root,
            Some(Frame::Sequence { items, .. }) => {
                // Writing to a String cannot fail.
                let _ = write!(self.pointer, "/{}", items.len());
                Slot::Item
            }
            Some(Frame::Mapping {
                pending_key: None, ..
            }) => Slot::ComplexKey,
            Some(Frame::Mapping {
                pending_key: Some((key, key_span)),
                entries,
                ..
            }) => {
                let key_span = *key_span;
                if key == "<<" && self.is_merge_key(key_span) {
                    Slot::Merge
                } else if self.frames.len() >= 3
                    && self
                        .limits
                        .keep_fields
                        .is_some_and(|keep| !keep.contains(&key.as_str()))
                {
                    Slot::Skip
                } else if entries.contains_key(key.as_str()) {
                    Slot::Discard
                } else {
                    self.pointer.push('/');
                    self.pointer.push_str(&escape_pointer_segment(key));
                    Slot::Value { key_span }
                }
            }
        };
        (slot, before)
    }

    /// Whether the pending `<<` key was written plain (a quoted `"<<"` is an ordinary key).
    fn is_merge_key(&self, key_span: Span) -> bool {
        let start = key_span.start.offset as usize;
        let end = key_span.end.offset as usize;
        end == start + 2
    }

    fn record_span(&mut self, slot: &Slot, value: Span) {
        if !self.record_spans
            || self.discard_depth > 0
            || self.frames.len() as u32 > self.limits.max_span_depth
        {
            return;
        }
        let key = match slot {
            Slot::Value { key_span } => Some(*key_span),
            Slot::Root | Slot::Item => None,
            Slot::Discard | Slot::Merge | Slot::ComplexKey | Slot::Skip => return,
        };
        self.spans.insert(&self.pointer, NodeSpan { value, key });
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: YamlSpan,
    ) -> Result<(), Fatal> {
        let span = convert(span);
        // A scalar directly inside a mapping with no pending key is a key.
        if let Some(Frame::Mapping {
            pending_key: None, ..
        }) = self.frames.last()
        {
            let key = self.key_text(text, style, tag, span);
            if anchor > 0 {
                self.anchors.insert(anchor, (Value::String(key.clone()), 1));
            }
            if let Some(Frame::Mapping { pending_key, .. }) = self.frames.last_mut() {
                *pending_key = Some((key, span));
            }
            return Ok(());
        }
        let (slot, before) = self.open_node();
        let value = self.scalar_value(text, style, tag, span);
        self.nodes += 1;
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), 1));
        }
        self.record_span(&slot, span);
        self.place(slot, value, span)?;
        self.pointer.truncate(before);
        Ok(())
    }

    /// The string a scalar key stands for; strict mode reports keys that are not strings.
    fn key_text(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> String {
        if self.mode == Mode::Strict {
            let resolved = match (style, tag) {
                (_, Some(tag)) => self
                    .check_tag(tag, span)
                    .map(|core| resolve_tagged(text, core).unwrap_or(Value::Null)),
                (ScalarStyle::Plain, None) => Some(resolve_plain(text).unwrap_or(Value::Null)),
                _ => Some(Value::String(text.to_owned())),
            };
            if let Some(resolved) = resolved
                && !resolved.is_string()
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::SchemaViolation,
                        format!(
                            "mapping keys must be strings, found {} {}",
                            json_type_noun(&resolved),
                            quote(text)
                        ),
                    )
                    .at(self.file, span)
                    .with_help(format!(
                        "quote the key (`\"{text}\":`) if it is meant as text"
                    )),
                );
            }
        }
        text.to_owned()
    }

    /// Checks a tag against the core schema. Returns the core tag when it is one; in strict
    /// mode anything else is reported.
    fn check_tag(&mut self, tag: &Tag, span: Span) -> Option<CoreTag> {
        let core = if tag.is_yaml_core_schema() {
            CoreTag::from_suffix(&tag.suffix)
        } else {
            None
        };
        // `!` alone is the non-specific tag: it only forces a string.
        let non_specific = (tag.handle == "!" && tag.suffix.is_empty())
            || (tag.handle.is_empty() && tag.suffix == "!");
        if core.is_none() && !non_specific && self.mode == Mode::Strict {
            self.reported.push(self.pointer.clone());
            self.diagnostics.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!(
                        "the YAML tag `{}` is not allowed in catalog descriptors",
                        tag_text(tag)
                    ),
                )
                .at(self.file, span)
                .with_help("descriptors use plain YAML values; remove the tag"),
            );
        }
        if non_specific {
            return Some(CoreTag::Str);
        }
        core
    }

    fn scalar_value(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value {
        let resolved = match (tag, style) {
            (Some(tag), _) => match self.check_tag(tag, span) {
                Some(core) => resolve_tagged(text, core),
                None => Ok(Value::String(text.to_owned())),
            },
            (None, ScalarStyle::Plain) => resolve_plain(text),
            (None, _) => Ok(Value::String(text.to_owned())),
        };
        match resolved {
            Ok(value) => value,
            Err(problem) => {
                let (code, message, help) = match problem {
                    ScalarProblem::NotFinite => (
                        Code::YamlLimits,
                        format!(
                            "{} is not a finite number, and catalogs hold only finite numbers",
                            quote(text)
                        ),
                        "quote the value if it is meant as text".to_owned(),
                    ),
                    ScalarProblem::OutOfRange => (
                        Code::YamlLimits,
                        format!("the number {} does not fit in 64 bits", quote(text)),
                        "quote the value if it is meant as text".to_owned(),
                    ),
                    ScalarProblem::BadTaggedValue(what) => (
                        Code::SchemaViolation,
                        format!("{} is not a valid {what}", quote(text)),
                        "remove the tag or fix the value".to_owned(),
                    ),
                };
                if self.mode == Mode::Strict {
                    self.reported.push(self.pointer.clone());
                    self.diagnostics.push(
                        Diagnostic::new(code, message)
                            .at(self.file, span)
                            .with_pointer(self.pointer.clone())
                            .with_help(help),
                    );
                    Value::Null
                } else {
                    // Third-party files: keep what JSON can hold.
                    Value::String(text.to_owned())
                }
            }
        }
    }

    fn alias(&mut self, id: usize, span: YamlSpan) -> Result<(), Fatal> {
        let span = convert(span);
        if let Some(Frame::Mapping {
            pending_key: None, ..
        }) = self.frames.last()
        {
            // An alias used as a key: allowed only when it names a string.
            let key = match self.anchors.get(&id) {
                Some((Value::String(s), _)) => s.clone(),
                _ => {
                    return self.fatal(
                        Code::YamlSyntax,
                        "an alias used as a mapping key must name a string".to_owned(),
                        span,
                    );
                }
            };
            if let Some(Frame::Mapping { pending_key, .. }) = self.frames.last_mut() {
                *pending_key = Some((key, span));
            }
            return Ok(());
        }
        let Some((value, size)) = self.anchors.get(&id).cloned() else {
            return self.fatal(
                Code::YamlSyntax,
                "this alias refers to a node that contains it (a recursive alias)".to_owned(),
                span,
            );
        };
        self.alias_nodes += size;
        if self.alias_nodes > self.limits.max_alias_nodes {
            return self.fatal(
                Code::YamlLimits,
                format!(
                    "aliases in this document expand to more than {} nodes",
                    self.limits.max_alias_nodes
                ),
                span,
            );
        }
        self.nodes += size;
        let (slot, before) = self.open_node();
        self.record_span(&slot, span);
        self.place(slot, value, span)?;
        self.pointer.truncate(before);
        Ok(())
    }

    fn start_collection(
        &mut self,
        is_sequence: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: YamlSpan,
    ) -> Result<(), Fatal> {
        let span = convert(span);
        if self.frames.len() as u32 >= self.limits.max_depth {
            return self.fatal(
                Code::YamlLimits,
                format!("nesting is deeper than {} levels", self.limits.max_depth),
                span,
            );
        }
        if let Some(tag) = tag {
            let core = self.check_tag(tag, span);
            let expected = if is_sequence {
                CoreTag::Seq
            } else {
                CoreTag::Map
            };
            if core.is_some_and(|core| core != expected) && self.mode == Mode::Strict {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::SchemaViolation,
                        format!(
                            "the tag `{tag}` does not fit a {}",
                            if is_sequence { "list" } else { "mapping" }
                        ),
                    )
                    .at(self.file, span),
                );
            }
        }
        let (slot, before) = self.open_node();
        if matches!(slot, Slot::ComplexKey) {
            return self.fatal(
                Code::YamlSyntax,
                "mapping keys must be plain values, not lists or mappings".to_owned(),
                span,
            );
        }
        if matches!(slot, Slot::Discard | Slot::Merge | Slot::Skip) {
            self.discard_depth += 1;
        }
        let hollow = anchor == 0 && (matches!(slot, Slot::Skip) || self.parent_is_hollow());
        self.nodes += 1;
        let common = FrameCommon {
            anchor,
            start: span,
            pointer_len: before,
            last_end: span.end,
            nodes_at_start: self.nodes,
            hollow,
            slot,
        };
        self.frames.push(if is_sequence {
            Frame::Sequence {
                items: Vec::new(),
                common,
            }
        } else {
            Frame::Mapping {
                entries: Map::new(),
                pending_key: None,
                merges: Vec::new(),
                common,
            }
        });
        Ok(())
    }

    fn end_collection(&mut self, end_span: YamlSpan) -> Result<(), Fatal> {
        let end_span = convert(end_span);
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let (value, common) = match frame {
            Frame::Sequence { items, common } => (Value::Array(items), common),
            Frame::Mapping {
                mut entries,
                merges,
                common,
                ..
            } => {
                for source in merges {
                    merge_into(&mut entries, source);
                }
                (Value::Object(entries), common)
            }
        };
        let end = if end_span.end.offset > end_span.start.offset {
            end_span.end
        } else {
            common.last_end
        };
        let span = Span::new(common.start.start, end);
        if common.anchor > 0 {
            let size = self.nodes - common.nodes_at_start + 1;
            self.anchors.insert(common.anchor, (value.clone(), size));
        }
        self.record_span(&common.slot, span);
        if matches!(common.slot, Slot::Discard | Slot::Merge | Slot::Skip) {
            self.discard_depth = self.discard_depth.saturating_sub(1);
        }
        let slot = common.slot.clone();
        self.place(slot, value, span)?;
        self.pointer.truncate(common.pointer_len);
        Ok(())
    }

    /// Whether the innermost open collection drops its children (see `FrameCommon::hollow`).
    fn parent_is_hollow(&self) -> bool {
        match self.frames.last() {
            Some(Frame::Sequence { common, .. } | Frame::Mapping { common, .. }) => common.hollow,
            None => false,
        }
    }

    /// Stores a completed node where `slot` says, enforcing the entry limit.
    fn place(&mut self, slot: Slot, value: Value, span: Span) -> Result<(), Fatal> {
        let max_entries = self.limits.max_entries as usize;
        let mode = self.mode;
        let file = self.file;
        match slot {
            Slot::Root => {
                self.root = Some(value);
                return Ok(());
            }
            Slot::ComplexKey => return Ok(()),
            _ => {}
        }
        if matches!(slot, Slot::Skip) || self.parent_is_hollow() {
            // Pruned: only the parent's bookkeeping (its pending key, where it ends).
            match self.frames.last_mut() {
                Some(Frame::Sequence { common, .. }) => common.last_end = span.end,
                Some(Frame::Mapping {
                    pending_key,
                    common,
                    ..
                }) => {
                    pending_key.take();
                    common.last_end = span.end;
                }
                None => {}
            }
            return Ok(());
        }
        let mut too_many = false;
        let mut duplicate: Option<(String, Span)> = None;
        let mut merge_rejected = None;
        match self.frames.last_mut() {
            Some(Frame::Sequence { items, common }) => {
                if items.len() >= max_entries {
                    too_many = true;
                } else {
                    items.push(value);
                    common.last_end = span.end;
                }
            }
            Some(Frame::Mapping {
                entries,
                pending_key,
                merges,
                common,
            }) => {
                let (key, key_span) = pending_key.take().unwrap_or_default();
                common.last_end = span.end;
                match slot {
                    Slot::Merge if mode == Mode::Lenient => merges.push(value),
                    Slot::Merge => merge_rejected = Some(key_span),
                    Slot::Discard => duplicate = Some((key, key_span)),
                    _ => {
                        if entries.len() >= max_entries {
                            too_many = true;
                        } else {
                            entries.insert(key, value);
                        }
                    }
                }
            }
            None => {}
        }
        if too_many {
            return self.fatal(
                Code::YamlLimits,
                format!("a list or mapping here has more than {max_entries} entries"),
                span,
            );
        }
        if let Some(key_span) = merge_rejected {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    "merge keys (`<<`) are not allowed in catalog descriptors",
                )
                .at(file, key_span)
                .with_help("write the keys out instead of merging them"),
            );
        }
        if let Some((key, key_span)) = duplicate {
            let mut first_pointer = self.pointer.clone();
            first_pointer.push('/');
            first_pointer.push_str(&escape_pointer_segment(&key));
            let first = self.spans.get(&first_pointer).and_then(|s| s.key);
            let mut diagnostic = Diagnostic::new(
                Code::DuplicateKey,
                format!("the key {} appears twice in this mapping", quote(&key)),
            )
            .at(file, key_span)
            .with_pointer(first_pointer)
            .with_help("remove one of the two entries; catalogc keeps the first");
            if let Some(first) = first {
                diagnostic = diagnostic.with_related(file, Some(first), "first defined here");
            }
            self.diagnostics.push(diagnostic);
        }
        Ok(())
    }

    fn fatal(&mut self, code: Code, message: String, span: Span) -> Result<(), Fatal> {
        self.diagnostics.push(
            Diagnostic::new(code, message)
                .at(self.file, span)
                .with_help(match code {
                    Code::YamlLimits => {
                        "see `catalogc explain yaml-limits` for the limits and how to raise them"
                    }
                    _ => "fix the YAML at this position",
                }),
        );
        Err(Fatal)
    }
}

/// Applies a merge source (a mapping, or a list of mappings) without overriding keys.
fn merge_into(entries: &mut Map<String, Value>, source: Value) {
    match source {
        Value::Object(map) => {
            for (key, value) in map {
                entries.entry(key).or_insert(value);
            }
        }
        Value::Array(items) => {
            for item in items {
                if let Value::Object(map) = item {
                    for (key, value) in map {
                        entries.entry(key).or_insert(value);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A tag as it is usually written: `!!binary`, `!custom`.
fn tag_text(tag: &Tag) -> String {
    let text = if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    };
    catalogc_diagnostics::sanitize(&text)
}

fn json_type_noun(value: &Value) -> &'static str {
    match value {
        Value::Null => "the null value",
        Value::Bool(_) => "the boolean",
        Value::Number(_) => "the number",
        Value::String(_) => "the string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn position(line: usize, col: usize, index: usize) -> Position {
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX).max(1),
        column: u32::try_from(col + 1).unwrap_or(u32::MAX),
        offset: u32::try_from(index).unwrap_or(u32::MAX),
    }
}

fn convert(span: YamlSpan) -> Span {
    Span::new(
        position(span.start.line(), span.start.col(), span.start.index()),
        position(span.end.line(), span.end.col(), span.end.index()),
    )
}

/// Rewords the parser's messages into plain words where they are cryptic.
fn describe_scan_error(info: &str, max_depth: u32) -> (Code, String) {
    let lower = info.to_ascii_lowercase();
    if lower.contains("recursion limit") {
        // The scanner's own nesting guard fired before ours.
        return (
            Code::YamlLimits,
            format!("nesting is deeper than {max_depth} levels"),
        );
    }
    let message = if lower.contains("tab") {
        "tabs are not allowed for indentation in YAML; indent with spaces".to_owned()
    } else if lower.contains("did not find expected ',' or ']'")
        || lower.contains("while parsing a flow sequence")
    {
        "this flow list `[` is not closed".to_owned()
    } else if lower.contains("did not find expected ',' or '}'")
        || lower.contains("while parsing a flow mapping")
    {
        "this flow mapping `{` is not closed".to_owned()
    } else if lower.contains("unknown anchor") {
        "this alias names an anchor that is not defined before it".to_owned()
    } else {
        format!("invalid YAML: {info}")
    };
    (Code::YamlSyntax, message)
}

#[cfg(test)]
mod tests;
