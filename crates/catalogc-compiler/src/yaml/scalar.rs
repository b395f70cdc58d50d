//! Resolution of YAML scalars to JSON values under the YAML 1.2 core schema.
//!
//! Only plain (unquoted) scalars are resolved; quoted and block scalars are always strings.
//! `true`/`false` (and their capitalised spellings) are the only booleans, so `yes`, `no`,
//! `on` and `off` stay strings.

use serde_json::{Number, Value};

/// Why a scalar has no JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalarProblem {
    /// `.nan`, `.inf`: JSON has no such numbers.
    NotFinite,
    /// An integer beyond 64 bits.
    OutOfRange,
    /// A core tag whose content does not fit (`!!int abc`).
    BadTaggedValue(&'static str),
}

/// The tags of the core schema catalogc understands, by suffix of `tag:yaml.org,2002:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Seq,
    Map,
}

impl CoreTag {
    pub fn from_suffix(suffix: &str) -> Option<CoreTag> {
        Some(match suffix {
            "str" => CoreTag::Str,
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "bool" => CoreTag::Bool,
            "null" => CoreTag::Null,
            "seq" => CoreTag::Seq,
            "map" => CoreTag::Map,
            _ => return None,
        })
    }
}

/// Resolves a plain scalar by the core schema's implicit rules.
pub fn resolve_plain(text: &str) -> Result<Value, ScalarProblem> {
    if let Some(value) = null_or_bool(text) {
        return Ok(value);
    }
    if let Some(int) = integer(text) {
        return int;
    }
    if let Some(float) = float(text) {
        return float;
    }
    Ok(Value::String(text.to_owned()))
}

/// Resolves a scalar carrying an explicit core tag.
pub fn resolve_tagged(text: &str, tag: CoreTag) -> Result<Value, ScalarProblem> {
    match tag {
        CoreTag::Str => Ok(Value::String(text.to_owned())),
        CoreTag::Null => match text {
            "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
            _ => Err(ScalarProblem::BadTaggedValue("null")),
        },
        CoreTag::Bool => match null_or_bool(text) {
            Some(value @ Value::Bool(_)) => Ok(value),
            _ => Err(ScalarProblem::BadTaggedValue("boolean")),
        },
        CoreTag::Int => integer(text).unwrap_or(Err(ScalarProblem::BadTaggedValue("integer"))),
        CoreTag::Float => match integer(text) {
            Some(Ok(Value::Number(n))) => n
                .as_f64()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or(ScalarProblem::OutOfRange),
            Some(Err(problem)) => Err(problem),
            _ => float(text).unwrap_or(Err(ScalarProblem::BadTaggedValue("number"))),
        },
        CoreTag::Seq | CoreTag::Map => Err(ScalarProblem::BadTaggedValue("collection")),
    }
}

fn null_or_bool(text: &str) -> Option<Value> {
    Some(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => return None,
    })
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn integer(text: &str) -> Option<Result<Value, ScalarProblem>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if text.len() == digits.len() {
        if let Some(octal) = digits.strip_prefix("0o") {
            (8, octal)
        } else if let Some(hex) = digits.strip_prefix("0x") {
            (16, hex)
        } else {
            (10, digits)
        }
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = match u128::from_str_radix(digits, radix) {
        Ok(m) => m,
        Err(_) => return Some(Err(ScalarProblem::OutOfRange)),
    };
    let value = if negative {
        i64::try_from(magnitude)
            .ok()
            .map(|m| Number::from(-m))
            .or_else(|| (magnitude == 1u128 << 63).then(|| Number::from(i64::MIN)))
    } else {
        u64::try_from(magnitude).ok().map(Number::from)
    };
    Some(value.map(Value::Number).ok_or(ScalarProblem::OutOfRange))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf`, `\.nan`.
fn float(text: &str) -> Option<Result<Value, ScalarProblem>> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Err(ScalarProblem::NotFinite));
    }
    if !is_core_float(unsigned) {
        return None;
    }
    let parsed: f64 = text.parse().ok()?;
    Some(
        Number::from_f64(parsed)
            .map(Value::Number)
            .ok_or(ScalarProblem::NotFinite),
    )
}

fn is_core_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let fraction = digits(&mut i);
        if whole == 0 && fraction == 0 {
            return false;
        }
    } else if whole == 0 {
        return false;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_true_and_false_are_booleans() {
        assert_eq!(resolve_plain("true"), Ok(json!(true)));
        assert_eq!(resolve_plain("False"), Ok(json!(false)));
        for word in ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"] {
            assert_eq!(resolve_plain(word), Ok(json!(word)), "{word}");
        }
    }

    #[test]
    fn nulls() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(text), Ok(Value::Null));
        }
        assert_eq!(resolve_plain("nil"), Ok(json!("nil")));
    }

    #[test]
    fn integers() {
        assert_eq!(resolve_plain("42"), Ok(json!(42)));
        assert_eq!(resolve_plain("-7"), Ok(json!(-7)));
        assert_eq!(resolve_plain("+3"), Ok(json!(3)));
        assert_eq!(resolve_plain("0o17"), Ok(json!(15)));
        assert_eq!(resolve_plain("0x1F"), Ok(json!(31)));
        assert_eq!(resolve_plain("18446744073709551615"), Ok(json!(u64::MAX)));
        assert_eq!(resolve_plain("-9223372036854775808"), Ok(json!(i64::MIN)));
        assert_eq!(
            resolve_plain("123456789012345678901234567890"),
            Err(ScalarProblem::OutOfRange)
        );
        // Not integers under the core schema: YAML 1.1 octal and sexagesimal.
        assert_eq!(resolve_plain("0777"), Ok(json!(777)));
        assert_eq!(resolve_plain("1:30"), Ok(json!("1:30")));
        assert_eq!(resolve_plain("0x"), Ok(json!("0x")));
    }

    #[test]
    fn floats() {
        assert_eq!(resolve_plain("1.5"), Ok(json!(1.5)));
        assert_eq!(resolve_plain(".5"), Ok(json!(0.5)));
        assert_eq!(resolve_plain("1e3"), Ok(json!(1000.0)));
        assert_eq!(resolve_plain("-2.5E-1"), Ok(json!(-0.25)));
        assert_eq!(resolve_plain(".nan"), Err(ScalarProblem::NotFinite));
        assert_eq!(resolve_plain("-.inf"), Err(ScalarProblem::NotFinite));
        assert_eq!(resolve_plain("1e999"), Err(ScalarProblem::NotFinite));
        assert_eq!(resolve_plain("1.2.3"), Ok(json!("1.2.3")));
        assert_eq!(resolve_plain("."), Ok(json!(".")));
        assert_eq!(resolve_plain("e3"), Ok(json!("e3")));
    }

    #[test]
    fn tagged_values() {
        assert_eq!(resolve_tagged("123", CoreTag::Str), Ok(json!("123")));
        assert_eq!(resolve_tagged("12", CoreTag::Int), Ok(json!(12)));
        assert_eq!(
            resolve_tagged("abc", CoreTag::Int),
            Err(ScalarProblem::BadTaggedValue("integer"))
        );
        assert_eq!(resolve_tagged("2", CoreTag::Float), Ok(json!(2.0)));
        assert_eq!(resolve_tagged("true", CoreTag::Bool), Ok(json!(true)));
    }
}
