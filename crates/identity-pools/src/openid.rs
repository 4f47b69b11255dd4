//! Identity-pool OpenID tokens: what GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity
//! answer, and what the basic flow hands to STS's AssumeRoleWithWebIdentity.
//!
//! One RS256 key signs them for the whole workspace (Cognito's `cognito-identity.amazonaws.com`
//! has one issuer and one key set); its private half is sealed under the master key like the
//! user pools' keys. The claims are Cognito's: `iss`, `sub` (the identity), `aud` (the identity
//! pool), `amr` (`authenticated` and the providers, or `unauthenticated`), `iat`, `exp`, and
//! the principal tags under `https://aws.amazon.com/tags`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use storage::identities as store;
use storage::{Read, Tx};
use tokens::{Jwk, Jwks, MasterKey, SigningKey, Verifier};

use crate::identity_error::Error;

/// Cognito's issuer of identity-pool OpenID tokens, when the workspace names no base URL.
pub const COGNITO_ISSUER: &str = "https://cognito-identity.amazonaws.com";
/// The path under a workspace's issuer base URL that identity-pool tokens are issued from.
pub const ISSUER_PATH: &str = "cognito-identity";
/// GetOpenIdToken's tokens live 10 minutes.
pub const OPEN_ID_TOKEN_SECS: i64 = 600;
/// GetOpenIdTokenForDeveloperIdentity's default lifetime: 15 minutes.
pub const DEFAULT_DEVELOPER_TOKEN_SECS: i64 = 900;
/// The longest TokenDuration: 24 hours.
pub const MAX_DEVELOPER_TOKEN_SECS: i64 = 86_400;
/// The claim principal tags travel in.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";

/// The issuer of identity-pool tokens: `<base>/cognito-identity` when the workspace names an
/// issuer base URL (served by `poolhouse serve`), else Cognito's.
pub fn issuer(base: Option<&str>) -> String {
    match base {
        Some(b) => format!("{}/{ISSUER_PATH}", b.trim_end_matches('/')),
        None => COGNITO_ISSUER.to_owned(),
    }
}

/// The key that signs now, and a verifier for every key still published.
#[derive(Debug)]
pub struct OpenIdKeys {
    pub signer: SigningKey,
    pub verifier: Verifier,
}

fn crypto(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("identity pool signing key: {e}"))
}

/// Makes the signing key when there is none (once per workspace; RSA generation takes tens of
/// milliseconds). Answers whether it made one.
pub fn ensure_key(tx: &Tx<'_>, master: &MasterKey, now: i64) -> Result<bool, Error> {
    if store::published_keys(tx, now)?
        .iter()
        .any(|k| k.retired_at.is_none())
    {
        return Ok(false);
    }
    let key = SigningKey::generate_rs256().map_err(crypto)?;
    let sealed = key.seal_private_key(master).map_err(crypto)?;
    let jwk = serde_json::to_string(&key.public_jwk()).map_err(crypto)?;
    store::insert_key(tx, key.kid(), &sealed, &jwk, now)?;
    Ok(true)
}

/// Opens the keys: `None` when there is no signing key yet (see [`ensure_key`]).
pub fn load(r: &impl Read, master: &MasterKey, now: i64) -> Result<Option<OpenIdKeys>, Error> {
    let rows = store::published_keys(r, now)?;
    let Some(current) = rows.iter().rev().find(|k| k.retired_at.is_none()) else {
        return Ok(None);
    };
    let signer = SigningKey::open_sealed(current.kid.clone(), master, &current.sealed_key)
        .map_err(|e| match e {
            tokens::Error::OpenFailed => Error::Internal(
                "the identity pools' signing key cannot be opened with this workspace's \
                     master key (the key file beside the store is missing or belongs to another \
                     store)"
                    .into(),
            ),
            other => crypto(other),
        })?;
    let mut verifier = Verifier::new();
    for k in &rows {
        let jwk: Jwk = serde_json::from_str(&k.public_jwk).map_err(crypto)?;
        verifier.add_jwk(&jwk).map_err(crypto)?;
    }
    Ok(Some(OpenIdKeys { signer, verifier }))
}

/// The published public keys as a JWKS document.
pub fn jwks(r: &impl Read, now: i64) -> Result<Jwks, Error> {
    let keys = store::published_keys(r, now)?
        .iter()
        .map(|k| serde_json::from_str(&k.public_jwk).map_err(crypto))
        .collect::<Result<Vec<Jwk>, Error>>()?;
    Ok(Jwks { keys })
}

/// What a token says: who, for which pool, how they signed in, how long, and their tags.
#[derive(Debug, Clone)]
pub struct TokenClaims<'a> {
    pub issuer: &'a str,
    pub identity_id: &'a str,
    pub pool_id: &'a str,
    /// `authenticated` and the providers, or `unauthenticated`.
    pub amr: Vec<String>,
    pub now_secs: i64,
    pub lifetime_secs: i64,
    /// Tag key → value.
    pub principal_tags: &'a BTreeMap<String, String>,
}

impl TokenClaims<'_> {
    /// The claims as signed.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("sub".into(), json!(self.identity_id));
        m.insert("aud".into(), json!(self.pool_id));
        m.insert("amr".into(), json!(self.amr));
        m.insert("iss".into(), json!(self.issuer));
        m.insert("iat".into(), json!(self.now_secs));
        m.insert("exp".into(), json!(self.now_secs + self.lifetime_secs));
        if !self.principal_tags.is_empty() {
            let tags: Map<String, Value> = self
                .principal_tags
                .iter()
                .map(|(k, v)| (k.clone(), json!([v])))
                .collect();
            m.insert(TAGS_CLAIM.into(), json!({ "principal_tags": tags }));
        }
        Value::Object(m)
    }
}

/// The principal tags a token carries under [`TAGS_CLAIM`] (`{"principal_tags": {key:
/// [value]}}`; a bare string value is read too), in key order.
pub fn carried_tags(claims: &Map<String, Value>) -> BTreeMap<String, String> {
    let carried = claims
        .get(TAGS_CLAIM)
        .and_then(|v| v.get("principal_tags"))
        .and_then(|v| v.as_object());
    carried
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            let value = v.as_array().and_then(|a| a.first()).unwrap_or(v).as_str()?;
            Some((k.clone(), value.to_owned()))
        })
        .collect()
}

/// Signs the claims with the current key.
pub fn sign(keys: &OpenIdKeys, claims: &TokenClaims<'_>) -> Result<String, Error> {
    keys.signer.sign_jwt(&claims.to_json()).map_err(crypto)
}

/// The `amr` of a login: the provider and the provider's subject, as Cognito writes them
/// (`<user pool provider>:CognitoSignIn:<sub>`, `<provider>:<sub>` for the others).
pub fn amr_of(provider: &str, subject: &str) -> [String; 2] {
    let sub = if provider.starts_with("cognito-idp.") {
        format!("{provider}:CognitoSignIn:{subject}")
    } else {
        format!("{provider}:{subject}")
    };
    [provider.to_owned(), sub]
}

/// The `amr` of a developer user: the developer provider, then
/// `<developer provider>:<identity pool id>:<user identifier>`.
pub fn developer_amr(developer_provider: &str, pool_id: &str, user: &str) -> [String; 2] {
    [
        developer_provider.to_owned(),
        format!("{developer_provider}:{pool_id}:{user}"),
    ]
}

/// Verifies an identity-pool OpenID token for `pool_id`: the signature with a published key,
/// its lifetime, `iss` and `aud`. Answers its claims. Refusals are Cognito's
/// `NotAuthorizedException` sentences.
pub fn verify(
    keys: &OpenIdKeys,
    token: &str,
    issuer: &str,
    pool_id: &str,
    now_secs: i64,
) -> Result<Arc<Map<String, Value>>, Error> {
    // Sent again with every call until it expires: verified once per key set.
    let verified = keys
        .verifier
        .verify_remembered(token, now_secs, 0)
        .map_err(|e| Error::NotAuthorized(token_refusal(&e, now_secs)))?;
    if verified.str_claim("iss") != Some(issuer) {
        return Err(Error::NotAuthorized(
            "Invalid login token. Issuer doesn't match providerName".into(),
        ));
    }
    if verified.str_claim("aud") != Some(pool_id) {
        return Err(Error::NotAuthorized(
            "Invalid login token. Incorrect token audience: the token is for another identity \
             pool"
                .into(),
        ));
    }
    if verified.str_claim("sub").is_none() {
        return Err(Error::NotAuthorized(
            "Invalid login token. The token names no identity (sub)".into(),
        ));
    }
    Ok(verified.shared_claims())
}

/// Cognito's sentence for a token that failed a check of [`Verifier::verify`].
pub fn token_refusal(e: &tokens::Error, now_secs: i64) -> String {
    match e {
        tokens::Error::Expired { exp, .. } => {
            format!("Invalid login token. Token expired: {now_secs} >= {exp}")
        }
        tokens::Error::UnknownKid { .. } => {
            "Invalid login token. The token is not signed by a key of its provider".into()
        }
        tokens::Error::InvalidSignature => {
            "Invalid login token. The token's signature does not verify".into()
        }
        other => format!("Invalid login token. Not a valid OpenId Connect identity token: {other}"),
    }
}
