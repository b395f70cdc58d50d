//! The rule engine behind scorecard `check` expressions, hidden behind a small trait so the
//! expression language's implementation can change without touching scoring.
//!
//! Expressions are compiled once per run ([`RuleEngine::compile`]), the variables of each
//! service are bound once ([`RuleEngine::bind`]) and every compiled rule is evaluated against
//! them ([`RuleEngine::evaluate`]). Evaluation is pure: no I/O, no clock (`today` is bound),
//! bounded cost, and an engine defect becomes an error result, never a crash.

use serde_json::Value;

/// The variables an expression sees for one service (SPEC 1.3), as JSON (`V = Value`) or as
/// values already converted for the engine ([`RuleEngine::Value`]).
///
/// Integers are JSON integers and become signed integers in the engine, so
/// `service.tier + 1` works. Absent optional fields are absent (test them with `has()`).
/// A variable no compiled rule reads is left `null`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables<V = Value> {
    /// The service: fields as written, plus `team` (the owning Team).
    pub service: V,
    /// Its mapped resources: `key`, `integration`, `type`, `id`, `name`, `attributes`.
    pub resources: V,
    /// Direct upstream services (same shape as `service`, without `team`).
    pub dependencies: V,
    /// Direct downstream services.
    pub dependents: V,
    /// Counts and team names of the catalog.
    pub catalog: V,
    /// The evaluation date, `YYYY-MM-DD` (bound as a timestamp at midnight UTC).
    pub today: String,
}

/// How an expression reads a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Usage {
    /// Not at all.
    #[default]
    Unused,
    /// Only its size (`size(x)`, `x.size()`): a list of as many nulls gives the same result.
    Size,
    /// Its contents.
    Full,
}

/// Why an expression does not compile, with its position inside the expression (1-based
/// line and column, counted in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// An expression language for scorecard criteria.
pub trait RuleEngine: Send + Sync {
    /// A compiled expression, shared by every evaluation.
    type Rule: Send + Sync;
    /// One service's variables in the engine's own representation.
    type Bound: Send + Sync;
    /// A JSON value converted for the engine. Converted once and shared: a service is a
    /// dependency of each of its dependents, and a resource can be mapped by several
    /// services, so cloning one must be cheap.
    type Value: Clone + Send + Sync;

    /// Compiles `source`, rejecting what could run unbounded (deep nesting, oversized
    /// expressions, comprehensions nested deeper than allowed).
    fn compile(&self, source: &str) -> Result<Self::Rule, RuleError>;

    /// A hint that `source` will be compiled soon: an engine may start compiling it in the
    /// background now, so that [`RuleEngine::compile`] finds it done. The result is the
    /// same as without the hint. (Does nothing unless an engine overrides it.)
    fn prefetch(&self, _source: &str) {}

    /// How `rule` reads the variable `name` (`service`, `resources`, …): variables no rule
    /// reads are not built, and lists only counted are built without their entries.
    fn usage(&self, rule: &Self::Rule, name: &str) -> Usage;

    /// The fields of the variable `name` that `rule` reads, when it reads nothing else of it
    /// (`service.tier`, `has(service.links)`): the others need not be bound. `None` when it
    /// reads more (the whole value, `size()` of it, comprehensions over it).
    fn fields(&self, rule: &Self::Rule, name: &str) -> Option<Vec<String>>;

    /// The fields of the entries of the list variable `name` that `rule` reads, when it reads
    /// nothing else of them (`dependencies.all(d, d.tier < 3)`); `None` when it reads more.
    fn element_fields(&self, rule: &Self::Rule, name: &str) -> Option<Vec<String>>;

    /// Converts a JSON value.
    fn value(&self, json: &Value) -> Self::Value;

    /// A list of converted values, as [`RuleEngine::value`] of the JSON array of their JSON
    /// would give.
    fn list(&self, items: Vec<Self::Value>) -> Self::Value;

    /// A converted JSON object with `key` set to `value` (unchanged if it is not an object).
    fn with_entry(&self, object: &Self::Value, key: &str, value: Self::Value) -> Self::Value;

    /// Binds one service's converted variables.
    fn bind_values(&self, variables: Variables<Self::Value>) -> Self::Bound;

    /// Converts and binds one service's variables.
    fn bind(&self, variables: &Variables) -> Self::Bound {
        self.bind_values(Variables {
            service: self.value(&variables.service),
            resources: self.value(&variables.resources),
            dependencies: self.value(&variables.dependencies),
            dependents: self.value(&variables.dependents),
            catalog: self.value(&variables.catalog),
            today: variables.today.clone(),
        })
    }

    /// Evaluates `rule`. `Ok(true)`/`Ok(false)` for a boolean result; `Err(reason)` for
    /// anything else: a runtime error (missing field, division by zero, overflow), a result
    /// that is not a boolean, a cost over the budget, or a defect of the engine.
    fn evaluate(&self, rule: &Self::Rule, bound: &Self::Bound) -> Result<bool, String>;
}
