//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str =
    "Catalog-as-code compiler: validates a service catalog before merge and publishes it.";

const LONG_ABOUT: &str = "\
catalogc reads every service.yaml of a catalog, the teams and scorecards beside them, and
proves the whole catalog is right before merge: schemas, names, owners and references, with
file:line:column on every finding.

The catalog root is --root, else the nearest directory above the working directory holding
catalog.yaml, else the working directory itself.";

const EXAMPLES: &str = "\
Examples:
  catalogc check                         check the catalog around the working directory
  catalogc check repos/billing/service.yaml
                                         findings in one file (plus errors elsewhere)
  catalogc build --root catalog --out dist
                                         compile the catalog into dist/catalog.json
                                         and its static site, dist/site/index.html
  catalogc explain unknown-team          what a diagnostic code means and how to fix it

Exit status: 0 no errors, 1 errors found, 2 catalogc itself failed.";

#[derive(Debug, Parser)]
#[command(name = "catalogc", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// When to colour human output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the catalog (or some of its files) and report findings.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Compile the catalog into a bundle directory (catalog.json, one file per service, the static site).
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Score services against the catalog's scorecards: a table, one service's card, JSON or Markdown.
    #[command(after_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
    /// Print the dependency graph, or one service's neighbourhood (DOT, Mermaid or JSON).
    #[command(after_help = GRAPH_EXAMPLES)]
    Graph(GraphArgs),
    /// Compare the catalog at two git revisions: services added, removed, renamed and
    /// changed, scorecard drops, blast radius (a Markdown PR comment, or JSON).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Explain a diagnostic code: what it means, why it matters, how to fix it.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Write the JSON Schemas of the descriptor kinds (for editors and other tools).
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  catalogc check
  catalogc check --root path/to/catalog --format json
  catalogc check repos/billing/service.yaml teams/payments.yaml
  catalogc check --format github        annotations for a GitHub Actions step
  catalogc check --format sarif > catalogc.sarif
  catalogc check --format github --sarif catalogc.sarif
  catalogc check --write-baseline .catalogc-baseline.json
                                        record today's findings once, then
  catalogc check --baseline .catalogc-baseline.json
                                        report only findings that are not in the baseline

With PATHS (as pre-commit passes them), every finding in those files is reported, plus every
error elsewhere in the catalog: a change in one file can break another.
When GITHUB_STEP_SUMMARY is set, a Markdown summary of the findings is appended to that file.

Per-repo mode, in a service repository without catalog.yaml:
  catalogc check --against catalog.json
checks the local service.yaml and resolves its owner, dependencies, APIs and resource keys
against the published bundle; the local descriptor replaces the bundle's entry of the same
name. Findings are reported about local files only.";

const BUILD_EXAMPLES: &str = "\
Examples:
  catalogc build --root catalog-example --out dist    then open dist/site/index.html
  catalogc build --out public --format json
  catalogc build --no-site                           only catalog.json and friends
  catalogc build --format github --sarif catalogc.sarif
  catalogc build --history 200                       with the last 200 commits' events

--history N compares each of the last N commits (first parent, from HEAD) with its parent;
files unchanged between commits are parsed once. A shallow clone with fewer commits gives
the history it has (actions/checkout: fetch-depth: 0 for all of it).

Nothing is written when the catalog has errors. The previous bundle in --out is replaced
atomically; a non-empty directory that is not a catalogc bundle is never overwritten.";

const SCORE_EXAMPLES: &str = "\
Examples:
  catalogc score                                every service × every scorecard, as tables
  catalogc score billing                        billing's card: levels, failures, what to fix next
  catalogc score --scorecard service-maturity --format markdown
  catalogc score --format json > scores.json
  catalogc score --templates                    the built-in criterion templates

Marks: ✓ pass, ✗ fail, ! error, – skipped (does not apply), ○ exempt.
Scorecards are evaluated on --date, else SOURCE_DATE_EPOCH, else the HEAD commit's date,
else today, so a commit always scores the same.";

const GRAPH_EXAMPLES: &str = "\
Examples:
  catalogc graph > graph.dot                      the whole organisation, Graphviz DOT
  catalogc graph billing --format mermaid         billing and two hops around it, Mermaid
  catalogc graph billing --downstream --depth 5   who is affected when billing fails
  catalogc graph checkout --upstream --format json

Edges point from a service to the upstream service it depends on; asynchronous
dependencies are dashed. Render DOT with `dot -Tsvg graph.dot > graph.svg`.";

const DIFF_EXAMPLES: &str = "\
Examples:
  catalogc diff --base main                      main → the working tree, as Markdown
  catalogc diff --base origin/main...            the merge base of origin/main and HEAD → the working tree
  catalogc diff --base v1.4 --head v1.5 --format json

On a pull request, compare with the merge base of the target branch, not its tip, so changes
merged there since the branch started do not show as reverted by the PR. Either write
`--base origin/main...` (A...B is the merge base of A and B; B defaults to HEAD), or
compute it:  catalogc diff --base \"$(git merge-base origin/main HEAD)\"
A shallow clone needs enough history for both commits (actions/checkout: fetch-depth: 0).

Both revisions are read from the repository's object database (no checkout); files unchanged
between them are parsed once. Scorecards of both sides are evaluated on the same date
(--date, else SOURCE_DATE_EPOCH, else the HEAD commit's date).

Exit status: 0 compared, 1 the head has errors (they are listed), 2 a revision cannot be
read (or another failure of catalogc itself).";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  catalogc explain                 list every code
  catalogc explain yaml-limits";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  catalogc schema --out schemas    write catalog, service, team and scorecard schemas
  catalogc schema --kind service   print the service schema

Point your editor at service.schema.json for completion and hover help, e.g. with the
yaml-language-server comment `# yaml-language-server: $schema=schemas/service.schema.json`.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with carets, for people.
    Human,
    /// One JSON object: diagnostics and a summary.
    Json,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

#[derive(Debug, Args)]
pub struct RootArgs {
    /// The catalog root (default: nearest directory above holding catalog.yaml).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report findings in these files (relative to the working directory) and errors elsewhere.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Per-repo mode: check this repository's service.yaml against a published bundle (the
    /// catalog.json written by `catalogc build`) instead of a whole catalog.
    #[arg(long, value_name = "BUNDLE")]
    pub against: Option<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also write the findings as SARIF 2.1.0 to FILE (for code scanning), whatever --format.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Report only findings not recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE as the baseline, and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "paths", "sarif"])]
    pub write_baseline: Option<PathBuf>,
    /// Evaluate scorecard exemptions on this date (YYYY-MM-DD; default: SOURCE_DATE_EPOCH,
    /// else the HEAD commit's date, else today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// The bundle directory to write.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
    /// Output format of the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the findings as SARIF 2.1.0 to FILE (for code scanning), whatever --format.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Evaluate scorecards on this date (YYYY-MM-DD; default: SOURCE_DATE_EPOCH, else the
    /// HEAD commit's date, else today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Do not write the static HTML site (DIR/site/).
    #[arg(long)]
    pub no_site: bool,
    /// Walk the last N commits of the catalog's git repository (first parent, from HEAD) and
    /// write what each changed, as `diff` reports it, into catalog.json (`events`) and the
    /// site's events page.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub history: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    /// Aligned tables with marks, for terminals.
    Table,
    /// One JSON object.
    Json,
    /// Markdown tables, for pull-request comments.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Show this service's card instead of every service.
    pub service: Option<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Only this scorecard.
    #[arg(long, value_name = "NAME")]
    pub scorecard: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Evaluate on this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// List the built-in criterion templates and exit.
    #[arg(long, conflicts_with_all = ["service", "scorecard"])]
    pub templates: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// `{"nodes": [...], "edges": [...]}`.
    Json,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Draw this service's neighbourhood instead of the whole graph.
    pub service: Option<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Only services SERVICE depends on (directly or not).
    #[arg(long, requires = "service", conflicts_with = "downstream")]
    pub upstream: bool,
    /// Only services depending on SERVICE (directly or not).
    #[arg(long, requires = "service")]
    pub downstream: bool,
    /// How many hops from SERVICE to include (default 2).
    #[arg(long, value_name = "N", requires = "service")]
    pub depth: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A pull-request comment: headline, tables, collapsible details.
    Markdown,
    /// One JSON object (schema: schemas/diff.schema.json).
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The revision to compare from: a branch, tag or commit; `A...B` for the merge base of
    /// A and B (B defaults to HEAD).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The revision to compare to (default: the working tree).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    pub format: DiffFormat,
    /// Evaluate both sides' scorecards on this date (YYYY-MM-DD; default: SOURCE_DATE_EPOCH,
    /// else the HEAD commit's date, else today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code such as `unknown-team`; without one, every code is listed.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Catalog,
    Service,
    Team,
    Scorecard,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write one `<kind>.schema.json` per kind into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "kind")]
    pub out: Option<PathBuf>,
    /// Print one kind's schema to standard output (default: service).
    #[arg(long, value_enum)]
    pub kind: Option<SchemaKind>,
}
