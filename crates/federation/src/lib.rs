//! Trusted identity providers, validated for real: whether a token from a provider other than
//! Poolhouse itself proves what it claims. One crate owns each check, for its two users:
//! identity pools' logins (the Logins map, STS's `AssumeRoleWithSAML`) and user pools'
//! federation (an ID token from an OIDC code flow, a SAML response posted to the pool).
//!
//! - OpenID Connect providers: the ID token's signature against the JWKS found through the
//!   issuer's discovery document ([`oidc`], keys cached by [`jwks`]), its issuer, audience,
//!   time window and, for a code flow, its `nonce` ([`Verifier::verify_id_token`]);
//! - the social presets ([`social`]): Google, Apple and Login with Amazon as OIDC providers
//!   with known issuers (and Login with Amazon's `Atza|` access tokens through its
//!   `tokeninfo`), Facebook through its Graph API;
//! - SAML providers ([`saml`]): the response's XML signature against the IdP metadata's
//!   certificates, issuer, audience, time window, recipient, the role pairs it offers, and
//!   one-time use through a [`saml::ReplayCache`] the caller supplies.
//!
//! Each check is one call: `(provider, token, now) → Verified or Refusal`. Which provider a
//! Logins key names is the caller's answer (identity pools read it from the store before any
//! HTTP; no transaction is held while a provider is asked). The only HTTP client is
//! [`HttpFetch`] (reqwest, blocking, rustls), behind the [`Fetch`] trait.

pub mod code;
pub mod http;
pub mod jwks;
mod kind;
pub mod oidc;
pub mod saml;
pub mod social;

use std::sync::Arc;

use serde_json::{Map, Value};

pub use http::{Fetch, HttpFetch};
pub use kind::{ProviderKind, is_loopback};
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

    /// `InvalidParameterException` naming the member.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal::InvalidParameter(domain::FieldError::new(field, reason))
    }

    /// `NotAuthorizedException` "Invalid login token. {detail}".
    pub fn token(detail: impl std::fmt::Display) -> Self {
        Refusal::NotAuthorized(format!("Invalid login token. {detail}"))
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

    /// The HTTP client the verifier asks providers with (discovery and metadata documents
    /// read when a user pool's provider is configured).
    pub fn fetch(&self) -> &dyn Fetch {
        &*self.fetch
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
            Trusted::Oidc(t) => self.verify_id_token(t, &login.key, token, None, now_ms),
            Trusted::Facebook { app_ids } => {
                social::verify_facebook(&*self.fetch, &self.endpoints, app_ids, &login.key, token)
            }
            Trusted::Saml(t) => saml::verify(t, &login.key, token, now_ms, None),
        }
    }

    /// Checks an OIDC ID token against `trust` (the provider named `key`): signature, issuer,
    /// audience, time window, and, when `nonce` is given (the value an authorization code flow
    /// sent), that the token carries exactly that `nonce`.
    pub fn verify_id_token(
        &self,
        trust: &oidc::OidcTrust,
        key: &str,
        token: &str,
        nonce: Option<&str>,
        now_ms: i64,
    ) -> Result<Verified, Refusal> {
        oidc::verify(&*self.fetch, &self.jwks, trust, key, token, nonce, now_ms)
    }

    /// [`Verifier::verify_id_token`] with the keys read where `keys_at` says: a user pool's
    /// OIDC provider configured with its own `jwks_uri` needs no discovery document.
    pub fn verify_id_token_with_keys(
        &self,
        trust: &oidc::OidcTrust,
        keys_at: oidc::KeysAt<'_>,
        key: &str,
        token: &str,
        nonce: Option<&str>,
        now_ms: i64,
    ) -> Result<Verified, Refusal> {
        oidc::verify_with_keys(
            &*self.fetch,
            &self.jwks,
            trust,
            keys_at,
            key,
            token,
            nonce,
            now_ms,
        )
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
