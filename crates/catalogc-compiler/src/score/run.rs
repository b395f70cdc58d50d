//! Compiling scorecards and scoring every service.
//!
//! Scorecards (the catalog's own and the enabled built-ins) are validated and compiled once:
//! CEL expressions through the [`RuleEngine`], template uses through
//! [`templates::configure`]. Then every service is scored in parallel: its variables are
//! bound once, each scorecard's `appliesTo` decides whether it gets an entry, and each
//! criterion gives an [`Outcome`] (exemptions in force make it `exempt`). Levels and scores
//! follow SPEC 1.3.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use catalogc_diagnostics::{Code, Diagnostic, Position, Span, quote};
use catalogc_model::{Scorecard, Service, Team};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::engine::{RuleEngine, RuleError, Usage, Variables};
use super::templates::{self, Configured};
use super::{Outcome, Subject, Verdict, builtin};
use crate::mapping::Mapping;
use crate::references::ServiceFiles;
use crate::suggest::did_you_mean;
use crate::yaml::{self, Mode, StructureLimits};
use crate::{Entity, Graph, Origin};

/// How a criterion is checked.
enum Check<R> {
    Expression(R),
    Template(Configured),
}

struct CompiledCriterion<R> {
    name: String,
    level: Option<usize>,
    weight: u32,
    check: Check<R>,
    message: Option<String>,
}

/// An exemption in force on the evaluation date.
struct Exemption {
    service: String,
    /// `None`: every criterion of the scorecard.
    criterion: Option<String>,
    reason: String,
    expires: String,
}

/// A scorecard ready to evaluate.
pub struct CompiledScorecard<R> {
    pub definition: Scorecard,
    pub builtin: bool,
    applies_to: Option<R>,
    criteria: Vec<CompiledCriterion<R>>,
    exemptions: Vec<Exemption>,
}

/// One criterion's result for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionResult {
    pub name: String,
    pub outcome: Outcome,
    /// How to fix a failure (the criterion's `message`), the reason of an error or of an
    /// exemption.
    pub message: Option<String>,
    /// What the check found, for anything but a pass.
    pub found: Option<String>,
}

/// One scorecard's result for one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceScore {
    pub scorecard: String,
    /// The level reached, if the scorecard has a ladder and the service reached a level.
    pub level: Option<String>,
    /// Passed weight over counted weight, in percent, rounded to one decimal.
    pub score: f64,
    pub criteria: Vec<CriterionResult>,
}

/// Every scorecard's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardSummary {
    pub definition: Scorecard,
    pub builtin: bool,
    /// Services per level reached (`none` for no level), for scorecards with a ladder.
    pub levels: BTreeMap<String, usize>,
    /// Services the scorecard applies to.
    pub services: usize,
}

/// The result of scoring.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Per service (in the order of the services), one entry per applying scorecard,
    /// sorted by scorecard name.
    pub services: Vec<Vec<ServiceScore>>,
    pub scorecards: Vec<ScorecardSummary>,
}

/// Compiles the catalog's scorecards and, when `compile_builtins`, the enabled built-ins
/// (a user scorecard named like an enabled built-in is reported either way).
/// `service_names` are the catalog's services (for exemptions).
pub fn compile_scorecards<E: RuleEngine>(
    engine: &E,
    scorecards: &[Entity<Scorecard>],
    builtins: &[catalogc_model::BuiltinScorecard],
    compile_builtins: bool,
    service_names: &BTreeSet<&str>,
    today: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CompiledScorecard<E::Rule>> {
    // Which scorecards to compile, in a fixed order; then compile them in parallel (parsing
    // CEL is most of a small catalog's check) and report their findings in that order.
    let mut jobs: Vec<(std::borrow::Cow<'_, Entity<Scorecard>>, bool)> = Vec::new();
    for builtin_name in builtins {
        let name = builtin_name_str(*builtin_name);
        if let Some(user) = scorecards.iter().find(|s| s.value.name.as_str() == name) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!(
                        "the scorecard name `{name}` is the name of an enabled built-in scorecard"
                    ),
                )
                .at(&user.file, user.span("/name", false))
                .with_pointer("/name")
                .with_help(
                    "rename this scorecard, or remove the built-in from `builtinScorecards`",
                ),
            );
            continue;
        }
        // Built-ins are tested to compile cleanly; any finding would be a defect, and is
        // reported like a user's. A check that does not score skips them: compiling them
        // could find nothing.
        if compile_builtins && let Some(entity) = load_builtin(*builtin_name) {
            jobs.push((std::borrow::Cow::Borrowed(entity), true));
        }
    }
    let mut seen = BTreeSet::new();
    for entity in scorecards {
        // Duplicate names are reported by the name checks; score the first only.
        if !seen.insert(entity.value.name.as_str()) {
            continue;
        }
        if builtins
            .iter()
            .any(|b| builtin_name_str(*b) == entity.value.name.as_str())
        {
            continue;
        }
        jobs.push((std::borrow::Cow::Borrowed(entity), false));
    }
    type Compiled<R> = (Option<CompiledScorecard<R>>, Vec<Diagnostic>);
    let results: Vec<Compiled<E::Rule>> = jobs
        .par_iter()
        .map(|(entity, builtin)| {
            let mut found = Vec::new();
            let compiled = compile_one(engine, entity, *builtin, service_names, today, &mut found);
            (compiled, found)
        })
        .collect();
    let mut compiled = Vec::new();
    for (scorecard, found) in results {
        diagnostics.extend(found);
        compiled.extend(scorecard);
    }
    compiled.sort_by(|a, b| a.definition.name.cmp(&b.definition.name));
    compiled
}

/// Starts parsing the expressions of the enabled built-in scorecards (see
/// [`RuleEngine::prefetch`]): they are known as soon as `catalog.yaml` is read.
pub fn prefetch_builtins<E: RuleEngine>(engine: &E, builtins: &[catalogc_model::BuiltinScorecard]) {
    for builtin in builtins {
        if let Some(entity) = load_builtin(*builtin) {
            prefetch(engine, &entity.value);
        }
    }
}

/// Starts parsing the expressions [`compile_scorecards`] will compile of `scorecard`.
pub fn prefetch<E: RuleEngine>(engine: &E, scorecard: &Scorecard) {
    if let Some(expression) = &scorecard.applies_to {
        engine.prefetch(expression);
    }
    for criterion in &scorecard.criteria {
        if let (Some(expression), None) = (&criterion.check, &criterion.uses) {
            engine.prefetch(expression);
        }
    }
}

fn builtin_name_str(builtin: catalogc_model::BuiltinScorecard) -> &'static str {
    use catalogc_model::BuiltinScorecard as B;
    match builtin {
        B::ServiceMaturity => "service-maturity",
        B::ServiceDocumentation => "service-documentation",
        B::KongBestPractices => "kong-best-practices",
        B::SecurityAndCompliance => "security-and-compliance",
    }
}

/// Parses an embedded built-in scorecard.
/// The built-in scorecard, parsed once per process (the prefetch and the compile both ask).
fn load_builtin(builtin: catalogc_model::BuiltinScorecard) -> Option<&'static Entity<Scorecard>> {
    use catalogc_model::BuiltinScorecard as B;
    static PARSED: [std::sync::OnceLock<Option<Entity<Scorecard>>>; 4] =
        [const { std::sync::OnceLock::new() }; 4];
    let slot = match builtin {
        B::ServiceMaturity => 0,
        B::ServiceDocumentation => 1,
        B::KongBestPractices => 2,
        B::SecurityAndCompliance => 3,
    };
    PARSED[slot]
        .get_or_init(|| parse_builtin(builtin_name_str(builtin)))
        .as_ref()
}

fn parse_builtin(name: &str) -> Option<Entity<Scorecard>> {
    let (file, text) = builtin::source(name)?;
    let mut findings = Vec::new();
    let document = yaml::parse(
        file,
        text,
        Mode::Strict,
        StructureLimits::DESCRIPTOR,
        &mut findings,
    )
    .into_iter()
    .next()?;
    let value: Scorecard = serde::Deserialize::deserialize(&document.value).ok()?;
    Some(Entity {
        value,
        file: file.to_owned(),
        start: document.start,
        spans: std::sync::Arc::new(document.spans),
        origin: Origin::Directory,
    })
}

fn compile_one<E: RuleEngine>(
    engine: &E,
    entity: &Entity<Scorecard>,
    builtin: bool,
    service_names: &BTreeSet<&str>,
    today: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledScorecard<E::Rule>> {
    let scorecard = &entity.value;
    let ok = std::cell::Cell::new(true);
    let invalid = |pointer: &str,
                   message: String,
                   help: Option<String>,
                   diagnostics: &mut Vec<Diagnostic>| {
        let mut finding = Diagnostic::new(Code::InvalidScorecard, message)
            .at(&entity.file, entity.span(pointer, false))
            .with_pointer(pointer);
        if let Some(help) = help {
            finding = finding.with_help(help);
        }
        diagnostics.push(finding);
        ok.set(false);
    };

    let applies_to = match &scorecard.applies_to {
        Some(expression) => match engine.compile(expression) {
            Ok(rule) => Some(rule),
            Err(error) => {
                diagnostics.push(expression_error(entity, "/appliesTo", expression, &error));
                ok.set(false);
                None
            }
        },
        None => None,
    };

    let levels: Vec<&str> = scorecard.levels.iter().map(|l| l.as_str()).collect();
    let mut names = BTreeSet::new();
    let mut criteria = Vec::new();
    for (index, criterion) in scorecard.criteria.iter().enumerate() {
        let at = |field: &str| format!("/criteria/{index}{field}");
        if !names.insert(criterion.name.as_str()) {
            invalid(
                &at("/name"),
                format!(
                    "the criterion name {} appears twice in this scorecard",
                    quote(&criterion.name)
                ),
                Some("criterion names must be unique within a scorecard".to_owned()),
                diagnostics,
            );
        }
        let level = match &criterion.level {
            None => None,
            Some(level) => match levels.iter().position(|l| *l == level.as_str()) {
                Some(position) => Some(position),
                None => {
                    let help = match did_you_mean(level, levels.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if levels.is_empty() => {
                            "this scorecard has no `levels`; add them, or remove `level`".to_owned()
                        }
                        None => format!(
                            "the levels are {}",
                            levels
                                .iter()
                                .map(|l| format!("`{l}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    invalid(
                        &at("/level"),
                        format!(
                            "the level {} is not one of this scorecard's `levels`",
                            quote(level)
                        ),
                        Some(help),
                        diagnostics,
                    );
                    None
                }
            },
        };
        let check = match (&criterion.check, &criterion.uses) {
            (Some(expression), None) => {
                if criterion.with.is_some() {
                    invalid(
                        &at("/with"),
                        "`with` gives parameters to a template (`uses`), and this criterion has a `check`".to_owned(),
                        Some("remove `with`, or replace `check` by `uses: <template>`".to_owned()),
                        diagnostics,
                    );
                }
                match engine.compile(expression) {
                    Ok(rule) => Some(Check::Expression(rule)),
                    Err(error) => {
                        diagnostics.push(expression_error(
                            entity,
                            &at("/check"),
                            expression,
                            &error,
                        ));
                        ok.set(false);
                        None
                    }
                }
            }
            (None, Some(uses)) => match templates::find(uses) {
                None => {
                    let help = match did_you_mean(uses, templates::all().iter().map(|t| t.name)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "run `catalogc score --templates` to list the built-in criterion templates".to_owned(),
                    };
                    invalid(
                        &at("/uses"),
                        format!("{} is not a built-in criterion template", quote(uses)),
                        Some(help),
                        diagnostics,
                    );
                    None
                }
                Some(template) => match templates::configure(template, criterion.with.as_ref()) {
                    Ok(configured) => Some(Check::Template(configured)),
                    Err(message) => {
                        let pointer = if criterion.with.is_some() {
                            at("/with")
                        } else {
                            at("/uses")
                        };
                        invalid(
                            &pointer,
                            format!("`{}`: {message}", template.name),
                            Some(format!(
                                "see `{}` in docs/scorecards.md for its parameters",
                                template.name
                            )),
                            diagnostics,
                        );
                        None
                    }
                },
            },
            // The schema requires exactly one of `check` and `uses`.
            _ => None,
        };
        if let Some(check) = check {
            criteria.push(CompiledCriterion {
                name: criterion.name.to_string(),
                level,
                weight: criterion.weight,
                check,
                message: criterion.message.clone(),
            });
        }
    }

    let criterion_names: Vec<&str> = scorecard.criteria.iter().map(|c| c.name.as_str()).collect();
    let mut exemptions = Vec::new();
    for (index, exemption) in scorecard.exemptions.iter().enumerate() {
        let at = |field: &str| format!("/exemptions/{index}{field}");
        if !service_names.contains(exemption.service.as_str()) {
            let mut finding = Diagnostic::new(
                Code::UnknownService,
                format!(
                    "this exemption names the service {}, which is not in the catalog",
                    quote(&exemption.service)
                ),
            )
            .at(&entity.file, entity.span(&at("/service"), false))
            .with_pointer(at("/service"));
            if let Some(s) = did_you_mean(&exemption.service, service_names.iter().copied()) {
                finding = finding.with_help(format!("did you mean `{s}`?"));
            }
            diagnostics.push(finding);
            continue;
        }
        if let Some(criterion) = &exemption.criterion
            && !criterion_names.contains(&criterion.as_str())
        {
            let help = did_you_mean(criterion, criterion_names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "name one of this scorecard's criteria, or leave `criterion` out to exempt from all".to_owned());
            invalid(
                &at("/criterion"),
                format!(
                    "this exemption names the criterion {}, which this scorecard does not have",
                    quote(criterion)
                ),
                Some(help),
                diagnostics,
            );
            continue;
        }
        let expires = exemption.expires.as_str();
        if !valid_date(expires) {
            invalid(
                &at("/expires"),
                format!("{} is not a calendar date", quote(expires)),
                Some("write the last day of the exemption as `YYYY-MM-DD`".to_owned()),
                diagnostics,
            );
            continue;
        }
        if expires < today {
            diagnostics.push(
                Diagnostic::new(
                    Code::ExpiredExemption,
                    format!(
                        "the exemption of `{}` from {} expired on {expires}",
                        exemption.service,
                        exemption
                            .criterion
                            .as_ref()
                            .map_or_else(|| "every criterion".to_owned(), |c| format!("`{c}`"))
                    ),
                )
                .at(&entity.file, entity.span(&at("/expires"), false))
                .with_pointer(at("/expires"))
                .with_help(format!("the criterion counts again since {expires} (evaluated on {today}); fix the service, or extend the exemption with a new reason")),
            );
            continue;
        }
        exemptions.push(Exemption {
            service: exemption.service.to_string(),
            criterion: exemption.criterion.as_ref().map(|c| c.to_string()),
            reason: exemption.reason.clone(),
            expires: expires.to_owned(),
        });
    }
    if !ok.get() {
        return None;
    }
    Some(CompiledScorecard {
        definition: scorecard.clone(),
        builtin,
        applies_to,
        criteria,
        exemptions,
    })
}

/// Locates an expression's compile error inside the scorecard file: the expression's
/// position in the file plus the error's position in the expression.
fn expression_error(
    entity: &Entity<Scorecard>,
    pointer: &str,
    expression: &str,
    error: &RuleError,
) -> Diagnostic {
    let value = entity.span(pointer, false);
    let at = position_in_scalar(value, expression, error.line, error.column);
    Diagnostic::new(
        Code::InvalidScorecard,
        format!("this expression does not compile: {}", error.message),
    )
    .at(&entity.file, Span::point(at))
    .with_pointer(pointer)
    .with_related(&entity.file, Some(value), "in this expression")
    .with_help("see docs/scorecards.md for the variables and functions expressions may use")
}

/// Maps a (line, column) inside a scalar's text to the file. Exact for one-line scalars
/// (quoted or plain); for block scalars (`|`, `>`) the expression's lines are the lines
/// after the scalar's start, at its indentation.
fn position_in_scalar(value: Span, expression: &str, line: u32, column: u32) -> Position {
    let single_line = !expression.contains('\n') && value.start.line == value.end.line;
    if single_line {
        // A quoted scalar's text starts one column after its opening quote.
        let width = value.end.column.saturating_sub(value.start.column);
        let quoted = width as usize > expression.chars().count();
        let column = value.start.column + u32::from(quoted) + column.saturating_sub(1);
        return Position {
            line: value.start.line,
            column,
            offset: 0,
        };
    }
    Position {
        line: value.start.line + line.saturating_sub(1),
        column: value.start.column + column.saturating_sub(1),
        offset: 0,
    }
}

/// `YYYY-MM-DD` with a real month and day.
pub fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    if year.to_string().len() != 4 || month == 0 || month > 12 || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    day <= days[(month - 1) as usize]
}

/// What scoring needs from the compilation.
pub struct Inputs<'a> {
    pub services: &'a [Entity<Service>],
    pub teams: &'a [Entity<Team>],
    pub graph: &'a Graph,
    pub files: &'a [ServiceFiles],
    pub mapping: &'a Mapping,
    pub catalog_name: &'a str,
    pub today: &'a str,
}

/// Scores every service against every compiled scorecard, in parallel.
pub fn score<E: RuleEngine>(
    engine: &E,
    scorecards: &[CompiledScorecard<E::Rule>],
    inputs: &Inputs<'_>,
) -> Scores {
    if scorecards.is_empty() {
        return Scores {
            services: vec![Vec::new(); inputs.services.len()],
            scorecards: Vec::new(),
        };
    }
    let by_name: HashMap<&str, usize> = inputs
        .services
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.value.name.as_str(), i))
        .collect();
    let team_index: HashMap<&str, (usize, &Entity<Team>)> = inputs
        .teams
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.value.name.as_str(), (i, t)))
        .collect();
    let resource_index: HashMap<&str, usize> = inputs
        .mapping
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.resource.key.as_str(), i))
        .collect();
    let needs_variables = scorecards.iter().any(|s| {
        s.applies_to.is_some()
            || s.criteria
                .iter()
                .any(|c| matches!(c.check, Check::Expression(_)))
    });
    // Variables no expression reads are left null (see `Variables`): building them means a
    // JSON copy of every dependency and dependent of every service.
    // Lists only counted (`size(dependents) < 5`) are built as lists of nulls.
    let rules = || {
        scorecards.iter().flat_map(|s| {
            s.applies_to
                .iter()
                .chain(s.criteria.iter().filter_map(|c| match &c.check {
                    Check::Expression(rule) => Some(rule),
                    _ => None,
                }))
        })
    };
    let usage = |name: &str| {
        rules()
            .map(|rule| engine.usage(rule, name))
            .max()
            .unwrap_or_default()
    };
    let reads = |name: &str| usage(name) != Usage::Unused;
    let mut wanted = Wanted {
        service: reads("service"),
        service_fields: None,
        related_fields: None,
        resources: reads("resources"),
        resource_fields: None,
        dependencies: usage("dependencies"),
        dependents: usage("dependents"),
    };
    // When every expression reads `service` only through its fields (`service.tier`), only
    // those are bound; likewise for the services listed in `dependencies` and `dependents`
    // when they are only read through the variable of comprehensions over them.
    let union = |fields: &dyn Fn(&E::Rule) -> Option<Vec<String>>| {
        rules().try_fold(BTreeSet::new(), |mut all, rule| {
            all.extend(fields(rule)?);
            Some(all)
        })
    };
    wanted.service_fields = union(&|rule| engine.fields(rule, "service"));
    wanted.resource_fields = union(&|rule| engine.element_fields(rule, "resources"));
    wanted.related_fields = union(&|rule| {
        let mut fields = engine.element_fields(rule, "dependencies")?;
        fields.extend(engine.element_fields(rule, "dependents")?);
        Some(fields)
    });
    let catalog = json!({
        "name": inputs.catalog_name,
        "services": by_name.len(),
        "teams": inputs.teams.len(),
        "resources": inputs.mapping.resources.len(),
        "teamNames": inputs.teams.iter().map(|t| t.value.name.as_str()).collect::<BTreeSet<_>>(),
    });
    let empty_files = ServiceFiles::default();
    let values = needs_variables.then(|| Converted::new(engine, inputs, &wanted));
    let null = engine.value(&Value::Null);
    let catalog = engine.value(&catalog);
    let services: Vec<Vec<ServiceScore>> = inputs
        .services
        .par_iter()
        .enumerate()
        .map(|(index, service)| {
            let name = service.value.name.as_str();
            let resources: Vec<usize> = inputs
                .mapping
                .service_resources
                .get(index)
                .map(|keys| {
                    keys.iter()
                        .filter_map(|k| resource_index.get(k.as_str()).copied())
                        .collect()
                })
                .unwrap_or_default();
            let lookup = |names: Vec<String>| -> Vec<usize> {
                names
                    .iter()
                    .filter_map(|n| by_name.get(n.as_str()).copied())
                    .collect()
            };
            let dependencies = lookup(inputs.graph.upstream(name));
            let dependents = lookup(inputs.graph.downstream(name));
            let team = team_index.get(service.value.owner.as_str()).copied();
            let bound = values.as_ref().map(|values| {
                let list = |usage: Usage, indices: &[usize]| match usage {
                    Usage::Full => {
                        engine.list(indices.iter().map(|&i| values.related(i, &null)).collect())
                    }
                    Usage::Size => engine.list(vec![null.clone(); indices.len()]),
                    Usage::Unused => null.clone(),
                };
                let subject = if wanted.service {
                    let own = values.service(index, &null);
                    match team.and_then(|(t, _)| values.teams.get(t)) {
                        Some(team) => engine.with_entry(&own, "team", team.clone()),
                        None => own,
                    }
                } else {
                    null.clone()
                };
                engine.bind_values(Variables {
                    service: subject,
                    resources: if wanted.resources {
                        engine.list(
                            resources
                                .iter()
                                .map(|&r| values.resource(r, &null))
                                .collect(),
                        )
                    } else {
                        null.clone()
                    },
                    dependencies: list(wanted.dependencies, &dependencies),
                    dependents: list(wanted.dependents, &dependents),
                    catalog: catalog.clone(),
                    today: inputs.today.to_owned(),
                })
            });
            let entities = |indices: &[usize]| -> Vec<&Entity<Service>> {
                indices.iter().map(|&i| &inputs.services[i]).collect()
            };
            let subject = Subject {
                service,
                team: team.map(|(_, t)| t),
                resources: resources
                    .iter()
                    .map(|&r| &inputs.mapping.resources[r])
                    .collect(),
                files: inputs.files.get(index).unwrap_or(&empty_files),
                dependencies: entities(&dependencies),
                dependents: entities(&dependents),
            };
            scorecards
                .iter()
                .filter_map(|scorecard| score_one(engine, scorecard, &subject, bound.as_ref()))
                .collect()
        })
        .collect();
    let summaries = scorecards
        .iter()
        .map(|scorecard| {
            let name = scorecard.definition.name.as_str();
            let mut levels = BTreeMap::new();
            let mut count = 0;
            for score in services.iter().flatten().filter(|s| s.scorecard == name) {
                count += 1;
                if !scorecard.definition.levels.is_empty() {
                    *levels
                        .entry(score.level.clone().unwrap_or_else(|| "none".to_owned()))
                        .or_insert(0) += 1;
                }
            }
            ScorecardSummary {
                definition: scorecard.definition.clone(),
                builtin: scorecard.builtin,
                levels,
                services: count,
            }
        })
        .collect();
    Scores {
        services,
        scorecards: summaries,
    }
}

/// Which variables some expression reads.
#[derive(Debug, Clone)]
struct Wanted {
    service: bool,
    /// The only fields of `service` read, if that is all that is read of it.
    service_fields: Option<BTreeSet<String>>,
    /// The only fields of the services in `dependencies` and `dependents` read, likewise.
    related_fields: Option<BTreeSet<String>>,
    /// The only fields of the entries of `resources` read, likewise.
    resource_fields: Option<BTreeSet<String>>,
    resources: bool,
    dependencies: Usage,
    dependents: Usage,
}

/// The services, teams and mapped resources some expression reads, each converted for the
/// engine once (in parallel) and shared by every service whose variables include it.
struct Converted<V> {
    /// Per service (in input order), as `service`, when it is read.
    services: Vec<V>,
    /// Per service, as an entry of `dependencies` and `dependents`, when they are read.
    related: Vec<V>,
    /// Per team (in input order), when `service.team` is read.
    teams: Vec<V>,
    /// Per resource of the mapping, when `resources` are read: `None` for unmapped ones.
    resources: Vec<Option<V>>,
}

fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl<V: Clone + Send + Sync> Converted<V> {
    fn new<E: RuleEngine<Value = V>>(engine: &E, inputs: &Inputs<'_>, wanted: &Wanted) -> Self {
        // Each service with only `fields`, when they are known.
        let services = |fields: &Option<BTreeSet<String>>| -> Vec<V> {
            inputs
                .services
                .par_iter()
                .map(|s| {
                    let mut json = to_json(&s.value);
                    if let (Some(fields), Value::Object(map)) = (fields, &mut json) {
                        map.retain(|key, _| fields.contains(key));
                    }
                    engine.value(&json)
                })
                .collect()
        };
        let related_read = wanted.dependencies == Usage::Full || wanted.dependents == Usage::Full;
        let (services, related) = match (wanted.service, related_read) {
            (true, true) if wanted.service_fields == wanted.related_fields => {
                let both = services(&wanted.service_fields);
                (both.clone(), both)
            }
            (service, related) => (
                if service {
                    services(&wanted.service_fields)
                } else {
                    Vec::new()
                },
                if related {
                    services(&wanted.related_fields)
                } else {
                    Vec::new()
                },
            ),
        };
        let teams = if wanted.service
            && wanted
                .service_fields
                .as_ref()
                .is_none_or(|fields| fields.contains("team"))
        {
            inputs
                .teams
                .par_iter()
                .map(|t| engine.value(&to_json(&t.value)))
                .collect()
        } else {
            Vec::new()
        };
        let resources = if wanted.resources {
            inputs
                .mapping
                .resources
                .par_iter()
                .map(|r| {
                    let resource = &r.resource;
                    (!r.mapped_by.is_empty()).then(|| {
                        let wanted = |field: &str| {
                            wanted
                                .resource_fields
                                .as_ref()
                                .is_none_or(|fields| fields.contains(field))
                        };
                        let text = |s: &str| Value::String(s.to_owned());
                        let fields: [(&str, &dyn Fn() -> Value); 6] = [
                            ("key", &|| text(&resource.key)),
                            ("integration", &|| text(&resource.integration)),
                            ("type", &|| text(&resource.resource_type)),
                            ("id", &|| text(&resource.id)),
                            ("name", &|| text(&resource.name)),
                            ("attributes", &|| Value::Object(resource.attributes.clone())),
                        ];
                        let json: serde_json::Map<String, Value> = fields
                            .iter()
                            .filter(|(name, _)| wanted(name))
                            .map(|(name, value)| ((*name).to_owned(), value()))
                            .collect();
                        engine.value(&Value::Object(json))
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Converted {
            services,
            related,
            teams,
            resources,
        }
    }

    fn service(&self, index: usize, null: &V) -> V {
        self.services.get(index).unwrap_or(null).clone()
    }

    fn related(&self, index: usize, null: &V) -> V {
        self.related.get(index).unwrap_or(null).clone()
    }

    fn resource(&self, index: usize, null: &V) -> V {
        match self.resources.get(index) {
            Some(Some(value)) => value.clone(),
            _ => null.clone(),
        }
    }
}

fn score_one<E: RuleEngine>(
    engine: &E,
    scorecard: &CompiledScorecard<E::Rule>,
    subject: &Subject<'_>,
    bound: Option<&E::Bound>,
) -> Option<ServiceScore> {
    let service = subject.service.value.name.as_str();
    let mut applies_error = None;
    if let (Some(rule), Some(bound)) = (&scorecard.applies_to, bound) {
        match engine.evaluate(rule, bound) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(reason) => {
                applies_error = Some(format!("`appliesTo` could not be evaluated: {reason}"))
            }
        }
    }
    let criteria: Vec<CriterionResult> = scorecard
        .criteria
        .iter()
        .map(|criterion| {
            let exemption = scorecard.exemptions.iter().find(|e| {
                e.service == service && e.criterion.as_deref().is_none_or(|c| c == criterion.name)
            });
            if let Some(exemption) = exemption {
                return CriterionResult {
                    name: criterion.name.clone(),
                    outcome: Outcome::Exempt,
                    message: Some(format!(
                        "exempt until {}: {}",
                        exemption.expires, exemption.reason
                    )),
                    found: None,
                };
            }
            let verdict = match (&applies_error, &criterion.check) {
                (Some(reason), _) => Verdict::error(reason.clone()),
                (None, Check::Template(configured)) => templates::evaluate(configured, subject),
                (None, Check::Expression(rule)) => match bound.map(|b| engine.evaluate(rule, b)) {
                    Some(Ok(true)) => Verdict::pass(),
                    Some(Ok(false)) => Verdict {
                        outcome: Outcome::Fail,
                        detail: None,
                    },
                    Some(Err(reason)) => Verdict::error(reason),
                    None => Verdict::error("the expression's variables could not be bound"),
                },
            };
            let message = match verdict.outcome {
                Outcome::Fail => criterion.message.clone(),
                Outcome::Error => verdict.detail.clone(),
                _ => None,
            };
            CriterionResult {
                name: criterion.name.clone(),
                outcome: verdict.outcome,
                message,
                found: match verdict.outcome {
                    Outcome::Pass | Outcome::Error => None,
                    _ => verdict.detail,
                },
            }
        })
        .collect();
    let (level, score) = level_and_score(&scorecard.definition, &scorecard.criteria, &criteria);
    Some(ServiceScore {
        scorecard: scorecard.definition.name.to_string(),
        level,
        score,
        criteria,
    })
}

/// SPEC 1.3: the level reached is the highest level whose criteria, and every lower level's
/// criteria, pass (exempt counts as a pass, error as a failure; a skipped criterion does not
/// apply and blocks nothing); criteria without a level count only in the score. The score
/// is passed weight / (passed + failed + error weight) × 100, one decimal; with nothing
/// counted (every criterion skipped or exempt) it is 100.
fn level_and_score<R>(
    definition: &Scorecard,
    compiled: &[CompiledCriterion<R>],
    results: &[CriterionResult],
) -> (Option<String>, f64) {
    let blocked = |level: usize| {
        compiled.iter().zip(results).any(|(criterion, result)| {
            criterion.level == Some(level)
                && matches!(result.outcome, Outcome::Fail | Outcome::Error)
        })
    };
    let mut reached = None;
    for (index, level) in definition.levels.iter().enumerate() {
        if blocked(index) {
            break;
        }
        reached = Some(level.to_string());
    }
    let (mut passed, mut counted) = (0u64, 0u64);
    for (criterion, result) in compiled.iter().zip(results) {
        let weight = u64::from(criterion.weight);
        match result.outcome {
            Outcome::Pass => {
                passed += weight;
                counted += weight;
            }
            Outcome::Fail | Outcome::Error => counted += weight,
            Outcome::Skipped | Outcome::Exempt => {}
        }
    }
    let score = if counted == 0 {
        100.0
    } else {
        (passed as f64 * 1000.0 / counted as f64).round() / 10.0
    };
    (reached, score)
}

#[cfg(test)]
mod tests;
