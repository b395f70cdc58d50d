//! The dependency graph of the catalog's services.
//!
//! Nodes are service names (indices into a sorted name list); edges point from a service to
//! the upstream services it depends on. Names that are not services are left out here (the
//! resolution stage reports them). Transitive closures are computed with an explicit
//! worklist, so graph depth never touches the call stack.

use std::collections::BTreeSet;

use catalogc_model::Service;

use crate::Entity;

/// Upstream and downstream relations between services.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    names: Vec<String>,
    upstream: Vec<Vec<usize>>,
    downstream: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the graph of `services` (sorted by name; a duplicated name is one node).
    pub fn build(services: &[Entity<Service>]) -> Graph {
        let mut names: Vec<String> = services.iter().map(|s| s.value.name.to_string()).collect();
        names.dedup();
        let index = |name: &str| names.binary_search_by(|n| n.as_str().cmp(name)).ok();
        let mut upstream: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); names.len()];
        let mut downstream: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); names.len()];
        for service in services {
            let Some(from) = index(&service.value.name) else {
                continue;
            };
            for dependency in &service.value.depends_on {
                if let Some(to) = index(dependency.service()) {
                    upstream[from].insert(to);
                    downstream[to].insert(from);
                }
            }
        }
        Graph {
            upstream: upstream
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
            downstream: downstream
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
            names,
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    fn names_of(&self, indices: impl IntoIterator<Item = usize>) -> Vec<String> {
        indices.into_iter().map(|i| self.names[i].clone()).collect()
    }

    /// Direct upstream services of `name`, sorted.
    pub fn upstream(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(self.upstream[i].iter().copied()))
            .unwrap_or_default()
    }

    /// Direct downstream services (dependents) of `name`, sorted.
    pub fn downstream(&self, name: &str) -> Vec<String> {
        self.index(name)
            .map(|i| self.names_of(self.downstream[i].iter().copied()))
            .unwrap_or_default()
    }

    /// Every service `name` depends on, directly or not, sorted; never `name` itself.
    pub fn upstream_all(&self, name: &str) -> Vec<String> {
        self.closure(name, &self.upstream)
    }

    /// Every service that depends on `name`, directly or not, sorted; never `name` itself.
    pub fn downstream_all(&self, name: &str) -> Vec<String> {
        self.closure(name, &self.downstream)
    }

    fn closure(&self, name: &str, edges: &[Vec<usize>]) -> Vec<String> {
        let Some(start) = self.index(name) else {
            return Vec::new();
        };
        let mut seen = vec![false; self.names.len()];
        seen[start] = true;
        let mut work = vec![start];
        let mut found = BTreeSet::new();
        while let Some(node) = work.pop() {
            for &next in &edges[node] {
                if !seen[next] {
                    seen[next] = true;
                    found.insert(next);
                    work.push(next);
                }
            }
        }
        self.names_of(found)
    }
}
