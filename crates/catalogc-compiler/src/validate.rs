//! Schema validation with findings in plain words, located at the exact node.
//!
//! Validators are compiled once per run ([`Schemas`]) and shared across threads. Each
//! `jsonschema` error is mapped back to source through the document's span map:
//! an unknown key points at the key, a missing key at its enclosing mapping, a wrong value at
//! the value. Messages describe what was expected using the schema itself ("`tier` must be an
//! integer from 1 to 4, found `one`"), never a validator dump.

use std::collections::HashSet;

use catalogc_diagnostics::{Code, Diagnostic, quote};
use catalogc_model::{Kind, builtin_matcher, pattern_words, schema};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{Map, Value};

use crate::suggest::did_you_mean;
use crate::yaml::{Document, escape_pointer_segment};

/// Findings reported per document at most, so one broken file cannot flood a report.
const MAX_FINDINGS_PER_DOCUMENT: usize = 50;

/// A compiled schema and the JSON it was compiled from (used to describe expectations).
pub struct CompiledSchema {
    pub validator: Validator,
    pub schema: Value,
}

impl CompiledSchema {
    /// Compiles a catalogc kind's built-in schema.
    pub fn builtin(kind: Kind) -> CompiledSchema {
        let schema = schema::schema_of(kind);
        // The built-in schemas come from our own types; a compile failure is a defect
        // that the schema tests catch before release.
        #[allow(clippy::expect_used)]
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_keyword("pattern", builtin_pattern)
            .build(&schema)
            .expect("built-in schemas compile");
        CompiledSchema { validator, schema }
    }
}

/// The `pattern` keyword of the built-in schemas, matched by hand
/// ([`catalogc_model::builtin_matcher`]) instead of compiling a regex in every run. A pattern
/// without a matcher fails the schema's compile, which the schema tests would catch.
fn builtin_pattern<'a>(
    _schema: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let pattern = value
        .as_str()
        .ok_or_else(|| ValidationError::schema("`pattern` must be a string"))?;
    let matches = builtin_matcher(pattern).ok_or_else(|| {
        ValidationError::schema(format!("no matcher for the built-in pattern `{pattern}`"))
    })?;
    Ok(Box::new(BuiltinPattern {
        pattern: pattern.to_owned(),
        matches,
    }))
}

struct BuiltinPattern {
    pattern: String,
    matches: fn(&str) -> bool,
}

impl<'i> Keyword<'i> for BuiltinPattern {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            // The message is the pattern: findings describe it in words (`pattern_words`).
            Err(ValidationError::custom(self.pattern.clone()))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance.as_str().is_none_or(self.matches)
    }
}

/// The validators of the descriptor kinds read from catalog files, compiled once per run.
/// (The catalog's own schema is compiled only when there is a `catalog.yaml`.)
pub struct Schemas {
    pub service: CompiledSchema,
    pub team: CompiledSchema,
    pub scorecard: CompiledSchema,
}

impl Schemas {
    pub fn compile() -> Schemas {
        Schemas {
            service: CompiledSchema::builtin(Kind::Service),
            team: CompiledSchema::builtin(Kind::Team),
            scorecard: CompiledSchema::builtin(Kind::Scorecard),
        }
    }

    /// The schema of a kind found in descriptor files (`None` for `Catalog`).
    pub fn of(&self, kind: Kind) -> Option<&CompiledSchema> {
        match kind {
            Kind::Service => Some(&self.service),
            Kind::Team => Some(&self.team),
            Kind::Scorecard => Some(&self.scorecard),
            Kind::Catalog => None,
        }
    }
}

/// Validates `document` against `schema`, pushing located findings. `subject` names the
/// document's root in messages ("this service"); `origin` is added as help to every finding
/// (used for the organisation's extension schema). Returns whether the document is valid.
pub fn validate(
    file: &str,
    document: &Document,
    schema: &CompiledSchema,
    subject: &str,
    origin: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    if schema.validator.is_valid(&document.value) {
        return true;
    }
    let reported: HashSet<&str> = document.reported.iter().map(String::as_str).collect();
    let context = Context {
        file,
        document,
        root_schema: &schema.schema,
        subject,
    };
    let mut found = Vec::new();
    for error in schema.validator.iter_errors(&document.value) {
        context.describe(&error, &mut found);
        if found.len() >= MAX_FINDINGS_PER_DOCUMENT {
            break;
        }
    }
    for mut diagnostic in found {
        if diagnostic
            .pointer
            .as_deref()
            .is_some_and(|p| reported.contains(p))
        {
            continue;
        }
        if let Some(origin) = origin {
            diagnostic.help = Some(match diagnostic.help.take() {
                Some(help) => format!("{help}; required by {origin}"),
                None => format!("required by {origin}"),
            });
        }
        diagnostics.push(diagnostic);
    }
    false
}

struct Context<'a> {
    file: &'a str,
    document: &'a Document,
    root_schema: &'a Value,
    subject: &'a str,
}

impl Context<'_> {
    fn describe(&self, error: &ValidationError<'_>, out: &mut Vec<Diagnostic>) {
        let pointer = error.instance_path().as_str().to_owned();
        let instance = error.instance();
        let keyword_path = error.schema_path().as_str().to_owned();
        // The schema object holding the failing keyword.
        let holder = self.schema_at(parent_pointer(&keyword_path));
        let field = self.field_name(&pointer);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let known: Vec<&str> = holder
                    .and_then(|h| h.get("properties"))
                    .and_then(Value::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let key_pointer = format!("{pointer}/{}", escape_pointer_segment(key));
                    let mut diagnostic = Diagnostic::new(
                        Code::SchemaViolation,
                        format!(
                            "unknown key {} in {}",
                            quote(key),
                            self.place_name(&pointer)
                        ),
                    );
                    diagnostic = self.locate(diagnostic, &key_pointer, true);
                    let help = match did_you_mean(key, known.iter().copied()) {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None if known.is_empty() => "remove this key".to_owned(),
                        None => format!("allowed keys here: {}", list_words(&known, "and")),
                    };
                    out.push(diagnostic.with_help(help));
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let description = holder
                    .and_then(|h| h.get("properties"))
                    .and_then(|p| p.get(name))
                    .and_then(|p| self.description_of(p));
                let mut diagnostic = Diagnostic::new(
                    Code::SchemaViolation,
                    format!(
                        "{} is missing the required key {}",
                        self.place_name(&pointer),
                        quote(name)
                    ),
                );
                diagnostic = self.locate(diagnostic, &pointer, false);
                if let Some(description) = description {
                    diagnostic = diagnostic.with_help(format!("add `{name}`: {description}"));
                }
                out.push(diagnostic);
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                // Report the alternative that matches the value's type, when there is one.
                let matching: Vec<&Vec<ValidationError<'static>>> = context
                    .iter()
                    .filter(|branch| {
                        !branch.iter().any(|e| {
                            e.instance_path().as_str() == pointer
                                && matches!(e.kind(), ValidationErrorKind::Type { .. })
                        })
                    })
                    .collect();
                let alternatives = holder
                    .and_then(|h| h.get("anyOf").or_else(|| h.get("oneOf")))
                    .and_then(Value::as_array);
                let constants: Option<Vec<&Value>> = alternatives
                    .and_then(|list| list.iter().map(|s| self.resolve(s).get("const")).collect());
                if let Some(constants) = constants {
                    // An enumeration written as `oneOf` of documented constants.
                    let words: Vec<String> = constants.iter().map(|c| literal(c)).collect();
                    let names: Vec<&str> = constants.iter().filter_map(|c| c.as_str()).collect();
                    let mut diagnostic = self.value_problem(
                        &pointer,
                        format!(
                            "{field} must be {}, found {}",
                            one_of(&words),
                            found(instance)
                        ),
                        None,
                    );
                    if let Some(s) = instance
                        .as_str()
                        .and_then(|s| did_you_mean(s, names.iter().copied()))
                    {
                        diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
                    }
                    out.push(diagnostic);
                } else if matching.len() == 1 {
                    for nested in matching[0] {
                        self.describe(nested, out);
                    }
                } else {
                    let alternatives = holder
                        .and_then(|h| h.get("anyOf").or_else(|| h.get("oneOf")))
                        .and_then(Value::as_array)
                        .map(|list| {
                            let words: Vec<String> =
                                list.iter().map(|s| self.expected(s)).collect();
                            words.join(", or ")
                        })
                        .unwrap_or_else(|| "a different value".to_owned());
                    out.push(self.value_problem(
                        &pointer,
                        format!("{field} must be {alternatives}, found {}", found(instance)),
                        None,
                    ));
                }
            }
            ValidationErrorKind::Enum { options } => {
                let words: Vec<String> = options
                    .as_array()
                    .map(|o| o.iter().map(literal).collect())
                    .unwrap_or_default();
                let names: Vec<&str> = options
                    .as_array()
                    .map(|o| o.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let help = instance
                    .as_str()
                    .and_then(|s| did_you_mean(s, names.iter().copied()))
                    .map(|s| format!("did you mean `{s}`?"));
                // An enum on property names (e.g. `rules:` codes) is about the key.
                let on_key = keyword_path.contains("/propertyNames/");
                let message = if on_key {
                    format!(
                        "{} is not a known name here; expected {}",
                        found(instance),
                        one_of(&words)
                    )
                } else {
                    format!(
                        "{field} must be {}, found {}",
                        one_of(&words),
                        found(instance)
                    )
                };
                let mut diagnostic = Diagnostic::new(Code::SchemaViolation, message);
                diagnostic = if on_key {
                    self.locate_key(diagnostic, &pointer, instance)
                } else {
                    self.locate(diagnostic, &pointer, false)
                };
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                out.push(diagnostic);
            }
            ValidationErrorKind::PropertyNames { error } => {
                let key = error.instance();
                let reason = match error.kind() {
                    ValidationErrorKind::Pattern { pattern }
                    | ValidationErrorKind::Custom {
                        message: pattern, ..
                    } => pattern_words(pattern)
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("text matching `{pattern}`")),
                    ValidationErrorKind::Enum { options } => one_of(
                        &options
                            .as_array()
                            .map(|o| o.iter().map(literal).collect::<Vec<_>>())
                            .unwrap_or_default(),
                    ),
                    _ => "a valid key".to_owned(),
                };
                let names: Vec<&str> = match error.kind() {
                    ValidationErrorKind::Enum { options } => options
                        .as_array()
                        .map(|o| o.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let mut diagnostic = Diagnostic::new(
                    Code::SchemaViolation,
                    format!("the key {} in {field} must be {reason}", found(key)),
                );
                diagnostic = self.locate_key(diagnostic, &pointer, key);
                if let Some(s) = key
                    .as_str()
                    .and_then(|k| did_you_mean(k, names.iter().copied()))
                {
                    diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
                }
                out.push(diagnostic);
            }
            ValidationErrorKind::Type { kind } => {
                let expected = holder
                    .map(|h| self.expected(h))
                    .unwrap_or_else(|| type_words(kind));
                let help = if instance.is_null() {
                    Some("give it a value, or remove the key".to_owned())
                } else if instance.is_number() && expected.contains("string") {
                    Some("quote the value to make it text".to_owned())
                } else {
                    None
                };
                out.push(self.value_problem(
                    &pointer,
                    format!("{field} must be {expected}, found {}", found(instance)),
                    help,
                ));
            }
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. }
            | ValidationErrorKind::MultipleOf { .. }
            | ValidationErrorKind::Pattern { .. }
            | ValidationErrorKind::Custom { .. }
            | ValidationErrorKind::Format { .. }
            | ValidationErrorKind::Constant { .. } => {
                let expected = holder
                    .map(|h| self.expected(h))
                    .unwrap_or_else(|| "a different value".to_owned());
                out.push(self.value_problem(
                    &pointer,
                    format!("{field} must be {expected}, found {}", found(instance)),
                    None,
                ));
            }
            ValidationErrorKind::MinLength { limit } => out.push(self.value_problem(
                &pointer,
                if *limit == 1 {
                    format!("{field} must not be empty")
                } else {
                    format!("{field} must be at least {limit} characters long")
                },
                None,
            )),
            ValidationErrorKind::MaxLength { limit } => out.push(self.value_problem(
                &pointer,
                format!(
                    "{field} is {} characters long; at most {limit} are allowed",
                    instance.as_str().map_or(0, |s| s.chars().count())
                ),
                None,
            )),
            ValidationErrorKind::MinItems { limit } => out.push(self.value_problem(
                &pointer,
                if *limit == 1 {
                    format!("{field} must list at least one entry")
                } else {
                    format!("{field} must list at least {limit} entries")
                },
                None,
            )),
            ValidationErrorKind::MaxItems { limit } => out.push(self.value_problem(
                &pointer,
                format!("{field} may list at most {limit} entries"),
                None,
            )),
            ValidationErrorKind::MinProperties { limit } => out.push(self.value_problem(
                &pointer,
                format!("{field} must have at least {limit} keys"),
                None,
            )),
            ValidationErrorKind::MaxProperties { limit } => out.push(self.value_problem(
                &pointer,
                format!("{field} may have at most {limit} keys"),
                None,
            )),
            ValidationErrorKind::UniqueItems => {
                let (first, second) = first_duplicate(instance).unwrap_or((0, 0));
                let item_pointer = format!("{pointer}/{second}");
                let shown = instance
                    .get(second)
                    .map(found)
                    .unwrap_or_else(|| "an entry".to_owned());
                let mut diagnostic = Diagnostic::new(
                    Code::SchemaViolation,
                    format!("{field} lists {shown} more than once"),
                );
                diagnostic = self.locate(diagnostic, &item_pointer, false);
                let first_span = self
                    .document
                    .spans
                    .span_for(&format!("{pointer}/{first}"), false);
                out.push(
                    diagnostic
                        .with_related(self.file, first_span, "first listed here")
                        .with_help("remove the repeated entry"),
                );
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => out.push(self.value_problem(
                &pointer,
                format!("{field} matches more than one allowed form; use exactly one"),
                holder.map(|h| format!("expected {}", self.expected(h))),
            )),
            ValidationErrorKind::Not { .. } => out.push(self.value_problem(
                &pointer,
                format!("{field} has a value that is not allowed here"),
                None,
            )),
            ValidationErrorKind::FalseSchema => out.push(self.value_problem(
                &pointer,
                format!("{field} is not allowed here"),
                Some("remove it".to_owned()),
            )),
            ValidationErrorKind::Contains => out.push(self.value_problem(
                &pointer,
                format!("{field} must contain an entry matching the schema"),
                None,
            )),
            other => out.push(self.value_problem(
                &pointer,
                format!(
                    "{field} is invalid: {}",
                    catalogc_diagnostics::sanitize(&format!("{other:?}"))
                ),
                None,
            )),
        }
    }

    /// A finding about the value at `pointer`.
    fn value_problem(&self, pointer: &str, message: String, help: Option<String>) -> Diagnostic {
        let diagnostic = self.locate(
            Diagnostic::new(Code::SchemaViolation, message),
            pointer,
            false,
        );
        match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }

    fn locate(&self, diagnostic: Diagnostic, pointer: &str, prefer_key: bool) -> Diagnostic {
        let span = self
            .document
            .spans
            .span_for(pointer, prefer_key)
            .unwrap_or(catalogc_diagnostics::Span::point(self.document.start));
        diagnostic.at(self.file, span).with_pointer(pointer)
    }

    /// Locates a finding about a key (`propertyNames`) of the mapping at `pointer`.
    fn locate_key(&self, diagnostic: Diagnostic, pointer: &str, key: &Value) -> Diagnostic {
        match key.as_str() {
            Some(key) => {
                let key_pointer = format!("{pointer}/{}", escape_pointer_segment(key));
                self.locate(diagnostic, &key_pointer, true)
            }
            None => self.locate(diagnostic, pointer, false),
        }
    }

    /// `tier`, `links[0].url`; the document root is the subject ("this service").
    fn field_name(&self, pointer: &str) -> String {
        if pointer.is_empty() {
            return self.subject.to_owned();
        }
        format!("`{}`", readable_path(pointer))
    }

    /// Where a key sits: "this service", or "`links[0]`".
    fn place_name(&self, pointer: &str) -> String {
        self.field_name(pointer)
    }

    fn schema_at(&self, pointer: &str) -> Option<&Value> {
        let mut node = self.root_schema;
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Follows a local `$ref` (`#/$defs/Name`).
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut current = schema;
        for _ in 0..16 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) if reference.starts_with('#') => {
                    match self.schema_at(&reference[1..]) {
                        Some(target) => current = target,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        current
    }

    fn description_of(&self, schema: &Value) -> Option<String> {
        schema
            .get("description")
            .or_else(|| self.resolve(schema).get("description"))
            .and_then(Value::as_str)
            .map(|d| d.trim_end_matches('.').to_owned())
    }

    /// What a schema expects, in words: "an integer from 1 to 4", "one of `a` or `b`".
    fn expected(&self, schema: &Value) -> String {
        let schema = self.resolve(schema);
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            let words: Vec<String> = options.iter().map(literal).collect();
            return one_of(&words);
        }
        if let Some(constant) = schema.get("const") {
            return literal(constant);
        }
        if let Some(alternatives) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            let constants: Option<Vec<String>> = alternatives
                .iter()
                .map(|s| self.resolve(s).get("const").map(literal))
                .collect();
            if let Some(constants) = constants {
                return one_of(&constants);
            }
            let words: Vec<String> = alternatives.iter().map(|s| self.expected(s)).collect();
            return words.join(", or ");
        }
        let kind = schema.get("type");
        let is = |t: &str| match kind {
            Some(Value::String(s)) => s == t,
            Some(Value::Array(list)) => list.iter().any(|v| v == t),
            _ => false,
        };
        if is("integer") || is("number") {
            let noun = if is("integer") {
                "an integer"
            } else {
                "a number"
            };
            let min = schema.get("minimum").and_then(Value::as_f64);
            let max = schema.get("maximum").and_then(Value::as_f64);
            return match (min, max) {
                (Some(min), Some(max)) => format!("{noun} from {min} to {max}"),
                (Some(min), None) => format!("{noun} of at least {min}"),
                (None, Some(max)) => format!("{noun} of at most {max}"),
                (None, None) => noun.to_owned(),
            };
        }
        if is("string") {
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                return pattern_words(pattern)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("text matching `{pattern}`"));
            }
            return "a string".to_owned();
        }
        if is("boolean") {
            return "`true` or `false`".to_owned();
        }
        if is("array") {
            return match schema.get("items") {
                Some(items) => format!("a list of {}", plural(&self.expected(items))),
                None => "a list".to_owned(),
            };
        }
        if is("object") {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
                return format!("a mapping with {}", list_words(&keys, "and"));
            }
            return "a mapping".to_owned();
        }
        match kind {
            Some(Value::String(t)) => type_name(t).to_owned(),
            _ => "a different value".to_owned(),
        }
    }
}

/// `/links/0/url` → `links[0].url`.
pub fn readable_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&segment);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    catalogc_diagnostics::sanitize(&out)
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// How a found value is shown: strings and numbers as written, collections by kind.
fn found(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) if s.is_empty() => "an empty string".to_owned(),
        Value::String(s) => quote(s),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn one_of(words: &[String]) -> String {
    match words {
        [] => "a different value".to_owned(),
        [only] => only.clone(),
        _ => format!("one of {}", list_words(words, "or")),
    }
}

fn list_words<S: AsRef<str>>(words: &[S], conjunction: &str) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            let w = w.as_ref();
            if w.starts_with('`') {
                w.to_owned()
            } else {
                format!("`{w}`")
            }
        })
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

fn plural(expected: &str) -> String {
    // "a name" → "names"; other phrases read fine after "a list of".
    match expected
        .strip_prefix("a ")
        .or_else(|| expected.strip_prefix("an "))
    {
        Some(noun) if !noun.contains(' ') => format!("{noun}s"),
        _ => expected.to_owned(),
    }
}

fn type_name(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "`true` or `false`",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "nothing",
        _ => "a different value",
    }
}

fn type_words(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => type_name(&t.to_string()).to_owned(),
        TypeKind::Multiple(set) => {
            let words: Vec<&str> = set.iter().map(|t| type_name(&t.to_string())).collect();
            words.join(" or ")
        }
    }
}

fn first_duplicate(value: &Value) -> Option<(usize, usize)> {
    let items = value.as_array()?;
    for (j, item) in items.iter().enumerate() {
        if let Some(i) = items[..j].iter().position(|earlier| earlier == item) {
            return Some((i, j));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern of the built-in schemas, collected from the schemas themselves.
    fn builtin_patterns() -> std::collections::BTreeSet<String> {
        fn collect(value: &Value, out: &mut std::collections::BTreeSet<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(pattern)) = map.get("pattern") {
                        out.insert(pattern.clone());
                    }
                    map.values().for_each(|v| collect(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                _ => {}
            }
        }
        let mut patterns = std::collections::BTreeSet::new();
        for kind in Kind::ALL {
            collect(&schema::schema_of(kind), &mut patterns);
        }
        patterns
    }

    /// Strings near the patterns' edges: runs of each character class at lengths around every
    /// bound the patterns use, the literal parts (`@`, `/`, `:`, schemes), ECMA-262 whitespace
    /// and non-ASCII characters, in random order (a fixed seed).
    fn candidates(count: usize) -> Vec<String> {
        const CLASSES: [&str; 8] = [
            "a",
            "az",
            "az09",
            "az09-",
            "AZaz09._-",
            "az09.-",
            "09",
            "az09:+#.-",
        ];
        const LITERALS: [&str; 20] = [
            "@", "@acme", "@acme/", "/", ":", "-", ".", "_", "http://", "https://", "mailto:", "?",
            "#", " ", "\t", "\n", "\u{a0}", "\u{feff}", "\u{2028}", "é",
        ];
        const LENGTHS: [usize; 16] = [0, 1, 2, 3, 4, 10, 30, 31, 32, 38, 39, 61, 62, 63, 99, 100];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).expect("small")
        };
        (0..count)
            .map(|_| {
                let mut text = String::new();
                if next(8) == 0 {
                    // Date-shaped: digit runs around 4, 2 and 2, joined by `-` or another literal.
                    for (part, middle) in [4, 2, 2].into_iter().enumerate() {
                        if part > 0 {
                            text.push_str(if next(4) == 0 {
                                LITERALS[next(LITERALS.len())]
                            } else {
                                "-"
                            });
                        }
                        for _ in 0..(middle + next(3) - 1) {
                            text.push(char::from(b'0' + u8::try_from(next(10)).expect("a digit")));
                        }
                    }
                    return text;
                }
                for part in 0..=next(4) {
                    // Half the strings start with a literal (`@`, a scheme), as some patterns do.
                    if next(3) == 0 || (part == 0 && next(2) == 0) {
                        text.push_str(LITERALS[next(LITERALS.len())]);
                    } else {
                        let class: Vec<char> = CLASSES[next(CLASSES.len())].chars().collect();
                        let length = match next(4) {
                            0 => 250 + next(6),
                            _ => LENGTHS[next(LENGTHS.len())],
                        };
                        for _ in 0..length {
                            text.push(class[next(class.len())]);
                        }
                    }
                }
                text
            })
            .collect()
    }

    #[test]
    fn built_in_pattern_matchers_agree_with_the_regex_engine() {
        let patterns = builtin_patterns();
        assert_eq!(patterns.len(), 8, "{patterns:?}");
        let samples = candidates(40_000);
        for pattern in &patterns {
            let matches = builtin_matcher(pattern).expect("every built-in pattern has a matcher");
            let engine = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&serde_json::json!({ "type": "string", "pattern": pattern }))
                .expect("the pattern compiles");
            let mut outcomes = [0_usize; 2];
            for text in &samples {
                let expected = engine.is_valid(&Value::String(text.clone()));
                assert_eq!(matches(text), expected, "{pattern} on {text:?}");
                outcomes[usize::from(expected)] += 1;
            }
            // Both outcomes are exercised, many times over.
            assert!(outcomes.iter().all(|&n| n > 100), "{pattern}: {outcomes:?}");
        }
    }

    /// The findings of validating one `service.yaml` against the built-in Service schema.
    fn service_findings(text: &str) -> Vec<Diagnostic> {
        let document = crate::yaml::parse(
            "service.yaml",
            text,
            crate::yaml::Mode::Strict,
            crate::limits::Limits::default().descriptor,
            &mut Vec::new(),
        )
        .remove(0);
        let mut found = Vec::new();
        let schema = CompiledSchema::builtin(Kind::Service);
        let valid = validate(
            "service.yaml",
            &document,
            &schema,
            "this service",
            None,
            &mut found,
        );
        assert_eq!(valid, found.is_empty(), "{found:#?}");
        found
    }

    #[test]
    fn a_pattern_mismatch_reads_the_same_through_the_hand_matcher() {
        let found = service_findings(
            "apiVersion: catalogc/v1\nkind: Service\nname: Billing_API\nowner: payments\n",
        );
        let words = pattern_words(catalogc_model::NAME_PATTERN).expect("described");
        assert!(
            found
                .iter()
                .any(|d| d.message.contains(words) && d.message.contains("`Billing_API`")),
            "{found:#?}"
        );
    }

    #[test]
    fn a_key_pattern_mismatch_reads_the_same_through_the_hand_matcher() {
        let found = service_findings(
            "apiVersion: catalogc/v1\nkind: Service\nname: billing\nowner: payments\nlabels:\n  cost center: cc-42\n",
        );
        let words = pattern_words(catalogc_model::LABEL_KEY_PATTERN).expect("described");
        assert!(
            found.iter().any(|d| d.message.contains("`cost center`")
                && d.message.contains(words)
                && d.span.is_some_and(|span| span.start.line == 6)),
            "{found:#?}"
        );
    }

    #[test]
    fn readable_paths() {
        assert_eq!(readable_path(""), "");
        assert_eq!(readable_path("/tier"), "tier");
        assert_eq!(readable_path("/links/0/url"), "links[0].url");
        assert_eq!(readable_path("/labels/a~1b"), "labels.a/b");
    }

    #[test]
    fn word_lists() {
        assert_eq!(list_words(&["a", "b", "c"], "or"), "`a`, `b` or `c`");
        assert_eq!(one_of(&["`x`".to_owned()]), "`x`");
    }
}
