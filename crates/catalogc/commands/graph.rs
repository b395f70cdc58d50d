//! `catalogc graph [SERVICE]`: the dependency graph, or one service's neighbourhood.

use catalogc_compiler::{CompileOptions, compile, did_you_mean};
use catalogc_emit::graph::View;

use crate::ExitStatus;
use crate::args::{GraphArgs, GraphFormat};
use crate::output;

pub fn run(args: &GraphArgs) -> ExitStatus {
    let root = match output::root(&args.root) {
        Ok(root) => root,
        Err(message) => return ExitStatus::Error(message),
    };
    let compilation = match compile(&CompileOptions {
        on_scale: crate::memory::scale_hook(),
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let view = match &args.service {
        None => View::all(&compilation),
        Some(service) => {
            let (upstream, downstream) = match (args.upstream, args.downstream) {
                (false, false) => (true, true),
                pair => pair,
            };
            let depth = args.depth.unwrap_or(2);
            match View::around(&compilation, service, upstream, downstream, depth) {
                Some(view) => view,
                None => {
                    let names = compilation.graph.names().iter().map(String::as_str);
                    let hint = did_you_mean(service, names)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    return ExitStatus::Error(format!(
                        "no service named `{}` in the catalog{hint}",
                        catalogc_diagnostics::sanitize(service)
                    ));
                }
            }
        }
    };
    let text = match args.format {
        GraphFormat::Dot => view.dot(),
        GraphFormat::Mermaid => view.mermaid(),
        GraphFormat::Json => {
            let mut text = serde_json::to_string_pretty(&view.json()).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    if let Err(message) = output::write_stdout(&text) {
        return ExitStatus::Error(message);
    }
    if compilation.has_errors() {
        let errors = compilation
            .diagnostics
            .iter()
            .filter(|d| d.severity == catalogc_diagnostics::Severity::Error)
            .count();
        eprintln!(
            "catalogc: the catalog has {errors} error{}; the graph leaves out what could not be read. Run `catalogc check` for details.",
            if errors == 1 { "" } else { "s" }
        );
        return ExitStatus::Failure;
    }
    ExitStatus::Success
}
