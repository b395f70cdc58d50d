//! The catalogc compiler: `discover → load → validate → resolve`, one [`compile`] entry.
//!
//! Each stage is a plain function that pushes diagnostics and returns typed data; nothing here
//! prints or exits. One run reports every problem it can find: a broken file does not stop the
//! others from being checked.

pub mod against;
pub mod artifacts;
pub mod cache;
mod discover;
pub mod events;
pub mod git_source;
pub mod history;
pub mod inventory;
mod limits;
mod load;
pub mod mapping;
mod names;
mod panic;
pub mod references;
mod repo;
pub mod resolve;
pub mod resources;
pub mod revision;
pub mod score;
pub mod source;
mod suggest;
pub mod validate;
pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use catalogc_diagnostics::{Diagnostic, Position, Severity, SourceText, sort_diagnostics};
use catalogc_model::{Catalog, RuleLevel, Scorecard, Service, Team};

pub use discover::find_root;
pub use limits::Limits;
pub use panic::{contain_panic, install_panic_hook};
pub use resolve::{Closures, Edge, EdgeOrigin, Graph};
pub use suggest::did_you_mean;
pub use yaml::SpanMap;

/// The name of the catalog configuration file (pinned).
pub const CATALOG_FILE: &str = "catalog.yaml";
/// The name of service descriptor files (pinned).
pub const SERVICE_FILE: &str = "service.yaml";

/// What to compile.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// The catalog root.
    pub root: PathBuf,
    /// The scorecards' evaluation date (`--date`, or `SOURCE_DATE_EPOCH`'s date); `None`:
    /// the `HEAD` commit's date, else today.
    pub date: Option<String>,
    /// Whether to score services (`build`, `score`); `check` only compiles scorecards, which
    /// is where every scorecard finding comes from.
    pub score: bool,
    /// Compile the catalog as committed at this revision instead of the working tree
    /// (`catalogc diff`): files come from the object database, never from a checkout.
    pub revision: Option<Arc<revision::Revision>>,
    /// Reuse (and fill) parsed files by blob id across compilations of one catalog.
    pub cache: Option<Arc<cache::ParseCache>>,
    /// Per-repo mode (`check --against catalog.json`): resolve the local descriptors against
    /// this published bundle, and report findings about local files only.
    pub against: Option<Arc<against::Against>>,
    /// Told the number of descriptor files as soon as discovery has found them, before any is
    /// read, so that the caller can fit process-wide settings to the catalog's size.
    pub on_scale: Option<ScaleHook>,
}

/// A caller's callback for [`CompileOptions::on_scale`].
#[derive(Clone)]
pub struct ScaleHook(pub Arc<dyn Fn(usize) + Send + Sync>);

impl std::fmt::Debug for ScaleHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScaleHook")
    }
}

impl CompileOptions {
    /// Checking `root`: no scoring, the default evaluation date.
    pub fn check(root: PathBuf) -> CompileOptions {
        CompileOptions {
            root,
            date: None,
            score: false,
            revision: None,
            cache: None,
            against: None,
            on_scale: None,
        }
    }
}

/// Where a descriptor was read from, which decides where its references are resolved.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file of the catalog's directory tree.
    Directory,
    /// A blob of a git repository read at a revision (`git:` sources).
    Git {
        repository: Arc<git_source::GitRepository>,
        /// The descriptor's directory inside the repository.
        base: Vec<String>,
    },
    /// A blob of the catalog's own repository at a revision (`catalogc diff`). Its references
    /// resolve inside the catalog root's tree at that revision.
    Revision {
        revision: Arc<revision::Revision>,
        /// The descriptor's catalog-relative directory.
        base: Vec<String>,
    },
    /// An entry of the published bundle per-repo mode checks against (`--against`).
    Bundle,
}

/// A validated descriptor and where it came from.
#[derive(Debug, Clone)]
pub struct Entity<T> {
    pub value: T,
    /// Catalog-relative, `/`-separated path of the file holding it.
    pub file: String,
    /// Where its document starts.
    pub start: Position,
    /// Source spans of its nodes, for later findings.
    pub spans: Arc<SpanMap>,
    /// Where it was read from.
    pub origin: Origin,
}

impl<T> Entity<T> {
    /// The span of the node at `pointer` (or its nearest written ancestor).
    pub fn span(&self, pointer: &str, prefer_key: bool) -> catalogc_diagnostics::Span {
        self.spans
            .span_for(pointer, prefer_key)
            .unwrap_or(catalogc_diagnostics::Span::point(self.start))
    }
}

/// The result of compiling a catalog.
#[derive(Debug)]
pub struct Compilation {
    /// The canonical catalog root.
    pub root: PathBuf,
    /// The catalog configuration (defaults when there is no `catalog.yaml`).
    pub catalog: Catalog,
    /// Whether the root has a `catalog.yaml`.
    pub has_catalog_file: bool,
    /// Valid services, sorted by name (duplicates keep every entry).
    pub services: Vec<Entity<Service>>,
    /// Valid teams, sorted by name.
    pub teams: Vec<Entity<Team>>,
    /// Valid scorecards, sorted by name.
    pub scorecards: Vec<Entity<Scorecard>>,
    /// The dependency graph of the valid services.
    pub graph: Graph,
    /// Per service (same order as `services`): its docs, API specs and pipelines.
    pub files: Vec<references::ServiceFiles>,
    /// Every resource with the services mapping it, and each service's resource keys.
    pub mapping: mapping::Mapping,
    /// The date scorecards were evaluated on (`YYYY-MM-DD`).
    pub evaluation_date: String,
    /// Scorecard results (empty unless the options asked for scoring).
    pub scores: score::run::Scores,
    /// Every finding, severity overrides applied, in report order.
    pub diagnostics: Vec<Diagnostic>,
    /// Texts of the files read, by catalog-relative path, for snippets: descriptors whole,
    /// third-party files (inventories, specs, workflows) as the lines findings point at.
    pub sources: BTreeMap<String, SourceText>,
    /// Number of files read.
    pub files_read: usize,
}

impl Compilation {
    /// The service named `name` (the first one, when a name is duplicated).
    pub fn service(&self, name: &str) -> Option<&Entity<Service>> {
        let at = self
            .services
            .partition_point(|s| s.value.name.as_str() < name);
        self.services
            .get(at)
            .filter(|s| s.value.name.as_str() == name)
    }

    /// The team named `name` (the first one, when a name is duplicated).
    pub fn team(&self, name: &str) -> Option<&Entity<Team>> {
        let at = self.teams.partition_point(|t| t.value.name.as_str() < name);
        self.teams.get(at).filter(|t| t.value.name.as_str() == name)
    }

    /// Number of services read from the catalog itself (per-repo mode leaves the bundle's
    /// entries out).
    pub fn service_count(&self) -> usize {
        self.services
            .iter()
            .filter(|s| !matches!(s.origin, Origin::Bundle))
            .count()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Failures of the tool itself (exit status 2), as opposed to findings about the catalog.
#[derive(Debug)]
pub enum CompileError {
    /// The root does not exist or cannot be read.
    Root {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A file could not be read for a reason other than its content.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The catalog uses something this version cannot do.
    Unsupported(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Root { path, error } => {
                write!(
                    f,
                    "cannot read the catalog root {}: {error}",
                    path.display()
                )
            }
            CompileError::Io { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            CompileError::Unsupported(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for CompileError {}

/// Compiles the catalog at `options.root`: every stage runs, every finding is collected.
pub fn compile(options: &CompileOptions) -> Result<Compilation, CompileError> {
    let root = canonical_root(&options.root)?;
    let revision = options.revision.as_ref();
    let cache = options.cache.as_deref();
    let mut diagnostics = Vec::new();

    // Compiling the schemas takes about as long as discovering a small catalog: do both
    // at once.
    let (schemas, discovered) = rayon::join(validate::Schemas::compile, || {
        let mut diagnostics = Vec::new();
        let configuration =
            discover::configuration(&root, revision.map(Arc::as_ref), &mut diagnostics)?;
        let limits = Limits::from_config(configuration.catalog.limits.as_ref());
        let descriptors = discover::descriptor_files(
            &root,
            revision.map(Arc::as_ref),
            &configuration,
            &limits,
            &mut diagnostics,
        )?;
        if let Some(ScaleHook(hook)) = &options.on_scale {
            hook(descriptors.files.len() + descriptors.git.len());
        }
        Ok::<_, CompileError>((configuration, limits, descriptors, diagnostics))
    });
    let (configuration, limits, descriptors, found) = discovered?;
    diagnostics.extend(found);
    let extension =
        load::extension_schema(&root, revision, &configuration, &limits, &mut diagnostics);
    // What cached results depend on besides their file: the limits and the extension schema
    // for descriptors; catalog.yaml itself for inventories (their findings point into it).
    let descriptor_salt = cache::salt_of(&(
        limits,
        extension
            .as_ref()
            .map(|extension| extension.schema.schema.to_string()),
    ));
    let inventory_salt = cache::salt_of(&(
        limits,
        configuration
            .sources
            .get(CATALOG_FILE)
            .and_then(SourceText::as_whole),
    ));

    // Files other than `service.yaml` (scorecards, teams) first, so that the scorecards'
    // expressions start parsing early; the order of the results does not matter (entities
    // and findings are sorted).
    let (service_files, other_files): (Vec<_>, Vec<_>) = descriptors
        .files
        .iter()
        .partition(|file| file.path.file_name() == Some(std::ffi::OsStr::new(SERVICE_FILE)));
    let inputs: Vec<load::Input<'_>> = other_files
        .into_iter()
        .chain(service_files)
        .map(load::Input::File)
        .chain(descriptors.git.iter().map(load::Input::Git))
        .collect();
    // Parsing CEL is a large part of a small catalog's check: it runs on the engine's own
    // thread while the descriptors load: the built-ins' expressions when scoring, and each
    // scorecard's as soon as its file is loaded.
    let engine = score::cel::CelEngine::default();
    let builtins = &configuration.catalog.builtin_scorecards;
    if options.score {
        score::run::prefetch_builtins(&engine, builtins);
    }
    let announce = |scorecard: &Scorecard| score::run::prefetch(&engine, scorecard);
    let reading = load::Reading {
        revision,
        cache: cache.map(|cache| (cache, descriptor_salt)),
        scorecards: &announce,
    };
    // Descriptors and inventory snapshots are independent: load them side by side. The files
    // services reference (docs, specs, pipelines) only depend on the descriptors, so they are
    // read while the large snapshots are still parsing. (In per-repo mode the bundle's
    // services are merged in first, which needs the inventories.)
    let (front, (inventories, inventory_findings)) = rayon::join(
        || -> Result<Front, CompileError> {
            let loaded =
                load::descriptors(&inputs, &limits, &schemas, extension.as_ref(), reading)?;
            let mut front = Front::default();
            for file in loaded {
                front.files_read += 1;
                front
                    .sources
                    .insert(file.path.clone(), SourceText::Whole(file.text));
                front.diagnostics.extend(file.diagnostics);
                front.services.extend(file.services);
                front.teams.extend(file.teams);
                front.scorecards.extend(file.scorecards);
            }
            if options.against.is_none() {
                sort_entities(&mut front.services, &mut front.teams, &mut front.scorecards);
                // While the referenced files are read: scorecards compile (parsing CEL), and
                // names, the dependency graph and the team tree are checked, so that only
                // the mapping waits for the inventories.
                let (references, (prepared, graph)) = rayon::join(
                    || {
                        let mut found = Vec::new();
                        references::resolve_cached(
                            &root,
                            &front.services,
                            &limits,
                            cache,
                            &mut found,
                        )
                        .map(|references| (references, found))
                    },
                    || {
                        rayon::join(
                            || {
                                prepare_scorecards(
                                    &engine,
                                    &root,
                                    options,
                                    builtins,
                                    &front.services,
                                    &front.scorecards,
                                )
                            },
                            || {
                                check_structure(
                                    &front.services,
                                    &front.teams,
                                    &front.scorecards,
                                    None,
                                )
                            },
                        )
                    },
                );
                front.references = Some(references?);
                front.scorecards_prepared = Some(prepared);
                front.graph = Some(graph);
            }
            Ok(front)
        },
        || {
            let mut found = Vec::new();
            let inventories = inventory::load_all_from(
                &root,
                revision.map(Arc::as_ref),
                cache.map(|cache| (cache, inventory_salt)),
                &configuration,
                &limits,
                &mut found,
            );
            (inventories, found)
        },
    );
    let Front {
        mut services,
        mut teams,
        mut scorecards,
        sources: loaded_sources,
        diagnostics: loaded_diagnostics,
        files_read: loaded_files,
        references: early_references,
        scorecards_prepared: early_scorecards,
        graph: early_graph,
    } = front?;
    diagnostics.extend(inventory_findings);
    let mut sources = configuration.sources;
    let mut files_read = configuration.files_read + inventories.files_read + loaded_files;
    sources.extend(
        inventories
            .sources
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    sources.extend(loaded_sources);
    diagnostics.extend(loaded_diagnostics);
    let mut inventories = inventories;
    // Per-repo mode reports findings about local files only (see below): the passes that
    // report per service look at the local services and at what they depend on.
    let mut local_services: Option<Vec<bool>> = None;
    let mut local_resources = false;
    if let Some(against) = &options.against {
        local_resources = !inventories.resources.is_empty();
        against.merge(&mut services, &mut teams, &mut inventories);
        sort_entities(&mut services, &mut teams, &mut scorecards);
        local_services = Some(
            services
                .iter()
                .map(|s| !matches!(s.origin, Origin::Bundle))
                .collect(),
        );
    }
    let focus = local_services.as_deref().map(|services| Focus {
        services,
        local_resources,
    });

    let (graph, structure_findings) =
        early_graph.unwrap_or_else(|| check_structure(&services, &teams, &scorecards, focus));
    diagnostics.extend(structure_findings);
    let references = match early_references {
        Some((references, found)) => {
            diagnostics.extend(found);
            references
        }
        None => references::resolve_cached(&root, &services, &limits, cache, &mut diagnostics)?,
    };
    files_read += references.files_read;
    sources.extend(
        references
            .sources
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    let mapping = mapping::map(&services, inventories, &references, focus, &mut diagnostics);

    let Prepared {
        evaluation_date,
        scorecards: compiled_scorecards,
        diagnostics: scorecard_findings,
    } = match early_scorecards {
        Some(prepared) => prepared,
        None => prepare_scorecards(&engine, &root, options, builtins, &services, &scorecards),
    };
    diagnostics.extend(scorecard_findings);
    let scores = if options.score {
        score::run::score(
            &engine,
            &compiled_scorecards,
            &score::run::Inputs {
                services: &services,
                teams: &teams,
                graph: &graph,
                files: &references.services,
                mapping: &mapping,
                catalog_name: configuration.catalog.name.as_str(),
                today: &evaluation_date,
            },
        )
    } else {
        score::run::Scores::default()
    };
    drop(compiled_scorecards);

    apply_rules(&configuration.catalog, &mut diagnostics);
    if options.against.is_some() {
        // The bundle was checked when it was built: report what concerns local files.
        let local = |file: &str| sources.contains_key(file);
        diagnostics.retain(|d| {
            d.file.as_deref().is_none_or(local) || d.related.iter().any(|r| local(&r.file))
        });
    }
    sort_diagnostics(&mut diagnostics);
    Ok(Compilation {
        root,
        catalog: configuration.catalog,
        has_catalog_file: configuration.has_catalog_file,
        services,
        teams,
        scorecards,
        graph,
        files: references.services,
        mapping,
        evaluation_date,
        scores,
        diagnostics,
        sources,
        files_read,
    })
}

/// What the descriptor side of loading produces (see [`compile`]).
#[derive(Default)]
struct Front {
    services: Vec<Entity<Service>>,
    teams: Vec<Entity<Team>>,
    scorecards: Vec<Entity<Scorecard>>,
    sources: BTreeMap<String, SourceText>,
    diagnostics: Vec<Diagnostic>,
    files_read: usize,
    /// The referenced files and their findings, when they could be read early.
    references: Option<(references::References, Vec<Diagnostic>)>,
    /// The compiled scorecards, when they could be compiled early.
    scorecards_prepared: Option<Prepared>,
    /// The dependency graph and the findings of [`check_structure`], when checked early.
    graph: Option<(resolve::Graph, Vec<Diagnostic>)>,
}

/// Names, the dependency graph and the team tree: the checks that need only the
/// descriptors, with their findings (in that order).
fn check_structure(
    services: &[Entity<Service>],
    teams: &[Entity<Team>],
    scorecards: &[Entity<Scorecard>],
    focus: Option<Focus<'_>>,
) -> (resolve::Graph, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let focus = focus.map(|focus| focus.services);
    names::check(services, teams, scorecards, focus, &mut diagnostics);
    let graph = resolve::Graph::resolve_focused(services, focus, &mut diagnostics);
    resolve::check_team_tree(teams, &mut diagnostics);
    (graph, diagnostics)
}

/// The part of a compilation whose findings can be reported, when that is not all of it:
/// per-repo mode reports findings about local files only (the bundle was checked when it
/// was built), so the passes that report per service skip the bundle's services where no
/// finding about a local file can come of them. What those passes return (the graph, the
/// mapping) then covers the local services and what they reach, not the whole bundle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Focus<'a> {
    /// Per service, in compilation order: whether it was read locally.
    pub services: &'a [bool],
    /// Whether some inventory resources come from local snapshots (whose `unmapped-resource`
    /// findings are reported, and which any service may map).
    pub local_resources: bool,
}

/// Scorecards compiled for a run, with the evaluation date and their findings.
struct Prepared {
    evaluation_date: String,
    scorecards: Vec<score::run::CompiledScorecard<score::cel::CelRule>>,
    diagnostics: Vec<Diagnostic>,
}

fn prepare_scorecards(
    engine: &score::cel::CelEngine,
    root: &Path,
    options: &CompileOptions,
    builtins: &[catalogc_model::BuiltinScorecard],
    services: &[Entity<Service>],
    scorecards: &[Entity<Scorecard>],
) -> Prepared {
    let evaluation_date = score::evaluation_date(root, options.date.as_deref());
    let service_names: std::collections::BTreeSet<&str> =
        services.iter().map(|s| s.value.name.as_str()).collect();
    let mut diagnostics = Vec::new();
    let scorecards = score::run::compile_scorecards(
        engine,
        scorecards,
        builtins,
        options.score,
        &service_names,
        &evaluation_date,
        &mut diagnostics,
    );
    Prepared {
        evaluation_date,
        scorecards,
        diagnostics,
    }
}

/// Sorts entities by name, then file (duplicates stay in a stable order).
fn sort_entities(
    services: &mut [Entity<Service>],
    teams: &mut [Entity<Team>],
    scorecards: &mut [Entity<Scorecard>],
) {
    services.sort_by(|a, b| (&a.value.name, &a.file).cmp(&(&b.value.name, &b.file)));
    teams.sort_by(|a, b| (&a.value.name, &a.file).cmp(&(&b.value.name, &b.file)));
    scorecards.sort_by(|a, b| (&a.value.name, &a.file).cmp(&(&b.value.name, &b.file)));
}

fn canonical_root(root: &Path) -> Result<PathBuf, CompileError> {
    let canonical = std::fs::canonicalize(root).map_err(|error| CompileError::Root {
        path: root.to_path_buf(),
        error,
    })?;
    if !canonical.is_dir() {
        return Err(CompileError::Root {
            path: root.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    Ok(canonical)
}

/// Applies `rules:` severity overrides: `off` drops a code's findings.
fn apply_rules(catalog: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    if catalog.rules.is_empty() {
        return;
    }
    diagnostics.retain_mut(|d| match catalog.rules.get(d.code.as_str()) {
        Some(RuleLevel::Off) => false,
        Some(RuleLevel::Error) => {
            d.severity = Severity::Error;
            true
        }
        Some(RuleLevel::Warning) => {
            d.severity = Severity::Warning;
            true
        }
        None => true,
    });
}

/// Converts a path under `root` to the catalog-relative, `/`-separated form used in findings.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&component.as_os_str().to_string_lossy());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_scale_hook_hears_the_descriptor_count_once_per_compilation() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/minimal");
        let heard = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&heard);
        let compilation = compile(&CompileOptions {
            on_scale: Some(ScaleHook(Arc::new(move |files| {
                record.lock().expect("not poisoned").push(files);
            }))),
            ..CompileOptions::check(root)
        })
        .expect("the example compiles");
        // One service (repos/hello/service.yaml) and one team (teams/web.yaml).
        assert_eq!(compilation.services.len() + compilation.teams.len(), 2);
        assert_eq!(*heard.lock().expect("not poisoned"), vec![2]);
    }
}
