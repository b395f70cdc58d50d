//! The static catalog site: `DIR/site/` of a bundle (SPEC 4).
//!
//! # Layout
//!
//! ```text
//! index.html                 the service list: search, filters, sorting (site.js + search index)
//! services/<name>.html       everything the bundle knows about one service
//! teams/index.html           the team tree
//! teams/<name>.html          members, contacts, parent and children, services
//! resources.html             resources by integration; unmapped ones first
//! scorecards/index.html      every scorecard with its level distribution
//! scorecards/<name>.html     criteria, exemptions, the services × criteria matrix
//! graph.html                 the organisation's dependency graph
//! diagnostics.html           the build's findings by code
//! events.html                the history's commits and their events (only with a history)
//! assets/site.css, site.js   the only stylesheet and script; favicon.svg
//! assets/search-index.js     the service list's data (format: `search.rs`)
//! ```
//!
//! # Safety
//!
//! Pages are plain HTML from templates embedded in the binary, rendered by minijinja with
//! HTML autoescaping on for every template, so descriptor text is always escaped; the only
//! markup not written by the templates is Markdown rendered by [`markdown`] (raw HTML
//! neutralised, URLs allow-listed) and the dependency pictures. Every page carries a
//! Content-Security-Policy ([`CSP`]) that forbids inline scripts and styles and any load
//! that is not one of the site's own files, and links only to relative URLs or `http`,
//! `https` and `mailto` ones. Paths are built from service, team and scorecard names only,
//! which are checked against `^[a-z0-9-]+$` again here.
//!
//! # Determinism
//!
//! No timestamps, no hash-ordered collections; pages are rendered in parallel and the output
//! is sorted by path, so the same bundle gives the same bytes.

mod events;
mod markdown;
mod search;
mod view;

#[cfg(test)]
mod tests;

use std::fmt;

use catalogc_compiler::Compilation;
use catalogc_model::Bundle;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::svg::{Group, Pictures};
use view::{Catalog, Page};

/// The Content-Security-Policy of every page (a `<meta http-equiv>`, so it also applies
/// from file:// and on hosts whose headers cannot be set).
///
/// Nothing is allowed by default; scripts, styles and images come only from the site's own
/// files (`'self'`: checked in Chromium to match sibling and parent directories' files from
/// file:// as well as over http), never inline; forms (the header's search box) only submit
/// to the site; `<base>` cannot redirect relative links.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'";

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How far a service page's picture reaches, each way.
const NEIGHBOURHOOD_HOPS: usize = 2;
/// Up to this many services the organisation picture draws each one; above, it draws
/// systems and teams with their dependency counts.
const ORGANISATION_NODES: usize = 150;

/// Why the site could not be rendered.
#[derive(Debug)]
pub enum SiteError {
    /// A name that would become part of a file name is not `^[a-z0-9-]+$` (validation
    /// guarantees it is; the site refuses to build a path from anything else).
    UnsafeName { kind: &'static str, name: String },
    /// A template failed (a bug in catalogc, reported with the page).
    Template { page: String, error: String },
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SiteError::UnsafeName { kind, name } => write!(
                f,
                "the {kind} name {name:?} is not a safe file name; the site was not written"
            ),
            SiteError::Template { page, error } => {
                write!(f, "cannot render site/{page}: {error}")
            }
        }
    }
}

impl std::error::Error for SiteError {}

/// The templates, embedded in the binary.
const TEMPLATES: [(&str, &str); 12] = [
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("index.html", include_str!("templates/index.html")),
    ("service.html", include_str!("templates/service.html")),
    ("teams.html", include_str!("templates/teams.html")),
    ("team.html", include_str!("templates/team.html")),
    ("resources.html", include_str!("templates/resources.html")),
    ("scorecards.html", include_str!("templates/scorecards.html")),
    ("scorecard.html", include_str!("templates/scorecard.html")),
    ("graph.html", include_str!("templates/graph.html")),
    (
        "diagnostics.html",
        include_str!("templates/diagnostics.html"),
    ),
    ("events.html", include_str!("templates/events.html")),
];

/// The static assets, written as they are.
const ASSETS: [(&str, &[u8]); 3] = [
    ("assets/site.css", include_bytes!("assets/site.css")),
    ("assets/site.js", include_bytes!("assets/site.js")),
    ("assets/favicon.svg", include_bytes!("assets/favicon.svg")),
];

/// The directories of the site, relative to `site/`: every file [`render_each`] writes is
/// directly in one of them.
pub const DIRECTORIES: [&str; 5] = ["", "assets", "services", "teams", "scorecards"];

/// Where [`render_each`] hands each file: its path under `site/` and its bytes.
pub type Writer<'w, E> = dyn Fn(&str, &[u8]) -> Result<(), E> + Sync + 'w;

/// Why [`render_each`] stopped: the site could not be rendered, or `write` failed.
#[derive(Debug)]
pub enum Stop<E> {
    Site(SiteError),
    Write(E),
}

/// Every file of the site for `bundle` (made from `compilation`): paths under `site/`
/// (`/`-separated) with their bytes, sorted by path. Pure: nothing is written. Holds the
/// whole site in memory; [`render_each`] hands pages over as they are made.
pub fn render(
    compilation: &Compilation,
    bundle: &Bundle,
) -> Result<Vec<(String, Vec<u8>)>, SiteError> {
    let files = std::sync::Mutex::new(Vec::new());
    render_each(compilation, bundle, &|path: &str, bytes: &[u8]| {
        files
            .lock()
            .map_err(|_| ())?
            .push((path.to_owned(), bytes.to_vec()));
        Ok::<(), ()>(())
    })
    .map_err(|stop| match stop {
        Stop::Site(error) => error,
        Stop::Write(()) => SiteError::Template {
            page: String::new(),
            error: "a page was rendered twice at once".to_owned(),
        },
    })?;
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Renders every file of the site for `bundle` and hands each to `write` (path under
/// `site/`, `/`-separated, in one of [`DIRECTORIES`]) as soon as it is made, from several
/// threads at once; a page is dropped once written, so memory does not grow with the site.
/// Stops at the first failure. Returns the paths written, sorted.
pub fn render_each<E: Send>(
    compilation: &Compilation,
    bundle: &Bundle,
    write: &Writer<'_, E>,
) -> Result<Vec<String>, Stop<E>> {
    check_names(bundle).map_err(Stop::Site)?;
    let env = environment().map_err(Stop::Site)?;
    let catalog = Catalog::new(compilation, bundle);
    // The dependency graph indexed once: every service page draws its neighbourhood.
    let pictures = Pictures::new(bundle);

    let mut pages: Vec<Job<'_>> = vec![
        Job::Index,
        Job::Teams,
        Job::Resources,
        Job::Scorecards,
        Job::Graph,
        Job::Findings,
    ];
    if !bundle.events.is_empty() {
        pages.push(Job::Events);
    }
    pages.extend(bundle.services.iter().map(Job::Service));
    pages.extend(bundle.teams.iter().map(Job::Team));
    pages.extend(bundle.scorecards.iter().map(Job::Scorecard));

    let search_index = || {
        let bytes = search::search_index(bundle, &catalog.ladders, view::BATCH);
        let path = "assets/search-index.js";
        write(path, &bytes).map_err(Stop::Write)?;
        Ok(vec![path.to_owned()])
    };
    let (index, rendered) = rayon::join(search_index, || {
        pages
            .par_iter()
            .map(|job| {
                let (path, bytes) = job.render(&env, &catalog, &pictures).map_err(Stop::Site)?;
                write(&path, &bytes).map_err(Stop::Write)?;
                Ok(path)
            })
            .collect::<Result<Vec<String>, Stop<E>>>()
    });
    let mut written = rendered?;
    written.extend(index?);
    for (path, bytes) in ASSETS {
        write(path, bytes).map_err(Stop::Write)?;
        written.push(path.to_owned());
    }
    written.sort();
    Ok(written)
}

/// Whether `name` may be part of a file name: `^[a-z0-9-]+$`.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_names(bundle: &Bundle) -> Result<(), SiteError> {
    let names = bundle
        .services
        .iter()
        .map(|s| ("service", s.name.as_str()))
        .chain(bundle.teams.iter().map(|t| ("team", t.name.as_str())))
        .chain(
            bundle
                .scorecards
                .iter()
                .map(|c| ("scorecard", c.definition.name.as_str())),
        );
    for (kind, name) in names {
        // `index` is taken by the teams' and scorecards' own lists.
        if !safe_name(name) || (kind != "service" && name == "index") {
            return Err(SiteError::UnsafeName {
                kind,
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

fn environment() -> Result<Environment<'static>, SiteError> {
    let mut env = Environment::new();
    // Every template is HTML: escape everything printed, whatever the template's name.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // A typo in a template is an error in tests instead of an empty string on a page.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags on their own lines leave no blank lines behind.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|error| SiteError::Template {
            page: String::new(),
            error: format!("{error:#}"),
        })?;
    env.set_syntax(syntax);
    env.add_filter("q", query_value);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|error| SiteError::Template {
                page: name.to_owned(),
                error: format!("{error:#}"),
            })?;
    }
    Ok(env)
}

/// Percent-encodes a value for a URL fragment parameter (`#tag=c%2B%2B`): everything but
/// ASCII letters, digits and `-._~`.
fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One page to render.
enum Job<'a> {
    Index,
    Service(&'a catalogc_model::BundleService),
    Teams,
    Team(&'a catalogc_model::BundleTeam),
    Resources,
    Scorecards,
    Scorecard(&'a catalogc_model::BundleScorecard),
    Graph,
    Findings,
    Events,
}

impl<'a> Job<'a> {
    fn render(
        &self,
        env: &Environment<'static>,
        catalog: &Catalog<'a>,
        pictures: &Pictures<'_>,
    ) -> Result<(String, Vec<u8>), SiteError> {
        let page = |root: &'static str, section: &'static str, index: bool, title: String| Page {
            root,
            section,
            index,
            title,
            catalog: &catalog.bundle.catalog,
            version: VERSION,
            csp: CSP,
            findings: catalog.finding_count(),
            events: !catalog.bundle.events.is_empty(),
        };
        match self {
            Job::Index => emit(
                env,
                "index.html",
                "index.html",
                &catalog.index(page("", "home", true, "Services".to_owned())),
            ),
            Job::Service(service) => {
                // From services/<name>.html, other service pages are siblings.
                let picture = pictures
                    .neighbourhood(&service.name, NEIGHBOURHOOD_HOPS, &|name| {
                        format!("{name}.html")
                    })
                    .map(Value::from_safe_string);
                let view = catalog.service_page(
                    page("../", "services", false, service.title.clone()),
                    service,
                    picture,
                );
                emit(
                    env,
                    &format!("services/{}.html", service.name),
                    "service.html",
                    &view,
                )
            }
            Job::Teams => emit(
                env,
                "teams/index.html",
                "teams.html",
                &catalog.teams(page("../", "teams", true, "Teams".to_owned())),
            ),
            Job::Team(team) => emit(
                env,
                &format!("teams/{}.html", team.name),
                "team.html",
                &catalog.team_page(page("../", "teams", false, team.title.clone()), team),
            ),
            Job::Resources => emit(
                env,
                "resources.html",
                "resources.html",
                &catalog.resources_page(page("", "resources", true, "Resources".to_owned())),
            ),
            Job::Scorecards => emit(
                env,
                "scorecards/index.html",
                "scorecards.html",
                &catalog.scorecards(page("../", "scorecards", true, "Scorecards".to_owned())),
            ),
            Job::Scorecard(card) => {
                let name = card.definition.name.as_str();
                let title = card.definition.title.clone().unwrap_or(name.to_owned());
                emit(
                    env,
                    &format!("scorecards/{name}.html"),
                    "scorecard.html",
                    &catalog.scorecard_page(page("../", "scorecards", false, title), card),
                )
            }
            Job::Graph => {
                let bundle = catalog.bundle;
                let view = view::GraphView {
                    page: page("", "graph", true, "Dependency graph".to_owned()),
                    services: bundle.services.len(),
                    edges: bundle.services.iter().map(|s| s.depends_on.len()).sum(),
                    picture: Some(Value::from_safe_string(pictures.organisation(
                        ORGANISATION_NODES,
                        &|name| format!("services/{name}.html"),
                        // Teams have pages; systems are only a grouping.
                        &|group| match group {
                            Group::Team(team) => Some(format!("teams/{team}.html")),
                            Group::System(_) => None,
                        },
                    ))),
                };
                emit(env, "graph.html", "graph.html", &view)
            }
            Job::Findings => emit(
                env,
                "diagnostics.html",
                "diagnostics.html",
                &catalog.findings_page(page("", "findings", true, "Findings".to_owned())),
            ),
            Job::Events => emit(
                env,
                "events.html",
                "events.html",
                &catalog.events_page(page("", "events", true, "Events".to_owned())),
            ),
        }
    }
}

fn emit<T: Serialize>(
    env: &Environment<'static>,
    path: &str,
    template: &str,
    view: &T,
) -> Result<(String, Vec<u8>), SiteError> {
    let failed = |error: minijinja::Error| SiteError::Template {
        page: path.to_owned(),
        error: format!("{error:#}"),
    };
    let html = env
        .get_template(template)
        .and_then(|t| t.render(Value::from(Serde(view))))
        .map_err(failed)?;
    Ok((path.to_owned(), html.into_bytes()))
}
