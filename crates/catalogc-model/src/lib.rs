//! The descriptor model of catalogc: `Catalog`, `Service`, `Team` and `Scorecard`.
//!
//! These types are the single source of truth for the descriptor format: the JSON Schemas
//! under `schemas/` are generated from them ([`schemas`]), validation runs those schemas, and
//! the compiler deserialises validated values into these types. Every field carries a doc
//! comment, which becomes the schema `description` editors show on hover.
//!
//! No I/O happens here.

mod bundle;
mod catalog;
mod events;
mod names;
mod scorecard;
mod service;
mod team;

pub mod schema;

pub use bundle::*;
pub use catalog::*;
pub use events::*;
pub use names::*;
pub use scorecard::*;
pub use service::*;
pub use team::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The only descriptor API version catalogc reads.
pub const API_VERSION: &str = "catalogc/v1";

/// `apiVersion` of every descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// The first stable descriptor format.
    #[serde(rename = "catalogc/v1")]
    V1,
}

/// The kinds of descriptors catalogc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Catalog,
    Service,
    Team,
    Scorecard,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Catalog, Kind::Service, Kind::Team, Kind::Scorecard];

    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Catalog => "Catalog",
            Kind::Service => "Service",
            Kind::Team => "Team",
            Kind::Scorecard => "Scorecard",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The lower-case word used in messages and schema file names.
    pub const fn noun(self) -> &'static str {
        match self {
            Kind::Catalog => "catalog",
            Kind::Service => "service",
            Kind::Team => "team",
            Kind::Scorecard => "scorecard",
        }
    }
}

macro_rules! kind_marker {
    ($name:ident, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            #[doc = $doc]
            $variant,
        }
    };
}

kind_marker!(
    CatalogKind,
    Catalog,
    "The catalog configuration (`catalog.yaml`)."
);
kind_marker!(
    ServiceKind,
    Service,
    "A service descriptor (`service.yaml`)."
);
kind_marker!(TeamKind, Team, "A team descriptor.");
kind_marker!(ScorecardKind, Scorecard, "A scorecard descriptor.");
