//! A pool's signing keys (listed, rotated) and what is published from them: the issuer, the
//! JWKS and the OpenID discovery document.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::pools::PoolRow;
use ts_rs::TS;
use user_pools::keys::{self};
use user_pools::signin as auth;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

dto! {
    /// A pool's signing key as the console lists it (public half only).
    pub struct SigningKeyType {
        pub kid: String,
        /// `id` or `access`.
        pub purpose: String,
        pub creation_date: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub retired_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub published_until: Option<f64>,
        /// `SIGNING`, `PUBLISHED` (retired, tokens may still be live) or `EXPIRED`.
        pub status: String,
    }
}

dto! {
    pub struct ListSigningKeysResponse {
        pub keys: Vec<SigningKeyType>,
        /// The `iss` of the pool's tokens.
        pub issuer: String,
    }
}

/// `ListSigningKeys`: the pool's keys, signing and retired (made on first use).
pub(crate) fn list_signing_keys(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: UserPoolIdRequest,
) -> Result<ListSigningKeysResponse, ApiError> {
    let pool = c.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
    c.pool_keys(&pool)?;
    c.signing_keys(&pool)
}

/// `RotateSigningKeys`: new ID and access keys; the old ones stay published until the
/// tokens they signed have expired.
pub(crate) fn rotate_signing_keys(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserPoolIdRequest,
) -> Result<ListSigningKeysResponse, ApiError> {
    let pool = c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.user_pool_id),
        |tx, ctx| {
            let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
            keys::rotate(tx, &c.inner.master, &pool, ctx.clock.now_ms())?;
            Ok((pool, None))
        },
    )?;
    c.signing_keys(&pool)
}

impl Console {
    /// The `iss` of a pool's tokens.
    pub fn issuer(&self, pool_id: &str) -> Result<String, ApiError> {
        let ws = self.workspace()?;
        Ok(auth::issuer(ws.issuer_base_url.as_deref(), pool_id))
    }

    /// The pool's JWKS document (`/{poolId}/.well-known/jwks.json`).
    pub fn jwks(&self, pool_id: &str) -> Result<serde_json::Value, ApiError> {
        let pool_id = domain::UserPoolId::parse(pool_id)?;
        let pool = self.read(|r| Ok(user_pools::require_pool(r, &pool_id)?))?;
        // Make the keys if the pool has none yet, so the document is never empty.
        self.pool_keys(&pool)?;
        let now = self.now();
        let set = self.read(|r| Ok(keys::jwks(r, pool.pk, now)?))?;
        serde_json::to_value(set)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
    }

    /// The pool's OpenID configuration. The JWKS is under the issuer when the workspace names
    /// an issuer base URL, else at `jwks_uri` (where the caller serves it).
    pub fn openid_configuration(
        &self,
        pool_id: &str,
        jwks_uri: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let id = domain::UserPoolId::parse(pool_id)?;
        self.read(|r| Ok(user_pools::require_pool(r, &id)?))?;
        let issuer = self.issuer(pool_id)?;
        let jwks_uri = match self.workspace()?.issuer_base_url {
            Some(_) => format!("{issuer}/.well-known/jwks.json"),
            None => jwks_uri.to_string(),
        };
        // The authorization server's endpoints sit beside the keys: under the workspace's
        // issuer, or under `/<poolId>` at this server's address, which every client reaches.
        let base = jwks_uri
            .strip_suffix("/.well-known/jwks.json")
            .unwrap_or(&issuer)
            .to_string();
        Ok(serde_json::json!({
            "issuer": issuer,
            "jwks_uri": jwks_uri,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "end_session_endpoint": format!("{base}/logout"),
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "token_use",
                "cognito:username", "cognito:groups", "email", "email_verified",
                "phone_number", "phone_number_verified"
            ]
        }))
    }

    pub(crate) fn signing_keys(&self, pool: &PoolRow) -> Result<ListSigningKeysResponse, ApiError> {
        let now = self.now();
        let issuer = self.issuer(&pool.id)?;
        self.read(|r| {
            let rows = keys::list(r, pool.pk)?;
            Ok(ListSigningKeysResponse {
                keys: rows
                    .into_iter()
                    .map(|k| SigningKeyType {
                        status: match (k.retired_at, k.published_until) {
                            (None, _) => "SIGNING",
                            (Some(_), Some(until)) if until > now => "PUBLISHED",
                            _ => "EXPIRED",
                        }
                        .into(),
                        kid: k.kid,
                        purpose: match k.purpose {
                            storage::signing_keys::Purpose::Id => "id",
                            storage::signing_keys::Purpose::Access => "access",
                        }
                        .into(),
                        creation_date: secs(k.created_at),
                        retired_date: k.retired_at.map(secs),
                        published_until: k.published_until.map(secs),
                    })
                    .collect(),
                issuer,
            })
        })
    }
}
