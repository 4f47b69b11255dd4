//! `GET/POST /oauth2/userInfo`: the user's attributes that the bearer access token's scopes
//! release (it must carry `openid`). A missing or bad token is a 401 with RFC 6750's
//! `WWW-Authenticate: Bearer`; a token without `openid` a 403 `insufficient_scope`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use console_api::Console;
use console_api::hosted::{OAuthCode, OAuthError};

use super::{Site, blocking, failure_json, json, oauth_error};

fn bearer_challenge(mut resp: Response, e: &OAuthError) -> Response {
    let value = format!("Bearer error=\"{}\"", e.code.as_str());
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

pub(crate) async fn userinfo(
    State(console): State<Console>,
    site: Site,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        let e = OAuthError::new(
            OAuthCode::InvalidToken,
            "an access token is required (Authorization: Bearer)",
        );
        return bearer_challenge(oauth_error(&e), &e);
    };
    match blocking(move || console.oauth_userinfo(&site.pool_id, &token)).await {
        Ok(Ok(claims)) => json(StatusCode::OK, &serde_json::Value::Object(claims)),
        Ok(Err(e)) => bearer_challenge(oauth_error(&e), &e),
        Err(e) => failure_json(&e),
    }
}
