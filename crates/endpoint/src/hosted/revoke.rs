//! `POST /oauth2/revoke` (RFC 7009): revokes a refresh token and every token of its sign-in;
//! the client authenticates as at the token endpoint. An unknown token is a success.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use console_api::Console;
use console_api::hosted::TokenRequest;

use super::token::{basic, token_form, with_challenge};
use super::{Site, blocking, failure_json, oauth_error, value};

pub(crate) async fn revoke(
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
        let auth = TokenRequest {
            client_id: value(&pairs, "client_id"),
            client_secret: value(&pairs, "client_secret"),
            basic: basic.as_ref().map(|(i, s)| (i.as_str(), s.as_str())),
            ..TokenRequest::default()
        };
        console.oauth_revoke(&site.pool_id, value(&pairs, "token"), &auth)
    })
    .await;
    match answer {
        Ok(Ok(())) => StatusCode::OK.into_response(),
        Ok(Err(e)) => with_challenge(oauth_error(&e), e.code, used_basic),
        Err(e) => failure_json(&e),
    }
}
