//! A verified token's claims, read in one pass over the decoded JSON without building a map.
//!
//! Verification only needs `exp`, `nbf` and `iat`, and its callers a few Cognito string claims
//! (`token_use`, `iss`, `client_id`, ...). Decoding every claim into a `Map` cost a `String`
//! and a tree entry per claim, about a tenth of a verify (docs/benchmarks.md, finding 8). The
//! scan here keeps where those strings are in the decoded bytes instead; the full map is built
//! only for a caller that asks for every claim.
//!
//! The scan accepts exactly the documents a `Map<String, Value>` would: a JSON object, any
//! values (numbers out of range and nesting too deep are refused alike), a repeated member
//! counting as its last occurrence.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Error, Result, TokenPart};

/// The string claims kept by position, in this order.
const KNOWN: [&str; 7] = [
    "token_use",
    "iss",
    "client_id",
    "aud",
    "origin_jti",
    "sub",
    "username",
];

/// Where a string claim is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// Bytes `start..end` of the decoded JSON (a string without escapes).
    Span(usize, usize),
    /// A string with escapes, unescaped.
    Owned(Box<str>),
    /// The claim is there but is not a string.
    NotString,
}

/// A NumericDate claim as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Time {
    #[default]
    Absent,
    /// Whole seconds (fractions floored, out-of-range values saturated).
    At(i64),
    /// Present but not a number.
    Invalid,
}

impl Time {
    /// The time, `None` when absent.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`] naming `claim` when it is not a number.
    pub(crate) fn get(self, claim: &'static str) -> Result<Option<i64>> {
        match self {
            Time::Absent => Ok(None),
            Time::At(t) => Ok(Some(t)),
            Time::Invalid => Err(Error::InvalidClaim { claim }),
        }
    }

    fn of(value: &Value) -> Time {
        let Value::Number(n) = value else {
            return Time::Invalid;
        };
        if let Some(i) = n.as_i64() {
            Time::At(i)
        } else if n.as_u64().is_some() {
            Time::At(i64::MAX)
        } else {
            match n.as_f64() {
                // `as` saturates on out-of-range floats.
                Some(f) if f.is_finite() => Time::At(f.floor() as i64),
                _ => Time::Invalid,
            }
        }
    }
}

/// What one pass over the claims found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Scanned {
    pub exp: Time,
    pub nbf: Time,
    pub iat: Time,
    texts: [Option<Text>; KNOWN.len()],
}

/// How a looked-up claim stands in a scan.
pub(crate) enum Lookup<'a> {
    /// Not one of the claims a scan keeps: ask the full map.
    Unknown,
    /// Kept, and absent or not a string.
    NotAString,
    /// Kept, and this string.
    Str(&'a str),
}

impl Scanned {
    /// A kept string claim, read from `json` (the bytes this scan was made from).
    pub(crate) fn lookup<'a>(&'a self, json: &'a [u8], name: &str) -> Lookup<'a> {
        let Some(i) = KNOWN.iter().position(|k| *k == name) else {
            return Lookup::Unknown;
        };
        match &self.texts[i] {
            Some(Text::Span(start, end)) => json
                .get(*start..*end)
                .and_then(|b| std::str::from_utf8(b).ok())
                .map_or(Lookup::NotAString, Lookup::Str),
            Some(Text::Owned(s)) => Lookup::Str(s),
            Some(Text::NotString) | None => Lookup::NotAString,
        }
    }
}

/// Scans decoded claims.
///
/// # Errors
/// [`Error::NotAnObject`] or [`Error::InvalidJson`] for the claims part, as decoding them into
/// a map would.
pub(crate) fn scan(json: &[u8]) -> Result<Scanned> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let scanned = de
        .deserialize_map(ScanVisitor { base: json })
        .and_then(|s| de.end().map(|()| s))
        .map_err(|e| {
            if e.classify() == serde_json::error::Category::Data {
                Error::NotAnObject {
                    part: TokenPart::Claims,
                }
            } else {
                Error::InvalidJson {
                    part: TokenPart::Claims,
                }
            }
        })?;
    Ok(scanned)
}

struct ScanVisitor<'b> {
    base: &'b [u8],
}

impl<'de> Visitor<'de> for ScanVisitor<'_> {
    type Value = Scanned;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scanned, A::Error> {
        let mut s = Scanned::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Exp => s.exp = Time::of(&map.next_value::<Value>()?),
                Key::Nbf => s.nbf = Time::of(&map.next_value::<Value>()?),
                Key::Iat => s.iat = Time::of(&map.next_value::<Value>()?),
                Key::Known(i) => {
                    s.texts[i] = Some(map.next_value_seed(TextSeed { base: self.base })?);
                }
                Key::Other => map.next_value::<Skip>().map(drop)?,
            }
        }
        Ok(s)
    }
}

enum Key {
    Exp,
    Nbf,
    Iat,
    Known(usize),
    Other,
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Key, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key, E> {
        Ok(match v {
            "exp" => Key::Exp,
            "nbf" => Key::Nbf,
            "iat" => Key::Iat,
            other => KNOWN
                .iter()
                .position(|k| *k == other)
                .map_or(Key::Other, Key::Known),
        })
    }
}

/// A string claim's place in the decoded bytes.
struct TextSeed<'b> {
    base: &'b [u8],
}

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = Text;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Text, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = Text;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Text, E> {
        // A string without escapes is a slice of the decoded bytes themselves.
        let start = (v.as_ptr() as usize).wrapping_sub(self.base.as_ptr() as usize);
        match start.checked_add(v.len()) {
            Some(end)
                if end <= self.base.len() && self.base.get(start..end) == Some(v.as_bytes()) =>
            {
                Ok(Text::Span(start, end))
            }
            _ => Ok(Text::Owned(v.into())),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Text, E> {
        Ok(Text::Owned(v.into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Text, E> {
        Ok(Text::NotString)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Text, E> {
        Ok(Text::NotString)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Text, E> {
        Ok(Text::NotString)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Text, E> {
        Ok(Text::NotString)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Text, E> {
        Ok(Text::NotString)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Text, A::Error> {
        SkipVisitor.visit_seq(seq).map(|Skip| Text::NotString)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Text, A::Error> {
        SkipVisitor.visit_map(map).map(|Skip| Text::NotString)
    }
}

/// Any JSON value, checked as a `Value` would be (numbers in range, depth) but not kept.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Skip, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn as_map(json: &[u8]) -> std::result::Result<Map<String, Value>, serde_json::Error> {
        serde_json::from_slice(json)
    }

    #[test]
    fn accepts_and_refuses_what_a_map_would() {
        let cases: &[&[u8]] = &[
            br#"{"exp":1}"#,
            br#"{}"#,
            br#"[]"#,
            br#"[1,2]"#,
            br#""s""#,
            br#"{"exp":1e400}"#,
            br#"{"other":1e400}"#,
            br#"{"other":[1,{"a":-1e999}]}"#,
            br#"{"token_use":1e400}"#,
            br#"{"a":1,}"#,
            br#"{"a":1} x"#,
            br#"{"a":"\ud800"}"#,
            br#"{"a":"\u00e9"}"#,
            br#"{"exp":1,"exp":"x"}"#,
            b"{\"a\":\"\xff\"}",
            br#"{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        ];
        for case in cases {
            assert_eq!(
                scan(case).is_ok(),
                as_map(case).is_ok(),
                "{}",
                String::from_utf8_lossy(case)
            );
        }
    }

    #[test]
    fn finds_times_and_strings_as_a_map_holds_them() {
        let doc = json!({
            "sub": "abc", "iss": "https://x/y", "token_use": "access", "client_id": "c\"1",
            "aud": ["a", "b"], "username": 7, "exp": 10.9, "nbf": -3, "iat": 18446744073709551615u64,
            "other": {"nested": [1, 2, "x"]}
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        let s = scan(&bytes).unwrap();
        assert_eq!(s.exp, Time::At(10));
        assert_eq!(s.nbf, Time::At(-3));
        assert_eq!(s.iat, Time::At(i64::MAX));
        let str_of = |name: &str| match s.lookup(&bytes, name) {
            Lookup::Str(v) => Some(v.to_owned()),
            Lookup::NotAString => None,
            Lookup::Unknown => panic!("{name} is kept"),
        };
        for name in KNOWN {
            assert_eq!(
                str_of(name).as_deref(),
                doc.get(name).and_then(Value::as_str),
                "{name}"
            );
        }
        assert!(matches!(s.lookup(&bytes, "other"), Lookup::Unknown));
        let bad = scan(br#"{"exp":"soon"}"#).unwrap();
        assert!(matches!(
            bad.exp.get("exp"),
            Err(Error::InvalidClaim { claim: "exp" })
        ));
        // The last of a repeated member counts, as in a map.
        let twice = br#"{"iss":"a","iss":"b"}"#;
        assert!(matches!(
            scan(twice).unwrap().lookup(twice, "iss"),
            Lookup::Str("b")
        ));
    }
}
