//! Built-in scorecards (SPEC 1.3): the offline counterparts of Konnect's four scorecard
//! templates, enabled by name with `builtinScorecards` in `catalog.yaml`.
//!
//! Each is an ordinary Scorecard descriptor (`builtin/<name>.yaml`, embedded in the binary)
//! assembled from the [`templates`](super::templates), with a bronze/silver/gold ladder. The
//! scoring stage reads them through the same loader and validation as the catalog's own
//! scorecards, so findings in them would point at `builtin/<name>.yaml`; the tests below
//! keep them valid.

/// The built-in scorecards, in the order of SPEC 1.3, with their file names and texts.
const SCORECARDS: [(&str, &str, &str); 4] = [
    (
        "service-maturity",
        "builtin/service-maturity.yaml",
        include_str!("builtin/service-maturity.yaml"),
    ),
    (
        "service-documentation",
        "builtin/service-documentation.yaml",
        include_str!("builtin/service-documentation.yaml"),
    ),
    (
        "kong-best-practices",
        "builtin/kong-best-practices.yaml",
        include_str!("builtin/kong-best-practices.yaml"),
    ),
    (
        "security-and-compliance",
        "builtin/security-and-compliance.yaml",
        include_str!("builtin/security-and-compliance.yaml"),
    ),
];

const NAMES: [&str; 4] = [
    SCORECARDS[0].0,
    SCORECARDS[1].0,
    SCORECARDS[2].0,
    SCORECARDS[3].0,
];

/// The names of the built-in scorecards: `service-maturity`, `service-documentation`,
/// `kong-best-practices`, `security-and-compliance`.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

/// The file name (`builtin/<name>.yaml`, used in findings) and YAML text of the built-in
/// scorecard `name`.
pub fn source(name: &str) -> Option<(&'static str, &'static str)> {
    SCORECARDS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, file, text)| (*file, *text))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use catalogc_model::{BuiltinScorecard, Kind, Scorecard};

    use super::*;
    use crate::score::templates;
    use crate::validate::CompiledSchema;
    use crate::yaml::{Mode, StructureLimits, parse};

    fn scorecard(name: &str) -> (crate::yaml::Document, Scorecard) {
        let (file, text) = source(name).expect("a built-in scorecard");
        let mut diagnostics = Vec::new();
        let mut documents = parse(
            file,
            text,
            Mode::Strict,
            StructureLimits::DESCRIPTOR,
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{file}: {diagnostics:?}");
        assert_eq!(documents.len(), 1, "{file} holds one document");
        let document = documents.remove(0);
        let scorecard: Scorecard = serde_json::from_value(document.value.clone())
            .unwrap_or_else(|e| panic!("{file} is a Scorecard: {e}"));
        (document, scorecard)
    }

    #[test]
    fn names_match_the_catalog_setting() {
        // `builtinScorecards` in catalog.yaml accepts exactly these names.
        let from_model: Vec<String> = [
            BuiltinScorecard::ServiceMaturity,
            BuiltinScorecard::ServiceDocumentation,
            BuiltinScorecard::KongBestPractices,
            BuiltinScorecard::SecurityAndCompliance,
        ]
        .iter()
        .map(|b| {
            serde_json::to_value(b)
                .expect("serialises")
                .as_str()
                .expect("a name")
                .to_owned()
        })
        .collect();
        assert_eq!(names(), from_model.as_slice());
        assert_eq!(source("production-readiness"), None);
    }

    #[test]
    fn every_builtin_is_a_valid_scorecard_of_its_name() {
        let schema = CompiledSchema::builtin(Kind::Scorecard);
        for name in names() {
            let (document, scorecard) = scorecard(name);
            let (file, _) = source(name).expect("listed");
            assert_eq!(file, format!("builtin/{name}.yaml"));
            assert_eq!(scorecard.name.as_str(), *name);
            assert!(
                schema.validator.is_valid(&document.value),
                "{name} satisfies the Scorecard schema"
            );
            assert!(scorecard.title.is_some() && scorecard.description.is_some());
            assert!(scorecard.applies_to.is_some());
            let levels: Vec<&str> = scorecard.levels.iter().map(|l| l.as_str()).collect();
            assert_eq!(levels, ["bronze", "silver", "gold"], "{name}");
        }
    }

    #[test]
    fn every_criterion_uses_a_configurable_template_at_a_level_of_the_ladder() {
        for name in names() {
            let (_, scorecard) = scorecard(name);
            let mut seen = BTreeSet::new();
            let mut levels_used = BTreeSet::new();
            for criterion in &scorecard.criteria {
                let label = format!("{name}/{}", criterion.name);
                assert!(seen.insert(criterion.name.as_str()), "{label} is unique");
                assert!(criterion.check.is_none(), "{label} uses a template");
                let uses = criterion.uses.as_ref().expect("`uses`");
                let template = templates::find(uses)
                    .unwrap_or_else(|| panic!("{label}: no template `{uses}`"));
                if let Err(message) = templates::configure(template, criterion.with.as_ref()) {
                    panic!("{label}: {message}");
                }
                let level = criterion.level.as_ref().expect("a level");
                assert!(scorecard.levels.contains(level), "{label}: level {level}");
                levels_used.insert(level.as_str());
                assert!(criterion.section.is_some(), "{label} has a section");
                assert!(criterion.title.is_some(), "{label} has a title");
                assert!(criterion.message.is_some(), "{label} says how to fix it");
                assert!(criterion.weight >= 1, "{label} weighs in the score");
            }
            assert_eq!(levels_used.len(), 3, "{name} has criteria at every level");
        }
    }
}
