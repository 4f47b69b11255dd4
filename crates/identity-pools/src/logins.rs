//! A `Logins` map (provider key → token) and its verification.
//!
//! The map is checked by its shape here (at most 10 entries, keys 1–128 characters, tokens
//! 1–50,000: botocore's `LoginsMap`), then each key must name a provider the identity pool
//! trusts, and each token must prove its login: that is a [`LoginVerifier`]'s work, since it
//! needs keys, the user pools' sessions or the network. What a verifier answers — the provider
//! key, the subject it vouches for and the token's claims — is all the identities' rules see.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::FieldError;
use serde_json::{Map, Value};
use storage::identity_pools::IdentityPoolRow;

use crate::identity_error::Error;
use crate::mapping::ProviderKind;

/// At most this many logins in one map (botocore's `LoginsMap`).
pub const MAX_LOGINS: usize = 10;
/// The longest token (botocore's `IdentityProviderToken`).
pub const MAX_TOKEN_CHARS: usize = 50_000;
/// The Logins key of an identity-pool OpenID token (from GetOpenIdTokenForDeveloperIdentity):
/// a developer-authenticated identity's login in the enhanced flow.
pub const COGNITO_IDENTITY: &str = "cognito-identity.amazonaws.com";

/// A login whose token proved it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedLogin {
    /// The Logins key.
    pub provider: String,
    /// Who the provider vouches for: the token's `sub` (for [`COGNITO_IDENTITY`], the identity
    /// id the token was issued to).
    pub subject: String,
    /// The token's verified claims (shared with the verified token a verifier remembers).
    pub claims: Arc<Map<String, Value>>,
}

impl VerifiedLogin {
    /// Whether this login is an identity-pool OpenID token rather than a provider's.
    pub fn is_identity_token(&self) -> bool {
        self.provider == COGNITO_IDENTITY
    }
}

/// What proves a login: one call per entry of a Logins map, for a provider the pool trusts.
/// An answer other than a [`VerifiedLogin`] is Cognito's refusal (`NotAuthorizedException`
/// for a token that does not prove the login).
pub trait LoginVerifier {
    fn verify(
        &self,
        pool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> Result<VerifiedLogin, Error>;
}

/// Checks a Logins map by its shape, naming `field` (and the key at fault).
pub fn check_map(field: &str, logins: &BTreeMap<String, String>) -> Result<(), Error> {
    if logins.len() > MAX_LOGINS {
        return Err(FieldError::new(
            field,
            format!(
                "holds {} logins; at most {MAX_LOGINS} are allowed",
                logins.len()
            ),
        )
        .into());
    }
    for (provider, token) in logins {
        let n = provider.chars().count();
        if n == 0 || n > 128 {
            return Err(FieldError::new(field, "provider names must be 1–128 characters").into());
        }
        let t = token.chars().count();
        if t == 0 || t > MAX_TOKEN_CHARS {
            return Err(FieldError::new(
                format!("{field}.{provider}"),
                format!("the token must be 1–{MAX_TOKEN_CHARS} characters (it has {t})"),
            )
            .into());
        }
    }
    Ok(())
}

/// Whether the pool trusts logins of `provider`: one of its user pools
/// (`CognitoIdentityProviders`' `ProviderName`), social providers (`SupportedLoginProviders`),
/// OIDC providers (by the host their ARN ends with), SAML providers (by ARN), or the pool's own
/// OpenID tokens ([`COGNITO_IDENTITY`]).
pub fn trusts(pool: &IdentityPoolRow, provider: &str) -> bool {
    let c = &pool.config;
    provider == COGNITO_IDENTITY
        || c.cognito_identity_providers
            .iter()
            .any(|p| p.provider_name.as_deref() == Some(provider))
        || c.supported_login_providers.contains_key(provider)
        || c.open_id_connect_provider_arns.iter().any(|arn| {
            arn.split_once("oidc-provider/")
                .is_some_and(|(_, host)| host == provider)
        })
        || c.saml_provider_arns.iter().any(|arn| arn == provider)
}

/// Checks a Logins map and verifies each login: the pool must trust its provider (the pool's
/// developer provider name is never a Logins key of a public call: a backend links developer
/// users with GetOpenIdTokenForDeveloperIdentity), then `verifier` must accept its token.
/// Answers the verified logins in the map's order.
pub fn verify_all(
    verifier: &dyn LoginVerifier,
    pool: &IdentityPoolRow,
    field: &str,
    logins: &BTreeMap<String, String>,
) -> Result<Vec<VerifiedLogin>, Error> {
    check_map(field, logins)?;
    let mut out = Vec::with_capacity(logins.len());
    for (provider, token) in logins {
        if pool.config.developer_provider_name.as_deref() == Some(provider.as_str()) {
            return Err(Error::NotAuthorized(format!(
                "Invalid login token. '{provider}' is this identity pool's developer provider: \
                 its users are linked by GetOpenIdTokenForDeveloperIdentity, and log in with \
                 the '{COGNITO_IDENTITY}' token it answers."
            )));
        }
        if !trusts(pool, provider) {
            return Err(Error::NotAuthorized(format!(
                "Invalid login token. Token is not from a supported provider of this identity \
                 pool: '{provider}' is not among its providers."
            )));
        }
        let login = verifier.verify(pool, provider, token)?;
        out.push(login);
    }
    Ok(out)
}

/// The kind of provider a Logins key names (for the verifier's dispatch).
pub fn kind(provider: &str) -> ProviderKind {
    ProviderKind::of(provider)
}
