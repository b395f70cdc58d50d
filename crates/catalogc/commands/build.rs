//! `catalogc build --out DIR`: compile the catalog and write its bundle.

use catalogc_compiler::{CompileOptions, compile};

use crate::ExitStatus;
use crate::args::{BuildArgs, Format};
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
    let compilation = match compile(&CompileOptions {
        date,
        score: true,
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => compilation,
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let has_findings = !compilation.diagnostics.is_empty();
    if (has_findings || args.format != Format::Human)
        && let Err(message) =
            output::report(&compilation, &compilation.diagnostics, args.format, color)
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
        catalogc_emit::write_bundle(&compilation, &args.out, cancel)
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
            ExitStatus::Success
        }
        Some(Err(error)) => ExitStatus::Error(error.to_string()),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
