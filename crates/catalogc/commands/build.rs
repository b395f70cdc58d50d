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
    let compilation = match compile(&CompileOptions { root }) {
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
    match catalogc_emit::write_bundle(&compilation, &args.out) {
        Ok(files) => {
            eprintln!(
                "catalogc: built {} ({} services, {} teams, {} files) from {}",
                args.out.display(),
                compilation.services.len(),
                compilation.teams.len(),
                files.len(),
                compilation.root.display()
            );
            ExitStatus::Success
        }
        Err(error) => ExitStatus::Error(error.to_string()),
    }
}
