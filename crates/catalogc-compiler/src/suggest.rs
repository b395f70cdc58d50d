//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `input`, when it is close enough to be a likely typo: at most a
/// third of the input's length in edits (at least one), or a case-insensitive match.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(input) {
            0
        } else if input.len() >= 3 && candidate.starts_with(input) {
            // An abbreviation (`prod` for `production`).
            1
        } else {
            strsim::damerau_levenshtein(input, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let teams = ["payments", "platform", "identity"];
        assert_eq!(did_you_mean("paymnts", teams), Some("payments"));
        assert_eq!(did_you_mean("Payments", teams), Some("payments"));
        assert_eq!(did_you_mean("search", teams), None);
        assert_eq!(did_you_mean("ownr", ["owner", "tier"]), Some("owner"));
        assert_eq!(
            did_you_mean("prod", ["experimental", "production"]),
            Some("production")
        );
    }
}
