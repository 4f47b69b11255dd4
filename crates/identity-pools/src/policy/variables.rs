//! Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`,
//! substituted from the request context in Resource and condition values.

use std::borrow::Cow;

use super::context::Context;
use super::wildcard::Pattern;

/// A piece of a value as written in the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text whose `*` and `?` are wildcards (for the operators that have them).
    Text(String),
    /// `${*}`, `${?}` or `${$}`: the character itself, never a wildcard.
    Escaped(char),
    /// `${key}` or `${key, 'default'}`.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// A value from a policy, compiled once at parse time, resolved per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    raw: String,
    parts: Vec<Part>,
    /// The pattern, compiled once, when the value has no variables.
    fixed: Option<Pattern>,
}

impl Template {
    /// Compiles `raw`; with `variables` false (policy Version 2008-10-17) `${...}` is plain text.
    pub fn new(raw: &str, variables: bool) -> Template {
        let parts = if variables {
            parse(raw)
        } else {
            vec![Part::Text(raw.to_string())]
        };
        let mut template = Template {
            raw: raw.to_string(),
            parts,
            fixed: None,
        };
        if template.variables().next().is_none() {
            template.fixed = template.build(&Context::new()).ok();
        }
        template
    }

    /// The value as written.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The variables this value names (lower-cased keys as written).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// The value with variables substituted, as a wildcard pattern; `Err(key)` names the first
    /// variable that has no single value in the context (and no default).
    pub fn resolve(&self, context: &Context) -> Result<Cow<'_, Pattern>, String> {
        match &self.fixed {
            Some(p) => Ok(Cow::Borrowed(p)),
            None => self.build(context).map(Cow::Owned),
        }
    }

    fn build(&self, context: &Context) -> Result<Pattern, String> {
        let mut pattern = Pattern::default();
        for part in &self.parts {
            match part {
                Part::Text(text) => pattern.push_wild(text),
                Part::Escaped(c) => pattern.push_lit(c.encode_utf8(&mut [0; 4])),
                Part::Var { key, default } => match (context.get(key), default) {
                    (Some([one]), _) => pattern.push_lit(one),
                    (_, Some(default)) => pattern.push_lit(default),
                    _ => return Err(key.clone()),
                },
            }
        }
        Ok(pattern)
    }
}

fn parse(raw: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some((part, used)) = variable(after) else {
            // Not a variable after all: keep "${" as text and go on after it.
            text.push_str(&rest[..start + 2]);
            rest = after;
            continue;
        };
        text.push_str(&rest[..start]);
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        parts.push(part);
        rest = &after[used..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    parts
}

/// Parses the inside of `${...}` from just after `${`; returns the part and the bytes used
/// (including the closing brace).
fn variable(s: &str) -> Option<(Part, usize)> {
    for (escape, c) in [("*}", '*'), ("?}", '?'), ("$}", '$')] {
        if s.starts_with(escape) {
            return Some((Part::Escaped(c), 2));
        }
    }
    let end_of_key = s.find(['}', ','])?;
    let key = s[..end_of_key].trim();
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    let key = key.to_lowercase();
    if s[end_of_key..].starts_with('}') {
        return Some((Part::Var { key, default: None }, end_of_key + 1));
    }
    // `, 'default'` with '' for a quote inside.
    let after_comma = &s[end_of_key + 1..];
    let quote = after_comma.find('\'')?;
    if !after_comma[..quote].trim().is_empty() {
        return None;
    }
    let mut default = String::new();
    let mut chars = after_comma[quote + 1..].char_indices().peekable();
    let body_start = end_of_key + 1 + quote + 1;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if matches!(chars.peek(), Some((_, '\''))) {
                chars.next();
                default.push('\'');
                continue;
            }
            let tail = &s[body_start + i + 1..];
            let close = tail.find('}')?;
            if !tail[..close].trim().is_empty() {
                return None;
            }
            return Some((
                Part::Var {
                    key,
                    default: Some(default),
                },
                body_start + i + 1 + close + 1,
            ));
        }
        default.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::new()
            .with("cognito-identity.amazonaws.com:sub", "us-east-1:abc")
            .with("aws:PrincipalTag/team", "blue")
            .with_values("cognito-identity.amazonaws.com:amr", ["a", "b"])
    }

    fn resolved(raw: &str) -> Result<String, String> {
        Template::new(raw, true).resolve(&ctx()).map(|p| p.text())
    }

    #[test]
    fn substitutes_keys_case_insensitively() {
        assert_eq!(
            resolved("arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"),
            Ok("arn:aws:s3:::b/us-east-1:abc/*".into())
        );
        assert_eq!(resolved("${aws:principaltag/TEAM}"), Ok("blue".into()));
    }

    #[test]
    fn missing_and_multi_valued_variables_do_not_resolve() {
        assert_eq!(resolved("x/${aws:username}"), Err("aws:username".into()));
        assert_eq!(
            resolved("${cognito-identity.amazonaws.com:amr}"),
            Err("cognito-identity.amazonaws.com:amr".into())
        );
    }

    #[test]
    fn defaults_and_escapes() {
        assert_eq!(
            resolved("${aws:username, 'guest ''one'''}"),
            Ok("guest 'one'".into())
        );
        assert_eq!(
            resolved("${ aws:PrincipalTag/team , 'x' }"),
            Ok("blue".into())
        );
        let star = Template::new("a${*}b${?}c${$}", true)
            .resolve(&ctx())
            .map(|p| (p.matches("a*b?c$"), p.matches("aXb?c$")));
        assert_eq!(star, Ok((true, false)));
        // Not a variable: kept as text.
        assert_eq!(resolved("${}x"), Ok("${}x".into()));
    }

    #[test]
    fn old_version_keeps_variables_as_text() {
        let t = Template::new("${aws:username}", false);
        assert_eq!(
            t.resolve(&ctx()).map(|p| p.text()),
            Ok("${aws:username}".into())
        );
    }
}
