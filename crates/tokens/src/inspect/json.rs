//! JSON for the inspector: parsing that reports duplicate members and refuses deep nesting
//! (rather than trusting serde_json's recursion limit alone), and a pretty-printer that keeps
//! members in the token's own order.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Deepest nesting of arrays and objects read, well under serde_json's own limit of 128 so
/// that the recursion (and the drop of what it built) stays small on any thread's stack.
pub const MAX_JSON_DEPTH: usize = 64;

/// The marker this module puts in the message of its depth error, to tell it apart.
const TOO_DEEP: &str = "nesting deeper than the inspector reads";

/// JSON that parsed, with the paths of members that appeared more than once in an object
/// (the value kept is the last, as most JWT libraries keep it).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub value: Value,
    pub duplicates: Vec<String>,
}

/// Why bytes are not JSON the inspector accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON: serde_json's reason and where (1-based line and column).
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// Arrays or objects nested deeper than [`MAX_JSON_DEPTH`].
    TooDeep { line: usize, column: usize },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax {
                message,
                line,
                column,
            } => write!(f, "{message} at line {line}, column {column}"),
            JsonError::TooDeep { line, column } => write!(
                f,
                "arrays or objects nested more than {MAX_JSON_DEPTH} deep (at line {line}, column {column})"
            ),
        }
    }
}

/// Parses `bytes` as one JSON value, recording duplicate members and bounding the depth.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, JsonError> {
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Walk {
        depth: 0,
        path: Path::Root,
        duplicates: &mut duplicates,
    };
    let value = seed
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            let (line, column) = (e.line(), e.column());
            let text = e.to_string();
            if text.starts_with(TOO_DEEP) {
                JsonError::TooDeep { line, column }
            } else {
                let message = match text.find(" at line ") {
                    Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
                    None => text,
                };
                JsonError::Syntax {
                    message,
                    line,
                    column,
                }
            }
        })?;
    Ok(Parsed { value, duplicates })
}

/// Where a value is, as a chain of borrowed segments: written out only for a duplicate.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Member(&'p Path<'p>, &'p str),
    Element(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Member(Path::Root, key) => f.write_str(key),
            Path::Member(parent, key) => write!(f, "{parent}.{key}"),
            Path::Element(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

struct Walk<'a, 'p> {
    depth: usize,
    path: Path<'p>,
    duplicates: &'a mut Vec<String>,
}

impl Walk<'_, '_> {
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= MAX_JSON_DEPTH {
            return Err(E::custom(TOO_DEEP));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut out = Vec::new();
        loop {
            let i = out.len();
            let child = Walk {
                depth: self.depth + 1,
                path: Path::Element(&self.path, i),
                duplicates: &mut *self.duplicates,
            };
            match seq.next_element_seed(child)? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = Walk {
                depth: self.depth + 1,
                path: Path::Member(&self.path, &key),
                duplicates: &mut *self.duplicates,
            };
            let value = map.next_value_seed(child)?;
            if out.contains_key(&key) {
                self.duplicates
                    .push(Path::Member(&self.path, &key).to_string());
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Re-indents JSON text that [`parse`] accepted, two spaces a level, keeping its members in
/// their order (and its duplicates) exactly as written.
pub(crate) fn pretty(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|n| n.is_ascii_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_reported_by_path_and_the_last_value_kept() {
        let p = parse(br#"{"sub":"a","x":{"y":1,"y":2},"sub":"b"}"#).unwrap();
        assert_eq!(p.duplicates, vec!["x.y".to_owned(), "sub".to_owned()]);
        assert_eq!(
            p.value["sub"], "b",
            "the last of duplicate members wins, as in most libraries"
        );
        assert_eq!(p.value["x"]["y"], 2);
        let nested = parse(br#"{"a":[1,{"k":1,"k":2}],"b":{"c":{"d":0,"d":1}}}"#).unwrap();
        assert_eq!(
            nested.duplicates,
            vec!["a[1].k".to_owned(), "b.c.d".to_owned()]
        );
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
        let ok = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(parse(ok.as_bytes()).is_ok(), "exactly the limit is read");
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH + 1),
            "]".repeat(MAX_JSON_DEPTH + 1)
        );
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
        let huge = "[".repeat(1_000_000);
        assert!(matches!(
            parse(huge.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
        let objects = r#"{"a":"#.repeat(10_000);
        assert!(matches!(
            parse(objects.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
    }

    #[test]
    fn syntax_errors_say_where() {
        match parse(b"{\n  \"a\": 1,\n  \"b\" 2\n}") {
            Err(JsonError::Syntax {
                line,
                column,
                message,
            }) => {
                assert_eq!((line, column), (3, 7), "{message}");
                assert!(message.contains("expected `:`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(parse(b"{} x"), Err(JsonError::Syntax { .. })),
            "trailing text refused"
        );
        assert!(matches!(parse(b""), Err(JsonError::Syntax { .. })));
    }

    #[test]
    fn pretty_keeps_order_and_strings() {
        let text = r#"{"z":1,"a":[1,{"b":"x,{:}\"y"}],"e":{},"f":[]}"#;
        assert_eq!(
            pretty(text),
            "{\n  \"z\": 1,\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,{:}\\\"y\"\n    }\n  ],\n  \"e\": {},\n  \"f\": []\n}"
        );
        assert_eq!(pretty(" 42 "), "42");
    }
}
