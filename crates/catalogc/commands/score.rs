//! `catalogc score [SERVICE]`: scorecard results as tables, one service's card, JSON or
//! Markdown.

use std::fmt::Write as _;

use catalogc_compiler::score::Outcome;
use catalogc_compiler::score::run::{ScorecardSummary, ServiceScore};
use catalogc_compiler::score::templates;
use catalogc_compiler::{Compilation, CompileOptions, compile, did_you_mean};
use catalogc_diagnostics::{Severity, sanitize};
use serde_json::{Value, json};

use crate::ExitStatus;
use crate::args::{ScoreArgs, ScoreFormat};
use crate::output;

pub fn run(args: &ScoreArgs) -> ExitStatus {
    if args.templates {
        return match output::write_stdout(&template_list()) {
            Ok(()) => ExitStatus::Success,
            Err(message) => ExitStatus::Error(message),
        };
    }
    let root = match output::root(&args.root) {
        Ok(root) => root,
        Err(message) => return ExitStatus::Error(message),
    };
    let date = match output::evaluation_date(args.date.as_deref()) {
        Ok(date) => date,
        Err(message) => return ExitStatus::Error(message),
    };
    let compilation = match compile(&CompileOptions {
        date,
        score: true,
        on_scale: crate::memory::scale_hook(),
        ..CompileOptions::check(root)
    }) {
        Ok(compilation) => output::until_exit(compilation),
        Err(error) => return ExitStatus::Error(error.to_string()),
    };
    let summaries: Vec<&ScorecardSummary> = compilation
        .scores
        .scorecards
        .iter()
        .filter(|s| {
            args.scorecard
                .as_deref()
                .is_none_or(|name| s.definition.name.as_str() == name)
        })
        .collect();
    if let Some(name) = &args.scorecard
        && summaries.is_empty()
    {
        let names = compilation
            .scores
            .scorecards
            .iter()
            .map(|s| s.definition.name.as_str());
        let hint = did_you_mean(name, names)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; run `catalogc score` to list them".to_owned());
        return ExitStatus::Error(format!("no scorecard named `{}`{hint}", sanitize(name)));
    }
    let text = match &args.service {
        Some(service) => {
            let Some(index) = compilation
                .services
                .iter()
                .position(|s| s.value.name.as_str() == service.as_str())
            else {
                let names = compilation.graph.names().iter().map(String::as_str);
                let hint = did_you_mean(service, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return ExitStatus::Error(format!(
                    "no service named `{}` in the catalog{hint}",
                    sanitize(service)
                ));
            };
            let scores: Vec<&ServiceScore> = compilation.scores.services[index]
                .iter()
                .filter(|s| {
                    summaries
                        .iter()
                        .any(|m| m.definition.name.as_str() == s.scorecard)
                })
                .collect();
            match args.format {
                ScoreFormat::Table => card(&compilation, service, &scores, &summaries),
                ScoreFormat::Markdown => card_markdown(service, &scores, &summaries),
                ScoreFormat::Json => pretty(&json!({
                    "evaluationDate": compilation.evaluation_date,
                    "service": service,
                    "scores": scores.iter().map(|s| score_json(s)).collect::<Vec<_>>(),
                })),
            }
        }
        None => match args.format {
            ScoreFormat::Table => tables(&compilation, &summaries),
            ScoreFormat::Markdown => markdown(&compilation, &summaries),
            ScoreFormat::Json => pretty(&all_json(&compilation, &summaries)),
        },
    };
    if let Err(message) = output::write_stdout(&text) {
        return ExitStatus::Error(message);
    }
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "catalogc: the catalog has {errors} error{}; scores leave out what could not be read. Run `catalogc check` for details.",
            if errors == 1 { "" } else { "s" }
        );
        return ExitStatus::Failure;
    }
    ExitStatus::Success
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✓",
        Outcome::Fail => "✗",
        Outcome::Error => "!",
        Outcome::Skipped => "–",
        Outcome::Exempt => "○",
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn title(summary: &ScorecardSummary) -> String {
    let definition = &summary.definition;
    let mut title = format!(
        "{} — {}",
        definition.name,
        definition
            .title
            .as_deref()
            .unwrap_or(definition.name.as_str())
    );
    if !definition.levels.is_empty() {
        let ladder: Vec<&str> = definition.levels.iter().map(|l| l.as_str()).collect();
        let _ = write!(title, " ({})", ladder.join(" → "));
    }
    sanitize(&title)
}

/// Scores of every service for one scorecard, in service order.
fn rows<'c>(compilation: &'c Compilation, scorecard: &str) -> Vec<(&'c str, &'c ServiceScore)> {
    compilation
        .services
        .iter()
        .zip(&compilation.scores.services)
        .filter_map(|(service, scores)| {
            scores
                .iter()
                .find(|s| s.scorecard == scorecard)
                .map(|score| (service.value.name.as_str(), score))
        })
        .collect()
}

pub(crate) fn level_counts(summary: &ScorecardSummary) -> String {
    let mut parts = Vec::new();
    for level in summary.definition.levels.iter().rev() {
        let count = summary.levels.get(level.as_str()).copied().unwrap_or(0);
        parts.push(format!("{level} {count}"));
    }
    if !summary.definition.levels.is_empty() {
        parts.push(format!(
            "none {}",
            summary.levels.get("none").copied().unwrap_or(0)
        ));
    }
    parts.join(", ")
}

fn tables(compilation: &Compilation, summaries: &[&ScorecardSummary]) -> String {
    let mut out = String::new();
    if summaries.is_empty() {
        out.push_str("no scorecards: add Scorecard descriptors, or enable built-ins with `builtinScorecards` in catalog.yaml\n");
        return out;
    }
    let _ = writeln!(out, "evaluated on {}\n", compilation.evaluation_date);
    for summary in summaries {
        let name = summary.definition.name.as_str();
        let rows = rows(compilation, name);
        let _ = writeln!(out, "{}", title(summary));
        let criteria = &summary.definition.criteria;
        let width = rows
            .iter()
            .map(|(s, _)| s.chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        let level_width = summary
            .definition
            .levels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let mut header = format!(
            "{:width$}  {:level_width$}  {:>5}",
            "service", "level", "score"
        );
        for i in 1..=criteria.len() {
            let _ = write!(header, " {i:>2}");
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (service, score) in &rows {
            let mut line = format!(
                "{:width$}  {:level_width$}  {:>5.1}",
                service,
                score.level.as_deref().unwrap_or("–"),
                score.score
            );
            for result in &score.criteria {
                let _ = write!(line, "  {}", mark(result.outcome));
            }
            let _ = writeln!(out, "{line}");
        }
        if rows.is_empty() {
            let _ = writeln!(out, "(it applies to no service)");
        }
        let _ = writeln!(out);
        for (i, criterion) in criteria.iter().enumerate() {
            let level = criterion
                .level
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {:>2} {}{level}", i + 1, criterion.name);
        }
        if !summary.definition.levels.is_empty() {
            let _ = writeln!(out, "  levels: {}", level_counts(summary));
        }
        out.push('\n');
    }
    out.push_str("✓ pass  ✗ fail  ! error  – skipped  ○ exempt\n");
    out
}

/// The criteria to fix next: failing (or erroring) criteria at the first level not reached.
fn next_steps<'s>(
    summary: &ScorecardSummary,
    score: &'s ServiceScore,
) -> Option<(
    String,
    Vec<&'s catalogc_compiler::score::run::CriterionResult>,
)> {
    let levels = &summary.definition.levels;
    let next = match &score.level {
        None => levels.first()?,
        Some(level) => {
            let index = levels.iter().position(|l| l.as_str() == level)?;
            levels.get(index + 1)?
        }
    };
    let failing = summary
        .definition
        .criteria
        .iter()
        .zip(&score.criteria)
        .filter(|(criterion, result)| {
            criterion.level.as_ref() == Some(next)
                && matches!(result.outcome, Outcome::Fail | Outcome::Error)
        })
        .map(|(_, result)| result)
        .collect();
    Some((next.to_string(), failing))
}

fn card(
    compilation: &Compilation,
    service: &str,
    scores: &[&ServiceScore],
    summaries: &[&ScorecardSummary],
) -> String {
    let mut out = format!("{service} — evaluated on {}\n", compilation.evaluation_date);
    if scores.is_empty() {
        out.push_str("\nno scorecard applies to this service\n");
        return out;
    }
    for score in scores {
        let Some(summary) = summaries
            .iter()
            .find(|s| s.definition.name.as_str() == score.scorecard)
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{}\n  level {}, score {:.1}",
            title(summary),
            score.level.as_deref().unwrap_or("none"),
            score.score
        );
        for (criterion, result) in summary.definition.criteria.iter().zip(&score.criteria) {
            let level = criterion
                .level
                .as_ref()
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} {}{level}", mark(result.outcome), criterion.name);
            if let Some(found) = &result.found {
                let _ = writeln!(out, "      found: {}", sanitize(found));
            }
            if let Some(message) = &result.message {
                let _ = writeln!(out, "      {}", sanitize(message.trim()));
            }
        }
        if let Some((next, failing)) = next_steps(summary, score) {
            if failing.is_empty() {
                let _ = writeln!(out, "  to reach {next}: fix the lower levels first");
            } else {
                let names: Vec<&str> = failing.iter().map(|r| r.name.as_str()).collect();
                let _ = writeln!(out, "  to reach {next}: fix {}", names.join(", "));
            }
        }
    }
    out
}

fn md(text: &str) -> String {
    sanitize(text).replace('|', "\\|")
}

fn markdown(compilation: &Compilation, summaries: &[&ScorecardSummary]) -> String {
    let mut out = format!(
        "### Scorecards\n\nEvaluated on {}.\n",
        compilation.evaluation_date
    );
    for summary in summaries {
        let name = summary.definition.name.as_str();
        let _ = writeln!(out, "\n#### {}\n", md(&title(summary)));
        let criteria = &summary.definition.criteria;
        let mut header = String::from("| service | level | score |");
        let mut rule = String::from("|---|---|---:|");
        for criterion in criteria {
            let _ = write!(header, " {} |", md(&criterion.name));
            rule.push_str(":-:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        for (service, score) in rows(compilation, name) {
            let mut line = format!(
                "| {} | {} | {:.1} |",
                md(service),
                score.level.as_deref().unwrap_or("–"),
                score.score
            );
            for result in &score.criteria {
                let _ = write!(line, " {} |", mark(result.outcome));
            }
            let _ = writeln!(out, "{line}");
        }
        if !summary.definition.levels.is_empty() {
            let _ = writeln!(out, "\nLevels: {}.", level_counts(summary));
        }
    }
    out
}

fn card_markdown(
    service: &str,
    scores: &[&ServiceScore],
    summaries: &[&ScorecardSummary],
) -> String {
    let mut out = format!("### Scorecards of `{}`\n", md(service));
    for score in scores {
        let Some(summary) = summaries
            .iter()
            .find(|s| s.definition.name.as_str() == score.scorecard)
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n#### {} — level **{}**, score {:.1}\n\n| | criterion | level | found | how to fix |\n|:-:|---|---|---|---|",
            md(&title(summary)),
            score.level.as_deref().unwrap_or("none"),
            score.score
        );
        for (criterion, result) in summary.definition.criteria.iter().zip(&score.criteria) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                mark(result.outcome),
                md(&criterion.name),
                criterion.level.as_deref().unwrap_or(""),
                md(result.found.as_deref().unwrap_or("")),
                md(result.message.as_deref().unwrap_or("").trim()).replace('\n', " ")
            );
        }
    }
    out
}

fn score_json(score: &ServiceScore) -> Value {
    json!({
        "scorecard": score.scorecard,
        "level": score.level,
        "score": score.score,
        "criteria": score.criteria.iter().map(|c| json!({
            "name": c.name,
            "outcome": c.outcome,
            "message": c.message,
            "found": c.found,
        })).collect::<Vec<_>>(),
    })
}

fn all_json(compilation: &Compilation, summaries: &[&ScorecardSummary]) -> Value {
    let scorecards: Vec<Value> = summaries
        .iter()
        .map(|summary| {
            let name = summary.definition.name.as_str();
            json!({
                "name": name,
                "title": summary.definition.title,
                "builtin": summary.builtin,
                "levels": summary.definition.levels,
                "levelCounts": summary.levels,
                "services": rows(compilation, name)
                    .into_iter()
                    .map(|(service, score)| {
                        let mut value = score_json(score);
                        value["service"] = json!(service);
                        value
                    })
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"evaluationDate": compilation.evaluation_date, "scorecards": scorecards})
}

fn template_list() -> String {
    let mut out = String::from(
        "Built-in criterion templates (use them with `uses:` and `with:` in a scorecard):\n",
    );
    for template in templates::all() {
        let _ = writeln!(out, "\n  {}: {}", template.name, template.summary);
        for param in template.params {
            let _ = writeln!(
                out,
                "      with.{}{}: {}",
                param.name,
                if param.required { "" } else { " (optional)" },
                param.description
            );
        }
    }
    out.push_str(
        "\nSee docs/scorecards.md for what each checks, why it matters and how to fix a failure.\n",
    );
    out
}
