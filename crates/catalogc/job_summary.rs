//! GitHub Actions job summaries: Markdown that commands append to the file named by
//! `$GITHUB_STEP_SUMMARY`, shown on the run's summary page.
//!
//! Each command appends one section (`check` and `build` their findings, `build` also the
//! scorecard levels); several commands of one step append to the same file, so a section
//! never assumes it is alone. GitHub refuses a step's summary above 1 MiB: the finding list is
//! cut to what is left of that budget.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use catalogc_compiler::Compilation;
use catalogc_diagnostics::render::{human, markdown};
use catalogc_diagnostics::{Diagnostic, Summary};

/// The most GitHub accepts in one step's summary file.
const MAX_BYTES: usize = 1024 * 1024;
/// Room kept for what other commands of the step may append after us.
const RESERVE_BYTES: usize = 64 * 1024;

/// The step summary file of the running GitHub Actions step.
pub struct JobSummary {
    path: PathBuf,
}

impl JobSummary {
    /// The file named by `$GITHUB_STEP_SUMMARY`, when set and not empty.
    pub fn from_env() -> Option<JobSummary> {
        std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|path| !path.is_empty())
            .map(|path| JobSummary { path: path.into() })
    }

    /// Bytes still free in this step's summary.
    pub fn budget(&self) -> usize {
        let used = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        MAX_BYTES.saturating_sub(usize::try_from(used).unwrap_or(usize::MAX))
    }

    /// Appends `markdown` (a section: it is separated from what precedes it by a blank line).
    pub fn append(&self, markdown: &str) -> Result<(), String> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| format!("cannot open the job summary {}: {e}", self.path.display()))?;
        let mut text = String::with_capacity(markdown.len() + 2);
        text.push_str(markdown);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
        file.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the job summary {}: {e}", self.path.display()))
    }
}

/// Where finding locations link to: the commit being checked on GitHub, when the workflow
/// environment names it (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA`).
pub fn link_base() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let server = var("GITHUB_SERVER_URL")?;
    let repository = var("GITHUB_REPOSITORY")?;
    let sha = var("GITHUB_SHA")?;
    let safe = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
    };
    (safe(&server) && safe(&repository) && sha.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("{}/{repository}/blob/{sha}", server.trim_end_matches('/')))
}

/// The findings section of `catalogc <command>`: a headline with the counts, `notes` (e.g.
/// what a baseline left out), a table of counts per code, and every finding in a collapsible
/// list cut to `budget` bytes.
pub fn findings_section(
    command: &str,
    compilation: &Compilation,
    diagnostics: &[Diagnostic],
    prefix: &str,
    notes: &[String],
    budget: usize,
) -> String {
    let summary = Summary::count(
        diagnostics,
        compilation.files_read,
        compilation.services.len(),
    );
    let mark = if summary.errors > 0 {
        "❌"
    } else if summary.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut out = format!(
        "### {mark} catalogc {command}: {}\n",
        human::summary_line(&summary)
    );
    let root = if prefix.is_empty() { "." } else { prefix };
    let _ = writeln!(
        out,
        "\nCatalog `{}` at `{}`.",
        markdown::escape(compilation.catalog.name.as_str()),
        markdown::escape(root)
    );
    for note in notes {
        let _ = writeln!(out, "\n{}", markdown::escape(note));
    }
    if !diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", markdown::counts(diagnostics));
        let left = budget.saturating_sub(out.len() + RESERVE_BYTES);
        out.push_str(&markdown::details(
            diagnostics,
            prefix,
            link_base().as_deref(),
            left,
        ));
    }
    out
}

/// The scorecard levels section: per scorecard, how many services reached each level.
/// Empty when no scorecard was evaluated.
pub fn scorecards_section(compilation: &Compilation) -> String {
    let summaries = &compilation.scores.scorecards;
    if summaries.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "#### Scorecards\n\nEvaluated on {}.\n\n| scorecard | services | levels |\n|---|---:|---|\n",
        compilation.evaluation_date
    );
    for summary in summaries {
        let levels = crate::commands::score::level_counts(summary);
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            markdown::escape(summary.definition.name.as_str()),
            summary.services,
            if levels.is_empty() {
                "–".to_owned()
            } else {
                markdown::escape(&levels)
            }
        );
    }
    out
}
