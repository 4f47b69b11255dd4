//! `POST /oauth2/token`: the `authorization_code`, `refresh_token` and `client_credentials`
//! grants, the client authenticated by HTTP Basic or by `client_id`/`client_secret` in the
//! form. Errors are RFC 6749's JSON (`invalid_client` is a 401 with `WWW-Authenticate`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use console_api::Console;
use console_api::hosted::{OAuthCode, OAuthError, TokenRequest};

use super::{Site, blocking, failure_json, json, oauth_error, value};

/// One part of HTTP Basic client credentials, form-decoded (RFC 6749 §2.3.1).
fn form_decoded(part: &str) -> String {
    form_urlencoded::parse(format!("v={part}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `Authorization: Basic` as (client id, secret); `Err` when the header is there but is not
/// Basic credentials; `Ok(None)` without one.
pub(crate) fn basic(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || {
        OAuthError::new(
            OAuthCode::InvalidClient,
            "the Authorization header is not HTTP Basic client credentials",
        )
    };
    let text = v.to_str().map_err(|_| bad())?;
    let Some((scheme, b64)) = text.split_once(' ') else {
        return Err(bad());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad());
    }
    let decoded = STANDARD.decode(b64.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    Ok(Some((form_decoded(id), form_decoded(secret))))
}

/// The form of a token or revocation request: `application/x-www-form-urlencoded`, each
/// member once.
pub(crate) fn token_form(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, OAuthError> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(OAuthError::new(
            OAuthCode::InvalidRequest,
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    super::form(body).ok_or_else(|| {
        OAuthError::new(
            OAuthCode::InvalidRequest,
            "a parameter of the request is repeated",
        )
    })
}

/// An `invalid_client` answer with the challenge RFC 6749 asks for when Basic was used.
pub(crate) fn with_challenge(mut resp: Response, code: OAuthCode, used_basic: bool) -> Response {
    if code == OAuthCode::InvalidClient && used_basic {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"oauth2\""),
        );
    }
    resp
}

pub(crate) async fn token(
    State(console): State<Console>,
    site: Site,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs = match token_form(&headers, &body) {
        Ok(p) => p,
        Err(e) => return oauth_error(&e),
    };
    let basic = match basic(&headers) {
        Ok(b) => b,
        Err(e) => return with_challenge(oauth_error(&e), e.code, true),
    };
    let used_basic = basic.is_some();
    let answer = blocking(move || {
        let g = |n: &str| value(&pairs, n);
        let req = TokenRequest {
            grant_type: g("grant_type"),
            code: g("code"),
            redirect_uri: g("redirect_uri"),
            code_verifier: g("code_verifier"),
            refresh_token: g("refresh_token"),
            scope: g("scope"),
            client_id: g("client_id"),
            client_secret: g("client_secret"),
            basic: basic.as_ref().map(|(i, s)| (i.as_str(), s.as_str())),
        };
        console.oauth_token(&site.pool_id, &req)
    })
    .await;
    match answer {
        Ok(Ok(t)) => {
            let mut body = serde_json::json!({
                "access_token": t.access_token,
                "expires_in": t.expires_in,
                "token_type": "Bearer",
            });
            if let Some(id) = t.id_token {
                body["id_token"] = id.into();
            }
            if let Some(r) = t.refresh_token {
                body["refresh_token"] = r.into();
            }
            json(StatusCode::OK, &body)
        }
        Ok(Err(e)) => with_challenge(oauth_error(&e), e.code, used_basic),
        Err(e) => failure_json(&e),
    }
}
