//! JSON Schemas (draft 2020-12) of the descriptor kinds, generated from the model types.
//!
//! The same schemas are written by `catalogc schema --out DIR`, committed under `schemas/`
//! (a test keeps them fresh) and used for validation.

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::{Catalog, Kind, Scorecard, Service, Team};

/// The schema of one descriptor kind.
pub fn schema_of(kind: Kind) -> Value {
    match kind {
        Kind::Catalog => generate::<Catalog>(),
        Kind::Service => generate::<Service>(),
        Kind::Team => generate::<Team>(),
        Kind::Scorecard => generate::<Scorecard>(),
    }
}

/// The file name a kind's schema is published under (e.g. `service.schema.json`).
pub fn file_name(kind: Kind) -> String {
    format!("{}.schema.json", kind.noun())
}

/// The file name of the bundle's (`catalog.json`) schema.
pub const BUNDLE_FILE: &str = "bundle.schema.json";

/// The file name of the diff report's (`catalogc diff --format json`) schema.
pub const DIFF_FILE: &str = "diff.schema.json";

/// Every schema with its file name, in a fixed order: the descriptor kinds, the bundle, the
/// diff report.
pub fn all() -> Vec<(String, Value)> {
    Kind::ALL
        .into_iter()
        .map(|kind| (file_name(kind), schema_of(kind)))
        .chain(std::iter::once((BUNDLE_FILE.to_owned(), bundle())))
        .chain(std::iter::once((DIFF_FILE.to_owned(), diff())))
        .collect()
}

/// Renders a schema the way it is committed: pretty JSON with a final newline.
pub fn to_pretty(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Generates the schema of `T` for the public, committed form.
pub fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(NoNull)
        .into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The schema of the bundle, `catalog.json`. Unlike descriptors, the bundle does hold
/// `null` (a service without a tier, a scorecard level not reached), so it keeps them.
pub fn bundle() -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<crate::Bundle>()
        .to_value();
    describe_event_types(&mut schema);
    schema
}

/// The schema of the diff report (`catalogc diff --format json`): events between two
/// revisions.
pub fn diff() -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<crate::CatalogDiff>()
        .to_value();
    describe_event_types(&mut schema);
    schema
}

/// The serde tag `type` of each event has no doc comment to become its description.
fn describe_event_types(schema: &mut Value) {
    if let Some(Value::Array(events)) = schema.pointer_mut("/$defs/CatalogEvent/oneOf") {
        for event in events {
            if let Some(Value::Object(tag)) = event.pointer_mut("/properties/type") {
                tag.insert(
                    "description".to_owned(),
                    Value::String("The event type (kebab-case).".to_owned()),
                );
            }
        }
    }
}

/// Descriptors never hold `null`: an absent optional field is left out. serde models those
/// fields as `Option`, which schemars describes as "T or null"; this transform removes the
/// `null` alternative so `title:` with no value is reported instead of silently ignored.
#[derive(Clone)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                object.insert("type".into(), only);
            }
        }
        let null_schema = serde_json::json!({"type": "null"});
        if let Some(Value::Array(alternatives)) = object.get_mut("anyOf") {
            alternatives.retain(|alternative| *alternative != null_schema);
            if alternatives.len() == 1
                && let Some(Value::Object(only)) = alternatives.pop()
            {
                object.remove("anyOf");
                for (key, value) in only {
                    object.entry(key).or_insert(value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property of every schema carries a description, so editors can show hover help.
    #[test]
    fn every_property_is_described() {
        for (file, schema) in all() {
            let mut missing = Vec::new();
            find_undescribed(&schema, "", &mut missing);
            assert!(
                missing.is_empty(),
                "{file}: undescribed properties {missing:?}"
            );
        }
    }

    fn find_undescribed(node: &Value, path: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if property.get("description").is_none() {
                            missing.push(format!("{path}/{name}"));
                        }
                    }
                }
                for (key, child) in map {
                    find_undescribed(child, &format!("{path}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    find_undescribed(child, &format!("{path}/{i}"), missing);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn schemas_are_draft_2020_12_without_null() {
        for kind in Kind::ALL {
            let (file, schema) = (file_name(kind), schema_of(kind));
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{file}"
            );
            let text = schema.to_string();
            assert!(!text.contains("\"null\""), "{file} still allows null");
        }
    }
}
