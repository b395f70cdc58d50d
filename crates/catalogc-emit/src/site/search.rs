//! `assets/search-index.js`: the service list's data, loaded by `index.html` as a script
//! file (browsers refuse `fetch()` from file://, and the Content-Security-Policy forbids
//! inline scripts, so catalog text never sits inside a `<script>` element).
//!
//! # Format
//!
//! ```text
//! window.CATALOG_INDEX = {
//!   "version": 1,
//!   "batch": 200,                                  rows rendered per "show more"
//!   "owners": [["payments", "Payments"], …],       team name and title, sorted by name
//!   "lifecycles": ["experimental", "production", "deprecated", "retired"],
//!   "tags": ["pci", …],                            sorted
//!   "scorecards": [{"name": …, "title": …, "levels": ["bronze", …], "tones": ["low", …]}],
//!   "services": [[name, title, description, owner, lifecycle, tier, [tags], [levels]], …]
//! };
//! ```
//!
//! Services are sorted by name. `title` is `""` when it equals the name; `description` is
//! its first [`DESCRIPTION_CHARS`] characters with whitespace collapsed; `owner`, `lifecycle`
//! and `tags` are indexes into the lists above; `tier` is 1–4, or 0 when unset; `levels` has
//! one entry per scorecard of `scorecards` (those with a ladder): -1 when it does not apply,
//! 0 when no level is reached, else the 1-based index of the level in its ladder.
//!
//! The JSON is made by serde_json, then `<`, `>`, `&`, U+2028 and U+2029 are written as
//! `\u` escapes (they only ever occur inside JSON strings): the file never contains
//! `</script` or `<!--`, and stays valid JavaScript in every engine.

use std::collections::BTreeMap;

use catalogc_model::Bundle;
use serde::Serialize;
use serde_json::{Value, json};

use super::view::{LIFECYCLES, Ladder};

/// How much of a description the index carries (searching and the list's second line).
pub(super) const DESCRIPTION_CHARS: usize = 100;

/// The text of `assets/search-index.js`.
pub(super) fn search_index(bundle: &Bundle, ladders: &[Ladder<'_>], batch: usize) -> Vec<u8> {
    let owners: Vec<(&str, &str)> = {
        let mut names: BTreeMap<&str, &str> = bundle
            .teams
            .iter()
            .map(|t| (t.name.as_str(), t.title.as_str()))
            .collect();
        // An owner is always a team (validated); keep the list total anyway.
        for service in &bundle.services {
            names
                .entry(service.owner.as_str())
                .or_insert(service.owner.as_str());
        }
        names.into_iter().collect()
    };
    let owner_index: BTreeMap<&str, usize> = owners
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, i))
        .collect();
    let mut tags: Vec<&str> = bundle
        .services
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let tag_index: BTreeMap<&str, usize> = tags.iter().enumerate().map(|(i, t)| (*t, i)).collect();

    let services: Vec<Value> = bundle
        .services
        .iter()
        .map(|service| {
            let title = if service.title == service.name {
                ""
            } else {
                service.title.as_str()
            };
            let lifecycle = LIFECYCLES
                .iter()
                .position(|l| *l == service.lifecycle)
                .unwrap_or(0);
            let service_tags: Vec<usize> = service
                .tags
                .iter()
                .filter_map(|t| tag_index.get(t.as_str()).copied())
                .collect();
            let levels: Vec<i64> = ladders.iter().map(|l| l.rank_code(service)).collect();
            json!([
                service.name,
                title,
                service
                    .description
                    .as_deref()
                    .map(|d| excerpt(d, DESCRIPTION_CHARS))
                    .unwrap_or_default(),
                owner_index
                    .get(service.owner.as_str())
                    .copied()
                    .unwrap_or(0),
                lifecycle,
                service.tier.unwrap_or(0),
                service_tags,
                levels,
            ])
        })
        .collect();

    #[derive(Serialize)]
    struct Card<'a> {
        name: &'a str,
        title: &'a str,
        levels: Vec<&'a str>,
        tones: Vec<&'static str>,
    }
    let scorecards: Vec<Card<'_>> = ladders
        .iter()
        .map(|l| Card {
            name: l.name,
            title: l.title,
            levels: l.levels.clone(),
            tones: (1..=l.levels.len()).map(|r| l.tone(r)).collect(),
        })
        .collect();
    let index = json!({
        "version": 1,
        "batch": batch,
        "owners": owners,
        "lifecycles": LIFECYCLES.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "tags": tags,
        "scorecards": scorecards,
        "services": services,
    });
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(json.len() + 64);
    out.push_str("// The catalog's service list, generated by catalogc; see site/search.rs.\n");
    out.push_str("window.CATALOG_INDEX = ");
    out.push_str(&script_safe(&json));
    out.push_str(";\n");
    out.into_bytes()
}

/// Escapes what could end a script or confuse a JavaScript parser. Only valid for JSON
/// text, where these characters can only be inside strings.
pub(super) fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The first `limit` characters of `text` with runs of whitespace collapsed, and `…` when
/// something was cut.
pub(super) fn excerpt(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        let needed = word.chars().count() + usize::from(count > 0);
        if count + needed > limit {
            if count == 0 {
                out.extend(word.chars().take(limit));
            }
            out.push('…');
            return out;
        }
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
        count += needed;
    }
    out
}
