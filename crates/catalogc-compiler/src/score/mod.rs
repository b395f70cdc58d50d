//! Scorecards (SPEC 1.3): criteria evaluated for every service a scorecard applies to.
//!
//! A criterion is a CEL `check` expression (compiled once per run by the [`engine`]) or a
//! built-in template (`uses` + `with`, see [`templates`]). Each gives an [`Outcome`] per
//! service; levels and scores follow SPEC 1.3.

pub mod builtin;
pub mod cel;
pub mod engine;
pub mod run;
pub mod templates;

use std::fmt;

use catalogc_model::{Service, Team};
use serde::Serialize;

use crate::Entity;
use crate::mapping::MappedResource;
use crate::references::ServiceFiles;

/// The outcome of one criterion for one service (pinned words, SPEC 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// The criterion could not be evaluated (a runtime error); counts as a failure.
    Error,
    /// The criterion does not apply to this service; counts neither way.
    Skipped,
    /// An exemption in force; counts as a pass for levels.
    Exempt,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
            Outcome::Exempt => "exempt",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A criterion's outcome and, for anything but a pass, what it found in plain words
/// ("1 documentation file, 2 needed", "`billing-svc` has no authentication plugin").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub detail: Option<String>,
}

impl Verdict {
    pub fn pass() -> Verdict {
        Verdict {
            outcome: Outcome::Pass,
            detail: None,
        }
    }

    pub fn fail(detail: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Fail,
            detail: Some(detail.into()),
        }
    }

    pub fn skipped(detail: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Skipped,
            detail: Some(detail.into()),
        }
    }

    pub fn error(detail: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Error,
            detail: Some(detail.into()),
        }
    }
}

/// Everything a built-in template may look at for one service.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub service: &'a Entity<Service>,
    /// The owning team, when it is in the catalog.
    pub team: Option<&'a Entity<Team>>,
    /// The resources it maps: inventory resources and its repository files (`repo:` keys).
    pub resources: Vec<&'a MappedResource>,
    /// Its docs, API specs and pipelines as read.
    pub files: &'a ServiceFiles,
    /// Direct upstream services.
    pub dependencies: Vec<&'a Entity<Service>>,
    /// Direct downstream services.
    pub dependents: Vec<&'a Entity<Service>>,
}

/// The date scorecards are evaluated on (SPEC 1.3): `explicit` (`--date`, or the date of
/// `SOURCE_DATE_EPOCH`), else the date of the commit at `HEAD` of the git repository holding
/// the catalog root, else today (UTC). Repeated builds of one commit are therefore identical.
pub fn evaluation_date(root: &std::path::Path, explicit: Option<&str>) -> String {
    if let Some(date) = explicit {
        return date.to_owned();
    }
    let head = git2::Repository::discover(root)
        .ok()
        .and_then(|repository| {
            let commit = repository.head().ok()?.peel_to_commit().ok()?;
            Some(commit.time().seconds())
        });
    let seconds = head.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    });
    date_of_epoch(seconds)
}

/// The UTC calendar date of a Unix time, `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub fn date_of_epoch(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_of_epochs() {
        assert_eq!(date_of_epoch(0), "1970-01-01");
        assert_eq!(date_of_epoch(1_709_251_199), "2024-02-29");
        assert_eq!(date_of_epoch(1_798_675_200), "2026-12-31");
        assert_eq!(date_of_epoch(-1), "1969-12-31");
    }
}
