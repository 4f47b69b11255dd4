//! `GET /logout`: ends the browser's session and goes to a registered `logout_uri` of the
//! client, or (with `redirect_uri` and `response_type` instead) back to the sign-in page. An
//! unregistered URI is an error page, never a redirect. A session that began with a SAML
//! provider with `IDPSignout` goes first to the provider's sign-out with a LogoutRequest, and
//! comes back through `/saml2/logout` ([`super::saml_logout`]) to the same end.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::Console;

use super::refused;
use super::{SESSION_COOKIE, Site, blocking, cookies, page, redirect, value};

pub(crate) async fn logout(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let bad = |m: &str| page::error_page(StatusCode::BAD_REQUEST, "Something went wrong", m);
    let Some(pairs) = super::form(query.as_deref().unwrap_or_default().as_bytes()) else {
        return bad("A parameter of the request is repeated.");
    };
    let Some(client_id) = value(&pairs, "client_id").map(str::to_string) else {
        return bad("The request is missing client_id.");
    };
    let logout_uri = value(&pairs, "logout_uri").map(str::to_string);
    let to_login =
        value(&pairs, "redirect_uri").is_some() && value(&pairs, "response_type").is_some();
    if logout_uri.is_none() && !to_login {
        return bad("The request needs logout_uri, or redirect_uri and response_type.");
    }
    let cookie = cookies(&headers).remove(SESSION_COOKIE);
    let pool_id = site.pool_id.clone();
    let login_query = query.clone().unwrap_or_default();
    // Where the sign-out ends (checked below before anything is ended).
    let then = match &logout_uri {
        Some(uri) => uri.clone(),
        None => format!("{}?{login_query}", site.path("/login")),
    };
    let end = then.clone();
    let checked = blocking(move || {
        match &logout_uri {
            Some(uri) => {
                // The client must be the pool's and the URI one of its LogoutURLs, exactly.
                match console.logout_urls(&pool_id, &client_id)? {
                    Some(urls) if urls.iter().any(|u| u == uri) => {}
                    Some(_) => {
                        return Ok(Err(
                            "logout_uri is not one of the app client's sign-out URLs.".to_string(),
                        ));
                    }
                    None => return Ok(Err("client_id is not a client of this user pool.".into())),
                }
            }
            None => {
                let req = super::authorize::request_of(Some(&login_query)).unwrap_or_default();
                if let Err(r) = console.oauth_check(&pool_id, &req)? {
                    return Ok(Ok(Err(r)));
                }
            }
        }
        // The session ends here; a SAML provider that signs out answers where to go first.
        let at_provider = console.hosted_sign_out(&pool_id, cookie.as_deref(), &end)?;
        Ok(Ok(Ok(at_provider)))
    })
    .await;
    let clear = vec![site.cookie(SESSION_COOKIE, "", 0)];
    match checked {
        Ok(Ok(Ok(Some(provider)))) => redirect(&provider, &clear),
        Ok(Ok(Ok(None))) => redirect(&then, &clear),
        Ok(Ok(Err(refusal))) => refused(&refusal),
        Ok(Err(message)) => bad(&message),
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
