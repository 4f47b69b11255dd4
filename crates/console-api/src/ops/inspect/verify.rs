//! The token inspector behind `DecodeToken`, `VerifyToken` and `EncodeTestToken` (their handlers
//! are in [`crate::ops::inspect`]), and the same work for the CLI without a store.
//!
//! The work is done by `tokens::inspect`; this module picks the keys (the caller's, or a
//! Poolhouse pool's found by `iss` and `kid`), adds the one check that needs the store
//! (revocation, judged by the sign-in engine's own `authenticate`), and fetches JWKS by URL or
//! discovery. Key material arrives as text: reading files is the fronts' business.

use serde_json::Value;
use storage::pools::PoolRow;
use tokens::inspect::{
    self as ti, Check, CheckName, CheckResult, Decoded, EncodeKey, Expectations, KeyRing, Verdict,
};
use user_pools::signin as auth;

use super::{
    DecodeTokenRequest, DecodeTokenResponse, EncodeTestTokenRequest, EncodeTestTokenResponse,
    VerifyTokenRequest, VerifyTokenResponse, check_dto, decoded_dto, encode_error,
};
use crate::{ApiError, Console, ErrorCode};

/// Most pools searched for a token's `kid` when its `iss` names none.
pub(crate) const MAX_POOLS_SEARCHED: u32 = 1000;

/// Where a verification's keys came from.
pub(crate) struct Keys {
    pub(crate) ring: KeyRing,
    pub(crate) source: String,
    pub(crate) pool: Option<PoolRow>,
}

/// `DecodeToken` without a store: what a token holds, relative times from `now` (seconds).
pub fn decode_token(req: &DecodeTokenRequest, now: i64) -> DecodeTokenResponse {
    let d = ti::decode(req.token.expose().as_bytes(), now);
    decoded_dto(&d, now)
}

/// `VerifyToken` without a store: against the `Jwks`, `Key` or `Secret` given only (no pool
/// lookup, no revocation check).
///
/// # Errors
/// `InvalidParameterException` for a bad key source or expectation, or when `UserPoolId` is
/// given or no key source is (both need the store).
pub fn verify_token_with_keys(
    req: &VerifyTokenRequest,
    now: i64,
) -> Result<VerifyTokenResponse, ApiError> {
    if req.user_pool_id.is_some() {
        return Err(ApiError::invalid(
            "UserPoolId",
            "needs a Poolhouse store to read the pool's keys",
        ));
    }
    let (d, expect) = verify_inputs(req, now)?;
    let (req, fetched) = fetch_jwks(req.clone(), &d)?;
    let req = &req;
    let keys = keys_of(req, fetched.as_deref())?;
    if keys.ring.is_empty() {
        return Err(ApiError::invalid(
            "Key",
            "give a Jwks, Key or Secret, or open a store to find the pool's keys",
        ));
    }
    let mut checks = ti::explain(&d, &keys.ring, &expect);
    if d.is_decoded() && d.claims_map().is_some() {
        checks.push(Check::new(
            CheckName::Revocation,
            CheckResult::Skipped,
            "no Poolhouse store was opened, so the token's sign-in was not looked up",
        ));
    }
    Ok(verify_response(&d, &checks, keys, now))
}

/// `EncodeTestToken` with a `Key` or `Secret` (no store).
///
/// # Errors
/// `InvalidParameterException` naming the member at fault.
pub fn encode_test_token_with_key(
    req: &EncodeTestTokenRequest,
    now: i64,
) -> Result<EncodeTestTokenResponse, ApiError> {
    if req.user_pool_id.is_some() {
        return Err(ApiError::invalid(
            "UserPoolId",
            "needs a Poolhouse store to read the pool's keys",
        ));
    }
    encode_with_key(req, now)
}

pub(crate) fn encode_with_key(
    req: &EncodeTestTokenRequest,
    now: i64,
) -> Result<EncodeTestTokenResponse, ApiError> {
    let (mut key, field) = match (&req.key, &req.secret) {
        (Some(k), _) => (
            EncodeKey::from_text(k.expose()).map_err(|e| encode_error(e, "Key"))?,
            "Key",
        ),
        (None, Some(s)) => (
            EncodeKey::from_secret(s.expose(), req.secret_encoding.unwrap_or_default().into())
                .map_err(|e| encode_error(e, "Secret"))?,
            "Secret",
        ),
        (None, None) => return Err(ApiError::invalid("Key", "is required")),
    };
    if let Some(kid) = &req.kid {
        if kid.is_empty() || kid.len() > tokens::MAX_KID_LEN || kid.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "Kid",
                "must be 1 to 256 characters without control characters",
            ));
        }
        key.set_kid(Some(kid.clone()));
    }
    sign_test_token(req, &key, field, now)
}

pub(crate) fn sign_test_token(
    req: &EncodeTestTokenRequest,
    key: &EncodeKey,
    field: &str,
    now: i64,
) -> Result<EncodeTestTokenResponse, ApiError> {
    ti::encode_test_token(
        &req.claims,
        key,
        req.algorithm.as_deref(),
        req.expires_in.as_deref(),
        now,
    )
    .map_err(|e| encode_error(e, field))
    .map(|t| EncodeTestTokenResponse {
        algorithm: t
            .header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        token: t.token,
        header: Value::Object(t.header),
        claims: Value::Object(t.claims),
    })
}

/// Decodes the token and checks the expectations' own values.
pub(crate) fn verify_inputs(
    req: &VerifyTokenRequest,
    now: i64,
) -> Result<(Decoded, Expectations), ApiError> {
    let skew = req.skew_seconds.unwrap_or(0);
    if !(0..=86_400).contains(&skew) {
        return Err(ApiError::invalid(
            "SkewSeconds",
            "must be 0 to 86400 seconds",
        ));
    }
    if let Some(u) = req.expected_token_use.as_deref()
        && u != "id"
        && u != "access"
    {
        return Err(ApiError::invalid(
            "ExpectedTokenUse",
            "must be `id` or `access`",
        ));
    }
    let d = ti::decode(req.token.expose().as_bytes(), now);
    let expect = Expectations {
        issuer: req.expected_issuer.clone(),
        client_id: req.expected_client_id.clone(),
        token_use: req.expected_token_use.clone(),
        skew_secs: skew,
        now,
    };
    Ok((d, expect))
}

/// The keys of the request's `Jwks`, `Key` and `Secret`.
/// The most of a fetched document that is read.
pub(crate) const MAX_FETCHED: u64 = 1024 * 1024;

/// GETs a JSON document for the inspector; the reason when it cannot.
pub(crate) fn fetch(url: &str) -> Result<Value, String> {
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2048 {
        return Err("must be an http:// or https:// URL".into());
    }
    let mut resp = crate::hooks::http_agent(std::time::Duration::from_secs(10), 5)
        .get(url)
        .header("accept", "application/json")
        .call()
        .map_err(|e| format!("{url} could not be fetched: {e}"))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(format!("{url} answered HTTP {status}"));
    }
    let mut body = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.body_mut().as_reader(), MAX_FETCHED),
        &mut body,
    )
    .map_err(|e| format!("{url}: reading the answer failed: {e}"))?;
    serde_json::from_slice(&body).map_err(|e| format!("{url} did not answer JSON: {e}"))
}

/// Fetches the JWKS a request points at (`JwksUrl`, or discovery from the token's `iss`) and
/// answers the request with it as `Jwks`. Nothing is fetched unless the request asks.
pub(crate) fn fetch_jwks(
    mut req: VerifyTokenRequest,
    d: &Decoded,
) -> Result<(VerifyTokenRequest, Option<String>), ApiError> {
    let discover = req.discover.unwrap_or(false);
    if req.jwks_url.is_none() && !discover {
        return Ok((req, None));
    }
    if req.jwks.is_some() {
        return Err(ApiError::invalid(
            if discover { "Discover" } else { "JwksUrl" },
            "give the JWKS as text or where to fetch it, not both",
        ));
    }
    let url = match (&req.jwks_url, discover) {
        (Some(_), true) => {
            return Err(ApiError::invalid(
                "Discover",
                "give JwksUrl or ask for discovery, not both",
            ));
        }
        (Some(url), false) => url.clone(),
        (None, _) => {
            let iss = d
                .claims_map()
                .and_then(|c| c.get("iss"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ApiError::invalid("Discover", "the token has no iss to discover keys from")
                })?;
            let conf_url = format!(
                "{}/.well-known/openid-configuration",
                iss.trim_end_matches('/')
            );
            let conf = fetch(&conf_url).map_err(|e| ApiError::invalid("Discover", e))?;
            conf.get("jwks_uri")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ApiError::invalid("Discover", format!("{conf_url} names no jwks_uri"))
                })?
        }
    };
    let field = if discover { "Discover" } else { "JwksUrl" };
    let jwks = fetch(&url).map_err(|e| ApiError::invalid(field, e))?;
    req.jwks = Some(jwks.to_string());
    Ok((req, Some(url)))
}

/// Keys from the request, saying where a fetched JWKS came from.
pub(crate) fn keys_of(req: &VerifyTokenRequest, fetched: Option<&str>) -> Result<Keys, ApiError> {
    let mut keys = given_keys(req)?;
    if let Some(url) = fetched {
        keys.source = keys
            .source
            .replace("the JWKS given", &format!("the JWKS fetched from {url}"));
    }
    Ok(keys)
}

pub(crate) fn given_keys(req: &VerifyTokenRequest) -> Result<Keys, ApiError> {
    let mut ring = KeyRing::new();
    let mut sources = Vec::new();
    if let Some(jwks) = &req.jwks {
        let value: Value = serde_json::from_str(jwks)
            .map_err(|e| ApiError::invalid("Jwks", format!("not valid JSON: {e}")))?;
        let n = ring
            .add_jwks(&value)
            .map_err(|e| ApiError::invalid("Jwks", e))?;
        sources.push(format!("the JWKS given ({n} key(s))"));
    }
    if let Some(key) = &req.key {
        ring.add_text(key.expose())
            .map_err(|e| ApiError::invalid("Key", e))?;
        sources.push("the key given".to_owned());
    }
    if let Some(secret) = &req.secret {
        ring.add_secret(
            secret.expose(),
            req.secret_encoding.unwrap_or_default().into(),
        )
        .map_err(|e| ApiError::invalid("Secret", e))?;
        sources.push("the secret given".to_owned());
    }
    Ok(Keys {
        ring,
        source: sources.join(", "),
        pool: None,
    })
}

pub(crate) fn verify_response(
    d: &Decoded,
    checks: &[Check],
    keys: Keys,
    now: i64,
) -> VerifyTokenResponse {
    VerifyTokenResponse {
        verdict: Verdict::of(checks).code().into(),
        checks: checks.iter().map(check_dto).collect(),
        key_source: keys.source,
        key_notes: keys.ring.notes,
        user_pool_id: keys.pool.map(|p| p.id.to_string()),
        decoded: decoded_dto(d, now),
    }
}

impl Console {
    pub(crate) fn inspect_now(&self, now: Option<i64>) -> i64 {
        now.unwrap_or_else(|| self.now_ms().div_euclid(1000))
    }

    /// Adds the keys of the pool named by `UserPoolId`, or (when no key was given) of the pool
    /// the token's `iss` or `kid` names.
    pub(crate) fn pool_keys_for(
        &self,
        req: &VerifyTokenRequest,
        d: &Decoded,
        keys: &mut Keys,
    ) -> Result<(), ApiError> {
        let Keys { ring, source, pool } = keys;
        let mut sources: Vec<String> = if source.is_empty() {
            Vec::new()
        } else {
            vec![source.clone()]
        };
        if let Some(id) = &req.user_pool_id {
            let p = self
                .read(|r| Ok(user_pools::require_pool(r, id)?))
                .map_err(|e| ApiError {
                    field: Some("UserPoolId".into()),
                    ..e
                })?;
            ring.add_jwks(&self.jwks(&p.id)?)
                .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
            sources.push(format!("user pool {}", p.id));
            *pool = Some(p);
        } else if sources.is_empty() {
            match self.pool_of(d)? {
                Some((p, how)) => {
                    ring.add_jwks(&self.jwks(&p.id)?).map_err(|e| {
                        ApiError::new(ErrorCode::InternalErrorException, e.to_string())
                    })?;
                    sources.push(format!("user pool {} ({how})", p.id));
                    *pool = Some(p);
                }
                None => {
                    sources.push(
                        "none: no key was given, and neither the token's iss nor its kid names a Poolhouse user pool"
                            .to_owned(),
                    );
                }
            }
        }
        *source = sources.join(", ");
        Ok(())
    }

    /// The Poolhouse pool a token comes from: the last path segment of its `iss`, else the
    /// pool that publishes its `kid`.
    pub(crate) fn pool_of(&self, d: &Decoded) -> Result<Option<(PoolRow, &'static str)>, ApiError> {
        if let Some(iss) = d.claim_str("iss")
            && let Some(id) = iss.rsplit('/').next()
            && let Ok(id) = domain::UserPoolId::parse(id)
            && let Some(p) = self.read(|r| Ok(user_pools::pools::find(r, &id)?))?
        {
            return Ok(Some((p, "found by iss")));
        }
        let Some(kid) = d.kid() else {
            return Ok(None);
        };
        let now = self.now_ms();
        let found = self.read(|r| {
            Ok(user_pools::keys::pool_publishing(
                r,
                kid,
                now,
                MAX_POOLS_SEARCHED,
            )?)
        })?;
        Ok(found.map(|p| (p, "found by kid")))
    }

    /// Whether a Poolhouse-issued token's sign-in is still active: the sign-in engine's own
    /// `authenticate` is the judge for access tokens (judged as of the token's last valid
    /// second, so that expiry does not hide a revocation); the reason comes from the sign-in
    /// record.
    pub(crate) fn revocation_check(
        &self,
        d: &Decoded,
        checks: &[Check],
        pool: Option<&PoolRow>,
        now: i64,
    ) -> Result<Check, ApiError> {
        let skipped = |why: &str| Check::new(CheckName::Revocation, CheckResult::Skipped, why);
        let Some(pool) = pool else {
            return Ok(skipped(
                "not a Poolhouse user pool's token: only Poolhouse's own sign-ins can be looked up",
            ));
        };
        let signed = checks
            .iter()
            .any(|c| c.name == CheckName::Signature && c.result == CheckResult::Pass);
        if !signed {
            return Ok(skipped(
                "the signature did not verify with the pool's keys, so the token is not the pool's",
            ));
        }
        let Some(origin) = d.claim_str("origin_jti") else {
            return Ok(skipped(
                "no origin_jti claim: the token is not tied to a sign-in (a test token?)",
            ));
        };
        let record = self.read(|r| Ok(auth::sign_in_by_origin(r, origin)?))?;
        let Some(record) = record else {
            return Ok(Check::new(
                CheckName::Revocation,
                CheckResult::Fail,
                format!(
                    "no sign-in with origin_jti {origin:?} in user pool {}: the token was not issued by this Poolhouse store, or its sign-in was removed",
                    pool.id
                ),
            ));
        };
        if let Some(at) = record.revoked_at {
            let when = ti::rfc3339(at.div_euclid(1000)).unwrap_or_else(|| at.to_string());
            return Ok(Check::new(
                CheckName::Revocation,
                CheckResult::Fail,
                format!(
                    "revoked at {when}: its sign-in ended (GlobalSignOut, RevokeToken or an admin sign-out)"
                ),
            ));
        }
        if d.claim_str("token_use") == Some("access") {
            let keys = self.pool_keys(pool)?;
            let issuer = self.issuer(&pool.id)?;
            let exp = d
                .claims_map()
                .and_then(|c| c.get("exp"))
                .and_then(ti::numeric_date)
                .unwrap_or(now);
            let judged_at = now.min(exp.saturating_sub(1)).saturating_mul(1000);
            let verdict = self.read(|r| {
                Ok(auth::judge_access_token(
                    r, &keys, pool, &d.token, &issuer, judged_at,
                ))
            })?;
            match verdict {
                Err(e) => {
                    return Ok(Check::new(
                        CheckName::Revocation,
                        CheckResult::Fail,
                        format!("the sign-in engine refuses it: {e}"),
                    ));
                }
                // The inspector reports on test tokens: their sign-in is judged as a real
                // token's would be, and the report says the engine refuses them anyway.
                Ok(auth::Judged::TestToken(_)) => {
                    return Ok(Check::new(
                        CheckName::Revocation,
                        CheckResult::Warning,
                        format!(
                            "its sign-in (origin_jti {origin:?}) is active, but this is a test token: the sign-in engine never accepts one (GetUser and the other token operations refuse it)"
                        ),
                    ));
                }
                Ok(auth::Judged::Minted(_)) => {}
            }
        }
        Ok(Check::new(
            CheckName::Revocation,
            CheckResult::Pass,
            format!("its sign-in (origin_jti {origin:?}) is active"),
        ))
    }
}
