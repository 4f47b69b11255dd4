//! How this console proves a login of an identity pool's Logins map
//! ([`identity_pools::logins::LoginVerifier`]).
//!
//! - A Poolhouse user pool (`cognito-idp.<region>.amazonaws.com/<pool id>`): an ID token signed
//!   by the pool's keys, its `iss` the pool's issuer, `token_use` `id`, unexpired, its `aud`
//!   one of the identity pool's app clients for that user pool; with `ServerSideTokenCheck`, the
//!   sign-in it comes from (`origin_jti`) must not be signed out or revoked, and its user must
//!   exist and be enabled.
//! - `cognito-identity.amazonaws.com`: an identity-pool OpenID token (from
//!   GetOpenIdTokenForDeveloperIdentity) for this identity pool.
//! - Every other kind (OIDC hosts, SAML provider ARNs, social providers' names) goes through
//!   [`verify_external`], the one place their verification is dispatched.

use std::sync::Arc;

use identity_pools::identities::Error;
use identity_pools::logins::{LoginVerifier, VerifiedLogin};
use identity_pools::mapping::ProviderKind;
use identity_pools::openid::{self, OpenIdKeys};
use storage::identity_pools::IdentityPoolRow;

use crate::{ApiError, Console, ErrorCode};

/// The console's verifier of logins.
pub(crate) struct ConsoleLogins<'a>(pub(crate) &'a Console);

fn refused(reason: impl Into<String>) -> Error {
    Error::NotAuthorized(reason.into())
}

/// An internal failure while verifying, kept apart from a refusal of the token.
fn internal(e: ApiError) -> Error {
    if e.code == ErrorCode::InternalErrorException {
        Error::Internal(e.message)
    } else {
        Error::NotAuthorized(format!("Invalid login token. {}", e.message))
    }
}

impl LoginVerifier for ConsoleLogins<'_> {
    fn verify(
        &self,
        pool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> Result<VerifiedLogin, Error> {
        match ProviderKind::of(provider) {
            ProviderKind::UserPool => self.user_pool(pool, provider, token),
            ProviderKind::Developer => self.identity_token(pool, token),
            kind => verify_external(self.0, pool, kind, provider, token),
        }
    }
}

/// Verifies a Logins map as [`identity_pools::logins::verify_all`] with [`ConsoleLogins`], in
/// the caller's read transaction, when every login can be verified there: user pools' ID
/// tokens whose pools have keys. None when one cannot (a provider to ask, a key to make or
/// load outside): the caller verifies with [`ConsoleLogins`] then, with no transaction open.
pub(crate) fn verify_all_in(
    console: &Console,
    r: &storage::Reader<'_>,
    pool: &IdentityPoolRow,
    field: &str,
    logins: &std::collections::BTreeMap<String, String>,
) -> Result<Option<Vec<VerifiedLogin>>, Error> {
    let v = InReader {
        console,
        r,
        outside: std::cell::Cell::new(false),
    };
    match identity_pools::logins::verify_all(&v, pool, field, logins) {
        Ok(verified) => Ok(Some(verified)),
        Err(_) if v.outside.get() => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`ConsoleLogins`] within one read transaction, for user pools' ID tokens only.
struct InReader<'a, 'r> {
    console: &'a Console,
    r: &'a storage::Reader<'r>,
    /// A login needed more than the transaction.
    outside: std::cell::Cell<bool>,
}

impl LoginVerifier for InReader<'_, '_> {
    fn verify(
        &self,
        pool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> Result<VerifiedLogin, Error> {
        if ProviderKind::of(provider) == ProviderKind::UserPool
            && let UserPoolCheck::Done(v) =
                ConsoleLogins(self.console).user_pool_in(self.r, pool, provider, token)
        {
            return v;
        }
        self.outside.set(true);
        Err(Error::Internal(
            "this login is verified outside the read transaction".into(),
        ))
    }
}

/// The dispatch point for the providers verified beyond this console's own keys: OIDC
/// providers (by their issuer host), SAML providers (by ARN) and the social providers (Google,
/// Apple, Amazon, Facebook), checked by `federation` through
/// [`Console::verify_federated_login`] (the provider's record read from the store, then its
/// keys or API asked with no transaction open). A refusal keeps Cognito's code: a token that
/// does not prove the login is `NotAuthorizedException`, a provider that cannot be asked
/// `ExternalServiceException`.
pub(crate) fn verify_external(
    console: &Console,
    pool: &IdentityPoolRow,
    _kind: ProviderKind,
    provider: &str,
    token: &str,
) -> Result<VerifiedLogin, Error> {
    use federation::Refusal;
    match console.verify_federated_login(&pool.config, provider, token) {
        Ok(v) => Ok(VerifiedLogin {
            provider: v.provider,
            subject: v.subject,
            claims: v.claims.into(),
        }),
        Err(Refusal::NotAuthorized(m)) => Err(Error::NotAuthorized(m)),
        Err(Refusal::InvalidParameter(f)) => Err(Error::InvalidParameter(f)),
        Err(Refusal::ExternalService(m)) => Err(Error::External(m)),
    }
}

/// What checking a user pool's ID token in a read transaction found.
pub(crate) enum UserPoolCheck {
    /// The token's verdict.
    Done(Result<VerifiedLogin, Error>),
    /// The user pool has no signing keys yet: they are made (a write) before it is checked.
    NoKeys(storage::pools::PoolRow),
}

/// The user pool a `cognito-idp.<region>.amazonaws.com/<pool id>` Logins key names.
fn user_pool_of(provider: &str) -> Result<domain::UserPoolId, Error> {
    let pool_id = provider
        .split_once(".amazonaws.com/")
        .and_then(|(_, id)| domain::UserPoolId::parse(id).ok())
        .ok_or_else(|| {
            refused(format!(
                "Invalid login token. '{provider}' is not a user pool provider like \
                 cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyZ"
            ))
        })?;
    let region = pool_id.split_once('_').map_or("", |(r, _)| r);
    let canonical = provider
        .strip_prefix("cognito-idp.")
        .and_then(|rest| rest.strip_prefix(region))
        .and_then(|rest| rest.strip_prefix(".amazonaws.com/"))
        == Some(pool_id.as_str());
    if !canonical {
        return Err(refused(format!(
            "Invalid login token. '{provider}' names a user pool of another region"
        )));
    }
    Ok(pool_id)
}

impl ConsoleLogins<'_> {
    /// A Poolhouse user pool's ID token, checked in one read transaction
    /// ([`ConsoleLogins::user_pool_in`]); a pool without keys gets them first.
    fn user_pool(
        &self,
        ipool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> Result<VerifiedLogin, Error> {
        let c = self.0;
        let check = || {
            c.read(|r| Ok(self.user_pool_in(r, ipool, provider, token)))
                .map_err(internal)
        };
        match check()? {
            UserPoolCheck::Done(v) => v,
            UserPoolCheck::NoKeys(pool) => {
                // First use: make the pool's keys (a pool created before keys existed, or
                // one whose creation did not make them), then check as any other.
                c.pool_keys(&pool).map_err(internal)?;
                match check()? {
                    UserPoolCheck::Done(v) => v,
                    UserPoolCheck::NoKeys(_) => Err(Error::Internal(
                        "the user pool's signing keys could not be made".into(),
                    )),
                }
            }
        }
    }

    /// A Poolhouse user pool's ID token, checked in the caller's read transaction: the user
    /// pool, its kept keys and the workspace (for the issuer) are read there, and with
    /// `ServerSideTokenCheck` the sign-in and its user too.
    pub(crate) fn user_pool_in(
        &self,
        r: &storage::Reader<'_>,
        ipool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> UserPoolCheck {
        let c = self.0;
        let pool_id = match user_pool_of(provider) {
            Ok(id) => id,
            Err(e) => return UserPoolCheck::Done(Err(e)),
        };
        let now_ms = c.now();
        let read = (|| -> Result<_, ApiError> {
            let Some(pool) = storage::pools::get(r, &pool_id)? else {
                return Ok(None);
            };
            let kept = c.kept_keys_in(r, &pool, now_ms)?;
            Ok(Some((pool, kept, c.workspace_in(r)?)))
        })();
        let (pool, kept, ws) = match read {
            Ok(Some(found)) => found,
            Ok(None) => {
                return UserPoolCheck::Done(Err(refused(format!(
                    "Invalid login token. The user pool {pool_id} does not exist."
                ))));
            }
            Err(e) => return UserPoolCheck::Done(Err(internal(e))),
        };
        let Some(keys) = kept else {
            return UserPoolCheck::NoKeys(pool);
        };
        let issuer = user_pools::signin::issuer(ws.issuer_base_url.as_deref(), pool_id.as_str());
        UserPoolCheck::Done(id_token(
            r, ipool, provider, &pool, &keys, &issuer, token, now_ms,
        ))
    }

    /// An identity-pool OpenID token for this identity pool.
    fn identity_token(&self, pool: &IdentityPoolRow, token: &str) -> Result<VerifiedLogin, Error> {
        let c = self.0;
        let keys = c.openid_keys().map_err(internal)?;
        let issuer = c.identity_issuer().map_err(internal)?;
        let claims = openid::verify(&keys, token, &issuer, &pool.id, c.now().div_euclid(1000))?;
        let amr_authenticated = claims
            .get("amr")
            .and_then(|v| v.as_array())
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("authenticated")));
        if !amr_authenticated {
            return Err(refused(
                "Invalid login token. An unauthenticated identity's token is not a login.",
            ));
        }
        let subject = claims
            .get("sub")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        Ok(VerifiedLogin {
            provider: identity_pools::logins::COGNITO_IDENTITY.to_owned(),
            subject,
            claims,
        })
    }
}

impl Console {
    /// The `iss` of identity-pool OpenID tokens.
    pub fn identity_issuer(&self) -> Result<String, ApiError> {
        Ok(openid::issuer(self.workspace()?.issuer_base_url.as_deref()))
    }

    /// The parsed identity-pool signing keys, made on first use and kept while the store's
    /// configuration revision stands.
    pub(crate) fn openid_keys(&self) -> Result<Arc<OpenIdKeys>, ApiError> {
        let db = &self.inner.db;
        let now = self.now();
        let master = &self.inner.master;
        let loaded = db.read(|r| {
            let revision = storage::config_revision(r)?;
            if let Ok(kept) = self.inner.openid_keys.lock()
                && let Some((at, k)) = kept.as_ref()
                && *at == revision
            {
                return Ok(Some(Arc::clone(k)));
            }
            let Some(k) = openid::load(r, master, now).map_err(ApiError::from)? else {
                return Ok(None);
            };
            let k = Arc::new(k);
            if let Ok(mut kept) = self.inner.openid_keys.lock() {
                *kept = Some((revision, Arc::clone(&k)));
            }
            Ok::<_, ApiError>(Some(k))
        })?;
        if let Some(k) = loaded {
            return Ok(k);
        }
        db.write(|tx| openid::ensure_key(tx, master, now).map_err(ApiError::from))?;
        self.openid_keys_loaded()
    }

    fn openid_keys_loaded(&self) -> Result<Arc<OpenIdKeys>, ApiError> {
        let now = self.now();
        self.inner.db.read(|r| {
            openid::load(r, &self.inner.master, now)
                .map_err(ApiError::from)?
                .map(Arc::new)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InternalErrorException,
                        "the identity pools' signing key could not be made",
                    )
                })
        })
    }

    /// Verifies an identity-pool OpenID token as STS's AssumeRoleWithWebIdentity must (the
    /// basic flow) and as the token inspector may: signed by a published key, unexpired, `iss`
    /// this workspace's identity issuer, `aud` an identity pool of the workspace and `sub` an
    /// identity of that pool. Answers the verified claims. Refusals carry STS's codes:
    /// `ExpiredTokenException` for an expired token, `InvalidIdentityToken` for the rest.
    pub fn verify_identity_pool_token(
        &self,
        token: &str,
    ) -> Result<Arc<serde_json::Map<String, serde_json::Value>>, ApiError> {
        let invalid = |m: String| ApiError::new(ErrorCode::InvalidIdentityToken, m);
        let keys = self.openid_keys()?;
        let now = self.now().div_euclid(1000);
        let verified = keys
            .verifier
            .verify_remembered(token, now, 0)
            .map_err(|e| match e {
                tokens::Error::Expired { .. } => ApiError::new(
                    ErrorCode::ExpiredTokenException,
                    openid::token_refusal(&e, now),
                ),
                other => invalid(openid::token_refusal(&other, now)),
            })?;
        let issuer = self.identity_issuer()?;
        if verified.str_claim("iss") != Some(issuer.as_str()) {
            return Err(invalid(format!(
                "The token's issuer is not this workspace's identity pools' ({issuer})"
            )));
        }
        let aud = verified.str_claim("aud").unwrap_or_default();
        let sub = verified.str_claim("sub").unwrap_or_default();
        let known = self.read(|r| {
            let Some(pool) = storage::identity_pools::get(r, aud)? else {
                return Ok(false);
            };
            Ok(storage::identities::get(r, sub)?.is_some_and(|i| i.pool == pool.pk))
        })?;
        if !known {
            return Err(invalid(format!(
                "The token's identity ({sub}) is not an identity of identity pool '{aud}'"
            )));
        }
        Ok(verified.shared_claims())
    }

    /// The identity pools' JWKS document (`/cognito-identity/.well-known/jwks_uri`).
    pub fn identity_jwks(&self) -> Result<serde_json::Value, ApiError> {
        // Make the key if there is none yet, so the document is never empty.
        self.openid_keys()?;
        let now = self.now();
        let set = self.read(|r| Ok(openid::jwks(r, now)?))?;
        serde_json::to_value(set)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
    }

    /// The identity pools' OpenID configuration. The JWKS is under the issuer when the
    /// workspace names an issuer base URL, else at `jwks_uri` (where the caller serves it).
    pub fn identity_openid_configuration(
        &self,
        jwks_uri: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let issuer = self.identity_issuer()?;
        let jwks_uri = match self.workspace()?.issuer_base_url {
            Some(_) => format!("{issuer}/.well-known/jwks_uri"),
            None => jwks_uri.to_string(),
        };
        Ok(serde_json::json!({
            "issuer": issuer,
            "jwks_uri": jwks_uri,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["id_token"],
            "claims_supported": ["sub", "aud", "amr", "iss", "iat", "exp", openid::TAGS_CLAIM]
        }))
    }
}

/// Checks a user pool's ID token with the pool's keys: signature and expiry, not a test token,
/// `iss` the pool's issuer, `token_use` `id`, `aud` one of the identity pool's clients of this
/// user pool, a `sub`; with that client's `ServerSideTokenCheck`, the sign-in (read in `r`).
#[allow(clippy::too_many_arguments)]
fn id_token(
    r: &storage::Reader<'_>,
    ipool: &IdentityPoolRow,
    provider: &str,
    pool: &storage::pools::PoolRow,
    keys: &user_pools::keys::PoolKeys,
    issuer: &str,
    token: &str,
    now_ms: i64,
) -> Result<VerifiedLogin, Error> {
    let now = now_ms.div_euclid(1000);
    // A client sends the same ID token with every call until it expires: remembered per key
    // set, a second call costs a lookup, not an RSA verification (times are checked anew).
    let verified = keys
        .verifier
        .verify_remembered(token, now, 0)
        .map_err(|e| refused(openid::token_refusal(&e, now)))?;
    if verified
        .header()
        .contains_key(tokens::inspect::TEST_TOKEN_HEADER)
    {
        return Err(refused(format!(
            "Invalid login token. A test token (header `{}`) is never accepted.",
            tokens::inspect::TEST_TOKEN_HEADER
        )));
    }
    if verified.str_claim("iss") != Some(issuer) {
        return Err(refused(
            "Invalid login token. Issuer doesn't match providerName",
        ));
    }
    if verified.str_claim("token_use") != Some("id") {
        return Err(refused(
            "Invalid login token. Not a valid OpenId Connect identity token: an identity \
             pool takes the user pool's ID token, not its access token.",
        ));
    }
    let aud = verified.str_claim("aud").unwrap_or_default();
    let Some(entry) = ipool.config.cognito_identity_providers.iter().find(|p| {
        p.provider_name.as_deref() == Some(provider) && p.client_id.as_deref() == Some(aud)
    }) else {
        return Err(refused(format!(
            "Invalid login token. Incorrect token audience: app client '{aud}' is not among \
             the identity pool's clients of {provider}."
        )));
    };
    let sub = verified
        .str_claim("sub")
        .ok_or_else(|| refused("Invalid login token. The token has no sub."))?
        .to_owned();
    if entry.server_side_token_check == Some(true) {
        check_session(r, pool, &verified, &sub)?;
    }
    Ok(VerifiedLogin {
        provider: provider.to_owned(),
        subject: sub,
        claims: verified.shared_claims(),
    })
}

/// `ServerSideTokenCheck`: the sign-in the token comes from is live and its user enabled.
fn check_session(
    r: &storage::Reader<'_>,
    pool: &storage::pools::PoolRow,
    verified: &tokens::VerifiedToken,
    sub: &str,
) -> Result<(), Error> {
    let revoked = || {
        refused(
            "Invalid login token. Token has been revoked: the user signed out or the session was revoked.",
        )
    };
    let origin = verified.str_claim("origin_jti").ok_or_else(revoked)?;
    let found = (|| -> Result<_, ApiError> {
        let session = user_pools::signin::sign_in_by_origin(r, origin)?;
        let Some(session) = session.filter(|s| s.revoked_at.is_none()) else {
            return Ok(None);
        };
        Ok(storage::users::get_by_pk(r, session.user)?)
    })()
    .map_err(internal)?;
    match found {
        Some(u) if u.pool == pool.pk && u.sub == sub && u.enabled => Ok(()),
        Some(u) if u.pool == pool.pk && u.sub == sub => {
            Err(refused("Invalid login token. User is disabled."))
        }
        _ => Err(revoked()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn a_user_pool_provider_is_named_in_its_pools_region() {
        let id = user_pool_of("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyZ").unwrap();
        assert_eq!(id.as_str(), "eu-west-1_AbC123xyZ");
        for (provider, reason) in [
            (
                "cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123xyZ",
                "of another region",
            ),
            (
                "cognito-idp.eu-west-1.example.amazonaws.com/eu-west-1_AbC123xyZ",
                "of another region",
            ),
            (
                "xcognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyZ",
                "of another region",
            ),
            (
                "cognito-idp.eu-west-1.amazonaws.com/not-a-pool",
                "is not a user pool provider",
            ),
            ("accounts.google.com", "is not a user pool provider"),
        ] {
            match user_pool_of(provider) {
                Err(Error::NotAuthorized(m)) => assert!(m.contains(reason), "{provider}: {m}"),
                other => panic!("{provider}: {other:?}"),
            }
        }
    }
}
