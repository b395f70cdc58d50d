//! `catalogc build --out DIR`: compile the catalog and write its bundle.

use std::sync::Arc;

use catalogc_compiler::cache::ParseCache;
use catalogc_compiler::{Compilation, CompileOptions, compile, history};
use catalogc_model::CommitEvents;

use crate::ExitStatus;
use crate::args::{BuildArgs, Format};
use crate::job_summary::JobSummary;
use crate::output;

pub fn run(args: &BuildArgs, color: bool) -> ExitStatus {
    let root = match output::root(&args.root) {
        Ok(root) => root,
        Err(message) => return ExitStatus::Error(message),
    };
    let date = match output::evaluation_date(args.date.as_deref()) {
        Ok(date) => date,
        Err(message) => return ExitStatus::Error(message),
    };
    let cache = args.history.map(|_| Arc::new(ParseCache::new()));
    let compilation = match compile(&CompileOptions {
        date,
        score: true,
        // With a history, the working tree's files seed the cache the commits are read from.
        cache: cache.clone(),
        on_scale: crate::memory::scale_hook(),
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let events = match (args.history, &cache) {
        (Some(count), Some(cache)) => match walk_history(&compilation, count, cache) {
            Ok(events) => events,
            Err(message) => return ExitStatus::Error(message),
        },
        _ => Vec::new(),
    };
    let has_findings = !compilation.diagnostics.is_empty();
    let job_summary = JobSummary::from_env().is_some();
    if (has_findings || args.format != Format::Human)
        && let Err(message) = output::report(
            &compilation,
            &compilation.diagnostics,
            args.format,
            color,
            job_summary,
        )
    {
        return ExitStatus::Error(message);
    }
    if let Some(path) = &args.sarif
        && let Err(message) = output::write_sarif(&compilation, &compilation.diagnostics, path)
    {
        return ExitStatus::Error(message);
    }
    if let Err(message) =
        output::append_job_summary("build", &compilation, &compilation.diagnostics, &[])
    {
        return ExitStatus::Error(message);
    }
    if compilation.has_errors() {
        eprintln!(
            "catalogc: the catalog has errors; nothing was written to {}",
            args.out.display()
        );
        return ExitStatus::Failure;
    }
    let written = crate::interrupt::while_writing(|cancel| {
        catalogc_emit::write_bundle(&compilation, &events, &args.out, !args.no_site, cancel)
    });
    match written {
        None | Some(Err(catalogc_emit::EmitError::Interrupted)) => ExitStatus::Interrupted,
        Some(Ok(files)) => {
            eprintln!(
                "catalogc: built {} ({}, {}, {}) from {}",
                args.out.display(),
                count(compilation.services.len(), "service"),
                count(compilation.teams.len(), "team"),
                count(files.len(), "file"),
                compilation.root.display()
            );
            if !args.no_site {
                eprintln!(
                    "catalogc: the site is at {0}; open {0}/index.html",
                    args.out.join("site").display()
                );
            }
            ExitStatus::Success
        }
        Some(Err(error)) => ExitStatus::Error(error.to_string()),
    }
}

/// The events of the last `commits` commits, with a note on standard error when fewer exist.
/// Scorecards of every commit are evaluated on the build's date, so only the catalog's changes
/// show.
fn walk_history(
    compilation: &Compilation,
    commits: u32,
    cache: &Arc<ParseCache>,
) -> Result<Vec<CommitEvents>, String> {
    let started = std::time::Instant::now();
    let asked = commits as usize;
    let history = history::history(
        &compilation.root,
        asked,
        &compilation.evaluation_date,
        cache,
    )
    .map_err(|error| format!("--history: {error}"))?;
    if history.walked < asked {
        let why = if history.shallow {
            "the repository is a shallow clone; fetch more history (git fetch --deepen, or fetch-depth: 0 in actions/checkout) for more"
        } else {
            "that is all the first-parent history from HEAD"
        };
        eprintln!(
            "catalogc: --history {asked}: only {} available; {why}",
            count(history.walked, "commit")
        );
    }
    if std::env::var_os("CATALOGC_CACHE_STATS").is_some() {
        let stats = cache.stats();
        eprintln!(
            "catalogc: history: {} walked, {} catalog trees compiled in {} ms; parse cache: {} hits, {} misses",
            history.walked,
            history.compiled,
            started.elapsed().as_millis(),
            stats.hits,
            stats.misses
        );
    }
    Ok(history.commits)
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
