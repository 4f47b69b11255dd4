//! An OpenID Connect ID token, checked as Cognito checks one: the signature with the
//! provider's published key (RS256 or ES256 only — `none`, and HS256 made with a public key as
//! its secret, are refused by name), `iss` exactly the provider's issuer, `aud` among the
//! client ids, `exp`/`nbf`/`iat` within [`LEEWAY_S`] of the clock, and, after an authorization
//! code flow, `nonce` the value the flow sent.
//!
//! The cryptography is the `tokens` crate's ([`tokens::JwkKey`]: the algorithm allow-list, the
//! key bound to its one algorithm, the signature); this module is the policy around it: which
//! keys (by `kid`, through [`JwksCache`]), issuer, audience, times, nonce and Cognito's words.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use tokens::{JwkKey, JwsAlgorithm};

use super::http::Fetch;
use super::jwks::JwksCache;
use super::{Refusal, Verified};
use crate::ProviderKind;

/// The algorithms a provider's ID token may be signed with.
pub const ALGORITHMS: [JwsAlgorithm; 2] = [JwsAlgorithm::Rs256, JwsAlgorithm::Es256];

/// How far a token's times may be off the clock.
pub const LEEWAY_S: i64 = 60;

/// What a token is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcTrust {
    /// The `iss` values accepted (the provider's issuer URL; Google's tokens also carry it
    /// without the scheme).
    pub issuers: Vec<String>,
    /// The accepted `aud` values.
    pub client_ids: Vec<String>,
    /// Where `/.well-known/openid-configuration` is asked: the issuer, unless a preset's base
    /// URL is overridden for tests or offline use.
    pub discovery_base: String,
}

fn segment(part: &str, what: &str) -> Result<Map<String, Value>, Refusal> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| Refusal::token(format!("The {what} is not base64url.")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Refusal::token(format!("The {what} is not a JSON object."))),
    }
}

/// A JSON object: a token's header or claims.
pub type Object = Map<String, Value>;

/// The token's header and claims, read without trusting them.
pub fn parts(token: &str) -> Result<(Object, Object), Refusal> {
    let segments: Vec<&str> = token.split('.').collect();
    if segments.len() != 3 {
        return Err(Refusal::token(
            "Not a valid OpenId Connect identity token: a JWT has three dot-separated parts.",
        ));
    }
    Ok((
        segment(segments[0], "header")?,
        segment(segments[1], "payload")?,
    ))
}

/// The token's algorithm, read before any key is fetched so a refused one costs no HTTP;
/// `tokens` checks it again against the key.
fn algorithm(header: &Map<String, Value>) -> Result<JwsAlgorithm, Refusal> {
    JwsAlgorithm::of_header(header, &ALGORITHMS).map_err(|e| match e {
        tokens::Error::MissingAlgorithm => Refusal::token("The token's header has no alg."),
        tokens::Error::AlgorithmNone => {
            Refusal::token("The token is unsigned (alg none); an identity token must be signed.")
        }
        tokens::Error::SymmetricAlgorithm { alg } => Refusal::token(format!(
            "alg {alg} is a shared-secret algorithm; a provider's token must be signed with its \
             published key (RS256 or ES256)."
        )),
        tokens::Error::UnsupportedAlgorithm { alg, .. } => {
            Refusal::token(format!("alg {alg} is not accepted; RS256 and ES256 are."))
        }
        other => Refusal::token(format!("The token's header is refused: {other}.")),
    })
}

fn number(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, Refusal> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| Refusal::token(format!("The claim {name} is not a number."))),
    }
}

/// Where a provider's signing keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysAt<'a> {
    /// The JWKS the discovery document at [`OidcTrust::discovery_base`] names.
    Discovery,
    /// The JWKS at this URL, which the provider's configuration gives (a user pool's OIDC
    /// provider with `jwks_uri` in its details, whose issuer may publish no discovery
    /// document); `iss` is still the trust's issuer.
    Jwks(&'a str),
}

/// Checks an ID token against an OIDC provider (the Logins key `key`); `nonce`, when given,
/// must be the token's `nonce` claim. The keys come through discovery.
pub fn verify(
    fetch: &dyn Fetch,
    cache: &JwksCache,
    trust: &OidcTrust,
    key: &str,
    token: &str,
    nonce: Option<&str>,
    now_ms: i64,
) -> Result<Verified, Refusal> {
    verify_with_keys(
        fetch,
        cache,
        trust,
        KeysAt::Discovery,
        key,
        token,
        nonce,
        now_ms,
    )
}

/// [`verify`], with the keys read where `keys_at` says.
#[allow(clippy::too_many_arguments)]
pub fn verify_with_keys(
    fetch: &dyn Fetch,
    cache: &JwksCache,
    trust: &OidcTrust,
    keys_at: KeysAt<'_>,
    key: &str,
    token: &str,
    nonce: Option<&str>,
    now_ms: i64,
) -> Result<Verified, Refusal> {
    let (header, claims) = parts(token)?;
    let alg = algorithm(&header)?;
    // The issuer is checked before any key is fetched: a token for another provider costs no
    // HTTP.
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !trust.issuers.iter().any(|i| i == iss) {
        return Err(Refusal::token(format!(
            "Issuer doesn't match providerName: iss is '{iss}', the provider's issuer is '{}'.",
            trust
                .issuers
                .first()
                .map(String::as_str)
                .unwrap_or_default()
        )));
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let keys = match keys_at {
        KeysAt::Discovery => {
            cache.keys_for(fetch, &trust.discovery_base, &trust.issuers, kid, now_ms)?
        }
        KeysAt::Jwks(uri) => cache.keys_at(fetch, uri, kid, now_ms)?,
    };
    // Every published key with the token's kid (every key when it names none) that is a key
    // for its algorithm (tokens parsed each once, refusing another type, curve or declared alg).
    let fitting: Vec<&JwkKey> = keys
        .keys
        .iter()
        .filter_map(|p| p.key.as_ref())
        .filter(|k| k.algorithm() == alg)
        .collect();
    if fitting.is_empty() {
        return Err(Refusal::token(format!(
            "The provider's key {} is not a key for {alg}.",
            kid.map(|k| format!("'{k}'"))
                .unwrap_or_else(|| "set".to_owned())
        )));
    }
    // Times, audience and issuer are checked below against Poolhouse's clock, with Cognito's
    // messages; tokens checks the algorithm and the signature.
    let mut refused = tokens::Error::InvalidSignature;
    let mut verified = None;
    for key in &fitting {
        match key.verify(token, &ALGORITHMS) {
            Ok(v) => {
                verified = Some(v);
                break;
            }
            Err(e) => refused = e,
        }
    }
    let Some(verified) = verified else {
        return Err(Refusal::token(match refused {
            tokens::Error::InvalidSignature => format!(
                "Couldn't verify signed token: the signature does not match the provider's key \
                 ({}).",
                super::http::shown(&keys.jwks_uri)
            ),
            other => format!("Couldn't verify signed token: {other}."),
        }));
    };
    // From here on, the claims the signature covers.
    let (_, claims) = verified.into_parts();
    let now = now_ms.div_euclid(1000);
    let exp =
        number(&claims, "exp")?.ok_or_else(|| Refusal::token("The token has no exp claim."))?;
    if now >= exp + LEEWAY_S {
        return Err(Refusal::token(format!("Token expired: {exp} >= {now}")));
    }
    if let Some(nbf) = number(&claims, "nbf")?
        && now + LEEWAY_S < nbf
    {
        return Err(Refusal::token(format!(
            "Token is not yet valid: nbf {nbf} > {now}"
        )));
    }
    if let Some(iat) = number(&claims, "iat")?
        && now + LEEWAY_S < iat
    {
        return Err(Refusal::token(format!(
            "Token was issued in the future: iat {iat} > {now}"
        )));
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences
        .iter()
        .any(|a| trust.client_ids.iter().any(|c| c == a))
    {
        return Err(Refusal::token(format!(
            "Incorrect token audience: aud is {}; the provider trusts {}.",
            if audiences.is_empty() {
                "missing".to_owned()
            } else {
                audiences.join(", ")
            },
            if trust.client_ids.is_empty() {
                "no client id".to_owned()
            } else {
                trust.client_ids.join(", ")
            }
        )));
    }
    if let Some(expected) = nonce {
        let got = claims.get("nonce").and_then(Value::as_str);
        if got != Some(expected) {
            return Err(Refusal::token(match got {
                Some(_) => "The token's nonce is not the one the sign-in sent.",
                None => "The token has no nonce; the sign-in sent one.",
            }));
        }
    }
    let kind = ProviderKind::of(key);
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .or_else(|| {
            (kind == ProviderKind::Amazon)
                .then(|| claims.get("user_id").and_then(Value::as_str))
                .flatten()
        })
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::token("The token has no sub claim."))?
        .to_owned();
    Ok(Verified {
        provider: key.to_owned(),
        kind,
        subject,
        claims,
        saml: None,
    })
}
