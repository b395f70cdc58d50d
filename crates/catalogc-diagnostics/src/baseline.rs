//! Baselines: the findings a catalog already had when a team adopted catalogc, so that
//! `check --baseline FILE` reports only new ones.
//!
//! # Fingerprints
//!
//! A finding's [`fingerprint`] is FNV-1a (64 bits, 16 lowercase hex digits) over its code, its
//! catalog-relative file, the JSON pointer of its node and its message, each followed by a NUL
//! byte. Line and column numbers are left out on purpose: adding a line above a known finding
//! does not make it new. Severity is left out too, so promoting a code in `rules:` keeps its
//! baselined findings known.
//!
//! # Format
//!
//! A baseline file is one JSON object, written sorted so that it diffs well in review:
//!
//! ```json
//! {
//!   "catalogcBaseline": 1,
//!   "findings": [
//!     {"fingerprint": "5f0c1d7e9a2b4c68", "code": "unknown-team",
//!      "file": "repos/billing/service.yaml", "pointer": "/owner",
//!      "message": "`owner` names the team `paymnts`, which is not in the catalog"}
//!   ]
//! }
//! ```
//!
//! Only `fingerprint` is matched; the other fields say what the finding was. The same
//! fingerprint may appear several times (one entry per finding): each entry excuses one
//! finding. Entries that excuse nothing any more are *stale*: the finding was fixed, and
//! re-writing the file shrinks it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Diagnostic;

/// The `catalogcBaseline` format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The stable fingerprint of a finding (see the module documentation).
pub fn fingerprint(d: &Diagnostic) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in [
        d.code.as_str(),
        d.file.as_deref().unwrap_or(""),
        d.pointer.as_deref().unwrap_or(""),
        d.message.as_str(),
    ] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:016x}")
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub pointer: String,
    #[serde(default)]
    pub message: String,
}

/// A baseline file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    #[serde(rename = "catalogcBaseline")]
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// What applying a baseline left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Findings the baseline does not excuse, in their original order.
    pub new: Vec<Diagnostic>,
    /// Findings the baseline excused.
    pub known: usize,
    /// Baseline entries that excused no finding (fixed since the baseline was written).
    pub stale: usize,
}

impl Baseline {
    /// Records `diagnostics`, sorted by file, code, pointer and message.
    pub fn record(diagnostics: &[Diagnostic]) -> Baseline {
        let mut findings: Vec<Entry> = diagnostics
            .iter()
            .map(|d| Entry {
                fingerprint: fingerprint(d),
                code: d.code.as_str().to_owned(),
                file: d.file.clone().unwrap_or_default(),
                pointer: d.pointer.clone().unwrap_or_default(),
                message: d.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.code, &a.pointer, &a.message, &a.fingerprint).cmp(&(
                &b.file,
                &b.code,
                &b.pointer,
                &b.message,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: FORMAT_VERSION,
            findings,
        }
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| {
            format!("not a catalogc baseline ({e}); write one with `catalogc check --write-baseline FILE`")
        })?;
        if baseline.version != FORMAT_VERSION {
            return Err(format!(
                "baseline format {} is not supported (this catalogc reads format {FORMAT_VERSION}); re-write it with `catalogc check --write-baseline FILE`",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// The file's text: pretty-printed JSON and a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Splits `diagnostics` into new findings and findings the baseline excuses, and counts
    /// the entries that excused nothing.
    pub fn apply(&self, diagnostics: &[Diagnostic]) -> Applied {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let mut new = Vec::new();
        let mut known = 0;
        for d in diagnostics {
            match remaining.get_mut(fingerprint(d).as_str()) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    known += 1;
                }
                _ => new.push(d.clone()),
            }
        }
        Applied {
            new,
            known,
            stale: remaining.values().sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Position, Span};

    fn at(line: u32) -> Span {
        Span::point(Position {
            line,
            column: 1,
            offset: 0,
        })
    }

    fn owner(file: &str, line: u32) -> Diagnostic {
        Diagnostic::new(Code::UnknownTeam, "`owner` names no team")
            .at(file, at(line))
            .with_pointer("/owner")
    }

    #[test]
    fn fingerprints_ignore_lines_and_severity_but_not_the_node() {
        let a = owner("a.yaml", 3);
        let mut moved = owner("a.yaml", 9);
        moved.severity = crate::Severity::Warning;
        assert_eq!(fingerprint(&a), fingerprint(&moved));
        assert_ne!(fingerprint(&a), fingerprint(&owner("b.yaml", 3)));
        assert_ne!(
            fingerprint(&a),
            fingerprint(&owner("a.yaml", 3).with_pointer("/parent"))
        );
        // Pinned: baselines written by earlier builds must keep matching.
        assert_eq!(fingerprint(&a), "5a6e7c1beb78b910");
    }

    #[test]
    fn known_findings_are_excused_once_each_and_stale_entries_counted() {
        let baseline =
            Baseline::record(&[owner("a.yaml", 1), owner("a.yaml", 1), owner("c.yaml", 1)]);
        let now = [
            owner("a.yaml", 5),
            owner("a.yaml", 6),
            owner("a.yaml", 7),
            owner("b.yaml", 1),
        ];
        let applied = baseline.apply(&now);
        assert_eq!(applied.known, 2);
        assert_eq!(applied.new, vec![owner("a.yaml", 7), owner("b.yaml", 1)]);
        assert_eq!(applied.stale, 1, "c.yaml's finding was fixed");
    }

    #[test]
    fn files_round_trip_and_other_versions_are_refused() {
        let baseline = Baseline::record(&[owner("b.yaml", 1), owner("a.yaml", 1)]);
        let text = baseline.to_json();
        assert!(text.starts_with("{\n  \"catalogcBaseline\": 1,\n  \"findings\": ["));
        let read = Baseline::parse(&text).expect("parses");
        assert_eq!(read, baseline);
        assert_eq!(read.findings[0].file, "a.yaml", "sorted by file");
        let err = Baseline::parse("{\"catalogcBaseline\": 7, \"findings\": []}")
            .expect_err("format 7 is refused");
        assert!(err.contains("format 7 is not supported"), "{err}");
        assert!(Baseline::parse("[]").is_err());
    }
}
