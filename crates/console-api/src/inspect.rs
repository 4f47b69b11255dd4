//! The token inspector's operations: `DecodeToken`, `VerifyToken` and `EncodeTestToken`.
//!
//! The work is done by `tokens::inspect`; this module picks the keys (the caller's, or a
//! Poolhouse pool's found by `iss` and `kid`), adds the one check that needs the store
//! (revocation, judged by the sign-in engine's own `authenticate`), and maps the answers to
//! DTOs. Key material arrives as text: reading files is the fronts' business.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storage::pools::PoolRow;
use tokens::inspect::{
    self as ti, Check, CheckName, CheckResult, Decoded, EncodeError, EncodeKey, Expectations,
    KeyRing, Payload, SecretEncoding, Verdict,
};
use ts_rs::TS;
use user_pools::signin as auth;

use crate::dto::Sensitive;
use crate::dto::dto;
use crate::{Actor, ApiError, Console, ErrorCode};

/// Most pools searched for a token's `kid` when its `iss` names none.
const MAX_POOLS_SEARCHED: u32 = 1000;

/// How an HMAC secret in a request is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[ts(export)]
pub enum SecretEncodingType {
    /// The text's UTF-8 bytes (the default).
    #[default]
    Text,
    /// base64 or base64url, padded or not.
    Base64,
}

impl From<SecretEncodingType> for SecretEncoding {
    fn from(e: SecretEncodingType) -> Self {
        match e {
            SecretEncodingType::Text => SecretEncoding::Text,
            SecretEncodingType::Base64 => SecretEncoding::Base64,
        }
    }
}

dto! {
    /// `DecodeToken`: decode anything pasted, without verifying it.
    pub struct DecodeTokenRequest {
        /// The token (whitespace, quotes and a `Bearer ` prefix are tolerated).
        pub token: Sensitive,
        /// Now, in seconds since the epoch, for the relative times (default: the console's clock).
        #[serde(default)]
        #[ts(optional, type = "number")]
        pub now: Option<i64>,
    }
}

dto! {
    /// One row of the claims table.
    pub struct ClaimRowType {
        pub name: String,
        pub value: Value,
        /// What the claim means, when it is a registered, OIDC or Cognito claim.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub meaning: Option<String>,
        /// Time claims: seconds since the epoch (floored, saturated).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional, type = "number")]
        pub seconds: Option<i64>,
        /// Time claims: RFC 3339 UTC (absent beyond year 9999).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub utc: Option<String>,
        /// Time claims: relative to now ("expires in 55 min").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relative: Option<String>,
        /// What is wrong with the value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub problem: Option<String>,
    }
}

dto! {
    /// Something noticed while decoding.
    pub struct FindingType {
        /// Stable code (`BearerPrefix`, `Unsigned`, `DuplicateMember`, `Encrypted`, ...).
        pub code: String,
        pub message: String,
        /// A warning (else a note about how the input was read).
        pub is_warning: bool,
    }
}

dto! {
    /// Where decoding stopped.
    pub struct DecodeProblemType {
        /// Stable code (`Empty`, `TooLarge`, `NotUtf8`, `PartCount`, `Base64`, `Json`, `TooDeep`, `NotAnObject`).
        pub code: String,
        pub message: String,
        /// The part (1-based) the problem is in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub part: Option<u32>,
    }
}

dto! {
    /// What a token holds.
    pub struct DecodeTokenResponse {
        /// `Jws`, `Unsigned`, `Jwe` or `NotAToken`.
        pub kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub header: Option<Value>,
        /// The header's JSON re-indented, in the token's member order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub header_json: Option<String>,
        /// The payload when it is JSON (the claims of a JWT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payload: Option<Value>,
        /// The payload's JSON re-indented, in the token's member order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payload_json: Option<String>,
        /// The payload when it is text but not JSON (or the inner token of a nested JWT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payload_text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signature_length: Option<u32>,
        pub claims: Vec<ClaimRowType>,
        pub findings: Vec<FindingType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub problem: Option<DecodeProblemType>,
        /// A nested JWT's inner token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nested: Option<Box<DecodeTokenResponse>>,
        /// The time the relative wording is measured from, seconds since the epoch.
        #[ts(type = "number")]
        pub now: i64,
    }
}

dto! {
    /// `VerifyToken`: decode, verify against the keys given (or a Poolhouse pool's, found by
    /// `iss` and `kid` when none are given), and explain every check.
    pub struct VerifyTokenRequest {
        pub token: Sensitive,
        /// A JWKS document (JSON text).
        #[serde(default)]
        pub jwks: Option<String>,
        /// A key as text: PEM public key (SPKI or PKCS#1), X.509 certificate, PEM private key
        /// (its public half is used), or a JWK.
        #[serde(default)]
        pub key: Option<Sensitive>,
        /// An HMAC secret.
        #[serde(default)]
        pub secret: Option<Sensitive>,
        /// How `Secret` is read: `Text` (default) or `Base64`.
        #[serde(default)]
        pub secret_encoding: Option<SecretEncodingType>,
        /// Use this user pool's keys (and its issuer, unless `ExpectedIssuer` is given).
        #[serde(default)]
        pub user_pool_id: Option<String>,
        /// Fetch the JWKS from this http(s) URL (a network call, made only when asked).
        #[serde(default)]
        pub jwks_url: Option<String>,
        /// Find the keys from the token's `iss`: `<iss>/.well-known/openid-configuration`, then
        /// its `jwks_uri` (network calls, made only when asked).
        #[serde(default)]
        pub discover: Option<bool>,
        #[serde(default)]
        pub expected_issuer: Option<String>,
        /// The app client the token must be for (`aud` of ID tokens, `client_id` of access tokens).
        #[serde(default)]
        pub expected_client_id: Option<String>,
        /// `id` or `access`.
        #[serde(default)]
        pub expected_token_use: Option<String>,
        /// Clock skew allowed on `exp`, `nbf` and `iat`, 0–86400 seconds (default 0).
        #[serde(default)]
        #[ts(optional, type = "number")]
        pub skew_seconds: Option<i64>,
        /// Now, in seconds since the epoch (default: the console's clock).
        #[serde(default)]
        #[ts(optional, type = "number")]
        pub now: Option<i64>,
    }
}

dto! {
    /// One line of the checklist.
    pub struct CheckType {
        /// `structure`, `algorithm`, `signature`, `exp`, `nbf`, `iat`, `iss`, `aud`, `token_use`, `revoked`.
        pub name: String,
        /// `pass`, `fail`, `warning` or `skipped`.
        pub result: String,
        pub reason: String,
        /// The failure is the mark of an attack (`alg: none`, algorithm confusion).
        pub is_attack: bool,
        /// The key the check is about (its `kid`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub key: Option<String>,
    }
}

dto! {
    pub struct VerifyTokenResponse {
        /// `Valid` (every check passed or was skipped), `Invalid`, `Attack` or `NotAToken`.
        pub verdict: String,
        pub checks: Vec<CheckType>,
        /// Where the keys came from.
        pub key_source: String,
        /// Keys skipped while reading the sources, and why.
        pub key_notes: Vec<String>,
        /// The Poolhouse pool whose keys were used, if one was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        pub decoded: DecodeTokenResponse,
    }
}

dto! {
    /// `EncodeTestToken`: sign claims as a test token (header member `"poolhouse:test": true`).
    /// Exactly one of `Key`, `Secret`, `UserPoolId`.
    pub struct EncodeTestTokenRequest {
        /// The claims, a JSON object. `iat` is added when absent.
        pub claims: Value,
        /// `exp` as a duration from now: `+30m`, `2h`, `-5m` (s, m, h, d). Default: `+1h` when
        /// the claims have no `exp`.
        #[serde(default)]
        pub expires_in: Option<String>,
        /// `RS256` … `HS512`; default by key: RS256, ES256/384/512, EdDSA, HS256.
        #[serde(default)]
        pub algorithm: Option<String>,
        /// A private key: PEM (PKCS#8, PKCS#1, SEC1) or a private JWK.
        #[serde(default)]
        pub key: Option<Sensitive>,
        #[serde(default)]
        pub secret: Option<Sensitive>,
        #[serde(default)]
        pub secret_encoding: Option<SecretEncodingType>,
        /// Sign with this pool's current key (its ID-token key when `token_use` is `id`, else
        /// its access-token key). Audited.
        #[serde(default)]
        pub user_pool_id: Option<String>,
        /// The `kid` to put in the header (not with `UserPoolId`, whose key has its own).
        #[serde(default)]
        pub kid: Option<String>,
        #[serde(default)]
        #[ts(optional, type = "number")]
        pub now: Option<i64>,
    }
}

dto! {
    pub struct EncodeTestTokenResponse {
        pub token: String,
        pub header: Value,
        pub claims: Value,
        pub algorithm: String,
    }
}

fn decoded_dto(d: &Decoded, now: i64) -> DecodeTokenResponse {
    let (payload, payload_json, payload_text) = match &d.payload {
        Payload::Claims { claims, pretty } => (
            Some(Value::Object(claims.clone())),
            Some(pretty.clone()),
            None,
        ),
        Payload::Json { value, pretty } => (Some(value.clone()), Some(pretty.clone()), None),
        Payload::Text(t) => (None, None, Some(t.clone())),
        Payload::Missing | Payload::Binary { .. } | Payload::Encrypted { .. } => (None, None, None),
    };
    DecodeTokenResponse {
        kind: d.kind.code().into(),
        header: d.header.clone().map(Value::Object),
        header_json: d.header_pretty.clone(),
        payload,
        payload_json,
        payload_text,
        signature_length: d
            .signature_len
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        claims: d
            .claims
            .iter()
            .map(|r| ClaimRowType {
                name: r.name.clone(),
                value: r.value.clone(),
                meaning: r.meaning.map(str::to_string),
                seconds: r.time.as_ref().map(|t| t.secs),
                utc: r.time.as_ref().and_then(|t| t.utc.clone()),
                relative: r.time.as_ref().map(|t| t.relative.clone()),
                problem: r.problem.clone(),
            })
            .collect(),
        findings: d
            .findings
            .iter()
            .map(|f| FindingType {
                code: f.code().into(),
                message: f.to_string(),
                is_warning: f.is_warning(),
            })
            .collect(),
        problem: d.problem.as_ref().map(|p| DecodeProblemType {
            code: p.code().into(),
            message: p.to_string(),
            part: p.part().map(|p| p.number() as u32),
        }),
        nested: d.nested.as_deref().map(|n| Box::new(decoded_dto(n, now))),
        now,
    }
}

fn check_dto(c: &Check) -> CheckType {
    CheckType {
        name: c.name.code().into(),
        result: c.result.code().into(),
        reason: c.reason.clone(),
        is_attack: c.is_attack,
        key: c.key.clone(),
    }
}

fn encode_error(e: EncodeError, key_field: &str) -> ApiError {
    match e {
        EncodeError::ClaimsNotObject { .. } => ApiError::invalid("Claims", e),
        EncodeError::Duration { .. }
        | EncodeError::DurationTooLong { .. }
        | EncodeError::ExpTwice => ApiError::invalid("ExpiresIn", e),
        EncodeError::UnknownAlgorithm { .. } | EncodeError::AlgorithmKeyMismatch { .. } => {
            ApiError::invalid("Algorithm", e)
        }
        EncodeError::Key { .. } => ApiError::invalid(key_field, e),
        EncodeError::Signing => ApiError::new(ErrorCode::InternalErrorException, e.to_string()),
        _ => ApiError::new(ErrorCode::InternalErrorException, e.to_string()),
    }
}

/// Where a verification's keys came from.
struct Keys {
    ring: KeyRing,
    source: String,
    pool: Option<PoolRow>,
}

impl Console {
    fn inspect_now(&self, now: Option<i64>) -> i64 {
        now.unwrap_or_else(|| self.now_ms().div_euclid(1000))
    }

    /// `DecodeToken`: what a token holds, without verifying anything. A read; never fails on
    /// the token itself (what went wrong is in `Problem`).
    pub fn decode_token(
        &self,
        _actor: &Actor,
        req: DecodeTokenRequest,
    ) -> Result<DecodeTokenResponse, ApiError> {
        let now = self.inspect_now(req.now);
        Ok(decode_token(&req, now))
    }

    /// `VerifyToken`: the checklist for a token against the keys given, or the keys of the
    /// Poolhouse pool named by `UserPoolId` or found by the token's `iss` and `kid`.
    pub fn verify_token(
        &self,
        _actor: &Actor,
        req: VerifyTokenRequest,
    ) -> Result<VerifyTokenResponse, ApiError> {
        let now = self.inspect_now(req.now);
        let (d, expect) = verify_inputs(&req, now)?;
        let (req, fetched) = fetch_jwks(req, &d)?;
        let mut keys = keys_of(&req, fetched.as_deref())?;
        self.pool_keys_for(&req, &d, &mut keys)?;
        let issuer = match (&req.expected_issuer, &keys.pool) {
            (Some(i), _) => Some(i.clone()),
            (None, Some(pool)) => Some(self.issuer(&pool.id)?),
            (None, None) => None,
        };
        let expect = Expectations { issuer, ..expect };
        let mut checks = ti::explain(&d, &keys.ring, &expect);
        if d.is_decoded() && d.claims_map().is_some() {
            // Keys given by hand may still be a Poolhouse pool's: look its sign-in up.
            let pool = match keys.pool.clone() {
                Some(p) => Some(p),
                None => self.pool_of(&d)?.map(|(p, _)| p),
            };
            checks.push(self.revocation_check(&d, &checks, pool.as_ref(), now)?);
        }
        Ok(verify_response(&d, &checks, keys, now))
    }

    /// Adds the keys of the pool named by `UserPoolId`, or (when no key was given) of the pool
    /// the token's `iss` or `kid` names.
    fn pool_keys_for(
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
    fn pool_of(&self, d: &Decoded) -> Result<Option<(PoolRow, &'static str)>, ApiError> {
        if let Some(iss) = d.claim_str("iss")
            && let Some(id) = iss.rsplit('/').next()
            && domain::ids::validate_user_pool_id(id).is_ok()
            && let Some(p) = self.read(|r| Ok(storage::pools::get(r, id)?))?
        {
            return Ok(Some((p, "found by iss")));
        }
        let Some(kid) = d.kid() else {
            return Ok(None);
        };
        let now = self.now_ms();
        let found = self.read(|r| {
            let pools = storage::pools::list(r, 0, MAX_POOLS_SEARCHED)?;
            for p in pools {
                let keys = storage::signing_keys::published(r, p.pk, now)?;
                if keys.iter().any(|k| k.kid == kid) {
                    return Ok(Some(p));
                }
            }
            Ok(None)
        })?;
        Ok(found.map(|p| (p, "found by kid")))
    }

    /// Whether a Poolhouse-issued token's sign-in is still active: the sign-in engine's own
    /// `authenticate` is the judge for access tokens (judged as of the token's last valid
    /// second, so that expiry does not hide a revocation); the reason comes from the sign-in
    /// record.
    fn revocation_check(
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
        let record = self.read(|r| Ok(storage::refresh_tokens::by_origin(r, origin)?))?;
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
                Ok(auth::authenticate(r, &keys, pool, &d.token, &issuer, judged_at).map(|_| ()))
            })?;
            if let Err(e) = verdict {
                return Ok(Check::new(
                    CheckName::Revocation,
                    CheckResult::Fail,
                    format!("the sign-in engine refuses it: {e}"),
                ));
            }
        }
        Ok(Check::new(
            CheckName::Revocation,
            CheckResult::Pass,
            format!("its sign-in (origin_jti {origin:?}) is active"),
        ))
    }

    /// `EncodeTestToken`: claims signed as a test token with the key given, or a pool's current
    /// signing key (audited, since such a token is accepted by anything that trusts the pool).
    pub fn encode_test_token(
        &self,
        actor: &Actor,
        req: EncodeTestTokenRequest,
    ) -> Result<EncodeTestTokenResponse, ApiError> {
        let now = self.inspect_now(req.now);
        let given: BTreeSet<&str> = [
            req.key.as_ref().map(|_| "Key"),
            req.secret.as_ref().map(|_| "Secret"),
            req.user_pool_id.as_ref().map(|_| "UserPoolId"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            return Err(ApiError::invalid(
                "Key",
                "give exactly one of Key (a private key), Secret or UserPoolId",
            ));
        }
        if let Some(id) = req.user_pool_id.clone() {
            if req.kid.is_some() {
                return Err(ApiError::invalid(
                    "Kid",
                    "is the pool key's own; leave it out with UserPoolId",
                ));
            }
            let pool = self
                .read(|r| Ok(user_pools::require_pool(r, &id)?))
                .map_err(|e| ApiError {
                    field: Some("UserPoolId".into()),
                    ..e
                })?;
            let keys = self.pool_keys(&pool)?;
            // A pool's test token carries the pool's issuer unless the claims say otherwise, so
            // that it verifies against the pool as its real tokens do.
            let mut req = req;
            if let Value::Object(claims) = &mut req.claims
                && !claims.contains_key("iss")
            {
                claims.insert("iss".into(), Value::String(self.issuer(&pool.id)?));
            }
            let is_id = req.claims.get("token_use").and_then(Value::as_str) == Some("id");
            let signing = if is_id { &keys.id } else { &keys.access };
            let key =
                EncodeKey::from_signing_key(signing).map_err(|e| encode_error(e, "UserPoolId"))?;
            return self.write_audited(
                actor,
                "EncodeTestToken",
                Some(&pool.id),
                Some(signing.kid()),
                |_, _| Ok((sign_test_token(&req, &key, "UserPoolId", now)?, None)),
            );
        }
        encode_with_key(&req, now)
    }
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

fn encode_with_key(
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

fn sign_test_token(
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
fn verify_inputs(req: &VerifyTokenRequest, now: i64) -> Result<(Decoded, Expectations), ApiError> {
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
const MAX_FETCHED: u64 = 1024 * 1024;

/// GETs a JSON document for the inspector; the reason when it cannot.
fn fetch(url: &str) -> Result<Value, String> {
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
fn fetch_jwks(
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
fn keys_of(req: &VerifyTokenRequest, fetched: Option<&str>) -> Result<Keys, ApiError> {
    let mut keys = given_keys(req)?;
    if let Some(url) = fetched {
        keys.source = keys
            .source
            .replace("the JWKS given", &format!("the JWKS fetched from {url}"));
    }
    Ok(keys)
}

fn given_keys(req: &VerifyTokenRequest) -> Result<Keys, ApiError> {
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

fn verify_response(d: &Decoded, checks: &[Check], keys: Keys, now: i64) -> VerifyTokenResponse {
    VerifyTokenResponse {
        verdict: Verdict::of(checks).code().into(),
        checks: checks.iter().map(check_dto).collect(),
        key_source: keys.source,
        key_notes: keys.ring.notes,
        user_pool_id: keys.pool.map(|p| p.id),
        decoded: decoded_dto(d, now),
    }
}
