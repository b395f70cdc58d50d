//! Catalog events: what changed between two compiled revisions of a catalog, as types
//! (`catalogc diff --format json`; `schemas/diff.schema.json` is generated from them).
//!
//! # Format
//!
//! One object: `apiVersion` (`catalogc/v1`), `kind` (`CatalogDiff`), the `base` and `head`
//! revisions, a `summary` of counts, the `events` (each with a kebab-case `type` and the
//! fields of that type), the `blastRadius` of every changed service, and `headErrors` (the
//! error findings of the head, in the JSON diagnostics shape of `catalogc check --format
//! json`). Events are sorted by service name, then by type in the order listed in
//! [`CatalogEvent`], then by their details; findings come last, by file, line and code.
//! The same inputs always give the same bytes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Lifecycle;

/// `kind` of a diff report.
pub const DIFF_KIND: &str = "CatalogDiff";

/// What changed between two revisions of a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "catalogc diff report")]
pub struct CatalogDiff {
    /// Always `catalogc/v1`.
    pub api_version: String,
    /// Always `CatalogDiff`.
    pub kind: String,
    /// The revision compared from.
    pub base: DiffRevision,
    /// The revision compared to.
    pub head: DiffRevision,
    /// Counts of what changed.
    pub summary: DiffSummary,
    /// The events, in a stable order (see the format description).
    pub events: Vec<CatalogEvent>,
    /// For each changed service that other services depend on: every service depending on
    /// it, directly or not, at the head (at the base for a removed service).
    pub blast_radius: Vec<BlastRadius>,
    /// Error-severity findings of the head (why `catalogc diff` exits 1), in the JSON
    /// diagnostics shape.
    pub head_errors: Vec<serde_json::Value>,
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffRevision {
    /// The revision as given (`origin/main`, `main...`), or `working tree`.
    pub revision: String,
    /// The commit it resolved to; absent for the working tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// Counts of a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    /// Services at the base.
    pub services_before: usize,
    /// Services at the head.
    pub services_after: usize,
    /// Services added.
    pub added: usize,
    /// Services removed.
    pub removed: usize,
    /// Services renamed.
    pub renamed: usize,
    /// Services present on both sides with at least one event.
    pub changed: usize,
    /// Scorecard results that dropped (a lower level, or a lower score at the same level).
    pub score_drops: usize,
    /// Findings at the head that the base did not have.
    pub new_findings: usize,
    /// Findings of the base that the head no longer has.
    pub fixed_findings: usize,
    /// Error-severity findings at the head.
    pub head_errors: usize,
    /// Warnings at the head.
    pub head_warnings: usize,
}

/// One change between the base and the head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum CatalogEvent {
    /// A service appeared.
    ServiceAdded {
        /// The service.
        service: String,
        /// Its owning team.
        owner: String,
        /// Its lifecycle.
        lifecycle: Lifecycle,
        /// Its tier, if set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tier: Option<u8>,
        /// Its descriptor.
        file: String,
    },
    /// A service disappeared.
    ServiceRemoved {
        /// The service.
        service: String,
        /// Its owning team at the base.
        owner: String,
        /// Its lifecycle at the base.
        lifecycle: Lifecycle,
        /// Its tier at the base, if set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tier: Option<u8>,
        /// Its descriptor at the base.
        file: String,
    },
    /// A service took a new name: the same code repository (or, without one, the same
    /// descriptor file) under another name.
    ServiceRenamed {
        /// The new name.
        service: String,
        /// The old name.
        from: String,
        /// What identifies it on both sides: its `repository` key, else its descriptor file.
        identity: String,
    },
    /// The owning team changed.
    OwnerChanged {
        /// The service.
        service: String,
        /// The previous owner.
        from: String,
        /// The new owner.
        to: String,
    },
    /// The lifecycle changed.
    LifecycleChanged {
        /// The service.
        service: String,
        /// The previous lifecycle.
        from: Lifecycle,
        /// The new lifecycle.
        to: Lifecycle,
    },
    /// The tier changed (set, unset or moved).
    TierChanged {
        /// The service.
        service: String,
        /// The previous tier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<u8>,
        /// The new tier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<u8>,
    },
    /// The service now depends on another one.
    DependencyAdded {
        /// The dependent service.
        service: String,
        /// The upstream it now depends on.
        upstream: String,
    },
    /// The service no longer depends on another one.
    DependencyRemoved {
        /// The dependent service.
        service: String,
        /// The upstream it no longer depends on.
        upstream: String,
    },
    /// The service now maps an integration resource.
    ResourceMapped {
        /// The service.
        service: String,
        /// The resource key.
        resource: String,
    },
    /// The service no longer maps an integration resource.
    ResourceUnmapped {
        /// The service.
        service: String,
        /// The resource key.
        resource: String,
    },
    /// A scorecard's level or score for a service changed.
    ScoreChanged {
        /// The service.
        service: String,
        /// The scorecard.
        scorecard: String,
        /// The level at the base (absent: none reached, or the scorecard did not apply).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_level: Option<String>,
        /// The level at the head.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_level: Option<String>,
        /// The score at the base (absent: the scorecard did not apply).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_score: Option<f64>,
        /// The score at the head (absent: the scorecard no longer applies).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_score: Option<f64>,
        /// Whether this is a drop: a lower level, or a lower score without a higher level.
        drop: bool,
    },
    /// A finding the base did not have.
    FindingNew {
        /// The finding.
        finding: FindingRef,
    },
    /// A finding of the base that is gone.
    FindingFixed {
        /// The finding.
        finding: FindingRef,
    },
}

impl CatalogEvent {
    /// The service the event is about (none for findings).
    pub fn service(&self) -> Option<&str> {
        match self {
            CatalogEvent::ServiceAdded { service, .. }
            | CatalogEvent::ServiceRemoved { service, .. }
            | CatalogEvent::ServiceRenamed { service, .. }
            | CatalogEvent::OwnerChanged { service, .. }
            | CatalogEvent::LifecycleChanged { service, .. }
            | CatalogEvent::TierChanged { service, .. }
            | CatalogEvent::DependencyAdded { service, .. }
            | CatalogEvent::DependencyRemoved { service, .. }
            | CatalogEvent::ResourceMapped { service, .. }
            | CatalogEvent::ResourceUnmapped { service, .. }
            | CatalogEvent::ScoreChanged { service, .. } => Some(service),
            CatalogEvent::FindingNew { .. } | CatalogEvent::FindingFixed { .. } => None,
        }
    }

    /// The position of the event's type in the order events are listed.
    pub fn rank(&self) -> u8 {
        match self {
            CatalogEvent::ServiceAdded { .. } => 0,
            CatalogEvent::ServiceRemoved { .. } => 1,
            CatalogEvent::ServiceRenamed { .. } => 2,
            CatalogEvent::OwnerChanged { .. } => 3,
            CatalogEvent::LifecycleChanged { .. } => 4,
            CatalogEvent::TierChanged { .. } => 5,
            CatalogEvent::DependencyAdded { .. } => 6,
            CatalogEvent::DependencyRemoved { .. } => 7,
            CatalogEvent::ResourceMapped { .. } => 8,
            CatalogEvent::ResourceUnmapped { .. } => 9,
            CatalogEvent::ScoreChanged { .. } => 10,
            CatalogEvent::FindingNew { .. } => 11,
            CatalogEvent::FindingFixed { .. } => 12,
        }
    }
}

/// A finding, as events name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FindingRef {
    /// Catalog-relative file, when the finding has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line in that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The diagnostic code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The message.
    pub message: String,
}

/// Who is affected when a changed service misbehaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlastRadius {
    /// The changed service.
    pub service: String,
    /// Every service depending on it, directly or not, sorted by tier (most critical first,
    /// untiered last), then name.
    pub dependents: Vec<Dependent>,
}

/// A service in a blast radius.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dependent {
    /// The dependent service.
    pub service: String,
    /// Its tier, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// Whether it depends on the changed service directly.
    pub direct: bool,
}
