//! The login's side of `ExplainRole`: whether the identity pool accepts the login at all, and
//! how its claims were checked — a Poolhouse user pool's ID token verified as the token inspector
//! verifies it, with its `aud` among the clients the pool trusts; anything else decoded only.

use domain::names::UserPoolId;
use serde_json::{Map, Value};
use storage::identity_pools::IdentityPoolRow;

use super::{ExplainRoleRequest, LoginCheckType, RefusalType};
use crate::ops::OpCtx;
use crate::ops::inspect::{CheckType, VerifyTokenRequest, verify_token};
use crate::{ApiError, Console};

pub(super) fn refusal(code: &str, message: &str, reason: impl Into<String>) -> RefusalType {
    RefusalType {
        code: code.to_owned(),
        message: message.to_owned(),
        reason: reason.into(),
    }
}

/// The user pool a `cognito-idp.<region>.amazonaws.com/<pool id>` provider names.
fn user_pool_of(provider: &str) -> Option<&str> {
    provider
        .strip_prefix("cognito-idp.")
        .and_then(|rest| rest.split_once(".amazonaws.com/"))
        .map(|(_, id)| id)
}

/// Whether the pool accepts this login at all, and how its claims were checked: the refusal
/// Cognito would give before any role is chosen, if any.
pub(super) fn check_login(
    c: &Console,
    ctx: &OpCtx<'_>,
    pool: &IdentityPoolRow,
    req: &ExplainRoleRequest,
    claims: &Map<String, Value>,
    now: i64,
) -> Result<(LoginCheckType, Option<RefusalType>), ApiError> {
    let config = &pool.config;
    let Some(provider) = req.provider.as_deref() else {
        let login = LoginCheckType {
            status: "Guest".into(),
            note: "A guest (unauthenticated identity) has no token to check.".into(),
            checks: Vec::new(),
        };
        let refused = (!config.allow_unauthenticated_identities).then(|| {
            refusal(
                "NotAuthorizedException",
                "Unauthenticated access is not supported for this identity pool.",
                "the identity pool does not allow guests (AllowUnauthenticatedIdentities is off)",
            )
        });
        return Ok((login, refused));
    };
    let trusted_clients: Vec<&CognitoProvider> = config
        .cognito_identity_providers
        .iter()
        .filter(|p| p.provider_name.as_deref() == Some(provider))
        .collect();
    let trusted = !trusted_clients.is_empty()
        || config.supported_login_providers.contains_key(provider)
        || config.saml_provider_arns.iter().any(|a| a == provider)
        || config.open_id_connect_provider_arns.iter().any(|a| {
            a.split_once("oidc-provider/")
                .is_some_and(|(_, h)| h == provider)
        })
        || config.developer_provider_name.as_deref() == Some(provider);
    let untrusted = (!trusted).then(|| {
        refusal(
            "NotAuthorizedException",
            "Token is not from a supported provider of this identity pool.",
            format!("the identity pool does not trust {provider}"),
        )
    });
    let unverified = |note: String| LoginCheckType {
        status: "Unverified".into(),
        note,
        checks: Vec::new(),
    };
    let Some(token) = &req.token else {
        return Ok((
            unverified("Claims typed in: nothing was verified.".into()),
            untrusted,
        ));
    };
    let pool_id = user_pool_of(provider).and_then(|id| UserPoolId::parse(id).ok());
    let Some(pool_id) = pool_id.filter(|_| untrusted.is_none()) else {
        return Ok((
            unverified(
                "The token was decoded without verification: only a Poolhouse user pool's tokens are verified here."
                    .into(),
            ),
            untrusted,
        ));
    };
    let verified = verify_token(
        c,
        ctx,
        VerifyTokenRequest {
            token: token.clone(),
            jwks: None,
            key: None,
            secret: None,
            secret_encoding: None,
            user_pool_id: Some(pool_id),
            jwks_url: None,
            discover: None,
            expected_issuer: None,
            expected_client_id: None,
            expected_token_use: Some("id".into()),
            skew_seconds: None,
            now: Some(now),
        },
    );
    let v = match verified {
        Ok(v) => v,
        // Not a pool of this workspace (or its keys cannot be read): say so, decode only.
        Err(e) => {
            return Ok((
                unverified(format!(
                    "The token was decoded without verification: {}",
                    e.message
                )),
                None,
            ));
        }
    };
    let server_side_check = trusted_clients
        .iter()
        .any(|p| p.server_side_token_check == Some(true));
    let failed: Vec<&CheckType> = v
        .checks
        .iter()
        .filter(|k| k.result == "fail" && (k.name != "revoked" || server_side_check))
        .collect();
    let aud = claims.get("aud").and_then(Value::as_str);
    let client_trusted = trusted_clients
        .iter()
        .any(|p| p.client_id.is_none() || p.client_id.as_deref() == aud);
    let refused = if let Some(first) = failed.first() {
        Some(refusal(
            "NotAuthorizedException",
            "Invalid login token.",
            format!("the token's {} check failed: {}", first.name, first.reason),
        ))
    } else if !client_trusted {
        Some(refusal(
            "NotAuthorizedException",
            "Invalid login token. Incorrect token audience.",
            format!(
                "the token is for app client {}, which the identity pool does not trust",
                aud.unwrap_or("(none)")
            ),
        ))
    } else {
        None
    };
    let login = LoginCheckType {
        status: if refused.is_some() {
            "Refused"
        } else {
            "Verified"
        }
        .into(),
        note: if refused.is_some() {
            "The token was verified with the user pool's keys and would be refused.".into()
        } else {
            "The token was verified with the user pool's keys.".into()
        },
        checks: v.checks,
    };
    Ok((login, refused))
}

type CognitoProvider = domain::identity_pool::CognitoIdentityProvider;
