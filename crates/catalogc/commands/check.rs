//! `catalogc check [PATHS…]`: compile the catalog and report findings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use catalogc_compiler::against::Against;
use catalogc_compiler::{CompileOptions, compile, relative_path};
use catalogc_diagnostics::Severity;

use crate::ExitStatus;
use crate::args::CheckArgs;
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
    let against = match &args.against {
        Some(path) => match Against::load(path) {
            Ok(against) => Some(Arc::new(against)),
            Err(error) => return ExitStatus::Error(error.to_string()),
        },
        None => None,
    };
    let compilation = match compile(&CompileOptions {
        date,
        score: false,
        against,
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => compilation,
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let selected = match selected_files(&compilation.root, &args.paths) {
        Ok(selected) => selected,
        Err(message) => return ExitStatus::Error(message),
    };
    let diagnostics: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| match &selected {
            None => true,
            // Findings in the named files, and every error elsewhere (SPEC 5).
            Some(files) => {
                d.severity == Severity::Error
                    || d.file.as_ref().is_some_and(|file| files.contains(file))
            }
        })
        .cloned()
        .collect();
    if let Err(message) = output::report(&compilation, &diagnostics, args.format, color) {
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
