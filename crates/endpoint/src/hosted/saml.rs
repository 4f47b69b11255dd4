//! The pool as a SAML service provider: `POST /saml2/idpresponse` (the assertion consumer:
//! an IdP's response, SP- or IdP-initiated, ends in the hosted session cookie and the app's
//! redirect, as `/login` ends) and `GET /saml2/metadata` (the SP metadata an IdP is configured
//! with: entity id `urn:amazon:cognito:sp:<poolId>` and this ACS URL). The SP-initiated start
//! is `/oauth2/authorize`'s ([`start`]). Everything that decides is `console_api::hosted`'s.
//!
//! The IdP's POST is cross-site, so no `SameSite=Lax` cookie comes with it: the sign-in it
//! answers is told by the sealed `RelayState`, not by a cookie. The session cookie set on the
//! answer is kept by the browser (SameSite governs sending, and this is a top-level
//! navigation) and sent on the next visit to the pool's pages.

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::Console;
use console_api::hosted::{AuthorizeRequest, Authorized, Refusal};

use super::refused;
use super::{SESSION_COOKIE, Site, blocking, page, peer_ip, redirect, value};

/// The largest `/saml2/idpresponse` body: a SAMLResponse is at most 100,000 characters
/// (Cognito's bound), which form encoding may grow (`+`, `/` and `=` take three each), beside
/// the RelayState.
pub(crate) const MAX_SAML_FORM: usize = 320 * 1024;

/// This pool's assertion consumer URL as the browser reaches it (the Host the request came
/// to, which the host check admitted, and the pool's path).
pub(crate) fn acs_url(headers: &HeaderMap, site: &Site) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{}", site.path("/saml2/idpresponse"))
}

/// SP-initiated sign-in for an authorized request naming a SAML provider: the IdP's SSO URL
/// with the AuthnRequest, or the refusal.
pub(crate) fn start(
    console: &Console,
    pool_id: &str,
    a: &Authorized,
    req: &AuthorizeRequest,
    acs_url: &str,
) -> Result<Result<Option<String>, Refusal>, console_api::ApiError> {
    Ok(console.saml_start(pool_id, a, req, acs_url)?.map(Some))
}

/// Whether a provider is a SAML one (the authorize route's branch).
pub(crate) fn is_saml(a: &Authorized) -> bool {
    a.provider
        .as_ref()
        .is_some_and(|p| p.provider_type == console_api::hosted::SAML)
}

fn bad_request(message: &str) -> Response {
    page::error_page(StatusCode::BAD_REQUEST, "Something went wrong", message)
}

/// `POST /saml2/idpresponse`.
pub(crate) async fn idpresponse(
    State(console): State<Console>,
    site: Site,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_SAML_FORM).await else {
        return page::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Something went wrong",
            "The SAML response is too large: a SAMLResponse is at most 100,000 characters.",
        );
    };
    let Some(pairs) = super::form(&bytes) else {
        return bad_request("A parameter of the request is repeated.");
    };
    let Some(response) = value(&pairs, "SAMLResponse").filter(|r| !r.is_empty()) else {
        return bad_request("The request is missing SAMLResponse.");
    };
    let relay = value(&pairs, "RelayState").filter(|r| !r.is_empty());
    // An IdP-initiated sign-in's RelayState holds the authorize request's parameters.
    let unsolicited = relay
        .and_then(|r| super::form(r.as_bytes()))
        .map(|p| AuthorizeRequest::from_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
        .filter(|r| r.client_id.is_some());
    let (response, relay) = (response.to_owned(), relay.map(str::to_owned));
    let acs = acs_url(&headers, &site);
    let ip = peer_ip(peer);
    let pool_id = site.pool_id.clone();
    let answer = blocking(move || {
        console.saml_response(
            &ip,
            &pool_id,
            &acs,
            &response,
            relay.as_deref(),
            unsolicited.as_ref(),
        )
    })
    .await;
    match answer {
        Ok(Ok(signed_in)) => redirect(
            &signed_in.location,
            &[site.cookie(
                SESSION_COOKIE,
                &signed_in.session_cookie,
                super::SESSION_MAX_AGE_SECS,
            )],
        ),
        Ok(Err(refusal)) => refused(&refusal),
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}

/// `GET /saml2/metadata`: the pool's SP metadata, naming the ACS URL as this request reached
/// the pool.
pub(crate) async fn metadata(
    State(console): State<Console>,
    site: Site,
    headers: HeaderMap,
) -> Response {
    let acs = acs_url(&headers, &site);
    let pool_id = site.pool_id.clone();
    match blocking(move || console.saml_sp_metadata(&pool_id, &[acs])).await {
        Ok(Some(xml)) => {
            let mut resp = (StatusCode::OK, xml).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/samlmetadata+xml"),
            );
            resp
        }
        Ok(None) => page::error_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "This user pool does not exist.",
        ),
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
