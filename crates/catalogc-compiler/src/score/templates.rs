//! Built-in criterion templates: named, parameterised checks written in Rust that scorecard
//! criteria use instead of a CEL `check` (`uses: <name>` with `with: {parameters}`, SPEC 1.3).
//!
//! A template is configured once per criterion when the scorecard is compiled
//! ([`configure`]): unknown parameters, missing required ones and values of the wrong type
//! are rejected there with a plain message naming the parameter, so a scorecard that
//! compiles never fails on its parameters later. It is then evaluated once per service
//! ([`evaluate`]) against a [`Subject`]: the service, its owning team, its mapped resources,
//! the files it references, and its direct dependencies.
//!
//! Evaluation is total and pure: every subject gives a [`Verdict`] — pass, fail or skipped,
//! never an error — and anything but a pass says what was found in plain words ("1
//! documentation file; 2 needed"). Values that come from users or inventories are quoted
//! with [`quote`] (sanitised and shortened), and long lists are cut, so a detail stays one
//! readable line whatever the input.
//!
//! The texts of each template (`summary`, `why`, `fix`, parameter descriptions) are what
//! `docs/scorecards.md` and the catalog site show; keep them and that page in step.

use std::collections::BTreeSet;

use catalogc_diagnostics::{quote, sanitize};
use catalogc_model::{ApiType, ContactType, Lifecycle};
use serde_json::{Map, Value};

use super::{Subject, Verdict};
use crate::mapping::MappedResource;
use crate::suggest::did_you_mean;

/// A built-in criterion template.
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    /// The name criteria give in `uses`.
    pub name: &'static str,
    /// What it checks, in one line.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to make a failing service pass.
    pub fix: &'static str,
    /// The parameters it accepts in `with`.
    pub params: &'static [Param],
    /// Which check it is. Private, so the only templates are the ones of [`all`].
    kind: Kind,
}

/// A parameter of a template.
#[derive(Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    /// What it means, its type, its range and its default.
    pub description: &'static str,
    /// Whether `with` must give it. Parameters of an "exactly one of" pair are each
    /// optional; the template's [`configure`] requires one of them.
    pub required: bool,
}

/// A template with its parameters checked and typed, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configured {
    template: &'static Template,
    check: Check,
}

impl Configured {
    /// The template configured.
    pub fn template(&self) -> &'static Template {
        self.template
    }

    /// The parameters in force, defaults included (for the bundle and the site).
    pub fn parameters(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let mut put = |name: &str, value: Value| {
            map.insert(name.to_owned(), value);
        };
        match &self.check {
            Check::HasDescription { min_length } => put("min-length", Value::from(*min_length)),
            Check::HasDocs { min } => put("min", Value::from(*min)),
            Check::HasResources { selector, min } => {
                match selector {
                    ResourceSelector::Integration(name) => {
                        put("integration", Value::from(name.as_str()))
                    }
                    ResourceSelector::Type(name) => put("type", Value::from(name.as_str())),
                }
                put("min", Value::from(*min));
            }
            Check::GatewayHasPlugin(PluginSelector::Name(name)) => {
                put("name", Value::from(name.as_str()))
            }
            Check::GatewayHasPlugin(PluginSelector::Category(category)) => {
                put("category", Value::from(*category))
            }
            Check::TierNeedsRunbook { tier } => put("tier", Value::from(*tier)),
            Check::HasLinks { min, link_type } => {
                put("min", Value::from(*min));
                if let Some(link_type) = link_type {
                    put("type", Value::from(link_type.as_str()));
                }
            }
            Check::HasOwner
            | Check::HasApiSpec
            | Check::ApiSpecValid
            | Check::HasOncall
            | Check::PagerdutyActive
            | Check::GatewayFronted
            | Check::HasPipeline
            | Check::RepoNotArchived
            | Check::NoDeprecatedDependencies
            | Check::HasTier
            | Check::HasRepository => {}
        }
        map
    }
}

/// The checks, one per template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    HasOwner,
    HasDescription,
    HasDocs,
    HasApiSpec,
    ApiSpecValid,
    HasResources,
    HasOncall,
    PagerdutyActive,
    GatewayFronted,
    GatewayHasPlugin,
    HasPipeline,
    RepoNotArchived,
    NoDeprecatedDependencies,
    TierNeedsRunbook,
    HasTier,
    HasLinks,
    HasRepository,
}

/// A check with its typed parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    HasOwner,
    HasDescription {
        min_length: u64,
    },
    HasDocs {
        min: u64,
    },
    HasApiSpec,
    ApiSpecValid,
    HasResources {
        selector: ResourceSelector,
        min: u64,
    },
    HasOncall,
    PagerdutyActive,
    GatewayFronted,
    GatewayHasPlugin(PluginSelector),
    HasPipeline,
    RepoNotArchived,
    NoDeprecatedDependencies,
    TierNeedsRunbook {
        tier: u8,
    },
    HasTier,
    HasLinks {
        min: u64,
        link_type: Option<String>,
    },
    HasRepository,
}

/// Which resources `has-resources` counts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ResourceSelector {
    /// Resources whose key prefix is this (`pagerduty`, `datadog`, `repo`).
    Integration(String),
    /// Resources of this type (`gateway-service`, `api-spec`).
    Type(String),
}

/// Which plugin `gateway-has-plugin` looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PluginSelector {
    /// A plugin by name (`rate-limiting`).
    Name(String),
    /// Any plugin of a category (one of [`PLUGIN_CATEGORIES`]).
    Category(&'static str),
}

/// The Kong plugin categories the gateway inventory records in `pluginCategories` (after
/// the Kong Plugin Hub; see `inventory/plugins.rs`), with the words details use.
const PLUGIN_CATEGORIES: [(&str, &str); 8] = [
    ("authentication", "authentication"),
    ("security", "security"),
    ("traffic-control", "traffic control"),
    ("logging", "logging"),
    ("analytics-monitoring", "analytics & monitoring"),
    ("transformations", "transformation"),
    ("serverless", "serverless"),
    ("ai", "AI"),
];

/// The key prefixes of the built-in integrations the checks look at.
const GATEWAY: &str = "gateway";
const PAGERDUTY: &str = "pagerduty";

/// Most items a detail lists before "and N more".
const MAX_LISTED: usize = 5;
/// Most plugin names a detail lists for one gateway service.
const MAX_PLUGINS_LISTED: usize = 10;
/// Largest `min` accepted for counts of files, resources and links.
const MAX_COUNT: u64 = 1_000;
/// Largest `min-length` accepted (descriptions are at most 10 000 characters).
const MAX_DESCRIPTION_LENGTH: u64 = 10_000;

const MIN_DOCS: Param = Param {
    name: "min",
    description: "The fewest documentation files needed: a whole number from 1 to 1000 (default 1).",
    required: false,
};
const MIN_LENGTH: Param = Param {
    name: "min-length",
    description: "The fewest characters needed, counted after trimming surrounding whitespace: a whole number from 1 to 10000 (default 20).",
    required: false,
};
const RESOURCE_INTEGRATION: Param = Param {
    name: "integration",
    description: "Count resources of this integration, by key prefix: `gateway`, `mesh`, `pagerduty`, `github`, a custom integration's name such as `datadog`, or `repo` for repository files. Exactly one of `integration` and `type`.",
    required: false,
};
const RESOURCE_TYPE: Param = Param {
    name: "type",
    description: "Count resources of this type: `gateway-service`, `mesh-service`, `pagerduty-service`, `github-repository`, a custom type such as `datadog-monitor`, or `doc`, `api-spec`, `pipeline` for repository files. Exactly one of `integration` and `type`.",
    required: false,
};
const MIN_RESOURCES: Param = Param {
    name: "min",
    description: "The fewest matching resources needed: a whole number from 1 to 1000 (default 1).",
    required: false,
};
const PLUGIN_NAME: Param = Param {
    name: "name",
    description: "A Kong plugin name, such as `rate-limiting` or `openid-connect`. Exactly one of `name` and `category`.",
    required: false,
};
const PLUGIN_CATEGORY: Param = Param {
    name: "category",
    description: "A Kong Plugin Hub category: `authentication`, `security`, `traffic-control`, `logging` (log shippers and metrics exporters), `analytics-monitoring`, `transformations`, `serverless` or `ai`. Exactly one of `name` and `category`.",
    required: false,
};
const RUNBOOK_TIER: Param = Param {
    name: "tier",
    description: "The least critical tier that needs a runbook: services of this tier or a more critical one (a lower number) are checked. A whole number from 1 to 4 (default 1).",
    required: false,
};
const MIN_LINKS: Param = Param {
    name: "min",
    description: "The fewest links needed: a whole number from 1 to 1000 (default 1).",
    required: false,
};
const LINK_TYPE: Param = Param {
    name: "type",
    description: "Count only links of this `type`, such as `dashboard`, `runbook` or `docs` (default: every link).",
    required: false,
};

static TEMPLATES: [Template; 17] = [
    Template {
        name: "has-owner",
        summary: "The owning team (`owner`) is a Team in the catalog.",
        why: "Ownership is the base of every other check: a service whose `owner` names no Team descriptor has nobody to page, to review its changes or to ask about it.",
        fix: "Set `owner` to the `name` of a Team descriptor in the catalog's `teams` directory, or add the missing Team descriptor.",
        params: &[],
        kind: Kind::HasOwner,
    },
    Template {
        name: "has-description",
        summary: "The service has a `description` of at least `min-length` characters.",
        why: "The description is what people read first in the catalog and in search results; without one they have to guess what the service does from its name.",
        fix: "Write a sentence or two in `description`: what the service does and for whom.",
        params: &[MIN_LENGTH],
        kind: Kind::HasDescription,
    },
    Template {
        name: "has-docs",
        summary: "At least `min` documentation files listed in `docs` exist and were read.",
        why: "Documentation kept beside the code is reviewed with it; a service without any leaves newcomers and on-call engineers to read the source.",
        fix: "Add Markdown files to the repository (a README, an architecture note, a runbook) and list them in `docs`, relative to the descriptor.",
        params: &[MIN_DOCS],
        kind: Kind::HasDocs,
    },
    Template {
        name: "has-api-spec",
        summary: "Every API in `apis.provides` has a `spec` file that was read; skipped when the service provides no API.",
        why: "Consumers integrate against the specification; an API without one cannot be reviewed, linted, mocked or published to a developer portal.",
        fix: "Give every provided API a `spec:` path to its OpenAPI, AsyncAPI, GraphQL schema or protobuf file, relative to the descriptor, and commit the file.",
        params: &[],
        kind: Kind::HasApiSpec,
    },
    Template {
        name: "api-spec-valid",
        summary: "Every OpenAPI and AsyncAPI spec of the service reads cleanly as its declared type; GraphQL and gRPC specs count once read. Skipped when no spec was read.",
        why: "A spec that does not parse breaks code generators, documentation and gateway configuration built from it, and misleads whoever reads it.",
        fix: "Fix the findings reported in the spec file (`invalid-api-spec` and YAML errors), or correct the API's `type` when the file is of another kind.",
        params: &[],
        kind: Kind::ApiSpecValid,
    },
    Template {
        name: "has-resources",
        summary: "At least `min` mapped resources of an integration (`integration`) or of a resource type (`type`).",
        why: "Mapped resources tie the catalog entry to what runs: monitors, gateway services, on-call schedules. A service without them is known only by what its descriptor says.",
        fix: "Add the resource keys (`<integration>:<id>`) to `resources`; unmapped resources the catalog reports show which ones exist.",
        params: &[RESOURCE_INTEGRATION, RESOURCE_TYPE, MIN_RESOURCES],
        kind: Kind::HasResources,
    },
    Template {
        name: "has-oncall",
        summary: "Someone is on call: a PagerDuty service is mapped, or else the owning team has a `pagerduty` contact.",
        why: "When the service breaks, alerts have to reach a person; without an on-call route they reach no one.",
        fix: "Map the service's PagerDuty service in `resources` (`pagerduty:<service-id>`), or give the owning team a contact of `type: pagerduty`.",
        params: &[],
        kind: Kind::HasOncall,
    },
    Template {
        name: "pagerduty-active",
        summary: "Every mapped PagerDuty service is enabled (status `active`, `warning` or `critical`); skipped when none is mapped.",
        why: "A PagerDuty service that is disabled or in maintenance triggers no incidents: alerts about this service would reach no one. `warning` and `critical` are enabled services with open incidents, so they pass.",
        fix: "Enable the PagerDuty service (or end its maintenance window) and refresh the PagerDuty snapshot, or map the service that is in use.",
        params: &[],
        kind: Kind::PagerdutyActive,
    },
    Template {
        name: "gateway-fronted",
        summary: "At least one Kong gateway service is mapped (a `gateway:` resource).",
        why: "Traffic through the gateway gets authentication, rate limiting and logging in one place instead of in every service.",
        fix: "Put the service behind Kong and map its gateway service in `resources` (`gateway:<control-plane>/<service-name>`).",
        params: &[],
        kind: Kind::GatewayFronted,
    },
    Template {
        name: "gateway-has-plugin",
        summary: "Every mapped Kong gateway service enables the plugin `name`, or a plugin of `category`; skipped when no gateway service is mapped.",
        why: "Plugins are how the gateway protects and observes a service; a gateway service without authentication, rate limiting or logging passes traffic through unchecked.",
        fix: "Enable a fitting plugin on the gateway service or on its routes in the decK configuration, and refresh the gateway snapshot. Global plugins are not attributed to services, so enable it per service or route.",
        params: &[PLUGIN_NAME, PLUGIN_CATEGORY],
        kind: Kind::GatewayHasPlugin,
    },
    Template {
        name: "has-pipeline",
        summary: "At least one file listed in `pipelines` was read as a GitHub Actions workflow.",
        why: "A CI/CD pipeline in the repository makes builds, tests and deployments repeatable and reviewable.",
        fix: "List the service's GitHub Actions workflow files in `pipelines` (e.g. `.github/workflows/deploy.yml`, relative to the descriptor).",
        params: &[],
        kind: Kind::HasPipeline,
    },
    Template {
        name: "repo-not-archived",
        summary: "The service's `repository` is not archived on GitHub; skipped without a `repository`, or when the GitHub inventory does not hold it.",
        why: "An archived repository is read-only: nobody can ship a fix to a service whose code lives there.",
        fix: "Point `repository` at the repository where the code now lives, or unarchive it on GitHub and refresh the GitHub snapshot.",
        params: &[],
        kind: Kind::RepoNotArchived,
    },
    Template {
        name: "no-deprecated-dependencies",
        summary: "No direct dependency (`dependsOn`, or implied by `apis.consumes`) is `deprecated` or `retired`.",
        why: "A deprecated dependency will go away and a retired one is switched off: calls to it fail now or soon.",
        fix: "Move to the replacement of each deprecated or retired dependency and remove it from `dependsOn` (and `apis.consumes`).",
        params: &[],
        kind: Kind::NoDeprecatedDependencies,
    },
    Template {
        name: "tier-needs-runbook",
        summary: "A service of tier `tier` or more critical has a runbook: a link with `type: runbook`, or a documentation file whose file name or title contains \"runbook\". Skipped for less critical services and services without a tier.",
        why: "Critical services are the ones paged at night; a runbook tells whoever is on call how to diagnose and recover them.",
        fix: "Write a runbook and add it as a link with `type: runbook`, or as a file in `docs` whose name or first heading contains \"runbook\".",
        params: &[RUNBOOK_TIER],
        kind: Kind::TierNeedsRunbook,
    },
    Template {
        name: "has-tier",
        summary: "The service has a `tier`.",
        why: "The tier says how critical a service is; alerting, review and runbook requirements follow from it.",
        fix: "Set `tier` from 1 (most critical: an outage stops the business) to 4 (least critical).",
        params: &[],
        kind: Kind::HasTier,
    },
    Template {
        name: "has-links",
        summary: "The service has at least `min` links, of `type` when given.",
        why: "Links take people from the catalog to the dashboards, runbooks and channels they need.",
        fix: "Add entries to `links` (`{title, url, type}`), with the `type` the criterion asks for.",
        params: &[MIN_LINKS, LINK_TYPE],
        kind: Kind::HasLinks,
    },
    Template {
        name: "has-repository",
        summary: "The service names its code `repository`.",
        why: "The repository is where changes, reviews and history live; without it the catalog cannot tell where the code is or whether it is maintained.",
        fix: "Set `repository` to the GitHub resource key of the service's code, e.g. `github:acme/billing`.",
        params: &[],
        kind: Kind::HasRepository,
    },
];

/// Every built-in template, in the order of the documentation.
pub fn all() -> &'static [Template] {
    &TEMPLATES
}

/// The template named `name`.
pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// Checks the parameters `with` of `template` and types them.
///
/// Rejects parameters the template does not have, a missing required one, values of the
/// wrong type or out of range, and both or neither of an "exactly one of" pair; the message
/// names the parameter and says what is expected.
pub fn configure(
    template: &Template,
    with: Option<&Map<String, Value>>,
) -> Result<Configured, String> {
    // Templates cannot be built outside this module, so this finds `template` itself.
    let Some(template) = TEMPLATES.iter().find(|t| t.kind == template.kind) else {
        return Err(format!("there is no template {}", quote(template.name)));
    };
    let empty = Map::new();
    let with = with.unwrap_or(&empty);
    for key in with.keys() {
        if !template.params.iter().any(|p| p.name == key) {
            return Err(unknown_parameter(template, key));
        }
    }
    for param in template.params.iter().filter(|p| p.required) {
        if !with.contains_key(param.name) {
            return Err(format!(
                "`{}` needs the parameter `{}`: {}",
                template.name, param.name, param.description
            ));
        }
    }
    let with = Parameters { template, with };
    let check = match template.kind {
        Kind::HasOwner => Check::HasOwner,
        Kind::HasDescription => Check::HasDescription {
            min_length: with.count("min-length", 20, MAX_DESCRIPTION_LENGTH)?,
        },
        Kind::HasDocs => Check::HasDocs {
            min: with.count("min", 1, MAX_COUNT)?,
        },
        Kind::HasApiSpec => Check::HasApiSpec,
        Kind::ApiSpecValid => Check::ApiSpecValid,
        Kind::HasResources => {
            let selector = match with.one_of("integration", "type")? {
                ("integration", value) => {
                    ResourceSelector::Integration(with.name("integration", value)?)
                }
                (_, value) => ResourceSelector::Type(with.word("type", value)?),
            };
            Check::HasResources {
                selector,
                min: with.count("min", 1, MAX_COUNT)?,
            }
        }
        Kind::HasOncall => Check::HasOncall,
        Kind::PagerdutyActive => Check::PagerdutyActive,
        Kind::GatewayFronted => Check::GatewayFronted,
        Kind::GatewayHasPlugin => {
            Check::GatewayHasPlugin(match with.one_of("name", "category")? {
                ("name", value) => PluginSelector::Name(with.word("name", value)?),
                (_, value) => PluginSelector::Category(with.category(value)?),
            })
        }
        Kind::HasPipeline => Check::HasPipeline,
        Kind::RepoNotArchived => Check::RepoNotArchived,
        Kind::NoDeprecatedDependencies => Check::NoDeprecatedDependencies,
        Kind::TierNeedsRunbook => Check::TierNeedsRunbook {
            tier: with.tier("tier", 1)?,
        },
        Kind::HasTier => Check::HasTier,
        Kind::HasLinks => Check::HasLinks {
            min: with.count("min", 1, MAX_COUNT)?,
            link_type: match with.with.get("type") {
                Some(value) => Some(with.link_type("type", value)?),
                None => None,
            },
        },
        Kind::HasRepository => Check::HasRepository,
    };
    Ok(Configured { template, check })
}

fn unknown_parameter(template: &Template, key: &str) -> String {
    let names: Vec<&str> = template.params.iter().map(|p| p.name).collect();
    if names.is_empty() {
        return format!(
            "`{}` takes no parameters, found {}; remove `with`",
            template.name,
            quote(key)
        );
    }
    match did_you_mean(key, names.iter().copied()) {
        Some(suggestion) => format!(
            "`{}` has no parameter {}; did you mean `{suggestion}`?",
            template.name,
            quote(key)
        ),
        None => format!(
            "`{}` has no parameter {}; its parameters are {}",
            template.name,
            quote(key),
            and_list(names.iter().map(|n| format!("`{n}`")).collect())
        ),
    }
}

/// The `with` of one criterion, read parameter by parameter.
struct Parameters<'a> {
    template: &'static Template,
    with: &'a Map<String, Value>,
}

impl<'a> Parameters<'a> {
    /// A whole number from 1 to `max`, or `default` when absent.
    fn count(&self, name: &str, default: u64, max: u64) -> Result<u64, String> {
        match self.with.get(name) {
            None => Ok(default),
            Some(value) => match value.as_u64() {
                Some(number) if (1..=max).contains(&number) => Ok(number),
                _ => Err(self.expected(name, &format!("a whole number from 1 to {max}"), value)),
            },
        }
    }

    /// A tier from 1 to 4, or `default` when absent.
    fn tier(&self, name: &str, default: u8) -> Result<u8, String> {
        match self.with.get(name) {
            None => Ok(default),
            Some(value) => match value.as_u64().and_then(|n| u8::try_from(n).ok()) {
                Some(tier @ 1..=4) => Ok(tier),
                _ => Err(self.expected(name, "a tier from 1 to 4", value)),
            },
        }
    }

    /// Exactly one of the parameters `a` and `b`: its name and value.
    fn one_of(
        &self,
        a: &'static str,
        b: &'static str,
    ) -> Result<(&'static str, &'a Value), String> {
        match (self.with.get(a), self.with.get(b)) {
            (Some(value), None) => Ok((a, value)),
            (None, Some(value)) => Ok((b, value)),
            (Some(_), Some(_)) => Err(format!(
                "`{}` takes exactly one of the parameters `{a}` and `{b}`, and both are given; keep one",
                self.template.name
            )),
            (None, None) => Err(format!(
                "`{}` needs exactly one of the parameters `{a}` and `{b}`; neither is given",
                self.template.name
            )),
        }
    }

    /// Text without whitespace, at most 100 characters (plugin names, resource types).
    fn word(&self, name: &str, value: &Value) -> Result<String, String> {
        match value.as_str() {
            Some(text)
                if !text.is_empty()
                    && text.chars().count() <= 100
                    && !text.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                Ok(text.to_owned())
            }
            _ => Err(self.expected(name, "a non-empty text without spaces", value)),
        }
    }

    /// A name of lowercase letters, digits and hyphens (integration prefixes).
    fn name(&self, name: &str, value: &Value) -> Result<String, String> {
        match value.as_str() {
            Some(text) if is_name(text) => Ok(text.to_owned()),
            _ => Err(self.expected(
                name,
                "an integration name of lowercase letters, digits and hyphens, such as `pagerduty`",
                value,
            )),
        }
    }

    /// A link type: a lowercase word (`^[a-z][a-z0-9-]{0,31}$`).
    fn link_type(&self, name: &str, value: &Value) -> Result<String, String> {
        let valid = value.as_str().filter(|text| {
            let mut chars = text.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && text.len() <= 32
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
        match valid {
            Some(text) => Ok(text.to_owned()),
            None => Err(self.expected(
                name,
                "a link type: a lowercase word such as `runbook`, `docs` or `dashboard`",
                value,
            )),
        }
    }

    /// One of [`PLUGIN_CATEGORIES`].
    fn category(&self, value: &Value) -> Result<&'static str, String> {
        let known = PLUGIN_CATEGORIES.iter().map(|(name, _)| *name);
        if let Some(text) = value.as_str()
            && let Some(category) = known.clone().find(|name| *name == text)
        {
            return Ok(category);
        }
        let mut message = self.expected(
            "category",
            &format!(
                "one of {}",
                or_list(known.clone().map(|n| format!("`{n}`")).collect())
            ),
            value,
        );
        if let Some(suggestion) = value.as_str().and_then(|text| did_you_mean(text, known)) {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        Err(message)
    }

    fn expected(&self, name: &str, expected: &str, value: &Value) -> String {
        format!(
            "the parameter `{name}` of `{}` must be {expected}, found {}",
            self.template.name,
            found(value)
        )
    }
}

/// A value in words, for parameter errors.
fn found(value: &Value) -> String {
    match value {
        Value::Null => "nothing (an empty value)".to_owned(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("`{number}`"),
        Value::String(text) => format!("the text {}", quote(text)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// Whether `text` is a name: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
fn is_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

/// Evaluates `configured` for one service.
pub fn evaluate(configured: &Configured, subject: &Subject<'_>) -> Verdict {
    match &configured.check {
        Check::HasOwner => has_owner(subject),
        Check::HasDescription { min_length } => has_description(subject, *min_length),
        Check::HasDocs { min } => has_docs(subject, *min),
        Check::HasApiSpec => has_api_spec(subject),
        Check::ApiSpecValid => api_spec_valid(subject),
        Check::HasResources { selector, min } => has_resources(subject, selector, *min),
        Check::HasOncall => has_oncall(subject),
        Check::PagerdutyActive => pagerduty_active(subject),
        Check::GatewayFronted => gateway_fronted(subject),
        Check::GatewayHasPlugin(selector) => gateway_has_plugin(subject, selector),
        Check::HasPipeline => has_pipeline(subject),
        Check::RepoNotArchived => repo_not_archived(subject),
        Check::NoDeprecatedDependencies => no_deprecated_dependencies(subject),
        Check::TierNeedsRunbook { tier } => tier_needs_runbook(subject, *tier),
        Check::HasTier => has_tier(subject),
        Check::HasLinks { min, link_type } => has_links(subject, *min, link_type.as_deref()),
        Check::HasRepository => has_repository(subject),
    }
}

/// Passes when the owner's Team descriptor is in the catalog.
fn has_owner(subject: &Subject<'_>) -> Verdict {
    if subject.team.is_some() {
        return Verdict::pass();
    }
    Verdict::fail(format!(
        "the owner {} is not a team in the catalog",
        quote(&subject.service.value.owner)
    ))
}

/// Passes when the description, trimmed, has at least `min_length` characters (Unicode
/// scalar values).
fn has_description(subject: &Subject<'_>, min_length: u64) -> Verdict {
    let length = subject
        .service
        .value
        .description
        .as_deref()
        .map_or(0, |text| text.trim().chars().count());
    if length as u64 >= min_length {
        return Verdict::pass();
    }
    if length == 0 {
        return Verdict::fail(format!(
            "no `description`; at least {} needed",
            counted(min_length, "character", "characters")
        ));
    }
    Verdict::fail(format!(
        "the description has {}; {min_length} needed",
        counted(length as u64, "character", "characters")
    ))
}

/// Passes when at least `min` distinct documentation files were read. Files that could not
/// be read (missing, escaping the repository, too large) are not counted; each has its own
/// finding. A file that is not UTF-8 text still counts: it exists.
fn has_docs(subject: &Subject<'_>, min: u64) -> Verdict {
    let read: BTreeSet<&str> = subject.files.docs.iter().map(|d| d.path.as_str()).collect();
    let count = read.len() as u64;
    if count >= min {
        return Verdict::pass();
    }
    let listed = subject.service.value.docs.len() as u64;
    if listed == 0 {
        return Verdict::fail(format!(
            "no documentation files listed in `docs`; {min} needed"
        ));
    }
    let files = counted(count, "documentation file", "documentation files");
    // One entry of `subject.files.docs` per listed entry that was read.
    let unread = listed.saturating_sub(subject.files.docs.len() as u64);
    if unread > 0 {
        Verdict::fail(format!(
            "{files}; {min} needed ({unread} of {listed} listed in `docs` could not be read)"
        ))
    } else {
        Verdict::fail(format!("{files}; {min} needed"))
    }
}

/// Passes when every provided API has a `spec` and that file was read (whatever its
/// content: validity is `api-spec-valid`'s question).
fn has_api_spec(subject: &Subject<'_>) -> Verdict {
    let provides = provided_apis(subject);
    if provides.is_empty() {
        return Verdict::skipped("provides no API");
    }
    let mut missing = Vec::new();
    for api in provides {
        match &api.spec {
            None => missing.push(format!("{} has no `spec`", quote(&api.name))),
            Some(spec) => {
                if !subject
                    .files
                    .specs
                    .iter()
                    .any(|s| s.api == api.name.as_str())
                {
                    missing.push(format!(
                        "the spec of {} ({}) could not be read",
                        quote(&api.name),
                        quote(spec)
                    ));
                }
            }
        }
    }
    if missing.is_empty() {
        Verdict::pass()
    } else {
        Verdict::fail(capped(missing, "; "))
    }
}

/// Passes when every spec read is valid: OpenAPI and AsyncAPI specs must have been
/// summarised (they parsed and are documents of the declared type); GraphQL and gRPC specs
/// are not parsed and count as valid once read.
fn api_spec_valid(subject: &Subject<'_>) -> Verdict {
    if subject.files.specs.is_empty() {
        return Verdict::skipped("no API specification was read");
    }
    let provides = provided_apis(subject);
    let mut invalid = Vec::new();
    for spec in &subject.files.specs {
        let api_type = provides
            .iter()
            .find(|api| api.name.as_str() == spec.api)
            .map(|api| api.api_type);
        let unparsed = matches!(api_type, Some(ApiType::Graphql | ApiType::Grpc));
        if spec.spec.is_none() && !unparsed {
            let family = match api_type {
                Some(ApiType::Asyncapi) => "AsyncAPI",
                _ => "OpenAPI",
            };
            invalid.push(format!(
                "{} (API {}) is not a valid {family} document",
                quote(&spec.path),
                quote(&spec.api)
            ));
        }
    }
    if invalid.is_empty() {
        Verdict::pass()
    } else {
        let mut detail = capped(invalid, "; ");
        detail.push_str("; see the findings in the file");
        Verdict::fail(detail)
    }
}

/// Passes when at least `min` distinct mapped resources match the selector.
fn has_resources(subject: &Subject<'_>, selector: &ResourceSelector, min: u64) -> Verdict {
    let matching: BTreeSet<&str> = subject
        .resources
        .iter()
        .filter(|r| match selector {
            ResourceSelector::Integration(name) => r.resource.integration == *name,
            ResourceSelector::Type(name) => r.resource.resource_type == *name,
        })
        .map(|r| r.resource.key.as_str())
        .collect();
    let count = matching.len() as u64;
    if count >= min {
        return Verdict::pass();
    }
    let of = match selector {
        ResourceSelector::Integration(name) => format!("of the {} integration", quote(name)),
        ResourceSelector::Type(name) => format!("of type {}", quote(name)),
    };
    let resources = counted(count, "mapped resource", "mapped resources");
    Verdict::fail(format!("{resources} {of}; {min} needed"))
}

/// Passes when a PagerDuty service is mapped, or else the owning team has a `pagerduty`
/// contact.
fn has_oncall(subject: &Subject<'_>) -> Verdict {
    if subject
        .resources
        .iter()
        .any(|r| r.resource.integration == PAGERDUTY)
    {
        return Verdict::pass();
    }
    match subject.team {
        Some(team)
            if team
                .value
                .contacts
                .iter()
                .any(|c| c.contact_type == ContactType::Pagerduty) =>
        {
            Verdict::pass()
        }
        Some(team) => Verdict::fail(format!(
            "no PagerDuty service is mapped, and team {} has no `pagerduty` contact",
            quote(&team.value.name)
        )),
        None => Verdict::fail(format!(
            "no PagerDuty service is mapped, and the owner {} is not a team in the catalog",
            quote(&subject.service.value.owner)
        )),
    }
}

/// PagerDuty service statuses of an enabled service: `active` (no open incident),
/// `warning` and `critical` (open incidents). `maintenance` and `disabled` trigger nothing.
const PAGERDUTY_ENABLED: [&str; 3] = ["active", "warning", "critical"];

/// Passes when every mapped PagerDuty service has an enabled status; skipped when none is
/// mapped. A service without a `status` in the snapshot fails: nothing shows it is enabled.
fn pagerduty_active(subject: &Subject<'_>) -> Verdict {
    let services = of_integration(subject, PAGERDUTY);
    if services.is_empty() {
        return Verdict::skipped("no PagerDuty service is mapped");
    }
    let mut problems = Vec::new();
    for service in services {
        match service
            .resource
            .attributes
            .get("status")
            .and_then(Value::as_str)
        {
            Some(status) if PAGERDUTY_ENABLED.contains(&status) => {}
            Some(status) => problems.push(format!(
                "{} is {}",
                quote(&service.resource.key),
                quote(status)
            )),
            None => problems.push(format!(
                "{} has no `status` in the snapshot",
                quote(&service.resource.key)
            )),
        }
    }
    if problems.is_empty() {
        Verdict::pass()
    } else {
        Verdict::fail(capped(problems, "; "))
    }
}

/// Passes when a Kong gateway service (a `gateway:` resource) is mapped.
fn gateway_fronted(subject: &Subject<'_>) -> Verdict {
    if of_integration(subject, GATEWAY).is_empty() {
        Verdict::fail("no Kong gateway service is mapped")
    } else {
        Verdict::pass()
    }
}

/// Passes when every mapped gateway service has the plugin, by name in its `plugins`
/// attribute or by category in its `pluginCategories` attribute (both as the gateway
/// inventory records them: enabled plugins of the service and its routes); skipped when no
/// gateway service is mapped.
fn gateway_has_plugin(subject: &Subject<'_>, selector: &PluginSelector) -> Verdict {
    let services = of_integration(subject, GATEWAY);
    if services.is_empty() {
        return Verdict::skipped("no Kong gateway service is mapped");
    }
    let mut problems = Vec::new();
    for service in services {
        let attributes = &service.resource.attributes;
        let plugins = strings(attributes.get("plugins"));
        let found = match selector {
            PluginSelector::Name(name) => plugins.contains(&name.as_str()),
            PluginSelector::Category(category) => {
                strings(attributes.get("pluginCategories")).contains(category)
            }
        };
        if found {
            continue;
        }
        let missing = match selector {
            PluginSelector::Name(name) => format!("does not enable {}", quote(name)),
            PluginSelector::Category(category) => {
                format!("has no {} plugin", category_words(category))
            }
        };
        problems.push(format!(
            "{} {missing} ({})",
            quote(&service.resource.key),
            plugin_list(&plugins)
        ));
    }
    if problems.is_empty() {
        Verdict::pass()
    } else {
        Verdict::fail(capped(problems, "; "))
    }
}

/// Passes when a pipeline file was read as a GitHub Actions workflow.
fn has_pipeline(subject: &Subject<'_>) -> Verdict {
    let pipelines = &subject.files.pipelines;
    if pipelines.iter().any(|p| p.workflow.is_some()) {
        return Verdict::pass();
    }
    let listed = subject.service.value.pipelines.len();
    if listed == 0 {
        return Verdict::fail("no pipelines listed in `pipelines`");
    }
    if pipelines.is_empty() {
        return Verdict::fail(if listed == 1 {
            "the file listed in `pipelines` could not be read".to_owned()
        } else {
            format!("none of the {listed} files listed in `pipelines` could be read")
        });
    }
    Verdict::fail(capped(
        pipelines
            .iter()
            .map(|p| format!("{} is not a GitHub Actions workflow", quote(&p.path)))
            .collect(),
        "; ",
    ))
}

/// Fails when the repository's GitHub resource is archived; skipped without a
/// `repository`, or when no mapped GitHub resource has its key (no GitHub inventory is
/// configured, or the repository is missing from it, which has its own finding).
fn repo_not_archived(subject: &Subject<'_>) -> Verdict {
    let Some(repository) = &subject.service.value.repository else {
        return Verdict::skipped("no `repository`");
    };
    let Some(resource) = subject
        .resources
        .iter()
        .find(|r| r.resource.key == repository.as_str())
    else {
        return Verdict::skipped(format!(
            "{} is not in a GitHub inventory",
            quote(repository)
        ));
    };
    if resource.resource.attributes.get("archived") == Some(&Value::Bool(true)) {
        Verdict::fail(format!("{} is archived", quote(repository)))
    } else {
        Verdict::pass()
    }
}

/// Fails when a direct dependency is `deprecated` or `retired`, naming each.
fn no_deprecated_dependencies(subject: &Subject<'_>) -> Verdict {
    let mut flagged: Vec<(&str, Lifecycle)> = subject
        .dependencies
        .iter()
        .map(|d| (d.value.name.as_str(), d.value.lifecycle))
        .filter(|(_, lifecycle)| matches!(lifecycle, Lifecycle::Deprecated | Lifecycle::Retired))
        .collect();
    flagged.sort();
    flagged.dedup();
    if flagged.is_empty() {
        return Verdict::pass();
    }
    let named = flagged
        .iter()
        .map(|(name, lifecycle)| format!("{} ({})", quote(name), lifecycle.as_str()))
        .collect();
    Verdict::fail(format!("depends on {}", capped(named, ", ")))
}

/// For a service of tier `tier` or lower (more critical), passes when it has a runbook: a
/// link with `type: runbook`, or a documentation file read whose file name or title
/// contains "runbook" in any case. Skipped without a tier or above `tier`.
fn tier_needs_runbook(subject: &Subject<'_>, tier: u8) -> Verdict {
    let service = &subject.service.value;
    let Some(service_tier) = service.tier else {
        return Verdict::skipped("no `tier`");
    };
    if service_tier > tier {
        let covered = if tier == 1 {
            "only tier 1 needs a runbook".to_owned()
        } else {
            format!("only tiers 1 to {tier} need a runbook")
        };
        return Verdict::skipped(format!("tier {service_tier}; {covered}"));
    }
    let linked = service
        .links
        .iter()
        .any(|l| l.link_type.as_deref() == Some("runbook"));
    let documented = subject.files.docs.iter().any(|doc| {
        let file_name = doc.path.rsplit('/').next().unwrap_or(&doc.path);
        mentions_runbook(file_name)
            || doc
                .doc
                .as_ref()
                .and_then(|d| d.title.as_deref())
                .is_some_and(mentions_runbook)
    });
    if linked || documented {
        Verdict::pass()
    } else {
        Verdict::fail(format!(
            "tier {service_tier} with no runbook: no link with `type: runbook`, and no documentation file named or titled \"runbook\""
        ))
    }
}

fn mentions_runbook(text: &str) -> bool {
    text.to_lowercase().contains("runbook")
}

/// Passes when `tier` is set.
fn has_tier(subject: &Subject<'_>) -> Verdict {
    if subject.service.value.tier.is_some() {
        Verdict::pass()
    } else {
        Verdict::fail("no `tier`")
    }
}

/// Passes when the service has at least `min` links (of `link_type` when given).
fn has_links(subject: &Subject<'_>, min: u64, link_type: Option<&str>) -> Verdict {
    let count = subject
        .service
        .value
        .links
        .iter()
        .filter(|l| link_type.is_none() || l.link_type.as_deref() == link_type)
        .count() as u64;
    if count >= min {
        return Verdict::pass();
    }
    let links = counted(count, "link", "links");
    match link_type {
        Some(link_type) => Verdict::fail(format!("{links} with `type: {link_type}`; {min} needed")),
        None => Verdict::fail(format!("{links}; {min} needed")),
    }
}

/// Passes when `repository` is set (whether it maps a GitHub resource is checked when the
/// catalog is compiled).
fn has_repository(subject: &Subject<'_>) -> Verdict {
    if subject.service.value.repository.is_some() {
        Verdict::pass()
    } else {
        Verdict::fail("no `repository`")
    }
}

fn provided_apis<'s>(subject: &Subject<'s>) -> &'s [catalogc_model::ProvidedApi] {
    subject
        .service
        .value
        .apis
        .as_ref()
        .map_or(&[], |apis| apis.provides.as_slice())
}

/// The mapped resources of one integration, each once, in key order.
fn of_integration<'s>(subject: &Subject<'s>, integration: &str) -> Vec<&'s MappedResource> {
    let mut found: Vec<&MappedResource> = subject
        .resources
        .iter()
        .copied()
        .filter(|r| r.resource.integration == integration)
        .collect();
    found.sort_by(|a, b| a.resource.key.cmp(&b.resource.key));
    found.dedup_by(|a, b| a.resource.key == b.resource.key);
    found
}

/// The strings of a list attribute (other items and other types are ignored).
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn category_words(category: &str) -> &str {
    PLUGIN_CATEGORIES
        .iter()
        .find(|(name, _)| *name == category)
        .map_or(category, |(_, words)| words)
}

/// "plugins: a, b" or "no plugins", cut after [`MAX_PLUGINS_LISTED`] names.
fn plugin_list(plugins: &[&str]) -> String {
    if plugins.is_empty() {
        return "no plugins".to_owned();
    }
    let mut shown: Vec<String> = plugins
        .iter()
        .take(MAX_PLUGINS_LISTED)
        .map(|p| sanitize(p))
        .collect();
    if plugins.len() > MAX_PLUGINS_LISTED {
        shown.push(format!("and {} more", plugins.len() - MAX_PLUGINS_LISTED));
    }
    format!("plugins: {}", shown.join(", "))
}

/// "no x", "1 x", "n xs".
fn counted(count: u64, singular: &str, plural: &str) -> String {
    match count {
        0 => format!("no {plural}"),
        1 => format!("1 {singular}"),
        n => format!("{n} {plural}"),
    }
}

/// Items joined by `separator`, the first [`MAX_LISTED`] of them, then "and N more".
fn capped(items: Vec<String>, separator: &str) -> String {
    let total = items.len();
    let mut shown: Vec<String> = items.into_iter().take(MAX_LISTED).collect();
    if total > MAX_LISTED {
        shown.push(format!("and {} more", total - MAX_LISTED));
    }
    shown.join(separator)
}

/// "a", "a and b", "a, b and c".
fn and_list(items: Vec<String>) -> String {
    joined(items, "and")
}

/// "a", "a or b", "a, b or c".
fn or_list(items: Vec<String>) -> String {
    joined(items, "or")
}

fn joined(mut items: Vec<String>, word: &str) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} {word} {last}", items.join(", ")),
    }
}

#[cfg(test)]
mod tests;
