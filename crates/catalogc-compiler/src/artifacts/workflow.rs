//! GitHub Actions workflow files named by `pipelines`, summarised as name, triggers, jobs and
//! deployment environments.
//!
//! This module owns deciding whether a parsed file is a workflow at all (a mapping with `on:`
//! and a non-empty `jobs:` mapping of job mappings) and what its summary is. It does not
//! validate the rest of the workflow syntax (steps, expressions, event names): GitHub does
//! that when the workflow runs.
//!
//! The loader reads YAML 1.2, where `on` is an ordinary string key (YAML 1.1 tools read it as
//! the boolean `true`); `on:` is therefore looked up as the key `"on"` and nothing else.

use catalogc_diagnostics::{Code, Diagnostic, quote};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{MAX_TITLE_CHARS, finding, noun, report_no_document, text_field, truncate};
use crate::yaml::{Document, escape_pointer_segment};

/// The code of findings about pipeline files.
pub(crate) const PIPELINE_CODE: Code = Code::InvalidPipeline;

/// Most jobs listed in one summary.
pub const MAX_JOBS: usize = 1_000;
/// Most triggers listed in one summary.
pub const MAX_TRIGGERS: usize = 100;
/// Longest event name kept, in characters.
const MAX_EVENT_CHARS: usize = 100;
/// Longest `uses:` reference kept, in characters.
const MAX_USES_CHARS: usize = 500;

/// The summary of one GitHub Actions workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    /// The workflow's `name:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The events of `on:`, sorted alphabetically, without duplicates (at most
    /// [`MAX_TRIGGERS`]).
    pub triggers: Vec<String>,
    /// The jobs, sorted by id (at most [`MAX_JOBS`]).
    pub jobs: Vec<Job>,
    /// The deployment environments of the jobs, sorted, without duplicates.
    pub environments: Vec<String>,
}

/// One job of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The job's key under `jobs:`.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `environment:` (a name, or the `name` of `{name, url}`), as written: it may be an
    /// expression such as `${{ inputs.target }}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The reusable workflow the job calls (`uses:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
}

/// Summarises the workflow file `file`.
///
/// Of several documents the first is read. When the file is not a workflow — not a mapping,
/// no `on:` or an `on:` that names no event, no `jobs:` mapping, no job, or a job that is not
/// a mapping — `invalid-pipeline` findings located at the offending node are pushed and
/// `None` is returned.
///
/// `documents` is what [`crate::yaml::parse`] returned for `file`; pass the same
/// `diagnostics` it reported into, so a file the loader could not read is not reported twice.
pub fn summarize_workflow(
    file: &str,
    documents: &[Document],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Workflow> {
    let Some(document) = documents.first() else {
        report_no_document(
            PIPELINE_CODE,
            file,
            "pipeline file",
            "point `pipelines:` at a GitHub Actions workflow file, or fill the file in",
            diagnostics,
        );
        return None;
    };
    let mut reader = Reader {
        file,
        document,
        found: Vec::new(),
    };
    let summary = reader.summarize();
    if reader.found.is_empty() {
        summary
    } else {
        diagnostics.append(&mut reader.found);
        None
    }
}

/// Reads one workflow document, collecting its findings.
struct Reader<'d> {
    file: &'d str,
    document: &'d Document,
    found: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn report(&mut self, pointer: &str, prefer_key: bool, message: String, help: &str) {
        self.found.push(finding(
            PIPELINE_CODE,
            self.file,
            self.document,
            pointer,
            prefer_key,
            message,
            help.to_owned(),
        ));
    }

    fn summarize(&mut self) -> Option<Workflow> {
        let document = self.document;
        let Value::Object(root) = &document.value else {
            self.report(
                "",
                false,
                format!(
                    "this pipeline file is {}, but a GitHub Actions workflow is a mapping with \
                     `on:` and `jobs:`",
                    noun(&document.value)
                ),
                "point `pipelines:` at a workflow file, usually under `.github/workflows/`",
            );
            return None;
        };
        if root.contains_key("runs") && !root.contains_key("jobs") {
            self.report(
                "/runs",
                true,
                "this is the definition of a GitHub Action (`runs:`), not a workflow".to_owned(),
                "list the workflows that use the action in `pipelines:`, usually files under \
                 `.github/workflows/`",
            );
            return None;
        }
        let triggers = self.triggers(root);
        let jobs = self.jobs(root);
        let (triggers, jobs) = (triggers?, jobs?);
        let mut environments: Vec<String> = jobs
            .iter()
            .filter_map(|job| job.environment.clone())
            .collect();
        environments.sort();
        environments.dedup();
        Some(Workflow {
            name: text_field(root.get("name"), MAX_TITLE_CHARS),
            triggers,
            jobs,
            environments,
        })
    }

    /// The events of `on:`: one name, a list of names, or a mapping of names to settings.
    fn triggers(&mut self, root: &Map<String, Value>) -> Option<Vec<String>> {
        const HELP: &str = "name the events that start the workflow, for example \
                            `on: push`, `on: [push, pull_request]` or \
                            `on: {push: {branches: [main]}}`";
        let Some(on) = root.get("on") else {
            self.report(
                "",
                false,
                "this workflow has no `on:` key saying which events start it".to_owned(),
                HELP,
            );
            return None;
        };
        let mut bad_entry = false;
        let mut events: Vec<&str> = match on {
            Value::Null => Vec::new(),
            Value::String(event) => vec![event.as_str()],
            Value::Array(items) => {
                let mut events = Vec::with_capacity(items.len().min(MAX_TRIGGERS));
                for (index, item) in items.iter().enumerate() {
                    match item {
                        Value::String(event) => events.push(event.as_str()),
                        other => {
                            bad_entry = true;
                            self.report(
                                &format!("/on/{index}"),
                                false,
                                format!(
                                    "each entry of `on:` must be an event name such as `push`, \
                                     not {}",
                                    noun(other)
                                ),
                                HELP,
                            );
                        }
                    }
                }
                events
            }
            Value::Object(map) => map.keys().map(String::as_str).collect(),
            other => {
                self.report(
                    "/on",
                    false,
                    format!(
                        "`on:` must be an event name, a list of event names or a mapping of \
                         events, not {}",
                        noun(other)
                    ),
                    HELP,
                );
                return None;
            }
        };
        events.retain(|event| !event.trim().is_empty());
        if events.is_empty() && !bad_entry {
            // An empty name, `[]` or `{}`: nothing would ever start the workflow.
            self.report(
                "/on",
                false,
                "`on:` names no event, so nothing would start this workflow".to_owned(),
                HELP,
            );
        }
        if events.is_empty() || bad_entry {
            return None;
        }
        events.sort_unstable();
        events.dedup();
        Some(
            events
                .into_iter()
                .take(MAX_TRIGGERS)
                .map(|event| truncate(event.trim(), MAX_EVENT_CHARS))
                .collect(),
        )
    }

    /// The jobs of `jobs:`, sorted by id.
    fn jobs(&mut self, root: &Map<String, Value>) -> Option<Vec<Job>> {
        const HELP: &str = "add `jobs:` with at least one job: a mapping with `runs-on:` and \
                            `steps:`, or `uses:` to call a reusable workflow";
        let jobs = match root.get("jobs") {
            Some(Value::Object(jobs)) => jobs,
            Some(other) => {
                self.report(
                    "/jobs",
                    false,
                    format!(
                        "`jobs:` must be a mapping of job ids to jobs, not {}",
                        noun(other)
                    ),
                    HELP,
                );
                return None;
            }
            None => {
                self.report(
                    "",
                    false,
                    "this workflow has no `jobs:` section".to_owned(),
                    HELP,
                );
                return None;
            }
        };
        if jobs.is_empty() {
            self.report("/jobs", false, "`jobs:` holds no job".to_owned(), HELP);
            return None;
        }
        let mut valid: Vec<(&String, &Map<String, Value>)> = Vec::with_capacity(jobs.len());
        for (id, job) in jobs {
            match job {
                Value::Object(job) => valid.push((id, job)),
                other => self.report(
                    &format!("/jobs/{}", escape_pointer_segment(id)),
                    false,
                    format!(
                        "the job {} must be a mapping with `runs-on:` and `steps:` (or `uses:`), \
                         not {}",
                        quote(id),
                        noun(other)
                    ),
                    HELP,
                ),
            }
        }
        if valid.len() < jobs.len() {
            return None;
        }
        // By id, whatever order the parsed mapping keeps, before capping.
        valid.sort_by(|a, b| a.0.cmp(b.0));
        Some(
            valid
                .into_iter()
                .take(MAX_JOBS)
                .map(|(id, job)| Job {
                    id: truncate(id, MAX_TITLE_CHARS),
                    name: text_field(job.get("name"), MAX_TITLE_CHARS),
                    environment: environment(job.get("environment")),
                    uses: text_field(job.get("uses"), MAX_USES_CHARS),
                })
                .collect(),
        )
    }
}

/// The environment a job deploys to: `environment: production` or
/// `environment: {name: staging, url: …}`.
fn environment(value: Option<&Value>) -> Option<String> {
    let value = value?;
    let name = match value {
        Value::Object(fields) => fields.get("name"),
        other => Some(other),
    };
    text_field(name, MAX_TITLE_CHARS).filter(|name| !name.is_empty())
}
