//! `GET /oauth2/authorize`: checks the request against its client; a browser with a live
//! session goes straight back with a code (or implicit tokens) unless `prompt=login`; without
//! one it goes to `/login` with the same parameters, or back with `login_required` when
//! `prompt=none`.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::Console;
use console_api::hosted::{AuthorizeRequest, OAuthCode, OAuthError, Prompt, Refusal};

use super::{SESSION_COOKIE, Site, blocking, cookies, page, redirect};

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
    let answer = blocking(move || {
        let a = match console.oauth_check(&pool_id, &req)? {
            Ok(a) => a,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if super::saml::is_saml(&a) {
            return super::saml::start(&console, &pool_id, &a, &req, &acs);
        }
        if let Some(p) = &a.provider {
            return Ok(Err(Refusal::Redirect {
                redirect_uri: a.redirect_uri.clone(),
                error: OAuthError::new(
                    OAuthCode::InvalidRequest,
                    format!("sign-in through {} is not available yet", p.name),
                ),
                state: a.state.clone(),
            }));
        }
        let session = match (&cookie, a.prompt) {
            (Some(c), None | Some(Prompt::None)) => console.hosted_session(&pool_id, c)?,
            _ => None,
        };
        match session {
            Some(s) => Ok(Ok(Some(console.oauth_authorize_signed_in(&a, &s)?))),
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
        Ok(Ok(Some(location))) => redirect(&location, &[]),
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
