//! `catalogc explain [CODE]`: the documentation of a diagnostic code.

use catalogc_compiler::did_you_mean;
use catalogc_diagnostics::Code;

use crate::ExitStatus;
use crate::args::ExplainArgs;

pub fn run(args: &ExplainArgs) -> ExitStatus {
    let Some(name) = &args.code else {
        let width = Code::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        let mut text = String::from("Diagnostic codes (catalogc explain CODE for details):\n\n");
        for code in Code::ALL {
            text.push_str(&format!(
                "  {:width$}  {:7}  {}\n",
                code.as_str(),
                code.default_severity().as_str(),
                code.summary()
            ));
        }
        print!("{text}");
        return ExitStatus::Success;
    };
    match Code::from_name(name) {
        Some(code) => {
            print!("{}", code.documentation());
            ExitStatus::Success
        }
        None => {
            let suggestion = did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; run `catalogc explain` to list every code".to_owned());
            ExitStatus::Error(format!(
                "unknown diagnostic code `{}`{suggestion}",
                catalogc_diagnostics::sanitize(name)
            ))
        }
    }
}
