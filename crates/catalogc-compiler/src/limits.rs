//! The read limits of SPEC 6, with `catalog.yaml` overrides.

use catalogc_model::LimitsConfig;

use crate::yaml::StructureLimits;

/// Effective limits of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Catalog descriptors (service, team, scorecard, catalog).
    pub descriptor_bytes: u64,
    pub descriptor: StructureLimits,
    /// API specs, workflows, docs.
    pub spec_bytes: u64,
    /// Inventory snapshots.
    pub inventory_bytes: u64,
    pub third_party: StructureLimits,
    /// Inventory snapshots (third-party limits with spans only down to entries' fields).
    pub inventory: StructureLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            descriptor_bytes: 1024 * 1024,
            descriptor: StructureLimits::DESCRIPTOR,
            spec_bytes: 8 * 1024 * 1024,
            inventory_bytes: 64 * 1024 * 1024,
            third_party: StructureLimits::THIRD_PARTY,
            inventory: StructureLimits::INVENTORY,
        }
    }
}

impl Limits {
    pub fn from_config(config: Option<&LimitsConfig>) -> Limits {
        let mut limits = Limits::default();
        let Some(config) = config else {
            return limits;
        };
        if let Some(bytes) = config.max_file_bytes {
            limits.descriptor_bytes = bytes;
        }
        if let Some(depth) = config.max_depth {
            limits.descriptor.max_depth = depth;
        }
        if let Some(documents) = config.max_documents {
            limits.descriptor.max_documents = documents;
        }
        if let Some(entries) = config.max_list_entries {
            limits.descriptor.max_entries = entries;
        }
        if let Some(nodes) = config.max_alias_nodes {
            limits.descriptor.max_alias_nodes = nodes;
        }
        if let Some(bytes) = config.max_spec_bytes {
            limits.spec_bytes = bytes;
        }
        if let Some(bytes) = config.max_inventory_bytes {
            limits.inventory_bytes = bytes;
        }
        limits
    }
}
