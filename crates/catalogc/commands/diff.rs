//! `catalogc diff --base REV [--head REV]`: compile the catalog at two revisions and report
//! the events between them.

use std::sync::Arc;

use catalogc_compiler::cache::ParseCache;
use catalogc_compiler::revision::Revision;
use catalogc_compiler::{Compilation, CompileOptions, compile, events};
use catalogc_diagnostics::render::human;
use catalogc_diagnostics::{Severity, Summary};
use catalogc_model::DiffRevision;

use crate::ExitStatus;
use crate::args::{DiffArgs, DiffFormat};
use crate::job_summary::JobSummary;
use crate::output;

pub fn run(args: &DiffArgs) -> ExitStatus {
    let root = match output::root(&args.root) {
        Ok(root) => root,
        Err(message) => return ExitStatus::Error(message),
    };
    let root = match std::fs::canonicalize(&root) {
        Ok(root) => root,
        Err(error) => {
            return ExitStatus::Error(format!(
                "cannot read the catalog root {}: {error}",
                root.display()
            ));
        }
    };
    let date = match output::evaluation_date(args.date.as_deref()) {
        Ok(Some(date)) => date,
        // Both sides are scored on one date, so only the catalog's changes show.
        Ok(None) => catalogc_compiler::score::evaluation_date(&root, None),
        Err(message) => return ExitStatus::Error(message),
    };
    let open = |revision: &str| Revision::open(&root, revision).map(Arc::new);
    // Each revision's tree is indexed on its own thread (a large catalog's trees take a
    // while to walk); a base that cannot be read is reported first.
    let (base, head) = std::thread::scope(|scope| {
        let head = scope.spawn(|| args.head.as_deref().map(open).transpose());
        let base = open(&args.base);
        // A panic while indexing is a defect: the hook reports it like one on this thread.
        let head = head
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (base, head)
    });
    let base = match base {
        Ok(base) => base,
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let head = match head {
        Ok(head) => head,
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let started = std::time::Instant::now();
    let cache = output::until_exit(Arc::new(ParseCache::new()));
    let options = |revision: Option<Arc<Revision>>| CompileOptions {
        date: Some(date.clone()),
        score: true,
        revision,
        cache: Some(Arc::clone(&cache)),
        on_scale: crate::memory::scale_hook(),
        ..CompileOptions::check(root.clone())
    };
    // The head first: the working tree is read in full anyway, and the base then finds
    // every unchanged file in the cache without reading its blob.
    let head_compilation = match compile(&options(head.clone())) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let head_done = started.elapsed();
    let base_compilation = match compile(&options(Some(Arc::clone(&base)))) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let base_done = started.elapsed();
    if std::env::var_os("CATALOGC_CACHE_STATS").is_some() {
        let stats = cache.stats();
        eprintln!(
            "catalogc: parse cache: {} hits, {} misses, {} entries; head compiled in {} ms, base in {} ms",
            stats.hits,
            stats.misses,
            stats.entries,
            head_done.as_millis(),
            (base_done - head_done).as_millis()
        );
    }
    let revision = |revision: Option<&Revision>| match revision {
        Some(revision) => DiffRevision {
            revision: revision.name().to_owned(),
            commit: Some(revision.commit().to_string()),
        },
        None => DiffRevision {
            revision: "working tree".to_owned(),
            commit: None,
        },
    };
    let diff = events::diff(
        &base_compilation,
        &head_compilation,
        revision(Some(&base)),
        revision(head.as_deref()),
    );
    let markdown = catalogc_emit::diff::markdown(&diff);
    // In a GitHub Actions step the report also goes to the job summary, whatever `--format`.
    if let Some(summary) = JobSummary::from_env()
        && let Err(message) = summary.append(&summary_section(&markdown, summary.budget()))
    {
        return ExitStatus::Error(message);
    }
    let text = match args.format {
        DiffFormat::Markdown => markdown,
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&diff).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    if let Err(message) = output::write_stdout(&text) {
        return ExitStatus::Error(message);
    }
    if head_compilation.has_errors() {
        report_errors(&head_compilation);
        return ExitStatus::Failure;
    }
    ExitStatus::Success
}

/// The diff's Markdown for the job summary, or, when it would not fit in the `budget` left of
/// the step's summary (GitHub refuses more than 1 MiB), its headline and a pointer to the full
/// report.
fn summary_section(markdown: &str, budget: usize) -> String {
    // Room for what other commands of the step may append.
    const RESERVE_BYTES: usize = 64 * 1024;
    if markdown.len() + RESERVE_BYTES <= budget {
        return markdown.to_owned();
    }
    let mut out = String::new();
    // The headline: what precedes the first table or collapsible section.
    for line in markdown
        .lines()
        .take_while(|line| !line.starts_with('|') && !line.starts_with("<details>"))
    {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(
        "\nThe full report is too long for the job summary: run `catalogc diff` for it.\n",
    );
    out
}

/// The head's errors, rendered for people on standard error (standard output holds the
/// report).
fn report_errors(compilation: &Compilation) {
    let errors: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    let summary = Summary::count(&errors, compilation.files_read, compilation.services.len());
    eprint!(
        "{}",
        human::render(&errors, &compilation.sources, &summary, false)
    );
}
