//! `/oauth2/idpresponse`: where an OIDC or social provider sends the browser back. The state
//! is opened and tied to the browser by its binding cookie, the app's request is checked
//! again, and the rest — the provider's error back to the app, the code exchange, the ID
//! token, the attributes, the federated user, the session — is `Console::federation_finish`.
//!
//! A provider that answers with `response_mode=form_post` (Sign in with Apple) POSTs here
//! from its own site: such a POST carries no `SameSite=Lax` cookie, so its fields are sealed
//! and the browser is sent (303) to a GET of this page, a top-level navigation that carries
//! the binding cookie.

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use console_api::Console;
use console_api::hosted::{FederationOutcome, ProviderAnswer};

use super::authorize::{BINDING_COOKIE, idpresponse_url};
use super::refused;
use super::{SESSION_COOKIE, Site, blocking, cookies, form, page, peer_ip, redirect, value};

/// The parameter of the GET that carries a sealed posted answer.
const POSTED: &str = "posted";

fn repeated() -> Response {
    page::error_page(
        StatusCode::BAD_REQUEST,
        "Something went wrong",
        "A parameter of the identity provider's answer is repeated.",
    )
}

pub(crate) async fn get(
    State(console): State<Console>,
    site: Site,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(mut fields) = form(query.unwrap_or_default().as_bytes()) else {
        return repeated();
    };
    if let Some(sealed) = value(&fields, POSTED) {
        match console.open_posted_answer(&site.pool_id, sealed) {
            Some(f) => fields = f,
            None => {
                return page::error_page(
                    StatusCode::BAD_REQUEST,
                    "Something went wrong",
                    "The identity provider's answer expired or was not made here. Go back to \
                     the app and sign in again.",
                );
            }
        }
    }
    let cookie = cookies(&headers).remove(BINDING_COOKIE);
    let idpresponse = idpresponse_url(&site, &headers);
    let pool_id = site.pool_id.clone();
    let ip = peer_ip(peer);
    let c = console.clone();
    let outcome = blocking(move || {
        let answer = ProviderAnswer {
            state: value(&fields, "state"),
            code: value(&fields, "code"),
            error: value(&fields, "error"),
            error_description: value(&fields, "error_description"),
            user: value(&fields, "user"),
        };
        c.federation_finish(&ip, &pool_id, &answer, cookie.as_deref(), &idpresponse)
    })
    .await;
    // The binding is used up by any answer that opened its state: the same answer cannot be
    // replayed from this browser.
    let clear = site.cookie(BINDING_COOKIE, "", 0);
    match outcome {
        Ok(FederationOutcome::SignedIn {
            location,
            session_cookie,
        }) => redirect(
            &location,
            &[
                site.cookie(SESSION_COOKIE, &session_cookie, super::SESSION_MAX_AGE_SECS),
                clear,
            ],
        ),
        Ok(FederationOutcome::Refused(r)) => {
            let mut resp = refused(&r);
            if let Ok(v) = HeaderValue::from_str(&clear) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Ok(FederationOutcome::Page {
            status,
            title,
            message,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut resp = page::error_page(status, &title, &message);
            if status != StatusCode::BAD_REQUEST
                && status != StatusCode::FORBIDDEN
                && let Ok(v) = HeaderValue::from_str(&clear)
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}

/// A provider's `response_mode=form_post` answer: sealed, and on to the GET.
pub(crate) async fn post(State(console): State<Console>, site: Site, body: Bytes) -> Response {
    let Some(fields) = form(&body) else {
        return repeated();
    };
    let kept: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| {
            matches!(
                k.as_str(),
                "state" | "code" | "error" | "error_description" | "user"
            )
        })
        .collect();
    match console.seal_posted_answer(&site.pool_id, &kept) {
        Ok(sealed) => {
            let location = format!("{}?{POSTED}={sealed}", site.path("/oauth2/idpresponse"));
            let mut resp = redirect(&location, &[]);
            *resp.status_mut() = StatusCode::SEE_OTHER;
            resp
        }
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
