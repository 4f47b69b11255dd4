//! Parsing policy documents, with validation that names where each problem is.

use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::conditions::{self, Condition, Operator};
use super::document::{
    Actions, Effect, PolicyDocument, PolicyKind, PrincipalType, Principals, Resources, Statement,
    Version,
};
use super::error::{Hint, Location, PolicyError, type_name};
use super::locate::{Seg, line_of};
use super::variables::Template;
use super::wildcard::Pattern;

const TOP_MEMBERS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_MEMBERS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl PolicyDocument {
    /// Parses and validates `text` as a policy of `kind`.
    pub fn parse(text: &str, kind: PolicyKind) -> Result<PolicyDocument, PolicyError> {
        let json: Json = serde_json::from_str(text).map_err(|e| PolicyError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        Parser {
            text,
            kind,
            variables: true,
        }
        .document(&json)
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

struct Parser<'a> {
    text: &'a str,
    kind: PolicyKind,
    variables: bool,
}

/// Where the parser is: the JSON path and the statement's Sid.
#[derive(Clone, Default)]
struct At {
    segs: Vec<Seg>,
    sid: Option<String>,
}

impl At {
    fn key(&self, key: &str) -> At {
        let mut at = self.clone();
        at.segs.push(Seg::Key(key.to_string()));
        at
    }
    fn index(&self, i: usize) -> At {
        let mut at = self.clone();
        at.segs.push(Seg::Index(i));
        at
    }
}

impl Parser<'_> {
    fn loc(&self, at: &At) -> Box<Location> {
        let mut path = String::new();
        for seg in &at.segs {
            match seg {
                Seg::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Seg::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        Box::new(Location {
            path,
            sid: at.sid.clone(),
            line: line_of(self.text, &at.segs),
        })
    }

    fn object<'j>(&self, json: &'j Json, at: &At) -> Result<&'j Map<String, Json>, PolicyError> {
        json.as_object().ok_or_else(|| PolicyError::WrongType {
            at: self.loc(at),
            expected: "a JSON object",
            got: type_name(json),
        })
    }

    fn string<'j>(&self, json: &'j Json, at: &At) -> Result<&'j str, PolicyError> {
        json.as_str().ok_or_else(|| PolicyError::WrongType {
            at: self.loc(at),
            expected: "a string",
            got: type_name(json),
        })
    }

    /// A string or a non-empty array of strings.
    fn strings<'j>(&self, json: &'j Json, at: &At) -> Result<Vec<(At, &'j str)>, PolicyError> {
        match json {
            Json::String(s) => Ok(vec![(at.clone(), s.as_str())]),
            Json::Array(items) if items.is_empty() => Err(PolicyError::Empty { at: self.loc(at) }),
            Json::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let at = at.index(i);
                    self.string(item, &at).map(|s| (at, s))
                })
                .collect(),
            other => Err(PolicyError::WrongType {
                at: self.loc(at),
                expected: "a string or an array of strings",
                got: type_name(other),
            }),
        }
    }

    fn unknown(&self, map: &Map<String, Json>, known: &[&str], at: &At) -> Result<(), PolicyError> {
        match map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(name) => Err(PolicyError::UnknownMember {
                at: self.loc(&at.key(name)),
                name: name.clone(),
                hint: Hint::case_of(name, known),
            }),
            None => Ok(()),
        }
    }

    fn document(mut self, json: &Json) -> Result<PolicyDocument, PolicyError> {
        let root = At::default();
        let map = self.object(json, &root)?;
        self.unknown(map, TOP_MEMBERS, &root)?;
        let version = match map.get("Version") {
            None => Version::V2008_10_17,
            Some(v) => {
                let at = root.key("Version");
                match self.string(v, &at)? {
                    "2012-10-17" => Version::V2012_10_17,
                    "2008-10-17" => Version::V2008_10_17,
                    other => {
                        return Err(PolicyError::BadVersion {
                            at: self.loc(&at),
                            got: other.to_string(),
                        });
                    }
                }
            }
        };
        self.variables = version == Version::V2012_10_17;
        let id = match map.get("Id") {
            Some(v) => Some(self.string(v, &root.key("Id"))?.to_string()),
            None => None,
        };
        let at = root.key("Statement");
        let statements = match map.get("Statement") {
            None => {
                return Err(PolicyError::Missing {
                    at: self.loc(&root),
                    member: "Statement",
                });
            }
            Some(Json::Array(items)) if items.is_empty() => {
                return Err(PolicyError::Empty { at: self.loc(&at) });
            }
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| self.statement(s, i, at.index(i)))
                .collect::<Result<Vec<_>, _>>()?,
            Some(one @ Json::Object(_)) => vec![self.statement(one, 0, at)?],
            Some(other) => {
                return Err(PolicyError::WrongType {
                    at: self.loc(&at),
                    expected: "a statement object or an array of them",
                    got: type_name(other),
                });
            }
        };
        let mut seen = HashSet::new();
        for (i, st) in statements.iter().enumerate() {
            if let Some(sid) = &st.sid
                && !seen.insert(sid.as_str())
            {
                let mut at = root.key("Statement");
                if matches!(map.get("Statement"), Some(Json::Array(_))) {
                    at = at.index(i);
                }
                return Err(PolicyError::DuplicateSid {
                    at: self.loc(&at.key("Sid")),
                    sid: sid.clone(),
                });
            }
        }
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }

    fn statement(&self, json: &Json, index: usize, mut at: At) -> Result<Statement, PolicyError> {
        let map = self.object(json, &at)?;
        if let Some(Json::String(sid)) = map.get("Sid")
            && !sid.is_empty()
        {
            at.sid = Some(sid.clone());
        }
        self.unknown(map, STATEMENT_MEMBERS, &at)?;
        let sid = match map.get("Sid") {
            Some(v) => {
                let sid = self.string(v, &at.key("Sid"))?;
                if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(PolicyError::BadSid {
                        at: self.loc(&at.key("Sid")),
                        got: sid.to_string(),
                    });
                }
                // The Cognito guide's own examples carry "Sid": "" — the same as no Sid.
                (!sid.is_empty()).then(|| sid.to_string())
            }
            None => None,
        };
        let effect = match map.get("Effect") {
            None => {
                return Err(PolicyError::Missing {
                    at: self.loc(&at),
                    member: "Effect",
                });
            }
            Some(v) => match self.string(v, &at.key("Effect"))? {
                "Allow" => Effect::Allow,
                "Deny" => Effect::Deny,
                other => {
                    return Err(PolicyError::BadEffect {
                        at: self.loc(&at.key("Effect")),
                        got: other.to_string(),
                    });
                }
            },
        };
        let pick = |a: &'static str,
                    b: &'static str|
         -> Result<Option<(bool, &'static str, &Json)>, PolicyError> {
            match (map.get(a), map.get(b)) {
                (Some(_), Some(_)) => Err(PolicyError::Conflict {
                    at: self.loc(&at),
                    first: a,
                    second: b,
                }),
                (Some(v), None) => Ok(Some((false, a, v))),
                (None, Some(v)) => Ok(Some((true, b, v))),
                (None, None) => Ok(None),
            }
        };
        let action = match pick("Action", "NotAction")? {
            Some((negated, name, v)) => self.actions(v, negated, &at.key(name))?,
            None => {
                return Err(PolicyError::Missing {
                    at: self.loc(&at),
                    member: "Action (or NotAction)",
                });
            }
        };
        let resource = match (pick("Resource", "NotResource")?, self.kind) {
            (Some((_, name, _)), PolicyKind::Trust) => {
                return Err(PolicyError::NotAllowed {
                    at: self.loc(&at.key(name)),
                    member: name,
                    kind: self.kind.describe(),
                });
            }
            (Some((negated, name, v)), PolicyKind::Permissions) => {
                Some(self.resources(v, negated, &at.key(name))?)
            }
            (None, PolicyKind::Permissions) => {
                return Err(PolicyError::Missing {
                    at: self.loc(&at),
                    member: "Resource (or NotResource)",
                });
            }
            (None, PolicyKind::Trust) => None,
        };
        let principal = match (pick("Principal", "NotPrincipal")?, self.kind) {
            (Some((_, name, _)), PolicyKind::Permissions) => {
                return Err(PolicyError::NotAllowed {
                    at: self.loc(&at.key(name)),
                    member: name,
                    kind: self.kind.describe(),
                });
            }
            (Some((negated, name, v)), PolicyKind::Trust) => {
                Some(self.principals(v, negated, &at.key(name))?)
            }
            (None, PolicyKind::Trust) => {
                return Err(PolicyError::Missing {
                    at: self.loc(&at),
                    member: "Principal (or NotPrincipal)",
                });
            }
            (None, PolicyKind::Permissions) => None,
        };
        let conditions = match map.get("Condition") {
            Some(v) => self.conditions(v, &at.key("Condition"))?,
            None => Vec::new(),
        };
        Ok(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    fn actions(&self, json: &Json, negated: bool, at: &At) -> Result<Actions, PolicyError> {
        let mut written = Vec::new();
        let mut patterns = Vec::new();
        for (at, action) in self.strings(json, at)? {
            if action != "*" {
                let bad = |why| PolicyError::BadAction {
                    at: self.loc(&at),
                    got: action.to_string(),
                    why,
                };
                let (service, name) = action.split_once(':').ok_or_else(|| bad("no service"))?;
                if service.is_empty()
                    || !service
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    return Err(bad("the service is letters, digits and -"));
                }
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_'))
                {
                    return Err(bad(
                        "the action is letters, digits and the wildcards * and ?",
                    ));
                }
            }
            written.push(action.to_string());
            patterns.push(Pattern::wild(&action.to_ascii_lowercase()));
        }
        Ok(Actions {
            negated,
            written,
            patterns,
        })
    }

    fn resources(&self, json: &Json, negated: bool, at: &At) -> Result<Resources, PolicyError> {
        let mut templates = Vec::new();
        for (at, resource) in self.strings(json, at)? {
            let arn_like = resource.starts_with("arn:") && resource.splitn(6, ':').count() == 6;
            if resource != "*" && !arn_like {
                return Err(PolicyError::BadResource {
                    at: self.loc(&at),
                    got: resource.to_string(),
                });
            }
            templates.push(Template::new(resource, self.variables));
        }
        Ok(Resources { negated, templates })
    }

    fn principals(&self, json: &Json, negated: bool, at: &At) -> Result<Principals, PolicyError> {
        let mut out = Principals {
            negated,
            anyone: false,
            entries: Vec::new(),
        };
        match json {
            Json::String(s) if s == "*" => out.anyone = true,
            Json::String(s) => {
                return Err(PolicyError::BadPrincipal {
                    at: self.loc(at),
                    why: format!(
                        "{s:?} is not a principal: write \"*\" or an object such as {{\"Federated\": \"cognito-identity.amazonaws.com\"}}"
                    ),
                });
            }
            Json::Object(map) => {
                if map.is_empty() {
                    return Err(PolicyError::Empty { at: self.loc(at) });
                }
                for (name, value) in map {
                    let Some((_, kind)) = PrincipalType::ALL.iter().find(|(n, _)| n == name) else {
                        let names: Vec<&str> = PrincipalType::ALL.iter().map(|(n, _)| *n).collect();
                        return Err(PolicyError::UnknownMember {
                            at: self.loc(&at.key(name)),
                            name: name.clone(),
                            hint: Hint::case_of(name, &names),
                        });
                    };
                    for (_, p) in self.strings(value, &at.key(name))? {
                        out.entries.push((*kind, p.to_string()));
                    }
                }
            }
            other => {
                return Err(PolicyError::WrongType {
                    at: self.loc(at),
                    expected: "\"*\" or an object",
                    got: type_name(other),
                });
            }
        }
        Ok(out)
    }

    fn conditions(&self, json: &Json, at: &At) -> Result<Vec<Condition>, PolicyError> {
        let mut out = Vec::new();
        for (op_name, block) in self.object(json, at)? {
            let op_at = at.key(op_name);
            let operator =
                Operator::parse(op_name).map_err(|near| PolicyError::UnknownOperator {
                    at: self.loc(&op_at),
                    got: op_name.clone(),
                    hint: Hint(near),
                })?;
            let block = self.object(block, &op_at)?;
            if block.is_empty() {
                return Err(PolicyError::Empty {
                    at: self.loc(&op_at),
                });
            }
            for (key, values) in block {
                let key_at = op_at.key(key);
                let raw: Vec<(At, String)> = match values {
                    Json::Array(items) if items.is_empty() => {
                        return Err(PolicyError::Empty {
                            at: self.loc(&key_at),
                        });
                    }
                    Json::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let at = key_at.index(i);
                            self.scalar(item, &at).map(|s| (at, s))
                        })
                        .collect::<Result<_, _>>()?,
                    one => vec![(key_at.clone(), self.scalar(one, &key_at)?)],
                };
                let mut parsed = Vec::with_capacity(raw.len());
                for (value_at, text) in raw {
                    let value = conditions::parse_value(operator.base, &text, self.variables)
                        .map_err(|wanted| PolicyError::BadConditionValue {
                            at: self.loc(&value_at),
                            operator: op_name.clone(),
                            got: text.clone(),
                            wanted,
                        })?;
                    parsed.push(value);
                }
                out.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    key_lookup: key.to_lowercase(),
                    values: parsed,
                });
            }
        }
        Ok(out)
    }

    /// Condition values are strings; IAM also takes bare booleans and numbers.
    fn scalar(&self, json: &Json, at: &At) -> Result<String, PolicyError> {
        match json {
            Json::String(s) => Ok(s.clone()),
            Json::Bool(b) => Ok(b.to_string()),
            Json::Number(n) => Ok(n.to_string()),
            other => Err(PolicyError::WrongType {
                at: self.loc(at),
                expected: "a string, number or boolean",
                got: type_name(other),
            }),
        }
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
