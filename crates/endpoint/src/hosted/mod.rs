//! The hosted sign-in pages and the OAuth 2.0 / OIDC endpoints of each user pool, with
//! Cognito's paths: `/oauth2/authorize`, `/login`, `/logout`, `/signup`, `/confirmUser`,
//! `/forgotPassword`, `/confirmForgotPassword`, `/mfaSetup`, `/oauth2/token`,
//! `/oauth2/userInfo`, `/oauth2/revoke`, `/oauth2/idpresponse`, `/saml2/idpresponse`,
//! `/saml2/logout` (and the pool's SAML SP metadata at `/saml2/metadata`). A pool is served on its domains
//! (`<prefix>.auth.localhost:<port>`, custom domains: the [`DomainHost`] the host check found)
//! and under `/<poolId>/…` at the listening address, for clients that cannot resolve
//! `*.localhost`. One module per route; the HTML is in `page`. Everything that decides is in
//! `console_api::hosted` and the engine: these modules only read requests and write answers.
//!
//! Browser state: a session cookie (the sign-in, sealed under the master key and bound to the
//! pool) and a CSRF cookie whose form token only this store can make. Both are `HttpOnly`,
//! `SameSite=Lax` and scoped to the pool's path (`/` on its domain, `/<poolId>/` otherwise).

mod authorize;
mod challenge;
mod forgot;
mod idpresponse;
mod login;
mod logout;
mod mfa_setup;
pub(crate) mod page;
mod pages;
mod providers;
mod revoke;
mod saml;
mod saml_logout;
mod signup;
mod token;
mod userinfo;

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use console_api::hosted::Refusal;
use console_api::{ApiError, Console, ErrorCode};

use crate::hosts::DomainHost;

/// The largest form or token request body accepted (a sign-in form is a few hundred bytes).
pub(crate) const MAX_FORM: usize = 16 * 1024;

/// How long the session cookie lasts in the browser (the session's own expiry is sealed in it).
pub(crate) const SESSION_MAX_AGE_SECS: i64 = console_api::hosted::SESSION_LIFETIME_MS / 1000;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "poolhouse-session";
/// The CSRF cookie's name (Cognito's hosted UI uses the same).
pub(crate) const CSRF_COOKIE: &str = "XSRF-TOKEN";
/// The form field carrying the CSRF form token (as Cognito's forms name it).
pub(crate) const CSRF_FIELD: &str = "_csrf";

/// The hosted pages' Content-Security-Policy: no script, no request to anything else but the
/// branding's logo on this server, styles only inline (the page's own and its branding as the
/// core rewrote it), not framed.
pub(crate) const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; \
    img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/// The pool a request reached and how its pages link to each other: on the pool's domain
/// (`base` empty) or under `/<poolId>` at the listening address.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) pool_id: String,
    pub(crate) base: String,
}

impl Site {
    /// The path of one of the pool's routes (`/login` → `/us-east-1_x/login`).
    pub(crate) fn path(&self, route: &str) -> String {
        format!("{}{route}", self.base)
    }

    /// The `Path` attribute of the pool's cookies.
    pub(crate) fn cookie_path(&self) -> String {
        format!("{}/", self.base)
    }

    /// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, scoped to the pool; `max_age` in
    /// seconds (0 clears it).
    pub(crate) fn cookie(&self, name: &str, value: &str, max_age: i64) -> String {
        format!(
            "{name}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax",
            self.cookie_path()
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Site {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Site, Response> {
        if let Ok(Path(params)) =
            Path::<HashMap<String, String>>::from_request_parts(parts, state).await
            && let Some(id) = params.get("pool_id")
        {
            if !console_api::hosted::is_pool_id(id) {
                return Err(not_found());
            }
            return Ok(Site {
                pool_id: id.clone(),
                base: format!("/{id}"),
            });
        }
        match parts.extensions.get::<DomainHost>() {
            Some(d) => Ok(Site {
                pool_id: d.user_pool_id.clone(),
                base: String::new(),
            }),
            None => Err(not_found()),
        }
    }
}

/// The peer's address, as the auth events record it.
pub(crate) fn peer_ip(peer: Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    peer.map_or_else(
        || "unknown".into(),
        |Extension(ConnectInfo(p))| p.ip().to_string(),
    )
}

fn not_found() -> Response {
    page::error_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "This page does not exist on this server.",
    )
}

/// The hosted routes, on a pool's domain and under `/{pool_id}`.
pub(crate) fn routes() -> Router<Console> {
    let one = |r: Router<Console>, prefix: &str| {
        r.route(
            &format!("{prefix}/oauth2/authorize"),
            get(authorize::authorize),
        )
        .route(
            &format!("{prefix}/login"),
            get(login::show).post(login::submit),
        )
        .route(&format!("{prefix}/logout"), get(logout::logout))
        // The pages beyond sign-in (signup.rs, forgot.rs, mfa_setup.rs).
        .route(
            &format!("{prefix}/signup"),
            get(signup::show).post(signup::submit),
        )
        .route(
            &format!("{prefix}/confirmUser"),
            get(signup::show_confirm).post(signup::submit_confirm),
        )
        .route(
            &format!("{prefix}/forgotPassword"),
            get(forgot::show).post(forgot::submit),
        )
        .route(
            &format!("{prefix}/confirmForgotPassword"),
            get(forgot::show_confirm).post(forgot::submit_confirm),
        )
        .route(&format!("{prefix}/mfaSetup"), post(mfa_setup::submit))
        .route(&format!("{prefix}/oauth2/token"), post(token::token))
        .route(
            &format!("{prefix}/oauth2/userInfo"),
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route(&format!("{prefix}/oauth2/revoke"), post(revoke::revoke))
        .route(
            &format!("{prefix}/oauth2/idpresponse"),
            get(idpresponse::get).post(idpresponse::post),
        )
    };
    let r = one(Router::new(), "");
    // The SAML assertion consumer takes larger bodies (its handler bounds them itself).
    let saml = |r: Router<Console>, prefix: &str| {
        r.route(
            &format!("{prefix}/saml2/idpresponse"),
            post(saml::idpresponse),
        )
        .route(&format!("{prefix}/saml2/metadata"), get(saml::metadata))
        .route(
            &format!("{prefix}/saml2/logout"),
            get(saml_logout::get).post(saml_logout::post),
        )
    };
    let saml_routes = saml(saml(Router::new(), ""), "/{pool_id}");
    one(r, "/{pool_id}")
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .merge(saml_routes)
}

/// The CSRF cookie of the browser, or a new one to set.
pub(crate) fn csrf_cookie(headers: &HeaderMap) -> (String, bool) {
    match cookies(headers).remove(CSRF_COOKIE) {
        Some(c) if (16..=256).contains(&c.len()) => (c, false),
        _ => (new_csrf_cookie(), true),
    }
}

/// A fresh random CSRF cookie value (32 bytes, base64url).
fn new_csrf_cookie() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The cookies of a request, by name (the first of each name).
pub(crate) fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for v in headers.get_all(header::COOKIE) {
        let Ok(text) = v.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                out.entry(k.to_string()).or_insert_with(|| v.to_string());
            }
        }
    }
    out
}

/// A form body (or query string) as pairs; `None` when a name repeats (RFC 6749 §3.1: request
/// parameters must not be included more than once).
pub(crate) fn form(body: &[u8]) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let mut seen = std::collections::HashSet::new();
    for (k, _) in &pairs {
        if !seen.insert(k.as_str()) {
            return None;
        }
    }
    Some(pairs)
}

/// The value of `name` among `pairs`.
pub(crate) fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The answer to an authorize request that is refused.
pub(crate) fn refused(refusal: &Refusal) -> Response {
    match (refusal, refusal.location()) {
        (_, Some(location)) => redirect(&location, &[]),
        (Refusal::Page(message), None) => {
            page::error_page(StatusCode::BAD_REQUEST, "Something went wrong", message)
        }
        (Refusal::Redirect { .. }, None) => page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "The request could not be completed.",
        ),
    }
}

/// A 302 to `location`, never cached, with cookies to set.
pub(crate) fn redirect(location: &str, set_cookies: &[String]) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// Runs a console call on the blocking pool (it reads the store, hashes or signs).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        Err(ApiError::new(
            ErrorCode::InternalErrorException,
            "the request could not be completed",
        ))
    })
}

/// An OAuth JSON answer (`application/json`, never cached).
pub(crate) fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// An OAuth error as JSON, with its status (RFC 6749 §5.2).
pub(crate) fn oauth_error(e: &console_api::hosted::OAuthError) -> Response {
    let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    json(
        status,
        &serde_json::json!({"error": e.code.as_str(), "error_description": e.description}),
    )
}

/// A failure of the store or the keys as OAuth's `server_error` in JSON; a missing pool is a
/// 404.
pub(crate) fn failure_json(e: &ApiError) -> Response {
    let status = if e.code == ErrorCode::ResourceNotFoundException {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let code = if status == StatusCode::NOT_FOUND {
        "invalid_request"
    } else {
        "server_error"
    };
    json(
        status,
        &serde_json::json!({"error": code, "error_description": e.message}),
    )
}
