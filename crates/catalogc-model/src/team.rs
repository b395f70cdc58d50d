//! The team descriptor (SPEC 1.3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApiVersion, GithubHandle, Name, TeamKind};

/// A team: owns services, has members and contacts, sits in a team tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "catalogc Team")]
pub struct Team {
    /// Descriptor format version; always `catalogc/v1`.
    pub api_version: ApiVersion,
    /// Always `Team`.
    pub kind: TeamKind,
    /// Unique team name: lowercase letters, digits and hyphens (e.g. `payments`).
    pub name: Name,
    /// Display name (e.g. `Payments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::short_text")]
    pub title: Option<String>,
    /// What the team does (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::names::long_text")]
    pub description: Option<String>,
    /// The parent team's name; the team tree must not loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Name>,
    /// People in the team and their roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// How to reach the team.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// The team's GitHub handle (e.g. `@acme/payments`), used to generate CODEOWNERS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubHandle>,
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The person's handle (e.g. a GitHub login `alice`).
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// `lead`, `maintainer` or `member` (the default).
    #[serde(default)]
    pub role: Role,
}

/// A member's role.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Leads the team.
    Lead,
    /// Maintains the team's services.
    Maintainer,
    /// A member of the team.
    #[default]
    Member,
}

/// A way to reach a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The channel: `slack`, `email`, `teams`, `pagerduty`, `phone` or `url`.
    #[serde(rename = "type")]
    pub contact_type: ContactType,
    /// The address on that channel (e.g. `#payments`, `payments@acme.example`).
    #[schemars(length(min = 1, max = 500))]
    pub value: String,
}

/// A contact channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContactType {
    /// A Slack channel.
    Slack,
    /// An e-mail address (a team list, not a person).
    Email,
    /// A Microsoft Teams channel.
    Teams,
    /// A PagerDuty escalation policy or service.
    Pagerduty,
    /// A phone number.
    Phone,
    /// A web page.
    Url,
}
