//! `GET /oauth2/authorize`: checks the request against its client; a browser with a live
//! session goes straight back with a code (or implicit tokens) unless `prompt=login`; without
//! one it goes to `/login` with the same parameters, or back with `login_required` when
//! `prompt=none`.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::Console;
use console_api::hosted::{AuthorizeRequest, OAuthCode, OAuthError, Prompt, Refusal};

use super::{SESSION_COOKIE, Site, blocking, cookies, page, redirect, refused};

/// The cookie that ties a sign-in through another provider to the browser that started it:
/// the state sent to the provider carries its value's digest.
pub(crate) const BINDING_COOKIE: &str = "poolhouse-federation";
/// How long the binding cookie lasts (as long as the state).
pub(crate) const BINDING_MAX_AGE_SECS: i64 =
    console_api::hosted::FEDERATION_STATE_LIFETIME_MS / 1000;

/// A fresh random binding cookie value (32 bytes, base64url).
pub(crate) fn new_binding_cookie() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// This pool's `/oauth2/idpresponse` as the request reached it: on its domain, or under
/// `/<poolId>` at the address the browser used (the Host the host check let through). Served
/// over plain HTTP, as every hosted page is.
pub(crate) fn idpresponse_url(site: &Site, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{}", site.path("/oauth2/idpresponse"))
}

/// The request's parameters from a query string; `None` if a name repeats.
pub(crate) fn request_of(query: Option<&str>) -> Option<AuthorizeRequest> {
    let pairs = super::form(query.unwrap_or_default().as_bytes())?;
    Some(AuthorizeRequest::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

pub(crate) async fn authorize(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(req) = request_of(query.as_deref()) else {
        return page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "A parameter of the request is repeated.",
        );
    };
    let cookie = cookies(&headers).remove(SESSION_COOKIE);
    let acs = super::saml::acs_url(&headers, &site);
    let pool_id = site.pool_id.clone();
    let bind_cookie = new_binding_cookie();
    let idpresponse = idpresponse_url(&site, &headers);
    let bind = bind_cookie.clone();
    let answer = blocking(move || {
        let bind_cookie = bind;
        let a = match console.oauth_check(&pool_id, &req)? {
            Ok(a) => a,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if super::saml::is_saml(&a) {
            return Ok(super::saml::start(&console, &pool_id, &a, &req, &acs)?
                .map(|to| to.map(|location| (location, false))));
        }
        if a.provider.is_some() {
            let binding = console_api::hosted::binding_of(&bind_cookie);
            return Ok(
                match console.federation_start(&pool_id, &a, &req, &idpresponse, &binding)? {
                    Ok(location) => Ok(Some((location, true))),
                    Err(refusal) => Err(refusal),
                },
            );
        }
        let session = match (&cookie, a.prompt) {
            (Some(c), None | Some(Prompt::None)) => console.hosted_session(&pool_id, c)?,
            _ => None,
        };
        match session {
            Some(s) => Ok(Ok(Some((
                console.oauth_authorize_signed_in(&a, &s)?,
                false,
            )))),
            None if a.prompt == Some(Prompt::None) => Ok(Err(Refusal::Redirect {
                redirect_uri: a.redirect_uri.clone(),
                error: OAuthError::new(OAuthCode::LoginRequired, "the user is not signed in"),
                state: a.state.clone(),
            })),
            None => Ok(Ok(None)),
        }
    })
    .await;
    match answer {
        Ok(Ok(Some((location, false)))) => redirect(&location, &[]),
        Ok(Ok(Some((location, true)))) => redirect(
            &location,
            &[site.cookie(BINDING_COOKIE, &bind_cookie, BINDING_MAX_AGE_SECS)],
        ),
        Ok(Ok(None)) => {
            let q = query.unwrap_or_default();
            redirect(&format!("{}?{q}", site.path("/login")), &[])
        }
        Ok(Err(refusal)) => refused(&refusal),
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
