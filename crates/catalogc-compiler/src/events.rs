//! Events: what changed between two compilations of a catalog (`catalogc diff`; a history
//! is the same comparison commit after commit).
//!
//! Pure: two [`Compilation`]s in, a [`CatalogDiff`] out, in a stable order (see the format in
//! [`catalogc_model::CatalogDiff`]). Services are matched by name; a service missing on one
//! side and a new one on the other with the same `repository` key (or, without one, the same
//! descriptor file) is a rename, and its other changes are reported under the new name.
//! Findings are matched by code, severity, file and message — not line, which moves with
//! every edit above it.

use std::collections::{BTreeMap, BTreeSet};

use catalogc_diagnostics::render::json as json_render;
use catalogc_diagnostics::{Diagnostic, Severity};
use catalogc_model::{
    API_VERSION, BlastRadius, CatalogDiff, CatalogEvent, DIFF_KIND, Dependent, DiffRevision,
    DiffSummary, FindingRef, Service,
};

use crate::mapping::is_repository_key;
use crate::{Compilation, Entity};

/// A service as events see it.
struct Side<'a> {
    compilation: &'a Compilation,
    /// Name → index of the service in the compilation (the first of duplicates).
    by_name: BTreeMap<&'a str, usize>,
}

impl<'a> Side<'a> {
    fn new(compilation: &'a Compilation) -> Side<'a> {
        let mut by_name = BTreeMap::new();
        for (index, service) in compilation.services.iter().enumerate() {
            by_name.entry(service.value.name.as_str()).or_insert(index);
        }
        Side {
            compilation,
            by_name,
        }
    }

    fn service(&self, index: usize) -> &'a Entity<Service> {
        &self.compilation.services[index]
    }

    /// What identifies a service across a rename.
    fn identity(&self, index: usize) -> String {
        let service = self.service(index);
        match &service.value.repository {
            Some(repository) => repository.to_string(),
            None => service.file.clone(),
        }
    }

    fn upstreams(&self, name: &str) -> BTreeSet<String> {
        self.compilation
            .graph
            .dependencies(name)
            .into_iter()
            .map(|(upstream, _)| upstream.to_owned())
            .collect()
    }

    /// Integration resources mapped (repository files are not events: docs and specs
    /// change with every edit).
    fn resources(&self, index: usize) -> BTreeSet<&'a str> {
        self.compilation
            .mapping
            .service_resources
            .get(index)
            .map(|keys| {
                keys.iter()
                    .map(String::as_str)
                    .filter(|key| !is_repository_key(key))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Scorecard → (level, score) for a service.
    fn scores(&self, index: usize) -> BTreeMap<&'a str, (Option<&'a str>, f64)> {
        self.compilation
            .scores
            .services
            .get(index)
            .map(|scores| {
                scores
                    .iter()
                    .map(|s| (s.scorecard.as_str(), (s.level.as_deref(), s.score)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The position of `level` in `scorecard`'s ladder (0: no level).
    fn level_rank(&self, scorecard: &str, level: Option<&str>) -> usize {
        let Some(level) = level else {
            return 0;
        };
        self.compilation
            .scores
            .scorecards
            .iter()
            .find(|summary| summary.definition.name.as_str() == scorecard)
            .and_then(|summary| {
                summary
                    .definition
                    .levels
                    .iter()
                    .position(|l| l.as_str() == level)
            })
            .map_or(0, |position| position + 1)
    }
}

/// Compares `base` with `head`.
pub fn diff(
    base: &Compilation,
    head: &Compilation,
    base_revision: DiffRevision,
    head_revision: DiffRevision,
) -> CatalogDiff {
    let old = Side::new(base);
    let new = Side::new(head);
    let mut events = Vec::new();

    let removed: Vec<&str> = old
        .by_name
        .keys()
        .filter(|name| !new.by_name.contains_key(*name))
        .copied()
        .collect();
    let added: Vec<&str> = new
        .by_name
        .keys()
        .filter(|name| !old.by_name.contains_key(*name))
        .copied()
        .collect();

    // Renames: a removed and an added service sharing an identity, when it is unique on
    // both sides.
    let mut removed_by_identity: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in &removed {
        removed_by_identity
            .entry(old.identity(old.by_name[name]))
            .or_default()
            .push(name);
    }
    let mut added_by_identity: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in &added {
        added_by_identity
            .entry(new.identity(new.by_name[name]))
            .or_default()
            .push(name);
    }
    // (old name, new name)
    let mut pairs: Vec<(&str, &str)> = old
        .by_name
        .keys()
        .filter(|name| new.by_name.contains_key(*name))
        .map(|name| (*name, *name))
        .collect();
    let mut renamed = BTreeSet::new();
    for (identity, old_names) in &removed_by_identity {
        if let (&[from], Some(&[to])) = (
            old_names.as_slice(),
            added_by_identity.get(identity).map(Vec::as_slice),
        ) {
            events.push(CatalogEvent::ServiceRenamed {
                service: to.to_owned(),
                from: from.to_owned(),
                identity: identity.clone(),
            });
            renamed.insert(from);
            renamed.insert(to);
            pairs.push((from, to));
        }
    }
    let mut summary = DiffSummary {
        services_before: old.by_name.len(),
        services_after: new.by_name.len(),
        renamed: pairs.iter().filter(|(a, b)| a != b).count(),
        ..DiffSummary::default()
    };
    for name in added.iter().filter(|name| !renamed.contains(*name)) {
        let service = new.service(new.by_name[name]);
        summary.added += 1;
        events.push(CatalogEvent::ServiceAdded {
            service: (*name).to_owned(),
            owner: service.value.owner.to_string(),
            lifecycle: service.value.lifecycle,
            tier: service.value.tier,
            file: service.file.clone(),
        });
    }
    for name in removed.iter().filter(|name| !renamed.contains(*name)) {
        let service = old.service(old.by_name[name]);
        summary.removed += 1;
        events.push(CatalogEvent::ServiceRemoved {
            service: (*name).to_owned(),
            owner: service.value.owner.to_string(),
            lifecycle: service.value.lifecycle,
            tier: service.value.tier,
            file: service.file.clone(),
        });
    }

    let mut changed = BTreeSet::new();
    for (from, to) in pairs {
        let (i, j) = (old.by_name[from], new.by_name[to]);
        let before = events.len();
        compare_service(&old, &new, i, j, to, &mut events);
        if events.len() > before {
            changed.insert(to);
        }
    }
    summary.changed = changed
        .iter()
        .filter(|name| !renamed.contains(*name))
        .count();
    summary.score_drops = events
        .iter()
        .filter(|e| matches!(e, CatalogEvent::ScoreChanged { drop: true, .. }))
        .count();

    let (new_findings, fixed_findings) = compare_findings(&base.diagnostics, &head.diagnostics);
    summary.new_findings = new_findings.len();
    summary.fixed_findings = fixed_findings.len();
    summary.head_errors = count(&head.diagnostics, Severity::Error);
    summary.head_warnings = count(&head.diagnostics, Severity::Warning);

    events.sort_by(|a, b| {
        (a.service().is_none(), a.service(), a.rank()).cmp(&(
            b.service().is_none(),
            b.service(),
            b.rank(),
        ))
    });
    events.extend(
        new_findings
            .into_iter()
            .map(|finding| CatalogEvent::FindingNew { finding }),
    );
    events.extend(
        fixed_findings
            .into_iter()
            .map(|finding| CatalogEvent::FindingFixed { finding }),
    );

    // Blast radius of every service with an event, at the side where it exists.
    let subjects: BTreeSet<&str> = events.iter().filter_map(CatalogEvent::service).collect();
    let blast_radius = subjects
        .into_iter()
        .filter_map(|name| {
            let side = if new.by_name.contains_key(name) {
                &new
            } else {
                &old
            };
            blast_radius(side, name)
        })
        .collect();

    let head_errors: Vec<Diagnostic> = head
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    CatalogDiff {
        api_version: API_VERSION.to_owned(),
        kind: DIFF_KIND.to_owned(),
        base: base_revision,
        head: head_revision,
        summary,
        events,
        blast_radius,
        head_errors: json_render::to_values(&head_errors),
    }
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

/// Events of one service present on both sides (old index `i`, new index `j`).
fn compare_service(
    old: &Side<'_>,
    new: &Side<'_>,
    i: usize,
    j: usize,
    name: &str,
    events: &mut Vec<CatalogEvent>,
) {
    let (a, b) = (&old.service(i).value, &new.service(j).value);
    let service = || name.to_owned();
    if a.owner != b.owner {
        events.push(CatalogEvent::OwnerChanged {
            service: service(),
            from: a.owner.to_string(),
            to: b.owner.to_string(),
        });
    }
    if a.lifecycle != b.lifecycle {
        events.push(CatalogEvent::LifecycleChanged {
            service: service(),
            from: a.lifecycle,
            to: b.lifecycle,
        });
    }
    if a.tier != b.tier {
        events.push(CatalogEvent::TierChanged {
            service: service(),
            from: a.tier,
            to: b.tier,
        });
    }
    let (up_a, up_b) = (
        old.upstreams(a.name.as_str()),
        new.upstreams(b.name.as_str()),
    );
    for upstream in up_b.difference(&up_a) {
        events.push(CatalogEvent::DependencyAdded {
            service: service(),
            upstream: upstream.clone(),
        });
    }
    for upstream in up_a.difference(&up_b) {
        events.push(CatalogEvent::DependencyRemoved {
            service: service(),
            upstream: upstream.clone(),
        });
    }
    let (res_a, res_b) = (old.resources(i), new.resources(j));
    for resource in res_b.difference(&res_a) {
        events.push(CatalogEvent::ResourceMapped {
            service: service(),
            resource: (*resource).to_owned(),
        });
    }
    for resource in res_a.difference(&res_b) {
        events.push(CatalogEvent::ResourceUnmapped {
            service: service(),
            resource: (*resource).to_owned(),
        });
    }
    let (scores_a, scores_b) = (old.scores(i), new.scores(j));
    let scorecards: BTreeSet<&str> = scores_a.keys().chain(scores_b.keys()).copied().collect();
    for scorecard in scorecards {
        let before = scores_a.get(scorecard);
        let after = scores_b.get(scorecard);
        let (from_level, from_score) = before.map_or((None, None), |(l, s)| (*l, Some(*s)));
        let (to_level, to_score) = after.map_or((None, None), |(l, s)| (*l, Some(*s)));
        let same_score = match (from_score, to_score) {
            (Some(x), Some(y)) => (x - y).abs() < 0.05,
            (None, None) => true,
            _ => false,
        };
        if from_level == to_level && same_score {
            continue;
        }
        let (rank_a, rank_b) = (
            old.level_rank(scorecard, from_level),
            new.level_rank(scorecard, to_level),
        );
        let drop = rank_b < rank_a
            || (rank_b == rank_a
                && matches!((from_score, to_score), (Some(x), Some(y)) if y < x - 0.05));
        events.push(CatalogEvent::ScoreChanged {
            service: service(),
            scorecard: scorecard.to_owned(),
            from_level: from_level.map(str::to_owned),
            to_level: to_level.map(str::to_owned),
            from_score,
            to_score,
            drop,
        });
    }
}

/// New and fixed findings, matched as multisets of (file, code, severity, message).
fn compare_findings(
    base: &[Diagnostic],
    head: &[Diagnostic],
) -> (Vec<FindingRef>, Vec<FindingRef>) {
    type Identity = (Option<String>, String, String, String);
    let identity = |d: &Diagnostic| -> Identity {
        (
            d.file.clone(),
            d.code.as_str().to_owned(),
            d.severity.as_str().to_owned(),
            d.message.clone(),
        )
    };
    let mut remaining: BTreeMap<Identity, usize> = BTreeMap::new();
    for d in base {
        *remaining.entry(identity(d)).or_default() += 1;
    }
    let mut new = Vec::new();
    for d in head {
        match remaining.get_mut(&identity(d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(finding_ref(d)),
        }
    }
    let mut seen: BTreeMap<Identity, usize> = BTreeMap::new();
    for d in head {
        *seen.entry(identity(d)).or_default() += 1;
    }
    let mut fixed = Vec::new();
    for d in base {
        match seen.get_mut(&identity(d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => fixed.push(finding_ref(d)),
        }
    }
    new.sort();
    fixed.sort();
    (new, fixed)
}

fn finding_ref(d: &Diagnostic) -> FindingRef {
    FindingRef {
        file: d.file.clone(),
        line: d.span.map(|s| s.start.line),
        code: d.code.as_str().to_owned(),
        severity: d.severity.as_str().to_owned(),
        message: d.message.clone(),
    }
}

/// Every service depending on `name` on `side`, most critical first.
fn blast_radius(side: &Side<'_>, name: &str) -> Option<BlastRadius> {
    let graph = &side.compilation.graph;
    let all = graph.downstream_all(name);
    if all.is_empty() {
        return None;
    }
    let direct: BTreeSet<String> = graph.downstream(name).into_iter().collect();
    let mut dependents: Vec<Dependent> = all
        .into_iter()
        .map(|service| Dependent {
            tier: side
                .by_name
                .get(service.as_str())
                .and_then(|&i| side.service(i).value.tier),
            direct: direct.contains(&service),
            service,
        })
        .collect();
    dependents.sort_by(|a, b| {
        (a.tier.unwrap_or(u8::MAX), &a.service).cmp(&(b.tier.unwrap_or(u8::MAX), &b.service))
    });
    Some(BlastRadius {
        service: name.to_owned(),
        dependents,
    })
}
