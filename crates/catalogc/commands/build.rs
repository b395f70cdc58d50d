//! `catalogc build --out DIR`: compile the catalog and write its bundle.

use catalogc_compiler::{CompileOptions, compile};

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
    let compilation = match compile(&CompileOptions {
        date,
        score: true,
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => compilation,
        Err(error) => return ExitStatus::Error(error.to_string()),
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
        catalogc_emit::write_bundle(&compilation, &args.out, !args.no_site, cancel)
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

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
