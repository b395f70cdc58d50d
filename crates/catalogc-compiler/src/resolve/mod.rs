//! Resolution of names between services: the dependency graph and the team tree.
//!
//! `dependsOn` entries and `apis.consumes` (through the service providing the API) become
//! edges from a service to its upstream services. Unknown names are reported at the exact
//! list entry with a suggestion; cycles are found with an iterative strongly-connected-
//! components pass (no recursion, whatever the graph's depth) and each is reported once with
//! its full path and the location of every edge; a live service depending on a deprecated or
//! retired one is reported too. Transitive closures are computed in parallel with explicit
//! worklists.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use catalogc_diagnostics::{Code, Diagnostic, Span, quote};
use catalogc_model::{Dependency, DependencyKind, Lifecycle, Service, Team};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use crate::Entity;
use crate::suggest::did_you_mean;

/// Where an edge was declared in its service's descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeOrigin {
    /// `dependsOn[index]`.
    DependsOn(usize),
    /// `apis.consumes[index]`, naming an API of the upstream service.
    Consumes(usize, String),
}

/// An edge from a service to one of its upstream services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub kind: DependencyKind,
    pub critical: bool,
    /// Every declaration of this edge (a service may both depend on and consume an API of
    /// the same upstream).
    pub origins: Vec<EdgeOrigin>,
    /// The declaring service: its position in the services the graph was resolved from.
    pub declared_by: usize,
}

impl Edge {
    /// The descriptor declaring this edge and the span of its first declaration, given the
    /// services the graph was resolved from.
    pub fn location<'s>(&self, services: &'s [Entity<Service>]) -> (&'s str, Span) {
        let service = &services[self.declared_by];
        let pointer = match self.origins.first() {
            Some(EdgeOrigin::DependsOn(position)) => {
                dependency_pointer(*position, service.value.depends_on.get(*position))
            }
            Some(EdgeOrigin::Consumes(position, _)) => format!("/apis/consumes/{position}"),
            None => String::new(),
        };
        (&service.file, service.span(&pointer, false))
    }
}

/// The pointer of `dependsOn[position]`'s service name.
fn dependency_pointer(position: usize, dependency: Option<&Dependency>) -> String {
    match dependency {
        Some(Dependency::Detailed(_)) => format!("/dependsOn/{position}/service"),
        _ => format!("/dependsOn/{position}"),
    }
}

/// The dependency graph of the catalog's services.
///
/// Nodes are the distinct service names in sorted order (node `i` is `names()[i]`), so every
/// list this type returns is sorted by name.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    graph: DiGraph<(), Edge, u32>,
    names: Vec<String>,
}

/// Transitive closures of every service, in both directions (see [`Graph::closures`]).
#[derive(Debug, Clone, Default)]
pub struct Closures {
    upstream: Vec<Vec<u32>>,
    downstream: Vec<Vec<u32>>,
}

impl Graph {
    /// Resolves `services` (sorted by name) into a graph, reporting unknown services and APIs,
    /// self-dependencies, cycles and deprecated dependencies.
    pub fn resolve(services: &[Entity<Service>], diagnostics: &mut Vec<Diagnostic>) -> Graph {
        Graph::resolve_focused(services, None, diagnostics)
    }

    /// Like [`Graph::resolve`], but with a `focus` (per service: whether its findings are
    /// wanted), only the focused services and what they reach, directly or not, get their
    /// edges and findings: every cycle through a focused service is still found (all of it is
    /// reachable from there), and so is every finding located in a focused service's file.
    /// The graph keeps every name as a node.
    pub fn resolve_focused(
        services: &[Entity<Service>],
        focus: Option<&[bool]>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Graph {
        let mut names: Vec<String> = services.iter().map(|s| s.value.name.to_string()).collect();
        names.dedup();
        let mut graph: DiGraph<(), Edge, u32> =
            DiGraph::with_capacity(names.len(), services.len() * 2);
        for _ in &names {
            graph.add_node(());
        }
        // Every dependency is looked up by name: hashing beats a binary search of 10,000
        // names (a random seed: names come from untrusted descriptors).
        let positions: HashMap<&str, usize, foldhash::fast::RandomState> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        let index = |name: &str| positions.get(name).copied();
        let providers = api_providers(services, diagnostics);
        let included = focus.map(|focus| reached_from(services, focus, &index, &providers));
        // The first descriptor of each name owns the node; duplicates are reported elsewhere.
        let mut seen = vec![false; names.len()];
        for (declared_by, service) in services.iter().enumerate() {
            if included
                .as_ref()
                .is_some_and(|included| !included[declared_by])
            {
                continue;
            }
            let Some(from) = index(&service.value.name) else {
                continue;
            };
            if std::mem::replace(&mut seen[from], true) {
                continue;
            }
            let mut edges: BTreeMap<usize, Edge> = BTreeMap::new();
            for (position, dependency) in service.value.depends_on.iter().enumerate() {
                let target = dependency.service();
                // Spans are looked up for findings only (descriptors' spans are rebuilt on
                // demand; see `yaml::parse_deferred`).
                let located = || {
                    let pointer = dependency_pointer(position, Some(dependency));
                    let span = service.span(&pointer, false);
                    (pointer, span)
                };
                let Some(to) = index(target) else {
                    let (pointer, span) = located();
                    let mut finding = Diagnostic::new(
                        Code::UnknownService,
                        format!(
                            "service `{}` depends on {}, which is not in the catalog",
                            service.value.name,
                            quote(target)
                        ),
                    )
                    .at(&service.file, span)
                    .with_pointer(&pointer);
                    finding = match did_you_mean(target, names.iter().map(String::as_str)) {
                        Some(suggestion) => {
                            finding.with_help(format!("did you mean `{suggestion}`?"))
                        }
                        None => finding
                            .with_help("add the service to the catalog, or remove the dependency"),
                    };
                    diagnostics.push(finding);
                    continue;
                };
                if to == from {
                    let (pointer, span) = located();
                    diagnostics.push(
                        Diagnostic::new(
                            Code::SelfDependency,
                            format!("service `{}` depends on itself", service.value.name),
                        )
                        .at(&service.file, span)
                        .with_pointer(&pointer)
                        .with_help("remove this entry"),
                    );
                    continue;
                }
                let (kind, critical) = match dependency {
                    Dependency::Name(_) => (DependencyKind::Sync, true),
                    Dependency::Detailed(detailed) => (detailed.kind, detailed.critical),
                };
                edges
                    .entry(to)
                    .and_modify(|edge| edge.origins.push(EdgeOrigin::DependsOn(position)))
                    .or_insert(Edge {
                        kind,
                        critical,
                        origins: vec![EdgeOrigin::DependsOn(position)],
                        declared_by,
                    });
            }
            let consumes = service
                .value
                .apis
                .as_ref()
                .map(|a| a.consumes.as_slice())
                .unwrap_or_default();
            for (position, api) in consumes.iter().enumerate() {
                let Some(provider) = providers.get(api.as_str()) else {
                    let pointer = format!("/apis/consumes/{position}");
                    let span = service.span(&pointer, false);
                    let mut finding = Diagnostic::new(
                        Code::UnknownApi,
                        format!(
                            "service `{}` consumes the API {}, which no service provides",
                            service.value.name,
                            quote(api)
                        ),
                    )
                    .at(&service.file, span)
                    .with_pointer(&pointer);
                    finding = match did_you_mean(api, providers.keys().copied()) {
                        Some(suggestion) => {
                            finding.with_help(format!("did you mean `{suggestion}`?"))
                        }
                        None => finding.with_help(
                            "list the API under `apis.provides` of the service that offers it",
                        ),
                    };
                    diagnostics.push(finding);
                    continue;
                };
                let Some(to) = index(provider) else {
                    continue;
                };
                if to == from {
                    // A service consuming its own API adds no dependency.
                    continue;
                }
                let origin = EdgeOrigin::Consumes(position, api.to_string());
                edges
                    .entry(to)
                    .and_modify(|edge| edge.origins.push(origin.clone()))
                    .or_insert(Edge {
                        kind: DependencyKind::Sync,
                        critical: true,
                        origins: vec![origin],
                        declared_by,
                    });
            }
            for (to, edge) in edges {
                graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), edge);
            }
        }
        let resolved = Graph { graph, names };
        resolved.report_deprecated(services, diagnostics);
        resolved.report_cycles(services, diagnostics);
        resolved
    }

    /// Every service name in the graph, sorted.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    fn neighbours(&self, node: usize, direction: petgraph::Direction) -> Vec<usize> {
        let mut list: Vec<usize> = self
            .graph
            .neighbors_directed(NodeIndex::new(node), direction)
            .map(NodeIndex::index)
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    }

    fn names_of(&self, indices: impl IntoIterator<Item = usize>) -> Vec<String> {
        indices.into_iter().map(|i| self.names[i].clone()).collect()
    }

    /// Direct upstream services of `name`, sorted.
    pub fn upstream(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(self.neighbours(i, petgraph::Direction::Outgoing)))
            .unwrap_or_default()
    }

    /// Direct downstream services (dependents) of `name`, sorted.
    pub fn downstream(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(self.neighbours(i, petgraph::Direction::Incoming)))
            .unwrap_or_default()
    }

    /// Every service `name` depends on, directly or not, sorted; never `name` itself.
    pub fn upstream_all(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(reachable(&self.adjacency(petgraph::Direction::Outgoing), i)))
            .unwrap_or_default()
    }

    /// Every service that depends on `name`, directly or not, sorted; never `name` itself.
    pub fn downstream_all(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(reachable(&self.adjacency(petgraph::Direction::Incoming), i)))
            .unwrap_or_default()
    }

    /// The transitive closures of every service, computed in parallel. Their total size can
    /// grow with the square of the number of services (a long chain), so only the bundle
    /// writer asks for all of them; checks never do.
    pub fn closures(&self) -> Closures {
        let up = self.adjacency(petgraph::Direction::Outgoing);
        let down = self.adjacency(petgraph::Direction::Incoming);
        let (upstream, downstream) = rayon::join(|| all_reachable(&up), || all_reachable(&down));
        Closures {
            upstream,
            downstream,
        }
    }

    /// Names of the services reachable from `name` in a precomputed closure.
    pub fn closure_names(&self, closures: &Closures, name: &str, upstream: bool) -> Vec<String> {
        let lists = if upstream {
            &closures.upstream
        } else {
            &closures.downstream
        };
        self.index(name)
            .and_then(|i| lists.get(i))
            .map(|list| self.names_of(list.iter().map(|&n| n as usize)))
            .unwrap_or_default()
    }

    fn adjacency(&self, direction: petgraph::Direction) -> Vec<Vec<u32>> {
        (0..self.names.len())
            .map(|i| {
                self.neighbours(i, direction)
                    .into_iter()
                    .map(|x| x as u32)
                    .collect()
            })
            .collect()
    }

    /// The edges from `name` to its upstream services, sorted by upstream name.
    pub fn dependencies(&self, name: &str) -> Vec<(&str, &Edge)> {
        let Some(i) = self.index(name) else {
            return Vec::new();
        };
        let mut list: Vec<(&str, &Edge)> = self
            .graph
            .edges(NodeIndex::new(i))
            .map(|e| (self.names[e.target().index()].as_str(), e.weight()))
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        list
    }

    /// Every edge as (downstream, upstream, edge), sorted by names.
    pub fn edges(&self) -> Vec<(&str, &str, &Edge)> {
        let mut list: Vec<(&str, &str, &Edge)> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    self.names[e.source().index()].as_str(),
                    self.names[e.target().index()].as_str(),
                    e.weight(),
                )
            })
            .collect();
        list.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        list
    }

    /// `name` and the services within `depth` hops upstream of it and/or downstream of it
    /// (each direction followed on its own, so siblings are not included), sorted. `None`
    /// when `name` is not a service.
    pub fn neighbourhood(
        &self,
        name: &str,
        upstream: bool,
        downstream: bool,
        depth: usize,
    ) -> Option<BTreeSet<String>> {
        let start = self.index(name)?;
        let mut found = BTreeSet::from([start]);
        for (wanted, direction) in [
            (upstream, petgraph::Direction::Outgoing),
            (downstream, petgraph::Direction::Incoming),
        ] {
            if !wanted {
                continue;
            }
            let mut seen = BTreeSet::from([start]);
            let mut frontier = vec![start];
            for _ in 0..depth {
                let mut next = Vec::new();
                for node in frontier {
                    for other in self.neighbours(node, direction) {
                        if seen.insert(other) {
                            next.push(other);
                        }
                    }
                }
                if next.is_empty() {
                    break;
                }
                frontier = next;
            }
            found.extend(seen);
        }
        Some(found.into_iter().map(|i| self.names[i].clone()).collect())
    }

    /// A live service (experimental or production) depending on a deprecated or retired one.
    fn report_deprecated(&self, services: &[Entity<Service>], diagnostics: &mut Vec<Diagnostic>) {
        // Per node, the lifecycle its name's last descriptor gives (duplicates are reported
        // elsewhere).
        let mut lifecycles: Vec<Option<Lifecycle>> = vec![None; self.names.len()];
        for service in services {
            if let Some(node) = self.index(&service.value.name) {
                lifecycles[node] = Some(service.value.lifecycle);
            }
        }
        let retiring = |l: Lifecycle| matches!(l, Lifecycle::Deprecated | Lifecycle::Retired);
        // Nodes are in name order, so this is the order of `edges()`.
        let mut edges: Vec<_> = self.graph.edge_references().collect();
        edges.sort_by_key(|edge| (edge.source().index(), edge.target().index()));
        for reference in edges {
            let (from, to) = (reference.source().index(), reference.target().index());
            let (Some(source), Some(target)) = (lifecycles[from], lifecycles[to]) else {
                continue;
            };
            let (from, to, edge) = (&self.names[from], &self.names[to], reference.weight());
            if retiring(source) || !retiring(target) {
                continue;
            }
            let (file, span) = edge.location(services);
            diagnostics.push(
                Diagnostic::new(
                    Code::DeprecatedDependency,
                    format!(
                        "service `{from}` ({}) depends on `{to}`, which is {}",
                        source.as_str(),
                        target.as_str()
                    ),
                )
                .at(file, span)
                .with_help(format!(
                    "move `{from}` off `{to}` before it is switched off"
                )),
            );
        }
    }

    /// Reports each cycle of synchronous dependencies once: for every strongly connected
    /// component of more than one service, the shortest cycle through its first service (by
    /// name), with every edge.
    fn report_cycles(&self, services: &[Entity<Service>], diagnostics: &mut Vec<Diagnostic>) {
        // Asynchronous dependencies (events, queues) do not make a call cycle.
        let sync = petgraph::visit::EdgeFiltered::from_fn(&self.graph, |edge| {
            edge.weight().kind == DependencyKind::Sync
        });
        let components = petgraph::algo::kosaraju_scc(&sync);
        for component in components {
            if component.len() < 2 {
                continue;
            }
            let members: BTreeSet<usize> = component.iter().map(|n| n.index()).collect();
            let Some(&start) = members.first() else {
                continue;
            };
            let Some(path) = self.shortest_cycle(start, &members) else {
                continue;
            };
            let names: Vec<&str> = path.iter().map(|&n| self.names[n].as_str()).collect();
            let mut steps: Vec<&Edge> = Vec::new();
            for pair in path.windows(2) {
                if let Some(edge) = self
                    .graph
                    .find_edge(NodeIndex::new(pair[0]), NodeIndex::new(pair[1]))
                {
                    steps.push(&self.graph[edge]);
                }
            }
            let Some(first) = steps.first() else {
                continue;
            };
            let (file, span) = first.location(services);
            let mut diagnostic = Diagnostic::new(
                Code::DependencyCycle,
                format!("services depend on each other in a cycle: {}", names.join(" → ")),
            )
            .at(file, span)
            .with_help(if members.len() > path.len() - 1 {
                format!(
                    "break the cycle by removing or making asynchronous one of these dependencies; {} services are involved in all",
                    members.len()
                )
            } else {
                "break the cycle by removing or making asynchronous one of these dependencies".to_owned()
            });
            for (step, pair) in steps.iter().zip(path.windows(2)).skip(1) {
                let (file, span) = step.location(services);
                diagnostic = diagnostic.with_related(
                    file,
                    Some(span),
                    format!(
                        "`{}` depends on `{}` here",
                        self.names[pair[0]], self.names[pair[1]]
                    ),
                );
            }
            diagnostics.push(diagnostic);
        }
    }

    /// The shortest path `start → … → start` inside `members` (breadth-first).
    fn shortest_cycle(&self, start: usize, members: &BTreeSet<usize>) -> Option<Vec<usize>> {
        let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            let mut nexts: Vec<usize> = self
                .graph
                .edges(NodeIndex::new(node))
                .filter(|edge| edge.weight().kind == DependencyKind::Sync)
                .map(|edge| edge.target().index())
                .collect();
            nexts.sort_unstable();
            for next in nexts {
                if !members.contains(&next) {
                    continue;
                }
                if next == start {
                    let mut path = vec![node];
                    let mut current = node;
                    while current != start {
                        current = *previous.get(&current)?;
                        path.push(current);
                    }
                    path.reverse();
                    path.push(start);
                    return Some(path);
                }
                if next != start && !previous.contains_key(&next) {
                    previous.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// The sorted nodes reachable from `start` (itself excluded), with an explicit worklist.
fn reachable(adjacency: &[Vec<u32>], start: usize) -> Vec<usize> {
    let mut seen = vec![false; adjacency.len()];
    seen[start] = true;
    let mut work = vec![start];
    let mut found = Vec::new();
    while let Some(node) = work.pop() {
        for &next in &adjacency[node] {
            let next = next as usize;
            if !seen[next] {
                seen[next] = true;
                found.push(next);
                work.push(next);
            }
        }
    }
    found.sort_unstable();
    found
}

/// For every node, the sorted set of nodes reachable from it (itself excluded), computed in
/// parallel; each worker reuses one visit-stamp array, so no per-node allocation of size N.
fn all_reachable(adjacency: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let n = adjacency.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0u32; n], 0u32, Vec::new()),
            |(stamps, stamp, work), start| {
                *stamp = stamp.wrapping_add(1);
                if *stamp == 0 {
                    stamps.iter_mut().for_each(|s| *s = 0);
                    *stamp = 1;
                }
                let mark = *stamp;
                stamps[start] = mark;
                work.clear();
                work.push(start as u32);
                let mut found = Vec::new();
                while let Some(node) = work.pop() {
                    for &next in &adjacency[node as usize] {
                        if stamps[next as usize] != mark {
                            stamps[next as usize] = mark;
                            found.push(next);
                            work.push(next);
                        }
                    }
                }
                found.sort_unstable();
                found
            },
        )
        .collect()
}

/// Per service: whether it is focused or reached from a focused service through
/// `dependsOn` and `apis.consumes` (a name's first descriptor stands for it, as in the graph).
fn reached_from(
    services: &[Entity<Service>],
    focus: &[bool],
    index: &impl Fn(&str) -> Option<usize>,
    providers: &BTreeMap<&str, &str>,
) -> Vec<bool> {
    // Node → the position of the first descriptor of its name.
    let mut first = HashMap::<usize, usize, foldhash::fast::RandomState>::default();
    for (position, service) in services.iter().enumerate() {
        if let Some(node) = index(&service.value.name) {
            first.entry(node).or_insert(position);
        }
    }
    let mut included = focus.to_vec();
    let mut work: Vec<usize> = (0..services.len()).filter(|&i| focus[i]).collect();
    while let Some(position) = work.pop() {
        let value = &services[position].value;
        let consumes = value
            .apis
            .as_ref()
            .map(|a| a.consumes.as_slice())
            .unwrap_or_default();
        let upstream = value
            .depends_on
            .iter()
            .map(|dependency| dependency.service().as_str())
            .chain(
                consumes
                    .iter()
                    .filter_map(|api| providers.get(api.as_str()).copied()),
            );
        for name in upstream {
            let Some(&next) = index(name).and_then(|node| first.get(&node)) else {
                continue;
            };
            if !std::mem::replace(&mut included[next], true) {
                work.push(next);
            }
        }
    }
    included
}

/// API name → providing service; a name provided twice is reported as `duplicate-name`.
fn api_providers<'s>(
    services: &'s [Entity<Service>],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<&'s str, &'s str> {
    let mut providers: BTreeMap<&str, (&str, &Entity<Service>, usize)> = BTreeMap::new();
    for service in services {
        let Some(apis) = &service.value.apis else {
            continue;
        };
        for (position, api) in apis.provides.iter().enumerate() {
            match providers.get(api.name.as_str()) {
                None => {
                    providers.insert(
                        api.name.as_str(),
                        (service.value.name.as_str(), service, position),
                    );
                }
                Some((_, first, first_position)) => {
                    let pointer = format!("/apis/provides/{position}/name");
                    diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateName,
                            format!("the API name {} is already provided", quote(&api.name)),
                        )
                        .at(&service.file, service.span(&pointer, false))
                        .with_pointer(&pointer)
                        .with_related(
                            &first.file,
                            Some(
                                first.span(&format!("/apis/provides/{first_position}/name"), false),
                            ),
                            format!(
                                "API {} first provided here by `{}`",
                                quote(&api.name),
                                first.value.name
                            ),
                        )
                        .with_help("API names must be unique across the catalog; rename one"),
                    );
                }
            }
        }
    }
    providers
        .into_iter()
        .map(|(api, (service, _, _))| (api, service))
        .collect()
}

/// Reports loops in the team tree (`team-cycle`), each once, at the team with the smallest
/// name in the loop. Teams are sorted by name; unknown parents are reported elsewhere.
pub fn check_team_tree(teams: &[Entity<Team>], diagnostics: &mut Vec<Diagnostic>) {
    let index: BTreeMap<&str, usize> = teams
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.value.name.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the current chain, 2 = done.
    let mut state = vec![0u8; teams.len()];
    for start in 0..teams.len() {
        if state[start] != 0 {
            continue;
        }
        let mut chain = Vec::new();
        let mut current = Some(start);
        while let Some(node) = current {
            match state[node] {
                2 => break,
                1 => {
                    // `node` starts the loop within `chain`.
                    let from = chain.iter().position(|&n| n == node).unwrap_or(0);
                    report_team_loop(teams, &chain[from..], diagnostics);
                    break;
                }
                _ => {}
            }
            state[node] = 1;
            chain.push(node);
            current = teams[node]
                .value
                .parent
                .as_ref()
                .and_then(|parent| index.get(parent.as_str()).copied());
        }
        for node in chain {
            state[node] = 2;
        }
    }
}

fn report_team_loop(teams: &[Entity<Team>], members: &[usize], diagnostics: &mut Vec<Diagnostic>) {
    // Start the path at the smallest name so the report does not depend on walk order.
    let Some(offset) = members
        .iter()
        .enumerate()
        .min_by(|a, b| teams[*a.1].value.name.cmp(&teams[*b.1].value.name))
        .map(|(i, _)| i)
    else {
        return;
    };
    let ordered: Vec<usize> = members[offset..]
        .iter()
        .chain(&members[..offset])
        .copied()
        .collect();
    let mut path: Vec<&str> = ordered
        .iter()
        .map(|&i| teams[i].value.name.as_str())
        .collect();
    path.push(path[0]);
    let first = &teams[ordered[0]];
    let mut diagnostic = Diagnostic::new(
        Code::TeamCycle,
        if ordered.len() == 1 {
            format!("team `{}` is its own parent", first.value.name)
        } else {
            format!("the team parent chain loops: {}", path.join(" → "))
        },
    )
    .at(&first.file, first.span("/parent", false))
    .with_pointer("/parent")
    .with_help("point one of these `parent` keys at a team outside the loop, or remove it");
    for &i in &ordered[1..] {
        let team = &teams[i];
        diagnostic = diagnostic.with_related(
            &team.file,
            Some(team.span("/parent", false)),
            format!(
                "`{}` has parent `{}` here",
                team.value.name,
                team.value.parent.as_deref().unwrap_or("")
            ),
        );
    }
    diagnostics.push(diagnostic);
}

#[cfg(test)]
mod tests;
