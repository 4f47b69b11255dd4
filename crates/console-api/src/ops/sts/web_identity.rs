//! What a web identity token proves, for `AssumeRoleWithWebIdentity`: the token is routed by
//! its (unverified) `iss` — this workspace's identity-pool issuer (GetOpenIdToken's tokens), or
//! an OIDC provider the workspace holds a record of — and verified through the console's
//! dispatch ([`Console::verify_identity_pool_token`], [`Console::verify_oidc_web_identity`]).
//! The answer carries what the role's trust policy is evaluated with: the `Federated`
//! principal and the request's condition keys.
//!
//! For an OIDC provider `<host/path>` (its record's name), the keys are IAM's: `<host/path>:aud`
//! (the token's `azp` when it has one, else its `aud`), `<host/path>:oaud` (the `aud` when `azp`
//! took `:aud`), `<host/path>:sub`, and `<host/path>:amr` when the token carries `amr`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use identity_pools::policy::{COGNITO_IDENTITY, Context, WebIdentity};
use identity_pools::trust::Refusal;
use serde_json::{Map, Value};

use crate::{ApiError, Console, ErrorCode};

/// A verified web identity token.
pub(super) struct WebIdentityToken {
    /// STS's `Provider`: the token's `iss`.
    pub issuer: String,
    /// The provider as a session's source names it: `cognito-identity.amazonaws.com`, or the
    /// OIDC provider's host and path.
    pub provider: String,
    /// The trust policy's `Federated` principal.
    pub principal: String,
    pub subject: String,
    pub audience: String,
    pub amr: Vec<String>,
    pub tags: Vec<(String, String)>,
    /// The trust policy's condition keys (and the session tags' `aws:RequestTag/…`).
    pub context: Context,
    /// Identity-pool tokens: the pool and the identity.
    pub identity: Option<(String, String)>,
}

fn str_claim(claims: &Map<String, Value>, name: &str) -> String {
    claims
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn list_claim(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The session tags a token carries (`https://aws.amazon.com/tags`.`principal_tags`, each tag a
/// one-value list).
fn token_tags(claims: &Map<String, Value>) -> Vec<(String, String)> {
    claims
        .get("https://aws.amazon.com/tags")
        .and_then(|t| t.get("principal_tags"))
        .and_then(|t| t.as_object())
        .map(|tags| {
            tags.iter()
                .filter_map(|(k, v)| {
                    let value = match v {
                        Value::Array(a) => a.first()?.as_str()?.to_string(),
                        Value::String(s) => s.clone(),
                        _ => return None,
                    };
                    Some((k.clone(), value))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The token's `iss`, read without trusting it (to route the token); empty when the token is
/// not a JWT.
fn unverified_issuer(token: &str) -> String {
    token
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
        .map(|c| str_claim(&c, "iss"))
        .unwrap_or_default()
}

fn field(mut e: ApiError) -> ApiError {
    e.field = Some("WebIdentityToken".into());
    e
}

/// Verifies the token and says what it proves.
pub(super) fn verify(c: &Console, token: &str) -> Result<WebIdentityToken, ApiError> {
    let iss = unverified_issuer(token);
    let own = c.identity_issuer()?;
    if iss.is_empty() || iss == own {
        return identity_pool_token(c, token, own);
    }
    let verified = c
        .verify_oidc_web_identity(token)
        .map_err(|r| field(refusal(r)))?
        .ok_or_else(|| {
            field(ApiError::new(
                ErrorCode::InvalidIdentityToken,
                format!("No OpenIDConnect provider found in your account for {iss}"),
            ))
        })?;
    let account = c.workspace()?.account_id.clone();
    let name = verified.provider;
    let claims = verified.claims;
    let audiences = list_claim(&claims, "aud");
    let azp = claims
        .get("azp")
        .and_then(Value::as_str)
        .map(str::to_string);
    let audience = azp
        .clone()
        .or_else(|| audiences.first().cloned())
        .unwrap_or_default();
    let amr = list_claim(&claims, "amr");
    let tags = token_tags(&claims);
    let mut context = Context::new()
        .with(&format!("{name}:aud"), &audience)
        .with(&format!("{name}:sub"), &verified.subject);
    if azp.is_some() {
        context.insert(&format!("{name}:oaud"), audiences.clone());
    }
    if !amr.is_empty() {
        context.insert(&format!("{name}:amr"), amr.clone());
    }
    add_tags(&mut context, &tags);
    Ok(WebIdentityToken {
        issuer: iss,
        principal: identity_pools::providers::oidc_arn(&account, &name),
        provider: name,
        subject: verified.subject,
        audience,
        amr,
        tags,
        context,
        identity: None,
    })
}

/// The session tags' request keys, as STS gives them to the trust policy.
fn add_tags(context: &mut Context, tags: &[(String, String)]) {
    if tags.is_empty() {
        return;
    }
    for (key, value) in tags {
        context.insert(&format!("aws:RequestTag/{key}"), vec![value.clone()]);
        context.insert(&format!("aws:PrincipalTag/{key}"), vec![value.clone()]);
    }
    context.insert("aws:TagKeys", tags.iter().map(|(k, _)| k.clone()).collect());
}

/// An identity-pool OpenID token (what GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity
/// answer): STS's `InvalidIdentityToken`, or `ExpiredTokenException` for an expired one.
fn identity_pool_token(
    c: &Console,
    token: &str,
    issuer: String,
) -> Result<WebIdentityToken, ApiError> {
    let claims = c.verify_identity_pool_token(token).map_err(field)?;
    let (sub, aud) = (str_claim(&claims, "sub"), str_claim(&claims, "aud"));
    let amr = list_claim(&claims, "amr");
    let identity = WebIdentity {
        identity_pool_id: aud.clone(),
        identity_id: sub.clone(),
        amr: amr.clone(),
        session_tags: token_tags(&claims),
    };
    Ok(WebIdentityToken {
        issuer,
        provider: COGNITO_IDENTITY.into(),
        principal: COGNITO_IDENTITY.into(),
        context: identity.context(),
        tags: identity.session_tags,
        identity: Some((aud.clone(), sub.clone())),
        subject: sub,
        audience: aud,
        amr,
    })
}

/// An OIDC token's refusal in STS's codes: `ExpiredTokenException` for an expired token,
/// `IDPCommunicationError` when the provider's keys could not be fetched, `InvalidIdentityToken`
/// for the rest.
fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::NotAuthorized(m) => {
            let m = m
                .strip_prefix("Invalid login token. ")
                .unwrap_or(&m)
                .to_string();
            let code = if m.starts_with("Token expired") {
                ErrorCode::ExpiredTokenException
            } else {
                ErrorCode::InvalidIdentityToken
            };
            ApiError::new(code, m)
        }
        Refusal::InvalidParameter(f) => ApiError::new(
            ErrorCode::InvalidIdentityToken,
            format!("{}: {}", f.field, f.reason),
        ),
        Refusal::ExternalService(m) => ApiError::new(ErrorCode::IdpCommunicationError, m),
    }
}
