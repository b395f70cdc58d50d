//! `catalogc check [PATHS…]`: compile the catalog and report findings; with `--baseline`,
//! only those the baseline does not record; with `--write-baseline`, record them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use catalogc_compiler::against::Against;
use catalogc_compiler::{CompileOptions, compile, relative_path};
use catalogc_diagnostics::baseline::{Applied, Baseline};
use catalogc_diagnostics::render::github;
use catalogc_diagnostics::{Diagnostic, Severity};

use crate::ExitStatus;
use crate::args::{CheckArgs, Format};
use crate::job_summary::JobSummary;
use crate::output;

pub fn run(args: &CheckArgs, color: bool) -> ExitStatus {
    let root = match output::root(&args.root) {
        Ok(root) => root,
        Err(message) => return ExitStatus::Error(message),
    };
    let date = match output::evaluation_date(args.date.as_deref()) {
        Ok(date) => date,
        Err(message) => return ExitStatus::Error(message),
    };
    // A baseline that cannot be read fails before the catalog is compiled.
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(baseline) => baseline,
        Err(message) => return ExitStatus::Error(message),
    };
    let started = std::time::Instant::now();
    if let Some(path) = &args.against {
        // A missing bundle is reported by the load below.
        crate::memory::large_input(std::fs::metadata(path).map_or(0, |m| m.len()));
    }
    let against = match &args.against {
        Some(path) => match Against::load(path) {
            Ok(against) => Some(Arc::new(against)),
            Err(error) => return ExitStatus::Error(error.to_string()),
        },
        None => None,
    };
    let loaded = started.elapsed();
    let compilation = match compile(&CompileOptions {
        date,
        score: false,
        against,
        on_scale: crate::memory::scale_hook(),
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    if args.against.is_some() && std::env::var_os("CATALOGC_CACHE_STATS").is_some() {
        eprintln!(
            "catalogc: bundle read in {} ms, catalog compiled in {} ms",
            loaded.as_millis(),
            (started.elapsed() - loaded).as_millis()
        );
    }
    if let Some(path) = &args.write_baseline {
        return write_baseline(&compilation.diagnostics, path);
    }
    let selected = match selected_files(&compilation.root, &args.paths) {
        Ok(selected) => selected,
        Err(message) => return ExitStatus::Error(message),
    };
    // The baseline applies to the whole catalog's findings, so an entry counts as fixed only
    // when its finding is gone everywhere, not merely outside PATHS.
    let (candidates, notes) = match (&baseline, &args.baseline) {
        (Some(baseline), Some(path)) => {
            let applied = baseline.apply(&compilation.diagnostics);
            let notes = baseline_notes(&applied, path);
            (applied.new, notes)
        }
        _ => (compilation.diagnostics.clone(), Vec::new()),
    };
    let diagnostics: Vec<_> = candidates
        .into_iter()
        .filter(|d| match &selected {
            None => true,
            // Findings in the named files, and every error elsewhere (SPEC 5).
            Some(files) => {
                d.severity == Severity::Error
                    || d.file.as_ref().is_some_and(|file| files.contains(file))
            }
        })
        .collect();
    let job_summary = JobSummary::from_env().is_some();
    if let Err(message) =
        output::report(&compilation, &diagnostics, args.format, color, job_summary)
    {
        return ExitStatus::Error(message);
    }
    for note in &notes {
        if args.format == Format::Github {
            eprintln!(
                "::notice title={}::{}",
                github::escape_property("catalogc baseline"),
                github::escape_data(note)
            );
        } else {
            eprintln!("catalogc: {note}");
        }
    }
    if let Some(path) = &args.sarif
        && let Err(message) = output::write_sarif(&compilation, &diagnostics, path)
    {
        return ExitStatus::Error(message);
    }
    if let Err(message) = output::append_job_summary("check", &compilation, &diagnostics, &notes) {
        return ExitStatus::Error(message);
    }
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
    if errors || (args.deny_warnings && warnings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// `--write-baseline FILE`: records every finding and succeeds, whatever they are.
fn write_baseline(diagnostics: &[Diagnostic], path: &Path) -> ExitStatus {
    let baseline = Baseline::record(diagnostics);
    if let Err(message) = output::write_file(path, &baseline.to_json()) {
        return ExitStatus::Error(message);
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!(
        "catalogc: recorded {} in {} ({}, {}); `catalogc check --baseline {}` reports only new ones",
        plural(diagnostics.len(), "finding"),
        path.display(),
        plural(errors, "error"),
        plural(diagnostics.len() - errors, "warning"),
        path.display()
    );
    ExitStatus::Success
}

fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What the baseline excused and which of its entries are fixed, one line each.
fn baseline_notes(applied: &Applied, path: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    if applied.known > 0 {
        let verb = if applied.known == 1 { "is" } else { "are" };
        notes.push(format!(
            "{} recorded in the baseline {} {verb} not reported",
            plural(applied.known, "known finding"),
            path.display()
        ));
    }
    if applied.stale > 0 {
        let (entries, match_) = if applied.stale == 1 {
            ("1 baseline entry", "matches")
        } else {
            (&*format!("{} baseline entries", applied.stale), "match")
        };
        notes.push(format!(
            "{entries} {match_} no finding any more (fixed): shrink the baseline with `catalogc check --write-baseline {}`",
            path.display()
        ));
    }
    notes
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The catalog-relative forms of PATHS; `None` when no paths were given (the whole catalog).
fn selected_files(root: &Path, paths: &[PathBuf]) -> Result<Option<BTreeSet<String>>, String> {
    if paths.is_empty() {
        return Ok(None);
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let mut files = BTreeSet::new();
    for path in paths {
        let absolute = if path.is_absolute() {
            path.clone()
        } else {
            cwd.join(path)
        };
        // Resolve symlinks in the directories, not in the file name: a symlinked descriptor
        // is reported under its own path.
        let resolved = match (absolute.parent(), absolute.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                .map(|dir| dir.join(name))
                .unwrap_or_else(|_| absolute.clone()),
            _ => absolute.clone(),
        };
        if !resolved.starts_with(root) {
            return Err(format!(
                "{} is not inside the catalog root {}",
                path.display(),
                root.display()
            ));
        }
        files.insert(relative_path(root, &resolved));
    }
    Ok(Some(files))
}
