//! Claim values as role rules see them.
//!
//! Cognito documents rules on "the claim's value" as a string. Tokens also carry numbers,
//! booleans and arrays (`cognito:groups`); Cognito's documentation does not say how rules treat
//! them, so Poolhouse reads numbers and booleans as their JSON text (`42`, `true`) and an array
//! element by element: `Equals`, `Contains` and `StartsWith` match when some element does,
//! `NotEqual` when no element equals the value. `null` counts as a missing claim.

use serde_json::Value;

use super::model::MatchType;

/// A claim's value as text: one string, or the elements of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimText {
    One(String),
    Many(Vec<String>),
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The claim's text, None when the token lacks it.
pub fn claim_text(value: Option<&Value>) -> Option<ClaimText> {
    match value? {
        Value::Array(items) => Some(ClaimText::Many(items.iter().filter_map(scalar).collect())),
        other => scalar(other).map(ClaimText::One),
    }
}

impl ClaimText {
    /// How the explanation shows it: a string quoted, an array as JSON.
    pub fn shown(&self) -> String {
        match self {
            ClaimText::One(s) => Value::String(s.clone()).to_string(),
            ClaimText::Many(items) => Value::from(items.clone()).to_string(),
        }
    }

    fn any(&self, f: impl Fn(&str) -> bool) -> bool {
        match self {
            ClaimText::One(s) => f(s),
            ClaimText::Many(items) => items.iter().any(|s| f(s)),
        }
    }
}

/// Whether a present claim satisfies `match_type` with `value` (case-sensitive, as Cognito).
pub fn matches(claim: &ClaimText, match_type: MatchType, value: &str) -> bool {
    match match_type {
        MatchType::Equals => claim.any(|s| s == value),
        MatchType::Contains => claim.any(|s| s.contains(value)),
        MatchType::StartsWith => claim.any(|s| s.starts_with(value)),
        MatchType::NotEqual => !claim.any(|s| s == value),
    }
}

/// A claim that should be one string (`cognito:preferred_role`).
pub fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `cognito:roles`: a JSON array in user pool ID tokens; the developer guide describes it as a
/// comma-separated string, so both are read. Duplicates are dropped, order kept.
pub fn role_list(value: Option<&Value>) -> Vec<String> {
    let raw: Vec<String> = match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s.split(',').map(|r| r.trim().to_owned()).collect(),
        _ => Vec::new(),
    };
    let mut roles: Vec<String> = Vec::with_capacity(raw.len());
    for role in raw {
        if !role.is_empty() && !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_scalars_arrays_and_null() {
        assert_eq!(
            claim_text(Some(&json!("a"))),
            Some(ClaimText::One("a".into()))
        );
        assert_eq!(
            claim_text(Some(&json!(42))),
            Some(ClaimText::One("42".into()))
        );
        assert_eq!(
            claim_text(Some(&json!(true))),
            Some(ClaimText::One("true".into()))
        );
        assert_eq!(
            claim_text(Some(&json!(["x", 1]))),
            Some(ClaimText::Many(vec!["x".into(), "1".into()]))
        );
        assert_eq!(claim_text(Some(&Value::Null)), None);
        assert_eq!(claim_text(None), None);
    }

    #[test]
    fn arrays_match_element_by_element() {
        let groups = ClaimText::Many(vec!["admins".into(), "sales-eu".into()]);
        assert!(matches(&groups, MatchType::Equals, "admins"));
        assert!(!matches(&groups, MatchType::Equals, "admin"));
        assert!(matches(&groups, MatchType::Contains, "les-e"));
        assert!(matches(&groups, MatchType::StartsWith, "sales"));
        assert!(!matches(&groups, MatchType::NotEqual, "admins"));
        assert!(matches(&groups, MatchType::NotEqual, "ops"));
        let empty = ClaimText::Many(vec![]);
        assert!(!matches(&empty, MatchType::Equals, "x"));
        assert!(matches(&empty, MatchType::NotEqual, "x"));
    }

    #[test]
    fn roles_from_array_or_comma_separated_string() {
        let a = "arn:aws:iam::123456789012:role/a";
        let b = "arn:aws:iam::123456789012:role/b";
        assert_eq!(role_list(Some(&json!([a, b, a]))), vec![a, b]);
        assert_eq!(role_list(Some(&json!(format!("{a}, {b}")))), vec![a, b]);
        assert!(role_list(Some(&json!(7))).is_empty());
        assert!(role_list(None).is_empty());
    }
}
