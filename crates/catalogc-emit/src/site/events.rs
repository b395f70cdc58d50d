//! The events page (`events.html`) and the service pages' "Recent changes": the bundle's
//! history (`catalogc build --history N`) as the templates see it.
//!
//! Each event becomes a [`Change`]: a fixed label, a short plain-text detail and the
//! services it names, written here so that the templates only print escaped text in loops
//! without macro calls. A service's changes are found through [`by_service`], an index built
//! once per site, never by scanning the history per page.

use std::collections::BTreeMap;

use catalogc_model::{Bundle, CatalogEvent, CommitEvents, FindingRef};
use serde::Serialize;

use super::view::{Catalog, Page};

/// Changes listed per service page, newest first.
pub(super) const RECENT: usize = 10;

/// Service name → (commit, event) positions in `bundle.events` of its [`RECENT`] newest
/// events, newest first.
pub(super) fn by_service(bundle: &Bundle) -> BTreeMap<&str, Vec<(usize, usize)>> {
    let mut index: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (c, commit) in bundle.events.iter().enumerate() {
        for (e, event) in commit.events.iter().enumerate() {
            if let Some(service) = event.service() {
                let list = index.entry(service).or_default();
                if list.len() < RECENT {
                    list.push((c, e));
                }
            }
        }
    }
    index
}

/// The anchor of a commit on the events page.
pub(super) fn anchor(commit: &CommitEvents) -> String {
    format!("c-{}", commit.commit)
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// A service named by a change: linked when it has a page in this site.
#[derive(Serialize)]
pub(super) struct Named<'a> {
    pub name: &'a str,
    pub linked: bool,
}

/// One event as a line of text.
#[derive(Serialize)]
pub(super) struct Change<'a> {
    /// A fixed kebab-case word (a class name and the label's key).
    pub kind: &'static str,
    /// What happened, in a few words (fixed text).
    pub label: &'static str,
    /// The service the event is about.
    pub service: Named<'a>,
    /// The details (plain text, escaped when printed).
    pub detail: String,
    /// Another service it names (an upstream), linked when it has a page.
    pub other: Option<Named<'a>>,
    /// A scorecard drop, highlighted.
    pub drop: bool,
}

/// A finding that appeared or went away.
#[derive(Serialize)]
pub(super) struct FindingLine<'a> {
    pub severity: &'a str,
    pub code: &'a str,
    pub location: String,
    pub message: &'a str,
}

#[derive(Serialize)]
pub(super) struct CommitView<'a> {
    pub anchor: String,
    pub commit: &'a str,
    pub short: &'a str,
    pub author: &'a str,
    pub date: &'a str,
    /// `YYYY-MM-DD`, for the `<time>` text.
    pub day: &'a str,
    pub subject: &'a str,
    pub changes: Vec<Change<'a>>,
    pub drops: usize,
    pub new_findings: Vec<FindingLine<'a>>,
    pub fixed_findings: Vec<FindingLine<'a>>,
}

#[derive(Serialize)]
pub(super) struct EventsView<'a> {
    pub page: Page<'a>,
    pub commits: Vec<CommitView<'a>>,
    pub services_changed: usize,
    pub drops: usize,
}

/// A change on a service page, with its commit.
#[derive(Serialize)]
pub(super) struct RecentChange<'a> {
    pub change: Change<'a>,
    pub anchor: String,
    pub short: &'a str,
    pub author: &'a str,
    pub date: &'a str,
    pub day: &'a str,
}

impl<'a> Catalog<'a> {
    fn named(&self, name: &'a str) -> Named<'a> {
        Named {
            name,
            linked: self.service(name).is_some(),
        }
    }

    /// `event` as a line of text; `None` for findings (counted per commit instead).
    fn change(&self, event: &'a CatalogEvent) -> Option<Change<'a>> {
        let tier = |tier: Option<u8>| tier.map_or("no tier".to_owned(), |t| format!("tier {t}"));
        let change = |kind, label, service: &'a str, detail: String| Change {
            kind,
            label,
            service: self.named(service),
            detail,
            other: None,
            drop: false,
        };
        Some(match event {
            CatalogEvent::ServiceAdded {
                service,
                owner,
                lifecycle,
                tier: t,
                ..
            } => change(
                "added",
                "added",
                service,
                format!("owner {owner}, {}, {}", lifecycle.as_str(), tier(*t)),
            ),
            CatalogEvent::ServiceRemoved {
                service,
                owner,
                lifecycle,
                tier: t,
                ..
            } => change(
                "removed",
                "removed",
                service,
                format!("was owned by {owner}, {}, {}", lifecycle.as_str(), tier(*t)),
            ),
            CatalogEvent::ServiceRenamed { service, from, .. } => {
                change("renamed", "renamed", service, format!("from {from}"))
            }
            CatalogEvent::OwnerChanged { service, from, to } => {
                change("owner", "owner", service, format!("{from} → {to}"))
            }
            CatalogEvent::LifecycleChanged { service, from, to } => change(
                "lifecycle",
                "lifecycle",
                service,
                format!("{} → {}", from.as_str(), to.as_str()),
            ),
            CatalogEvent::TierChanged { service, from, to } => change(
                "tier",
                "tier",
                service,
                format!("{} → {}", tier(*from), tier(*to)),
            ),
            CatalogEvent::DependencyAdded { service, upstream } => Change {
                other: Some(self.named(upstream)),
                ..change("dependency-added", "now depends on", service, String::new())
            },
            CatalogEvent::DependencyRemoved { service, upstream } => Change {
                other: Some(self.named(upstream)),
                ..change(
                    "dependency-removed",
                    "no longer depends on",
                    service,
                    String::new(),
                )
            },
            CatalogEvent::ResourceMapped { service, resource } => {
                change("mapped", "maps", service, resource.clone())
            }
            CatalogEvent::ResourceUnmapped { service, resource } => {
                change("unmapped", "no longer maps", service, resource.clone())
            }
            CatalogEvent::ScoreChanged {
                service,
                scorecard,
                from_level,
                to_level,
                from_score,
                to_score,
                drop,
            } => {
                let level = |l: &Option<String>| l.clone().unwrap_or_else(|| "no level".into());
                let score = |s: &Option<f64>| s.map_or("n/a".to_owned(), |s| format!("{s:.1}%"));
                Change {
                    drop: *drop,
                    ..change(
                        if *drop { "score-drop" } else { "score" },
                        if *drop { "score dropped" } else { "score" },
                        service,
                        format!(
                            "{scorecard}: {} → {} ({} → {})",
                            level(from_level),
                            level(to_level),
                            score(from_score),
                            score(to_score)
                        ),
                    )
                }
            }
            CatalogEvent::FindingNew { .. } | CatalogEvent::FindingFixed { .. } => return None,
        })
    }

    pub fn events_page(&self, page: Page<'a>) -> EventsView<'a> {
        let commits: Vec<CommitView<'a>> = self
            .bundle
            .events
            .iter()
            .map(|commit| {
                let mut new_findings = Vec::new();
                let mut fixed_findings = Vec::new();
                for event in &commit.events {
                    match event {
                        CatalogEvent::FindingNew { finding } => new_findings.push(line(finding)),
                        CatalogEvent::FindingFixed { finding } => {
                            fixed_findings.push(line(finding))
                        }
                        _ => {}
                    }
                }
                let changes: Vec<Change<'a>> = commit
                    .events
                    .iter()
                    .filter_map(|e| self.change(e))
                    .collect();
                CommitView {
                    anchor: anchor(commit),
                    commit: &commit.commit,
                    short: short(&commit.commit),
                    author: &commit.author,
                    date: &commit.date,
                    day: commit.date.get(..10).unwrap_or(&commit.date),
                    subject: &commit.subject,
                    drops: changes.iter().filter(|c| c.drop).count(),
                    changes,
                    new_findings,
                    fixed_findings,
                }
            })
            .collect();
        let mut services = std::collections::BTreeSet::new();
        for commit in &self.bundle.events {
            services.extend(commit.events.iter().filter_map(CatalogEvent::service));
        }
        EventsView {
            page,
            drops: commits.iter().map(|c| c.drops).sum(),
            services_changed: services.len(),
            commits,
        }
    }

    /// The newest changes of service `name` (at most [`RECENT`]), from the index.
    pub fn recent_changes(&self, name: &str) -> Vec<RecentChange<'a>> {
        let Some(positions) = self.events.get(name) else {
            return Vec::new();
        };
        positions
            .iter()
            .filter_map(|&(c, e)| {
                let commit = self.bundle.events.get(c)?;
                let change = self.change(commit.events.get(e)?)?;
                Some(RecentChange {
                    change,
                    anchor: anchor(commit),
                    short: short(&commit.commit),
                    author: &commit.author,
                    date: &commit.date,
                    day: commit.date.get(..10).unwrap_or(&commit.date),
                })
            })
            .collect()
    }
}

fn line(finding: &FindingRef) -> FindingLine<'_> {
    FindingLine {
        severity: &finding.severity,
        code: &finding.code,
        location: match (&finding.file, finding.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            (None, _) => String::new(),
        },
        message: &finding.message,
    }
}
