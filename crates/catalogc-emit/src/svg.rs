//! SVG pictures of the dependency graph for the static site (SPEC 4): a service's
//! neighbourhood (on its page) and the organisation-wide graph.
//!
//! Pictures are pure functions of the bundle: the same bundle gives the same bytes. They are
//! meant to be embedded inline in HTML pages served under a Content-Security-Policy that
//! forbids inline styles and scripts, so they contain no `style` attribute or element, no
//! script, no event handler, no `<foreignObject>` and no reference outside the picture
//! except the `<a href>` links the caller supplies (and only `http`, `https`, `mailto` or
//! relative ones). All descriptor text is stripped of control characters and XML-escaped.
//!
//! # Format
//!
//! ```text
//! <svg xmlns=… class="catalogc-graph catalogc-neighbourhood|catalogc-organisation"
//!      viewBox="0 0 W H" width="W" height="H" role="img" aria-labelledby="P-title P-desc">
//!   <title id="P-title">…</title><desc id="P-desc">…</desc>
//!   <defs> arrowhead markers P-arrow, P-arrow-weak </defs>
//!   <g class="column-labels"> (neighbourhood only) </g>
//!   <g class="edges"> one <path> per dependency, behind the nodes </g>
//!   <g class="edge-counts"> (aggregated organisation only) </g>
//!   <g class="nodes"> one <g class="node …"> per node, wrapped in <a href> when linked </g>
//! </svg>
//! ```
//!
//! `P` is an id prefix derived from what is drawn (`catalogc-n<hops>-<service>` for a
//! neighbourhood, `catalogc-org` for the organisation), so a page may hold the
//! organisation picture and any number of different neighbourhoods without id clashes.
//!
//! Upstream is always on the left: a neighbourhood puts what the service depends on to its
//! left and its dependents to its right; the organisation picture puts services with no
//! dependencies in the first column. Arrows point from a service to the service it depends
//! on, as in `graph.dot`.
//!
//! # Classes
//!
//! Every element carries presentation attributes (so pictures look right without any CSS)
//! and classes the site's stylesheet may use to restyle them:
//!
//! | class | on |
//! |---|---|
//! | `catalogc-graph`, `catalogc-neighbourhood`, `catalogc-organisation` | the `<svg>` |
//! | `column-label` | a neighbourhood column's heading (`<text>`) |
//! | `node` | every node (`<g>`: a `<title>`, a `<rect>` and `<text>`s) |
//! | `node-service`, `node-group`, `node-more` | a service, an aggregated group, a "+N more" placeholder |
//! | `node-focus` | the service a neighbourhood is centred on |
//! | `node-cycle` | a service on a dependency cycle (its box also says "cycle") |
//! | `lifecycle-experimental`, `lifecycle-production`, `lifecycle-deprecated`, `lifecycle-retired` | service nodes |
//! | `tier-1` … `tier-4` | service nodes with a tier |
//! | `group-system`, `group-team` | group nodes (a system, or a team's services without a system) |
//! | `node-title`, `node-meta`, `node-tier` | a node's `<text>`s: title, second line, tier badge |
//! | `node-link` | the `<a>` around a linked node |
//! | `edge` | every dependency (`<path>`, with a `<title>` saying what it is) |
//! | `edge-sync`, `edge-async` | the dependency kind (async is dashed) |
//! | `edge-critical`, `edge-weak` | critical or not (non-critical is lighter) |
//! | `edge-cycle` | a dependency on a cycle (each end depends, directly or not, on the other) |
//! | `edge-long` | organisation only: an edge skipping columns (faded, it passes behind boxes) |
//! | `edge-count` | aggregated organisation only: the `<text>` counting the dependencies of an edge |
//!
//! A stylesheet would typically add `svg.catalogc-graph { max-width: 100%; height: auto }`.
//!
//! # Layout
//!
//! Columns of fixed-size boxes, sorted by name within a column in a neighbourhood (a column
//! of more than 25 shows the first 24 and a "+N more" box), ordered by one barycenter sweep
//! each way in the organisation picture (whose layers of more than 25 wrap into several
//! columns, since that picture promises every service). Edges are cubic curves leaving and
//! entering the boxes' sides, spread along each side; two boxes in the same column are
//! joined by a curve bulging to the right. A neighbourhood draws only the edges of its hops
//! (see [`Pictures::neighbourhood`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

use catalogc_model::{Bundle, BundleService, DependencyKind, Lifecycle};

#[cfg(test)]
mod tests;

/// Width of a node box.
const NODE_WIDTH: i64 = 184;
/// Height of a node box.
const NODE_HEIGHT: i64 = 44;
/// Horizontal space between columns, where the edges run.
const COLUMN_GAP: i64 = 88;
/// Vertical space between boxes of a column.
const ROW_GAP: i64 = 12;
/// Space around the drawing.
const MARGIN: i64 = 16;
/// Height of the neighbourhood's column headings.
const HEADER_HEIGHT: i64 = 22;
/// A column holds at most this many boxes…
const COLUMN_CAP: usize = 25;
/// …and when a neighbourhood column would hold more, this many services and a "+N more" box.
const SHOWN_WHEN_CAPPED: usize = COLUMN_CAP - 1;
/// Width budget of a title in [`text_units`] (12px semibold between the padding and the
/// tier badge).
const TITLE_UNITS: usize = 19;
/// Width budget of a node's second line (10px, the whole box).
const META_UNITS: usize = 29;

/// A group of services in the aggregated organisation picture.
///
/// Services with a `system` are grouped by it; services without one by their owning team.
/// A system and a team may share a name, so the kind is part of the group's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group<'a> {
    /// The services of a system.
    System(&'a str),
    /// The services of a team that belong to no system.
    Team(&'a str),
}

impl<'a> Group<'a> {
    /// The system's or the team's name.
    pub fn name(self) -> &'a str {
        match self {
            Group::System(name) | Group::Team(name) => name,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Group::System(_) => "system",
            Group::Team(_) => "team",
        }
    }
}

/// The group a service is drawn in when the organisation picture is aggregated.
pub fn group_of(service: &BundleService) -> Group<'_> {
    match service.system.as_deref() {
        Some(system) if !system.is_empty() => Group::System(system),
        _ => Group::Team(&service.owner),
    }
}

/// One direct dependency, seen from either end.
#[derive(Debug, Clone, Copy)]
struct Arc {
    /// The service at the other end (an index into [`Pictures::services`]).
    other: u32,
    asynchronous: bool,
    critical: bool,
}

/// The dependency graph of a bundle, indexed once so that each picture is cheap: the site
/// draws one neighbourhood per service page.
///
/// Services are indexed in name order, so sorting indices sorts by name. Duplicate names
/// (only possible in a hand-edited bundle) keep the first entry; references to unknown
/// services and self-dependencies are not drawn.
pub struct Pictures<'b> {
    bundle: &'b Bundle,
    /// Every service once, sorted by name.
    services: Vec<&'b BundleService>,
    index: HashMap<&'b str, u32>,
    /// Per service, what it depends on, sorted by name.
    upstream: Vec<Vec<Arc>>,
    /// Per service, what depends on it, sorted by name.
    downstream: Vec<Vec<Arc>>,
    /// Per service, its strongly connected component: two services share one exactly when
    /// each depends, directly or not, on the other.
    component: Vec<usize>,
    /// Per service, whether it is on a dependency cycle (its component has others).
    in_cycle: Vec<bool>,
}

impl<'b> Pictures<'b> {
    /// Indexes `bundle`'s dependency graph.
    ///
    /// Edges come from `dependencies` (with their kind and criticality), then `dependsOn`
    /// and `dependents` entries `dependencies` lacks (drawn as synchronous and critical):
    /// the compiler keeps the three consistent, but a bundle read back from disk may not be.
    pub fn new(bundle: &'b Bundle) -> Self {
        let mut services: Vec<&BundleService> = bundle.services.iter().collect();
        // Stable, so the first of duplicate names survives the dedup.
        services.sort_by(|a, b| a.name.cmp(&b.name));
        services.dedup_by(|later, earlier| later.name == earlier.name);
        let index: HashMap<&str, u32> = services
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.name.as_str(), u32::try_from(i).ok()?)))
            .collect();

        // (dependent, upstream, source rank, asynchronous, critical): the rank makes the
        // typed `dependencies` entry win the dedup below.
        let mut edges: Vec<(u32, u32, u8, bool, bool)> = Vec::new();
        for service in &services {
            let Some(&me) = index.get(service.name.as_str()) else {
                continue;
            };
            for dependency in &service.dependencies {
                if let Some(&up) = index.get(dependency.service.as_str()) {
                    let asynchronous = dependency.kind == DependencyKind::Async;
                    edges.push((me, up, 0, asynchronous, dependency.critical));
                }
            }
            for name in &service.depends_on {
                if let Some(&up) = index.get(name.as_str()) {
                    edges.push((me, up, 1, false, true));
                }
            }
            for name in &service.dependents {
                if let Some(&down) = index.get(name.as_str()) {
                    edges.push((down, me, 1, false, true));
                }
            }
        }
        edges.sort_unstable();
        edges.dedup_by(|later, earlier| (later.0, later.1) == (earlier.0, earlier.1));

        let mut upstream = vec![Vec::new(); services.len()];
        let mut downstream = vec![Vec::new(); services.len()];
        // Sorted by (dependent, upstream), so both lists come out sorted by name.
        for &(down, up, _, asynchronous, critical) in &edges {
            if down == up {
                continue;
            }
            upstream[down as usize].push(Arc {
                other: up,
                asynchronous,
                critical,
            });
            downstream[up as usize].push(Arc {
                other: down,
                asynchronous,
                critical,
            });
        }
        let pairs: Vec<(usize, usize)> = upstream
            .iter()
            .enumerate()
            .flat_map(|(down, arcs)| arcs.iter().map(move |a| (down, a.other as usize)))
            .collect();
        let component = strong_components(services.len(), &pairs);
        let mut sizes = vec![0usize; services.len()];
        for &c in &component {
            sizes[c] += 1;
        }
        let in_cycle = component.iter().map(|&c| sizes[c] > 1).collect();
        Pictures {
            bundle,
            services,
            index,
            upstream,
            downstream,
            component,
            in_cycle,
        }
    }

    /// `service`'s neighbourhood: the services it depends on to the left, its dependents to
    /// the right, up to `hops` hops each way (the site uses 2), the service itself in the
    /// middle, highlighted. `None` if there is no such service.
    ///
    /// A service reachable both ways (a cycle) is drawn once, in the column of its shorter
    /// distance (upstream on a tie). A column of more than 25 services shows the first 24 by
    /// name and a "+N more" box; the next column only grows from the services drawn.
    ///
    /// Only the dependencies that make up the hops are drawn: from a service to one in the
    /// next column towards the upstream side. Others between drawn services (a downstream
    /// service also using an upstream one, two upstream services depending on each other)
    /// would cross the picture and hide its structure; the organisation picture has them.
    /// Services on a dependency cycle are marked instead (`node-cycle`, "cycle" in the box).
    ///
    /// `links(name)` gives the URL of a service's page (an empty string for no link); URLs
    /// with a scheme other than `http`, `https` or `mailto` are dropped.
    pub fn neighbourhood(
        &self,
        service: &str,
        hops: usize,
        links: &dyn Fn(&str) -> String,
    ) -> Option<String> {
        let focus = *self.index.get(service)?;
        let focused = self.services[focus as usize];

        // Rings are grown alternately, upstream first, so a node's shorter distance decides
        // its side; every member (drawn or not) is marked seen so it is never drawn twice.
        let mut seen: HashSet<u32> = HashSet::from([focus]);
        let mut upstream_rings: Vec<Ring> = Vec::new();
        let mut downstream_rings: Vec<Ring> = Vec::new();
        let (mut up_frontier, mut down_frontier) = (vec![focus], vec![focus]);
        for _ in 0..hops {
            let up = ring(&up_frontier, &self.upstream, &mut seen);
            let down = ring(&down_frontier, &self.downstream, &mut seen);
            if up.is_empty() && down.is_empty() {
                break;
            }
            // Once a ring is empty every further one is (its frontier is empty), so pushing
            // only non-empty rings keeps `rings[d - 1]` the ring at distance `d`.
            up_frontier.clone_from(&up.shown);
            down_frontier.clone_from(&down.shown);
            if !up.is_empty() {
                upstream_rings.push(up);
            }
            if !down.is_empty() {
                downstream_rings.push(down);
            }
        }

        // Columns left to right: farthest upstream … focus … farthest downstream.
        let mut columns: Vec<(String, Vec<Slot>)> = Vec::new();
        for (distance, ring) in upstream_rings.iter().enumerate().rev() {
            columns.push((hop_label("upstream", distance + 1), ring.slots()));
        }
        columns.push(("this service".to_owned(), vec![Slot::Service(focus)]));
        for (distance, ring) in downstream_rings.iter().enumerate() {
            columns.push((hop_label("downstream", distance + 1), ring.slots()));
        }

        let tallest = columns.iter().map(|(_, c)| c.len()).max().unwrap_or(1);
        let top = MARGIN + HEADER_HEIGHT;
        let mut picture = Picture::new(
            neighbourhood_prefix(service, hops),
            "catalogc-neighbourhood",
            columns.len(),
            tallest,
            top,
        );
        // Drawn service → (its node, its column).
        let mut node_of: HashMap<u32, (usize, usize)> = HashMap::new();
        for (column, (label, slots)) in columns.iter().enumerate() {
            let x = column_x(column);
            picture.labels.push((x, MARGIN + 12, label.clone()));
            let offset = (tallest - slots.len()) as i64 * (NODE_HEIGHT + ROW_GAP) / 2;
            for (row, slot) in slots.iter().enumerate() {
                let y = top + offset + row as i64 * (NODE_HEIGHT + ROW_GAP);
                let node = match *slot {
                    Slot::Service(i) => {
                        node_of.insert(i, (picture.nodes.len(), column));
                        self.service_node(i, i == focus, x, y, links)
                    }
                    Slot::More(hidden) => more_node(hidden, label, x, y),
                };
                picture.nodes.push(node);
            }
        }

        // The hop edges: from each drawn service to what it depends on in the column just
        // left of it. A hub's adjacency list can hold thousands of names, so it is searched
        // for the few drawn ones instead of scanned.
        let mut drawn: Vec<(u32, usize, usize)> =
            node_of.iter().map(|(&s, &(n, c))| (s, n, c)).collect();
        drawn.sort_unstable();
        for &(service, from, column) in &drawn {
            let arcs = &self.upstream[service as usize];
            let mut add = |arc: &Arc| {
                if let Some(&(to, to_column)) = node_of.get(&arc.other)
                    && to_column + 1 == column
                {
                    let cycle =
                        self.component[service as usize] == self.component[arc.other as usize];
                    picture.edges.push(Edge::from_arc(from, to, arc, cycle));
                }
            };
            if arcs.len() <= drawn.len() * 4 {
                arcs.iter().for_each(&mut add);
            } else {
                for &(other, _, _) in &drawn {
                    if let Ok(found) = arcs.binary_search_by_key(&other, |a| a.other) {
                        add(&arcs[found]);
                    }
                }
            }
        }

        let count = |rings: &[Ring]| rings.iter().map(|r| r.shown.len() + r.hidden).sum();
        let (up_count, down_count): (usize, usize) =
            (count(&upstream_rings), count(&downstream_rings));
        picture.title = format!("Dependencies of {}", display_title(focused));
        picture.desc = format!(
            "{} ({}) depends on {} within {} and {} within {} depend on it. Upstream services \
             are on the left, downstream services on the right; arrows point from a service to \
             the service it depends on; dashed arrows are asynchronous, light ones non-critical.",
            display_title(focused),
            clean(&focused.name),
            services_count(up_count),
            hops_count(hops),
            services_count(down_count),
            hops_count(hops),
        );
        Some(picture.render())
    }

    /// The organisation's dependency graph. Up to `max_nodes` services (the site uses 150)
    /// every service is drawn, in layers from left (no dependencies) to right; above, one
    /// node per [`Group`] with its service count, and one edge per pair of groups with the
    /// number of dependencies between them as label and thickness.
    ///
    /// `links(name)` gives the URL of a service's page (an empty string for no link);
    /// `group_link(group)` the URL of a group's page (for example the team page for a
    /// [`Group::Team`]), `None` for no link. URLs with a scheme other than `http`, `https`
    /// or `mailto` are dropped.
    pub fn organisation(
        &self,
        max_nodes: usize,
        links: &dyn Fn(&str) -> String,
        group_link: &dyn Fn(Group<'_>) -> Option<String>,
    ) -> String {
        if self.services.len() <= max_nodes {
            self.organisation_services(links)
        } else {
            self.organisation_groups(group_link)
        }
    }

    fn organisation_services(&self, links: &dyn Fn(&str) -> String) -> String {
        // Layering runs along the flow upstream → dependent, so sources are services with
        // no dependencies and end up on the left.
        let mut flow: Vec<(usize, usize)> = Vec::new();
        let mut arcs: Vec<&Arc> = Vec::new();
        for (dependent, upstream) in self.upstream.iter().enumerate() {
            for arc in upstream {
                flow.push((arc.other as usize, dependent));
                arcs.push(arc);
            }
        }
        let layering = Layering::new(self.services.len(), &flow);
        let mut picture = Picture::new(
            "catalogc-org".to_owned(),
            "catalogc-organisation",
            layering.columns.len(),
            layering.tallest,
            MARGIN,
        );
        let node_of = place(&mut picture, &layering, |i, x, y| {
            self.service_node(i as u32, false, x, y, links)
        });
        for (e, &(upstream, dependent)) in flow.iter().enumerate() {
            let cycle = self.component[upstream] == self.component[dependent];
            picture.edges.push(Edge::from_arc(
                node_of[dependent],
                node_of[upstream],
                arcs[e],
                cycle,
            ));
        }
        let catalog = clean(&self.bundle.catalog.title);
        picture.title = format!("Dependency graph of {catalog}");
        picture.desc = format!(
            "{catalog}: {} and {} dependencies. Services with no dependencies are on the left, \
             each service to the right of what it depends on; arrows point from a service to \
             the service it depends on; dashed arrows are asynchronous, light ones non-critical.",
            services_count(self.services.len()),
            flow.len(),
        );
        picture.render()
    }

    fn organisation_groups(&self, group_link: &dyn Fn(Group<'_>) -> Option<String>) -> String {
        let mut groups: Vec<Group<'b>> = self.services.iter().map(|s| group_of(s)).collect();
        groups.sort_unstable();
        groups.dedup();
        let group_index: HashMap<Group<'b>, usize> =
            groups.iter().enumerate().map(|(i, &g)| (g, i)).collect();
        let member_of: Vec<usize> = self
            .services
            .iter()
            .map(|s| group_index.get(&group_of(s)).copied().unwrap_or_default())
            .collect();

        let mut sizes = vec![0usize; groups.len()];
        let mut internal = vec![0usize; groups.len()];
        for &g in &member_of {
            sizes[g] += 1;
        }
        // (upstream group, dependent group) → the dependencies between them; a BTreeMap so
        // the edges come out in a stable order.
        let mut between: BTreeMap<(usize, usize), Aggregate> = BTreeMap::new();
        for (dependent, upstream) in self.upstream.iter().enumerate() {
            let to = member_of[dependent];
            for arc in upstream {
                let from = member_of[arc.other as usize];
                if from == to {
                    internal[to] += 1;
                    continue;
                }
                let aggregate = between.entry((from, to)).or_insert(Aggregate {
                    count: 0,
                    all_asynchronous: true,
                    any_critical: false,
                });
                aggregate.count += 1;
                aggregate.all_asynchronous &= arc.asynchronous;
                aggregate.any_critical |= arc.critical;
            }
        }

        let flow: Vec<(usize, usize)> = between.keys().copied().collect();
        let layering = Layering::new(groups.len(), &flow);
        let component = strong_components(groups.len(), &flow);
        let mut picture = Picture::new(
            "catalogc-org".to_owned(),
            "catalogc-organisation",
            layering.columns.len(),
            layering.tallest,
            MARGIN,
        );
        let node_of = place(&mut picture, &layering, |i, x, y| {
            group_node(groups[i], sizes[i], internal[i], x, y, group_link)
        });
        for (&(upstream, dependent), aggregate) in &between {
            picture.edges.push(Edge {
                from: node_of[dependent],
                to: node_of[upstream],
                asynchronous: aggregate.all_asynchronous,
                critical: aggregate.any_critical,
                count: Some(aggregate.count),
                cycle: component[upstream] == component[dependent],
            });
        }
        let catalog = clean(&self.bundle.catalog.title);
        picture.title = format!("Dependency graph of {catalog}, by system and team");
        picture.desc = format!(
            "{catalog}: {} in {} groups (by system; services without a system by owning team) \
             and {} dependencies between groups. Each edge is labelled with the number of \
             dependencies it stands for; arrows point from a group to the group it depends on.",
            services_count(self.services.len()),
            groups.len(),
            flow.len(),
        );
        picture.render()
    }

    /// The box of service `index`.
    fn service_node(
        &self,
        index: u32,
        focus: bool,
        x: i64,
        y: i64,
        links: &dyn Fn(&str) -> String,
    ) -> Node {
        let service = self.services[index as usize];
        let lifecycle = service.lifecycle.as_str();
        let owner = clean(&service.owner);
        let mut class = format!("node node-service lifecycle-{lifecycle}");
        let mut tooltip = format!(
            "{} ({})\nowner: {owner}\nlifecycle: {lifecycle}",
            display_title(service),
            clean(&service.name)
        );
        if let Some(tier) = service.tier {
            let _ = write!(class, " tier-{tier}");
            let _ = write!(tooltip, "\ntier: {tier}");
        }
        if let Some(system) = &service.system {
            let _ = write!(tooltip, "\nsystem: {}", clean(system));
        }
        let mut meta = String::new();
        if service.lifecycle != Lifecycle::Production {
            let _ = write!(meta, "{lifecycle} · ");
        }
        if self.in_cycle[index as usize] {
            class.push_str(" node-cycle");
            tooltip.push_str("\non a dependency cycle");
            meta.push_str("cycle · ");
        }
        if focus {
            class.push_str(" node-focus");
        }
        meta.push_str(&owner);
        let mut paint = lifecycle_paint(service.lifecycle);
        if focus {
            paint.fill = "#fde68a";
            paint.stroke_width = "2.5";
        }
        Node {
            x,
            y,
            title: display_title(service),
            meta,
            badge: service.tier.map(|t| format!("T{t}")),
            tooltip,
            class,
            paint,
            href: safe_href(&links(&service.name)),
        }
    }
}

/// The free-function form of [`Pictures::neighbourhood`], for a single picture; index the
/// bundle once with [`Pictures::new`] to draw many.
pub fn neighbourhood(
    bundle: &Bundle,
    service: &str,
    hops: usize,
    links: &dyn Fn(&str) -> String,
) -> Option<String> {
    Pictures::new(bundle).neighbourhood(service, hops, links)
}

/// The free-function form of [`Pictures::organisation`].
pub fn organisation(
    bundle: &Bundle,
    max_nodes: usize,
    links: &dyn Fn(&str) -> String,
    group_link: &dyn Fn(Group<'_>) -> Option<String>,
) -> String {
    Pictures::new(bundle).organisation(max_nodes, links, group_link)
}

/// The services at one distance from the focus, in one direction.
struct Ring {
    /// Drawn, sorted by name.
    shown: Vec<u32>,
    /// Not drawn: the column would be too tall.
    hidden: usize,
}

impl Ring {
    fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.hidden == 0
    }

    fn slots(&self) -> Vec<Slot> {
        let mut slots: Vec<Slot> = self.shown.iter().map(|&s| Slot::Service(s)).collect();
        if self.hidden > 0 {
            slots.push(Slot::More(self.hidden));
        }
        slots
    }
}

/// The unseen neighbours of `frontier` along `adjacency`, marked seen, capped for drawing.
fn ring(frontier: &[u32], adjacency: &[Vec<Arc>], seen: &mut HashSet<u32>) -> Ring {
    let mut members: Vec<u32> = Vec::new();
    for &node in frontier {
        for arc in &adjacency[node as usize] {
            if seen.insert(arc.other) {
                members.push(arc.other);
            }
        }
    }
    members.sort_unstable();
    let hidden = if members.len() > COLUMN_CAP {
        members.len() - SHOWN_WHEN_CAPPED
    } else {
        0
    };
    members.truncate(members.len() - hidden);
    Ring {
        shown: members,
        hidden,
    }
}

/// A place in a neighbourhood column.
#[derive(Clone, Copy)]
enum Slot {
    Service(u32),
    /// The "+N more" box.
    More(usize),
}

fn hop_label(direction: &str, distance: usize) -> String {
    if distance == 1 {
        format!("{direction}, 1 hop")
    } else {
        format!("{direction}, {distance} hops")
    }
}

fn hops_count(hops: usize) -> String {
    if hops == 1 {
        "1 hop".to_owned()
    } else {
        format!("{hops} hops")
    }
}

fn services_count(count: usize) -> String {
    if count == 1 {
        "1 service".to_owned()
    } else {
        format!("{count} services")
    }
}

/// The ids of a neighbourhood picture start with this. Service names are `[a-z0-9-]+`, used
/// as they are; anything else (a hand-edited bundle) is replaced and a hash of the name
/// appended, so different names still get different prefixes.
fn neighbourhood_prefix(service: &str, hops: usize) -> String {
    let mut prefix = format!("catalogc-n{hops}-");
    let mut replaced = false;
    for c in service.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            prefix.push(c);
        } else {
            prefix.push('_');
            replaced = true;
        }
    }
    if replaced {
        // FNV-1a: stable across runs and platforms, unlike the std hasher.
        let hash = service.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        let _ = write!(prefix, "-{hash:08x}");
    }
    prefix
}

fn display_title(service: &BundleService) -> String {
    let title = clean(&service.title);
    if title.is_empty() {
        clean(&service.name)
    } else {
        title
    }
}

/// The dependencies between two groups.
struct Aggregate {
    count: usize,
    all_asynchronous: bool,
    any_critical: bool,
}

fn group_node(
    group: Group<'_>,
    size: usize,
    internal: usize,
    x: i64,
    y: i64,
    group_link: &dyn Fn(Group<'_>) -> Option<String>,
) -> Node {
    let kind = group.kind();
    let name = clean(group.name());
    let title = if name.is_empty() {
        format!("(no {kind})")
    } else {
        name
    };
    let tooltip = match group {
        Group::System(_) => format!(
            "system {title}\n{}\n{internal} dependencies within the system",
            services_count(size)
        ),
        Group::Team(_) => format!(
            "team {title}: services without a system\n{}\n{internal} dependencies within the group",
            services_count(size)
        ),
    };
    Node {
        x,
        y,
        meta: format!("{kind} · {}", services_count(size)),
        title,
        badge: None,
        tooltip,
        class: format!("node node-group group-{kind}"),
        paint: Paint {
            fill: "#eef2ff",
            stroke: "#4f46e5",
            stroke_width: "1.5",
            dash: None,
            opacity: None,
        },
        href: group_link(group).as_deref().and_then(safe_href),
    }
}

fn more_node(hidden: usize, column: &str, x: i64, y: i64) -> Node {
    Node {
        x,
        y,
        title: format!("+{hidden} more"),
        meta: "not drawn".to_owned(),
        badge: None,
        tooltip: format!("{} more ({column}) not drawn", services_count(hidden)),
        class: "node node-more".to_owned(),
        paint: Paint {
            fill: "#f8fafc",
            stroke: "#94a3b8",
            stroke_width: "1",
            dash: Some("2 3"),
            opacity: None,
        },
        href: None,
    }
}

/// Layers for a left-to-right drawing of a directed graph whose edges point left to right.
///
/// Nodes are `0..count`, numbered in name order. Each node's layer is its longest path from
/// a source, over the graph without the back edges an iterative depth-first search finds
/// (removing them leaves it acyclic); within a layer nodes are ordered by one barycenter
/// sweep each way; layers taller than [`COLUMN_CAP`] wrap into several columns.
struct Layering {
    /// Nodes per drawn column, top to bottom.
    columns: Vec<Vec<usize>>,
    /// The most nodes in a column.
    tallest: usize,
}

impl Layering {
    fn new(count: usize, edges: &[(usize, usize)]) -> Layering {
        let successors = Successors::new(count, edges);
        let successors = |node: usize| successors.of(node);

        // Iterative, so a long chain cannot overflow the stack.
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnStack,
            Done,
        }
        let mut state = vec![State::New; count];
        let mut back = vec![false; edges.len()];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in 0..count {
            if state[root] != State::New {
                continue;
            }
            state[root] = State::OnStack;
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (node, next) = *top;
                if let Some(&edge) = successors(node).get(next) {
                    top.1 += 1;
                    let target = edges[edge].1;
                    match state[target] {
                        State::New => {
                            state[target] = State::OnStack;
                            stack.push((target, 0));
                        }
                        State::OnStack => back[edge] = true,
                        State::Done => {}
                    }
                } else {
                    state[node] = State::Done;
                    stack.pop();
                }
            }
        }

        // Longest path from the sources, in topological order (Kahn).
        let mut waiting = vec![0usize; count];
        for (e, &(_, to)) in edges.iter().enumerate() {
            if !back[e] {
                waiting[to] += 1;
            }
        }
        let mut layer = vec![0usize; count];
        let mut ready: VecDeque<usize> = (0..count).filter(|&n| waiting[n] == 0).collect();
        while let Some(node) = ready.pop_front() {
            for &edge in successors(node) {
                if back[edge] {
                    continue;
                }
                let target = edges[edge].1;
                layer[target] = layer[target].max(layer[node] + 1);
                waiting[target] -= 1;
                if waiting[target] == 0 {
                    ready.push_back(target);
                }
            }
        }
        let layer_count = layer.iter().max().map_or(0, |&l| l + 1);
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
        for (node, &l) in layer.iter().enumerate() {
            layers[l].push(node);
        }

        // Barycenter ordering: each node moves towards the mean position of its neighbours
        // in the layers already ordered, left to right along predecessors, then right to
        // left along successors. Positions are fractions of the layer's height so layers of
        // different sizes compare; a node without such neighbours keeps its place.
        let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut followers: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (e, &(from, to)) in edges.iter().enumerate() {
            if !back[e] {
                predecessors[to].push(from);
                followers[from].push(to);
            }
        }
        let mut position = vec![0.0f64; count];
        let set_positions = |layer: &[usize], position: &mut [f64]| {
            let span = layer.len().saturating_sub(1).max(1) as f64;
            for (i, &node) in layer.iter().enumerate() {
                position[node] = i as f64 / span;
            }
        };
        for l in &layers {
            set_positions(l, &mut position);
        }
        let reorder = |layer: &mut Vec<usize>, neighbours: &[Vec<usize>], position: &[f64]| {
            let mut keyed: Vec<(f64, usize)> = layer
                .iter()
                .map(|&node| {
                    let around = &neighbours[node];
                    let key = if around.is_empty() {
                        position[node]
                    } else {
                        around.iter().map(|&n| position[n]).sum::<f64>() / around.len() as f64
                    };
                    (key, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *layer = keyed.into_iter().map(|(_, node)| node).collect();
        };
        for layer in layers.iter_mut().skip(1) {
            reorder(layer, &predecessors, &position);
            set_positions(layer, &mut position);
        }
        let down_to_first = layers.len().saturating_sub(1);
        for layer in layers.iter_mut().take(down_to_first).rev() {
            reorder(layer, &followers, &position);
            set_positions(layer, &mut position);
        }

        let mut columns: Vec<Vec<usize>> = Vec::new();
        for l in layers {
            columns.extend(l.chunks(COLUMN_CAP).map(<[usize]>::to_vec));
        }
        let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
        Layering { columns, tallest }
    }
}

/// The edges leaving each node of a graph given as an edge list (nodes `0..count`), in
/// compressed rows: edge ids grouped by source, sorted by target within a group, so walks
/// visit neighbours in name order.
struct Successors {
    starts: Vec<usize>,
    edges: Vec<usize>,
}

impl Successors {
    fn new(count: usize, edges: &[(usize, usize)]) -> Self {
        let mut ids: Vec<usize> = (0..edges.len()).collect();
        ids.sort_unstable_by_key(|&e| edges[e]);
        let mut starts = vec![0usize; count + 1];
        for &(from, _) in edges {
            starts[from + 1] += 1;
        }
        for i in 0..count {
            starts[i + 1] += starts[i];
        }
        Successors { starts, edges: ids }
    }

    /// The ids of the edges leaving `node`.
    fn of(&self, node: usize) -> &[usize] {
        &self.edges[self.starts[node]..self.starts[node + 1]]
    }
}

/// The strongly connected component of each node (nodes `0..count`): Tarjan's algorithm with
/// an explicit stack, so a long dependency chain cannot overflow the thread's stack.
/// Component ids are arbitrary but deterministic; only equality is meaningful.
fn strong_components(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let successors = Successors::new(count, edges);
    let mut order = vec![UNVISITED; count];
    let mut low = vec![0usize; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNVISITED; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let (mut visited, mut components) = (0usize, 0usize);
    for root in 0..count {
        if order[root] != UNVISITED {
            continue;
        }
        order[root] = visited;
        low[root] = visited;
        visited += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, 0));
        while let Some(top) = calls.last_mut() {
            let (node, next) = *top;
            if let Some(&edge) = successors.of(node).get(next) {
                top.1 += 1;
                let target = edges[edge].1;
                if order[target] == UNVISITED {
                    order[target] = visited;
                    low[target] = visited;
                    visited += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// Puts the nodes of `layering` on `picture`, columns centred vertically; returns each
/// input node's index among the picture's nodes.
fn place(
    picture: &mut Picture,
    layering: &Layering,
    mut node: impl FnMut(usize, i64, i64) -> Node,
) -> Vec<usize> {
    let count = layering.columns.iter().map(Vec::len).sum();
    let mut node_of = vec![0usize; count];
    for (column, members) in layering.columns.iter().enumerate() {
        let x = column_x(column);
        let offset = (layering.tallest - members.len()) as i64 * (NODE_HEIGHT + ROW_GAP) / 2;
        for (row, &member) in members.iter().enumerate() {
            let y = picture.top + offset + row as i64 * (NODE_HEIGHT + ROW_GAP);
            node_of[member] = picture.nodes.len();
            picture.nodes.push(node(member, x, y));
        }
    }
    node_of
}

fn column_x(column: usize) -> i64 {
    MARGIN + column as i64 * (NODE_WIDTH + COLUMN_GAP)
}

/// How a box is painted (presentation attributes, so no CSS is needed).
#[derive(Clone, Copy)]
struct Paint {
    fill: &'static str,
    stroke: &'static str,
    stroke_width: &'static str,
    dash: Option<&'static str>,
    opacity: Option<&'static str>,
}

/// Deprecated and retired services differ by more than colour (dashes, fading) so the
/// difference survives colour blindness and greyscale printing.
fn lifecycle_paint(lifecycle: Lifecycle) -> Paint {
    let (fill, stroke, dash, opacity) = match lifecycle {
        Lifecycle::Experimental => ("#f0f9ff", "#0369a1", Some("4 3"), None),
        Lifecycle::Production => ("#ffffff", "#475569", None, None),
        Lifecycle::Deprecated => ("#fff7ed", "#c2410c", Some("7 3"), None),
        Lifecycle::Retired => ("#f1f5f9", "#94a3b8", Some("2 2"), Some("0.6")),
    };
    Paint {
        fill,
        stroke,
        stroke_width: "1.5",
        dash,
        opacity,
    }
}

/// A box to draw. Text fields hold cleaned, unescaped text; escaping happens on output.
struct Node {
    x: i64,
    y: i64,
    /// The first line (truncated to fit when drawn; in full in the tooltip).
    title: String,
    /// The second line.
    meta: String,
    /// The tier, top right.
    badge: Option<String>,
    /// The hover text (`<title>` child).
    tooltip: String,
    class: String,
    paint: Paint,
    /// A URL already checked by [`safe_href`].
    href: Option<String>,
}

/// A dependency to draw, from the dependent's box to the upstream's box.
struct Edge {
    from: usize,
    to: usize,
    asynchronous: bool,
    critical: bool,
    /// Aggregated edges: how many dependencies the edge stands for.
    count: Option<usize>,
    /// Left out of the layering to break a cycle.
    cycle: bool,
}

impl Edge {
    fn from_arc(from: usize, to: usize, arc: &Arc, cycle: bool) -> Edge {
        Edge {
            from,
            to,
            asynchronous: arc.asynchronous,
            critical: arc.critical,
            count: None,
            cycle,
        }
    }
}

/// Everything one SVG holds, before rendering.
struct Picture {
    prefix: String,
    class: &'static str,
    title: String,
    desc: String,
    width: i64,
    height: i64,
    /// Where the first row of boxes starts.
    top: i64,
    /// Column headings: x, baseline y, text.
    labels: Vec<(i64, i64, String)>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Picture {
    fn new(prefix: String, class: &'static str, columns: usize, rows: usize, top: i64) -> Self {
        let columns = columns.max(1) as i64;
        let rows = rows.max(1) as i64;
        Picture {
            prefix,
            class,
            title: String::new(),
            desc: String::new(),
            width: 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP,
            height: top + rows * NODE_HEIGHT + (rows - 1) * ROW_GAP + MARGIN,
            top,
            labels: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    fn render(&self) -> String {
        let p = &self.prefix;
        let mut out = String::with_capacity(1024 + self.nodes.len() * 700 + self.edges.len() * 300);
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"catalogc-graph {}\" \
             viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
             aria-labelledby=\"{p}-title {p}-desc\" font-family=\"system-ui, sans-serif\">",
            self.class,
            w = self.width,
            h = self.height,
        );
        let _ = write!(out, "<title id=\"{p}-title\">");
        escape_into(&mut out, &self.title);
        let _ = write!(out, "</title>\n<desc id=\"{p}-desc\">");
        escape_into(&mut out, &self.desc);
        out.push_str("</desc>\n<defs>\n");
        for (id, colour) in [("arrow", "#475569"), ("arrow-weak", "#94a3b8")] {
            // userSpaceOnUse: thick aggregated edges keep normal-sized arrowheads.
            let _ = writeln!(
                out,
                "<marker id=\"{p}-{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
                 markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" \
                 orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"{colour}\"/></marker>"
            );
        }
        out.push_str("</defs>\n");

        if !self.labels.is_empty() {
            out.push_str("<g class=\"column-labels\" font-size=\"11\" fill=\"#64748b\">\n");
            for (x, y, text) in &self.labels {
                let _ = write!(out, "<text class=\"column-label\" x=\"{x}\" y=\"{y}\">");
                escape_into(&mut out, text);
                out.push_str("</text>\n");
            }
            out.push_str("</g>\n");
        }

        out.push_str("<g class=\"edges\" fill=\"none\">\n");
        let mut counts = String::new();
        for (edge, port) in self.edges.iter().zip(self.ports()) {
            if let Some(port) = port {
                self.render_edge(&mut out, &mut counts, edge, port);
            }
        }
        out.push_str("</g>\n");
        if !counts.is_empty() {
            out.push_str(
                "<g class=\"edge-counts\" font-size=\"10\" text-anchor=\"middle\" \
                 fill=\"#334155\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n",
            );
            out.push_str(&counts);
            out.push_str("</g>\n");
        }

        out.push_str("<g class=\"nodes\">\n");
        for node in &self.nodes {
            render_node(&mut out, node);
        }
        out.push_str("</g>\n</svg>\n");
        out
    }

    /// Where each edge meets its boxes, `[x1, y1, x2, y2]`: on the sides facing each other
    /// (the right sides for two boxes in one column). The ends meeting one side are spread
    /// along it in the order of their other ends' heights, so edges fan out instead of
    /// converging on one point, and do not cross where they meet the box.
    fn ports(&self) -> Vec<Option<[i64; 4]>> {
        // (node, its right side?) → (other end's y, other end's x, edge, is the edge's start)
        type Side = Vec<(i64, i64, usize, bool)>;
        let mut sides: HashMap<(usize, bool), Side> = HashMap::new();
        let mut ports = vec![None; self.edges.len()];
        for (e, edge) in self.edges.iter().enumerate() {
            let (Some(from), Some(to)) = (self.nodes.get(edge.from), self.nodes.get(edge.to))
            else {
                continue;
            };
            let (from_right, to_right) = match from.x.cmp(&to.x) {
                Ordering::Greater => (false, true),
                Ordering::Less => (true, false),
                Ordering::Equal => (true, true),
            };
            sides
                .entry((edge.from, from_right))
                .or_default()
                .push((to.y, to.x, e, true));
            sides
                .entry((edge.to, to_right))
                .or_default()
                .push((from.y, from.x, e, false));
            ports[e] = Some([0; 4]);
        }
        // Each side is laid out on its own, so the map's iteration order does not matter.
        for ((node, right), mut ends) in sides {
            let Some(node) = self.nodes.get(node) else {
                continue;
            };
            ends.sort_unstable();
            let x = if right { node.x + NODE_WIDTH } else { node.x };
            let slots = ends.len() as i64 + 1;
            for (i, &(_, _, e, start)) in ends.iter().enumerate() {
                let y = node.y + (i as i64 + 1) * NODE_HEIGHT / slots;
                if let Some(Some(port)) = ports.get_mut(e) {
                    let at = if start { 0 } else { 2 };
                    port[at] = x;
                    port[at + 1] = y;
                }
            }
        }
        ports
    }

    fn render_edge(&self, out: &mut String, counts: &mut String, edge: &Edge, port: [i64; 4]) {
        let (Some(from), Some(to)) = (self.nodes.get(edge.from), self.nodes.get(edge.to)) else {
            return;
        };
        let [x1, y1, x2, y2] = port;
        // Control points: horizontal tangents at both ends, so curves leave and enter the
        // boxes' sides; boxes in one column are joined around their right side.
        let (c1, c2) = if x1 == x2 {
            let bulge = 24 + ((y2 - y1).abs() / 8).min(36);
            (x1 + bulge, x2 + bulge)
        } else {
            let bend = ((x2 - x1) / 2).abs().max(24) * (x2 - x1).signum();
            (x1 + bend, x2 - bend)
        };
        // An edge skipping columns passes behind the boxes between; fading it keeps the
        // edges between neighbouring columns, which show the structure, in front.
        let long = (from.x - to.x).abs() > NODE_WIDTH + COLUMN_GAP;
        let kind = if edge.asynchronous { "async" } else { "sync" };
        let weight = if edge.critical { "critical" } else { "weak" };
        let _ = write!(out, "<path class=\"edge edge-{kind} edge-{weight}");
        if edge.cycle {
            out.push_str(" edge-cycle");
        }
        if long {
            out.push_str(" edge-long");
        }
        let (stroke, marker) = if edge.critical {
            ("#475569", "arrow")
        } else {
            ("#94a3b8", "arrow-weak")
        };
        let width = match edge.count {
            // Thickness grows with the logarithm of the count: 1 → 1, 2 → 2, 4 → 3, …
            Some(count) => (1 + count.max(1).ilog2()).min(8).to_string(),
            None => "1.5".to_owned(),
        };
        let _ = write!(
            out,
            "\" d=\"M{x1},{y1} C{c1},{y1} {c2},{y2} {x2},{y2}\" stroke=\"{stroke}\" \
             stroke-width=\"{width}\""
        );
        if edge.asynchronous {
            out.push_str(" stroke-dasharray=\"6 4\"");
        }
        match (long, edge.critical) {
            (true, _) => out.push_str(" opacity=\"0.45\""),
            (false, false) => out.push_str(" opacity=\"0.8\""),
            (false, true) => {}
        }
        let _ = write!(
            out,
            " marker-end=\"url(#{}-{marker})\"><title>",
            self.prefix
        );
        escape_into(out, &from.title);
        out.push_str(" depends on ");
        escape_into(out, &to.title);
        match edge.count {
            Some(count) => {
                let _ = write!(out, " ({count}");
                out.push_str(if count == 1 {
                    " dependency"
                } else {
                    " dependencies"
                });
                out.push(')');
            }
            None => {
                let _ = write!(out, " ({kind}, ");
                out.push_str(if edge.critical {
                    "critical)"
                } else {
                    "non-critical)"
                });
            }
        }
        out.push_str("</title></path>\n");

        if let Some(count) = edge.count {
            // The curve's midpoint, B(½) = (P0 + 3·P1 + 3·P2 + P3) / 8.
            let mx = (x1 + 3 * c1 + 3 * c2 + x2) / 8;
            let my = (y1 + y2) / 2;
            let _ = writeln!(
                counts,
                "<text class=\"edge-count\" x=\"{mx}\" y=\"{}\">{count}</text>",
                my + 3
            );
        }
    }
}

fn render_node(out: &mut String, node: &Node) {
    let Node { x, y, .. } = *node;
    if let Some(href) = &node.href {
        out.push_str("<a class=\"node-link\" href=\"");
        escape_into(out, href);
        out.push_str("\">");
    }
    out.push_str("<g class=\"");
    escape_into(out, &node.class);
    out.push('"');
    if let Some(opacity) = node.paint.opacity {
        let _ = write!(out, " opacity=\"{opacity}\"");
    }
    out.push_str("><title>");
    escape_into(out, &node.tooltip);
    let paint = node.paint;
    let _ = write!(
        out,
        "</title><rect x=\"{x}\" y=\"{y}\" width=\"{NODE_WIDTH}\" height=\"{NODE_HEIGHT}\" \
         rx=\"6\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
        paint.fill, paint.stroke, paint.stroke_width
    );
    if let Some(dash) = paint.dash {
        let _ = write!(out, " stroke-dasharray=\"{dash}\"");
    }
    let _ = write!(
        out,
        "/><text class=\"node-title\" x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" \
         fill=\"#0f172a\">",
        x + 10,
        y + 18
    );
    escape_into(out, &truncate(&node.title, TITLE_UNITS));
    let _ = write!(
        out,
        "</text><text class=\"node-meta\" x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#475569\">",
        x + 10,
        y + 34
    );
    escape_into(out, &truncate(&node.meta, META_UNITS));
    out.push_str("</text>");
    if let Some(badge) = &node.badge {
        let _ = write!(
            out,
            "<text class=\"node-tier\" x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"600\" \
             text-anchor=\"end\" fill=\"#64748b\">",
            x + NODE_WIDTH - 8,
            y + 16
        );
        escape_into(out, badge);
        out.push_str("</text>");
    }
    out.push_str("</g>");
    if node.href.is_some() {
        out.push_str("</a>");
    }
    out.push('\n');
}

/// Descriptor text made safe to show: line breaks and tabs become spaces, other control
/// characters, bidirectional overrides (which could make a title read as something else)
/// and the two code points XML forbids are removed, runs of spaces collapse.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}' => {
                continue;
            }
            c if c.is_control() => continue,
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Appends `text` escaped for XML text and double- or single-quoted attribute values.
/// Callers pass [`clean`]ed text, but control characters are dropped here too: XML 1.0
/// cannot carry them at all.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('\n'),
            '\u{fffe}' | '\u{ffff}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// A rough width of `c` in units of an average Latin letter: East Asian wide characters
/// and emoji take two. Good enough to keep text inside its box without font metrics.
fn text_units(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115f
        | 0x2e80..=0xa4cf
        | 0xac00..=0xd7a3
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xff60
        | 0xffe0..=0xffe6
        | 0x1f300..=0x1faff
        | 0x20000..=0x3fffd => 2,
        _ => 1,
    }
}

/// `text` cut to `units` wide, ending with `…` when cut.
fn truncate(text: &str, units: usize) -> String {
    if text.chars().map(text_units).sum::<usize>() <= units {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += text_units(c);
        if used > units.saturating_sub(1) {
            break;
        }
        out.push(c);
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    out
}

/// The link for `url`, or `None` when it is empty or has a scheme other than `http`,
/// `https` or `mailto` (SPEC 4: no `javascript:` or `data:` links, even from the caller).
/// Control characters are removed first, as browsers ignore tabs and line breaks inside
/// URLs (`java\tscript:` is `javascript:` to them).
fn safe_href(url: &str) -> Option<String> {
    let url: String = url.chars().filter(|c| !c.is_control()).collect();
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if let Some(end) = url.find([':', '/', '?', '#'])
        && url[end..].starts_with(':')
    {
        let scheme = &url[..end];
        if !["http", "https", "mailto"]
            .iter()
            .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        {
            return None;
        }
    }
    Some(url.to_owned())
}
