//! [`CelEngine`]: scorecard `check` expressions in CEL (SPEC 1.3), over the `cel` crate.
//!
//! The crate parses with a recursive ANTLR parser, evaluates by recursion over the AST and
//! has no evaluation budget, so every bound CEL itself does not give is enforced here:
//!
//! | guard | limit | when |
//! |---|---|---|
//! | bracket nesting `(` `[` `{` | 32 levels | before parsing (text scan) |
//! | expression length | 4,096 characters | before parsing |
//! | parser stack | 64 MiB thread, panics contained | parsing |
//! | AST nodes | 1,000 | after parsing |
//! | AST depth | 100 | after parsing |
//! | comprehension nesting | 2 | after parsing |
//! | variables | `service`, `resources`, `dependencies`, `dependents`, `catalog`, `today` | after parsing |
//! | data nesting of a bound variable | 256 levels | binding |
//! | estimated steps, `nodes × L^nesting` | 10,000,000 | before evaluating |
//! | estimated values copied or compared | 10,000,000 | before evaluating |
//! | evaluation stack | caller's thread up to AST depth 24, else a 16 MiB thread | evaluating |
//!
//! `L` is the largest list or map anywhere in the service's variables: a comprehension
//! iterates at most that many entries, so a rule nested `n` comprehensions deep takes at most
//! about `nodes × L^n` steps. Steps do not cost the same, though: `resources.map(r,
//! resources)` is a few steps that copy every resource once per resource. The second estimate
//! ([`estimated_work`]) follows the sizes of values through the expression to bound what the
//! crate copies and compares.
//!
//! Variables are bound once per service as CEL values (JSON integers as signed integers,
//! `today` as a timestamp) and lent to each evaluation through a [`VariableResolver`]: the
//! crate's `add_variable*` would deep-copy them into every evaluation. Their lists and maps
//! are [`Shared`]: converted once per service, team and resource, a copy is a reference
//! count, so a service's dependencies and a comprehension's variable cost no deep copies.
//! Only the fields expressions read are bound when that is all they read of a variable or
//! of a list's entries ([`CelRule::fields`], [`CelRule::element_fields`]).
//!
//! The work estimate (below) only grows with the data: a rule is admitted once per
//! power-of-two rounding of the data it reads, not walked for every service.
//!
//! The crate panics on some malformed trees (`Can't evaluate Unspecified Expr`); parsing and
//! evaluation run inside [`crate::contain_panic`], so a defect of the crate becomes an error
//! result, never a crash.

use std::collections::HashMap;
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelTimestamp,
    CelUInt,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Env, ExecutionError, ParseErrors, Program, Value};
use serde_json::Value as Json;

use super::engine::{RuleEngine, RuleError, Usage, Variables};
use crate::contain_panic;
use crate::suggest::did_you_mean;

/// Longest expression accepted, in characters.
pub const MAX_SOURCE_CHARS: usize = 4_096;
/// Deepest nesting of `(`, `[` and `{` accepted, checked on the text before parsing: the
/// parser spends about 200 KiB of stack per level in a debug build.
pub const MAX_BRACKET_NESTING: usize = 32;
/// Most AST nodes (after macro expansion) in one expression.
pub const MAX_NODES: usize = 1_000;
/// Deepest AST accepted; evaluation recurses once per level.
pub const MAX_DEPTH: usize = 100;
/// Deepest nesting of comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`).
pub const MAX_COMPREHENSION_NESTING: usize = 2;
/// Most estimated evaluation steps for one service.
pub const MAX_STEPS: u128 = 10_000_000;
/// Deepest nesting of a bound variable's data: the crate copies, compares and drops values
/// by recursion.
pub const MAX_DATA_DEPTH: usize = 256;

/// The parser's stack. A debug build needs about 8 MiB for 32 nested brackets and a few MiB
/// for a 4,096-character chain of calls; release builds a tenth of that.
const PARSER_STACK: usize = 64 << 20;
/// Rules up to this AST depth are evaluated on the caller's thread. A debug build spends 20
/// to 40 KiB of stack per level (a release build about 2 KiB): every kind of node at this
/// depth was measured to evaluate within 512 KiB, a quarter of a rayon worker's 2 MiB.
const INLINE_DEPTH: usize = 24;
/// The stack of the thread deeper rules are evaluated on: 100 levels at 40 KiB, four times.
const EVALUATION_STACK: usize = 16 << 20;

/// The variables an expression may use, in [`Variables`] order.
const VARIABLES: [&str; 6] = [
    "service",
    "resources",
    "dependencies",
    "dependents",
    "catalog",
    "today",
];

/// Type names CEL lets an expression mention as identifiers (`type(x) == string`).
const TYPE_NAMES: [&str; 10] = [
    "bool",
    "bytes",
    "double",
    "int",
    "list",
    "map",
    "null_type",
    "string",
    "type",
    "uint",
];

/// CEL as the scorecard rule language. Cheap to share: the standard environment is built once.
pub struct CelEngine {
    env: Arc<Env>,
    /// The thread expressions are parsed on, started by the first compile.
    parser: std::sync::OnceLock<Result<ParserThread, String>>,
    /// Parses started by [`RuleEngine::prefetch`], by expression, whose results the first
    /// compile of the same expression takes.
    prefetched: std::sync::Mutex<HashMap<String, std::sync::mpsc::Receiver<ParseResult>>>,
}

/// What the parser thread answers.
type ParseResult = Result<CelRule, RuleError>;

/// A parse to run: the expression and where to send the result.
type ParseJob = (String, std::sync::mpsc::Sender<ParseResult>);

/// One thread with a large stack that parses every expression of an engine in turn (see
/// [`PARSER_STACK`]). Starting a thread with such a stack costs about as much as parsing a
/// dozen expressions, so one is started per engine rather than one per expression; it ends
/// when the engine is dropped.
struct ParserThread {
    jobs: std::sync::mpsc::Sender<ParseJob>,
}

impl ParserThread {
    fn start() -> Result<ParserThread, String> {
        let (jobs, queue) = std::sync::mpsc::channel::<ParseJob>();
        std::thread::Builder::new()
            .name("cel-parser".to_owned())
            .stack_size(PARSER_STACK)
            .spawn(move || {
                for (source, reply) in queue {
                    // The parser recurses deeply per level of the grammar, and a parse tree
                    // that passed the scan may still be thousands of nodes deep (`a.f().f()…`),
                    // which dropping it also recurses through: parse, measure and drop a
                    // rejected tree all here.
                    let result = contain_panic(|| parse(&source)).unwrap_or_else(|| {
                        Err(rule_error(
                            &source,
                            Location::Start,
                            "the expression could not be parsed: the CEL parser failed on it \
                             (a defect of the parser; please report it)",
                        ))
                    });
                    // The compile waiting for it may have gone (nothing else to do then).
                    let _ = reply.send(result);
                }
            })
            .map(|_| ParserThread { jobs })
            .map_err(|error| error.to_string())
    }

    fn parse(&self, source: &str) -> Result<CelRule, RuleError> {
        match self.submit(source) {
            Some(result) => receive(source, &result),
            None => Err(parser_failed(source)),
        }
    }

    /// Queues `source`; the receiver gets its parse.
    fn submit(&self, source: &str) -> Option<std::sync::mpsc::Receiver<ParseResult>> {
        let (reply, result) = std::sync::mpsc::channel();
        self.jobs.send((source.to_owned(), reply)).ok()?;
        Some(result)
    }
}

/// Waits for the parse of `source` queued on the parser thread.
fn receive(source: &str, result: &std::sync::mpsc::Receiver<ParseResult>) -> ParseResult {
    result.recv().map_err(|_| parser_failed(source))?
}

fn parser_failed(source: &str) -> RuleError {
    rule_error(
        source,
        Location::Start,
        "the expression could not be parsed: the parser thread failed",
    )
}

impl std::fmt::Debug for CelEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CelEngine").finish_non_exhaustive()
    }
}

impl Default for CelEngine {
    fn default() -> Self {
        CelEngine::new()
    }
}

impl CelEngine {
    pub fn new() -> CelEngine {
        CelEngine {
            // The environment `Program::compile` parses for: the standard functions and macros.
            env: Arc::new(Env::stdlib()),
            parser: std::sync::OnceLock::new(),
            prefetched: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn parser(&self) -> &Result<ParserThread, String> {
        self.parser.get_or_init(ParserThread::start)
    }
}

/// A compiled expression and the shape the guards measured.
#[derive(Debug)]
pub struct CelRule {
    program: Program,
    shape: Shape,
    /// Data measurements, rounded up (see [`CelRule::work_admitted`]), the work estimate was
    /// found within [`MAX_STEPS`] for.
    admitted: std::sync::RwLock<std::collections::HashSet<[u8; 18]>>,
}

/// Most entries of [`CelRule::admitted`]: a few dozen distinct roundings are typical.
const MAX_ADMITTED: usize = 4_096;

impl CelRule {
    /// Whether the work estimate is known to be within [`MAX_STEPS`] for `data` without
    /// walking the expression: the estimate only grows with the data, so passing for the data
    /// of the variables the rule reads rounded up to powers of two means passing for `data`.
    /// Few services differ once rounded, so the walk runs a few times per rule, not once per
    /// service; `false` means the exact estimate has to decide.
    fn work_admitted(&self, data: &[DataExtent; 6]) -> bool {
        // Each measurement as the exponent of the power of two at or above it.
        let exponent = |n: u128| match n {
            0 | 1 => 0,
            n => (128 - (n - 1).leading_zeros()) as u8,
        };
        let power = |exponent: u8| 1u128.checked_shl(exponent.into()).unwrap_or(u128::MAX);
        let mut key = [0u8; 18];
        for (index, extent) in data.iter().enumerate() {
            if self.shape.uses[index] {
                key[3 * index] = exponent(extent.size);
                key[3 * index + 1] = exponent(extent.longest);
                key[3 * index + 2] = exponent(extent.largest_element);
            }
        }
        let known = self
            .admitted
            .read()
            .is_ok_and(|admitted| admitted.contains(&key));
        if known {
            return true;
        }
        let mut rounded = [DataExtent::default(); 6];
        for (index, extent) in rounded.iter_mut().enumerate() {
            *extent = DataExtent {
                size: power(key[3 * index]),
                longest: power(key[3 * index + 1]),
                largest_element: power(key[3 * index + 2]),
                depth: 0,
            };
        }
        if estimated_work(self.program.expression(), &rounded) > MAX_STEPS {
            return false;
        }
        if let Ok(mut admitted) = self.admitted.write()
            && admitted.len() < MAX_ADMITTED
        {
            admitted.insert(key);
        }
        true
    }

    /// AST nodes, after macro expansion.
    pub fn node_count(&self) -> usize {
        self.shape.nodes
    }

    /// AST depth (a single literal is 1).
    pub fn depth(&self) -> usize {
        self.shape.depth
    }

    /// How deeply comprehensions nest (0: none; `a.exists(x, b.all(y, …))`: 2).
    pub fn comprehension_nesting(&self) -> usize {
        self.shape.comprehension_nesting
    }

    /// Whether the expression reads the variable `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.usage(name) != Usage::Unused
    }

    /// The fields of the variable `name` the expression reads, when it reads it only through
    /// them (`service.tier`, `has(service.links)`); `None` when it reads more.
    pub fn fields(&self, name: &str) -> Option<Vec<String>> {
        let fields = self.shape.fields[variable_index(name)?].as_ref()?;
        Some(fields.iter().cloned().collect())
    }

    /// The fields of the entries of the list variable `name` the expression reads, when it
    /// reads them only through those fields; `None` when it reads more.
    pub fn element_fields(&self, name: &str) -> Option<Vec<String>> {
        let fields = self.shape.element_fields[variable_index(name)?].as_ref()?;
        Some(fields.iter().cloned().collect())
    }

    /// How the expression reads the variable `name`.
    pub fn usage(&self, name: &str) -> Usage {
        match variable_index(name) {
            Some(i) if self.shape.beyond_size[i] => Usage::Full,
            Some(i) if self.shape.uses[i] => Usage::Size,
            _ => Usage::Unused,
        }
    }
}

/// One service's variables as CEL values, built once and lent to every evaluation.
#[derive(Debug)]
pub struct CelBindings {
    /// Per variable (in [`VARIABLES`] order): the value, or why it could not be bound.
    values: [Result<Box<dyn Val>, String>; 6],
    /// Per variable: what the cost estimates need to know of its data.
    extents: [DataExtent; 6],
}

impl CelBindings {
    /// The most entries of any list or map in the bound values: a comprehension iterates at
    /// most this many times.
    pub fn largest_collection(&self) -> usize {
        self.extents
            .iter()
            .map(|e| e.longest)
            .max()
            .unwrap_or(0)
            .try_into()
            .unwrap_or(usize::MAX)
    }
}

/// The measurements of one variable's data, taken while binding it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DataExtent {
    /// Its size in values (see [`string_size`]).
    size: u128,
    /// The most entries of any list or map in it.
    longest: u128,
    /// The size of its largest element: any entry of any list or map in it.
    largest_element: u128,
    /// How many lists and maps nest in it (a scalar: 0, `[[1]]`: 2).
    depth: usize,
}

impl DataExtent {
    /// Adds an entry (with a key of `key_size`, 0 for a list's) holding data of `entry` to
    /// the list or map this measures, as [`to_val`] would have measured it.
    fn take_entry(&mut self, key_size: u128, entry: &DataExtent) {
        self.size = self
            .size
            .saturating_add(key_size)
            .saturating_add(entry.size);
        self.longest = self.longest.max(entry.longest);
        self.largest_element = self
            .largest_element
            .max(key_size)
            .max(entry.size)
            .max(entry.largest_element);
        self.depth = self.depth.max(entry.depth + 1);
    }
}

/// A JSON value converted to CEL once, with its measurements; `None` when it nests deeper
/// than [`MAX_DATA_DEPTH`]. Its lists and maps are [`Shared`], so a clone costs a few
/// reference counts whatever the size.
#[derive(Debug, Clone)]
pub struct CelValue(Option<Arc<(Box<dyn Val>, DataExtent)>>);

/// A list or map that is never copied: the crate clones a value each time it binds one to a
/// comprehension's variable (`resources.exists(r, …)` clones every resource) or puts it in a
/// list, and a clone of its own maps and lists copies every entry.
///
/// Every operation goes to the list or map inside, including the crate's own view of it as a
/// built-in list or map (`as_builtin`): equality, `in`, `+` and indexing behave exactly as on
/// the crate's values, in either operand.
#[derive(Debug, Clone)]
struct Shared(Arc<dyn Val>);

/// A [`Shared`] list or map, boxed.
fn shared(value: impl Val + 'static) -> Box<dyn Val> {
    Box::new(Shared(Arc::new(value)))
}

/// What [`Shared::cel_type`] answers; its values have their inner value's type.
static SHARED_TYPE: cel::common::types::Type = cel::common::types::DYN_TYPE;

impl Val for Shared {
    fn get_type(&self) -> &cel::common::types::Type {
        self.0.get_type()
    }

    fn cel_type() -> &'static cel::common::types::Type {
        &SHARED_TYPE
    }

    fn as_adder<'b, 'v>(&'b self) -> Option<&'b (dyn cel::common::traits::Adder + 'v)>
    where
        Self: 'v,
    {
        self.0.as_adder()
    }

    fn as_comparer(&self) -> Option<&dyn cel::common::traits::Comparer> {
        self.0.as_comparer()
    }

    fn as_container(&self) -> Option<&dyn cel::common::traits::Container> {
        self.0.as_container()
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn cel::common::traits::Indexer + 'v)>
    where
        Self: 'v,
    {
        self.0.as_indexer()
    }

    fn into_indexer<'v>(self: Box<Self>) -> Option<Box<dyn cel::common::traits::Indexer + 'v>>
    where
        Self: 'v,
    {
        self.0.as_indexer()?;
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn cel::common::traits::Iterable + 'v)>
    where
        Self: 'v,
    {
        self.0.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn cel::common::traits::Sizer> {
        self.0.as_sizer()
    }

    fn as_zeroer(&self) -> Option<&dyn cel::common::traits::Zeroer> {
        self.0.as_zeroer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.0.equals(other)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        self.0.as_any()
    }

    fn as_builtin<'b, 'v>(&'b self) -> cel::common::value::BuiltinRef<'b, 'v>
    where
        Self: 'v,
    {
        self.0.as_builtin()
    }

    fn into_builtin<'v>(self: Box<Self>) -> Option<cel::common::value::Builtin<'v>>
    where
        Self: 'v,
    {
        // Only the list or map itself is copied: its entries are shared.
        self.0.clone_as_boxed().into_builtin()
    }
}

impl cel::common::traits::Indexer for Shared {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        match self.0.as_indexer() {
            Some(indexer) => indexer.get(idx),
            None => Err(ExecutionError::UnexpectedType {
                got: self.0.get_type().name().to_owned(),
                want: "list or map".to_owned(),
            }),
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

impl RuleEngine for CelEngine {
    type Rule = CelRule;
    type Bound = CelBindings;
    type Value = CelValue;

    fn compile(&self, source: &str) -> Result<CelRule, RuleError> {
        scan(source)?;
        let prefetched = self
            .prefetched
            .lock()
            .ok()
            .and_then(|mut prefetched| prefetched.remove(source));
        if let Some(result) = prefetched {
            return receive(source, &result);
        }
        match self.parser() {
            Ok(parser) => parser.parse(source),
            Err(error) => Err(rule_error(
                source,
                Location::Start,
                &format!("the expression could not be parsed: no thread for the parser ({error})"),
            )),
        }
    }

    fn prefetch(&self, source: &str) {
        // What the scan rejects is never sent to the parser; compile reports it.
        if scan(source).is_err() {
            return;
        }
        let Ok(mut prefetched) = self.prefetched.lock() else {
            return;
        };
        if prefetched.contains_key(source) {
            return;
        }
        if let Ok(parser) = self.parser()
            && let Some(result) = parser.submit(source)
        {
            prefetched.insert(source.to_owned(), result);
        }
    }

    fn usage(&self, rule: &CelRule, name: &str) -> Usage {
        rule.usage(name)
    }

    fn fields(&self, rule: &CelRule, name: &str) -> Option<Vec<String>> {
        rule.fields(name)
    }

    fn element_fields(&self, rule: &CelRule, name: &str) -> Option<Vec<String>> {
        rule.element_fields(name)
    }

    fn value(&self, json: &Json) -> CelValue {
        CelValue(to_val(json).map(|(val, extent)| Arc::new((val, extent))))
    }

    fn list(&self, items: Vec<CelValue>) -> CelValue {
        let mut extent = DataExtent {
            size: 1,
            longest: items.len() as u128,
            ..DataExtent::default()
        };
        let mut values = Vec::with_capacity(items.len());
        for item in &items {
            let Some(item) = &item.0 else {
                return CelValue(None);
            };
            let (value, item_extent) = &**item;
            extent.take_entry(0, item_extent);
            values.push(value.clone());
        }
        if extent.depth > MAX_DATA_DEPTH {
            return CelValue(None);
        }
        CelValue(Some(Arc::new((shared(CelList::from(values)), extent))))
    }

    fn with_entry(&self, object: &CelValue, key: &str, value: CelValue) -> CelValue {
        let (Some(object), Some(value)) = (&object.0, &value.0) else {
            return CelValue(None);
        };
        let (map, mut extent) = (&object.0, object.1);
        let Some(map) = map.downcast_ref::<CelMap>() else {
            return CelValue(Some(Arc::clone(object)));
        };
        // A shallow copy: the entries are shared.
        let mut entries: HashMap<CelMapKey<'static>, Box<dyn Val>> = map
            .inner()
            .iter()
            .map(|(k, v)| (k.clone().into_static(), v.clone()))
            .collect();
        let (value, value_extent) = &**value;
        entries.insert(CelMapKey::from(key.to_owned()), value.clone());
        extent.longest = extent.longest.max(entries.len() as u128);
        extent.take_entry(string_size(key.len()), value_extent);
        if extent.depth > MAX_DATA_DEPTH {
            return CelValue(None);
        }
        CelValue(Some(Arc::new((shared(CelMap::from(entries)), extent))))
    }

    fn bind_values(&self, variables: Variables<CelValue>) -> CelBindings {
        let mut extents = [DataExtent::default(); 6];
        let mut convert = |value: CelValue, index: usize| match value.0 {
            Some(converted) => {
                extents[index] = converted.1;
                Ok(converted.0.clone())
            }
            None => Err(format!(
                "`{}` nests deeper than {MAX_DATA_DEPTH} levels, more than an expression can \
                 be evaluated over",
                VARIABLES[index]
            )),
        };
        let values = [
            convert(variables.service, 0),
            convert(variables.resources, 1),
            convert(variables.dependencies, 2),
            convert(variables.dependents, 3),
            convert(variables.catalog, 4),
            today(&variables.today),
        ];
        extents[5] = DataExtent {
            size: 1,
            ..DataExtent::default()
        };
        CelBindings { values, extents }
    }

    fn evaluate(&self, rule: &CelRule, bound: &CelBindings) -> Result<bool, String> {
        for (index, value) in bound.values.iter().enumerate() {
            if let (true, Err(reason)) = (rule.shape.uses[index], value) {
                return Err(reason.clone());
            }
        }
        let entries = bound.largest_collection().max(1);
        let steps = estimated_steps(rule.shape.nodes, entries, rule.shape.comprehension_nesting);
        if steps > MAX_STEPS {
            return Err(format!(
                "this expression would take too long for this service (up to {} steps over \
                 lists of up to {} entries)",
                thousands(steps),
                thousands(entries as u128)
            ));
        }
        let work = match rule.work_admitted(&bound.extents) {
            true => 0,
            false => estimated_work(rule.program.expression(), &bound.extents),
        };
        if work > MAX_STEPS {
            return Err(format!(
                "this expression would take too long for this service (it would copy or \
                 compare up to {} values of the service's data)",
                thousands(work)
            ));
        }
        if rule.shape.depth <= INLINE_DEPTH {
            return self.run(rule, bound);
        }
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("cel-evaluation".to_owned())
                .stack_size(EVALUATION_STACK)
                .spawn_scoped(scope, || self.run(rule, bound))
                .map(|handle| handle.join())
        });
        match outcome {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(DEFECT.to_owned()),
            Err(error) => Err(format!(
                "this expression could not be evaluated: no thread for it ({error})"
            )),
        }
    }
}

const DEFECT: &str = "the CEL engine failed on this expression (a defect of the engine; \
                      please report it)";

impl CelEngine {
    /// Evaluates on the current thread, with the crate's panics contained.
    fn run(&self, rule: &CelRule, bound: &CelBindings) -> Result<bool, String> {
        contain_panic(|| {
            let resolver = Resolver { bound };
            let mut context = Context::with_env(Arc::clone(&self.env));
            context.set_variable_resolver(&resolver);
            match Value::resolve_val(rule.program.expression(), &context) {
                Ok(value) => match value.downcast_ref::<CelBool>() {
                    Some(result) => Ok(*result.inner()),
                    None => Err(format!(
                        "the expression gives {}, not true or false",
                        with_article(&type_name(value.get_type().name()))
                    )),
                },
                Err(error) => Err(describe_execution_error(&error, rule)),
            }
        })
        .unwrap_or_else(|| Err(DEFECT.to_owned()))
    }
}

/// Lends the bound values to an evaluation without copying them (the crate's own
/// `add_variable*` would deep-copy every variable into each evaluation's context).
struct Resolver<'a> {
    bound: &'a CelBindings,
}

impl VariableResolver for Resolver<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value = self.bound.values[variable_index(variable)?].as_ref().ok()?;
        Some(CowVal::Borrowed(value.as_ref()))
    }
}

fn variable_index(name: &str) -> Option<usize> {
    VARIABLES.iter().position(|v| *v == name)
}

/// `nodes × entries^nesting`, saturating.
fn estimated_steps(nodes: usize, entries: usize, nesting: usize) -> u128 {
    let mut steps = nodes as u128;
    for _ in 0..nesting {
        steps = steps.saturating_mul(entries as u128);
    }
    steps
}

/// What the work estimate knows of a value an expression computes: upper bounds, in values
/// (see [`string_size`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Extent {
    /// The whole value.
    size: u128,
    /// Its entries, if it is a list or map: how many times a comprehension over it iterates.
    length: u128,
    /// Any one of its entries.
    item: u128,
    /// The entries of any list or map nested in it, at any depth.
    inner_length: u128,
    /// Any entry of a list or map nested in it, at any depth.
    inner_item: u128,
}

impl Extent {
    fn scalar(size: u128) -> Extent {
        Extent {
            size,
            ..Extent::default()
        }
    }

    /// A variable: any part of it is bounded by its longest list and largest element.
    fn data(data: &DataExtent) -> Extent {
        Extent {
            size: data.size,
            length: data.longest,
            item: data.largest_element,
            inner_length: data.longest,
            inner_item: data.largest_element,
        }
    }

    /// One of its entries (`x.f`, `x[i]`, a comprehension's variable).
    fn element(self) -> Extent {
        Extent {
            size: self.item,
            length: self.inner_length,
            item: self.inner_item,
            inner_length: self.inner_length,
            inner_item: self.inner_item,
        }
    }

    /// Either of two values (`c ? a : b`).
    fn either(self, other: Extent) -> Extent {
        Extent {
            size: self.size.max(other.size),
            length: self.length.max(other.length),
            item: self.item.max(other.item),
            inner_length: self.inner_length.max(other.inner_length),
            inner_item: self.inner_item.max(other.inner_item),
        }
    }

    /// Both values, concatenated (`a + b`).
    fn concat(self, other: Extent) -> Extent {
        Extent {
            size: self.size.saturating_add(other.size),
            length: self.length.saturating_add(other.length),
            ..self.either(other)
        }
    }

    /// A list or map literal of these parts.
    fn literal(parts: &[Extent]) -> Extent {
        let mut literal = Extent {
            size: 1,
            length: parts.len() as u128,
            ..Extent::default()
        };
        for part in parts {
            literal.size = literal.size.saturating_add(part.size);
            literal.item = literal.item.max(part.size);
            literal.inner_length = literal.inner_length.max(part.length).max(part.inner_length);
            literal.inner_item = literal.inner_item.max(part.item).max(part.inner_item);
        }
        literal
    }

    /// `times` of these concatenated (what `map` and `filter` accumulate).
    fn repeated(self, times: u128) -> Extent {
        Extent {
            size: self.size.saturating_mul(times),
            length: self.length.saturating_mul(times),
            ..self
        }
    }
}

/// Functions whose cost grows with their operands: comparisons walk both sides, string
/// functions their strings.
const SCANNING: [&str; 13] = [
    "_==_",
    "_!=_",
    "_<_",
    "_<=_",
    "_>_",
    "_>=_",
    "@in",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "string",
    "bytes",
];

/// An upper bound on the values an evaluation copies or compares, given the bound data.
///
/// The step count of [`estimated_steps`] bounds how often nodes run, not what each costs:
/// `resources.map(r, resources)` is a handful of steps that copy the whole list once per
/// resource, and `a + a + a + …` copies ever longer lists. The crate copies a value when it
/// iterates over it (each element), builds a list or map literal, adds lists or strings, and
/// appends to a `map`/`filter` result; comparisons and string functions read their operands.
/// This walks the AST once (without recursion) with each node's multiplicity (the iterations
/// of the comprehensions whose loop it is in) and a bound on each value's size.
fn estimated_work(root: &IdedExpr, data: &[DataExtent; 6]) -> u128 {
    enum Step<'a> {
        Enter(&'a IdedExpr, u128, Option<usize>),
        /// The node's children are on `values`, in source order.
        Exit(&'a IdedExpr, u128),
        /// A comprehension's range is on `values`: schedule the other parts.
        Loop(&'a cel::common::ast::ComprehensionExpr, u128, Option<usize>),
    }
    // Comprehension variables in scope: name, parent, and the range an iteration variable
    // walks (`None` for the accumulator).
    let mut scopes: Vec<(&str, Option<usize>, Option<Extent>)> = Vec::new();
    let mut values: Vec<Extent> = Vec::new();
    let mut work: u128 = 0;
    let mut steps = vec![Step::Enter(root, 1, None)];
    while let Some(step) = steps.pop() {
        match step {
            Step::Enter(expr, times, scope) => match &expr.expr {
                Expr::Ident(name) => {
                    let mut value = None;
                    let mut s = scope;
                    while let Some(index) = s {
                        let (variable, parent, range) = scopes[index];
                        if variable == name {
                            // The accumulator of `map`/`filter` is appended to in place.
                            value = Some(range.map_or(Extent::default(), Extent::element));
                            break;
                        }
                        s = parent;
                    }
                    let value = value.unwrap_or_else(|| match variable_index(name) {
                        Some(index) => Extent::data(&data[index]),
                        // A type name.
                        None => Extent::scalar(1),
                    });
                    work = work.saturating_add(times);
                    values.push(value);
                }
                Expr::Literal(literal) => {
                    use cel::common::ast::LiteralValue;
                    let size = match literal {
                        LiteralValue::String(s) => string_size(s.inner().len()),
                        LiteralValue::Bytes(b) => string_size(b.inner().len()),
                        _ => 1,
                    };
                    work = work.saturating_add(times);
                    values.push(Extent::scalar(size));
                }
                Expr::Unspecified => values.push(Extent::scalar(1)),
                Expr::Comprehension(c) => {
                    steps.push(Step::Exit(expr, times));
                    steps.push(Step::Loop(c, times, scope));
                    steps.push(Step::Enter(&c.iter_range, times, scope));
                }
                _ => {
                    steps.push(Step::Exit(expr, times));
                    let first = steps.len();
                    for child in children(expr) {
                        steps.push(Step::Enter(child, times, scope));
                    }
                    // Children run in source order: the first one on top.
                    steps[first..].reverse();
                }
            },
            Step::Loop(c, times, scope) => {
                let range = values.last().copied().unwrap_or_default();
                let iterations = times.saturating_mul(range.length);
                scopes.push((c.accu_var.as_str(), scope, None));
                let accumulator = Some(scopes.len() - 1);
                scopes.push((c.iter_var.as_str(), accumulator, Some(range)));
                let mut body = Some(scopes.len() - 1);
                if let Some(second) = &c.iter_var2 {
                    scopes.push((second.as_str(), body, Some(range)));
                    body = Some(scopes.len() - 1);
                }
                steps.push(Step::Enter(&c.result, times, accumulator));
                steps.push(Step::Enter(&c.loop_step, iterations, body));
                steps.push(Step::Enter(&c.loop_cond, iterations, body));
                steps.push(Step::Enter(&c.accu_init, times, scope));
            }
            Step::Exit(expr, times) => {
                let (value, cost) = match &expr.expr {
                    Expr::Comprehension(_) => {
                        let [range, init, _, step, _] = pop(&mut values);
                        let result = init.concat(step.repeated(range.length));
                        // Every element is copied into the loop variable.
                        (result, range.size)
                    }
                    Expr::Select(select) => {
                        let [operand] = pop(&mut values);
                        if select.test {
                            (Extent::scalar(1), 0)
                        } else {
                            (operand.element(), 0)
                        }
                    }
                    Expr::Call(call) => {
                        let count = call.args.len() + usize::from(call.target.is_some());
                        let operands = values.split_off(values.len().saturating_sub(count));
                        let total = operands
                            .iter()
                            .fold(0u128, |sum, o| sum.saturating_add(o.size));
                        match (call.func_name.as_str(), operands.as_slice()) {
                            ("_+_", [left, right]) => (left.concat(*right), total),
                            ("_?_:_", [_, yes, no]) => (yes.either(*no), 0),
                            ("_[_]", [container, _]) => (container.element(), 0),
                            ("dyn", [value]) => (*value, 0),
                            (name, _) if SCANNING.contains(&name) => (Extent::scalar(1), total),
                            _ => (Extent::scalar(1), 0),
                        }
                    }
                    _ => {
                        // List, map and struct literals copy what they hold.
                        let count = children(expr).count();
                        let parts = values.split_off(values.len().saturating_sub(count));
                        let literal = Extent::literal(&parts);
                        (literal, literal.size)
                    }
                };
                work = work.saturating_add(times.saturating_mul(cost.saturating_add(1)));
                values.push(value);
            }
        }
    }
    work
}

/// The last `N` values, in order (defaults if there are fewer, which the walk never leaves).
fn pop<const N: usize>(values: &mut Vec<Extent>) -> [Extent; N] {
    let mut out = [Extent::default(); N];
    for slot in out.iter_mut().rev() {
        *slot = values.pop().unwrap_or_default();
    }
    out
}

/// The direct children of a node other than a comprehension, in source order.
fn children(expr: &IdedExpr) -> impl Iterator<Item = &IdedExpr> {
    let mut out: Vec<&IdedExpr> = Vec::new();
    match &expr.expr {
        Expr::Select(select) => out.push(&select.operand),
        Expr::Call(call) => {
            out.extend(call.target.as_deref());
            out.extend(call.args.iter());
        }
        Expr::List(list) => out.extend(list.elements.iter()),
        Expr::Map(map) => {
            for entry in &map.entries {
                if let EntryExpr::MapEntry(entry) = &entry.expr {
                    out.push(&entry.key);
                    out.push(&entry.value);
                }
            }
        }
        Expr::Struct(object) => {
            for entry in &object.entries {
                if let EntryExpr::StructField(field) = &entry.expr {
                    out.push(&field.value);
                }
            }
        }
        Expr::Comprehension(c) => out.extend([
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ]),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
    out.into_iter()
}

// ---------------------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------------------

/// Where in the expression a compile error points.
enum Location {
    /// Its first character (problems of the whole expression).
    Start,
    /// A character index.
    Char(usize),
    /// A node, by the crate's source offset (in bytes).
    Offset(u32),
    /// A 1-based line and column from the parser.
    LineColumn(u32, u32),
}

fn rule_error(source: &str, location: Location, message: &str) -> RuleError {
    let (line, column) = match location {
        Location::Start => (1, 1),
        Location::Char(index) => line_column(source.chars().take(index)),
        Location::Offset(offset) => {
            // The crate's node offsets count bytes (its parser's columns count characters).
            let mut end = (offset as usize).min(source.len());
            while !source.is_char_boundary(end) {
                end -= 1;
            }
            line_column(source[..end].chars())
        }
        Location::LineColumn(line, column) => (line.max(1), column.max(1)),
    };
    RuleError {
        message: message.to_owned(),
        line,
        column,
    }
}

/// The 1-based line and column of the character after `before`.
fn line_column(before: impl Iterator<Item = char>) -> (u32, u32) {
    let (mut line, mut column) = (1u32, 1u32);
    for c in before {
        if c == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    (line, column)
}

/// Checks bracket nesting and length on the text, before the recursive parser sees it.
///
/// Brackets inside string literals (`'…'`, `"…"`, triple-quoted, raw `r'…'`) and `//`
/// comments do not count. Unbalanced brackets and unterminated strings are left to the
/// parser, which reports them better.
fn scan(source: &str) -> Result<(), RuleError> {
    let chars: Vec<char> = source.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_BRACKET_NESTING {
                    let what = match chars[i] {
                        '(' => "parentheses",
                        '[' => "brackets",
                        _ => "braces",
                    };
                    return Err(rule_error(
                        source,
                        Location::Char(i),
                        &format!(
                            "the expression nests {what} deeper than {MAX_BRACKET_NESTING} levels"
                        ),
                    ));
                }
                i += 1;
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            quote @ ('\'' | '"') => i = skip_string(&chars, i, quote, is_raw(&chars, i)),
            _ => i += 1,
        }
    }
    if chars.len() > MAX_SOURCE_CHARS {
        return Err(rule_error(
            source,
            Location::Char(MAX_SOURCE_CHARS),
            &format!(
                "the expression is longer than {} characters; split the criterion or move \
                 the logic into a built-in template",
                thousands(MAX_SOURCE_CHARS as u128)
            ),
        ));
    }
    Ok(())
}

/// Whether the quote at `at` opens a raw string: it follows a prefix `r`, `rb` or `br` (any
/// case) that starts a token.
fn is_raw(chars: &[char], at: usize) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = chars[..at]
        .iter()
        .rposition(|c| !is_ident(*c))
        .map_or(0, |p| p + 1);
    let prefix: String = chars[start..at].iter().collect();
    matches!(prefix.to_ascii_lowercase().as_str(), "r" | "rb" | "br")
}

/// The index just after the string literal opening at `at`, or the end of the text.
fn skip_string(chars: &[char], at: usize, quote: char, raw: bool) -> usize {
    let triple = chars.get(at + 1) == Some(&quote) && chars.get(at + 2) == Some(&quote);
    let mut i = at + if triple { 3 } else { 1 };
    while i < chars.len() {
        match chars[i] {
            '\\' if !raw => i += 2,
            c if c == quote => {
                if !triple {
                    return i + 1;
                }
                if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// Parses and measures; runs on the parser thread.
fn parse(source: &str) -> Result<CelRule, RuleError> {
    let program = Program::compile(source).map_err(|errors| parse_error(source, &errors))?;
    let shape = measure(&program, source)?;
    Ok(CelRule {
        program,
        shape,
        admitted: std::sync::RwLock::default(),
    })
}

/// What the guards measure of an AST.
#[derive(Debug, Clone)]
struct Shape {
    nodes: usize,
    depth: usize,
    comprehension_nesting: usize,
    /// Which of [`VARIABLES`] the expression reads.
    uses: [bool; 6],
    /// Which it reads other than through `size()`.
    beyond_size: [bool; 6],
    /// Per variable: the fields it is only ever read through (`service.tier`,
    /// `has(service.links)`), or `None` when it is read otherwise (`size(service)`, passed to
    /// a function, compared, iterated).
    fields: [Option<std::collections::BTreeSet<String>>; 6],
    /// Per variable: the fields its entries are only ever read through, in comprehensions
    /// over it (`dependencies.all(d, d.tier < 3)`), or `None` when they are read otherwise.
    element_fields: [Option<std::collections::BTreeSet<String>>; 6],
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            nodes: 0,
            depth: 0,
            comprehension_nesting: 0,
            uses: [false; 6],
            beyond_size: [false; 6],
            fields: std::array::from_fn(|_| Some(std::collections::BTreeSet::new())),
            element_fields: std::array::from_fn(|_| Some(std::collections::BTreeSet::new())),
        }
    }
}

/// Notes that a value is read through `field` (`x.f`), or otherwise (`None`): the set of
/// fields it is read through is then unknown.
fn record(fields: &mut Option<std::collections::BTreeSet<String>>, field: Option<&str>) {
    match (field, fields.as_mut()) {
        (Some(field), Some(set)) => {
            set.insert(field.to_owned());
        }
        (None, _) => *fields = None,
        (Some(_), None) => {}
    }
}

/// Walks the AST without recursion (it may be thousands of levels deep here) and checks the
/// size, depth, comprehension nesting and variables.
fn measure(program: &Program, source: &str) -> Result<Shape, RuleError> {
    struct Visit<'a> {
        expr: &'a IdedExpr,
        depth: usize,
        /// Comprehensions enclosing this node (through their bodies, not their ranges).
        nesting: usize,
        scope: Option<usize>,
        /// The node is what `size()` measures (`size(x)`, `x.size()`).
        sized: bool,
        /// The node is the operand of a field selection (`x.f`, `has(x.f)`): the field.
        field: Option<&'a str>,
        /// The node is the range of a comprehension whose variable's fields are tracked.
        range: bool,
    }
    let at = |expr: &IdedExpr| match program.source_info().offset_for(expr.id) {
        Some((start, _)) => Location::Offset(start),
        None => Location::Start,
    };
    // Comprehension variables in scope: a linked list through `scopes`, by index, with the
    // variable whose entries an iteration variable walks, when its range is one.
    type Scope<'a> = (&'a str, Option<usize>, Option<usize>);
    let mut scopes: Vec<Scope> = Vec::new();
    // The entry of `name` in scope: `Some(element_of)`.
    let in_scope = |scopes: &[Scope], mut scope: Option<usize>, name: &str| {
        while let Some(index) = scope {
            let (variable, parent, element_of) = scopes[index];
            if variable == name {
                return Some(element_of);
            }
            scope = parent;
        }
        None
    };
    let mut shape = Shape::default();
    let mut stack = vec![Visit {
        expr: program.expression(),
        depth: 1,
        nesting: 0,
        scope: None,
        sized: false,
        field: None,
        range: false,
    }];
    while let Some(Visit {
        expr,
        depth,
        nesting,
        scope,
        sized,
        field,
        range,
    }) = stack.pop()
    {
        shape.nodes += 1;
        if shape.nodes > MAX_NODES {
            return Err(rule_error(
                source,
                Location::Start,
                &format!(
                    "the expression is too large (more than {} parts); split the criterion",
                    thousands(MAX_NODES as u128)
                ),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(rule_error(
                source,
                at(expr),
                &format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        shape.depth = shape.depth.max(depth);
        // A macro, not a closure: a closure cannot take a reference of the AST's lifetime.
        macro_rules! push {
            ($expr:expr, $nesting:expr, $scope:expr) => {
                push!($expr, $nesting, $scope, false, None, false)
            };
            ($expr:expr, $nesting:expr, $scope:expr, $sized:expr) => {
                push!($expr, $nesting, $scope, $sized, None, false)
            };
            ($expr:expr, $nesting:expr, $scope:expr, $sized:expr, $field:expr, $range:expr) => {
                stack.push(Visit {
                    expr: $expr,
                    depth: depth + 1,
                    nesting: $nesting,
                    scope: $scope,
                    sized: $sized,
                    field: $field,
                    range: $range,
                })
            };
        }
        // Children are pushed last to first, so they are checked in source order and the
        // first problem reported is the leftmost.
        match &expr.expr {
            Expr::Ident(name) => {
                if let Some(element_of) = in_scope(&scopes, scope, name) {
                    if let Some(index) = element_of {
                        record(&mut shape.element_fields[index], field);
                    }
                    continue;
                }
                if TYPE_NAMES.contains(&name.as_str()) {
                    continue;
                }
                match variable_index(name) {
                    Some(index) => {
                        shape.uses[index] = true;
                        shape.beyond_size[index] |= !sized;
                        record(&mut shape.fields[index], field);
                        // Its entries are read only through the variable of the
                        // comprehensions it is the range of, unless it is read otherwise.
                        if !sized && !range {
                            shape.element_fields[index] = None;
                        }
                    }
                    None => {
                        let mut candidates: Vec<&str> = VARIABLES.to_vec();
                        let mut s = scope;
                        while let Some(index) = s {
                            candidates.push(scopes[index].0);
                            s = scopes[index].1;
                        }
                        candidates.retain(|c| !c.starts_with('@'));
                        let message = match did_you_mean(name, candidates.iter().copied()) {
                            Some(suggestion) => {
                                format!("unknown variable `{name}`; did you mean `{suggestion}`?")
                            }
                            None => format!(
                                "unknown variable `{name}`; the variables are `service`, \
                                 `resources`, `dependencies`, `dependents`, `catalog` and `today`"
                            ),
                        };
                        return Err(rule_error(source, at(expr), &message));
                    }
                }
            }
            Expr::Select(select) => {
                push!(
                    &select.operand,
                    nesting,
                    scope,
                    false,
                    Some(&select.field),
                    false
                )
            }
            Expr::Call(call) => {
                // `size(x)` and `x.size()` read only how many entries `x` has.
                let size = call.func_name == "size"
                    && usize::from(call.target.is_some()) + call.args.len() == 1;
                for arg in call.args.iter().rev() {
                    push!(arg, nesting, scope, size);
                }
                if let Some(target) = &call.target {
                    push!(target, nesting, scope, size);
                }
            }
            Expr::List(list) => {
                for element in list.elements.iter().rev() {
                    push!(element, nesting, scope);
                }
            }
            Expr::Map(map) => {
                for entry in map.entries.iter().rev() {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        push!(&entry.value, nesting, scope);
                        push!(&entry.key, nesting, scope);
                    }
                }
            }
            Expr::Struct(object) => {
                for entry in object.entries.iter().rev() {
                    if let EntryExpr::StructField(field) = &entry.expr {
                        push!(&field.value, nesting, scope);
                    }
                }
            }
            Expr::Comprehension(comprehension) => {
                let inner = nesting + 1;
                if inner > MAX_COMPREHENSION_NESTING {
                    return Err(rule_error(
                        source,
                        macro_name(source, at(expr)),
                        &format!(
                            "comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) \
                             are nested more than {MAX_COMPREHENSION_NESTING} deep; each level \
                             multiplies the work by the length of a list"
                        ),
                    ));
                }
                shape.comprehension_nesting = shape.comprehension_nesting.max(inner);
                // Over a variable itself (`dependencies.all(d, …)`, one iteration variable),
                // the iteration variable is one of its entries.
                let element_of = match (&comprehension.iter_range.expr, &comprehension.iter_var2) {
                    (Expr::Ident(name), None) if in_scope(&scopes, scope, name).is_none() => {
                        variable_index(name)
                    }
                    _ => None,
                };
                scopes.push((comprehension.accu_var.as_str(), scope, None));
                let result_scope = Some(scopes.len() - 1);
                scopes.push((comprehension.iter_var.as_str(), result_scope, element_of));
                let mut loop_scope = Some(scopes.len() - 1);
                if let Some(second) = &comprehension.iter_var2 {
                    scopes.push((second.as_str(), loop_scope, None));
                    loop_scope = Some(scopes.len() - 1);
                }
                push!(&comprehension.result, inner, result_scope);
                push!(&comprehension.loop_step, inner, loop_scope);
                push!(&comprehension.loop_cond, inner, loop_scope);
                push!(&comprehension.accu_init, inner, scope);
                // The range is evaluated once, outside the loop.
                push!(
                    &comprehension.iter_range,
                    nesting,
                    scope,
                    false,
                    None,
                    element_of.is_some()
                );
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
    Ok(shape)
}

/// A macro's node is placed at its `(`; point at its name (`exists`) instead.
fn macro_name(source: &str, location: Location) -> Location {
    let Location::Offset(offset) = location else {
        return location;
    };
    let Some(before) = source.get(..offset as usize) else {
        return location;
    };
    if !source[offset as usize..].starts_with('(') {
        return location;
    }
    let name = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    if name.len() == before.len() {
        return location;
    }
    Location::Offset(name.len() as u32)
}

/// The parser's first problem, in plain words.
///
/// ANTLR's syntax errors come first when there are any: the parser's own messages that
/// accompany them ("Incomplete `ExprContext`…") describe the broken tree, not the text.
fn parse_error(source: &str, errors: &ParseErrors) -> RuleError {
    let first = errors
        .errors
        .iter()
        .find(|e| e.msg.starts_with("Syntax error: "))
        .or_else(|| errors.errors.first());
    let Some(error) = first else {
        return rule_error(
            source,
            Location::Start,
            "the expression could not be parsed",
        );
    };
    let message = if error.msg == "UNKNOWN" {
        // The parser aborted; the reason is in the wrapped error.
        error
            .source
            .as_ref()
            .map(|e| plain_parse_message(&e.to_string()))
            .unwrap_or_else(|| "the expression could not be parsed".to_owned())
    } else {
        plain_parse_message(&error.msg)
    };
    let (line, column) = error.pos;
    let location = match (u32::try_from(line), u32::try_from(column)) {
        (Ok(line), Ok(column)) if line >= 1 => Location::LineColumn(line, column),
        _ => Location::Start,
    };
    rule_error(source, location, &message)
}

/// Rewrites one of the parser's messages without ANTLR's vocabulary.
fn plain_parse_message(message: &str) -> String {
    let message = message.strip_prefix("Syntax error: ").unwrap_or(message);
    if message.contains("Recursion limit") {
        return "the expression is nested too deeply".to_owned();
    }
    if message.contains("error recovery attempt limit exceeded") {
        return "the expression has too many syntax errors".to_owned();
    }
    if let Some(rest) = message
        .strip_prefix("mismatched input ")
        .or_else(|| message.strip_prefix("extraneous input "))
        && let Some((found, expected)) = rest.split_once(" expecting ")
    {
        return unexpected(found, expected);
    }
    if let Some(rest) = message.strip_prefix("missing ")
        && let Some((missing, at)) = rest.split_once(" at ")
    {
        let missing = token(missing);
        return if at == "'<EOF>'" {
            format!("missing {missing} at the end of the expression")
        } else {
            format!("missing {missing} before {}", token(at))
        };
    }
    if let Some(text) = message.strip_prefix("token recognition error at: ") {
        // ANTLR quotes the text: `'abc'` for the text `abc`, `''abc'` for `'abc`.
        let text = text.strip_prefix('\'').unwrap_or(text);
        let text = text.strip_suffix('\'').unwrap_or(text);
        return if text.starts_with(['"', '\'']) {
            "a string is not closed, or has an invalid escape sequence".to_owned()
        } else {
            format!("unexpected character {}", code(text))
        };
    }
    if let Some(text) = message.strip_prefix("no viable alternative at input ") {
        return format!("cannot make sense of {}", token(text));
    }
    if let Some(word) = message.strip_prefix("reserved identifier: ") {
        return format!("`{word}` is a reserved word and cannot be a name");
    }
    if message == "argument must be a simple name" {
        return "the variable of `all`, `exists`, `exists_one`, `map` or `filter` must be a \
                simple name"
            .to_owned();
    }
    if message == "invalid argument to has() macro" {
        return "`has()` takes a field selection, like `has(service.tier)`".to_owned();
    }
    message.to_owned()
}

fn unexpected(found: &str, expected: &str) -> String {
    let expected = expected_words(expected);
    if found == "'<EOF>'" {
        match expected {
            Some(expected) => format!("the expression ends too early; expected {expected}"),
            None => "the expression ends too early".to_owned(),
        }
    } else {
        match expected {
            Some(expected) => format!("unexpected {}; expected {expected}", token(found)),
            None => format!("unexpected {}", token(found)),
        }
    }
}

/// ANTLR's expected set (`{'[', '(', IDENTIFIER, …}` or a single token) in words; `None`
/// when it lists too much to help.
fn expected_words(expected: &str) -> Option<String> {
    let items: Vec<&str> = expected
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split(", ")
        .map(str::trim)
        .collect();
    let operand = items
        .iter()
        .any(|i| matches!(*i, "IDENTIFIER" | "NUM_INT" | "STRING"));
    if operand {
        return Some("a value".to_owned());
    }
    if items.len() > 4 {
        return None;
    }
    let words: Vec<String> = items.iter().map(|i| token(i)).collect();
    Some(match words.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    })
}

/// An ANTLR token (`'x'`, `<EOF>`) as we quote code.
fn token(token: &str) -> String {
    // ANTLR quotes tokens once: `'<EOF>'`, `')'`, `''a''` for the string literal `'a'`.
    let text = token.strip_prefix('\'').unwrap_or(token);
    let text = text.strip_suffix('\'').unwrap_or(text);
    match text {
        "<EOF>" => "the end of the expression".to_owned(),
        text => code(text),
    }
}

/// `text` quoted as code; a backtick in it would end the quote early.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("{text:?}")
    } else {
        format!("`{text}`")
    }
}

// ---------------------------------------------------------------------------------------
// Binding
// ---------------------------------------------------------------------------------------

/// `today`, `YYYY-MM-DD`, as a timestamp at midnight UTC.
fn today(date: &str) -> Result<Box<dyn Val>, String> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|midnight| {
            Box::new(CelTimestamp::from(midnight.and_utc().fixed_offset())) as Box<dyn Val>
        })
        .ok_or_else(|| format!("`today` is not a date (YYYY-MM-DD): `{date}`"))
}

/// The size of a string in values: copying or comparing 64 bytes costs about as much as one
/// value.
fn string_size(bytes: usize) -> u128 {
    1 + (bytes / 64) as u128
}

/// Converts JSON to a CEL value without recursion, measuring it. `None` when the value nests
/// deeper than [`MAX_DATA_DEPTH`].
///
/// Integers stay integers (`Int`, or `UInt` beyond `i64::MAX`) so `service.tier + 1` works;
/// objects become maps with string keys.
fn to_val(value: &Json) -> Option<(Box<dyn Val>, DataExtent)> {
    /// A list or map being filled, with the size of what it holds so far.
    enum Open<'a> {
        List(std::slice::Iter<'a, Json>, Vec<Box<dyn Val>>, u128),
        Map(
            serde_json::map::Iter<'a>,
            HashMap<CelMapKey<'static>, Box<dyn Val>>,
            Option<&'a str>,
            u128,
        ),
    }
    let mut extent = DataExtent::default();
    let mut open: Vec<Open> = Vec::new();
    let mut next = Some(value);
    loop {
        let (done, size): (Box<dyn Val>, u128) = match next.take() {
            Some(value) => match value {
                Json::Null => (Box::new(CelNull), 1),
                Json::Bool(b) => (Box::new(CelBool::from(*b)), 1),
                Json::Number(n) => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => (Box::new(CelInt::from(i)), 1),
                    (None, Some(u)) => (Box::new(CelUInt::from(u)), 1),
                    (None, None) => (Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))), 1),
                },
                Json::String(s) => (Box::new(CelString::from(s.clone())), string_size(s.len())),
                Json::Array(items) => {
                    if open.len() >= MAX_DATA_DEPTH {
                        return None;
                    }
                    extent.longest = extent.longest.max(items.len() as u128);
                    open.push(Open::List(items.iter(), Vec::with_capacity(items.len()), 1));
                    extent.depth = extent.depth.max(open.len());
                    continue;
                }
                Json::Object(entries) => {
                    if open.len() >= MAX_DATA_DEPTH {
                        return None;
                    }
                    extent.longest = extent.longest.max(entries.len() as u128);
                    open.push(Open::Map(
                        entries.iter(),
                        HashMap::with_capacity(entries.len()),
                        None,
                        1,
                    ));
                    extent.depth = extent.depth.max(open.len());
                    continue;
                }
            },
            // Nothing pending: take the next child of the innermost open list or map, or
            // close it.
            None => match open.last_mut() {
                Some(Open::List(items, _, _)) => {
                    if let Some(item) = items.next() {
                        next = Some(item);
                        continue;
                    }
                    match open.pop() {
                        Some(Open::List(_, values, size)) => (shared(CelList::from(values)), size),
                        _ => return None,
                    }
                }
                Some(Open::Map(entries, _, key, size)) => {
                    if let Some((k, v)) = entries.next() {
                        *key = Some(k.as_str());
                        let key_size = string_size(k.len());
                        *size = size.saturating_add(key_size);
                        // A comprehension over a map iterates its keys.
                        extent.largest_element = extent.largest_element.max(key_size);
                        next = Some(v);
                        continue;
                    }
                    match open.pop() {
                        Some(Open::Map(_, values, _, size)) => (shared(CelMap::from(values)), size),
                        _ => return None,
                    }
                }
                // The loop returns when the root is done, before the stack empties.
                None => return None,
            },
        };
        match open.last_mut() {
            None => {
                extent.size = size;
                return Some((done, extent));
            }
            Some(Open::List(_, values, total)) => {
                values.push(done);
                *total = total.saturating_add(size);
            }
            Some(Open::Map(_, values, key, total)) => {
                if let Some(key) = key.take() {
                    values.insert(CelMapKey::from(key.to_owned()), done);
                }
                *total = total.saturating_add(size);
            }
        }
        extent.largest_element = extent.largest_element.max(size);
    }
}

// ---------------------------------------------------------------------------------------
// Runtime errors
// ---------------------------------------------------------------------------------------

/// A runtime error in plain words.
fn describe_execution_error(error: &ExecutionError, rule: &CelRule) -> String {
    match error {
        ExecutionError::NoSuchKey(key) => match field_path(rule.program.expression(), key) {
            Some(path) => format!(
                "`{path}` is not set for this service (use `has({path})` to test optional \
                 fields)"
            ),
            None => {
                format!("`{key}` is not set for this service (use `has()` to test optional fields)")
            }
        },
        ExecutionError::DivisionByZero(_) => "division by zero".to_owned(),
        ExecutionError::RemainderByZero(_) => "remainder of a division by zero (`% 0`)".to_owned(),
        ExecutionError::Overflow(operation, _, _) => {
            format!("integer overflow in `{}`", arithmetic(operation))
        }
        ExecutionError::NoSuchOverload(overload) => {
            let types: Vec<String> = overload
                .argument_types()
                .iter()
                .map(|t| type_name(t))
                .collect();
            let function = overload.function();
            match operator(function) {
                Some(".") => format!(
                    "cannot select a field of {}",
                    with_article(types.first().map_or("value", String::as_str))
                ),
                Some(operator) => {
                    format!("`{operator}` does not apply to {}", and_list(&types))
                }
                None if overload.is_member_function() && !types.is_empty() => format!(
                    "`{}.{function}()` does not take ({})",
                    types[0],
                    types[1..].join(", ")
                ),
                None => format!("`{function}()` does not take ({})", types.join(", ")),
            }
        }
        ExecutionError::UndeclaredReference(name) => {
            format!("unknown function or variable `{name}`")
        }
        ExecutionError::ValuesNotComparable(left, right) => format!(
            "cannot compare {} with {}",
            with_article(&value_type(left)),
            with_article(&value_type(right))
        ),
        ExecutionError::UnsupportedBinaryOperator(operation, left, right) => format!(
            "`{}` does not apply to {} and {}",
            arithmetic(operation),
            value_type(left),
            value_type(right)
        ),
        ExecutionError::UnexpectedType { got, want } => {
            format!("expected {}, got {}", type_name(want), type_name(got))
        }
        ExecutionError::IndexOutOfBounds(index) => {
            format!("index {} is out of range", display_value(index))
        }
        ExecutionError::UnsupportedIndex(index, target) => format!(
            "cannot index {} with {}",
            with_article(&value_type(target)),
            with_article(&value_type(index))
        ),
        ExecutionError::FunctionError { function, message } => {
            // Some messages span lines (the regex crate's draw a caret under the pattern).
            let message: Vec<&str> = message
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.chars().all(|c| c == '^'))
                .collect();
            format!("`{function}` failed: {}", message.join(" "))
        }
        ExecutionError::InvalidArgumentCount { expected, actual } => {
            format!("expected {expected} arguments, got {actual}")
        }
        ExecutionError::UnsupportedKeyType(key) => {
            format!("{} cannot be a map key", with_article(&value_type(key)))
        }
        ExecutionError::DuplicateKey(key) => {
            format!("the map repeats the key {}", display_value(key))
        }
        ExecutionError::NotSupportedAsMethod { method, target } => format!(
            "`{method}` cannot be called on {}",
            with_article(&value_type(target))
        ),
        ExecutionError::UnsupportedTargetType { target } => {
            format!(
                "unsupported argument: {}",
                with_article(&value_type(target))
            )
        }
        ExecutionError::MissingArgumentOrTarget => {
            "a function is missing its argument or target".to_owned()
        }
        ExecutionError::InternalError(message) => {
            format!("the CEL engine failed: {message}")
        }
        other => other.to_string(),
    }
}

/// The operator of the crate's names for arithmetic (`add`).
fn arithmetic(operation: &str) -> &str {
    match operation {
        "add" => "+",
        "sub" => "-",
        "mul" => "*",
        "div" => "/",
        "rem" => "%",
        "negate" => "unary -",
        other => other,
    }
}

/// The operator a function name stands for.
fn operator(function: &str) -> Option<&'static str> {
    Some(match function {
        "_+_" => "+",
        "_-_" => "-",
        "_*_" => "*",
        "_/_" => "/",
        "_%_" => "%",
        "-_" => "unary -",
        "!_" => "!",
        "_==_" => "==",
        "_!=_" => "!=",
        "_<_" => "<",
        "_<=_" => "<=",
        "_>_" => ">",
        "_>=_" => ">=",
        "_[_]" => "[]",
        "_._" => ".",
        "@in" => "in",
        "_&&_" => "&&",
        "_||_" => "||",
        "_?_:_" => "?:",
        _ => return None,
    })
}

/// The dotted name (`service.links`) of the first selection of `field` on a plain name, for
/// the `has()` hint.
fn field_path(root: &IdedExpr, field: &str) -> Option<String> {
    let mut stack = vec![root];
    while let Some(expr) = stack.pop() {
        match &expr.expr {
            Expr::Select(select) => {
                if select.field == field
                    && !select.test
                    && let Some(mut path) = dotted_name(&select.operand)
                {
                    path.push('.');
                    path.push_str(field);
                    return Some(path);
                }
                stack.push(&select.operand);
            }
            Expr::Call(call) => {
                stack.extend(call.args.iter().rev());
                stack.extend(call.target.as_deref());
            }
            Expr::List(list) => stack.extend(list.elements.iter().rev()),
            Expr::Map(map) => {
                for entry in map.entries.iter().rev() {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        stack.push(&entry.value);
                        stack.push(&entry.key);
                    }
                }
            }
            Expr::Comprehension(c) => {
                stack.extend([&c.result, &c.loop_step, &c.loop_cond, &c.accu_init]);
                stack.push(&c.iter_range);
            }
            Expr::Struct(_) | Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
    None
}

/// `a.b.c` for an identifier with selections on it.
fn dotted_name(expr: &IdedExpr) -> Option<String> {
    let mut segments = Vec::new();
    let mut expr = expr;
    loop {
        match &expr.expr {
            Expr::Ident(name) => {
                segments.push(name.as_str());
                segments.reverse();
                return Some(segments.join("."));
            }
            Expr::Select(select) if !select.test => {
                segments.push(select.field.as_str());
                expr = &select.operand;
            }
            _ => return None,
        }
    }
}

/// A CEL type name as catalog authors know it.
fn type_name(name: &str) -> String {
    match name {
        "google.protobuf.Timestamp" => "timestamp".to_owned(),
        "google.protobuf.Duration" => "duration".to_owned(),
        "null_type" => "null".to_owned(),
        other => other.to_owned(),
    }
}

fn value_type(value: &Value) -> String {
    type_name(&value.type_of().to_string())
}

fn display_value(value: &Value) -> String {
    match value {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => format!("{u}u"),
        Value::String(s) => format!("{s:?}"),
        other => with_article(&value_type(other)),
    }
}

fn with_article(noun: &str) -> String {
    let article = match noun {
        "bytes" => return "bytes".to_owned(),
        "uint" => "a",
        _ if noun.starts_with(['a', 'e', 'i', 'o', 'u']) => "an",
        _ => "a",
    };
    format!("{article} {noun}")
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `10000000` as `10,000,000`.
fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests;
