//! Name-level checks over the loaded entities: `duplicate-name` and `unknown-team`.

use std::collections::{BTreeMap, BTreeSet};

use catalogc_diagnostics::{Code, Diagnostic, quote};
use catalogc_model::{Name, Scorecard, Service, Team};

use crate::Entity;
use crate::suggest::did_you_mean;

pub fn check(
    services: &[Entity<Service>],
    teams: &[Entity<Team>],
    scorecards: &[Entity<Scorecard>],
    focus: Option<&[bool]>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    duplicates("service", services, |s| &s.name, diagnostics);
    duplicates("team", teams, |t| &t.name, diagnostics);
    duplicates("scorecard", scorecards, |s| &s.name, diagnostics);

    let team_names: BTreeSet<&str> = teams.iter().map(|t| t.value.name.as_str()).collect();
    let unknown = |entity_file: &str,
                   span: catalogc_diagnostics::Span,
                   pointer: String,
                   what: &str,
                   name: &Name| {
        let mut diagnostic = Diagnostic::new(
            Code::UnknownTeam,
            format!(
                "{what} names the team {}, which is not in the catalog",
                quote(name)
            ),
        )
        .at(entity_file, span)
        .with_pointer(pointer);
        diagnostic = match did_you_mean(name, team_names.iter().copied()) {
            Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
            None if team_names.is_empty() => diagnostic
                .with_help("the catalog has no Team descriptors yet; add one with this name"),
            None => diagnostic.with_help("add a Team descriptor with this name, or fix the name"),
        };
        diagnostic
    };
    for (position, service) in services.iter().enumerate() {
        if focus.is_some_and(|focus| !focus[position]) {
            continue;
        }
        let owner = &service.value.owner;
        if !team_names.contains(owner.as_str()) {
            diagnostics.push(unknown(
                &service.file,
                service.span("/owner", false),
                "/owner".to_owned(),
                "`owner`",
                owner,
            ));
        }
        for (index, team) in service.value.additional_owners.iter().enumerate() {
            if !team_names.contains(team.as_str()) {
                let pointer = format!("/additionalOwners/{index}");
                diagnostics.push(unknown(
                    &service.file,
                    service.span(&pointer, false),
                    pointer,
                    "`additionalOwners`",
                    team,
                ));
            }
        }
    }
    for team in teams {
        if let Some(parent) = &team.value.parent
            && !team_names.contains(parent.as_str())
        {
            diagnostics.push(unknown(
                &team.file,
                team.span("/parent", false),
                "/parent".to_owned(),
                "`parent`",
                parent,
            ));
        }
    }
}

/// Reports every entity whose name an earlier one (in name, file order) already uses,
/// pointing at both.
fn duplicates<T>(
    noun: &str,
    entities: &[Entity<T>],
    name_of: impl Fn(&T) -> &Name,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Entities come sorted by name, so a name's first use is the start of its run; a map
    // of every name is only needed when a caller passes them otherwise.
    let sorted = entities.is_sorted_by(|a, b| name_of(&a.value) <= name_of(&b.value));
    let mut first: BTreeMap<&str, &Entity<T>> = BTreeMap::new();
    let mut run: Option<&Entity<T>> = None;
    for entity in entities {
        let name = name_of(&entity.value);
        let original = if sorted {
            match run {
                Some(start) if name_of(&start.value) == name => Some(start),
                _ => {
                    run = Some(entity);
                    None
                }
            }
        } else {
            match first.get(name.as_str()) {
                None => {
                    first.insert(name.as_str(), entity);
                    None
                }
                Some(original) => Some(*original),
            }
        };
        if let Some(original) = original {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("the {noun} name {} is already used", quote(name)),
                )
                .at(&entity.file, entity.span("/name", false))
                .with_pointer("/name")
                .with_related(
                    &original.file,
                    Some(original.span("/name", false)),
                    format!("{noun} {} first defined here", quote(name)),
                )
                .with_help(format!(
                    "{noun} names must be unique across the catalog; rename one"
                )),
            );
        }
    }
}
