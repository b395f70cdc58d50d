//! The dependency graph as Graphviz DOT, Mermaid and JSON.
//!
//! Edges point from a service to the upstream service it depends on. Asynchronous
//! dependencies are dashed; non-critical ones are grey. Nodes are labelled with the service
//! title; names are the identifiers (they match `^[a-z0-9-]+$`, so they are safe as DOT
//! strings and, with `-` mapped to `_`, as Mermaid identifiers). Titles are escaped.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use catalogc_compiler::Compilation;
use catalogc_model::DependencyKind;
use serde_json::{Value, json};

/// The services and edges to draw: every service, or a neighbourhood.
pub struct View<'a> {
    compilation: &'a Compilation,
    nodes: BTreeSet<String>,
    /// The service a neighbourhood is centred on.
    focus: Option<String>,
}

impl<'a> View<'a> {
    /// The whole catalog.
    pub fn all(compilation: &'a Compilation) -> View<'a> {
        View {
            compilation,
            nodes: compilation.graph.names().iter().cloned().collect(),
            focus: None,
        }
    }

    /// `service` and the services within `depth` hops in the chosen directions; `None` when
    /// there is no such service.
    pub fn around(
        compilation: &'a Compilation,
        service: &str,
        upstream: bool,
        downstream: bool,
        depth: usize,
    ) -> Option<View<'a>> {
        let nodes = compilation
            .graph
            .neighbourhood(service, upstream, downstream, depth)?;
        Some(View {
            compilation,
            nodes,
            focus: Some(service.to_owned()),
        })
    }

    fn title(&self, name: &str) -> String {
        self.compilation
            .service(name)
            .and_then(|s| s.value.title.clone())
            .unwrap_or_else(|| name.to_owned())
    }

    /// Edges between drawn nodes: (from, to, kind, critical).
    fn edges(&self) -> Vec<(&str, &str, DependencyKind, bool)> {
        self.compilation
            .graph
            .edges()
            .into_iter()
            .filter(|(from, to, _)| self.nodes.contains(*from) && self.nodes.contains(*to))
            .map(|(from, to, edge)| (from, to, edge.kind, edge.critical))
            .collect()
    }

    /// Graphviz DOT.
    pub fn dot(&self) -> String {
        let mut out = String::from(
            "digraph catalog {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6fb\", fontname=\"Helvetica\"];\n  edge [color=\"#4a5568\"];\n",
        );
        for name in &self.nodes {
            let mut attributes = format!("label=\"{}\"", dot_escape(&self.title(name)));
            if self.focus.as_deref() == Some(name.as_str()) {
                attributes.push_str(", fillcolor=\"#fde68a\", penwidth=2");
            }
            let _ = writeln!(out, "  \"{name}\" [{attributes}];");
        }
        for (from, to, kind, critical) in self.edges() {
            let mut style = Vec::new();
            if kind == DependencyKind::Async {
                style.push("style=dashed");
            }
            if !critical {
                style.push("color=\"#a0aec0\"");
            }
            if style.is_empty() {
                let _ = writeln!(out, "  \"{from}\" -> \"{to}\";");
            } else {
                let _ = writeln!(out, "  \"{from}\" -> \"{to}\" [{}];", style.join(", "));
            }
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for name in &self.nodes {
            let _ = writeln!(
                out,
                "  {}[\"{}\"]",
                mermaid_id(name),
                mermaid_escape(&self.title(name))
            );
        }
        for (from, to, kind, _) in self.edges() {
            let arrow = match kind {
                DependencyKind::Sync => "-->",
                DependencyKind::Async => "-.->",
            };
            let _ = writeln!(out, "  {} {arrow} {}", mermaid_id(from), mermaid_id(to));
        }
        if let Some(focus) = &self.focus {
            let _ = writeln!(out, "  style {} stroke-width:3px", mermaid_id(focus));
        }
        out
    }

    /// `{"nodes": [...], "edges": [...]}`.
    pub fn json(&self) -> Value {
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .filter_map(|name| {
                let service = self.compilation.service(name)?;
                Some(json!({
                    "name": name,
                    "title": self.title(name),
                    "owner": service.value.owner,
                    "lifecycle": service.value.lifecycle,
                    "tier": service.value.tier,
                }))
            })
            .collect();
        let edges: Vec<Value> = self
            .edges()
            .into_iter()
            .map(|(from, to, kind, critical)| {
                json!({"from": from, "to": to, "kind": kind, "critical": critical})
            })
            .collect();
        json!({"nodes": nodes, "edges": edges})
    }
}

fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid_id(name: &str) -> String {
    format!("s_{}", name.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(dot_escape("a \"b\" \\ c\n"), "a \\\"b\\\" \\\\ c ");
        assert_eq!(mermaid_escape("<b>\"x\""), "#lt;b#gt;#quot;x#quot;");
        assert_eq!(mermaid_id("payments-gateway"), "s_payments_gateway");
    }
}
