//! Constrained strings: entity names, tags, resource keys, paths, URLs.
//!
//! Each is a transparent newtype over `String` with a hand-written schema, so the schema
//! carries the pattern and validation messages can describe it in words ([`pattern_words`]).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Pattern of service, team, scorecard, criterion and API names (SPEC 1.2).
pub const NAME_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
/// Pattern of tags (SPEC 1.2).
pub const TAG_PATTERN: &str = "^[a-z0-9][a-z0-9:+#.-]{0,62}$";
/// Pattern of resource keys `<integration>:<id>` (SPEC 1.4).
pub const RESOURCE_KEY_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:[^\\s]+$";
/// Pattern of link URLs: only http, https and mailto.
pub const URL_PATTERN: &str = "^(https?://[^\\s/?#]+[^\\s]*|mailto:[^\\s]+)$";
/// Pattern of label keys (Kubernetes-style, optionally prefixed).
pub const LABEL_KEY_PATTERN: &str =
    "^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?/)?[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$";
/// Pattern of GitHub team handles for CODEOWNERS.
pub const GITHUB_HANDLE_PATTERN: &str =
    "^@[A-Za-z0-9]([A-Za-z0-9-]{0,38})(/[A-Za-z0-9._-]{1,100})?$";
/// Pattern of link types.
pub const LINK_TYPE_PATTERN: &str = "^[a-z][a-z0-9-]{0,31}$";
/// Pattern of calendar dates.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The matcher of one of the patterns above, written out by hand: compiling their bounded
/// repetitions (`{0,61}`, `{0,251}`) with a regex engine takes longer than validating a small
/// catalog (BENCHMARKS.md, "what is left of one file's 10 ms"). `None` for any other pattern.
/// Each matcher agrees with the ECMA-262 reading of its pattern that JSON Schema prescribes
/// (`$` only at the end, `\s` as ECMA-262 whitespace), which the compiler's tests check
/// against the JSON Schema validator's own regex engine.
pub fn builtin_matcher(pattern: &str) -> Option<fn(&str) -> bool> {
    Some(match pattern {
        NAME_PATTERN => is_name,
        TAG_PATTERN => is_tag,
        RESOURCE_KEY_PATTERN => is_resource_key,
        URL_PATTERN => is_url,
        LABEL_KEY_PATTERN => is_label_key,
        GITHUB_HANDLE_PATTERN => is_github_handle,
        LINK_TYPE_PATTERN => is_link_type,
        DATE_PATTERN => is_date,
        _ => return None,
    })
}

/// `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`
fn is_name(text: &str) -> bool {
    bounded(
        text,
        1,
        63,
        |b| lower_or_digit(b) || b == b'-',
        lower_or_digit,
        lower_or_digit,
    )
}

/// `^[a-z0-9][a-z0-9:+#.-]{0,62}$`
fn is_tag(text: &str) -> bool {
    bounded(
        text,
        1,
        63,
        |b| lower_or_digit(b) || matches!(b, b':' | b'+' | b'#' | b'.' | b'-'),
        lower_or_digit,
        |_| true,
    )
}

/// `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:[^\s]+$`: the name cannot hold a `:`, so it ends at
/// the first one.
fn is_resource_key(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(name, id)| is_name(name) && !id.is_empty() && !has_whitespace(id))
}

/// `^(https?://[^\s/?#]+[^\s]*|mailto:[^\s]+)$`
fn is_url(text: &str) -> bool {
    if has_whitespace(text) {
        return false;
    }
    if let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    {
        return rest
            .chars()
            .next()
            .is_some_and(|c| !matches!(c, '/' | '?' | '#'));
    }
    text.strip_prefix("mailto:")
        .is_some_and(|rest| !rest.is_empty())
}

/// `^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?/)?[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$`:
/// neither the prefix nor the name can hold a `/`, so the prefix ends at the first one.
fn is_label_key(text: &str) -> bool {
    let name = |text: &str| {
        bounded(
            text,
            1,
            63,
            |b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'),
            |b| b.is_ascii_alphanumeric(),
            |b| b.is_ascii_alphanumeric(),
        )
    };
    match text.split_once('/') {
        None => name(text),
        Some((prefix, rest)) => {
            bounded(
                prefix,
                1,
                253,
                |b| lower_or_digit(b) || matches!(b, b'.' | b'-'),
                lower_or_digit,
                lower_or_digit,
            ) && name(rest)
        }
    }
}

/// `^@[A-Za-z0-9]([A-Za-z0-9-]{0,38})(/[A-Za-z0-9._-]{1,100})?$`: the organisation cannot
/// hold a `/`, so it ends at the first one.
fn is_github_handle(text: &str) -> bool {
    let Some(handle) = text.strip_prefix('@') else {
        return false;
    };
    let (organisation, team) = match handle.split_once('/') {
        Some((organisation, team)) => (organisation, Some(team)),
        None => (handle, None),
    };
    bounded(
        organisation,
        1,
        39,
        |b| b.is_ascii_alphanumeric() || b == b'-',
        |b| b.is_ascii_alphanumeric(),
        |_| true,
    ) && team.is_none_or(|team| {
        bounded(
            team,
            1,
            100,
            |b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'),
            |_| true,
            |_| true,
        )
    })
}

/// `^[a-z][a-z0-9-]{0,31}$`
fn is_link_type(text: &str) -> bool {
    bounded(
        text,
        1,
        32,
        |b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-',
        |b| b.is_ascii_lowercase(),
        |_| true,
    )
}

/// `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// `[a-z0-9]`, the class most of these patterns start and end with.
fn lower_or_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Whether `text` is `min..=max` ASCII characters that all satisfy `every`, with a first one
/// that satisfies `first` and (when there are two or more) a last one that satisfies `last`.
/// Every class of these patterns is ASCII, so any other character fails, and bytes count
/// characters.
fn bounded(
    text: &str,
    min: usize,
    max: usize,
    every: impl Fn(u8) -> bool,
    first: impl Fn(u8) -> bool,
    last: impl Fn(u8) -> bool,
) -> bool {
    let bytes = text.as_bytes();
    match bytes {
        [] => min == 0,
        [only] => min <= 1 && every(*only) && first(*only),
        [head, .., tail] => {
            (min..=max).contains(&bytes.len())
                && first(*head)
                && last(*tail)
                && bytes.iter().all(|&b| every(b))
        }
    }
}

/// Whether `text` holds an ECMA-262 whitespace character (`\s`: tab to carriage return,
/// space, no-break space, every other `Zs` character, the line and paragraph separators, and
/// the byte-order mark).
fn has_whitespace(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '\t'..='\r'
                | ' '
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
        )
    })
}

/// The words validation messages use for a pattern, so users never read a regex.
pub fn pattern_words(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        NAME_PATTERN => {
            "a name of lowercase letters, digits and hyphens (at most 63, starting and ending with a letter or digit)"
        }
        TAG_PATTERN => {
            "a tag of lowercase letters, digits and `:+#.-` (at most 63, starting with a letter or digit)"
        }
        RESOURCE_KEY_PATTERN => {
            "a resource key `<integration>:<id>`, such as `gateway:prod/billing`"
        }
        URL_PATTERN => "an `https://`, `http://` or `mailto:` URL without spaces",
        LABEL_KEY_PATTERN => {
            "a label key: letters, digits, `.`, `_` and `-`, optionally prefixed by a domain and `/`"
        }
        GITHUB_HANDLE_PATTERN => "a GitHub handle such as `@acme/payments`",
        LINK_TYPE_PATTERN => "a lowercase word such as `runbook`, `docs` or `dashboard`",
        DATE_PATTERN => "a date written `YYYY-MM-DD`",
        _ => return None,
    })
}

macro_rules! constrained_string {
    ($(#[$meta:meta])* $name:ident, $schema_name:literal, $schema:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $schema_name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

constrained_string!(
    /// The name of a service, team, scorecard, criterion or API.
    Name,
    "Name",
    json_schema!({
        "type": "string",
        "pattern": NAME_PATTERN,
        "description": "Lowercase letters, digits and hyphens, starting and ending with a letter or digit, at most 63 characters."
    })
);

constrained_string!(
    /// A tag.
    Tag,
    "Tag",
    json_schema!({
        "type": "string",
        "pattern": TAG_PATTERN,
        "description": "A tag: lowercase letters, digits and `:+#.-`, at most 63 characters."
    })
);

constrained_string!(
    /// A resource key `<integration>:<id>` (SPEC 1.4).
    ResourceKey,
    "ResourceKey",
    json_schema!({
        "type": "string",
        "pattern": RESOURCE_KEY_PATTERN,
        "description": "A resource key `<integration>:<id>`, e.g. `gateway:prod/billing-svc`, `pagerduty:PBILL01`, `github:acme/billing`."
    })
);

constrained_string!(
    /// A link URL (`http`, `https` or `mailto`).
    Url,
    "Url",
    json_schema!({
        "type": "string",
        "pattern": URL_PATTERN,
        "maxLength": 2048,
        "description": "An `https://`, `http://` or `mailto:` URL. Other schemes and credentials (`user:pass@`) are rejected."
    })
);

constrained_string!(
    /// A path relative to the directory holding the descriptor (or the catalog root for
    /// `catalog.yaml`).
    RelativePath,
    "RelativePath",
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": 1024,
        "description": "A `/`-separated path relative to the directory holding this file. It may not leave its repository."
    })
);

constrained_string!(
    /// A GitHub handle (`@org/team` or `@user`) used in CODEOWNERS.
    GithubHandle,
    "GithubHandle",
    json_schema!({
        "type": "string",
        "pattern": GITHUB_HANDLE_PATTERN,
        "description": "A GitHub team (`@acme/payments`) or user (`@alice`) handle, written into CODEOWNERS."
    })
);

constrained_string!(
    /// A calendar date `YYYY-MM-DD`.
    Date,
    "Date",
    json_schema!({
        "type": "string",
        "pattern": DATE_PATTERN,
        "format": "date",
        "description": "A calendar date written `YYYY-MM-DD`."
    })
);

constrained_string!(
    /// A CEL expression (Common Expression Language).
    Expression,
    "Expression",
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": 4096,
        "description": "A CEL (Common Expression Language) expression over `service`, `resources`, `dependencies`, `dependents`, `catalog` and `today`."
    })
);

/// A short human text (titles, reasons).
pub(crate) fn short_text(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "minLength": 1, "maxLength": 200})
}

/// A longer human text (descriptions).
pub(crate) fn long_text(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "maxLength": 10000})
}

/// A JSON object of free-form content.
pub(crate) fn free_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "object"})
}
