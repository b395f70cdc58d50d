//! GitHub: the REST `GET /orgs/{org}/repos` response, a JSON array of repository objects, one
//! page per file (a directory holds one file per page; `gh api --paginate --slurp` output, an
//! array of pages, is read too). One `github-repository` resource per repository, keyed
//! `github:<owner>/<repo>` (`full_name`).

use catalogc_diagnostics::quote;
use catalogc_model::IntegrationType;
use serde_json::{Map, Value};

use super::{
    Context, Doc, Output, SnapshotFile, child, format_name, item, noun, strings, text, valid_id,
};

const FORMAT: IntegrationType = IntegrationType::Github;
/// The fields of a repository this reader looks at (and the resource's label); the JSON
/// loader skips the others (see `StructureLimits::keep_fields`).
pub(super) const FIELDS: &[&str] = &[
    "full_name",
    "name",
    "id",
    "archived",
    "visibility",
    "private",
    "topics",
    "default_branch",
    "html_url",
];
const EXPORT_HELP: &str = "commit the JSON body of `GET https://api.github.com/orgs/{org}/repos` as is (e.g. `gh api orgs/acme/repos > repos.json`)";

pub(super) fn parse(files: &[SnapshotFile], context: &Context<'_>, output: &mut Output) {
    for doc in Doc::all(files) {
        let Some(repositories) = repositories(doc, output) else {
            continue;
        };
        for (pointer, entry) in repositories {
            let Value::Object(repository) = entry else {
                output.diagnostics.push(doc.invalid(
                    &pointer,
                    format!(
                        "this is not a {}: this repository is {}, not an object",
                        format_name(FORMAT),
                        noun(entry)
                    ),
                    EXPORT_HELP,
                ));
                continue;
            };
            let full_name = match repository.get("full_name") {
                Some(Value::String(name)) if is_full_name(name) => name,
                Some(other) => {
                    let shown = other.as_str().map_or_else(|| noun(other).to_owned(), quote);
                    output.diagnostics.push(doc.invalid(
                        &child(&pointer, "full_name"),
                        format!("`full_name` {shown} is not `<owner>/<repository>`"),
                        EXPORT_HELP,
                    ));
                    continue;
                }
                None => {
                    output.diagnostics.push(doc.invalid(
                        &pointer,
                        format!(
                            "this is not a {}: this repository has no `full_name`",
                            format_name(FORMAT)
                        ),
                        EXPORT_HELP,
                    ));
                    continue;
                }
            };
            output.resources.push(doc.resource(
                context,
                "github-repository",
                full_name.clone(),
                full_name.clone(),
                attributes(full_name, repository),
                &pointer,
            ));
        }
    }
}

/// The repository entries of a document with their pointers; a document that is not a list
/// is reported.
fn repositories<'a>(doc: Doc<'a>, output: &mut Output) -> Option<Vec<(String, &'a Value)>> {
    let entries = match doc.root() {
        Value::Array(entries) => entries,
        Value::Object(root) => {
            // An API error body committed by mistake says what went wrong in `message`.
            let problem = match text(root, "message") {
                Some(message) => format!("it is a GitHub API error response ({})", quote(message)),
                None if root.contains_key("services") => {
                    "it looks like a PagerDuty export (an object with `services`), not a list of repositories".to_owned()
                }
                None => "the file holds an object, not a list of repositories".to_owned(),
            };
            output.diagnostics.push(doc.invalid(
                "",
                format!("this is not a {}: {problem}", format_name(FORMAT)),
                EXPORT_HELP,
            ));
            return None;
        }
        other => {
            output.diagnostics.push(doc.invalid(
                "",
                format!(
                    "this is not a {}: the file holds {}, not a list of repositories",
                    format_name(FORMAT),
                    noun(other)
                ),
                EXPORT_HELP,
            ));
            return None;
        }
    };
    let mut found = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        match entry {
            // `--slurp` pages: a list of lists.
            Value::Array(page) => {
                for (j, repository) in page.iter().enumerate() {
                    found.push((item(&item("", i), j), repository));
                }
            }
            repository => found.push((item("", i), repository)),
        }
    }
    Some(found)
}

fn is_full_name(name: &str) -> bool {
    valid_id(name)
        && matches!(name.split_once('/'), Some((owner, repository))
            if !owner.is_empty() && !repository.is_empty() && !repository.contains('/'))
}

/// The allow-listed fields: identity, archived, visibility, topics, default branch, web URL.
fn attributes(full_name: &str, repository: &Map<String, Value>) -> Map<String, Value> {
    let mut attributes = Map::new();
    attributes.insert("fullName".to_owned(), Value::from(full_name));
    if let Some(archived) = repository.get("archived").and_then(Value::as_bool) {
        attributes.insert("archived".to_owned(), Value::Bool(archived));
    }
    // `visibility` is newer than `private`; old exports only have the boolean.
    let visibility = text(repository, "visibility")
        .map(str::to_owned)
        .or_else(|| {
            repository
                .get("private")
                .and_then(Value::as_bool)
                .map(|private| if private { "private" } else { "public" }.to_owned())
        });
    if let Some(visibility) = visibility {
        attributes.insert("visibility".to_owned(), Value::from(visibility));
    }
    attributes.insert(
        "topics".to_owned(),
        Value::Array(strings(repository.get("topics"))),
    );
    if let Some(branch) = text(repository, "default_branch") {
        attributes.insert("defaultBranch".to_owned(), Value::from(branch));
    }
    if let Some(url) = text(repository, "html_url") {
        attributes.insert("url".to_owned(), Value::from(url));
    }
    attributes
}
