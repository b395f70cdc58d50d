//! What the templates see: lookups over the bundle built once, and one serialisable view per
//! page. Views borrow from the bundle; everything a template prints is escaped by minijinja,
//! except the two kinds of markup made here on purpose (rendered Markdown, dependency
//! pictures), passed as safe values.

use std::collections::{BTreeMap, BTreeSet};

use catalogc_compiler::Compilation;
use catalogc_compiler::references::ServiceFiles;
use catalogc_diagnostics::Diagnostic;
use catalogc_model::{
    Bundle, BundleCatalog, BundleResource, BundleScore, BundleScorecard, BundleService, BundleTeam,
    Contact, ContactType, DependencyKind, Lifecycle, Scorecard,
};
use minijinja::Value;
use serde::Serialize;
use serde_json::Value as Json;

use super::markdown::{self, DocSet, absolute_href};
use super::search::excerpt;

/// Lifecycles in the order lists and filters show them.
pub(super) const LIFECYCLES: [Lifecycle; 4] = [
    Lifecycle::Experimental,
    Lifecycle::Production,
    Lifecycle::Deprecated,
    Lifecycle::Retired,
];

/// Rows of the service list rendered into `index.html` (and per "show more").
pub(super) const BATCH: usize = 200;
/// Transitive upstream/downstream services listed on a service page; the rest are counted.
const TRANSITIVE_SHOWN: usize = 200;
/// Rows of a scorecard's services × criteria matrix; beyond it the lowest scores are shown.
pub(super) const MATRIX_ROWS: usize = 2_000;
/// Mapped resources listed per integration on the resources page (unmapped ones are always
/// listed); beyond it they are counted.
pub(super) const MAPPED_SHOWN: usize = 2_000;
/// Characters of a description in list rows.
const ROW_DESCRIPTION: usize = super::search::DESCRIPTION_CHARS;

/// A scorecard with a ladder of levels: a column of the service lists and a filter.
pub(super) struct Ladder<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub levels: Vec<&'a str>,
}

impl Ladder<'_> {
    /// -1 when the scorecard does not apply, 0 when no level is reached, else the 1-based
    /// position of the level reached.
    pub fn rank_code(&self, service: &BundleService) -> i64 {
        match service.scores.iter().find(|s| s.scorecard == self.name) {
            None => -1,
            Some(score) => self.rank(score) as i64,
        }
    }

    fn rank(&self, score: &BundleScore) -> usize {
        score
            .level
            .as_deref()
            .and_then(|l| self.levels.iter().position(|x| *x == l))
            .map_or(0, |i| i + 1)
    }

    /// The colour family of the level at `rank` (1-based): the top of the ladder, its first
    /// step (on ladders of three or more), or in between. Text always names the level too.
    pub fn tone(&self, rank: usize) -> &'static str {
        let n = self.levels.len();
        if rank == 0 {
            "none"
        } else if rank >= n {
            "top"
        } else if rank == 1 && n >= 3 {
            "low"
        } else {
            "mid"
        }
    }

    fn cell(&self, score: &BundleScore) -> LevelCell {
        let rank = self.rank(score);
        LevelCell {
            level: score.level.clone(),
            tone: self.tone(rank),
            rank: rank as i64,
        }
    }
}

/// A level reached (or not) in a list.
#[derive(Serialize)]
pub(super) struct LevelCell {
    pub level: Option<String>,
    pub tone: &'static str,
    pub rank: i64,
}

/// Lookups shared by every page.
pub(super) struct Catalog<'a> {
    pub bundle: &'a Bundle,
    pub compilation: &'a Compilation,
    /// Scorecards with levels, in bundle order.
    pub ladders: Vec<Ladder<'a>>,
    services: BTreeMap<&'a str, &'a BundleService>,
    teams: BTreeMap<&'a str, &'a BundleTeam>,
    resources: BTreeMap<&'a str, &'a BundleResource>,
    scorecards: BTreeMap<&'a str, &'a BundleScorecard>,
    /// A service's docs, specs and pipelines as read (the Markdown texts live there).
    files: BTreeMap<&'a str, &'a ServiceFiles>,
    /// Indexes into `compilation.diagnostics` per service name.
    findings: BTreeMap<&'a str, Vec<usize>>,
    /// Services each finding concerns, by index into `compilation.diagnostics`.
    finding_services: Vec<Vec<&'a str>>,
    /// Each service's newest events in the bundle's history (see [`super::events`]).
    pub(super) events: BTreeMap<&'a str, Vec<(usize, usize)>>,
}

impl<'a> Catalog<'a> {
    pub fn new(compilation: &'a Compilation, bundle: &'a Bundle) -> Catalog<'a> {
        let services: BTreeMap<&str, &BundleService> = bundle
            .services
            .iter()
            .map(|s| (s.name.as_str(), s))
            .collect();
        let ladders = bundle
            .scorecards
            .iter()
            .filter(|c| !c.definition.levels.is_empty())
            .map(|c| Ladder {
                name: c.definition.name.as_str(),
                title: c
                    .definition
                    .title
                    .as_deref()
                    .unwrap_or(c.definition.name.as_str()),
                levels: c.definition.levels.iter().map(|l| l.as_str()).collect(),
            })
            .collect();
        let mut files = BTreeMap::new();
        for (entity, service_files) in compilation.services.iter().zip(&compilation.files) {
            files
                .entry(entity.value.name.as_str())
                .or_insert(service_files);
        }
        let (findings, finding_services) = findings_by_service(&compilation.diagnostics, bundle);
        Catalog {
            bundle,
            compilation,
            ladders,
            teams: bundle.teams.iter().map(|t| (t.name.as_str(), t)).collect(),
            resources: bundle
                .resources
                .iter()
                .map(|r| (r.key.as_str(), r))
                .collect(),
            scorecards: bundle
                .scorecards
                .iter()
                .map(|c| (c.definition.name.as_str(), c))
                .collect(),
            services,
            files,
            findings,
            finding_services,
            events: super::events::by_service(bundle),
        }
    }

    pub fn service(&self, name: &str) -> Option<&'a BundleService> {
        self.services.get(name).copied()
    }

    fn service_ref(&self, name: &'a str) -> ServiceRef<'a> {
        match self.service(name) {
            Some(s) => ServiceRef {
                name,
                title: s.title.as_str(),
                lifecycle: s.lifecycle.as_str(),
            },
            None => ServiceRef {
                name,
                title: name,
                lifecycle: "",
            },
        }
    }

    fn team_ref(&self, name: &'a str) -> TeamRef<'a> {
        TeamRef {
            name,
            title: self.teams.get(name).map_or(name, |t| t.title.as_str()),
        }
    }

    pub fn row(&self, service: &'a BundleService) -> ServiceRow<'a> {
        ServiceRow {
            name: service.name.as_str(),
            title: service.title.as_str(),
            description: service
                .description
                .as_deref()
                .map(|d| excerpt(d, ROW_DESCRIPTION))
                .unwrap_or_default(),
            owner: service.owner.as_str(),
            owner_title: self.team_ref(service.owner.as_str()).title,
            lifecycle: service.lifecycle.as_str(),
            lifecycle_rank: LIFECYCLES
                .iter()
                .position(|l| *l == service.lifecycle)
                .unwrap_or(0),
            tier: service.tier,
            tags: &service.tags,
            levels: self
                .ladders
                .iter()
                .map(|ladder| {
                    service
                        .scores
                        .iter()
                        .find(|s| s.scorecard == ladder.name)
                        .map(|score| ladder.cell(score))
                })
                .collect(),
        }
    }

    fn ladder(&self, name: &str) -> Option<&Ladder<'a>> {
        self.ladders.iter().find(|l| l.name == name)
    }

    pub fn finding_count(&self) -> usize {
        self.compilation.diagnostics.len()
    }

    pub fn finding(&self, index: usize) -> Option<FindingView<'a>> {
        let d = self.compilation.diagnostics.get(index)?;
        Some(FindingView {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            location: location(d.file.as_deref(), d.span.map(|s| s.start)),
            message: d.message.as_str(),
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|r| RelatedView {
                    location: location(Some(&r.file), r.span.map(|s| s.start)),
                    message: r.message.as_str(),
                })
                .collect(),
            services: self
                .finding_services
                .get(index)
                .cloned()
                .unwrap_or_default(),
        })
    }
}

/// Which services each finding concerns: those whose descriptor is the finding's file (or a
/// related location's), and those it names in backquotes (`billing`), as every catalogc
/// message quotes names. One pass over the findings, so large catalogs stay fast.
fn findings_by_service<'a>(
    diagnostics: &'a [Diagnostic],
    bundle: &'a Bundle,
) -> (BTreeMap<&'a str, Vec<usize>>, Vec<Vec<&'a str>>) {
    let mut by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for service in &bundle.services {
        by_file
            .entry(service.source.file.as_str())
            .or_default()
            .push(service.name.as_str());
        names.insert(service.name.as_str());
    }
    let mut findings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut concerned_all = Vec::with_capacity(diagnostics.len());
    for (index, d) in diagnostics.iter().enumerate() {
        let mut concerned: BTreeSet<&str> = BTreeSet::new();
        let files = d
            .file
            .iter()
            .map(String::as_str)
            .chain(d.related.iter().map(|r| r.file.as_str()));
        for file in files {
            if let Some(services) = by_file.get(file) {
                concerned.extend(services.iter().copied());
            }
        }
        for text in std::iter::once(d.message.as_str()).chain(d.help.as_deref()) {
            for (i, quoted) in text.split('`').enumerate() {
                if i % 2 == 1
                    && let Some(name) = names.get(quoted)
                {
                    concerned.insert(name);
                }
            }
        }
        for name in &concerned {
            findings.entry(name).or_default().push(index);
        }
        concerned_all.push(concerned.into_iter().collect());
    }
    (findings, concerned_all)
}

fn location(file: Option<&str>, start: Option<catalogc_diagnostics::Position>) -> String {
    match (file, start) {
        (Some(file), Some(p)) => format!("{file}:{}:{}", p.line, p.column),
        (Some(file), None) => file.to_owned(),
        (None, _) => String::new(),
    }
}

/// What every page's layout needs.
#[derive(Serialize)]
pub(super) struct Page<'a> {
    /// `""` or `"../"`: the way back to the site's root.
    pub root: &'static str,
    /// The navigation entry this page belongs to.
    pub section: &'static str,
    /// Whether this is the section's own page (`aria-current`).
    pub index: bool,
    pub title: String,
    pub catalog: &'a BundleCatalog,
    pub version: &'static str,
    pub csp: &'static str,
    pub findings: usize,
    /// Whether the bundle has a history: the navigation links the events page.
    pub events: bool,
}

#[derive(Serialize)]
pub(super) struct ServiceRef<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub lifecycle: &'a str,
}

#[derive(Serialize)]
pub(super) struct TeamRef<'a> {
    pub name: &'a str,
    pub title: &'a str,
}

/// A service in a list (the service list, team pages).
#[derive(Serialize)]
pub(super) struct ServiceRow<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: String,
    pub owner: &'a str,
    pub owner_title: &'a str,
    pub lifecycle: &'a str,
    pub lifecycle_rank: usize,
    pub tier: Option<u8>,
    pub tags: &'a [String],
    /// One per ladder; `None` when the scorecard does not apply.
    pub levels: Vec<Option<LevelCell>>,
}

#[derive(Serialize)]
pub(super) struct FindingView<'a> {
    pub severity: &'static str,
    pub code: &'static str,
    pub location: String,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub related: Vec<RelatedView<'a>>,
    pub services: Vec<&'a str>,
}

#[derive(Serialize)]
pub(super) struct RelatedView<'a> {
    pub location: String,
    pub message: &'a str,
}

/// A link, contact or URL: `href` is set only for an allowed absolute URL.
#[derive(Serialize)]
pub(super) struct Href<'a> {
    pub text: &'a str,
    pub href: Option<String>,
    pub kind: Option<&'a str>,
}

fn contact(c: &Contact) -> Href<'_> {
    let (kind, href) = match c.contact_type {
        ContactType::Email => (
            "email",
            absolute_href(&format!("mailto:{}", c.value.trim())),
        ),
        ContactType::Url => ("web", absolute_href(&c.value)),
        ContactType::Pagerduty => ("pagerduty", absolute_href(&c.value)),
        ContactType::Slack => ("slack", None),
        ContactType::Teams => ("teams", None),
        ContactType::Phone => ("phone", None),
    };
    Href {
        text: c.value.as_str(),
        href,
        kind: Some(kind),
    }
}

/// Index page.
#[derive(Serialize)]
pub(super) struct IndexView<'a> {
    pub page: Page<'a>,
    pub stats: Stats,
    pub rows: Vec<ServiceRow<'a>>,
    pub scorecards: Vec<LadderView<'a>>,
    pub filters: Filters<'a>,
    pub batch: usize,
}

#[derive(Serialize)]
pub(super) struct Stats {
    pub services: usize,
    pub teams: usize,
    pub resources: usize,
    pub unmapped: usize,
    pub scorecards: usize,
    pub findings: usize,
}

#[derive(Serialize)]
pub(super) struct LadderView<'a> {
    pub name: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub(super) struct Filters<'a> {
    pub owners: Vec<Choice>,
    pub lifecycles: Vec<Choice>,
    pub tiers: Vec<Choice>,
    pub tags: Vec<Choice>,
    pub levels: Vec<ChoiceGroup<'a>>,
}

#[derive(Serialize)]
pub(super) struct Choice {
    pub value: String,
    pub label: String,
    pub count: usize,
}

#[derive(Serialize)]
pub(super) struct ChoiceGroup<'a> {
    pub label: &'a str,
    pub options: Vec<Choice>,
}

impl<'a> Catalog<'a> {
    pub fn stats(&self) -> Stats {
        Stats {
            services: self.bundle.services.len(),
            teams: self.bundle.teams.len(),
            resources: self.bundle.resources.len(),
            unmapped: self
                .bundle
                .resources
                .iter()
                .filter(|r| r.mapped_by.is_empty())
                .count(),
            scorecards: self.bundle.scorecards.len(),
            findings: self.finding_count(),
        }
    }

    pub fn index(&self, page: Page<'a>) -> IndexView<'a> {
        let services = &self.bundle.services;
        let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tiers: BTreeMap<u8, usize> = BTreeMap::new();
        let mut lifecycles = [0usize; 4];
        for s in services {
            *owners.entry(s.owner.as_str()).or_default() += 1;
            for t in &s.tags {
                *tags.entry(t.as_str()).or_default() += 1;
            }
            *tiers.entry(s.tier.unwrap_or(0)).or_default() += 1;
            if let Some(i) = LIFECYCLES.iter().position(|l| *l == s.lifecycle) {
                lifecycles[i] += 1;
            }
        }
        let levels = self
            .ladders
            .iter()
            .map(|ladder| {
                let mut counts = vec![0usize; ladder.levels.len() + 1];
                for s in services {
                    if let Ok(rank) = usize::try_from(ladder.rank_code(s))
                        && let Some(c) = counts.get_mut(rank)
                    {
                        *c += 1;
                    }
                }
                let mut options: Vec<Choice> = ladder
                    .levels
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, level)| Choice {
                        value: format!("{}:{level}", ladder.name),
                        label: (*level).to_owned(),
                        count: counts[i + 1],
                    })
                    .collect();
                options.push(Choice {
                    value: format!("{}:none", ladder.name),
                    label: "no level".to_owned(),
                    count: counts[0],
                });
                ChoiceGroup {
                    label: ladder.title,
                    options,
                }
            })
            .collect();
        IndexView {
            page,
            stats: self.stats(),
            rows: services.iter().take(BATCH).map(|s| self.row(s)).collect(),
            scorecards: self
                .ladders
                .iter()
                .map(|l| LadderView {
                    name: l.name,
                    title: l.title,
                })
                .collect(),
            filters: Filters {
                owners: owners
                    .into_iter()
                    .map(|(name, count)| Choice {
                        value: name.to_owned(),
                        label: self.team_ref(name).title.to_owned(),
                        count,
                    })
                    .collect(),
                lifecycles: LIFECYCLES
                    .iter()
                    .zip(lifecycles)
                    .filter(|(_, count)| *count > 0)
                    .map(|(l, count)| Choice {
                        value: l.as_str().to_owned(),
                        label: l.as_str().to_owned(),
                        count,
                    })
                    .collect(),
                tiers: tiers
                    .into_iter()
                    .map(|(tier, count)| Choice {
                        value: if tier == 0 {
                            "none".to_owned()
                        } else {
                            tier.to_string()
                        },
                        label: if tier == 0 {
                            "no tier".to_owned()
                        } else {
                            format!("tier {tier}")
                        },
                        count,
                    })
                    .collect(),
                tags: tags
                    .into_iter()
                    .map(|(tag, count)| Choice {
                        value: tag.to_owned(),
                        label: tag.to_owned(),
                        count,
                    })
                    .collect(),
                levels,
            },
            batch: BATCH,
        }
    }
}

/// A service page.
#[derive(Serialize)]
pub(super) struct ServiceView<'a> {
    pub page: Page<'a>,
    pub service: ServiceFacts<'a>,
    pub description: Vec<&'a str>,
    pub owner: TeamRef<'a>,
    pub additional_owners: Vec<TeamRef<'a>>,
    pub contacts: Vec<Href<'a>>,
    pub links: Vec<Href<'a>>,
    pub repository: Option<Href<'a>>,
    pub custom: Option<String>,
    pub picture: Option<Value>,
    pub upstream: Vec<DependencyView<'a>>,
    pub downstream: Vec<ServiceRef<'a>>,
    pub upstream_all: Listing<'a>,
    pub downstream_all: Listing<'a>,
    pub scores: Vec<ScoreView<'a>>,
    pub failing: usize,
    pub consumed: Vec<ConsumedApi<'a>>,
    pub resource_groups: Vec<ResourceGroup<'a>>,
    pub resource_count: usize,
    pub docs: Vec<DocView<'a>>,
    pub findings: Vec<FindingView<'a>>,
    /// The service's newest events in the bundle's history.
    pub recent: Vec<super::events::RecentChange<'a>>,
}

/// The fields of a bundle entry the service page reads as `s.*`, named as in the bundle.
/// Not the whole entry: its transitive closures can hold thousands of names, and every
/// value handed to a template is converted first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServiceFacts<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub lifecycle: catalogc_model::Lifecycle,
    pub tier: Option<u8>,
    pub system: Option<&'a str>,
    pub tags: &'a [String],
    pub labels: &'a std::collections::BTreeMap<String, String>,
    pub source: &'a catalogc_model::SourceRef,
    pub depends_on: &'a [String],
    pub dependents: &'a [String],
    pub apis: &'a catalogc_model::BundleApis,
    pub pipelines: &'a [catalogc_model::BundlePipeline],
    pub api_products: &'a [catalogc_model::ApiProduct],
}

impl<'a> ServiceFacts<'a> {
    fn of(service: &'a BundleService) -> Self {
        ServiceFacts {
            name: &service.name,
            title: &service.title,
            lifecycle: service.lifecycle,
            tier: service.tier,
            system: service.system.as_deref(),
            tags: &service.tags,
            labels: &service.labels,
            source: &service.source,
            depends_on: &service.depends_on,
            dependents: &service.dependents,
            apis: &service.apis,
            pipelines: &service.pipelines,
            api_products: &service.api_products,
        }
    }
}

#[derive(Serialize)]
pub(super) struct DependencyView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub lifecycle: &'a str,
    pub kind: &'static str,
    pub critical: bool,
    pub apis: &'a [String],
}

#[derive(Serialize)]
pub(super) struct Listing<'a> {
    pub count: usize,
    pub shown: Vec<ServiceRef<'a>>,
    pub more: usize,
}

#[derive(Serialize)]
pub(super) struct ScoreView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub cell: Option<LevelCell>,
    pub score: String,
    pub ladder: Vec<Step<'a>>,
    pub next: Option<NextLevel<'a>>,
    /// Rendered into `table`; kept for the counts.
    #[serde(skip)]
    pub criteria: Vec<CriterionOutcome<'a>>,
    /// The criteria table, HTML (see [`criteria_table`]).
    pub table: Value,
}

#[derive(Serialize)]
pub(super) struct Step<'a> {
    pub name: &'a str,
    pub reached: bool,
}

#[derive(Serialize)]
pub(super) struct NextLevel<'a> {
    pub level: &'a str,
    pub criteria: Vec<&'a str>,
}

#[derive(Serialize)]
pub(super) struct CriterionOutcome<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub level: Option<&'a str>,
    pub outcome: &'a str,
    pub mark: &'static str,
    pub found: Option<&'a str>,
    pub message: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct ConsumedApi<'a> {
    pub name: &'a str,
    pub provider: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct ResourceGroup<'a> {
    pub label: String,
    pub anchor: &'a str,
    pub total: usize,
    pub more: usize,
    pub resources: Vec<ResourceView<'a>>,
}

#[derive(Serialize)]
pub(super) struct ResourceView<'a> {
    pub key: &'a str,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub resource_type: &'a str,
    pub integration: &'a str,
    pub mapped_by: &'a [String],
    pub suggested_owner: Option<&'a str>,
    pub source: String,
    pub attributes: Vec<Attribute<'a>>,
}

#[derive(Serialize)]
pub(super) struct Attribute<'a> {
    pub name: &'a str,
    pub lines: Vec<String>,
    pub href: Option<String>,
}

#[derive(Serialize)]
pub(super) struct DocView<'a> {
    pub anchor: String,
    pub path: &'a str,
    pub title: String,
    pub words: usize,
    pub html: Value,
}

/// The mark of an outcome, as `catalogc score` prints it.
/// Appends `text` HTML-escaped by minijinja's own escaper, so text written here and text
/// written by the templates are escaped the same way.
fn escape_into(out: &mut String, text: &str) {
    use std::fmt::Write as _;
    let _ = write!(out, "{}", minijinja::HtmlEscape(text));
}

/// The criteria table of one scorecard on a service page: outcome, criterion, level, what
/// was found and how to fix a failure. Every text is escaped with [`escape_into`].
pub(super) fn criteria_table(card: &str, title: &str, criteria: &[CriterionOutcome<'_>]) -> String {
    let mut out = String::with_capacity(400 + criteria.len() * 320);
    let e = escape_into;
    out.push_str("<div class=\"scroll\" role=\"region\" aria-label=\"");
    e(&mut out, title);
    out.push_str(" criteria\" tabindex=\"0\">\n<table class=\"criteria\">\n<caption class=\"sr\">");
    e(&mut out, title);
    out.push_str(
        ": criteria</caption>\n<thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Criterion</th>\
         <th scope=\"col\">Level</th><th scope=\"col\">Found, and how to fix it</th></tr></thead>\n<tbody>\n",
    );
    for c in criteria {
        out.push_str("<tr id=\"c-");
        e(&mut out, card);
        out.push('-');
        e(&mut out, c.name);
        out.push_str("\" class=\"row-");
        e(&mut out, c.outcome);
        out.push_str("\">\n<td><span class=\"mark o-");
        e(&mut out, c.outcome);
        out.push_str("\" aria-hidden=\"true\">");
        out.push_str(c.mark);
        out.push_str("</span> <span class=\"o-text\">");
        e(&mut out, c.outcome);
        out.push_str("</span></td>\n<th scope=\"row\">");
        e(&mut out, c.title);
        if c.title != c.name {
            out.push_str(" <code class=\"name\">");
            e(&mut out, c.name);
            out.push_str("</code>");
        }
        out.push_str("</th>\n<td>");
        e(&mut out, c.level.unwrap_or_default());
        out.push_str("</td>\n<td>");
        if let Some(found) = c.found.filter(|f| !f.is_empty()) {
            out.push_str("<p class=\"found\">");
            e(&mut out, found);
            out.push_str("</p>");
        }
        if let Some(message) = c.message.filter(|m| !m.is_empty() && c.outcome != "pass") {
            out.push_str("<p class=\"fix\">");
            e(&mut out, message);
            out.push_str("</p>");
        }
        out.push_str("</td>\n</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

pub(super) fn mark(outcome: &str) -> &'static str {
    match outcome {
        "pass" => "✓",
        "fail" => "✗",
        "error" => "!",
        "exempt" => "○",
        _ => "–",
    }
}

impl<'a> Catalog<'a> {
    pub fn service_page(
        &self,
        page: Page<'a>,
        service: &'a BundleService,
        picture: Option<Value>,
    ) -> ServiceView<'a> {
        let owner_team = self.teams.get(service.owner.as_str());
        let scores: Vec<ScoreView<'a>> = service
            .scores
            .iter()
            .map(|score| self.score_view(score))
            .collect();
        let failing = scores
            .iter()
            .flat_map(|s| &s.criteria)
            .filter(|c| matches!(c.outcome, "fail" | "error"))
            .count();
        let resource_groups = self.resource_groups(service.resources.iter().map(String::as_str));
        let resource_count = resource_groups.iter().map(|g| g.total).sum();
        ServiceView {
            description: paragraphs(service.description.as_deref()),
            owner: self.team_ref(service.owner.as_str()),
            additional_owners: service
                .additional_owners
                .iter()
                .map(|t| self.team_ref(t))
                .collect(),
            contacts: owner_team
                .map(|t| t.contacts.iter().map(contact).collect())
                .unwrap_or_default(),
            links: service
                .links
                .iter()
                .map(|l| Href {
                    text: l.title.as_str(),
                    href: absolute_href(l.url.as_str()),
                    kind: l.link_type.as_deref(),
                })
                .collect(),
            repository: service.repository.as_deref().map(|key| Href {
                text: key,
                href: self
                    .resources
                    .get(key)
                    .and_then(|r| r.attributes.get("url"))
                    .and_then(Json::as_str)
                    .and_then(absolute_href),
                kind: None,
            }),
            custom: service
                .custom
                .as_ref()
                .filter(|c| !c.is_empty())
                .and_then(|c| serde_json::to_string_pretty(c).ok()),
            picture,
            upstream: service
                .dependencies
                .iter()
                .map(|d| {
                    let r = self.service_ref(d.service.as_str());
                    DependencyView {
                        name: r.name,
                        title: r.title,
                        lifecycle: r.lifecycle,
                        kind: match d.kind {
                            DependencyKind::Sync => "sync",
                            DependencyKind::Async => "async",
                        },
                        critical: d.critical,
                        apis: &d.apis,
                    }
                })
                .collect(),
            downstream: service
                .dependents
                .iter()
                .map(|d| self.service_ref(d))
                .collect(),
            upstream_all: self.listing(&service.upstream_all),
            downstream_all: self.listing(&service.downstream_all),
            scores,
            failing,
            consumed: service
                .apis
                .consumes
                .iter()
                .map(|api| ConsumedApi {
                    name: api.as_str(),
                    provider: service
                        .dependencies
                        .iter()
                        .find(|d| d.apis.iter().any(|a| a == api))
                        .map(|d| d.service.as_str()),
                })
                .collect(),
            resource_groups,
            resource_count,
            docs: self.docs(service),
            findings: self
                .findings
                .get(service.name.as_str())
                .map(|indexes| indexes.iter().filter_map(|i| self.finding(*i)).collect())
                .unwrap_or_default(),
            recent: self.recent_changes(service.name.as_str()),
            page,
            service: ServiceFacts::of(service),
        }
    }

    fn listing(&self, names: &'a [String]) -> Listing<'a> {
        Listing {
            count: names.len(),
            shown: names
                .iter()
                .take(TRANSITIVE_SHOWN)
                .map(|n| self.service_ref(n))
                .collect(),
            more: names.len().saturating_sub(TRANSITIVE_SHOWN),
        }
    }

    fn score_view(&self, score: &'a BundleScore) -> ScoreView<'a> {
        let card = self.scorecards.get(score.scorecard.as_str());
        let definition = card.map(|c| &c.definition);
        let ladder = self.ladder(&score.scorecard);
        let criterion = |name: &str| {
            definition.and_then(|d| d.criteria.iter().find(|c| c.name.as_str() == name))
        };
        let criteria: Vec<CriterionOutcome<'a>> = score
            .criteria
            .iter()
            .map(|c| {
                let defined = criterion(&c.name);
                CriterionOutcome {
                    name: c.name.as_str(),
                    title: defined
                        .and_then(|d| d.title.as_deref())
                        .unwrap_or(c.name.as_str()),
                    level: defined.and_then(|d| d.level.as_ref()).map(|l| l.as_str()),
                    outcome: c.outcome.as_str(),
                    mark: mark(&c.outcome),
                    found: c.found.as_deref(),
                    message: c.message.as_deref(),
                }
            })
            .collect();
        let reached = ladder.map_or(0, |l| l.rank(score));
        // The next level: what still fails at it or below it.
        let next = ladder.and_then(|l| {
            let level = *l.levels.get(reached)?;
            let below: BTreeSet<&str> = l.levels[..=reached].iter().copied().collect();
            let blocking: Vec<&'a str> = criteria
                .iter()
                .filter(|c| matches!(c.outcome, "fail" | "error"))
                .filter(|c| c.level.is_some_and(|lv| below.contains(lv)))
                .map(|c| c.name)
                .collect();
            (!blocking.is_empty()).then_some(NextLevel {
                level,
                criteria: blocking,
            })
        });
        let title = definition
            .and_then(|d| d.title.as_deref())
            .unwrap_or(score.scorecard.as_str());
        let table =
            Value::from_safe_string(criteria_table(score.scorecard.as_str(), title, &criteria));
        ScoreView {
            name: score.scorecard.as_str(),
            title,
            cell: ladder.map(|l| l.cell(score)),
            score: format!("{:.1}", score.score),
            ladder: ladder
                .map(|l| {
                    l.levels
                        .iter()
                        .enumerate()
                        .map(|(i, name)| Step {
                            name,
                            reached: i < reached,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            next,
            criteria,
            table,
        }
    }

    /// Resources by integration, in key order; `keys` need not be sorted.
    fn resource_groups<I: Iterator<Item = &'a str>>(&self, keys: I) -> Vec<ResourceGroup<'a>> {
        let mut groups: BTreeMap<&str, Vec<&BundleResource>> = BTreeMap::new();
        for key in keys {
            if let Some(r) = self.resources.get(key) {
                groups.entry(r.integration.as_str()).or_default().push(r);
            }
        }
        groups
            .into_iter()
            .map(|(integration, resources)| ResourceGroup {
                label: integration_label(integration),
                anchor: integration,
                total: resources.len(),
                more: 0,
                resources: resources.into_iter().map(resource_view).collect(),
            })
            .collect()
    }

    fn docs(&self, service: &'a BundleService) -> Vec<DocView<'a>> {
        let Some(files) = self.files.get(service.name.as_str()) else {
            return Vec::new();
        };
        let set = DocSet {
            paths: files.docs.iter().map(|d| d.path.as_str()).collect(),
        };
        files
            .docs
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                let html = match &doc.text {
                    Some(text) => markdown::render(text, &doc.path, &set),
                    None => "<p>This file is not UTF-8 text.</p>".to_owned(),
                };
                DocView {
                    anchor: format!("doc-{}", i + 1),
                    path: doc.path.as_str(),
                    title: doc
                        .doc
                        .as_ref()
                        .and_then(|d| d.title.clone())
                        .unwrap_or_else(|| {
                            doc.path.rsplit('/').next().unwrap_or(&doc.path).to_owned()
                        }),
                    words: doc.doc.as_ref().map_or(0, |d| d.words),
                    html: Value::from_safe_string(html),
                }
            })
            .collect()
    }
}

/// A description's paragraphs (blank-line separated), shown as text.
fn paragraphs(text: Option<&str>) -> Vec<&str> {
    text.map(|t| {
        t.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// How an integration is called on the pages.
fn integration_label(integration: &str) -> String {
    match integration {
        "gateway" => "Kong Gateway".to_owned(),
        "mesh" => "Kong Mesh".to_owned(),
        "pagerduty" => "PagerDuty".to_owned(),
        "github" => "GitHub".to_owned(),
        "repo" => "Repository files".to_owned(),
        other => other.to_owned(),
    }
}

fn resource_view(r: &BundleResource) -> ResourceView<'_> {
    ResourceView {
        key: r.key.as_str(),
        name: r.name.as_str(),
        resource_type: r.resource_type.as_str(),
        integration: r.integration.as_str(),
        mapped_by: &r.mapped_by,
        suggested_owner: r.suggested_owner.as_deref(),
        source: format!("{}:{}", r.source.file, r.source.line),
        attributes: r
            .attributes
            .iter()
            .filter_map(|(name, value)| attribute(name, value))
            .collect(),
    }
}

/// An attribute as lines of text: scalars as written, lists joined, objects (gateway routes)
/// as one line each with their fields.
fn attribute<'a>(name: &'a str, value: &Json) -> Option<Attribute<'a>> {
    let lines = match value {
        Json::Null => return None,
        Json::Array(items) if items.iter().any(|i| i.is_object()) => {
            items.iter().map(inline).collect()
        }
        other => vec![inline(other)],
    };
    let href = match value {
        Json::String(url) if name == "url" => absolute_href(url),
        _ => None,
    };
    Some(Attribute { name, lines, href })
}

fn inline(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Json::Number(n) => n.to_string(),
        Json::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        Json::Object(fields) => {
            // `name` first: it is what a reader looks for (a route's name).
            let mut parts: Vec<String> = Vec::new();
            if let Some(Json::String(n)) = fields.get("name") {
                parts.push(n.clone());
            }
            parts.extend(
                fields
                    .iter()
                    .filter(|(k, v)| k.as_str() != "name" && !v.is_null())
                    .map(|(k, v)| format!("{k}: {}", inline(v))),
            );
            parts.join(" · ")
        }
    }
}

/// The teams list.
#[derive(Serialize)]
pub(super) struct TeamsView<'a> {
    pub page: Page<'a>,
    pub rows: Vec<TeamRow<'a>>,
    pub services: usize,
}

#[derive(Serialize)]
pub(super) struct TeamRow<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: String,
    pub depth: usize,
    pub parent: Option<&'a str>,
    pub members: usize,
    pub services: usize,
    pub shared: usize,
    pub contacts: Vec<Href<'a>>,
}

/// A team page.
#[derive(Serialize)]
pub(super) struct TeamView<'a> {
    pub page: Page<'a>,
    pub team: &'a BundleTeam,
    pub ancestors: Vec<TeamRef<'a>>,
    pub parent: Option<TeamRef<'a>>,
    pub children: Vec<TeamRef<'a>>,
    pub contacts: Vec<Href<'a>>,
    pub owned: Vec<ServiceRow<'a>>,
    pub shared: Vec<ServiceRow<'a>>,
    pub scorecards: Vec<LadderView<'a>>,
}

impl<'a> Catalog<'a> {
    pub fn teams(&self, page: Page<'a>) -> TeamsView<'a> {
        // Depth-first from the top-level teams, children by name; a team reached twice (only
        // possible in a catalog with a team cycle, which never builds) is listed once.
        let teams = &self.bundle.teams;
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut order: Vec<(&BundleTeam, usize)> = Vec::new();
        let roots = teams.iter().filter(|t| {
            t.parent
                .as_deref()
                .is_none_or(|p| !self.teams.contains_key(p))
        });
        let mut stack: Vec<(&BundleTeam, usize)> = roots.rev().map(|t| (t, 0)).collect();
        while let Some((team, depth)) = stack.pop() {
            if !seen.insert(team.name.as_str()) {
                continue;
            }
            order.push((team, depth));
            for child in team.children.iter().rev() {
                if let Some(c) = self.teams.get(child.as_str()) {
                    stack.push((c, depth + 1));
                }
            }
        }
        for team in teams {
            if !seen.contains(team.name.as_str()) {
                order.push((team, 0));
            }
        }
        TeamsView {
            page,
            services: self.bundle.services.len(),
            rows: order
                .into_iter()
                .map(|(t, depth)| TeamRow {
                    name: t.name.as_str(),
                    title: t.title.as_str(),
                    description: t
                        .description
                        .as_deref()
                        .map(|d| excerpt(d, ROW_DESCRIPTION))
                        .unwrap_or_default(),
                    depth: depth.min(6),
                    parent: t.parent.as_deref(),
                    members: t.members.len(),
                    services: t.services.len(),
                    shared: t.shared_services.len(),
                    contacts: t.contacts.iter().map(contact).collect(),
                })
                .collect(),
        }
    }

    pub fn team_page(&self, page: Page<'a>, team: &'a BundleTeam) -> TeamView<'a> {
        let mut ancestors = Vec::new();
        let mut at = team.parent.as_deref();
        // Bounded by the number of teams, so a (never built) cycle cannot loop.
        while let Some(name) = at {
            if ancestors.len() >= self.teams.len() {
                break;
            }
            ancestors.push(self.team_ref(name));
            at = self.teams.get(name).and_then(|t| t.parent.as_deref());
        }
        ancestors.reverse();
        let rows = |names: &'a [String]| -> Vec<ServiceRow<'a>> {
            names
                .iter()
                .filter_map(|n| self.service(n))
                .map(|s| self.row(s))
                .collect()
        };
        TeamView {
            page,
            ancestors,
            parent: team.parent.as_deref().map(|p| self.team_ref(p)),
            children: team.children.iter().map(|c| self.team_ref(c)).collect(),
            contacts: team.contacts.iter().map(contact).collect(),
            owned: rows(&team.services),
            shared: rows(&team.shared_services),
            scorecards: self
                .ladders
                .iter()
                .map(|l| LadderView {
                    name: l.name,
                    title: l.title,
                })
                .collect(),
            team,
        }
    }
}

/// The resources page.
#[derive(Serialize)]
pub(super) struct ResourcesView<'a> {
    pub page: Page<'a>,
    pub total: usize,
    pub integrations: Vec<IntegrationCount<'a>>,
    pub unmapped: Vec<ResourceView<'a>>,
    pub groups: Vec<ResourceGroup<'a>>,
}

#[derive(Serialize)]
pub(super) struct IntegrationCount<'a> {
    pub anchor: &'a str,
    pub label: String,
    pub total: usize,
    pub mapped: usize,
    pub unmapped: usize,
}

impl<'a> Catalog<'a> {
    pub fn resources_page(&self, page: Page<'a>) -> ResourcesView<'a> {
        let mut by_integration: BTreeMap<&str, Vec<&BundleResource>> = BTreeMap::new();
        for r in &self.bundle.resources {
            by_integration
                .entry(r.integration.as_str())
                .or_default()
                .push(r);
        }
        // Inventories first, the repositories' own files last.
        let mut order: Vec<(&str, Vec<&BundleResource>)> = by_integration.into_iter().collect();
        order.sort_by_key(|(name, _)| (*name == "repo", *name));
        let integrations = order
            .iter()
            .map(|(name, list)| {
                let unmapped = list.iter().filter(|r| r.mapped_by.is_empty()).count();
                IntegrationCount {
                    anchor: name,
                    label: integration_label(name),
                    total: list.len(),
                    mapped: list.len() - unmapped,
                    unmapped,
                }
            })
            .collect();
        let groups = order
            .into_iter()
            .map(|(name, list)| {
                let total = list.len();
                let mut mapped_left = MAPPED_SHOWN;
                let shown: Vec<&BundleResource> = list
                    .into_iter()
                    .filter(|r| {
                        if r.mapped_by.is_empty() {
                            return true;
                        }
                        let keep = mapped_left > 0;
                        mapped_left = mapped_left.saturating_sub(1);
                        keep
                    })
                    .collect();
                ResourceGroup {
                    label: integration_label(name),
                    anchor: name,
                    total,
                    more: total - shown.len(),
                    resources: shown.into_iter().map(resource_view).collect(),
                }
            })
            .collect();
        ResourcesView {
            page,
            total: self.bundle.resources.len(),
            integrations,
            unmapped: self
                .bundle
                .resources
                .iter()
                .filter(|r| r.mapped_by.is_empty())
                .map(resource_view)
                .collect(),
            groups,
        }
    }
}

/// The scorecards list and a scorecard's own page.
#[derive(Serialize)]
pub(super) struct ScorecardsView<'a> {
    pub page: Page<'a>,
    pub total: usize,
    pub rows: Vec<CardSummary<'a>>,
}

#[derive(Serialize)]
pub(super) struct CardSummary<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub builtin: bool,
    pub services: usize,
    pub criteria: usize,
    pub average: Option<String>,
    pub distribution: Vec<Bar<'a>>,
}

#[derive(Serialize)]
pub(super) struct Bar<'a> {
    pub level: Option<&'a str>,
    pub tone: &'static str,
    pub count: usize,
    /// 0–100, the bar's length.
    pub width: String,
    pub percent: String,
}

#[derive(Serialize)]
pub(super) struct ScorecardView<'a> {
    pub page: Page<'a>,
    pub total: usize,
    pub card: CardSummary<'a>,
    pub definition: &'a Scorecard,
    pub criteria: Vec<CriterionView<'a>>,
    pub exemptions: Vec<ExemptionView<'a>>,
    pub legend: Vec<Mark>,
    pub matrix: Matrix<'a>,
}

#[derive(Serialize)]
pub(super) struct CriterionView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub level: Option<&'a str>,
    pub weight: u32,
    pub section: Option<&'a str>,
    pub rule: String,
    pub message: Option<&'a str>,
    pub passing: usize,
    pub evaluated: usize,
}

#[derive(Serialize)]
pub(super) struct ExemptionView<'a> {
    pub service: &'a str,
    pub criterion: Option<&'a str>,
    pub expires: String,
    pub expired: bool,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub(super) struct Mark {
    pub outcome: &'static str,
    pub mark: &'static str,
}

#[derive(Serialize)]
pub(super) struct Matrix<'a> {
    pub rows: Vec<MatrixRow<'a>>,
    pub more: usize,
}

#[derive(Serialize)]
pub(super) struct MatrixRow<'a> {
    pub name: &'a str,
    pub cell: LevelCell,
    pub score: String,
    pub marks: Vec<Mark>,
}

fn static_outcome(outcome: &str) -> &'static str {
    match outcome {
        "pass" => "pass",
        "fail" => "fail",
        "error" => "error",
        "exempt" => "exempt",
        _ => "skipped",
    }
}

impl<'a> Catalog<'a> {
    /// Each service's score on the scorecard `name`, in service order.
    fn scores_of(&self, name: &str) -> Vec<(&'a BundleService, &'a BundleScore)> {
        self.bundle
            .services
            .iter()
            .filter_map(|s| {
                s.scores
                    .iter()
                    .find(|score| score.scorecard == name)
                    .map(|score| (s, score))
            })
            .collect()
    }

    pub fn card_summary(&self, card: &'a BundleScorecard) -> CardSummary<'a> {
        let definition = &card.definition;
        let name = definition.name.as_str();
        let scores = self.scores_of(name);
        let average = (!scores.is_empty()).then(|| {
            let sum: f64 = scores.iter().map(|(_, s)| s.score).sum();
            format!("{:.1}", sum / scores.len() as f64)
        });
        let ladder = self.ladder(name);
        let distribution = match ladder {
            None => Vec::new(),
            Some(ladder) => {
                let total = card.services.max(1) as f64;
                let bar = |level: Option<&'a str>, rank: usize| {
                    let count = card
                        .levels
                        .get(level.unwrap_or("none"))
                        .copied()
                        .unwrap_or(0);
                    let share = count as f64 / total * 100.0;
                    Bar {
                        level,
                        tone: ladder.tone(rank),
                        count,
                        width: format!("{share:.1}"),
                        percent: format!("{share:.0}"),
                    }
                };
                std::iter::once(bar(None, 0))
                    .chain(
                        ladder
                            .levels
                            .iter()
                            .enumerate()
                            .map(|(i, l)| bar(Some(*l), i + 1)),
                    )
                    .collect()
            }
        };
        CardSummary {
            name,
            title: definition.title.as_deref().unwrap_or(name),
            description: definition.description.as_deref(),
            builtin: card.builtin,
            services: card.services,
            criteria: definition.criteria.len(),
            average,
            distribution,
        }
    }

    pub fn scorecards(&self, page: Page<'a>) -> ScorecardsView<'a> {
        ScorecardsView {
            page,
            total: self.bundle.services.len(),
            rows: self
                .bundle
                .scorecards
                .iter()
                .map(|c| self.card_summary(c))
                .collect(),
        }
    }

    pub fn scorecard_page(&self, page: Page<'a>, card: &'a BundleScorecard) -> ScorecardView<'a> {
        let definition = &card.definition;
        let name = definition.name.as_str();
        let scores = self.scores_of(name);
        let ladder = self.ladder(name);
        let outcome_of = |score: &'a BundleScore, index: usize, criterion: &str| {
            // Results follow the definition's order; look further only if they do not.
            match score.criteria.get(index) {
                Some(c) if c.name == criterion => Some(c),
                _ => score.criteria.iter().find(|c| c.name == criterion),
            }
        };
        let criteria = definition
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut passing = 0;
                let mut evaluated = 0;
                for (_, score) in &scores {
                    if let Some(result) = outcome_of(score, i, c.name.as_str()) {
                        match result.outcome.as_str() {
                            "pass" | "exempt" => {
                                passing += 1;
                                evaluated += 1;
                            }
                            "fail" | "error" => evaluated += 1,
                            _ => {}
                        }
                    }
                }
                let rule = match (&c.check, &c.uses) {
                    (Some(check), _) => check.as_str().to_owned(),
                    (None, Some(uses)) => match &c.with {
                        Some(with) if !with.is_empty() => format!(
                            "{uses}({})",
                            with.iter()
                                .map(|(k, v)| format!("{k}: {v}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        _ => uses.to_string(),
                    },
                    (None, None) => String::new(),
                };
                CriterionView {
                    name: c.name.as_str(),
                    title: c.title.as_deref().unwrap_or(c.name.as_str()),
                    level: c.level.as_ref().map(|l| l.as_str()),
                    weight: c.weight,
                    section: c.section.as_deref(),
                    rule,
                    message: c.message.as_deref(),
                    passing,
                    evaluated,
                }
            })
            .collect();
        let date = self.bundle.catalog.evaluation_date.as_str();
        let exemptions = definition
            .exemptions
            .iter()
            .map(|e| {
                let expires = e.expires.to_string();
                ExemptionView {
                    service: e.service.as_str(),
                    criterion: e.criterion.as_ref().map(|c| c.as_str()),
                    expired: expires.as_str() < date,
                    expires,
                    reason: e.reason.as_str(),
                }
            })
            .collect();
        // Past MATRIX_ROWS services, the lowest scores are the ones worth a look.
        let mut chosen = scores;
        let more = chosen.len().saturating_sub(MATRIX_ROWS);
        if more > 0 {
            chosen.sort_by(|a, b| {
                a.1.score
                    .total_cmp(&b.1.score)
                    .then(a.0.name.cmp(&b.0.name))
            });
            chosen.truncate(MATRIX_ROWS);
            chosen.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        }
        let rows = chosen
            .into_iter()
            .map(|(service, score)| MatrixRow {
                name: service.name.as_str(),
                cell: match ladder {
                    Some(l) => l.cell(score),
                    None => LevelCell {
                        level: None,
                        tone: "none",
                        rank: 0,
                    },
                },
                score: format!("{:.1}", score.score),
                marks: definition
                    .criteria
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let outcome = outcome_of(score, i, c.name.as_str())
                            .map_or("skipped", |r| static_outcome(&r.outcome));
                        Mark {
                            outcome,
                            mark: mark(outcome),
                        }
                    })
                    .collect(),
            })
            .collect();
        ScorecardView {
            page,
            total: self.bundle.services.len(),
            card: self.card_summary(card),
            definition,
            criteria,
            exemptions,
            legend: ["pass", "fail", "error", "skipped", "exempt"]
                .into_iter()
                .map(|o| Mark {
                    outcome: o,
                    mark: mark(o),
                })
                .collect(),
            matrix: Matrix { rows, more },
        }
    }
}

/// The graph page.
#[derive(Serialize)]
pub(super) struct GraphView<'a> {
    pub page: Page<'a>,
    pub services: usize,
    pub edges: usize,
    pub picture: Option<Value>,
}

/// The findings page.
#[derive(Serialize)]
pub(super) struct FindingsView<'a> {
    pub page: Page<'a>,
    pub total: usize,
    pub groups: Vec<FindingGroup<'a>>,
}

#[derive(Serialize)]
pub(super) struct FindingGroup<'a> {
    pub code: &'static str,
    pub summary: &'static str,
    pub items: Vec<FindingView<'a>>,
}

impl<'a> Catalog<'a> {
    pub fn findings_page(&self, page: Page<'a>) -> FindingsView<'a> {
        let mut groups: BTreeMap<&'static str, FindingGroup<'a>> = BTreeMap::new();
        for (i, d) in self.compilation.diagnostics.iter().enumerate() {
            let Some(view) = self.finding(i) else {
                continue;
            };
            groups
                .entry(d.code.as_str())
                .or_insert_with(|| FindingGroup {
                    code: d.code.as_str(),
                    summary: d.code.summary(),
                    items: Vec::new(),
                })
                .items
                .push(view);
        }
        FindingsView {
            page,
            total: self.finding_count(),
            groups: groups.into_values().collect(),
        }
    }
}
