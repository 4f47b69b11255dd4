//! `/saml2/logout`: where a SAML provider sends the browser back after the sign-out `/logout`
//! started there (its `LogoutResponse`, which Cognito takes over the HTTP-POST binding only).
//! A response that checks out sends the browser on to the sign-out's end (the registered
//! `logout_uri`, or the sign-in page); any other answer is an error page without a redirect.
//! An IdP-initiated `LogoutRequest` is refused: Cognito takes none. Everything that decides is
//! `console_api::hosted`'s (`saml_logout.rs`).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use console_api::Console;

use super::saml::MAX_SAML_FORM;
use super::{Site, blocking, page, redirect, value};

/// This pool's `/saml2/logout` as the browser reaches it (the Host the request came to and the
/// pool's path): what the response's `Destination` must name.
fn slo_url(headers: &HeaderMap, site: &Site) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{}", site.path("/saml2/logout"))
}

fn bad_request(message: &str) -> Response {
    page::error_page(StatusCode::BAD_REQUEST, "Something went wrong", message)
}

const NO_IDP_INITIATED: &str = "This user pool does not take a SAML LogoutRequest from an \
    identity provider (IdP-initiated sign-out): as with Amazon Cognito, only the \
    LogoutResponse to a sign-out started at /logout comes here.";

/// `POST /saml2/logout`: the IdP's `LogoutResponse` and the `RelayState` it was given.
pub(crate) async fn post(
    State(console): State<Console>,
    site: Site,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_SAML_FORM).await else {
        return page::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Something went wrong",
            "The SAML message is too large: a SAMLResponse is at most 100,000 characters.",
        );
    };
    let Some(pairs) = super::form(&bytes) else {
        return bad_request("A parameter of the request is repeated.");
    };
    if value(&pairs, "SAMLRequest").is_some() {
        return bad_request(NO_IDP_INITIATED);
    }
    let Some(response) = value(&pairs, "SAMLResponse").filter(|r| !r.is_empty()) else {
        return bad_request("The request is missing SAMLResponse.");
    };
    let relay = value(&pairs, "RelayState")
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let response = response.to_owned();
    let slo = slo_url(&headers, &site);
    let pool_id = site.pool_id.clone();
    let answer =
        blocking(move || console.saml_logout_response(&pool_id, &slo, &response, relay.as_deref()))
            .await;
    match answer {
        Ok(Ok(location)) => redirect(&location, &[]),
        Ok(Err(message)) => bad_request(&message),
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}

/// `GET /saml2/logout`: the HTTP-Redirect binding, which Cognito does not take here (a
/// LogoutResponse must be POSTed; a LogoutRequest is IdP-initiated).
pub(crate) async fn get(RawQuery(query): RawQuery) -> Response {
    let pairs = super::form(query.as_deref().unwrap_or_default().as_bytes()).unwrap_or_default();
    if value(&pairs, "SAMLRequest").is_some() {
        return bad_request(NO_IDP_INITIATED);
    }
    let mut resp = page::error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Something went wrong",
        "The identity provider must POST its LogoutResponse to /saml2/logout (the HTTP-POST \
         binding); the HTTP-Redirect binding is not taken here.",
    );
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    resp
}
