//! The scorecard descriptor (SPEC 1.3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApiVersion, Date, Expression, Name, ScorecardKind};

/// A scorecard: criteria every applicable service is measured against, with an optional
/// ladder of levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "catalogc Scorecard")]
pub struct Scorecard {
    /// Descriptor format version; always `catalogc/v1`.
    pub api_version: ApiVersion,
    /// Always `Scorecard`.
    pub kind: ScorecardKind,
    /// Unique scorecard name (e.g. `production-readiness`).
    pub name: Name,
    /// Display name (e.g. `Production readiness`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: Option<String>,
    /// What the scorecard measures and why (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
    /// A CEL filter choosing the services this scorecard applies to (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Expression>,
    /// Ordered ladder of level names, lowest first (e.g. `[bronze, silver, gold]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub levels: Vec<Name>,
    /// The criteria, each a CEL `check` or a built-in template (`uses` + `with`).
    #[schemars(length(min = 1))]
    pub criteria: Vec<Criterion>,
    /// Services excused from a criterion (or the whole scorecard) until a date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<Exemption>,
}

/// One criterion of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{"required": ["check"]}, {"required": ["uses"]}]))]
pub struct Criterion {
    /// Unique criterion name within the scorecard (e.g. `has-oncall`).
    pub name: Name,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: Option<String>,
    /// What the criterion checks and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
    /// The level of the ladder this criterion belongs to; without one it counts only in the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Name>,
    /// Weight in the score (default 1).
    #[serde(default = "default_weight")]
    #[schemars(range(min = 0, max = 1000))]
    pub weight: u32,
    /// A heading grouping criteria on the scorecard page (e.g. `Operations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub section: Option<String>,
    /// A CEL boolean expression; true means the service passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Expression>,
    /// A built-in criterion template (e.g. `has-oncall`, `gateway-has-plugin`), instead of `check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<Name>,
    /// Parameters of the template named by `uses`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::free_object")]
    pub with: Option<serde_json::Map<String, serde_json::Value>>,
    /// How to fix a failure, shown next to failing services (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub message: Option<String>,
}

fn default_weight() -> u32 {
    1
}

/// An exemption of one service from a criterion (or from every criterion) of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The exempt service's name.
    pub service: Name,
    /// The criterion it is exempt from; without one, every criterion of the scorecard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<Name>,
    /// Why the exemption was granted.
    #[schemars(schema_with = "crate::names::short_text")]
    pub reason: String,
    /// The last day the exemption applies (`YYYY-MM-DD`); after it, the criterion counts again.
    pub expires: Date,
}
