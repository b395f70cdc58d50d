//! The corpus's own scorecards (`scorecards/*.yaml`) and the built-in ones it enables.
//!
//! Two scorecards in the style of `catalog-example/scorecards`, mixing CEL `check`s and
//! built-in templates so that scoring exercises both engines. They refer only to what the
//! generator writes: the `gateway`, `pagerduty` and `github` integrations (not the example's
//! Datadog monitors or mesh), the `acme.example/data-classification` label, team Slack
//! contacts, `links`, `pipelines`, `docs` and `apis`. Their one exemption names the first
//! service, which every corpus has, and expires in 2099, so a check never reports
//! `expired-exemption` or `unknown-service` for it.
//!
//! Without inventories the same scorecards are written: services then fail the criteria that
//! need resources or repository files, which is a score, not a finding.

use catalogc_model::API_VERSION;

/// The built-in scorecards enabled in `catalog.yaml` (all four).
pub const BUILTINS: &str =
    "[service-maturity, service-documentation, kong-best-practices, security-and-compliance]";

/// The directory of the scorecard files, relative to the catalog root.
pub const DIR: &str = "scorecards";

/// `(catalog-relative path, contents)` of each scorecard; `first_service` is the name of the
/// first generated service (the one exemption names it).
pub fn render(first_service: &str) -> Vec<(String, String)> {
    vec![
        (
            format!("{DIR}/api-governance.yaml"),
            format!("apiVersion: {API_VERSION}\n{API_GOVERNANCE}"),
        ),
        (
            format!("{DIR}/production-readiness.yaml"),
            format!(
                "apiVersion: {API_VERSION}\n{}",
                production_readiness(first_service)
            ),
        ),
    ]
}

const API_GOVERNANCE: &str = r##"kind: Scorecard
name: api-governance
title: API governance
description: |
  Services that publish APIs describe them: a spec per API that reads cleanly, a
  description, and HTTP APIs behind the gateway with authentication.
appliesTo: 'has(service.apis) && has(service.apis.provides) && size(service.apis.provides) > 0'
levels: [documented, governed]
criteria:
  - name: every-api-has-a-spec
    level: documented
    section: Specs
    uses: has-api-spec
    message: Add a `spec:` to each entry of `apis.provides`.
  - name: specs-are-valid
    level: documented
    section: Specs
    uses: api-spec-valid
    message: Fix the spec so it reads as OpenAPI 3 / Swagger 2 / AsyncAPI; `catalogc check` locates the problem.
  - name: apis-are-described
    level: documented
    section: Specs
    check: 'service.apis.provides.all(a, has(a.description) && size(a.description) >= 10)'
    message: Describe each provided API in a sentence (`description`).
  - name: http-apis-behind-the-gateway
    level: governed
    section: Gateway
    weight: 2
    check: '!service.apis.provides.exists(a, a.type == "openapi") || resources.exists(r, r.integration == "gateway")'
    message: Route the service's HTTP API through Kong (`gateway:prod/<service>`).
  - name: gateway-authenticates
    level: governed
    section: Gateway
    weight: 2
    uses: gateway-has-plugin
    with: {category: authentication}
    message: Add an authentication plugin (key-auth, jwt, openid-connect) to the gateway service.
  - name: few-dependents-or-tier-1
    title: Widely used APIs are tier 1
    check: 'size(dependents) < 5 || service.tier <= 2'
    message: "An API with five or more consumers is critical; set `tier: 1` or `2`."
"##;

fn production_readiness(first_service: &str) -> String {
    format!(
        r##"kind: Scorecard
name: production-readiness
title: Production readiness
description: |
  What Acme asks of every service that takes production traffic: someone to call, a way to
  deploy, and a way to know it is healthy. Tier-1 services also need a runbook and a paging
  policy that is switched on.
appliesTo: 'service.lifecycle == "production"'
levels: [bronze, silver, gold]
criteria:
  - name: owned-by-a-team-with-chat
    title: The owning team has a chat channel
    level: bronze
    section: Ownership
    check: 'has(service.team) && has(service.team.contacts) && service.team.contacts.exists(c, c.type == "slack")'
    message: "Add a `{{type: slack, value: \"#team-…\"}}` contact to the owning team's descriptor."
  - name: has-oncall
    title: Someone is paged when it breaks
    level: bronze
    weight: 3
    section: Operations
    check: 'resources.exists(r, r.integration == "pagerduty")'
    message: Map the service's PagerDuty service in `resources` (`pagerduty:<id>`).
  - name: deployed-by-a-pipeline
    level: silver
    weight: 2
    section: Delivery
    check: 'has(service.pipelines) && size(service.pipelines) > 0'
    message: List the GitHub Actions workflow that deploys the service under `pipelines`.
  - name: has-dashboard
    level: silver
    section: Observability
    check: 'has(service.links) && service.links.exists(l, has(l.type) && l.type == "dashboard")'
    message: "Add a link of `type: dashboard` (Grafana) to `links`."
  - name: data-classified
    level: silver
    section: Compliance
    check: 'has(service.labels) && "acme.example/data-classification" in service.labels'
    message: Label the service with `acme.example/data-classification`.
  - name: tier-1-runbook
    title: Tier-1 services have a runbook
    level: gold
    weight: 2
    section: Operations
    uses: tier-needs-runbook
    with: {{tier: 1}}
    message: "Link the runbook (`type: runbook`) or add `docs/runbook.md`."
  - name: paging-enabled
    level: gold
    section: Operations
    uses: pagerduty-active
    message: Re-enable the PagerDuty service, or map the one that is in use.
  - name: live-dependencies
    level: gold
    section: Dependencies
    check: 'dependencies.all(d, d.lifecycle == "production" || d.lifecycle == "experimental")'
    message: Move off deprecated and retired dependencies.
  - name: tier-set
    title: Criticality is declared
    section: Ownership
    check: 'has(service.tier)'
    message: Set `tier` (1 most critical … 4).
exemptions:
  - service: {first_service}
    criterion: has-dashboard
    reason: dashboards move to the new observability stack
    expires: 2099-12-31
"##
    )
}
