//! A user pool's sign-in through an OAuth 2.0 / OpenID Connect provider, the relying party's
//! half: the authorization code exchanged at the provider's token endpoint (RFC 6749 §4.1.3,
//! the client authenticated by `client_secret_post`, as Cognito does) and the user's
//! attributes read from its userInfo or attributes endpoint with the access token. The ID
//! token the exchange answers is checked by [`crate::Verifier::verify_id_token`].
//!
//! Every way a provider can fail is a [`Refusal`] naming its URL: unreachable or answering
//! something that is not a token response is `ExternalService`; a provider refusing the code
//! (`invalid_grant`, …) is `NotAuthorized` with its `error` and description.

use serde_json::{Map, Value};

use super::Refusal;
use super::http::{Fetch, Fetched, shown};

/// What a provider's token endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokens {
    pub id_token: Option<String>,
    pub access_token: Option<String>,
}

/// The client of the pool at the provider.
#[derive(Debug, Clone, Copy)]
pub struct RelyingParty<'a> {
    pub client_id: &'a str,
    /// `None` for a public client at the provider.
    pub client_secret: Option<&'a str>,
    /// The pool's `/oauth2/idpresponse`, exactly as the authorization request sent it.
    pub redirect_uri: &'a str,
}

/// The longest `error` or description of a provider repeated in a refusal.
const MAX_ECHO: usize = 200;

fn echo(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ECHO)
        .collect();
    clean
}

fn body_json(url: &str, fetched: &Fetched, what: &str) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice::<Value>(&fetched.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Refusal::ExternalService(format!(
            "The provider's {what} at {} answered HTTP {} with something that is not a JSON \
             object.",
            shown(url),
            fetched.status
        ))),
    }
}

/// How a provider's token endpoint is asked (Cognito's `token_request_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenMethod {
    /// A form POST (RFC 6749 §4.1.3): every provider but Facebook.
    Post,
    /// A GET with the parameters in the query: Facebook's Graph API
    /// `/oauth/access_token?client_id=…&redirect_uri=…&client_secret=…&code=…`.
    Get,
}

/// Exchanges `code` at `token_url` for the provider's tokens (`grant_type=authorization_code`,
/// `client_id` and `client_secret` in the body).
pub fn exchange_code(
    fetch: &dyn Fetch,
    token_url: &str,
    rp: &RelyingParty<'_>,
    code: &str,
) -> Result<ProviderTokens, Refusal> {
    exchange_code_with(fetch, token_url, rp, code, TokenMethod::Post)
}

/// [`exchange_code`], asked as `method` says: a GET sends `client_id`, `redirect_uri`,
/// `client_secret` and `code` in the query, as Facebook documents (no `grant_type`).
pub fn exchange_code_with(
    fetch: &dyn Fetch,
    token_url: &str,
    rp: &RelyingParty<'_>,
    code: &str,
    method: TokenMethod,
) -> Result<ProviderTokens, Refusal> {
    let unreachable = |e: super::http::Unreachable| {
        Refusal::ExternalService(format!("The provider's token endpoint at {e}"))
    };
    let fetched = match method {
        TokenMethod::Post => {
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", rp.redirect_uri),
                ("client_id", rp.client_id),
            ];
            if let Some(s) = rp.client_secret {
                form.push(("client_secret", s));
            }
            fetch
                .post_form(token_url, &form, None)
                .map_err(unreachable)?
        }
        TokenMethod::Get => {
            let mut pairs = vec![
                ("client_id", rp.client_id),
                ("redirect_uri", rp.redirect_uri),
            ];
            if let Some(s) = rp.client_secret {
                pairs.push(("client_secret", s));
            }
            pairs.push(("code", code));
            let mut url = url::Url::parse(token_url).map_err(|e| {
                Refusal::ExternalService(format!(
                    "The provider's token endpoint '{}' is not a URL: {e}",
                    shown(token_url)
                ))
            })?;
            url.query_pairs_mut().extend_pairs(&pairs);
            fetch.get(url.as_str()).map_err(unreachable)?
        }
    };
    let body = body_json(token_url, &fetched, "token endpoint")?;
    if let Some(error) = body.get("error").and_then(Value::as_str) {
        let description = body
            .get("error_description")
            .and_then(Value::as_str)
            .map(|d| format!(": {}", echo(d)))
            .unwrap_or_default();
        return Err(if (400..500).contains(&fetched.status) {
            Refusal::NotAuthorized(format!(
                "The provider refused the authorization code ({}{description}).",
                echo(error)
            ))
        } else {
            Refusal::ExternalService(format!(
                "The provider's token endpoint at {} failed (HTTP {}, {}{description}).",
                shown(token_url),
                fetched.status,
                echo(error)
            ))
        });
    }
    if fetched.status != 200 {
        return Err(Refusal::ExternalService(format!(
            "The provider's token endpoint at {} answered HTTP {}.",
            shown(token_url),
            fetched.status
        )));
    }
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let tokens = ProviderTokens {
        id_token: text("id_token"),
        access_token: text("access_token"),
    };
    if tokens.id_token.is_none() && tokens.access_token.is_none() {
        return Err(Refusal::ExternalService(format!(
            "The provider's token endpoint at {} answered no token.",
            shown(token_url)
        )));
    }
    Ok(tokens)
}

/// How the attributes endpoint is asked (`attributes_request_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributesMethod {
    Get,
    Post,
}

impl AttributesMethod {
    /// `GET` or `POST` (anything else reads as `GET`, the details' rule allowing only these).
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("POST") => Self::Post,
            _ => Self::Get,
        }
    }
}

/// The user's attributes at `url` (OIDC's userInfo, Facebook's Graph `/me`, Login with
/// Amazon's profile), asked with the provider's access token.
pub fn attributes(
    fetch: &dyn Fetch,
    url: &str,
    method: AttributesMethod,
    access_token: &str,
) -> Result<Map<String, Value>, Refusal> {
    let fetched = match method {
        AttributesMethod::Get => fetch.get_bearer(url, access_token),
        AttributesMethod::Post => fetch.post_form(url, &[], Some(access_token)),
    }
    .map_err(|e| Refusal::ExternalService(format!("The provider's attributes endpoint at {e}")))?;
    if fetched.status != 200 {
        return Err(Refusal::ExternalService(format!(
            "The provider's attributes endpoint at {} answered HTTP {}.",
            shown(url),
            fetched.status
        )));
    }
    body_json(url, &fetched, "attributes endpoint")
}

/// The provider's authorization URL for one sign-in: `base` (which may carry a query of its
/// own) with `pairs` added.
pub fn authorization_url(base: &str, pairs: &[(&str, &str)]) -> Result<String, Refusal> {
    let mut url = url::Url::parse(base).map_err(|e| {
        Refusal::ExternalService(format!(
            "The provider's authorization endpoint '{}' is not a URL: {e}",
            shown(base)
        ))
    })?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url.into())
}

/// How long a Sign in with Apple client secret made for one exchange lives (Apple allows up to
/// six months; one made per sign-in needs minutes).
pub const APPLE_SECRET_LIFETIME_S: i64 = 5 * 60;

/// Sign in with Apple's client secret for one code exchange: a JWT signed ES256 with the
/// team's private key (`private_key`, PEM), `kid` = `key_id`, `iss` = `team_id`, `sub` = the
/// client id (the Services ID), `aud` = Apple, valid for [`APPLE_SECRET_LIFETIME_S`].
pub fn apple_client_secret(
    team_id: &str,
    key_id: &str,
    client_id: &str,
    private_key: &str,
    now_s: i64,
) -> Result<String, Refusal> {
    let claims = serde_json::json!({
        "iss": team_id,
        "iat": now_s,
        "exp": now_s + APPLE_SECRET_LIFETIME_S,
        "aud": crate::social::APPLE,
        "sub": client_id,
    });
    tokens::inspect::sign_with_pem(private_key, key_id, &claims).map_err(|e| {
        Refusal::ExternalService(format!(
            "Sign in with Apple's client secret could not be made with the provider's \
             private_key: {e}"
        ))
    })
}
