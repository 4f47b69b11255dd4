//! The token inspector's operations: decode, verify against keys or a pool, and encode test
//! tokens. The machinery is in [`crate::inspect`].

use domain::names::UserPoolId;
use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokens::inspect::{
    self as ti, Check, Decoded, EncodeError, EncodeKey, Expectations, Payload, SecretEncoding,
};
use ts_rs::TS;

use super::shared::*;
pub(crate) mod verify;

use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};
use verify::*;

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
        pub user_pool_id: Option<UserPoolId>,
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
        pub user_pool_id: Option<UserPoolId>,
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

pub(crate) fn decoded_dto(d: &Decoded, now: i64) -> DecodeTokenResponse {
    let (payload, payload_json, payload_text) = match &d.payload {
        Payload::Claims { claims, .. } => (
            Some(Value::Object(claims.clone())),
            d.payload.pretty(),
            None,
        ),
        Payload::Json { value, .. } => (Some(value.clone()), d.payload.pretty(), None),
        Payload::Text(t) => (None, None, Some(t.clone())),
        Payload::Missing | Payload::Binary { .. } | Payload::Encrypted { .. } => (None, None, None),
    };
    DecodeTokenResponse {
        kind: d.kind.code().into(),
        header: d.header.clone().map(Value::Object),
        header_json: d.header_pretty(),
        payload,
        payload_json,
        payload_text,
        signature_length: d
            .signature_len
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        claims: d
            .claims()
            .into_iter()
            .map(|r| {
                let (seconds, utc, relative) = match r.time {
                    Some(t) => (Some(t.secs), t.utc, Some(t.relative)),
                    None => (None, None, None),
                };
                ClaimRowType {
                    name: r.name,
                    value: r.value,
                    meaning: r.meaning.map(str::to_string),
                    seconds,
                    utc,
                    relative,
                    problem: r.problem,
                }
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

pub(crate) fn check_dto(c: &Check) -> CheckType {
    CheckType {
        name: c.name.code().into(),
        result: c.result.code().into(),
        reason: c.reason.clone(),
        is_attack: c.is_attack,
        key: c.key.clone(),
    }
}

pub(crate) fn encode_error(e: EncodeError, key_field: &str) -> ApiError {
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

/// `DecodeToken`: what a token holds, without verifying anything. A read; never fails on
/// the token itself (what went wrong is in `Problem`).
pub(crate) fn decode_token(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: DecodeTokenRequest,
) -> Result<DecodeTokenResponse, ApiError> {
    let now = c.inspect_now(req.now);
    Ok(verify::decode_token(&req, now))
}

/// `VerifyToken`: the checklist for a token against the keys given, or the keys of the
/// Poolhouse pool named by `UserPoolId` or found by the token's `iss` and `kid`.
pub(crate) fn verify_token(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: VerifyTokenRequest,
) -> Result<VerifyTokenResponse, ApiError> {
    let now = c.inspect_now(req.now);
    let (d, expect) = verify_inputs(&req, now)?;
    let (req, fetched) = fetch_jwks(req, &d)?;
    let mut keys = keys_of(&req, fetched.as_deref())?;
    c.pool_keys_for(&req, &d, &mut keys)?;
    let issuer = match (&req.expected_issuer, &keys.pool) {
        (Some(i), _) => Some(i.clone()),
        (None, Some(pool)) => Some(c.issuer(&pool.id)?),
        (None, None) => None,
    };
    let expect = Expectations { issuer, ..expect };
    let mut checks = ti::explain(&d, &keys.ring, &expect);
    if d.is_decoded() && d.claims_map().is_some() {
        // Keys given by hand may still be a Poolhouse pool's: look its sign-in up.
        let pool = match keys.pool.clone() {
            Some(p) => Some(p),
            None => c.pool_of(&d)?.map(|(p, _)| p),
        };
        checks.push(c.revocation_check(&d, &checks, pool.as_ref(), now)?);
    }
    Ok(verify_response(&d, &checks, keys, now))
}

/// `EncodeTestToken`: claims signed as a test token with the key given, or a pool's current
/// signing key (audited, since such a token is accepted by any verifier that trusts the pool's
/// keys; Poolhouse's own token operations refuse it by its `poolhouse:test` header member).
pub(crate) fn encode_test_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: EncodeTestTokenRequest,
) -> Result<EncodeTestTokenResponse, ApiError> {
    let now = c.inspect_now(req.now);
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
        let pool = c
            .read(|r| Ok(user_pools::require_pool(r, &id)?))
            .map_err(|e| ApiError {
                field: Some("UserPoolId".into()),
                ..e
            })?;
        let keys = c.pool_keys(&pool)?;
        // A pool's test token carries the pool's issuer unless the claims say otherwise, so
        // that it verifies against the pool as its real tokens do.
        let mut req = req;
        if let Value::Object(claims) = &mut req.claims
            && !claims.contains_key("iss")
        {
            claims.insert("iss".into(), Value::String(c.issuer(&pool.id)?));
        }
        let is_id = req.claims.get("token_use").and_then(Value::as_str) == Some("id");
        let signing = if is_id { &keys.id } else { &keys.access };
        let key =
            EncodeKey::from_signing_key(signing).map_err(|e| encode_error(e, "UserPoolId"))?;
        return c.write_audited(ctx, Some(&pool.id), Some(signing.kid()), |_, _| {
            Ok((sign_test_token(&req, &key, "UserPoolId", now)?, None))
        });
    }
    encode_with_key(&req, now)
}
