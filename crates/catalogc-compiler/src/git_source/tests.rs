//! Tests of `git:` sources on real repositories built with git2 in temporary directories.

use std::collections::BTreeMap;
use std::path::PathBuf;

use catalogc_diagnostics::{Code, Diagnostic};
use git2::{Oid, Repository, Signature, Time};

use super::*;
use crate::discover::{Configuration, configuration};
use crate::limits::Limits;
use crate::repo::FileProblem;

/// What a test tree holds at a path.
#[derive(Clone, Copy)]
enum Item<'a> {
    File(&'a [u8]),
    Link(&'a str),
    Submodule,
}

/// Writes a tree holding `items` (paths with `/`) into `repository`'s object database.
fn tree(repository: &Repository, items: &[(&str, Item<'_>)]) -> Oid {
    let mut builder = repository.treebuilder(None).expect("treebuilder");
    let mut subdirectories: BTreeMap<&str, Vec<(&str, Item<'_>)>> = BTreeMap::new();
    for (path, item) in items {
        if let Some((dir, rest)) = path.split_once('/') {
            subdirectories.entry(dir).or_default().push((rest, *item));
            continue;
        }
        let (id, mode) = match item {
            Item::File(bytes) => (repository.blob(bytes).expect("blob"), 0o100_644),
            Item::Link(target) => (repository.blob(target.as_bytes()).expect("blob"), 0o120_000),
            Item::Submodule => (
                Oid::from_str("0123456789abcdef0123456789abcdef01234567").expect("oid"),
                0o160_000,
            ),
        };
        builder.insert(path, id, mode).expect("insert");
    }
    for (dir, items) in subdirectories {
        let id = tree(repository, &items);
        builder.insert(dir, id, 0o040_000).expect("insert tree");
    }
    builder.write().expect("write tree")
}

/// Commits `items` as the whole tree on `reference` (`HEAD` or `refs/heads/…`).
fn commit(repository: &Repository, reference: &str, items: &[(&str, Item<'_>)]) -> Oid {
    let tree = repository.find_tree(tree(repository, items)).expect("tree");
    let signature = Signature::new("Test", "test@example.com", &Time::new(0, 0)).expect("sig");
    let parent = repository
        .refname_to_id(reference)
        .ok()
        .and_then(|id| repository.find_commit(id).ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repository
        .commit(
            Some(reference),
            &signature,
            &signature,
            "test",
            &tree,
            &parents,
        )
        .expect("commit")
}

fn service(name: &str) -> String {
    format!(
        "apiVersion: catalogc/v1\nkind: Service\nname: {name}\nowner: team\nlifecycle: production\n"
    )
}

/// A catalog root with a catalog.yaml listing `sources` under `services:`.
struct Catalog {
    _dir: tempfile::TempDir,
    root: PathBuf,
    configuration: Configuration,
}

impl Catalog {
    fn new(sources: &[(&str, &str)]) -> Catalog {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        let mut yaml = "apiVersion: catalogc/v1\nkind: Catalog\nname: test\nservices:\n".to_owned();
        for (glob, reference) in sources {
            yaml.push_str(&format!("  - git: \"{glob}\"\n    ref: {reference}\n"));
        }
        std::fs::write(root.join("catalog.yaml"), yaml).expect("write catalog");
        let mut diagnostics = Vec::new();
        let configuration = configuration(&root, None, &mut diagnostics).expect("configuration");
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        Catalog {
            _dir: dir,
            root,
            configuration,
        }
    }

    fn read(&self, index: usize) -> (Vec<GitDescriptor>, Vec<Diagnostic>) {
        self.read_with(index, &Limits::default())
    }

    fn read_with(&self, index: usize, limits: &Limits) -> (Vec<GitDescriptor>, Vec<Diagnostic>) {
        let source = match &self.configuration.catalog.services[index] {
            catalogc_model::ServiceSource::Git(source) => source.clone(),
            other => panic!("not a git source: {other:?}"),
        };
        let mut diagnostics = Vec::new();
        let descriptors = read_source(
            &self.root,
            &source,
            &format!("/services/{index}/git"),
            &self.configuration,
            limits,
            &mut diagnostics,
        );
        (descriptors, diagnostics)
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

fn displays(descriptors: &[GitDescriptor]) -> Vec<&str> {
    descriptors.iter().map(|d| d.display.as_str()).collect()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(Code, Option<&str>)> {
    diagnostics
        .iter()
        .map(|d| (d.code, d.file.as_deref()))
        .collect()
}

fn parts(path: &str) -> Vec<String> {
    path.split('/').map(str::to_owned).collect()
}

/// A bare monorepo mirror and a non-bare repository with uncommitted changes.
fn mirrors(catalog: &Catalog) {
    let billing = Repository::init_bare(catalog.path("mirrors/billing.git")).expect("bare");
    let root_service = service("billing");
    let payments = service("payments");
    let hidden = service("hidden");
    commit(
        &billing,
        "HEAD",
        &[
            ("service.yaml", Item::File(root_service.as_bytes())),
            (
                "services/payments/service.yaml",
                Item::File(payments.as_bytes()),
            ),
            (
                "services/payments/docs/README.md",
                Item::File(b"# Payments\n"),
            ),
            (
                "node_modules/dep/service.yaml",
                Item::File(hidden.as_bytes()),
            ),
            ("vendor/lib", Item::Submodule),
        ],
    );

    let ledger_dir = catalog.path("mirrors/ledger");
    let ledger = Repository::init(&ledger_dir).expect("non-bare");
    let ledger_service = service("ledger");
    commit(
        &ledger,
        "HEAD",
        &[("service.yaml", Item::File(ledger_service.as_bytes()))],
    );
    // Working-tree changes are never read: a modified descriptor and an untracked one.
    std::fs::write(ledger_dir.join("service.yaml"), service("edited")).expect("write");
    std::fs::create_dir_all(ledger_dir.join("extra")).expect("mkdir");
    std::fs::write(ledger_dir.join("extra/service.yaml"), service("untracked")).expect("write");

    // A directory the glob matches that is not a repository.
    std::fs::create_dir_all(catalog.path("mirrors/notes")).expect("mkdir");
}

#[test]
fn reads_bare_and_non_bare_repositories_at_head() {
    let catalog = Catalog::new(&[("mirrors/*", "HEAD")]);
    mirrors(&catalog);
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        displays(&descriptors),
        [
            "mirrors/billing.git/service.yaml",
            "mirrors/billing.git/services/payments/service.yaml",
            "mirrors/ledger/service.yaml",
        ]
    );
    assert_eq!(
        descriptors[0].text.as_deref(),
        Some(service("billing").as_str())
    );
    assert_eq!(descriptors[0].base, Vec::<String>::new());
    assert_eq!(descriptors[1].base, parts("services/payments"));
    assert_eq!(
        descriptors[1].text.as_deref(),
        Some(service("payments").as_str())
    );
    assert_eq!(descriptors[1].repository.display(), "mirrors/billing.git");
    // The committed text, not the edited working copy.
    assert_eq!(
        descriptors[2].text.as_deref(),
        Some(service("ledger").as_str())
    );
    assert_eq!(descriptors[2].repository.display(), "mirrors/ledger");
}

#[test]
fn reads_another_branch() {
    let catalog = Catalog::new(&[("mirrors/*.git", "release")]);
    let repository = Repository::init_bare(catalog.path("mirrors/api.git")).expect("bare");
    let main = service("api");
    let release = service("api-release");
    commit(
        &repository,
        "HEAD",
        &[("service.yaml", Item::File(main.as_bytes()))],
    );
    commit(
        &repository,
        "refs/heads/release",
        &[("deploy/service.yaml", Item::File(release.as_bytes()))],
    );
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        displays(&descriptors),
        ["mirrors/api.git/deploy/service.yaml"]
    );
    assert_eq!(descriptors[0].text.as_deref(), Some(release.as_str()));
}

#[test]
fn a_symlink_named_service_yaml_is_reported_in_its_file() {
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD")]);
    let repository = Repository::init_bare(catalog.path("mirrors/links.git")).expect("bare");
    commit(
        &repository,
        "HEAD",
        &[
            ("service.yaml", Item::Link("/etc/passwd")),
            ("real/service.yaml", Item::File(service("real").as_bytes())),
        ],
    );
    let (descriptors, diagnostics) = catalog.read(0);
    assert_eq!(
        displays(&descriptors),
        ["mirrors/links.git/real/service.yaml"]
    );
    assert_eq!(
        codes(&diagnostics),
        [(Code::PathEscape, Some("mirrors/links.git/service.yaml"))]
    );
    assert!(diagnostics[0].message.contains("not followed"));
}

#[test]
fn a_bad_ref_is_reported_at_the_setting() {
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD"), ("mirrors/*.git", "release")]);
    let repository = Repository::init_bare(catalog.path("mirrors/billing.git")).expect("bare");
    commit(
        &repository,
        "HEAD",
        &[("service.yaml", Item::File(service("billing").as_bytes()))],
    );
    let (descriptors, diagnostics) = catalog.read(1);
    assert!(descriptors.is_empty());
    assert_eq!(
        codes(&diagnostics),
        [(Code::MissingFile, Some("catalog.yaml"))]
    );
    assert_eq!(
        diagnostics[0].message,
        "`mirrors/billing.git` has no revision `release`"
    );
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/services/1/git"));
    // Located at the setting's line, not at 1:1.
    assert_eq!(diagnostics[0].span.map(|s| s.start.line), Some(7));
}

#[test]
fn a_glob_matching_nothing_is_reported_at_the_setting() {
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD")]);
    std::fs::create_dir_all(catalog.path("mirrors/plain.git")).expect("mkdir");
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(descriptors.is_empty());
    assert_eq!(
        codes(&diagnostics),
        [(Code::MissingFile, Some("catalog.yaml"))]
    );
    assert_eq!(
        diagnostics[0].message,
        "no git repository matches `mirrors/*.git`"
    );
    assert_eq!(diagnostics[0].pointer.as_deref(), Some("/services/0/git"));
}

#[test]
fn globs_may_not_leave_the_root_or_be_malformed() {
    let catalog = Catalog::new(&[
        ("../*.git", "HEAD"),
        ("mirrors/[ab", "HEAD"),
        ("/srv/*.git", "HEAD"),
        ("repos/*/.git", "HEAD"),
    ]);
    for (index, code) in [
        (0, Code::PathEscape),
        (1, Code::SchemaViolation),
        (2, Code::PathEscape),
        (3, Code::PathEscape),
    ] {
        let (descriptors, diagnostics) = catalog.read(index);
        assert!(descriptors.is_empty());
        assert_eq!(
            codes(&diagnostics),
            [(code, Some("catalog.yaml"))],
            "{index}"
        );
        let pointer = format!("/services/{index}/git");
        assert_eq!(diagnostics[0].pointer.as_deref(), Some(pointer.as_str()));
    }
}

#[test]
fn a_symlink_to_a_repository_outside_the_root_is_an_escape() {
    let outside = tempfile::tempdir().expect("tempdir");
    let repository = Repository::init_bare(outside.path().join("secret.git")).expect("bare");
    commit(
        &repository,
        "HEAD",
        &[("service.yaml", Item::File(service("secret").as_bytes()))],
    );
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD")]);
    std::fs::create_dir_all(catalog.path("mirrors")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.git"),
        catalog.path("mirrors/secret.git"),
    )
    .expect("symlink");
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(descriptors.is_empty());
    assert_eq!(
        codes(&diagnostics),
        [(Code::PathEscape, Some("catalog.yaml"))]
    );
    assert!(diagnostics[0].message.contains("mirrors/secret.git"));
}

#[test]
fn git_files_pointing_outside_the_root_are_not_followed() {
    let outside = tempfile::tempdir().expect("tempdir");
    let real = Repository::init(outside.path().join("work")).expect("repo");
    commit(
        &real,
        "HEAD",
        &[("service.yaml", Item::File(service("secret").as_bytes()))],
    );
    let catalog = Catalog::new(&[("repos/*", "HEAD")]);

    // A `.git` file naming a git directory outside the root.
    let gitlink = catalog.path("repos/gitlink");
    std::fs::create_dir_all(&gitlink).expect("mkdir");
    std::fs::write(
        gitlink.join(".git"),
        format!("gitdir: {}\n", outside.path().join("work/.git").display()),
    )
    .expect("write");

    // Object alternates outside the root.
    let alternates = Repository::init_bare(catalog.path("repos/alternates")).expect("bare");
    commit(
        &alternates,
        "HEAD",
        &[("service.yaml", Item::File(service("alt").as_bytes()))],
    );
    std::fs::create_dir_all(catalog.path("repos/alternates/objects/info")).expect("mkdir");
    std::fs::write(
        catalog.path("repos/alternates/objects/info/alternates"),
        format!("{}\n", outside.path().join("work/.git/objects").display()),
    )
    .expect("write");

    // A config that includes a file from elsewhere.
    let include = Repository::init_bare(catalog.path("repos/include")).expect("bare");
    commit(
        &include,
        "HEAD",
        &[("service.yaml", Item::File(service("inc").as_bytes()))],
    );
    let config = catalog.path("repos/include/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("[Include]\n\tpath = /etc/gitconfig\n");
    std::fs::write(&config, text).expect("write");

    // A symlink deep in the git directory, where libgit2 would follow it.
    let symlinked = Repository::init_bare(catalog.path("repos/symlinked")).expect("bare");
    commit(
        &symlinked,
        "HEAD",
        &[("service.yaml", Item::File(service("sym").as_bytes()))],
    );
    std::os::unix::fs::symlink(
        outside.path().join("work/.git/objects"),
        catalog.path("repos/symlinked/objects/ab"),
    )
    .expect("symlink");

    let (descriptors, diagnostics) = catalog.read(0);
    assert!(descriptors.is_empty(), "{:?}", displays(&descriptors));
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        codes(&diagnostics),
        [(Code::PathEscape, Some("catalog.yaml")); 4],
        "{messages:#?}"
    );
    assert!(messages[0].contains("`repos/alternates`") && messages[0].contains("alternates"));
    assert!(messages[1].contains("`repos/gitlink`") && messages[1].contains("`.git` file"));
    assert!(messages[2].contains("`repos/include`") && messages[2].contains("[include]"));
    assert!(
        messages[3].contains("`repos/symlinked`")
            && messages[3].contains("repos/symlinked/objects/ab")
    );
}

#[test]
fn reads_referenced_files_from_the_tree() {
    let catalog = Catalog::new(&[("mirrors/*", "HEAD")]);
    mirrors(&catalog);
    let repository = Repository::open(catalog.path("mirrors/billing.git")).expect("open");
    commit(
        &repository,
        "HEAD",
        &[
            ("service.yaml", Item::File(service("billing").as_bytes())),
            ("docs/README.md", Item::File(b"# Billing\n")),
            ("docs/big.md", Item::File(&[b'a'; 2048])),
            ("docs/link.md", Item::Link("README.md")),
            ("vendor/lib", Item::Submodule),
        ],
    );
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let repository = &descriptors[0].repository;
    assert_eq!(repository.display(), "mirrors/billing.git");
    assert_eq!(
        repository.read(&parts("docs/README.md"), 1024).ok(),
        Some(b"# Billing\n".to_vec())
    );
    assert!(matches!(
        repository.read(&parts("docs/missing.md"), 1024),
        Err(FileProblem::Missing)
    ));
    assert!(matches!(
        repository.read(&parts("docs/README.md/x"), 1024),
        Err(FileProblem::Missing)
    ));
    assert!(matches!(
        repository.read(&parts("docs"), 1024),
        Err(FileProblem::Directory)
    ));
    assert!(matches!(
        repository.read(&parts("docs/link.md"), 1024),
        Err(FileProblem::Escape("is a symlink in a git source"))
    ));
    assert!(matches!(
        repository.read(&parts("vendor/lib/README.md"), 1024),
        Err(FileProblem::Escape("is a submodule"))
    ));
    assert!(matches!(
        repository.read(&parts("docs/big.md"), 1024),
        Err(FileProblem::TooLarge(1024))
    ));
    assert_eq!(
        repository
            .read(&parts("docs/big.md"), 2048)
            .map(|b| b.len())
            .ok(),
        Some(2048)
    );
}

#[test]
fn oversized_and_undecodable_descriptors_are_reported_in_their_files() {
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD")]);
    let repository = Repository::init_bare(catalog.path("mirrors/big.git")).expect("bare");
    let mut big = service("big");
    big.push_str(&format!("description: {}\n", "x".repeat(4096)));
    commit(
        &repository,
        "HEAD",
        &[
            ("a/service.yaml", Item::File(big.as_bytes())),
            ("b/service.yaml", Item::File(b"\xFF\xFEn\0a\0")),
            ("c/service.yaml", Item::File(service("fine").as_bytes())),
        ],
    );
    let limits = Limits {
        descriptor_bytes: 1024,
        ..Limits::default()
    };
    let (descriptors, diagnostics) = catalog.read_with(0, &limits);
    assert_eq!(
        codes(&diagnostics),
        [
            (Code::YamlLimits, Some("mirrors/big.git/a/service.yaml")),
            (Code::YamlSyntax, Some("mirrors/big.git/b/service.yaml")),
        ]
    );
    assert!(diagnostics[0].message.contains("1 KiB"));
    // The unreadable files still appear, so the report counts them.
    assert_eq!(
        descriptors
            .iter()
            .map(|d| (d.display.as_str(), d.text.is_some()))
            .collect::<Vec<_>>(),
        [
            ("mirrors/big.git/a/service.yaml", false),
            ("mirrors/big.git/b/service.yaml", false),
            ("mirrors/big.git/c/service.yaml", true),
        ]
    );
}

#[test]
fn the_catalog_root_itself_may_be_the_repository() {
    let catalog = Catalog::new(&[(".", "HEAD")]);
    let repository = Repository::init(&catalog.root).expect("repo");
    commit(
        &repository,
        "HEAD",
        &[("svc/service.yaml", Item::File(service("svc").as_bytes()))],
    );
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(displays(&descriptors), ["svc/service.yaml"]);
    assert_eq!(descriptors[0].repository.display(), ".");
}

#[test]
fn double_star_finds_nested_repositories_without_entering_them() {
    let catalog = Catalog::new(&[("**/*.git", "HEAD")]);
    for path in ["a/one.git", "a/b/c/two.git"] {
        let repository = Repository::init_bare(catalog.path(path)).expect("bare");
        commit(
            &repository,
            "HEAD",
            &[("service.yaml", Item::File(service("x").as_bytes()))],
        );
    }
    // Never searched: `node_modules` and hidden-by-rule directories of the walk.
    Repository::init_bare(catalog.path("node_modules/three.git")).expect("bare");
    let (descriptors, diagnostics) = catalog.read(0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        displays(&descriptors),
        ["a/b/c/two.git/service.yaml", "a/one.git/service.yaml"]
    );
}

#[test]
fn deep_trees_are_walked_iteratively_up_to_the_limit() {
    let catalog = Catalog::new(&[("mirrors/*.git", "HEAD")]);
    let repository = Repository::init_bare(catalog.path("mirrors/deep.git")).expect("bare");
    // 300 nested directories `d`, built bottom-up; a descriptor at depth 10 and one at 300.
    let text = service("deep");
    let mut id = tree(
        &repository,
        &[("service.yaml", Item::File(text.as_bytes()))],
    );
    for level in (0..300).rev() {
        let mut builder = repository.treebuilder(None).expect("treebuilder");
        builder.insert("d", id, 0o040_000).expect("insert");
        if level == 10 {
            let blob = repository.blob(text.as_bytes()).expect("blob");
            builder
                .insert("service.yaml", blob, 0o100_644)
                .expect("insert");
        }
        id = builder.write().expect("write");
    }
    // A crafted root tree that also holds a `.git` tree (git and libgit2's tree builder
    // refuse the name; raw objects do not): it is never searched.
    let mut raw = b"40000 .git\0".to_vec();
    raw.extend_from_slice(id.as_bytes());
    raw.extend_from_slice(b"40000 d\0");
    raw.extend_from_slice(id.as_bytes());
    let id = repository
        .odb()
        .expect("odb")
        .write(git2::ObjectType::Tree, &raw)
        .expect("raw tree");
    let tree = repository.find_tree(id).expect("tree");
    let signature = Signature::new("Test", "test@example.com", &Time::new(0, 0)).expect("sig");
    repository
        .commit(Some("HEAD"), &signature, &signature, "deep", &tree, &[])
        .expect("commit");

    let (descriptors, diagnostics) = catalog.read(0);
    let at_ten = format!("mirrors/deep.git/{}service.yaml", "d/".repeat(11));
    assert_eq!(displays(&descriptors), [at_ten.as_str()]);
    let deepest = format!("mirrors/deep.git/{}", vec!["d"; 256].join("/"));
    assert_eq!(
        codes(&diagnostics),
        [(Code::YamlLimits, Some(deepest.as_str()))]
    );
}

#[test]
fn glob_components_match_like_a_shell() {
    let tokens = |glob: &str| parse_component(glob).expect("glob");
    let cases = [
        ("*.git", "billing.git", true),
        ("*.git", "billing", false),
        ("*.git", ".hidden.git", false),
        (".*", ".hidden", true),
        ("b?ll*", "billing", true),
        ("[a-c]*", "billing", true),
        ("[!a-c]*", "billing", false),
        ("[]x]", "]", true),
        ("a[-]b", "a-b", true),
        ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false),
        ("\\*", "*", true),
        ("\\*", "x", false),
        ("**", "anything", true),
    ];
    for (glob, name, expected) in cases {
        assert_eq!(
            component_matches(&tokens(glob), name),
            expected,
            "{glob} vs {name}"
        );
    }
    assert!(parse_component("[ab").is_err());
    assert!(parse_component("[z-a]").is_err());
}

#[test]
fn globs_split_into_a_literal_prefix_and_patterns() {
    let glob = Glob::parse("./mirrors//team/*.git/").expect("glob");
    assert_eq!(glob.prefix, "mirrors/team");
    assert_eq!(glob.segments.len(), 1);
    let glob = Glob::parse("mirrors/**/x").expect("glob");
    assert_eq!(glob.prefix, "mirrors");
    assert_eq!(
        glob.segments,
        [Segment::AnyDepth, Segment::Literal("x".to_owned())]
    );
    assert_eq!(Glob::parse("a/../b").err(), Some(GlobError::Escape));
    assert_eq!(Glob::parse("a/.git").err(), Some(GlobError::Escape));
    assert_eq!(Glob::parse("/a").err(), Some(GlobError::Escape));
    assert_eq!(Glob::parse("\\.\\./x").err(), Some(GlobError::Escape));
}
