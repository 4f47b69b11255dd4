//! Trust, validated for real: whether a login's token proves what it claims, for each kind of
//! provider an identity pool may trust other than its own user pools (those are
//! `identities`' business):
//!
//! - OpenID Connect providers held as IAM-style records (`crate::providers`): the ID token's
//!   signature against the JWKS found through the issuer's discovery document ([`oidc`], keys
//!   cached by [`jwks`]), its issuer, audience and time window;
//! - the social presets ([`social`]): Google, Apple and Login with Amazon as OIDC providers
//!   with known issuers, Facebook through its Graph API;
//! - SAML providers ([`saml`]): the response's XML signature against the IdP metadata's
//!   certificates, audience, time window, recipient, and the role pairs it offers.
//!
//! Each check is one call of [`Verifier`]: `(provider, token, now) → Verified or Refusal`;
//! which provider a Logins key names in a pool is [`resolve`]'s answer, read from the store
//! before any HTTP (no transaction is held while a provider is asked).

pub mod http;
pub mod jwks;
pub mod oidc;
pub mod saml;
pub mod social;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::mapping::tags::ProviderKind;
pub use http::{Fetch, HttpFetch};
pub use social::SocialEndpoints;

/// Why a login was not accepted, in Cognito's error codes and wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `NotAuthorizedException`: the token does not prove the login ("Invalid login token. …").
    #[error("{0}")]
    NotAuthorized(String),
    /// `InvalidParameterException`, naming the member: the login names a provider the pool
    /// does not trust, or is malformed.
    #[error("{0}")]
    InvalidParameter(domain::FieldError),
    /// `ExternalServiceException`: the provider could not be asked (unreachable, or an answer
    /// that is not what it should be); the message names the URL.
    #[error("{0}")]
    ExternalService(String),
}

impl Refusal {
    /// Cognito's error code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAuthorized(_) => "NotAuthorizedException",
            Refusal::InvalidParameter(_) => "InvalidParameterException",
            Refusal::ExternalService(_) => "ExternalServiceException",
        }
    }

    /// The message (for `InvalidParameter`, "member: reason").
    pub fn message(&self) -> String {
        self.to_string()
    }

    fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal::InvalidParameter(domain::FieldError::new(field, reason))
    }

    /// `NotAuthorizedException` "Invalid login token. {detail}".
    pub(crate) fn token(detail: impl std::fmt::Display) -> Self {
        Refusal::NotAuthorized(format!("Invalid login token. {detail}"))
    }
}

impl From<storage::Error> for Refusal {
    fn from(e: storage::Error) -> Self {
        Refusal::ExternalService(format!("the store could not be read: {e}"))
    }
}

/// What a verified login proves.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The Logins key.
    pub provider: String,
    pub kind: ProviderKind,
    /// The user at the provider: the token's `sub` (`user_id` for Login with Amazon when it
    /// has no `sub`, Facebook's user id, SAML's NameID).
    pub subject: String,
    /// The token's claims (Facebook: `sub`, `aud` and the profile's fields; SAML: the
    /// attributes by name, a string for one value and a list for several).
    pub claims: Map<String, Value>,
    /// SAML only: the roles the assertion offers and its session name.
    pub saml: Option<saml::SamlGrant>,
}

/// A provider an identity pool trusts, as [`resolve`] found it, ready to check a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Trusted {
    /// An OIDC provider record, or a social preset handled as one.
    Oidc(oidc::OidcTrust),
    /// Facebook: the pool's app ids.
    Facebook { app_ids: Vec<String> },
    /// A SAML provider record.
    Saml(saml::SamlTrust),
}

/// Verifies logins; one per console, so that its JWKS cache outlives a request.
pub struct Verifier {
    fetch: Arc<dyn Fetch>,
    jwks: jwks::JwksCache,
    endpoints: SocialEndpoints,
}

impl Verifier {
    pub fn new(fetch: Arc<dyn Fetch>, endpoints: SocialEndpoints) -> Self {
        Self {
            fetch,
            jwks: jwks::JwksCache::default(),
            endpoints,
        }
    }

    /// The social providers' base URLs this verifier uses.
    pub fn endpoints(&self) -> &SocialEndpoints {
        &self.endpoints
    }

    /// Checks `token` (an ID token, Facebook's access token, or a base64 SAMLResponse) against
    /// the provider `login` resolved to; `now_ms` is the clock.
    pub fn verify(&self, login: &Login, token: &str, now_ms: i64) -> Result<Verified, Refusal> {
        if token.is_empty() {
            return Err(Refusal::invalid(
                format!("Logins.{}", login.key),
                "the token is empty",
            ));
        }
        if token.len() > MAX_TOKEN_CHARS {
            return Err(Refusal::invalid(
                format!("Logins.{}", login.key),
                format!("a token is at most {MAX_TOKEN_CHARS} characters"),
            ));
        }
        match &login.trusted {
            // Login with Amazon's SDKs hand apps access tokens, not ID tokens.
            Trusted::Oidc(t)
                if ProviderKind::of(&login.key) == ProviderKind::Amazon
                    && token.split('.').count() != 3 =>
            {
                social::verify_amazon_access_token(
                    &*self.fetch,
                    &self.endpoints,
                    &t.client_ids,
                    &login.key,
                    token,
                )
            }
            Trusted::Oidc(t) => {
                oidc::verify(&*self.fetch, &self.jwks, t, &login.key, token, now_ms)
            }
            Trusted::Facebook { app_ids } => {
                social::verify_facebook(&*self.fetch, &self.endpoints, app_ids, &login.key, token)
            }
            Trusted::Saml(t) => saml::verify(t, &login.key, token, now_ms),
        }
    }
}

/// Cognito's bound on a login token's length.
pub const MAX_TOKEN_CHARS: usize = 50_000;

/// A Logins key and the provider it names in a pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    pub key: String,
    pub trusted: Trusted,
}

/// Which provider `key` names in a pool with this configuration, read from the store: a
/// social preset the pool lists in `SupportedLoginProviders`, an OIDC provider whose ARN the
/// pool lists (the key is the issuer's host and path), or a SAML provider whose ARN the pool
/// lists (the key is the ARN). User pools and developer identities are not this function's
/// (`InvalidParameter` for them too, saying so).
pub fn resolve(
    r: &impl storage::Read,
    account: &str,
    endpoints: &SocialEndpoints,
    config: &domain::identity_pool::IdentityPoolConfig,
    key: &str,
) -> Result<Login, Refusal> {
    let login = |trusted| {
        Ok(Login {
            key: key.to_owned(),
            trusted,
        })
    };
    let kind = ProviderKind::of(key);
    let untrusted = || {
        Refusal::invalid(
            "Logins",
            format!("the identity pool does not trust the provider '{key}'"),
        )
    };
    match kind {
        ProviderKind::Google
        | ProviderKind::Apple
        | ProviderKind::Amazon
        | ProviderKind::Facebook => {
            let ids = config
                .supported_login_providers
                .get(key)
                .ok_or_else(untrusted)?;
            let ids: Vec<String> = ids
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if kind == ProviderKind::Facebook {
                return login(Trusted::Facebook { app_ids: ids });
            }
            let preset = endpoints.preset(kind).ok_or_else(untrusted)?;
            login(Trusted::Oidc(oidc::OidcTrust {
                issuers: preset.issuers,
                client_ids: ids,
                discovery_base: preset.base,
            }))
        }
        ProviderKind::Saml => {
            if !config.saml_provider_arns.iter().any(|a| a == key) {
                return Err(untrusted());
            }
            login(Trusted::Saml(saml_provider(r, account, "Logins", key)?))
        }
        ProviderKind::Oidc => {
            let listed = config
                .open_id_connect_provider_arns
                .iter()
                .find(|a| {
                    a.split_once(":oidc-provider/")
                        .is_some_and(|(_, n)| n == key)
                })
                .ok_or_else(untrusted)?;
            let arn = crate::providers::oidc_arn(account, key);
            if *listed != arn {
                return Err(Refusal::invalid(
                    "Logins",
                    format!(
                        "the identity pool trusts '{listed}', which is not an OpenID Connect \
                         provider of this workspace's account ({account}): create '{arn}' or \
                         list it instead"
                    ),
                ));
            }
            let row = storage::federation_providers::get(
                r,
                storage::federation_providers::FederationKind::Oidc,
                key,
            )?
            .ok_or_else(|| {
                Refusal::invalid(
                    "Logins",
                    format!("the OpenID Connect provider '{arn}' does not exist"),
                )
            })?;
            let issuer = row.url.unwrap_or_default();
            login(Trusted::Oidc(oidc::OidcTrust {
                issuers: vec![issuer.clone()],
                client_ids: row.client_ids,
                discovery_base: issuer,
            }))
        }
        ProviderKind::Twitter => Err(Refusal::token(
            "Twitter's OAuth 1.0a logins (token;secret) are not verified by Poolhouse.",
        )),
        ProviderKind::UserPool | ProviderKind::Developer => Err(Refusal::invalid(
            "Logins",
            format!("'{key}' is not an OpenID Connect, social or SAML provider"),
        )),
    }
}

/// The SAML provider with this ARN, ready to check a response: for a pool's SAML login, and
/// for STS's `AssumeRoleWithSAML` (whose `PrincipalArn` names the provider directly); `field`
/// is the member that named it.
pub fn saml_provider(
    r: &impl storage::Read,
    account: &str,
    field: &str,
    arn: &str,
) -> Result<saml::SamlTrust, Refusal> {
    let name = crate::providers::saml_name_of_arn(account, arn)
        .map_err(|e| Refusal::invalid(field, e.reason))?;
    let row = storage::federation_providers::get(
        r,
        storage::federation_providers::FederationKind::Saml,
        &name,
    )?
    .ok_or_else(|| Refusal::invalid(field, format!("the SAML provider '{arn}' does not exist")))?;
    let metadata =
        saml::metadata::parse(row.metadata.as_deref().unwrap_or_default()).map_err(|e| {
            Refusal::ExternalService(format!(
                "the SAML provider '{arn}' holds metadata that no longer reads: {e}"
            ))
        })?;
    Ok(saml::SamlTrust {
        provider_arn: arn.to_owned(),
        metadata,
        audiences: saml::default_audiences(),
        recipients: Vec::new(),
    })
}
