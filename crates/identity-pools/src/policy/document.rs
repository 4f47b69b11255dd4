//! The types of a parsed policy document.

use serde::Serialize;

use super::conditions::Condition;
use super::variables::Template;
use super::wildcard::Pattern;

/// What a policy is for, which decides the members a statement must and must not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// A role's permission policy, or a session (scope-down) policy: Action and Resource, no
    /// Principal.
    Permissions,
    /// A role's trust policy: Principal and Action, no Resource.
    Trust,
}

impl PolicyKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            PolicyKind::Permissions => "a permission policy",
            PolicyKind::Trust => "a trust policy",
        }
    }
}

/// The policy language version; only 2012-10-17 has policy variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Version {
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

/// `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A parsed, valid policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// Action or NotAction: lower-cased patterns (actions match case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actions {
    pub negated: bool,
    pub written: Vec<String>,
    pub(crate) patterns: Vec<Pattern>,
}

/// Resource or NotResource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    pub negated: bool,
    pub(crate) templates: Vec<Template>,
}

impl Resources {
    /// The resources as written.
    pub fn written(&self) -> Vec<String> {
        self.templates.iter().map(|t| t.raw().to_string()).collect()
    }
}

/// The kinds of principal a statement can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PrincipalType {
    #[serde(rename = "AWS")]
    Aws,
    Federated,
    Service,
    CanonicalUser,
}

impl PrincipalType {
    pub(crate) const ALL: [(&'static str, PrincipalType); 4] = [
        ("AWS", PrincipalType::Aws),
        ("Federated", PrincipalType::Federated),
        ("Service", PrincipalType::Service),
        ("CanonicalUser", PrincipalType::CanonicalUser),
    ];

    pub fn name(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Federated => "Federated",
            PrincipalType::Service => "Service",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// Principal or NotPrincipal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principals {
    pub negated: bool,
    /// `"Principal": "*"`.
    pub anyone: bool,
    pub entries: Vec<(PrincipalType, String)>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the Statement array (0 for a lone statement object).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub action: Actions,
    pub resource: Option<Resources>,
    pub conditions: Vec<Condition>,
}

impl PolicyDocument {
    /// Whether any statement reads the request context key `key` (lower-cased): a condition
    /// on it, or a policy variable naming it.
    pub fn reads(&self, key: &str) -> bool {
        self.statements
            .iter()
            .any(|st| st.conditions.iter().any(|c| c.key_lookup == key))
            || self.variable_keys().any(|v| v == key)
    }

    /// The policy variables its resources and condition values name (`${…}` keys as written,
    /// lower-cased), each once, in order of first use.
    pub fn variables(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for key in self.variable_keys() {
            if !out.iter().any(|k| k == key) {
                out.push(key.to_string());
            }
        }
        out
    }

    /// Every use of a policy variable in resources and condition values, in order.
    fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.statements.iter().flat_map(|st| {
            let resources = st.resource.iter().flat_map(|r| r.templates.iter());
            let values = st.conditions.iter().flat_map(|c| {
                c.values.iter().filter_map(|v| match v {
                    super::conditions::Value::Text(t) => Some(t),
                    _ => None,
                })
            });
            resources.chain(values).flat_map(Template::variables)
        })
    }
}
