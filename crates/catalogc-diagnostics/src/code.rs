//! The registry of diagnostic codes.
//!
//! Every finding catalogc reports carries one of these codes. Codes are stable, kebab-case
//! identifiers (SPEC section 3): users silence or promote them by name in `catalog.yaml`
//! `rules:`, baselines key on them, and `catalogc explain CODE` prints their documentation.

use std::fmt;

use crate::Severity;

macro_rules! codes {
    ($( $variant:ident => $name:literal, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $summary] $variant, )*
        }

        impl Code {
            /// Every registered code, in registry order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The kebab-case name users see and write in `rules:`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The severity a finding has unless `rules:` overrides it.
            pub const fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line saying what the code means.
            pub const fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// The full documentation page printed by `catalogc explain`.
            pub const fn documentation(self) -> &'static str {
                match self { $( Code::$variant => include_str!(concat!("../docs/", $name, ".md")), )* }
            }
        }
    };
}

codes! {
    YamlSyntax => "yaml-syntax", Error,
        "not parseable YAML (also: bad UTF-8, control characters, tabs, encodings other than UTF-8)";
    YamlLimits => "yaml-limits", Error,
        "over a limit: size, depth, alias expansion, document count, list length, number range";
    DuplicateKey => "duplicate-key", Error,
        "a mapping repeats a key";
    EmptyFile => "empty-file", Error,
        "a descriptor file holds no YAML document";
    SchemaViolation => "schema-violation", Error,
        "fails the kind's JSON Schema or the extension schema";
    UnknownKind => "unknown-kind", Error,
        "`apiVersion`/`kind` not supported";
    DuplicateName => "duplicate-name", Error,
        "two entities of one kind share a name";
    UnknownTeam => "unknown-team", Error,
        "owner / additionalOwners / parent names no Team";
    UnknownService => "unknown-service", Error,
        "`dependsOn` names no Service";
    UnknownApi => "unknown-api", Error,
        "`apis.consumes` names an API nobody provides";
    SelfDependency => "self-dependency", Error,
        "a service lists itself in `dependsOn`";
    DependencyCycle => "dependency-cycle", Warning,
        "services depend on each other in a cycle";
    TeamCycle => "team-cycle", Error,
        "team parent chain loops";
    UnknownIntegration => "unknown-integration", Error,
        "a resource key names an integration not configured";
    UnknownResource => "unknown-resource", Error,
        "a mapped resource is not in its integration's inventory";
    UnmappedResource => "unmapped-resource", Warning,
        "an inventory resource that no service maps";
    InvalidInventory => "invalid-inventory", Error,
        "an inventory snapshot is unreadable or not of its format";
    MissingFile => "missing-file", Error,
        "a docs / spec / pipeline path does not exist in the repository";
    PathEscape => "path-escape", Error,
        "a path leaves its repository (`..`, absolute, symlink out, special file)";
    InvalidApiSpec => "invalid-api-spec", Error,
        "an API spec is not a valid OpenAPI/AsyncAPI document";
    InvalidPipeline => "invalid-pipeline", Error,
        "a `pipelines` file is not a GitHub Actions workflow";
    DeprecatedDependency => "deprecated-dependency", Warning,
        "a live service depends on a deprecated or retired one";
    InvalidScorecard => "invalid-scorecard", Error,
        "a CEL expression or template use that does not compile";
    ExpiredExemption => "expired-exemption", Warning,
        "a scorecard exemption whose expiry date has passed";
    InvalidExtensionSchema => "invalid-extension-schema", Error,
        "the organisation's extension schema cannot be loaded or compiled";
}

impl Code {
    /// Looks a code up by its kebab-case name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let names: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len(), "duplicate code names");
        for name in names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name).map(Code::as_str), Some(name));
        }
    }

    #[test]
    fn every_code_has_a_complete_documentation_page() {
        for code in Code::ALL {
            let doc = code.documentation();
            assert!(
                doc.starts_with(&format!("# {}\n", code.as_str())),
                "{code}: page must start with its title"
            );
            let severity = format!("Default severity: {}", code.default_severity().as_str());
            assert!(
                doc.contains(&severity),
                "{code}: page must state `{severity}`"
            );
            for section in ["## Why it matters", "## Example", "## How to fix"] {
                assert!(doc.contains(section), "{code}: page lacks `{section}`");
            }
        }
    }
}
