//! The Condition element: operators, their values, and how they decide against the request
//! context (single values, `...IfExists`, `ForAnyValue:`/`ForAllValues:`, negated operators).

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Serialize;

use super::context::Context;
use super::variables::Template;
use super::wildcard::Pattern;

/// The operator families without their Not/IfExists/set decorations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

/// `ForAnyValue:` / `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A condition operator as written, decomposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub base: Base,
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

/// Every operator name IAM knows (without set prefixes and `IfExists`).
const NAMES: &[(&str, Base, bool)] = &[
    ("StringEquals", Base::StringEquals, false),
    ("StringNotEquals", Base::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Base::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Base::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Base::StringLike, false),
    ("StringNotLike", Base::StringLike, true),
    ("NumericEquals", Base::NumericEquals, false),
    ("NumericNotEquals", Base::NumericEquals, true),
    ("NumericLessThan", Base::NumericLessThan, false),
    ("NumericLessThanEquals", Base::NumericLessThanEquals, false),
    ("NumericGreaterThan", Base::NumericGreaterThan, false),
    (
        "NumericGreaterThanEquals",
        Base::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", Base::DateEquals, false),
    ("DateNotEquals", Base::DateEquals, true),
    ("DateLessThan", Base::DateLessThan, false),
    ("DateLessThanEquals", Base::DateLessThanEquals, false),
    ("DateGreaterThan", Base::DateGreaterThan, false),
    ("DateGreaterThanEquals", Base::DateGreaterThanEquals, false),
    ("Bool", Base::Bool, false),
    ("BinaryEquals", Base::BinaryEquals, false),
    ("IpAddress", Base::IpAddress, false),
    ("NotIpAddress", Base::IpAddress, true),
    ("ArnEquals", Base::ArnLike, false),
    ("ArnLike", Base::ArnLike, false),
    ("ArnNotEquals", Base::ArnLike, true),
    ("ArnNotLike", Base::ArnLike, true),
    ("Null", Base::Null, false),
];

impl Operator {
    /// Parses an operator name; `Err` carries a case-insensitive near miss for the message.
    pub fn parse(name: &str) -> Result<Operator, Option<String>> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (if_exists, core) = match rest.strip_suffix("IfExists") {
            Some(core) if core != "Null" => (true, core),
            _ => (false, rest),
        };
        match NAMES.iter().find(|(n, _, _)| *n == core) {
            Some((_, base, negated)) => Ok(Operator {
                name: name.to_string(),
                base: *base,
                negated: *negated,
                if_exists,
                set,
            }),
            None => Err(near_miss(name)),
        }
    }
}

fn near_miss(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    for prefix in ["", "foranyvalue:", "forallvalues:"] {
        for suffix in ["", "ifexists"] {
            for (n, _, _) in NAMES {
                let candidate = format!("{prefix}{}{suffix}", n.to_ascii_lowercase());
                if candidate == lower {
                    let proper_prefix = match prefix {
                        "foranyvalue:" => "ForAnyValue:",
                        "forallvalues:" => "ForAllValues:",
                        _ => "",
                    };
                    let proper_suffix = if suffix.is_empty() { "" } else { "IfExists" };
                    return Some(format!("{proper_prefix}{n}{proper_suffix}"));
                }
            }
        }
    }
    None
}

/// One value of a condition, checked at parse time for the operators that need a shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Template),
    Number(f64),
    /// Unix time in nanoseconds.
    Date(i128),
    Bool(bool),
    Net(IpAddr, u8),
}

/// Why a value cannot be used with an operator (for the parse error).
pub fn parse_value(base: Base, raw: &str, variables: bool) -> Result<Value, &'static str> {
    match base {
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => number(raw).map(Value::Number).ok_or("a number"),
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => date(raw)
            .map(Value::Date)
            .ok_or("a date (ISO 8601, as in 2026-01-31T12:00:00Z, or seconds since 1970)"),
        Base::Bool | Base::Null => match raw.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false"),
        },
        Base::IpAddress => cidr(raw)
            .map(|(ip, bits)| Value::Net(ip, bits))
            .ok_or("an IP address or CIDR range (203.0.113.0/24, 2001:db8::/32)"),
        Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::ArnLike => {
            Ok(Value::Text(Template::new(raw, variables)))
        }
        Base::BinaryEquals => Ok(Value::Text(Template::new(raw, false))),
    }
}

fn number(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn date(raw: &str) -> Option<i128> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    if let Ok(t) = time::OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(t.unix_timestamp_nanos());
    }
    if let Ok(secs) = raw.parse::<i64>() {
        return Some(i128::from(secs) * 1_000_000_000);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp_nanos())
}

fn cidr(raw: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = match raw.trim().split_once('/') {
        Some((ip, bits)) => (ip.parse::<IpAddr>().ok()?, Some(bits.parse::<u8>().ok()?)),
        None => (raw.trim().parse::<IpAddr>().ok()?, None),
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some((ip, bits))
}

fn in_net(addr: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (a, n, width) = match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u128::from(u32::from(a)), u128::from(u32::from(n)), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    if shift >= 128 {
        return true;
    }
    (a >> shift) == (n >> shift)
}

/// One key under one operator, with its values (ORed).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    pub key: String,
    /// The key lower-cased once, for the context lookup (keys match case-insensitively).
    pub(crate) key_lookup: String,
    pub values: Vec<Value>,
}

/// Why a condition did not hold: the console shows "condition X on key K failed: got [...],
/// wanted [...]".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionFailure {
    pub operator: String,
    pub key: String,
    /// The request's values for the key; `None` when the key is absent.
    pub got: Option<Vec<String>>,
    /// The policy's values, with variables substituted where they could be.
    pub wanted: Vec<String>,
    /// A policy variable the values needed that the request does not have.
    pub missing_variable: Option<String>,
}

/// The policy's values, resolved against the context, in their comparable forms.
enum Resolved<'a> {
    Patterns(Vec<Cow<'a, Pattern>>),
    Other,
}

impl Condition {
    /// Whether the condition holds for `context`.
    pub fn check(&self, context: &Context) -> Result<(), ConditionFailure> {
        let got = context.get(&self.key_lookup).filter(|v| !v.is_empty());
        let op = &self.operator;
        let resolved = match self.resolve(context) {
            Ok(r) => r,
            Err(missing) => return Err(self.failure(got, context, Some(missing))),
        };
        let holds = match (op.base, got) {
            (Base::Null, got) => self.values.iter().any(|v| match v {
                Value::Bool(wants_absent) => *wants_absent == got.is_none(),
                _ => false,
            }),
            (_, None) => {
                op.if_exists
                    || match op.set {
                        Some(SetQualifier::ForAllValues) => true,
                        Some(SetQualifier::ForAnyValue) => false,
                        None => op.negated,
                    }
            }
            (_, Some(values)) => {
                let each = |v: &String| self.any_value_matches(v, &resolved) != op.negated;
                match op.set {
                    Some(SetQualifier::ForAnyValue) => values.iter().any(each),
                    Some(SetQualifier::ForAllValues) => values.iter().all(each),
                    None if op.negated => values.iter().all(each),
                    None => values.iter().any(each),
                }
            }
        };
        if holds {
            Ok(())
        } else {
            Err(self.failure(got, context, None))
        }
    }

    fn resolve(&self, context: &Context) -> Result<Resolved<'_>, String> {
        if !matches!(
            self.operator.base,
            Base::StringEquals
                | Base::StringEqualsIgnoreCase
                | Base::StringLike
                | Base::ArnLike
                | Base::BinaryEquals
        ) {
            return Ok(Resolved::Other);
        }
        let ignore_case = self.operator.base == Base::StringEqualsIgnoreCase;
        let mut patterns = Vec::with_capacity(self.values.len());
        for value in &self.values {
            if let Value::Text(t) = value {
                let p = t.resolve(context)?;
                patterns.push(if ignore_case {
                    Cow::Owned(p.to_lowercase())
                } else {
                    p
                });
            }
        }
        Ok(Resolved::Patterns(patterns))
    }

    /// The positive (un-negated) test of one request value against all policy values.
    fn any_value_matches(&self, got: &str, resolved: &Resolved) -> bool {
        match (self.operator.base, resolved) {
            (Base::StringEquals | Base::BinaryEquals, Resolved::Patterns(ps)) => {
                ps.iter().any(|p| p.text_eq(got))
            }
            (Base::StringEqualsIgnoreCase, Resolved::Patterns(ps)) => {
                let got = got.to_lowercase();
                ps.iter().any(|p| p.text_eq(&got))
            }
            (Base::StringLike, Resolved::Patterns(ps)) => ps.iter().any(|p| p.matches(got)),
            (Base::ArnLike, Resolved::Patterns(ps)) => ps.iter().any(|p| p.matches_arn(got)),
            (Base::Bool, _) => self.values.iter().any(|v| match v {
                Value::Bool(b) => got.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
                _ => false,
            }),
            (Base::IpAddress, _) => got.trim().parse::<IpAddr>().is_ok_and(|addr| {
                self.values.iter().any(|v| match v {
                    Value::Net(net, bits) => in_net(addr, *net, *bits),
                    _ => false,
                })
            }),
            (base, _) if is_date(base) => {
                let Some(got) = date(got) else { return false };
                self.values.iter().any(|v| match v {
                    Value::Date(w) => compare(base, &got, w),
                    _ => false,
                })
            }
            (base, _) => {
                let Some(got) = number(got) else { return false };
                self.values.iter().any(|v| match v {
                    Value::Number(w) => compare(base, &got, w),
                    _ => false,
                })
            }
        }
    }

    fn failure(
        &self,
        got: Option<&[String]>,
        context: &Context,
        missing_variable: Option<String>,
    ) -> ConditionFailure {
        ConditionFailure {
            operator: self.operator.name.clone(),
            key: self.key.clone(),
            got: got.map(<[String]>::to_vec),
            wanted: self.values.iter().map(|v| show(v, context)).collect(),
            missing_variable,
        }
    }
}

fn is_date(base: Base) -> bool {
    matches!(
        base,
        Base::DateEquals
            | Base::DateLessThan
            | Base::DateLessThanEquals
            | Base::DateGreaterThan
            | Base::DateGreaterThanEquals
    )
}

fn compare<T: PartialOrd>(base: Base, got: &T, wanted: &T) -> bool {
    match base {
        Base::NumericEquals | Base::DateEquals => got == wanted,
        Base::NumericLessThan | Base::DateLessThan => got < wanted,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => got <= wanted,
        Base::NumericGreaterThan | Base::DateGreaterThan => got > wanted,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => got >= wanted,
        _ => false,
    }
}

fn show(value: &Value, context: &Context) -> String {
    match value {
        Value::Text(t) => t
            .resolve(context)
            .map(|p| p.text())
            .unwrap_or_else(|_| t.raw().to_string()),
        Value::Number(n) => n.to_string(),
        Value::Date(n) => time::OffsetDateTime::from_unix_timestamp_nanos(*n)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| n.to_string()),
        Value::Bool(b) => b.to_string(),
        Value::Net(ip, bits) => format!("{ip}/{bits}"),
    }
}

#[cfg(test)]
#[path = "conditions_tests.rs"]
mod tests;
