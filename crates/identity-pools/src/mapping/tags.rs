//! Attributes for access control: a provider's `PrincipalTags` (tag key → claim name) or its
//! default mapping (`UseDefaults`) turn a login's claims into the session tags of its credentials.
//!
//! Limits: at most 50 tags; tag keys 1–128 characters; claim names 1–256 (the
//! `SetPrincipalTagAttributeMap` model); session tag values 0–256 (STS).
//! Defaults per provider, from the developer guide's "Default provider mappings": user pools,
//! Google, Apple, Facebook, OIDC and Twitter give `aud` (the client) and `sub` (the user);
//! Login with Amazon `aud` and `user_id`; SAML the `nameidentifier` and `name` claims;
//! developer-authenticated identities none. The guide does not print the default tag keys; the
//! API calls them "username and clientID", and Poolhouse names them `username` and `client`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use federation::ProviderKind;

pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_KEY_CHARS: usize = 128;
pub const MAX_CLAIM_NAME_CHARS: usize = 256;
pub const MAX_TAG_VALUE_CHARS: usize = 256;

const SAML_NAME_ID: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
const SAML_NAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

/// One provider's principal tag configuration (`Set/GetPrincipalTagAttributeMap`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalTagMap {
    #[serde(default)]
    pub use_defaults: bool,
    /// Tag key → claim name.
    #[serde(default)]
    pub principal_tags: BTreeMap<String, String>,
}

/// The default tag key → claim mapping of a kind of provider.
pub fn defaults(kind: ProviderKind) -> BTreeMap<String, String> {
    let pairs: &[(&str, &str)] = match kind {
        ProviderKind::Amazon => &[("client", "aud"), ("username", "user_id")],
        ProviderKind::Saml => &[("nameidentifier", SAML_NAME_ID), ("name", SAML_NAME)],
        ProviderKind::Developer => &[],
        _ => &[("client", "aud"), ("username", "sub")],
    };
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A problem with a principal tag map or with a tag value, naming the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "PascalCase")]
#[error("{member}: {message}")]
pub struct TagProblem {
    pub member: String,
    pub message: String,
}

impl PrincipalTagMap {
    /// Checks the map as `SetPrincipalTagAttributeMap` would.
    pub fn validate(&self) -> Result<(), Vec<TagProblem>> {
        let mut problems = Vec::new();
        if self.principal_tags.len() > MAX_TAGS {
            problems.push(TagProblem {
                member: "PrincipalTags".to_owned(),
                message: format!(
                    "at most {MAX_TAGS} tags (has {})",
                    self.principal_tags.len()
                ),
            });
        }
        for (key, claim) in &self.principal_tags {
            let n = key.chars().count();
            if n == 0 || n > MAX_TAG_KEY_CHARS {
                problems.push(TagProblem {
                    member: format!("PrincipalTags.{key}"),
                    message: format!("tag keys are 1-{MAX_TAG_KEY_CHARS} characters (is {n})"),
                });
            }
            let n = claim.chars().count();
            if n == 0 || n > MAX_CLAIM_NAME_CHARS {
                problems.push(TagProblem {
                    member: format!("PrincipalTags.{key}"),
                    message: format!(
                        "the claim name must be 1-{MAX_CLAIM_NAME_CHARS} characters (is {n})"
                    ),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The tag key → claim mapping in force for a provider.
    pub fn effective(&self, provider: &str) -> BTreeMap<String, String> {
        if self.use_defaults {
            defaults(ProviderKind::of(provider))
        } else {
            self.principal_tags.clone()
        }
    }
}

/// A session tag and the claim it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SessionTag {
    pub key: String,
    pub value: String,
    pub claim: String,
}

/// A mapped tag the claims did not fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SkippedTag {
    pub key: String,
    pub claim: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalTags {
    pub tags: Vec<SessionTag>,
    /// Tags left out: the claim is missing, or is an array or object (a tag holds one string).
    pub skipped: Vec<SkippedTag>,
}

/// The session tags a login's claims give, or the first problem that stops them (a value over
/// 256 characters: STS would refuse the session).
pub fn principal_tags(
    map: &PrincipalTagMap,
    provider: &str,
    claims: &Map<String, Value>,
) -> Result<PrincipalTags, TagProblem> {
    let mut out = PrincipalTags::default();
    for (key, claim) in map.effective(provider) {
        let value = match claims.get(&claim) {
            None | Some(Value::Null) => {
                out.skipped.push(SkippedTag {
                    key,
                    claim,
                    reason: "the token has no such claim".to_owned(),
                });
                continue;
            }
            Some(Value::Array(_) | Value::Object(_)) => {
                out.skipped.push(SkippedTag {
                    key,
                    claim,
                    reason: "the claim holds several values; a tag holds one".to_owned(),
                });
                continue;
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let n = value.chars().count();
        if n > MAX_TAG_VALUE_CHARS {
            return Err(TagProblem {
                member: format!("PrincipalTags.{key}"),
                message: format!(
                    "claim {claim} is {n} characters; a session tag value holds at most {MAX_TAG_VALUE_CHARS}"
                ),
            });
        }
        out.tags.push(SessionTag { key, value, claim });
    }
    Ok(out)
}
