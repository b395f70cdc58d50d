//! The integrations and in-repository files of a generated catalog (the default; leave them
//! out with `--no-inventories`):
//!
//! - `integrations/gateway/prod.deck.yaml`: a `deck gateway dump --with-id` of control plane
//!   `prod`, about 0.7·N gateway services with their routes and plugins nested as decK
//!   writes them (full plugin `config`s), consumers with credentials, global plugins and a
//!   certificate;
//! - `integrations/pagerduty/services.json`: a PagerDuty `GET /services` response body with
//!   about 0.5·N services (teams, escalation policies, integrations with their keys);
//! - `integrations/github/repos.json`: a GitHub `GET /orgs/acme/repos` response body, one
//!   full repository object per service (`repository: github:acme/<name>` always resolves);
//! - for about a third of the services, `docs/README.md` (and often `docs/runbook.md`), an
//!   OpenAPI 3.0 spec per OpenAPI API (`apis.provides[].spec`) and a GitHub Actions workflow
//!   (`pipelines`), written into the service's directory.
//!
//! Services map their gateway and PagerDuty services in `resources:`, in both key forms. About
//! 3 % of the gateway and PagerDuty services are mapped by no service, as in a real catalog,
//! so `catalogc check` reports them as `unmapped-resource` warnings (some with an obvious
//! likely owner, some legacy ones without) and nothing else.
//!
//! The randomness comes from a stream of its own, drawn after the base catalog, so the
//! services, teams and dependencies are the same with or without inventories.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::emit::{self, Node, map, strings};
use super::{Lifecycle, Rng, Service, Team, title_case};

/// Catalog-relative paths of the three snapshots.
pub const GATEWAY_PATH: &str = "integrations/gateway/prod.deck.yaml";
pub const PAGERDUTY_PATH: &str = "integrations/pagerduty/services.json";
pub const GITHUB_PATH: &str = "integrations/github/repos.json";

/// The gateway control plane.
pub const CONTROL_PLANE: &str = "prod";

/// Service-relative paths of the repository files.
pub const README: &str = "docs/README.md";
pub const RUNBOOK: &str = "docs/runbook.md";
pub const WORKFLOW: &str = ".github/workflows/deploy.yml";

/// Share of the gateway and PagerDuty services that no service maps.
const UNMAPPED_SHARE: f64 = 0.03;

/// What a service maps in `resources:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub integration: &'static str,
    pub id: String,
    /// Written `{integration: …, id: …}` rather than `integration:id`.
    pub object_form: bool,
}

impl ResourceRef {
    pub fn key(&self) -> String {
        format!("{}:{}", self.integration, self.id)
    }
}

/// An OpenAPI spec written for a provided API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecPlan {
    /// Service-relative path.
    pub path: String,
    pub version: (u8, u8, u8),
    /// 2 or 3 paths.
    pub paths: u8,
    pub patch: bool,
    pub delete: bool,
}

/// The inventories of a generated catalog.
#[derive(Debug, Clone)]
pub struct Inventories {
    /// Sorted by name.
    gateway: Vec<GatewayService>,
    consumers: Vec<Consumer>,
    global_plugins: Vec<Plugin>,
    certificate_id: String,
    /// Sorted by name (the API's default order), then id.
    pagerduty: Vec<PagerdutyService>,
    /// Per catalog team: PagerDuty team id and escalation policy id.
    pagerduty_teams: Vec<(String, String)>,
    /// Per service.
    repos: Vec<Repository>,
}

impl Inventories {
    /// Gateway services and how many of them no service maps.
    pub fn gateway_counts(&self) -> (usize, usize) {
        let unmapped = self.gateway.iter().filter(|g| g.owner.is_none()).count();
        (self.gateway.len(), unmapped)
    }

    /// PagerDuty services and how many of them no service maps.
    pub fn pagerduty_counts(&self) -> (usize, usize) {
        let unmapped = self.pagerduty.iter().filter(|p| p.owner.is_none()).count();
        (self.pagerduty.len(), unmapped)
    }

    /// Keys of the resources no service maps, sorted.
    #[cfg(test)]
    pub fn unmapped_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .gateway
            .iter()
            .filter(|g| g.owner.is_none())
            .map(|g| format!("gateway:{CONTROL_PLANE}/{}", g.name))
            .chain(
                self.pagerduty
                    .iter()
                    .filter(|p| p.owner.is_none())
                    .map(|p| format!("pagerduty:{}", p.id)),
            )
            .collect();
        keys.sort();
        keys
    }
}

#[derive(Debug, Clone)]
struct GatewayService {
    name: String,
    id: String,
    host: String,
    port: u16,
    protocol: &'static str,
    path: Option<String>,
    enabled: bool,
    retries: u8,
    timeout: u32,
    tags: Vec<String>,
    routes: Vec<Route>,
    plugins: Vec<Plugin>,
    /// The service mapping it; `None` for the deliberately unmapped ones.
    owner: Option<usize>,
}

#[derive(Debug, Clone)]
struct Route {
    name: String,
    id: String,
    hosts: Vec<String>,
    paths: Vec<String>,
    methods: Vec<&'static str>,
    protocols: Vec<&'static str>,
    strip_path: bool,
    preserve_host: bool,
    plugins: Vec<Plugin>,
    tags: Vec<String>,
}

#[derive(Debug, Clone)]
struct Plugin {
    name: &'static str,
    id: String,
    enabled: bool,
    /// A number for the config (a limit, a TTL, a size).
    knob: u32,
    /// A word for the config (an origin, an ACL group, a log stream).
    word: String,
    /// A secret-looking value for configs that hold one (decK dumps them in clear).
    secret: String,
}

#[derive(Debug, Clone)]
struct Consumer {
    username: String,
    id: String,
    custom_id: String,
    tags: Vec<String>,
    key_auth: (String, String),
    basic_auth: Option<(String, String, String)>,
    jwt: Option<(String, String, String)>,
    acls: Vec<(String, String)>,
    plugin: Option<Plugin>,
}

#[derive(Debug, Clone)]
struct PagerdutyService {
    id: String,
    name: String,
    description: Option<String>,
    created: (i64, u32),
    updated: (i64, u32),
    status: &'static str,
    team: usize,
    high_urgency: bool,
    support_hours: bool,
    last_incident: Option<(i64, u32)>,
    acknowledgement_timeout: Option<u32>,
    auto_resolve_timeout: Option<u32>,
    intelligent_grouping: bool,
    integrations: Vec<PagerdutyIntegration>,
    owner: Option<usize>,
}

#[derive(Debug, Clone)]
struct PagerdutyIntegration {
    id: String,
    vendor: usize,
    key: String,
    created: (i64, u32),
}

#[derive(Debug, Clone)]
struct Repository {
    id: u64,
    node_id: String,
    created: (i64, u32),
    updated: (i64, u32),
    pushed: (i64, u32),
    size: u32,
    stars: u32,
    forks: u32,
    issues: u32,
    visibility: &'static str,
    license: Option<usize>,
    has_wiki: bool,
    has_pages: bool,
    has_discussions: bool,
    secret_scanning: bool,
    admin: bool,
}

// ---------------------------------------------------------------------------------------------
// Generation

/// Days since 1970-01-01 of 2016-01-01 and 2025-06-30: the span of generated dates.
const FIRST_DAY: i64 = 16_801;
const LAST_DAY: i64 = 20_269;

/// Draws the inventories and repository files of `services`, recording in each service what
/// it maps and which files it references.
pub fn generate(rng: &mut Rng, teams: &[Team], services: &mut [Service]) -> Inventories {
    let mut ids = Ids::default();
    let pagerduty_teams: Vec<(String, String)> = teams
        .iter()
        .map(|_| (ids.pagerduty(rng), ids.pagerduty(rng)))
        .collect();
    let mut gateway = Vec::new();
    let mut pagerduty = Vec::new();
    let mut repos = Vec::with_capacity(services.len());
    for (i, service) in services.iter_mut().enumerate() {
        let (domain, component) = parts(service);
        let component = component.to_owned();
        let component = component.as_str();
        let retired = service.lifecycle == Lifecycle::Retired;

        // Gateway services: most services are behind Kong, a few with a public and an
        // internal entry point.
        let count = if retired {
            0
        } else {
            rng.weighted(&[36, 58, 6])
        };
        let team = &teams[service.owner].name;
        for g in 0..count {
            let name = match (count, g) {
                (1, _) if rng.chance(0.4) => format!("{}-svc", service.name),
                (1, _) => service.name.clone(),
                (_, 0) => format!("{}-public", service.name),
                _ => format!("{}-internal", service.name),
            };
            let tags = vec![
                "env-prod".to_owned(),
                format!("team-{team}"),
                format!("tier-{}", service.tier),
            ];
            let entry = gateway_service(rng, &mut ids, name, domain, component, tags, Some(i));
            service.resources.push(ResourceRef {
                integration: "gateway",
                id: format!("{CONTROL_PLANE}/{}", entry.name),
                object_form: rng.chance(0.25),
            });
            gateway.push(entry);
        }

        // PagerDuty: nearly every tier-1 service is paged on, few tier-4 ones.
        let paged = [0.95, 0.75, 0.36, 0.15][usize::from(service.tier - 1)];
        if !retired && rng.chance(paged) {
            let entry = pagerduty_service(
                rng,
                &mut ids,
                service.title.clone(),
                Some(first_sentence(&service.description)),
                service.owner,
                service.tier,
                Some(i),
            );
            service.resources.push(ResourceRef {
                integration: "pagerduty",
                id: entry.id.clone(),
                object_form: rng.chance(0.25),
            });
            pagerduty.push(entry);
        }

        // In-repository files: a documented third, and specs for the OpenAPI APIs of
        // documented services and most of the others' (about a third of all services).
        let documented = !retired && rng.chance(0.34);
        if documented {
            service.docs.push(README);
            if rng.chance(0.55) {
                service.docs.push(RUNBOOK);
            }
            service.pipeline = Some(WORKFLOW);
        }
        for api in &mut service.provides {
            let wanted = if documented { 1.0 } else { 0.78 };
            if api.api_type == "openapi" && !retired && rng.chance(wanted) {
                api.spec = Some(SpecPlan {
                    path: format!("openapi/{}.yaml", api.name),
                    version: (
                        1 + rng.below(4) as u8,
                        rng.below(12) as u8,
                        rng.below(10) as u8,
                    ),
                    paths: 2 + rng.below(2) as u8,
                    patch: rng.chance(0.5),
                    delete: rng.chance(0.4),
                });
            }
        }

        repos.push(repository(rng, i, service.lifecycle));
    }

    // The unmapped ones: an old entry point of a known service (its owner is obvious), or a
    // legacy service nobody claims.
    let unmapped_gateway = unmapped_count(gateway.len());
    // Names already given to an old entry point: a service drawn twice with the same suffix
    // (which happens in large catalogs) gets a legacy entry instead, so names stay unique.
    let mut old_entry_points = std::collections::BTreeSet::new();
    for k in 0..unmapped_gateway {
        let old_entry_point = (k % 2 == 0 && !services.is_empty())
            .then(|| {
                let service = &services[rng.below(services.len())];
                let suffix = rng.pick(&["v1", "staging"]);
                (service, format!("{}-{suffix}", service.name))
            })
            .filter(|(_, name)| old_entry_points.insert(name.clone()));
        let (name, domain, component, tags) = if let Some((service, name)) = old_entry_point {
            let (domain, component) = parts(service);
            (name, domain, component, vec!["env-prod".to_owned()])
        } else {
            let (domain, component) = (rng.pick(super::DOMAINS), rng.pick(LEGACY_WORDS));
            (
                format!("legacy-{domain}-{component}-{k}"),
                domain,
                component,
                vec!["env-prod".to_owned(), "legacy".to_owned()],
            )
        };
        gateway.push(gateway_service(
            rng, &mut ids, name, domain, component, tags, None,
        ));
    }
    let unmapped_pagerduty = unmapped_count(pagerduty.len());
    for k in 0..unmapped_pagerduty {
        let team = rng.below(teams.len());
        let (name, description) = if k % 2 == 0 && !services.is_empty() {
            let service = &services[rng.below(services.len())];
            (format!("{} Staging", service.title), None)
        } else {
            let domain = rng.pick(super::DOMAINS);
            (
                format!(
                    "Legacy {} {} {k}",
                    title_case(domain),
                    title_case(rng.pick(LEGACY_WORDS))
                ),
                Some(format!(
                    "Pages for the {domain} system from before the service split."
                )),
            )
        };
        let tier = 3;
        pagerduty.push(pagerduty_service(
            rng,
            &mut ids,
            name,
            description,
            team,
            tier,
            None,
        ));
    }

    let consumers = (0..(services.len() / 20).max(3))
        .map(|k| consumer(rng, &mut ids, k))
        .collect();
    let global_plugins = vec![
        plugin(rng, &mut ids, "prometheus"),
        plugin(rng, &mut ids, "correlation-id"),
        plugin(rng, &mut ids, "http-log"),
    ];

    gateway.sort_by(|a, b| a.name.cmp(&b.name));
    pagerduty.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Inventories {
        gateway,
        consumers,
        global_plugins,
        certificate_id: ids.uuid(rng),
        pagerduty,
        pagerduty_teams,
        repos,
    }
}

/// About [`UNMAPPED_SHARE`] of the final count, at least one.
fn unmapped_count(mapped: usize) -> usize {
    ((mapped as f64 * UNMAPPED_SHARE / (1.0 - UNMAPPED_SHARE)).round() as usize).max(1)
}

const LEGACY_WORDS: &[&str] = &[
    "soap", "batch", "bridge", "monolith", "ftp", "cron", "portal",
];

/// The domain and component of a generated service name `<domain>-<component>-<index>`.
fn parts(service: &Service) -> (&'static str, &str) {
    let rest = service
        .name
        .strip_prefix(service.system)
        .unwrap_or(&service.name)
        .trim_start_matches('-');
    let component = rest
        .rsplit_once('-')
        .map_or(rest, |(component, _)| component);
    (service.system, component)
}

fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text.to_owned(),
    }
}

/// Unique identifiers.
#[derive(Default)]
struct Ids {
    taken: BTreeSet<String>,
}

impl Ids {
    /// A random UUID (version 4 layout).
    fn uuid(&mut self, rng: &mut Rng) -> String {
        loop {
            let a = rng.next_u64();
            let b = rng.next_u64();
            let id = format!(
                "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                8 + (b >> 62),
                (b >> 48) & 0xfff,
                b & 0xffff_ffff_ffff
            );
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }

    /// A PagerDuty object id: `P` and six upper-case letters and digits.
    fn pagerduty(&mut self, rng: &mut Rng) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        loop {
            let mut id = String::from("P");
            for _ in 0..6 {
                id.push(ALPHABET[rng.below(ALPHABET.len())] as char);
            }
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn hex(rng: &mut Rng, digits: usize) -> String {
    let mut out = String::with_capacity(digits);
    for _ in 0..digits {
        let _ = write!(out, "{:x}", rng.below(16));
    }
    out
}

fn alphanumeric(rng: &mut Rng, length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..length)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
        .collect()
}

/// A moment between 2016 and mid-2025: (days since the epoch, seconds into the day).
fn moment(rng: &mut Rng, after: i64) -> (i64, u32) {
    let first = after.clamp(FIRST_DAY, LAST_DAY);
    let day = first + rng.below((LAST_DAY - first + 1) as usize) as i64;
    (day, rng.below(86_400) as u32)
}

/// `2023-04-11T09:12:44Z`.
fn iso((days, seconds): (i64, u32)) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

const ROUTE_KINDS: &[&str] = &[
    "public", "internal", "webhooks", "admin", "v1", "v2", "batch",
];
const METHOD_SETS: &[&[&str]] = &[
    &["GET"],
    &["GET", "POST"],
    &["GET", "POST", "PUT", "DELETE"],
    &["POST"],
    &["GET", "PATCH"],
];

fn gateway_service(
    rng: &mut Rng,
    ids: &mut Ids,
    name: String,
    domain: &str,
    component: &str,
    tags: Vec<String>,
    owner: Option<usize>,
) -> GatewayService {
    let (protocol, port) = match rng.weighted(&[72, 16, 12]) {
        0 => ("http", rng.pick(&[80, 8080, 8000, 3000])),
        1 => ("https", 443),
        _ => ("grpc", 9090),
    };
    let route_count = 1 + rng.weighted(&[55, 33, 12]);
    let mut kinds: Vec<&'static str> = Vec::new();
    while kinds.len() < route_count {
        let kind = rng.pick(ROUTE_KINDS);
        // `billing-public` gets `billing-public-v1`, not `billing-public-public`.
        if !kinds.contains(&kind) && !name.ends_with(&format!("-{kind}")) {
            kinds.push(kind);
        }
    }
    let mut routes: Vec<Route> = kinds
        .into_iter()
        .map(|kind| {
            let grpc = protocol == "grpc";
            let base = format!("/{domain}/{component}");
            let paths = if grpc {
                vec![format!("/acme.{domain}.v1.{}/", title_case(component))]
            } else {
                match kind {
                    "public" | "internal" => vec![base],
                    other => vec![format!("{base}/{other}")],
                }
            };
            let mut plugins = Vec::new();
            for (plugin_name, chance) in [
                ("cors", if kind == "public" { 0.5 } else { 0.05 }),
                ("ip-restriction", if kind == "admin" { 0.8 } else { 0.03 }),
                ("acl", 0.08),
                ("request-size-limiting", 0.08),
                ("proxy-cache", 0.06),
            ] {
                if !grpc && rng.chance(chance) {
                    plugins.push(plugin(rng, ids, plugin_name));
                }
            }
            Route {
                name: format!("{name}-{kind}"),
                id: ids.uuid(rng),
                hosts: if rng.chance(0.5) {
                    vec![if kind == "public" {
                        "api.acme.example".to_owned()
                    } else {
                        format!("{domain}.internal.acme.example")
                    }]
                } else {
                    Vec::new()
                },
                paths,
                methods: if grpc || rng.chance(0.3) {
                    Vec::new()
                } else {
                    rng.pick(METHOD_SETS).to_vec()
                },
                protocols: if grpc {
                    vec!["grpc", "grpcs"]
                } else if rng.chance(0.6) {
                    vec!["https"]
                } else {
                    vec!["http", "https"]
                },
                strip_path: rng.chance(0.7),
                preserve_host: rng.chance(0.1),
                plugins,
                tags: if kind == "public" {
                    vec!["public".to_owned()]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    routes.sort_by(|a, b| a.name.cmp(&b.name));

    let mut plugins = Vec::new();
    if rng.chance(0.7) {
        let auth = ["key-auth", "openid-connect", "jwt"][rng.weighted(&[40, 35, 25])];
        plugins.push(plugin(rng, ids, auth));
    }
    for (plugin_name, chance) in [
        ("rate-limiting", 0.6),
        ("prometheus", 0.3),
        ("correlation-id", 0.2),
        ("request-transformer", 0.1),
        ("http-log", 0.1),
    ] {
        if rng.chance(chance) {
            plugins.push(plugin(rng, ids, plugin_name));
        }
    }
    plugins.sort_by(|a, b| a.name.cmp(b.name));
    GatewayService {
        id: ids.uuid(rng),
        host: format!("{name}.{domain}.svc.cluster.local"),
        port,
        protocol,
        path: (protocol != "grpc" && rng.chance(0.3)).then(|| "/v1".to_owned()),
        enabled: owner.is_some() || rng.chance(0.5),
        retries: rng.pick(&[5, 5, 5, 3, 0]),
        timeout: rng.pick(&[60_000, 60_000, 30_000, 10_000]),
        tags,
        routes,
        plugins,
        owner,
        name,
    }
}

fn plugin(rng: &mut Rng, ids: &mut Ids, name: &'static str) -> Plugin {
    let knob = match name {
        "rate-limiting" => rng.pick(&[60, 100, 300, 600, 1200, 6000]),
        "request-size-limiting" => rng.pick(&[1, 8, 10, 32, 128]),
        "proxy-cache" => rng.pick(&[30, 60, 300, 3600]),
        _ => rng.below(1000) as u32,
    };
    let word = match name {
        "cors" => format!(
            "https://{}.acme.example",
            rng.pick(&["www", "app", "partners"])
        ),
        "acl" => format!("{}-readers", rng.pick(super::DOMAINS)),
        _ => rng.pick(super::DOMAINS).to_owned(),
    };
    Plugin {
        name,
        id: ids.uuid(rng),
        enabled: rng.chance(0.97),
        knob,
        word,
        secret: alphanumeric(rng, 32),
    }
}

fn consumer(rng: &mut Rng, ids: &mut Ids, k: usize) -> Consumer {
    let (kind, tag) = rng.pick(&[
        ("app", "apps"),
        ("partner", "partners"),
        ("batch", "batch-jobs"),
    ]);
    let username = format!("{kind}-{}-{k:03}", rng.pick(super::DOMAINS));
    let basic_auth = rng.chance(0.2).then(|| {
        (
            ids.uuid(rng),
            format!("{username}-basic"),
            // decK dumps the stored hash, not the password.
            hex(rng, 40),
        )
    });
    let jwt = rng.chance(0.3).then(|| {
        (
            ids.uuid(rng),
            format!("{username}-issuer"),
            alphanumeric(rng, 32),
        )
    });
    let acls = (0..rng.below(3))
        .map(|_| {
            (
                ids.uuid(rng),
                format!("{}-readers", rng.pick(super::DOMAINS)),
            )
        })
        .collect();
    let plugin = rng.chance(0.15).then(|| plugin(rng, ids, "rate-limiting"));
    Consumer {
        id: ids.uuid(rng),
        custom_id: format!("{}", 4000 + k),
        tags: vec![tag.to_owned()],
        key_auth: (ids.uuid(rng), alphanumeric(rng, 32)),
        basic_auth,
        jwt,
        acls,
        plugin,
        username,
    }
}

const PAGERDUTY_VENDORS: &[(&str, &str, &str)] = &[
    (
        "PZQ6AUS",
        "Datadog",
        "generic_events_api_inbound_integration",
    ),
    ("PAM4FGS", "Prometheus", "events_api_v2_inbound_integration"),
    (
        "PCZUG9B",
        "Amazon CloudWatch",
        "aws_cloudwatch_inbound_integration",
    ),
    ("PKAPG94", "Email", "generic_email_inbound_integration"),
];

fn pagerduty_service(
    rng: &mut Rng,
    ids: &mut Ids,
    name: String,
    description: Option<String>,
    team: usize,
    tier: u8,
    owner: Option<usize>,
) -> PagerdutyService {
    let created = moment(rng, FIRST_DAY);
    let updated = moment(rng, created.0);
    let integrations = (0..rng.weighted(&[10, 55, 30, 5]))
        .map(|_| PagerdutyIntegration {
            id: ids.pagerduty(rng),
            vendor: rng.below(PAGERDUTY_VENDORS.len()),
            key: hex(rng, 32),
            created: moment(rng, created.0),
        })
        .collect();
    PagerdutyService {
        id: ids.pagerduty(rng),
        name,
        description,
        created,
        updated,
        status: if owner.is_none() {
            "disabled"
        } else {
            ["active", "warning", "critical", "maintenance", "disabled"]
                [rng.weighted(&[88, 4, 1, 2, 5])]
        },
        team,
        high_urgency: tier <= 2 || rng.chance(0.3),
        support_hours: tier >= 3 && rng.chance(0.5),
        last_incident: rng.chance(0.7).then(|| moment(rng, LAST_DAY - 365)),
        acknowledgement_timeout: rng.chance(0.3).then_some(1800),
        auto_resolve_timeout: rng.chance(0.8).then_some(14_400),
        intelligent_grouping: rng.chance(0.25),
        integrations,
        owner,
    }
}

fn repository(rng: &mut Rng, index: usize, lifecycle: Lifecycle) -> Repository {
    let created = moment(rng, FIRST_DAY);
    let pushed = moment(rng, created.0);
    let updated = moment(rng, pushed.0);
    Repository {
        // Increasing with the service index, as GitHub's ids increase with creation.
        id: 400_000_000 + index as u64 * 37 + rng.below(37) as u64,
        node_id: format!("R_kgDO{}", alphanumeric(rng, 8)),
        created,
        updated,
        pushed,
        size: 200 + rng.below(250_000) as u32,
        stars: rng.below(40) as u32,
        forks: rng.below(6) as u32,
        issues: rng.below(30) as u32,
        visibility: ["private", "internal", "public"][rng.weighted(&[78, 20, 2])],
        license: rng.chance(0.2).then(|| rng.below(LICENSES.len())),
        has_wiki: rng.chance(0.2),
        has_pages: rng.chance(0.05),
        has_discussions: rng.chance(0.05),
        secret_scanning: lifecycle != Lifecycle::Retired && rng.chance(0.9),
        admin: rng.chance(0.1),
    }
}

const LICENSES: &[(&str, &str, &str, &str)] = &[
    (
        "apache-2.0",
        "Apache License 2.0",
        "Apache-2.0",
        "MDc6TGljZW5zZTI=",
    ),
    ("mit", "MIT License", "MIT", "MDc6TGljZW5zZTEz"),
    ("other", "Other", "NOASSERTION", "MDc6TGljZW5zZTA="),
];

// ---------------------------------------------------------------------------------------------
// Rendering the snapshots

impl Inventories {
    /// The decK dump of control plane `prod`.
    pub fn render_gateway(&self) -> String {
        let mut out = String::with_capacity(self.gateway.len() * 4096 + 4096);
        out.push_str("_format_version: \"3.0\"\n_konnect:\n  control_plane_name: ");
        out.push_str(CONTROL_PLANE);
        out.push('\n');
        let top: Vec<(&'static str, Node)> = vec![
            ("certificates", Node::Seq(vec![self.certificate()])),
            (
                "consumers",
                Node::Seq(self.consumers.iter().map(consumer_node).collect()),
            ),
            (
                "plugins",
                Node::Seq(self.global_plugins.iter().map(plugin_node).collect()),
            ),
        ];
        emit::yaml_map(&mut out, &top, 0);
        // Services one at a time: a large control plane need not be held as a tree.
        out.push_str("services:\n");
        for service in &self.gateway {
            emit::yaml_seq(&mut out, &[gateway_node(service)], 0);
        }
        out
    }

    fn certificate(&self) -> Node {
        let pem = |kind: &str, body: &str| {
            format!("-----BEGIN {kind}-----\n{body}\n-----END {kind}-----")
        };
        map(vec![
            (
                "cert",
                pem(
                    "CERTIFICATE",
                    "MIIDazCCAlOgAwIBAgIUJ3lA0aS1bUyOq2cHc3Nzc0Y2ZGQwDQYJKoZIhvcNAQEL\n\
                     BQAwRTELMAkGA1UEBhMCQVUxEzARBgNVBAgMClNvbWUtU3RhdGUxITAfBgNVBAoM",
                )
                .into(),
            ),
            ("id", self.certificate_id.as_str().into()),
            (
                "key",
                pem(
                    "PRIVATE KEY",
                    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7VJTUt9Us8cKj\n\
                     MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
                )
                .into(),
            ),
            (
                "snis",
                Node::Seq(vec![map(vec![("name", "*.acme.example".into())])]),
            ),
            ("tags", strings(&["managed-by-deck"])),
        ])
    }

    /// The PagerDuty `GET /services` response body.
    pub fn render_pagerduty(&self, teams: &[Team]) -> String {
        let mut out = String::with_capacity(self.pagerduty.len() * 3072 + 256);
        out.push_str("{\n  \"services\": [");
        for (i, service) in self.pagerduty.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            emit::json(&mut out, &self.pagerduty_node(service, teams), 2);
        }
        let _ = write!(
            out,
            "\n  ],\n  \"limit\": {},\n  \"offset\": 0,\n  \"total\": null,\n  \"more\": false\n}}\n",
            self.pagerduty.len()
        );
        out
    }

    fn pagerduty_node(&self, service: &PagerdutyService, teams: &[Team]) -> Node {
        let (team_id, policy_id) = &self.pagerduty_teams[service.team];
        let team_title = &teams[service.team].title;
        let reference = |kind: &str, id: &str, summary: String, path: &str| {
            map(vec![
                ("id", id.into()),
                ("type", format!("{kind}_reference").into()),
                ("summary", summary.into()),
                (
                    "self",
                    format!("https://api.pagerduty.com/{path}/{id}").into(),
                ),
                (
                    "html_url",
                    format!("https://acme.pagerduty.com/{path}/{id}").into(),
                ),
            ])
        };
        let service_url = format!("https://api.pagerduty.com/services/{}", service.id);
        let integrations = service
            .integrations
            .iter()
            .map(|integration| {
                let (vendor_id, vendor, kind) = PAGERDUTY_VENDORS[integration.vendor];
                let slug = service
                    .name
                    .to_ascii_lowercase()
                    .replace([' ', '(', ')'], "-");
                map(vec![
                    ("id", integration.id.as_str().into()),
                    ("type", kind.into()),
                    ("summary", vendor.into()),
                    (
                        "self",
                        format!("{service_url}/integrations/{}", integration.id).into(),
                    ),
                    (
                        "html_url",
                        format!(
                            "https://acme.pagerduty.com/services/{}/integrations/{}",
                            service.id, integration.id
                        )
                        .into(),
                    ),
                    ("name", vendor.into()),
                    (
                        "service",
                        map(vec![
                            ("id", service.id.as_str().into()),
                            ("type", "service_reference".into()),
                            ("summary", service.name.as_str().into()),
                            ("self", service_url.as_str().into()),
                            (
                                "html_url",
                                format!(
                                    "https://acme.pagerduty.com/service-directory/{}",
                                    service.id
                                )
                                .into(),
                            ),
                        ]),
                    ),
                    ("created_at", iso(integration.created).into()),
                    (
                        "vendor",
                        reference("vendor", vendor_id, vendor.to_owned(), "vendors"),
                    ),
                    ("integration_key", integration.key.as_str().into()),
                    (
                        "integration_email",
                        if kind == "generic_email_inbound_integration" {
                            format!("{slug}@acme.pagerduty.com").into()
                        } else {
                            Node::Null
                        },
                    ),
                ])
            })
            .collect();
        let urgency_rule = if service.support_hours {
            map(vec![
                ("type", "use_support_hours".into()),
                (
                    "during_support_hours",
                    map(vec![
                        ("type", "constant".into()),
                        ("urgency", "high".into()),
                    ]),
                ),
                (
                    "outside_support_hours",
                    map(vec![("type", "constant".into()), ("urgency", "low".into())]),
                ),
            ])
        } else {
            map(vec![
                ("type", "constant".into()),
                (
                    "urgency",
                    if service.high_urgency { "high" } else { "low" }.into(),
                ),
            ])
        };
        let (support_hours, scheduled_actions) = if service.support_hours {
            (
                map(vec![
                    ("type", "fixed_time_per_day".into()),
                    ("time_zone", "Europe/Berlin".into()),
                    ("days_of_week", vec![1u32, 2, 3, 4, 5].into()),
                    ("start_time", "09:00:00".into()),
                    ("end_time", "17:00:00".into()),
                ]),
                Node::Seq(vec![map(vec![
                    ("type", "urgency_change".into()),
                    (
                        "at",
                        map(vec![
                            ("type", "named_time".into()),
                            ("name", "support_hours_start".into()),
                        ]),
                    ),
                    ("to_urgency", "high".into()),
                ])]),
            )
        } else {
            (Node::Null, Node::Seq(Vec::new()))
        };
        map(vec![
            ("id", service.id.as_str().into()),
            ("name", service.name.as_str().into()),
            ("description", service.description.as_deref().into()),
            ("created_at", iso(service.created).into()),
            ("updated_at", iso(service.updated).into()),
            ("status", service.status.into()),
            (
                "teams",
                Node::Seq(vec![reference(
                    "team",
                    team_id,
                    team_title.clone(),
                    "teams",
                )]),
            ),
            ("alert_creation", "create_alerts_and_incidents".into()),
            ("addons", Node::Seq(Vec::new())),
            ("scheduled_actions", scheduled_actions),
            ("support_hours", support_hours),
            (
                "last_incident_timestamp",
                service.last_incident.map(iso).into(),
            ),
            (
                "escalation_policy",
                reference(
                    "escalation_policy",
                    policy_id,
                    format!("{team_title} On-Call"),
                    "escalation_policies",
                ),
            ),
            ("incident_urgency_rule", urgency_rule),
            (
                "acknowledgement_timeout",
                service.acknowledgement_timeout.into(),
            ),
            ("auto_resolve_timeout", service.auto_resolve_timeout.into()),
            (
                "alert_grouping",
                if service.intelligent_grouping {
                    "intelligent".into()
                } else {
                    Node::Null
                },
            ),
            ("alert_grouping_timeout", Node::Null),
            (
                "alert_grouping_parameters",
                if service.intelligent_grouping {
                    map(vec![
                        ("type", "intelligent".into()),
                        (
                            "config",
                            map(vec![
                                ("time_window", 300u32.into()),
                                ("recommended_time_window", 300u32.into()),
                            ]),
                        ),
                    ])
                } else {
                    map(vec![("type", Node::Null), ("config", Node::Null)])
                },
            ),
            ("integrations", Node::Seq(integrations)),
            ("response_play", Node::Null),
            ("type", "service".into()),
            ("summary", service.name.as_str().into()),
            ("self", service_url.into()),
            (
                "html_url",
                format!(
                    "https://acme.pagerduty.com/service-directory/{}",
                    service.id
                )
                .into(),
            ),
        ])
    }

    /// The GitHub `GET /orgs/acme/repos` response body.
    pub fn render_github(&self, services: &[Service]) -> String {
        let mut out = String::with_capacity(self.repos.len() * 6144 + 16);
        out.push('[');
        for (i, (service, repo)) in services.iter().zip(&self.repos).enumerate() {
            out.push_str(if i == 0 { "\n  " } else { ",\n  " });
            emit::json(&mut out, &repository_node(service, repo), 1);
        }
        out.push_str("\n]\n");
        out
    }
}

fn plugin_node(plugin: &Plugin) -> Node {
    map(vec![
        ("config", plugin_config(plugin)),
        ("enabled", plugin.enabled.into()),
        ("id", plugin.id.as_str().into()),
        ("name", plugin.name.into()),
        ("protocols", strings(&["grpc", "grpcs", "http", "https"])),
    ])
}

/// A plugin's `config` with every field, defaults included, as decK dumps it.
fn plugin_config(plugin: &Plugin) -> Node {
    let knob = plugin.knob;
    let word = plugin.word.as_str();
    let empty = || Node::Seq(Vec::new());
    let transform = |headers: Node| {
        map(vec![
            ("body", empty()),
            ("headers", headers),
            ("querystring", empty()),
        ])
    };
    match plugin.name {
        "key-auth" => map(vec![
            ("anonymous", Node::Null),
            ("hide_credentials", knob.is_multiple_of(2).into()),
            ("key_in_body", false.into()),
            ("key_in_header", true.into()),
            ("key_in_query", (!knob.is_multiple_of(3)).into()),
            ("key_names", strings(&["apikey"])),
            ("realm", Node::Null),
            ("run_on_preflight", true.into()),
        ]),
        "jwt" => map(vec![
            ("anonymous", Node::Null),
            ("claims_to_verify", strings(&["exp"])),
            ("cookie_names", empty()),
            ("header_names", strings(&["authorization"])),
            ("key_claim_name", "iss".into()),
            ("maximum_expiration", 0u32.into()),
            ("realm", Node::Null),
            ("run_on_preflight", true.into()),
            ("secret_is_base64", false.into()),
            ("uri_param_names", strings(&["jwt"])),
        ]),
        "openid-connect" => map(vec![
            ("anonymous", Node::Null),
            ("audience_required", vec![format!("{word}-api")].into()),
            (
                "auth_methods",
                strings(&["authorization_code", "bearer", "introspection"]),
            ),
            ("bearer_token_param_type", strings(&["header"])),
            ("cache_introspection", true.into()),
            ("cache_tokens", true.into()),
            ("client_id", vec![format!("{word}-gateway")].into()),
            ("client_secret", vec![plugin.secret.as_str()].into()),
            ("consumer_claim", Node::Null),
            ("consumer_optional", false.into()),
            ("display_errors", false.into()),
            (
                "issuer",
                "https://login.acme.example/.well-known/openid-configuration".into(),
            ),
            ("leeway", 0u32.into()),
            ("login_action", "upstream".into()),
            ("logout_methods", strings(&["POST", "DELETE"])),
            ("redirect_uri", Node::Null),
            ("response_mode", "query".into()),
            ("scopes", strings(&["openid", "profile"])),
            ("scopes_required", Node::Null),
            ("session_secret", Node::Null),
            ("ssl_verify", true.into()),
            ("timeout", 10_000u32.into()),
            (
                "upstream_access_token_header",
                "authorization:bearer".into(),
            ),
            ("verify_claims", true.into()),
            ("verify_signature", true.into()),
        ]),
        "acl" => map(vec![
            ("allow", vec![word].into()),
            ("always_use_authenticated_groups", false.into()),
            ("deny", Node::Null),
            ("hide_groups_header", false.into()),
            ("include_consumer_groups", false.into()),
        ]),
        "rate-limiting" => map(vec![
            ("day", Node::Null),
            ("error_code", 429u32.into()),
            ("error_message", "API rate limit exceeded".into()),
            ("fault_tolerant", true.into()),
            ("header_name", Node::Null),
            ("hide_client_headers", false.into()),
            ("hour", Node::Null),
            ("limit_by", "consumer".into()),
            ("minute", knob.into()),
            ("month", Node::Null),
            ("path", Node::Null),
            ("policy", if knob > 600 { "redis" } else { "local" }.into()),
            (
                "redis",
                map(vec![
                    ("database", 0u32.into()),
                    (
                        "host",
                        if knob > 600 {
                            "redis.kong.svc.cluster.local".into()
                        } else {
                            Node::Null
                        },
                    ),
                    (
                        "password",
                        if knob > 600 {
                            plugin.secret.as_str().into()
                        } else {
                            Node::Null
                        },
                    ),
                    ("port", 6379u32.into()),
                    ("server_name", Node::Null),
                    ("ssl", false.into()),
                    ("ssl_verify", false.into()),
                    ("timeout", 2000u32.into()),
                    ("username", Node::Null),
                ]),
            ),
            ("second", Node::Null),
            ("sync_rate", Node::Int(-1)),
            ("year", Node::Null),
        ]),
        "cors" => map(vec![
            ("credentials", true.into()),
            ("exposed_headers", Node::Null),
            ("headers", Node::Null),
            ("max_age", 3600u32.into()),
            (
                "methods",
                strings(&["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS"]),
            ),
            ("origins", vec![word].into()),
            ("preflight_continue", false.into()),
            ("private_network", false.into()),
        ]),
        "ip-restriction" => map(vec![
            ("allow", strings(&["10.0.0.0/8", "172.16.0.0/12"])),
            ("deny", Node::Null),
            ("message", Node::Null),
            ("status", Node::Null),
        ]),
        "request-size-limiting" => map(vec![
            ("allowed_payload_size", knob.into()),
            ("require_content_length", false.into()),
            ("size_unit", "megabytes".into()),
        ]),
        "proxy-cache" => map(vec![
            ("cache_control", false.into()),
            ("cache_ttl", knob.into()),
            ("content_type", strings(&["text/plain", "application/json"])),
            ("ignore_uri_case", false.into()),
            (
                "memory",
                map(vec![("dictionary_name", "kong_db_cache".into())]),
            ),
            ("request_method", strings(&["GET", "HEAD"])),
            ("response_code", vec![200u32, 301, 404].into()),
            (
                "response_headers",
                map(vec![
                    ("X-Cache-Key", true.into()),
                    ("X-Cache-Status", true.into()),
                    ("age", true.into()),
                ]),
            ),
            ("storage_ttl", Node::Null),
            ("strategy", "memory".into()),
            ("vary_headers", Node::Null),
            ("vary_query_params", Node::Null),
        ]),
        "prometheus" => map(vec![
            ("bandwidth_metrics", knob.is_multiple_of(2).into()),
            ("latency_metrics", true.into()),
            ("per_consumer", false.into()),
            ("status_code_metrics", true.into()),
            ("upstream_health_metrics", knob.is_multiple_of(3).into()),
        ]),
        "correlation-id" => map(vec![
            ("echo_downstream", false.into()),
            ("generator", "uuid#counter".into()),
            ("header_name", "Kong-Request-ID".into()),
        ]),
        "request-transformer" => map(vec![
            (
                "add",
                transform(vec![format!("x-acme-system:{word}")].into()),
            ),
            ("append", transform(empty())),
            ("http_method", Node::Null),
            ("remove", transform(strings(&["x-internal-debug"]))),
            ("rename", transform(empty())),
            (
                "replace",
                map(vec![
                    ("body", empty()),
                    ("headers", empty()),
                    ("querystring", empty()),
                    ("uri", Node::Null),
                ]),
            ),
        ]),
        "http-log" => map(vec![
            ("content_type", "application/json".into()),
            ("custom_fields_by_lua", Node::Map(Vec::new())),
            ("flush_timeout", Node::Null),
            (
                "headers",
                map(vec![(
                    "Authorization",
                    format!("Bearer {}", plugin.secret).into(),
                )]),
            ),
            (
                "http_endpoint",
                format!("https://logs.acme.example/ingest/{word}").into(),
            ),
            ("keepalive", 60_000u32.into()),
            ("method", "POST".into()),
            ("queue_size", 1u32.into()),
            ("retry_count", 10u32.into()),
            ("timeout", 10_000u32.into()),
        ]),
        _ => Node::Map(Vec::new()),
    }
}

fn gateway_node(service: &GatewayService) -> Node {
    let routes = service
        .routes
        .iter()
        .map(|route| {
            let mut entries: Vec<(&'static str, Node)> = vec![
                ("https_redirect_status_code", 426u32.into()),
                ("id", route.id.as_str().into()),
                ("name", route.name.as_str().into()),
                ("path_handling", "v0".into()),
                ("paths", strings(&route.paths)),
                ("preserve_host", route.preserve_host.into()),
                ("protocols", strings(&route.protocols)),
                ("regex_priority", 0u32.into()),
                ("request_buffering", true.into()),
                ("response_buffering", true.into()),
                ("strip_path", route.strip_path.into()),
            ];
            if !route.hosts.is_empty() {
                entries.push(("hosts", strings(&route.hosts)));
            }
            if !route.methods.is_empty() {
                entries.push(("methods", strings(&route.methods)));
            }
            if !route.plugins.is_empty() {
                entries.push((
                    "plugins",
                    Node::Seq(route.plugins.iter().map(plugin_node).collect()),
                ));
            }
            if !route.tags.is_empty() {
                entries.push(("tags", strings(&route.tags)));
            }
            Node::Map(entries)
        })
        .collect();
    let mut entries: Vec<(&'static str, Node)> = vec![
        ("connect_timeout", service.timeout.into()),
        ("enabled", service.enabled.into()),
        ("host", service.host.as_str().into()),
        ("id", service.id.as_str().into()),
        ("name", service.name.as_str().into()),
        ("port", service.port.into()),
        ("protocol", service.protocol.into()),
        ("read_timeout", service.timeout.into()),
        ("retries", u32::from(service.retries).into()),
        ("routes", Node::Seq(routes)),
        ("tags", strings(&service.tags)),
        ("write_timeout", service.timeout.into()),
    ];
    if let Some(path) = &service.path {
        entries.push(("path", path.as_str().into()));
    }
    if !service.plugins.is_empty() {
        entries.push((
            "plugins",
            Node::Seq(service.plugins.iter().map(plugin_node).collect()),
        ));
    }
    Node::Map(entries)
}

fn consumer_node(consumer: &Consumer) -> Node {
    let mut entries: Vec<(&'static str, Node)> = vec![
        ("custom_id", consumer.custom_id.as_str().into()),
        ("id", consumer.id.as_str().into()),
        (
            "keyauth_credentials",
            Node::Seq(vec![map(vec![
                ("id", consumer.key_auth.0.as_str().into()),
                ("key", consumer.key_auth.1.as_str().into()),
            ])]),
        ),
        ("tags", strings(&consumer.tags)),
        ("username", consumer.username.as_str().into()),
    ];
    if !consumer.acls.is_empty() {
        entries.push((
            "acls",
            Node::Seq(
                consumer
                    .acls
                    .iter()
                    .map(|(id, group)| {
                        map(vec![
                            ("group", group.as_str().into()),
                            ("id", id.as_str().into()),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    if let Some((id, username, password)) = &consumer.basic_auth {
        entries.push((
            "basicauth_credentials",
            Node::Seq(vec![map(vec![
                ("id", id.as_str().into()),
                ("password", password.as_str().into()),
                ("username", username.as_str().into()),
            ])]),
        ));
    }
    if let Some((id, key, secret)) = &consumer.jwt {
        entries.push((
            "jwt_secrets",
            Node::Seq(vec![map(vec![
                ("algorithm", "HS256".into()),
                ("id", id.as_str().into()),
                ("key", key.as_str().into()),
                ("rsa_public_key", Node::Null),
                ("secret", secret.as_str().into()),
            ])]),
        ));
    }
    if let Some(plugin) = &consumer.plugin {
        entries.push(("plugins", Node::Seq(vec![plugin_node(plugin)])));
    }
    Node::Map(entries)
}

/// GitHub's name for a `language` label.
fn github_language(language: &str) -> &'static str {
    match language {
        "go" => "Go",
        "java" => "Java",
        "kotlin" => "Kotlin",
        "python" => "Python",
        "rust" => "Rust",
        "typescript" => "TypeScript",
        "scala" => "Scala",
        "ruby" => "Ruby",
        _ => "Shell",
    }
}

fn label<'s>(service: &'s Service, key: &str) -> &'s str {
    service
        .labels
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v.as_str())
}

fn repository_node(service: &Service, repo: &Repository) -> Node {
    let name = service.name.as_str();
    let api = format!("https://api.github.com/repos/acme/{name}");
    let url = |suffix: &str| Node::Str(format!("{api}{suffix}"));
    let org = "https://api.github.com/users/acme";
    let license = repo.license.map_or(Node::Null, |l| {
        let (key, title, spdx, node) = LICENSES[l];
        map(vec![
            ("key", key.into()),
            ("name", title.into()),
            ("spdx_id", spdx.into()),
            (
                "url",
                if key == "other" {
                    Node::Null
                } else {
                    format!("https://api.github.com/licenses/{key}").into()
                },
            ),
            ("node_id", node.into()),
        ])
    });
    let status = |enabled: bool| {
        map(vec![(
            "status",
            if enabled { "enabled" } else { "disabled" }.into(),
        )])
    };
    let archived = service.lifecycle == Lifecycle::Retired;
    map(vec![
        ("id", repo.id.into()),
        ("node_id", repo.node_id.as_str().into()),
        ("name", name.into()),
        ("full_name", format!("acme/{name}").into()),
        ("private", (repo.visibility != "public").into()),
        (
            "owner",
            map(vec![
                ("login", "acme".into()),
                ("id", 9919u32.into()),
                ("node_id", "MDEyOk9yZ2FuaXphdGlvbjk5MTk=".into()),
                (
                    "avatar_url",
                    "https://avatars.githubusercontent.com/u/9919?v=4".into(),
                ),
                ("gravatar_id", "".into()),
                ("url", org.into()),
                ("html_url", "https://github.com/acme".into()),
                ("followers_url", format!("{org}/followers").into()),
                (
                    "following_url",
                    format!("{org}/following{{/other_user}}").into(),
                ),
                ("gists_url", format!("{org}/gists{{/gist_id}}").into()),
                (
                    "starred_url",
                    format!("{org}/starred{{/owner}}{{/repo}}").into(),
                ),
                ("subscriptions_url", format!("{org}/subscriptions").into()),
                ("organizations_url", format!("{org}/orgs").into()),
                ("repos_url", format!("{org}/repos").into()),
                ("events_url", format!("{org}/events{{/privacy}}").into()),
                (
                    "received_events_url",
                    format!("{org}/received_events").into(),
                ),
                ("type", "Organization".into()),
                ("user_view_type", "public".into()),
                ("site_admin", false.into()),
            ]),
        ),
        ("html_url", format!("https://github.com/acme/{name}").into()),
        ("description", first_sentence(&service.description).into()),
        ("fork", false.into()),
        ("url", url("")),
        ("forks_url", url("/forks")),
        ("keys_url", url("/keys{/key_id}")),
        ("collaborators_url", url("/collaborators{/collaborator}")),
        ("teams_url", url("/teams")),
        ("hooks_url", url("/hooks")),
        ("issue_events_url", url("/issues/events{/number}")),
        ("events_url", url("/events")),
        ("assignees_url", url("/assignees{/user}")),
        ("branches_url", url("/branches{/branch}")),
        ("tags_url", url("/tags")),
        ("blobs_url", url("/git/blobs{/sha}")),
        ("git_tags_url", url("/git/tags{/sha}")),
        ("git_refs_url", url("/git/refs{/sha}")),
        ("trees_url", url("/git/trees{/sha}")),
        ("statuses_url", url("/statuses/{sha}")),
        ("languages_url", url("/languages")),
        ("stargazers_url", url("/stargazers")),
        ("contributors_url", url("/contributors")),
        ("subscribers_url", url("/subscribers")),
        ("subscription_url", url("/subscription")),
        ("commits_url", url("/commits{/sha}")),
        ("git_commits_url", url("/git/commits{/sha}")),
        ("comments_url", url("/comments{/number}")),
        ("issue_comment_url", url("/issues/comments{/number}")),
        ("contents_url", url("/contents/{+path}")),
        ("compare_url", url("/compare/{base}...{head}")),
        ("merges_url", url("/merges")),
        ("archive_url", url("/{archive_format}{/ref}")),
        ("downloads_url", url("/downloads")),
        ("issues_url", url("/issues{/number}")),
        ("pulls_url", url("/pulls{/number}")),
        ("milestones_url", url("/milestones{/number}")),
        (
            "notifications_url",
            url("/notifications{?since,all,participating}"),
        ),
        ("labels_url", url("/labels{/name}")),
        ("releases_url", url("/releases{/id}")),
        ("deployments_url", url("/deployments")),
        ("created_at", iso(repo.created).into()),
        ("updated_at", iso(repo.updated).into()),
        ("pushed_at", iso(repo.pushed).into()),
        (
            "git_url",
            format!("git://github.com/acme/{name}.git").into(),
        ),
        ("ssh_url", format!("git@github.com:acme/{name}.git").into()),
        (
            "clone_url",
            format!("https://github.com/acme/{name}.git").into(),
        ),
        ("svn_url", format!("https://github.com/acme/{name}").into()),
        ("homepage", Node::Null),
        ("size", repo.size.into()),
        ("stargazers_count", repo.stars.into()),
        ("watchers_count", repo.stars.into()),
        (
            "language",
            github_language(label(service, "language")).into(),
        ),
        ("has_issues", true.into()),
        ("has_projects", false.into()),
        ("has_downloads", true.into()),
        ("has_wiki", repo.has_wiki.into()),
        ("has_pages", repo.has_pages.into()),
        ("has_discussions", repo.has_discussions.into()),
        ("forks_count", repo.forks.into()),
        ("mirror_url", Node::Null),
        ("archived", archived.into()),
        ("disabled", false.into()),
        ("open_issues_count", repo.issues.into()),
        ("license", license),
        ("allow_forking", false.into()),
        ("is_template", false.into()),
        ("web_commit_signoff_required", false.into()),
        ("topics", strings(&service.tags)),
        ("visibility", repo.visibility.into()),
        ("forks", repo.forks.into()),
        ("open_issues", repo.issues.into()),
        ("watchers", repo.stars.into()),
        ("default_branch", "main".into()),
        (
            "permissions",
            map(vec![
                ("admin", repo.admin.into()),
                ("maintain", repo.admin.into()),
                ("push", true.into()),
                ("triage", true.into()),
                ("pull", true.into()),
            ]),
        ),
        (
            "security_and_analysis",
            map(vec![
                ("secret_scanning", status(repo.secret_scanning)),
                (
                    "secret_scanning_push_protection",
                    status(repo.secret_scanning),
                ),
                ("dependabot_security_updates", status(!archived)),
            ]),
        ),
    ])
}

// ---------------------------------------------------------------------------------------------
// Rendering the repository files

/// How each language builds, tests and runs.
struct Toolchain {
    setup: &'static str,
    test: &'static str,
    run: &'static str,
}

fn toolchain(language: &str) -> Toolchain {
    match language {
        "go" => Toolchain {
            setup: "      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.23'\n",
            test: "go test ./...",
            run: "go run ./cmd/server",
        },
        "java" => Toolchain {
            setup: "      - uses: actions/setup-java@v4\n        with:\n          distribution: temurin\n          java-version: '21'\n          cache: maven\n",
            test: "./mvnw --batch-mode verify",
            run: "./mvnw spring-boot:run",
        },
        "kotlin" => Toolchain {
            setup: "      - uses: actions/setup-java@v4\n        with:\n          distribution: temurin\n          java-version: '21'\n          cache: gradle\n",
            test: "./gradlew check",
            run: "./gradlew bootRun",
        },
        "python" => Toolchain {
            setup: "      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'\n          cache: pip\n      - run: pip install -r requirements.txt\n",
            test: "pytest -q",
            run: "uvicorn app.main:app --reload",
        },
        "rust" => Toolchain {
            setup: "      - uses: dtolnay/rust-toolchain@stable\n      - uses: Swatinem/rust-cache@v2\n",
            test: "cargo test --locked",
            run: "cargo run",
        },
        "typescript" => Toolchain {
            setup: "      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n          cache: npm\n      - run: npm ci\n",
            test: "npm test",
            run: "npm run dev",
        },
        "scala" => Toolchain {
            setup: "      - uses: actions/setup-java@v4\n        with:\n          distribution: temurin\n          java-version: '21'\n      - uses: sbt/setup-sbt@v1\n",
            test: "sbt test",
            run: "sbt run",
        },
        _ => Toolchain {
            setup: "      - uses: ruby/setup-ruby@v1\n        with:\n          ruby-version: '3.3'\n          bundler-cache: true\n",
            test: "bundle exec rspec",
            run: "bundle exec rails server",
        },
    }
}

/// `docs/README.md` of a service.
pub fn render_readme(service: &Service, teams: &[Team], services: &[Service]) -> String {
    let language = label(service, "language");
    let team = &teams[service.owner];
    let mut out = format!("# {}\n\n{}\n\n", service.title, service.description);
    let _ = writeln!(
        out,
        "Owned by **{}** ([@acme/{}](https://github.com/orgs/acme/teams/{})), tier {}, system `{}`.\n",
        team.title, team.name, team.name, service.tier, service.system
    );
    out.push_str("## How it works\n\n");
    let _ = writeln!(
        out,
        "- Written in {}; deployed to Kubernetes in `{}` with three replicas per zone",
        github_language(language),
        label(service, "region")
    );
    out.push_str("- Configuration comes from the environment; secrets from Vault at start-up\n");
    out.push_str(
        "- Emits Prometheus metrics on `:9090/metrics` and traces through OpenTelemetry\n\n",
    );
    if !service.provides.is_empty() {
        out.push_str("## APIs\n\n");
        for api in &service.provides {
            match &api.spec {
                Some(spec) => {
                    let _ = writeln!(
                        out,
                        "- `{}` ({}): [`{}`](../{})",
                        api.name, api.api_type, spec.path, spec.path
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "- `{}` ({}): {}",
                        api.name, api.api_type, api.description
                    );
                }
            }
        }
        out.push('\n');
    }
    if !service.depends_on.is_empty() {
        out.push_str("## Upstream dependencies\n\n");
        for dependency in &service.depends_on {
            let upstream = &services[dependency.service].name;
            match dependency.detail {
                None => {
                    let _ = writeln!(out, "- `{upstream}`");
                }
                Some((kind, critical)) => {
                    let _ = writeln!(
                        out,
                        "- `{upstream}` ({kind}{})",
                        if critical {
                            ", critical"
                        } else {
                            ", non-critical"
                        }
                    );
                }
            }
        }
        out.push('\n');
    }
    let tools = toolchain(language);
    let _ = write!(
        out,
        "## Local development\n\n```sh\n{}   # http://localhost:8080\n{}   # unit and contract tests\n```\n\n",
        tools.run, tools.test
    );
    out.push_str("## More\n\n");
    for (title, url, _) in &service.links {
        let _ = writeln!(out, "- [{title}]({url})");
    }
    if service.docs.contains(&RUNBOOK) {
        out.push_str("- [Runbook](runbook.md)\n");
    }
    let _ = writeln!(out, "- Chat: `#{}` on Slack", team.name);
    out
}

/// `docs/runbook.md` of a service.
pub fn render_runbook(service: &Service, teams: &[Team]) -> String {
    let team = &teams[service.owner];
    let name = &service.name;
    let mut out = format!("# {} runbook\n\n", service.title);
    let _ = write!(
        out,
        "On-call: **{}** (PagerDuty escalation policy \"{} On-Call\"). Tier {}: {}.\n\n",
        team.title,
        team.title,
        service.tier,
        match service.tier {
            1 => "page immediately, around the clock",
            2 => "page immediately during the day, next morning otherwise",
            _ => "handle during business hours",
        }
    );
    let _ = write!(
        out,
        "## Alerts\n\n\
         | alert | meaning | first step |\n\
         |---|---|---|\n\
         | `{name}-error-rate` | more than 2 % of requests fail for 5 minutes | check the last deploy; roll back if it is recent |\n\
         | `{name}-latency-p99` | p99 above the latency budget for 10 minutes | check the upstream dashboards; scale out |\n\
         | `{name}-saturation` | CPU above 85 % on most pods | scale out; look for a hot tenant |\n\n"
    );
    let _ = write!(
        out,
        "## Dashboards\n\n\
         - Overview: https://grafana.acme.example/d/{name}/overview\n\
         - Logs: https://logs.acme.example/app/discover#/?query=service:{name}\n\n\
         ## Rolling back\n\n\
         ```sh\n\
         kubectl -n {system} rollout undo deployment/{name}\n\
         kubectl -n {system} rollout status deployment/{name}\n\
         ```\n\n\
         ## Failover\n\n\
         1. Confirm the failing region on the overview dashboard.\n\
         2. Drain it: `./scripts/drain {region}` (takes about two minutes).\n\
         3. Watch the error rate recover in the remaining regions, then open an incident review.\n",
        system = service.system,
        region = label(service, "region"),
    );
    out
}

/// The GitHub Actions workflow of a service.
pub fn render_workflow(service: &Service) -> String {
    let name = &service.name;
    let tools = toolchain(label(service, "language"));
    let mut out = String::with_capacity(2048);
    out.push_str("name: Build and deploy\n\non:\n  push:\n    branches: [main]\n  pull_request:\n    branches: [main]\n  workflow_dispatch: {}\n\n");
    out.push_str("permissions:\n  contents: read\n  packages: write\n  id-token: write\n\n");
    let _ = write!(
        out,
        "concurrency:\n  group: {name}-${{{{ github.ref }}}}\n  cancel-in-progress: true\n\n\
         env:\n  SERVICE: {name}\n  IMAGE: ghcr.io/acme/{name}\n\n"
    );
    let _ = write!(
        out,
        "jobs:\n  test:\n    name: Test\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{}      - run: {}\n\n",
        tools.setup, tools.test
    );
    out.push_str(
        "  build:\n    name: Build image\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n\
         \x20     - uses: actions/checkout@v4\n\
         \x20     - uses: docker/setup-buildx-action@v3\n\
         \x20     - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          username: ${{ github.actor }}\n          password: ${{ secrets.GITHUB_TOKEN }}\n\
         \x20     - uses: docker/build-push-action@v6\n        with:\n          push: ${{ github.event_name == 'push' }}\n          tags: ${{ env.IMAGE }}:${{ github.sha }}\n\n",
    );
    let _ = write!(
        out,
        "  deploy-staging:\n    name: Deploy to staging\n    if: github.event_name == 'push'\n    needs: build\n    runs-on: ubuntu-latest\n    environment:\n      name: staging\n      url: https://{name}.staging.acme.example\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy staging ${{{{ github.sha }}}}\n"
    );
    if service.lifecycle == Lifecycle::Production {
        out.push_str(
            "\n  deploy-production:\n    name: Deploy to production\n    needs: deploy-staging\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy production ${{ github.sha }}\n\n\
             \x20 notify:\n    needs: [deploy-production]\n    uses: acme/shared-workflows/.github/workflows/notify.yml@v2\n    secrets: inherit\n",
        );
        let _ = writeln!(out, "    with:\n      channel: '#{name}-deploys'");
    }
    out
}

/// The noun an API of `domain` deals in (singular; the plural adds an `s`).
fn noun(domain: &str) -> &'static str {
    match domain {
        "billing" | "invoicing" => "invoice",
        "payments" => "payment",
        "checkout" => "session",
        "cart" => "cart",
        "catalog" => "product",
        "inventory" => "item",
        "pricing" => "price",
        "search" => "document",
        "orders" => "order",
        "fulfillment" => "shipment",
        "shipping" => "parcel",
        "returns" => "return",
        "ledger" => "posting",
        "fraud" => "assessment",
        "risk" => "score",
        "accounts" => "account",
        "profile" => "profile",
        "loyalty" => "member",
        "rewards" => "reward",
        "notifications" => "notification",
        "messaging" => "message",
        "reviews" => "review",
        "recommendations" => "recommendation",
        "media" => "asset",
        "content" => "article",
        "analytics" | "reporting" => "report",
        "tax" => "rate",
        "subscriptions" => "subscription",
        "marketing" => "audience",
        "campaigns" => "campaign",
        "partners" => "partner",
        "support" => "ticket",
        "warehouse" => "bin",
        "geo" => "location",
        "scheduling" => "slot",
        "onboarding" => "application",
        "auth" => "token",
        "identity" => "user",
        "config" => "setting",
        "events" => "event",
        "storage" => "object",
        "audit" => "record",
        "secrets" => "secret",
        _ => "record",
    }
}

/// The OpenAPI 3.0 spec of `api` (index `api` of the service's provided APIs).
pub fn render_spec(service: &Service, api: usize, teams: &[Team]) -> String {
    let provided = &service.provides[api];
    let Some(plan) = &provided.spec else {
        return String::new();
    };
    let team = &teams[service.owner];
    let noun = noun(service.system);
    let nouns = format!("{noun}s");
    let upper = title_case(noun);
    let uppers = format!("{upper}s");
    let prefix = if api == 0 { "" } else { "/internal" };
    let (major, minor, patch) = plan.version;
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "openapi: 3.0.3\ninfo:\n  title: {title}\n  version: {major}.{minor}.{patch}\n  description: {description}\n  contact:\n    name: {team_title}\n    email: {team}@acme.example\nservers:\n  - url: https://{name}.internal.acme.example/v{major}\ntags:\n  - name: {nouns}\n    description: {upper} operations\nsecurity:\n  - bearerAuth: []\npaths:\n",
        title = super::quoted(&format!(
            "{} {}",
            service.title,
            if api == 0 { "API" } else { "Internal API" }
        )),
        description = super::quoted(&provided.description),
        team_title = super::quoted(&team.title),
        team = team.name,
        name = service.name,
    );
    let _ = write!(
        out,
        "  {prefix}/{nouns}:\n    get:\n      operationId: list{uppers}\n      summary: List {nouns}\n      tags: [{nouns}]\n      parameters:\n        - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 100, default: 20}}}}\n        - {{name: cursor, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: A page of {nouns}.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{upper}Page'}}\n        default: {{$ref: '#/components/responses/Error'}}\n    post:\n      operationId: create{upper}\n      summary: Create a {noun}\n      tags: [{nouns}]\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/{upper}Input'}}\n      responses:\n        '201':\n          description: Created.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{upper}'}}\n        default: {{$ref: '#/components/responses/Error'}}\n"
    );
    let _ = write!(
        out,
        "  {prefix}/{nouns}/{{{noun}Id}}:\n    parameters:\n      - {{name: {noun}Id, in: path, required: true, schema: {{type: string, format: uuid}}}}\n    get:\n      operationId: get{upper}\n      summary: Get a {noun}\n      tags: [{nouns}]\n      responses:\n        '200':\n          description: The {noun}.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{upper}'}}\n        '404': {{$ref: '#/components/responses/Error'}}\n"
    );
    if plan.patch {
        let _ = write!(
            out,
            "    patch:\n      operationId: update{upper}\n      summary: Update a {noun}\n      tags: [{nouns}]\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/{upper}Input'}}\n      responses:\n        '200':\n          description: Updated.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{upper}'}}\n        default: {{$ref: '#/components/responses/Error'}}\n"
        );
    }
    if plan.delete {
        let _ = write!(
            out,
            "    delete:\n      operationId: delete{upper}\n      summary: Delete a {noun}\n      tags: [{nouns}]\n      responses:\n        '204': {{description: Deleted.}}\n        default: {{$ref: '#/components/responses/Error'}}\n"
        );
    }
    if plan.paths >= 3 {
        let _ = write!(
            out,
            "  {prefix}/{nouns}/{{{noun}Id}}/events:\n    get:\n      operationId: list{upper}Events\n      summary: List the change events of a {noun}\n      tags: [{nouns}]\n      parameters:\n        - {{name: {noun}Id, in: path, required: true, schema: {{type: string, format: uuid}}}}\n        - {{name: since, in: query, schema: {{type: string, format: date-time}}}}\n      responses:\n        '200':\n          description: Events, oldest first.\n          content:\n            application/json:\n              schema:\n                type: array\n                items: {{$ref: '#/components/schemas/ChangeEvent'}}\n        default: {{$ref: '#/components/responses/Error'}}\n"
        );
    }
    let _ = write!(
        out,
        "components:\n  securitySchemes:\n    bearerAuth: {{type: http, scheme: bearer, bearerFormat: JWT}}\n  responses:\n    Error:\n      description: An error, as RFC 9457 problem details.\n      content:\n        application/problem+json:\n          schema: {{$ref: '#/components/schemas/Error'}}\n  schemas:\n    {upper}:\n      type: object\n      required: [id, status, createdAt]\n      properties:\n        id: {{type: string, format: uuid, readOnly: true}}\n        status: {{type: string, enum: [pending, active, closed]}}\n        name: {{type: string, maxLength: 200}}\n        amount: {{type: integer, description: In minor units.}}\n        labels:\n          type: object\n          additionalProperties: {{type: string}}\n        createdAt: {{type: string, format: date-time, readOnly: true}}\n        updatedAt: {{type: string, format: date-time, readOnly: true}}\n    {upper}Input:\n      type: object\n      required: [name]\n      properties:\n        name: {{type: string, maxLength: 200}}\n        amount: {{type: integer}}\n        labels:\n          type: object\n          additionalProperties: {{type: string}}\n    {upper}Page:\n      type: object\n      required: [items]\n      properties:\n        items:\n          type: array\n          items: {{$ref: '#/components/schemas/{upper}'}}\n        nextCursor: {{type: string, nullable: true}}\n    ChangeEvent:\n      type: object\n      properties:\n        type: {{type: string}}\n        at: {{type: string, format: date-time}}\n        data: {{type: object}}\n    Error:\n      type: object\n      required: [type, title, status]\n      properties:\n        type: {{type: string, format: uri}}\n        title: {{type: string}}\n        status: {{type: integer}}\n        detail: {{type: string}}\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each spec defines `<Noun>`, `<Noun>Input`, `<Noun>Page`, `ChangeEvent` and `Error`:
    /// no domain's noun may collide with the fixed ones.
    #[test]
    fn spec_schema_names_never_collide() {
        for domain in super::super::DOMAINS
            .iter()
            .chain(super::super::CORE_DOMAINS)
        {
            let upper = title_case(noun(domain));
            for fixed in ["ChangeEvent", "Error"] {
                for name in [
                    upper.clone(),
                    format!("{upper}Input"),
                    format!("{upper}Page"),
                ] {
                    assert_ne!(name, fixed, "{domain}");
                }
            }
        }
    }

    #[test]
    fn timestamps_are_iso_8601() {
        assert_eq!(iso((0, 0)), "1970-01-01T00:00:00Z");
        assert_eq!(iso((FIRST_DAY, 3661)), "2016-01-01T01:01:01Z");
        assert_eq!(iso((LAST_DAY, 86_399)), "2025-06-30T23:59:59Z");
        assert_eq!(iso((19_417, 0)), "2023-03-01T00:00:00Z");
        assert_eq!(iso((19_782, 0)), "2024-02-29T00:00:00Z");
    }
}
