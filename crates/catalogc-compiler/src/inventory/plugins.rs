//! Kong plugin categories, after the Kong Plugin Hub (<https://docs.konghq.com/hub/>).
//!
//! Scorecards ask questions such as "is every gateway service authenticated and rate
//! limited?"; answering them from categories rather than plugin names keeps them working when
//! a team picks `openid-connect` over `key-auth`. A plugin may sit in several categories: the
//! hub files `acl` under authentication and security, and metrics exporters such as
//! `prometheus` under analytics & monitoring, which the catalog also counts as logging
//! (observability) so one criterion covers both.

/// The categories of a Kong plugin; empty for custom or unknown plugins.
pub(crate) fn categories(plugin: &str) -> &'static [&'static str] {
    const AUTHENTICATION: &[&str] = &["authentication"];
    const AUTHENTICATION_SECURITY: &[&str] = &["authentication", "security"];
    const SECURITY: &[&str] = &["security"];
    const SECURITY_TRAFFIC_CONTROL: &[&str] = &["security", "traffic-control"];
    const TRAFFIC_CONTROL: &[&str] = &["traffic-control"];
    const AI_TRAFFIC_CONTROL: &[&str] = &["ai", "traffic-control"];
    const LOGGING: &[&str] = &["logging"];
    const MONITORING_LOGGING: &[&str] = &["analytics-monitoring", "logging"];
    const TRANSFORMATIONS: &[&str] = &["transformations"];
    const SERVERLESS: &[&str] = &["serverless"];
    const AI: &[&str] = &["ai"];
    match plugin {
        "basic-auth"
        | "hmac-auth"
        | "jwt"
        | "jwt-signer"
        | "key-auth"
        | "key-auth-enc"
        | "ldap-auth"
        | "ldap-auth-advanced"
        | "mtls-auth"
        | "oauth2"
        | "oauth2-introspection"
        | "openid-connect"
        | "session"
        | "vault-auth"
        | "header-cert-auth"
        | "saml"
        | "upstream-oauth" => AUTHENTICATION,
        "acl" => AUTHENTICATION_SECURITY,
        "acme"
        | "bot-detection"
        | "cors"
        | "ip-restriction"
        | "opa"
        | "injection-protection"
        | "json-threat-protection"
        | "xml-threat-protection"
        | "tls-handshake-modifier"
        | "tls-metadata-headers" => SECURITY,
        // Validators reject malformed requests before they reach the upstream: the hub lists
        // them with traffic control, and they are a security control as well.
        "request-validator" | "oas-validation" | "websocket-validator" => SECURITY_TRAFFIC_CONTROL,
        "rate-limiting"
        | "rate-limiting-advanced"
        | "response-ratelimiting"
        | "request-size-limiting"
        | "request-termination"
        | "proxy-cache"
        | "proxy-cache-advanced"
        | "graphql-proxy-cache-advanced"
        | "graphql-rate-limiting-advanced"
        | "canary"
        | "forward-proxy"
        | "mocking"
        | "route-by-header"
        | "upstream-timeout"
        | "redirect"
        | "websocket-size-limit"
        | "service-protection"
        | "degraphql" => TRAFFIC_CONTROL,
        "ai-rate-limiting-advanced" | "ai-semantic-cache" => AI_TRAFFIC_CONTROL,
        "file-log" | "http-log" | "kafka-log" | "loggly" | "syslog" | "tcp-log" | "udp-log" => {
            LOGGING
        }
        "datadog" | "prometheus" | "opentelemetry" | "statsd" | "statsd-advanced" | "zipkin"
        | "app-dynamics" => MONITORING_LOGGING,
        "correlation-id"
        | "request-transformer"
        | "request-transformer-advanced"
        | "response-transformer"
        | "response-transformer-advanced"
        | "route-transformer-advanced"
        | "exit-transformer"
        | "grpc-gateway"
        | "grpc-web"
        | "jq"
        | "kafka-upstream"
        | "kafka-consume"
        | "standard-webhooks"
        | "xml-json-transformer" => TRANSFORMATIONS,
        "aws-lambda" | "azure-functions" | "openwhisk" | "pre-function" | "post-function" => {
            SERVERLESS
        }
        "ai-proxy"
        | "ai-proxy-advanced"
        | "ai-prompt-decorator"
        | "ai-prompt-guard"
        | "ai-prompt-template"
        | "ai-request-transformer"
        | "ai-response-transformer"
        | "ai-semantic-prompt-guard"
        | "ai-azure-content-safety" => AI,
        _ => &[],
    }
}
