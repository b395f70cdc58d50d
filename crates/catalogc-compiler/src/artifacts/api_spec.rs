//! API specifications named by `apis.provides[].spec`: OpenAPI 3.x, Swagger 2.0 and
//! AsyncAPI 2.x / 3.x documents, summarised as format, title, version, operations and servers.
//!
//! This module owns deciding whether a parsed spec is a document of the declared `type:` and
//! of a supported version, and what its summary is. It checks only what the summary needs:
//! the version key, `info.title`, `info.version` and the shape of `paths` / `channels` /
//! `operations`. It is not a full OpenAPI or AsyncAPI validator, and it never resolves a
//! `$ref` (an operation written as a `$ref` is counted with what is written next to it).

use std::borrow::Cow;

use catalogc_diagnostics::{Code, Diagnostic, quote};
use catalogc_model::ApiType;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    MAX_TITLE_CHARS, finding, noun, report_no_document, scalar_text, text_field, truncate,
};
use crate::yaml::Document;

/// Most operations listed in one summary; [`ApiSpec::operation_count`] counts all of them.
pub const MAX_OPERATIONS: usize = 10_000;
/// Most servers listed in one summary.
pub const MAX_SERVERS: usize = 100;
/// Longest `info.description` kept, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Longest path, channel or server URL kept, in characters.
const MAX_PATH_CHARS: usize = 1_000;
/// Longest version text or method kept, in characters.
const MAX_SHORT_CHARS: usize = 64;

/// The kind of document a spec is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecFormat {
    /// OpenAPI 3.x (`openapi: 3.x.y`).
    OpenApi3,
    /// Swagger 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// AsyncAPI 2.x (`asyncapi: 2.x.y`).
    AsyncApi2,
    /// AsyncAPI 3.x (`asyncapi: 3.x.y`).
    AsyncApi3,
}

impl SpecFormat {
    /// The format's name as people write it: `OpenAPI`, `Swagger`, `AsyncAPI`.
    pub const fn family_name(self) -> &'static str {
        match self {
            SpecFormat::OpenApi3 => "OpenAPI",
            SpecFormat::Swagger2 => "Swagger",
            SpecFormat::AsyncApi2 | SpecFormat::AsyncApi3 => "AsyncAPI",
        }
    }
}

/// The summary of one API specification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiSpec {
    pub format: SpecFormat,
    /// The version of the format, as written: `3.0.3`, `2.0`, `2.6.0`.
    pub spec_version: String,
    /// `info.title`, cut to [`MAX_TITLE_CHARS`](super::MAX_TITLE_CHARS).
    pub title: String,
    /// `info.version`: the version of the API itself.
    pub version: String,
    /// The first [`MAX_DESCRIPTION_CHARS`] characters of `info.description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Operations sorted by path, then method (at most [`MAX_OPERATIONS`]).
    pub operations: Vec<Operation>,
    /// Number of operations in the document, including those beyond [`MAX_OPERATIONS`].
    pub operation_count: usize,
    /// Server URLs: OpenAPI's in document order, AsyncAPI's by server name (at most
    /// [`MAX_SERVERS`]).
    pub servers: Vec<String>,
}

/// One operation of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// `GET`, `POST`, … for HTTP APIs; `publish`/`subscribe` (AsyncAPI 2) or the `action`
    /// as written, normally `send`/`receive` (AsyncAPI 3).
    pub method: String,
    /// The path (HTTP), the channel (AsyncAPI 2), or the channel name of the operation's
    /// `channel: {$ref: '#/channels/<name>'}` (AsyncAPI 3; another `$ref` as written).
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// Summarises the API specification `file` declared with `type: declared`.
///
/// Only `openapi` (OpenAPI 3.x or Swagger 2.0) and `asyncapi` (AsyncAPI 2.x or 3.x) specs
/// are read; `graphql` and `grpc` give `None` without a finding. Of several documents the
/// first is read. When the spec is not a document of the declared type and a supported
/// version, has no `info.title` / `info.version`, or has `paths` / `channels` /
/// `operations` that are not mappings, `invalid-api-spec` findings located at the offending
/// node are pushed and `None` is returned.
///
/// `documents` is what [`crate::yaml::parse`] returned for `file`; pass the same
/// `diagnostics` it reported into, so a file the loader could not read is not reported twice.
pub fn summarize_api_spec(
    file: &str,
    documents: &[Document],
    declared: ApiType,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ApiSpec> {
    let family = match declared {
        ApiType::Openapi => Family::OpenApi,
        ApiType::Asyncapi => Family::AsyncApi,
        ApiType::Graphql | ApiType::Grpc => return None,
    };
    let Some(document) = documents.first() else {
        report_no_document(
            Code::InvalidApiSpec,
            file,
            "API spec",
            "point `spec:` at the API specification, or fill the file in",
            diagnostics,
        );
        return None;
    };
    let mut reader = Reader {
        file,
        document,
        found: Vec::new(),
    };
    let summary = reader.summarize(family);
    if reader.found.is_empty() {
        summary
    } else {
        diagnostics.append(&mut reader.found);
        None
    }
}

/// The family a spec is declared as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    OpenApi,
    AsyncApi,
}

/// Reads one spec document, collecting its findings.
struct Reader<'d> {
    file: &'d str,
    document: &'d Document,
    found: Vec<Diagnostic>,
}

/// The format of a spec, its version as written and the version's minor number.
struct Version {
    format: SpecFormat,
    text: String,
    minor: u64,
}

/// An operation found in the document, before sorting and capping.
struct Found<'d> {
    path: Cow<'d, str>,
    method: &'d str,
    operation_id: Option<&'d str>,
    operation: &'d Value,
}

/// HTTP methods of an OpenAPI path item, and how they are shown.
const OPENAPI_METHODS: [(&str, &str); 8] = [
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("trace", "TRACE"),
];

impl<'d> Reader<'d> {
    fn report(&mut self, pointer: &str, prefer_key: bool, message: String, help: String) {
        self.found.push(finding(
            Code::InvalidApiSpec,
            self.file,
            self.document,
            pointer,
            prefer_key,
            message,
            help,
        ));
    }

    fn summarize(&mut self, family: Family) -> Option<ApiSpec> {
        let document = self.document;
        let Value::Object(root) = &document.value else {
            let (name, first_line) = match family {
                Family::OpenApi => ("OpenAPI", "openapi: 3.1.0"),
                Family::AsyncApi => ("AsyncAPI", "asyncapi: 3.0.0"),
            };
            self.report(
                "",
                false,
                format!(
                    "this API spec is {}, but an {name} document is a mapping",
                    noun(&document.value)
                ),
                format!(
                    "point `spec:` at the {name} document itself: a mapping that starts with \
                     `{first_line}`"
                ),
            );
            return None;
        };
        // Without a known format and version nothing else can be checked meaningfully.
        let version = self.version(root, family)?;
        let info = self.info(root, &version);
        let operations = self.operations(root, &version);
        let (title, api_version, description) = info?;
        let mut operations = operations?;
        operations.sort_by(|a, b| {
            (a.path.as_ref(), a.method, a.operation_id).cmp(&(
                b.path.as_ref(),
                b.method,
                b.operation_id,
            ))
        });
        let operation_count = operations.len();
        operations.truncate(MAX_OPERATIONS);
        let operations = operations
            .into_iter()
            .map(|found| {
                let fields = found.operation.as_object();
                let summary = fields.and_then(|fields| {
                    text_field(fields.get("summary"), MAX_TITLE_CHARS)
                        .or_else(|| text_field(fields.get("title"), MAX_TITLE_CHARS))
                });
                Operation {
                    method: truncate(found.method, MAX_SHORT_CHARS),
                    path: truncate(&found.path, MAX_PATH_CHARS),
                    operation_id: found.operation_id.map(|id| truncate(id, MAX_TITLE_CHARS)),
                    summary,
                }
            })
            .collect();
        Some(ApiSpec {
            format: version.format,
            servers: servers(root, version.format),
            spec_version: version.text,
            title,
            version: api_version,
            description,
            operations,
            operation_count,
        })
    }

    /// Finds the version key of the declared family and checks its value.
    fn version(&mut self, root: &Map<String, Value>, family: Family) -> Option<Version> {
        match family {
            Family::OpenApi => {
                if let Some(value) = root.get("openapi") {
                    return self.version_value("openapi", value);
                }
                if let Some(value) = root.get("swagger") {
                    return self.version_value("swagger", value);
                }
                if root.contains_key("asyncapi") {
                    self.mismatch("asyncapi", "an AsyncAPI", "openapi", "asyncapi", "OpenAPI");
                    return None;
                }
                if root.contains_key("swaggerVersion") {
                    self.report(
                        "/swaggerVersion",
                        true,
                        "this is a Swagger 1.x document, which catalogc does not read".to_owned(),
                        "convert the spec to OpenAPI 3 (or at least Swagger 2.0) with your API \
                         tooling and point `spec:` at the result"
                            .to_owned(),
                    );
                    return None;
                }
                let help = if looks_like_postman(root) {
                    "this looks like a Postman collection: export the API as OpenAPI and point \
                     `spec:` at that file"
                        .to_owned()
                } else {
                    "add the version the document follows as its first line, for example \
                     `openapi: 3.1.0`, or point `spec:` at the OpenAPI document itself"
                        .to_owned()
                };
                self.report(
                    "",
                    false,
                    "this API spec has no `openapi:` (or `swagger:`) version line, so it is not \
                     an OpenAPI document"
                        .to_owned(),
                    help,
                );
                None
            }
            Family::AsyncApi => {
                if let Some(value) = root.get("asyncapi") {
                    return self.version_value("asyncapi", value);
                }
                if root.contains_key("openapi") {
                    self.mismatch("openapi", "an OpenAPI", "asyncapi", "openapi", "AsyncAPI");
                    return None;
                }
                if root.contains_key("swagger") {
                    self.mismatch("swagger", "a Swagger", "asyncapi", "openapi", "AsyncAPI");
                    return None;
                }
                self.report(
                    "",
                    false,
                    "this API spec has no `asyncapi:` version line, so it is not an AsyncAPI \
                     document"
                        .to_owned(),
                    "add the version the document follows as its first line, for example \
                     `asyncapi: 3.0.0`, or point `spec:` at the AsyncAPI document itself"
                        .to_owned(),
                );
                None
            }
        }
    }

    /// Reports a document of the other family, at its version key.
    fn mismatch(&mut self, key: &str, actual: &str, declared: &str, fix: &str, expected: &str) {
        self.report(
            &format!("/{key}"),
            true,
            format!(
                "this is {actual} document (`{key}:`), but the service declares the API as \
                 `type: {declared}`"
            ),
            format!(
                "set `type: {fix}` for this API in `apis.provides`, or point `spec:` at its \
                 {expected} document"
            ),
        );
    }

    /// Checks the value of the version key `key` (`openapi`, `swagger` or `asyncapi`).
    fn version_value(&mut self, key: &str, value: &Value) -> Option<Version> {
        let example = match key {
            "openapi" => "3.1.0",
            "swagger" => "2.0",
            _ => "3.0.0",
        };
        let pointer = format!("/{key}");
        let text = match value {
            Value::String(text) => text.trim(),
            Value::Number(number) => {
                let written = number.to_string();
                let shown = if parse_version(&written).is_some() {
                    written.as_str()
                } else {
                    example
                };
                self.report(
                    &pointer,
                    false,
                    format!(
                        "the `{key}:` version is written as the number `{number}`, not as text"
                    ),
                    format!(
                        "put the version in quotes, for example `{key}: \"{shown}\"`: without \
                         them YAML reads it as a number (and `3.10` as `3.1`)"
                    ),
                );
                return None;
            }
            other => {
                self.report(
                    &pointer,
                    false,
                    format!(
                        "the `{key}:` version must be a version number such as `{example}`, not {}",
                        noun(other)
                    ),
                    format!(
                        "write the version the document follows, for example `{key}: \"{example}\"`"
                    ),
                );
                return None;
            }
        };
        let Some((major, minor)) = parse_version(text) else {
            self.report(
                &pointer,
                false,
                format!(
                    "the `{key}:` version {} is not a version number such as `{example}`",
                    quote(text)
                ),
                format!(
                    "write the version the document follows, for example `{key}: \"{example}\"`"
                ),
            );
            return None;
        };
        let format = match (key, major, minor) {
            ("openapi", 3, _) => Some(SpecFormat::OpenApi3),
            ("swagger", 2, 0) => Some(SpecFormat::Swagger2),
            ("asyncapi", 2, _) => Some(SpecFormat::AsyncApi2),
            ("asyncapi", 3, _) => Some(SpecFormat::AsyncApi3),
            _ => None,
        };
        let Some(format) = format else {
            let (name, supported) = match key {
                "openapi" => ("OpenAPI", "OpenAPI 3.x and Swagger 2.0"),
                "swagger" => ("Swagger", "OpenAPI 3.x and Swagger 2.0"),
                _ => ("AsyncAPI", "AsyncAPI 2.x and 3.x"),
            };
            let help = if key == "openapi" && major == 2 {
                "Swagger 2.0 documents start with `swagger: \"2.0\"`, not `openapi:`".to_owned()
            } else {
                format!(
                    "catalogc reads {supported}: check the version, or convert the spec with \
                     your API tooling"
                )
            };
            self.report(
                &pointer,
                false,
                format!("{name} {} is not a supported version", quote(text)),
                help,
            );
            return None;
        };
        Some(Version {
            format,
            text: truncate(text, MAX_SHORT_CHARS),
            minor,
        })
    }

    /// Checks `info` and returns its title, version and description.
    fn info(
        &mut self,
        root: &Map<String, Value>,
        version: &Version,
    ) -> Option<(String, String, Option<String>)> {
        let Some(info) = root.get("info") else {
            self.report(
                "",
                false,
                format!(
                    "this {} {} document has no `info:` section",
                    version.format.family_name(),
                    version.text
                ),
                "add `info:` with the API's `title:` and `version:`".to_owned(),
            );
            return None;
        };
        let Value::Object(info) = info else {
            self.report(
                "/info",
                false,
                format!(
                    "`info:` must be a mapping with `title:` and `version:`, not {}",
                    noun(info)
                ),
                "write `title:` and `version:` indented under `info:`".to_owned(),
            );
            return None;
        };
        let title = self.info_text(
            info,
            "title",
            "add the API's name, for example `title: Billing API`",
        );
        let api_version = self.info_text(
            info,
            "version",
            "add the version of the API itself (not of the spec format), for example \
             `version: 1.4.0`",
        );
        let description = info
            .get("description")
            .and_then(Value::as_str)
            .map(|text| truncate(text.trim(), MAX_DESCRIPTION_CHARS))
            .filter(|text| !text.is_empty());
        Some((title?, api_version?, description))
    }

    /// A required text member of `info` (numbers are taken as written: `version: 1.0`).
    fn info_text(&mut self, info: &Map<String, Value>, key: &str, help: &str) -> Option<String> {
        match info.get(key) {
            None => {
                self.report(
                    "/info",
                    false,
                    format!("`info:` has no `{key}:`"),
                    help.to_owned(),
                );
                None
            }
            Some(value) => match scalar_text(value) {
                Some(text) => Some(truncate(text.trim(), MAX_TITLE_CHARS)),
                None => {
                    self.report(
                        &format!("/info/{key}"),
                        false,
                        format!("`info.{key}` must be text, not {}", noun(value)),
                        help.to_owned(),
                    );
                    None
                }
            },
        }
    }

    /// Checks the sections that hold operations and collects them, unsorted.
    fn operations(
        &mut self,
        root: &'d Map<String, Value>,
        version: &Version,
    ) -> Option<Vec<Found<'d>>> {
        let mut found = Vec::new();
        match version.format {
            SpecFormat::OpenApi3 => {
                // `paths` became optional in 3.1 (a spec may hold only webhooks or components).
                let required = version.minor == 0;
                let paths = self.section(root, "paths", required, version)?;
                // 3.2 adds the `query` method and `additionalOperations`.
                let extended = version.minor >= 2;
                if let Some(paths) = paths {
                    http_operations(paths, &OPENAPI_METHODS, extended, &mut found);
                }
            }
            SpecFormat::Swagger2 => {
                if let Some(paths) = self.section(root, "paths", true, version)? {
                    // Swagger 2.0 has no `trace`.
                    http_operations(paths, &OPENAPI_METHODS[..7], false, &mut found);
                }
            }
            SpecFormat::AsyncApi2 => {
                if let Some(channels) = self.section(root, "channels", true, version)? {
                    for (channel, item) in channels {
                        let Value::Object(item) = item else { continue };
                        for action in ["publish", "subscribe"] {
                            if let Some(operation) = item.get(action) {
                                found.push(Found {
                                    path: Cow::Borrowed(channel),
                                    method: action,
                                    operation_id: operation_id(operation),
                                    operation,
                                });
                            }
                        }
                    }
                }
            }
            SpecFormat::AsyncApi3 => {
                let channels = self.section(root, "channels", false, version);
                let operations = self.section(root, "operations", false, version);
                // Both are checked before giving up, so both problems are reported at once.
                channels?;
                if let Some(operations) = operations? {
                    for (id, operation) in operations {
                        let fields = operation.as_object();
                        let method = fields
                            .and_then(|fields| fields.get("action"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        let path = fields
                            .and_then(|fields| fields.get("channel"))
                            .map_or(Cow::Borrowed(""), channel_name);
                        found.push(Found {
                            path,
                            method,
                            operation_id: Some(id),
                            operation,
                        });
                    }
                }
            }
        }
        Some(found)
    }

    /// The mapping at the top-level `key`: `Some(None)` when it is absent and optional,
    /// `None` (with a finding) when it is absent but required, or not a mapping.
    fn section(
        &mut self,
        root: &'d Map<String, Value>,
        key: &str,
        required: bool,
        version: &Version,
    ) -> Option<Option<&'d Map<String, Value>>> {
        let (what, help) = match key {
            "paths" => (
                "paths to operations",
                "write each path as a key, such as `/invoices:`, with its operations \
                 (`get:`, `post:`, …) indented under it; use `paths: {}` for none",
            ),
            "channels" => (
                "channel names to channels",
                "write each channel as a key, such as `invoice/created:`, with the channel \
                 indented under it; use `channels: {}` for none",
            ),
            _ => (
                "operation ids to operations",
                "write each operation as a key, such as `onInvoiceCreated:`, with its \
                 `action:` and `channel:` indented under it",
            ),
        };
        match root.get(key) {
            Some(Value::Object(section)) => Some(Some(section)),
            Some(other) => {
                self.report(
                    &format!("/{key}"),
                    false,
                    format!("`{key}:` must be a mapping of {what}, not {}", noun(other)),
                    help.to_owned(),
                );
                None
            }
            None if required => {
                self.report(
                    "",
                    false,
                    format!(
                        "this {} {} document has no `{key}:` section",
                        version.format.family_name(),
                        version.text
                    ),
                    help.to_owned(),
                );
                None
            }
            None => Some(None),
        }
    }
}

/// Collects the operations of an OpenAPI / Swagger `paths` mapping. Path-level keys
/// (`parameters`, `summary`, `servers`, `$ref`, …) and `x-` extensions are not operations.
fn http_operations<'d>(
    paths: &'d Map<String, Value>,
    methods: &[(&'static str, &'static str)],
    extended: bool,
    found: &mut Vec<Found<'d>>,
) {
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let Value::Object(item) = item else { continue };
        let mut push = |method: &'d str, operation: &'d Value| {
            found.push(Found {
                path: Cow::Borrowed(path),
                method,
                operation_id: operation_id(operation),
                operation,
            });
        };
        for &(key, shown) in methods {
            if let Some(operation) = item.get(key) {
                push(shown, operation);
            }
        }
        if extended {
            if let Some(operation) = item.get("query") {
                push("QUERY", operation);
            }
            if let Some(Value::Object(additional)) = item.get("additionalOperations") {
                for (method, operation) in additional {
                    push(method, operation);
                }
            }
        }
    }
}

/// The `operationId` written on an operation, if any.
fn operation_id(operation: &Value) -> Option<&str> {
    operation.get("operationId").and_then(Value::as_str)
}

/// The channel an AsyncAPI 3 operation names: the `<name>` of `$ref: '#/channels/<name>'`
/// (unescaped), any other `$ref` as written, or nothing. The reference is not followed.
fn channel_name(channel: &Value) -> Cow<'_, str> {
    let Some(reference) = channel.get("$ref").and_then(Value::as_str) else {
        return Cow::Borrowed("");
    };
    match reference.strip_prefix("#/channels/") {
        Some(name) if !name.is_empty() && !name.contains('/') => {
            if name.contains('~') {
                Cow::Owned(name.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(name)
            }
        }
        _ => Cow::Borrowed(reference),
    }
}

/// `major.minor[.patch][-pre][+build]` → (major, minor).
fn parse_version(text: &str) -> Option<(u64, u64)> {
    let mut parts = text.splitn(3, '.');
    let major = parts.next()?;
    let minor_part = parts.next()?;
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = minor_part.bytes().take_while(u8::is_ascii_digit).count();
    let (minor, rest) = minor_part.split_at(digits);
    if minor.is_empty() || !(rest.is_empty() || rest.starts_with(['-', '+'])) {
        return None;
    }
    if let Some(patch) = parts.next()
        && (!rest.is_empty() || !patch.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Whether a document without a version line is a Postman collection export.
fn looks_like_postman(root: &Map<String, Value>) -> bool {
    let info = root.get("info");
    info.and_then(|info| info.get("_postman_id")).is_some()
        || info
            .and_then(|info| info.get("schema"))
            .and_then(Value::as_str)
            .is_some_and(|schema| schema.contains("getpostman.com"))
}

/// Server URLs as written: OpenAPI 3 `servers[].url` in document order; Swagger 2
/// `schemes` × `host` + `basePath`; by server name, AsyncAPI 2 `servers.*.url` (prefixed with
/// `protocol://` when it has no scheme) and AsyncAPI 3 `protocol://host` + `pathname`.
fn servers(root: &Map<String, Value>, format: SpecFormat) -> Vec<String> {
    fn text(value: Option<&Value>) -> Option<&str> {
        value.and_then(Value::as_str).map(str::trim)
    }
    let mut out: Vec<String> = Vec::new();
    match format {
        SpecFormat::OpenApi3 => {
            if let Some(Value::Array(list)) = root.get("servers") {
                out.extend(
                    list.iter()
                        .filter_map(|server| text(server.get("url")))
                        .take(MAX_SERVERS)
                        .map(str::to_owned),
                );
            }
        }
        SpecFormat::Swagger2 => {
            if let Some(host) = text(root.get("host")) {
                let base = text(root.get("basePath")).unwrap_or("");
                let schemes: Vec<&str> = match root.get("schemes") {
                    Some(Value::Array(list)) => list
                        .iter()
                        .filter_map(Value::as_str)
                        .take(MAX_SERVERS)
                        .collect(),
                    _ => Vec::new(),
                };
                if schemes.is_empty() {
                    out.push(format!("{host}{base}"));
                } else {
                    out.extend(
                        schemes
                            .iter()
                            .map(|scheme| format!("{scheme}://{host}{base}")),
                    );
                }
            }
        }
        SpecFormat::AsyncApi2 | SpecFormat::AsyncApi3 => {
            if let Some(Value::Object(map)) = root.get("servers") {
                // By server name, whatever order the parsed mapping keeps.
                let mut named: Vec<(&String, &Value)> = map.iter().collect();
                named.sort_by(|a, b| a.0.cmp(b.0));
                for (_, server) in named.into_iter().take(MAX_SERVERS) {
                    let protocol = text(server.get("protocol"));
                    let address = if format == SpecFormat::AsyncApi2 {
                        text(server.get("url")).map(str::to_owned)
                    } else {
                        text(server.get("host")).map(|host| {
                            format!("{host}{}", text(server.get("pathname")).unwrap_or(""))
                        })
                    };
                    let Some(address) = address else { continue };
                    out.push(match protocol {
                        Some(protocol) if !address.contains("://") => {
                            format!("{protocol}://{address}")
                        }
                        _ => address,
                    });
                }
            }
        }
    }
    out.iter()
        .map(|url| truncate(url, MAX_PATH_CHARS))
        .collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn parses_version_numbers() {
        assert_eq!(parse_version("3.0.3"), Some((3, 0)));
        assert_eq!(parse_version("3.1"), Some((3, 1)));
        assert_eq!(parse_version("2.0"), Some((2, 0)));
        assert_eq!(parse_version("3.1.0-rc1"), Some((3, 1)));
        assert_eq!(parse_version("3.2-rc"), Some((3, 2)));
        assert_eq!(parse_version("3"), None);
        assert_eq!(parse_version("v3.0"), None);
        assert_eq!(parse_version("3.x"), None);
        assert_eq!(parse_version("3.0.x"), None);
        assert_eq!(parse_version(""), None);
        assert_eq!(parse_version("99999999999999999999.0"), None);
    }

    #[test]
    fn names_channels_without_following_references() {
        let named = serde_json::json!({"$ref": "#/channels/userSignedUp"});
        assert_eq!(channel_name(&named), "userSignedUp");
        let escaped = serde_json::json!({"$ref": "#/channels/user~1signed~0up"});
        assert_eq!(channel_name(&escaped), "user/signed~up");
        let external = serde_json::json!({"$ref": "common.yaml#/channels/a"});
        assert_eq!(channel_name(&external), "common.yaml#/channels/a");
        assert_eq!(channel_name(&serde_json::json!({"address": "x"})), "");
    }
}
