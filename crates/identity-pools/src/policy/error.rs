//! What is wrong with a policy document, and where.

use std::fmt;

/// Where in the document a problem is: the JSON path (`Statement[1].Condition.StringEquals`),
/// the statement's Sid when it has one, and the line in the text when it could be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub sid: Option<String>,
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.path.is_empty() {
            "policy"
        } else {
            &self.path
        })?;
        match (&self.sid, self.line) {
            (Some(sid), Some(line)) => write!(f, " (Sid {sid:?}, line {line})"),
            (Some(sid), None) => write!(f, " (Sid {sid:?})"),
            (None, Some(line)) => write!(f, " (line {line})"),
            (None, None) => Ok(()),
        }
    }
}

/// Why a policy document is refused — what IAM answers with `MalformedPolicyDocument`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("line {line}, column {column}: not valid JSON: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{at}: must be {expected}, got {got}")]
    WrongType {
        at: Box<Location>,
        expected: &'static str,
        got: &'static str,
    },
    #[error("{at}: unknown member {name:?}{hint}")]
    UnknownMember {
        at: Box<Location>,
        name: String,
        hint: Hint,
    },
    #[error("{at}: missing {member}")]
    Missing {
        at: Box<Location>,
        member: &'static str,
    },
    #[error("{at}: has both {first} and {second}; a statement takes one of them")]
    Conflict {
        at: Box<Location>,
        first: &'static str,
        second: &'static str,
    },
    #[error("{at}: {member} is not allowed in {kind}")]
    NotAllowed {
        at: Box<Location>,
        member: &'static str,
        kind: &'static str,
    },
    #[error("{at}: must not be empty")]
    Empty { at: Box<Location> },
    #[error("{at}: must be \"2012-10-17\" or \"2008-10-17\", got {got:?}")]
    BadVersion { at: Box<Location>, got: String },
    #[error("{at}: must be Allow or Deny, got {got:?}")]
    BadEffect { at: Box<Location>, got: String },
    #[error("{at}: Sid {got:?} may hold only letters and digits")]
    BadSid { at: Box<Location>, got: String },
    #[error("{at}: Sid {sid:?} is used by another statement; Sids must be unique in a policy")]
    DuplicateSid { at: Box<Location>, sid: String },
    #[error(
        "{at}: action {got:?} must be \"*\" or prefaced by a service, as in \"s3:GetObject\" ({why})"
    )]
    BadAction {
        at: Box<Location>,
        got: String,
        why: &'static str,
    },
    #[error(
        "{at}: resource {got:?} must be an ARN (arn:partition:service:region:account:resource) or \"*\""
    )]
    BadResource { at: Box<Location>, got: String },
    #[error("{at}: {why}")]
    BadPrincipal { at: Box<Location>, why: String },
    #[error("{at}: unknown condition operator {got:?}{hint}")]
    UnknownOperator {
        at: Box<Location>,
        got: String,
        hint: Hint,
    },
    #[error("{at}: {operator} value {got:?} is not {wanted}")]
    BadConditionValue {
        at: Box<Location>,
        operator: String,
        got: String,
        wanted: &'static str,
    },
}

impl PolicyError {
    /// The location of the problem (none for JSON syntax errors, which carry line and column).
    pub fn location(&self) -> Option<&Location> {
        match self {
            PolicyError::Syntax { .. } => None,
            PolicyError::WrongType { at, .. }
            | PolicyError::UnknownMember { at, .. }
            | PolicyError::Missing { at, .. }
            | PolicyError::Conflict { at, .. }
            | PolicyError::NotAllowed { at, .. }
            | PolicyError::Empty { at }
            | PolicyError::BadVersion { at, .. }
            | PolicyError::BadEffect { at, .. }
            | PolicyError::BadSid { at, .. }
            | PolicyError::DuplicateSid { at, .. }
            | PolicyError::BadAction { at, .. }
            | PolicyError::BadResource { at, .. }
            | PolicyError::BadPrincipal { at, .. }
            | PolicyError::UnknownOperator { at, .. }
            | PolicyError::BadConditionValue { at, .. } => Some(at.as_ref()),
        }
    }

    /// The line the problem is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Syntax { line, .. } => Some(*line),
            other => other.location().and_then(|at| at.line),
        }
    }

    /// The error code IAM gives for every one of these.
    pub fn code(&self) -> &'static str {
        "MalformedPolicyDocument"
    }
}

/// A "did you mean" suffix for a misspelt name (empty when there is no close candidate).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hint(pub Option<String>);

impl Hint {
    /// The candidate equal to `got` ignoring case and a plural `s`, if any.
    pub fn case_of(got: &str, candidates: &[&str]) -> Hint {
        let singular = got.strip_suffix(['s', 'S']).unwrap_or(got);
        Hint(
            candidates
                .iter()
                .find(|c| c.eq_ignore_ascii_case(got) || c.eq_ignore_ascii_case(singular))
                .map(|c| (*c).to_string()),
        )
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(name) => write!(f, " (did you mean {name:?}?)"),
            None => Ok(()),
        }
    }
}

/// JSON type names for [`PolicyError::WrongType`].
pub(crate) fn type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
