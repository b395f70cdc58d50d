//! Shared output plumbing: colour decision, root selection, and rendering in each format.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use catalogc_compiler::Compilation;
use catalogc_diagnostics::render::{github, human, json, sarif};
use catalogc_diagnostics::{Diagnostic, Summary};

use crate::args::{ColorChoice, Format, RootArgs};
use crate::job_summary::{self, JobSummary};

/// Keeps `value` until the process exits without ever freeing it. Commands wrap their
/// compilation in it: they end right after their output, when the kernel takes the whole
/// heap back at once, while freeing a large catalog's values one allocation at a time is
/// single-threaded work the user waits for (BENCHMARKS.md, "Latest round"). Only for plain data:
/// nothing that must flush or clean up when dropped.
pub fn until_exit<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}

/// Whether human output is coloured: `always`, or `auto` on a terminal without `NO_COLOR`.
pub fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The catalog root: `--root`, else the nearest ancestor with catalog.yaml, else the working
/// directory.
pub fn root(args: &RootArgs) -> Result<PathBuf, String> {
    match &args.root {
        Some(root) => Ok(root.clone()),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the working directory: {e}"))?;
            Ok(catalogc_compiler::find_root(&cwd))
        }
    }
}

/// The scorecards' evaluation date from `--date`, else `SOURCE_DATE_EPOCH`; `None` leaves
/// the choice to the compiler (the `HEAD` commit's date, else today).
pub fn evaluation_date(date: Option<&str>) -> Result<Option<String>, String> {
    if let Some(date) = date {
        if !catalogc_compiler::score::run::valid_date(date) {
            return Err(format!(
                "--date {} is not a calendar date; write it as YYYY-MM-DD",
                catalogc_diagnostics::sanitize(date)
            ));
        }
        return Ok(Some(date.to_owned()));
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) if !epoch.is_empty() => match epoch.trim().parse::<i64>() {
            Ok(seconds) => Ok(Some(catalogc_compiler::score::date_of_epoch(seconds))),
            Err(_) => Err(format!(
                "SOURCE_DATE_EPOCH={} is not a number of seconds",
                catalogc_diagnostics::sanitize(&epoch)
            )),
        },
        _ => Ok(None),
    }
}

/// Renders `diagnostics` in `format` to standard output. `job_summary`: whether the full list
/// goes to a job summary too (GitHub annotations point there for what they leave out).
pub fn report(
    compilation: &Compilation,
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    job_summary: bool,
) -> Result<(), String> {
    let summary = Summary::count(
        diagnostics,
        compilation.files_read,
        compilation.service_count(),
    );
    let text = match format {
        Format::Human => human::render(diagnostics, &compilation.sources, &summary, color),
        Format::Json => json::render(diagnostics, &summary),
        Format::Github => github::render(diagnostics, &path_prefix(&compilation.root), job_summary),
        Format::Sarif => sarif_log(compilation, diagnostics),
    };
    write_stdout(&text)
}

/// The SARIF log of `diagnostics`.
fn sarif_log(compilation: &Compilation, diagnostics: &[Diagnostic]) -> String {
    sarif::render(
        diagnostics,
        &path_prefix(&compilation.root),
        env!("CARGO_PKG_VERSION"),
    )
}

/// Writes the SARIF log of `diagnostics` to `path` (`--sarif FILE`).
pub fn write_sarif(
    compilation: &Compilation,
    diagnostics: &[Diagnostic],
    path: &Path,
) -> Result<(), String> {
    write_file(path, &sarif_log(compilation, diagnostics))
}

/// Writes `text` to `path` through a temporary file beside it, so a reader never sees half a
/// file and a failed write leaves the old one.
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let mut staging = name.to_os_string();
    staging.push(".catalogc-tmp");
    let staging = dir.join(staging);
    std::fs::write(&staging, text)
        .and_then(|()| std::fs::rename(&staging, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&staging);
            format!("cannot write {}: {e}", path.display())
        })
}

/// Appends the findings section (and, with scores, the scorecard levels) of `command` to the
/// job summary, when `$GITHUB_STEP_SUMMARY` names one.
pub fn append_job_summary(
    command: &str,
    compilation: &Compilation,
    diagnostics: &[Diagnostic],
    notes: &[String],
) -> Result<(), String> {
    let Some(summary) = JobSummary::from_env() else {
        return Ok(());
    };
    let mut section = job_summary::findings_section(
        command,
        compilation,
        diagnostics,
        &path_prefix(&compilation.root),
        notes,
        summary.budget(),
    );
    let scorecards = job_summary::scorecards_section(compilation);
    if !scorecards.is_empty() {
        section.push('\n');
        section.push_str(&scorecards);
    }
    summary.append(&section)
}

/// Writes `text` to standard output; a closed pipe (`catalogc check | head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

/// The prefix that makes catalog-relative paths relative to what GitHub resolves them from:
/// `$GITHUB_WORKSPACE` when the root is inside it, else the enclosing git work tree, else
/// nothing (SPEC 3).
pub fn path_prefix(root: &Path) -> String {
    let base = std::env::var_os("GITHUB_WORKSPACE")
        .filter(|w| !w.is_empty())
        .and_then(|w| std::fs::canonicalize(w).ok())
        .filter(|w| root.starts_with(w))
        .or_else(|| git_work_tree(root));
    match base {
        Some(base) => catalogc_compiler::relative_path(&base, root),
        None => String::new(),
    }
}

/// The nearest ancestor of `root` (itself included) holding `.git`.
fn git_work_tree(root: &Path) -> Option<PathBuf> {
    root.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}
