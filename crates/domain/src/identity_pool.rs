//! Identity pools (`cognito-identity`): the configuration Cognito keeps for a pool, in its
//! member names, with Cognito's limits. The pool's id and name are types in [`crate::names`]
//! (`IdentityPoolId`, `IdentityPoolName`), checked where they enter.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// At most this many entries in `SupportedLoginProviders` (Cognito's `IdentityProviders`).
pub const MAX_LOGIN_PROVIDERS: usize = 10;
/// At most this many tags on an identity pool (AWS's tag limit).
pub const MAX_TAGS: usize = 50;
/// At most this many principal tags per provider (`PrincipalTags`).
pub const MAX_PRINCIPAL_TAGS: usize = 50;
/// At most this many user pool providers per identity pool (Cognito's default quota).
pub const MAX_COGNITO_PROVIDERS: usize = 50;

/// Checks an identity pool id: Cognito's `[\w-]+:[0-9a-f-]+`, 1–55 characters
/// (`us-east-1:0f3c…`).
pub fn validate_identity_pool_id(id: &str) -> Result<(), FieldError> {
    let bad = || {
        FieldError::new(
            "IdentityPoolId",
            format!(
                "'{id}' is not an identity pool id like us-east-1:4f1e7c2a-93b5-4d0e-8a61-0c2d9e8b7f35"
            ),
        )
    };
    if id.is_empty() || id.chars().count() > 55 {
        return Err(bad());
    }
    let (region, suffix) = id.split_once(':').ok_or_else(bad)?;
    let region_ok = !region.is_empty() && region.chars().all(|c| is_word(c) || c == '-');
    let suffix_ok = !suffix.is_empty()
        && suffix
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-');
    if region_ok && suffix_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Checks an identity id: Cognito's `[\w-]+:[0-9a-f-]+`, 1–55 characters, the same shape as a
/// pool's (`us-east-1:7c1d…`).
pub fn validate_identity_id(id: &str) -> Result<(), FieldError> {
    validate_identity_pool_id(id).map_err(|_| {
        FieldError::new(
            "IdentityId",
            format!(
                "'{id}' is not an identity id like us-east-1:0b6ad3c1-63e4-4d7f-9c36-2f1a5e8d7b90"
            ),
        )
    })
}

/// A new identity id in `region`: `<region>:<uuid>`.
pub fn new_identity_id(region: &str) -> String {
    format!("{region}:{}", uuid::Uuid::new_v4())
}

/// Checks an identity pool name: Cognito's `[\w\s+=,.@-]+`, 1–128 characters.
pub fn validate_identity_pool_name(name: &str) -> Result<(), FieldError> {
    check_text("IdentityPoolName", name, 1, 128, |c| {
        is_word(c) || c.is_whitespace() || "+=,.@-".contains(c)
    })
}

/// A new identity pool id in `region`: `<region>:<uuid>`.
pub fn new_identity_pool_id(region: &str) -> String {
    format!("{region}:{}", uuid::Uuid::new_v4())
}

/// `\w` as Java's regular expressions read it in Cognito's patterns: letters, digits, `_`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn check_text(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < min || n > max {
        let range = if min == 0 {
            format!("at most {max} characters")
        } else {
            format!("{min}–{max} characters")
        };
        return Err(FieldError::new(field, format!("must be {range}")));
    }
    if let Some(c) = value.chars().find(|c| !allowed(*c)) {
        return Err(FieldError::new(
            field,
            format!("'{value}' may not contain {c:?}"),
        ));
    }
    Ok(())
}

/// `CognitoIdentityProvider`: a user pool app client whose ID tokens the identity pool accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct CognitoIdentityProvider {
    /// `cognito-idp.<region>.amazonaws.com/<user pool id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// The app client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Whether the pool checks with the user pool that the user was not signed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_token_check: Option<bool>,
}

/// An identity pool's configuration: what `CreateIdentityPool` takes and `UpdateIdentityPool`
/// replaces whole, in Cognito's member names (ids, names and tags aside).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPoolConfig {
    pub allow_unauthenticated_identities: bool,
    #[serde(default)]
    pub allow_classic_flow: bool,
    #[serde(default)]
    pub supported_login_providers: BTreeMap<String, String>,
    #[serde(default)]
    pub developer_provider_name: Option<String>,
    #[serde(default, rename = "OpenIdConnectProviderARNs")]
    pub open_id_connect_provider_arns: Vec<String>,
    #[serde(default)]
    pub cognito_identity_providers: Vec<CognitoIdentityProvider>,
    #[serde(default, rename = "SamlProviderARNs")]
    pub saml_provider_arns: Vec<String>,
}

impl IdentityPoolConfig {
    /// Cognito's limits and patterns, naming the member at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        let logins = &self.supported_login_providers;
        if logins.len() > MAX_LOGIN_PROVIDERS {
            return Err(FieldError::new(
                "SupportedLoginProviders",
                format!("may hold at most {MAX_LOGIN_PROVIDERS} providers"),
            ));
        }
        for (name, id) in logins {
            check_text("SupportedLoginProviders", name, 1, 128, |_| true)?;
            check_text(
                &format!("SupportedLoginProviders.{name}"),
                id,
                1,
                128,
                |c| is_word(c) || ".;_/-".contains(c),
            )?;
        }
        if let Some(d) = &self.developer_provider_name {
            check_text("DeveloperProviderName", d, 1, 128, |c| {
                is_word(c) || "._-".contains(c)
            })?;
        }
        for (field, arns) in [
            (
                "OpenIdConnectProviderARNs",
                &self.open_id_connect_provider_arns,
            ),
            ("SamlProviderARNs", &self.saml_provider_arns),
        ] {
            for arn in arns {
                check_text(field, arn, 20, 2048, |_| true)?;
            }
        }
        let providers = &self.cognito_identity_providers;
        if providers.len() > MAX_COGNITO_PROVIDERS {
            return Err(FieldError::new(
                "CognitoIdentityProviders",
                format!("may hold at most {MAX_COGNITO_PROVIDERS} providers"),
            ));
        }
        for p in providers {
            if let Some(name) = &p.provider_name {
                check_text("CognitoIdentityProviders.ProviderName", name, 1, 128, |c| {
                    is_word(c) || "._:/-".contains(c)
                })?;
            }
            if let Some(id) = &p.client_id {
                check_text("CognitoIdentityProviders.ClientId", id, 1, 128, is_word)?;
            }
        }
        Ok(())
    }
}

/// Checks tags (`IdentityPoolTags`, `Tags`): keys 1–128 characters, values at most 256, at
/// most [`MAX_TAGS`] of them.
pub fn validate_tags(field: &str, tags: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if tags.len() > MAX_TAGS {
        return Err(FieldError::new(
            field,
            format!("may hold at most {MAX_TAGS} tags"),
        ));
    }
    for (k, v) in tags {
        check_text(field, k, 1, 128, |_| true)?;
        check_text(&format!("{field}.{k}"), v, 0, 256, |_| true)?;
    }
    Ok(())
}

/// Checks an IAM role ARN: `arn:aws:iam::<12 digits>:role/<path and name>`.
pub fn validate_role_arn(field: &str, arn: &str) -> Result<(), FieldError> {
    let bad = || {
        FieldError::new(
            field,
            format!("'{arn}' is not an IAM role ARN like arn:aws:iam::123456789012:role/Name"),
        )
    };
    let n = arn.chars().count();
    if !(20..=2048).contains(&n) {
        return Err(bad());
    }
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(bad)?;
    let (account, resource) = rest.split_once(':').ok_or_else(bad)?;
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let name = resource.strip_prefix("role/").ok_or_else(bad)?;
    if name.is_empty() || name.ends_with('/') || name.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    Ok(())
}

/// One provider's principal tags (`SetPrincipalTagAttributeMap`): the defaults, or tag name →
/// claim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalTagMap {
    #[serde(default)]
    pub use_defaults: bool,
    #[serde(default)]
    pub principal_tags: BTreeMap<String, String>,
}

impl PrincipalTagMap {
    /// Cognito's limits: at most [`MAX_PRINCIPAL_TAGS`], keys 1–128, values 1–256 characters.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.principal_tags.len() > MAX_PRINCIPAL_TAGS {
            return Err(FieldError::new(
                "PrincipalTags",
                format!("may hold at most {MAX_PRINCIPAL_TAGS} tags"),
            ));
        }
        for (k, v) in &self.principal_tags {
            check_text("PrincipalTags", k, 1, 128, |_| true)?;
            check_text(&format!("PrincipalTags.{k}"), v, 1, 256, |_| true)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_cognitos_pattern() {
        assert!(
            validate_identity_pool_id("us-east-1:4f1e7c2a-93b5-4d0e-8a61-0c2d9e8b7f35").is_ok()
        );
        for bad in [
            "",
            "us-east-1",
            ":abc",
            "us-east-1:",
            "us-east-1:XYZ",
            "us east:ab",
        ] {
            let e = validate_identity_pool_id(bad).unwrap_err();
            assert_eq!(e.field, "IdentityPoolId", "{bad}");
        }
        let long = format!("us-east-1:{}", "a".repeat(50));
        assert!(validate_identity_pool_id(&long).is_err());
        let id = new_identity_pool_id("eu-west-2");
        assert!(id.starts_with("eu-west-2:"));
        assert!(validate_identity_pool_id(&id).is_ok(), "{id}");
    }

    #[test]
    fn names_follow_cognitos_pattern() {
        assert!(validate_identity_pool_name("My app, users+guests @ 2.0=ok").is_ok());
        assert!(validate_identity_pool_name("").is_err());
        assert!(validate_identity_pool_name(&"a".repeat(129)).is_err());
        let e = validate_identity_pool_name("no/slashes").unwrap_err();
        assert!(e.reason.contains("'/'"), "{}", e.reason);
    }

    #[test]
    fn configuration_limits_name_the_member() {
        let mut c = IdentityPoolConfig::default();
        for i in 0..11 {
            c.supported_login_providers
                .insert(format!("p{i}.example.com"), format!("app{i}"));
        }
        assert_eq!(c.validate().unwrap_err().field, "SupportedLoginProviders");
        c.supported_login_providers.clear();
        c.developer_provider_name = Some("login.my app".into());
        assert_eq!(c.validate().unwrap_err().field, "DeveloperProviderName");
        c.developer_provider_name = Some("login.myapp".into());
        c.cognito_identity_providers.push(CognitoIdentityProvider {
            provider_name: Some("cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc".into()),
            client_id: Some("bad id".into()),
            server_side_token_check: None,
        });
        assert_eq!(
            c.validate().unwrap_err().field,
            "CognitoIdentityProviders.ClientId"
        );
        c.cognito_identity_providers[0].client_id = Some("abc123".into());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn role_arns_are_iam_roles() {
        assert!(validate_role_arn("Roles", "arn:aws:iam::123456789012:role/Cognito_Auth").is_ok());
        assert!(validate_role_arn("Roles", "arn:aws:iam::123456789012:role/path/Name").is_ok());
        for bad in [
            "arn:aws:iam::12345:role/X",
            "arn:aws:iam::123456789012:user/X",
            "arn:aws:s3:::bucket-name-long",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(validate_role_arn("Roles", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_limited() {
        let mut t = BTreeMap::new();
        t.insert(String::new(), "v".to_string());
        assert_eq!(validate_tags("Tags", &t).unwrap_err().field, "Tags");
        t.clear();
        t.insert("k".to_string(), "v".repeat(257));
        assert_eq!(validate_tags("Tags", &t).unwrap_err().field, "Tags.k");
    }
}
