//! AWS CLI-style flags, read through the JSON Schema of the operation's request: `--user-pool-id
//! X`, `--limit 5`, `--permanent` / `--no-permanent`, lists as several values, structures as JSON
//! or the shorthand `Name=email,Value=a@example.com`.

use console_api::ops::{self, Operation};
use serde_json::{Map, Value};

/// A flag name compared the forgiving way: lowercase letters and digits only, so that
/// `--callback-urls` and `--allowed-o-auth-flows` both find their members.
fn normal(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The AWS CLI's spelling of a member name (botocore's `xform_name`).
pub fn flag_name(member: &str) -> String {
    let chars: Vec<char> = member.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (next.is_some_and(|n| n.is_ascii_lowercase())
                    && !(next == Some(&'s') && i + 2 == chars.len())));
        if boundary {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

struct Schema<'a> {
    root: &'a Value,
}

impl<'a> Schema<'a> {
    /// Follows `$ref`s and strips `null` alternatives.
    fn resolve(&self, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                let name = r.rsplit('/').next().unwrap_or_default();
                match self.root.get("$defs").and_then(|d| d.get(name)) {
                    Some(t) => {
                        s = t;
                        continue;
                    }
                    None => return s,
                }
            }
            if let Some(alts) = s
                .get("anyOf")
                .or_else(|| s.get("oneOf"))
                .and_then(Value::as_array)
            {
                let non_null: Vec<&Value> = alts
                    .iter()
                    .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                    .collect();
                if let [only] = non_null.as_slice()
                    && only.get("const").is_none()
                {
                    s = only;
                    continue;
                }
            }
            break;
        }
        s
    }

    fn kind(&self, s: &Value) -> &'a str {
        let s = self.resolve(s);
        let ty = match s.get("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            _ => None,
        };
        match ty {
            Some("string") => "string",
            Some("integer") => "integer",
            Some("number") => "number",
            Some("boolean") => "boolean",
            Some("array") => "array",
            Some("object") => "object",
            _ if s.get("enum").is_some() || s.get("oneOf").is_some() => "string",
            _ => "json",
        }
    }

    /// All properties of an object schema, including flattened ones (`allOf`).
    fn properties(&self, s: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
        let s = self.resolve(s);
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                out.push((k.as_str(), v));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(parts) = s.get(key).and_then(Value::as_array) {
                for p in parts {
                    self.properties(p, out);
                }
            }
        }
    }

    fn required(&self, s: &'a Value, out: &mut Vec<&'a str>) {
        let s = self.resolve(s);
        if let Some(r) = s.get("required").and_then(Value::as_array) {
            out.extend(r.iter().filter_map(Value::as_str));
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            for p in parts {
                self.required(p, out);
            }
        }
    }

    fn scalar(&self, s: &Value, raw: &str, flag: &str) -> Result<Value, String> {
        match self.kind(s) {
            "integer" => raw
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("--{flag}: '{raw}' is not a whole number")),
            "number" => raw
                .parse::<f64>()
                .map(Value::from)
                .map_err(|_| format!("--{flag}: '{raw}' is not a number")),
            "boolean" => match raw {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("--{flag}: '{raw}' is not true or false")),
            },
            "string" => param_file(raw, flag).map(Value::String),
            "array" | "object" | "json" => self.structured(s, raw, flag),
            _ => Ok(Value::String(raw.to_string())),
        }
    }

    /// A structure: JSON, or the shorthand `Key=Value,Key2=Value2`.
    fn structured(&self, s: &'a Value, raw: &str, flag: &str) -> Result<Value, String> {
        let t = raw.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            return serde_json::from_str(raw).map_err(|e| format!("--{flag}: invalid JSON: {e}"));
        }
        let mut props = Vec::new();
        self.properties(s, &mut props);
        let mut map = Map::new();
        for pair in split_shorthand(raw) {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                format!("--{flag}: expected Key=Value pairs or JSON, got '{pair}'")
            })?;
            let value = match props.iter().find(|(name, _)| *name == k) {
                Some((_, ps)) if self.kind(ps) == "array" => {
                    let items = self.resolve(ps).get("items").unwrap_or(&Value::Null);
                    Value::Array(
                        v.split(',')
                            .map(|x| self.scalar(items, x, flag))
                            .collect::<Result<_, _>>()?,
                    )
                }
                Some((_, ps)) => self.scalar(ps, v, flag)?,
                None => Value::String(v.to_string()),
            };
            map.insert(k.to_string(), value);
        }
        Ok(Value::Object(map))
    }
}

/// A string flag's value, read from a file as the AWS CLI does: `fileb://logo.png` is the
/// file's bytes in base64 (a blob member such as `--image-file`), `file://style.css` its text.
fn param_file(raw: &str, flag: &str) -> Result<String, String> {
    use base64::Engine as _;
    if let Some(path) = raw.strip_prefix("fileb://") {
        let bytes =
            std::fs::read(path).map_err(|e| format!("--{flag}: cannot read {path}: {e}"))?;
        return Ok(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    if let Some(path) = raw.strip_prefix("file://") {
        return std::fs::read_to_string(path)
            .map_err(|e| format!("--{flag}: cannot read {path}: {e}"));
    }
    Ok(raw.to_string())
}

/// Splits `a=1,b=[x,y],c=3` on commas outside brackets.
fn split_shorthand(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Builds the request body of `op` from its flags.
pub fn to_request(op: &Operation, args: &[String]) -> Result<Value, String> {
    let root =
        ops::request_schema(op.name).ok_or_else(|| format!("{} has no request schema", op.name))?;
    let schema = Schema { root: &root };
    let mut props = Vec::new();
    schema.properties(&root, &mut props);
    let mut body = Map::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let flag = arg
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument '{arg}'; flags start with --"))?;
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (flag, None),
        };
        let find = |f: &str| {
            props
                .iter()
                .find(|(name, _)| normal(name) == normal(f))
                .copied()
        };
        let (member, member_schema, negated) = match find(flag) {
            Some((m, s)) => (m, s, false),
            None => match flag.strip_prefix("no-").and_then(find) {
                Some((m, s)) if schema.kind(s) == "boolean" => (m, s, true),
                _ => {
                    return Err(format!(
                        "unknown option --{flag} for {}; try --help",
                        op.cli_name()
                    ));
                }
            },
        };
        let mut values: Vec<String> = inline.into_iter().collect();
        if values.is_empty() {
            while i + 1 < args.len() && !args[i + 1].starts_with("--") {
                i += 1;
                values.push(args[i].clone());
            }
        }
        let value = match schema.kind(member_schema) {
            "boolean" if values.is_empty() => Value::Bool(!negated),
            "array" => {
                let items = schema
                    .resolve(member_schema)
                    .get("items")
                    .unwrap_or(&Value::Null);
                if let [one] = values.as_slice() {
                    if one.trim_start().starts_with('[') {
                        serde_json::from_str(one)
                            .map_err(|e| format!("--{flag}: invalid JSON: {e}"))?
                    } else {
                        Value::Array(vec![schema.scalar(items, one, flag)?])
                    }
                } else {
                    Value::Array(
                        values
                            .iter()
                            .map(|v| schema.scalar(items, v, flag))
                            .collect::<Result<_, _>>()?,
                    )
                }
            }
            _ => match values.as_slice() {
                [one] => schema.scalar(member_schema, one, flag)?,
                [] => return Err(format!("--{flag} needs a value")),
                _ => return Err(format!("--{flag} takes one value, got {}", values.len())),
            },
        };
        body.insert(member.to_string(), value);
        i += 1;
    }
    let mut required = Vec::new();
    schema.required(&root, &mut required);
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !body.contains_key(**r))
        .map(|r| format!("--{}", flag_name(r)))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the following arguments are required: {}",
            missing.join(", ")
        ));
    }
    Ok(Value::Object(body))
}

/// The flags of `op`, for `--help`.
pub fn help(op: &Operation) -> String {
    let Some(root) = ops::request_schema(op.name) else {
        return String::new();
    };
    let schema = Schema { root: &root };
    let mut props = Vec::new();
    schema.properties(&root, &mut props);
    let mut required = Vec::new();
    schema.required(&root, &mut required);
    let mut out = format!("{} ({})\n\nOptions:\n", op.cli_name(), op.name);
    for (name, s) in props {
        let req = if required.contains(&name) {
            " (required)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  --{:<40} {}{req}\n",
            flag_name(name),
            schema.kind(s)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_follow_the_aws_cli() {
        assert_eq!(flag_name("UserPoolId"), "user-pool-id");
        assert_eq!(flag_name("CallbackURLs"), "callback-urls");
        assert_eq!(flag_name("AllowedOAuthFlows"), "allowed-o-auth-flows");
        assert_eq!(flag_name("MFAOptions"), "mfa-options");
        assert_eq!(flag_name("DefaultRedirectURI"), "default-redirect-uri");
    }

    #[test]
    fn flags_become_a_cognito_request() {
        let op = ops::find("AdminCreateUser").unwrap();
        let args: Vec<String> = [
            "--user-pool-id",
            "us-east-1_abc",
            "--username",
            "alice",
            "--user-attributes",
            "Name=email,Value=a@example.com",
            "Name=name,Value=Alice",
            "--message-action",
            "SUPPRESS",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let v = to_request(op, &args).unwrap();
        assert_eq!(v["UserPoolId"], "us-east-1_abc");
        assert_eq!(v["UserAttributes"][1]["Value"], "Alice");
        let op = ops::find("AdminSetUserPassword").unwrap();
        let args: Vec<String> = [
            "--user-pool-id",
            "p_1",
            "--username",
            "a",
            "--password",
            "x",
            "--no-permanent",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(to_request(op, &args).unwrap()["Permanent"], false);
    }

    #[test]
    fn structures_take_json_or_shorthand() {
        let op = ops::find("CreateUserPool").unwrap();
        let args: Vec<String> = [
            "--pool-name",
            "demo",
            "--policies",
            "{\"PasswordPolicy\":{\"MinimumLength\":12}}",
            "--username-attributes",
            "email",
            "--mfa-configuration",
            "OPTIONAL",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let v = to_request(op, &args).unwrap();
        assert_eq!(v["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
        assert_eq!(v["UsernameAttributes"][0], "email");
        let op = ops::find("ListUsers").unwrap();
        let err = to_request(op, &["--limit".to_string(), "x".to_string()]).unwrap_err();
        assert!(err.contains("--limit"), "{err}");
        let err = to_request(op, &[]).unwrap_err();
        assert!(err.contains("--user-pool-id"), "{err}");
        let err = to_request(op, &["--bogus".to_string()]).unwrap_err();
        assert!(err.contains("--bogus"), "{err}");
    }
}
