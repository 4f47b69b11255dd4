//! The well-known routes: each user pool's JWKS and OpenID discovery document, and the
//! identity pools' (`/cognito-identity/.well-known/…`). A discovery document names the keys'
//! address under the workspace's issuer or at the address this server listens on, never the
//! request's `Host`, which a client chooses.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::{ApiError, Console, ErrorCode};

use crate::error_response;

/// The address this server is reached at, as the discovery document names it: the address
/// listened on, or 127.0.0.1 for all of them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listening(pub(crate) SocketAddr);

impl Listening {
    pub(crate) fn new(local: SocketAddr) -> Listening {
        let mut public = local;
        if local.ip().is_unspecified() {
            public.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        Listening(public)
    }
}

/// A JSON document for the well-known routes, or the error in Cognito's shape (404 for a pool
/// that does not exist).
fn document(result: Result<serde_json::Value, ApiError>) -> Response {
    match result {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            v.to_string(),
        )
            .into_response(),
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => {
            let mut r = error_response(&e);
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
        Err(e) => error_response(&e),
    }
}

/// The document `read` answers on the blocking pool (it reads the store); `what` names it when
/// the read itself fails.
async fn read_document(
    what: &str,
    read: impl FnOnce() -> Result<serde_json::Value, ApiError> + Send + 'static,
) -> Response {
    let result = tokio::task::spawn_blocking(read).await;
    document(result.unwrap_or_else(|_| {
        Err(ApiError::new(
            ErrorCode::InternalErrorException,
            format!("the {what} could not be read"),
        ))
    }))
}

/// A discovery document, never cached: the issuer can change with the workspace. Its keys are
/// at `jwks_path` under this server's address (127.0.0.1:9229 when it is not known).
async fn discovery(
    listening: Option<Extension<Listening>>,
    jwks_path: String,
    read: impl FnOnce(&str) -> Result<serde_json::Value, ApiError> + Send + 'static,
) -> Response {
    let at = listening.map_or_else(
        || SocketAddr::from((Ipv4Addr::LOCALHOST, 9229)),
        |Extension(Listening(a))| a,
    );
    let jwks_uri = format!("http://{at}{jwks_path}");
    let mut resp = read_document("configuration", move || read(&jwks_uri)).await;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `GET /{poolId}/.well-known/jwks.json`.
pub(crate) async fn jwks(State(console): State<Console>, Path(pool_id): Path<String>) -> Response {
    read_document("key set", move || console.jwks(&pool_id)).await
}

/// `GET /cognito-identity/.well-known/jwks_uri`: the keys of the identity pools' OpenID tokens
/// (the path is Cognito's: `https://cognito-identity.amazonaws.com/.well-known/jwks_uri`).
pub(crate) async fn identity_jwks(State(console): State<Console>) -> Response {
    read_document("key set", move || console.identity_jwks()).await
}

/// `GET /cognito-identity/.well-known/openid-configuration`: the identity pools' issuer and
/// where its keys are, under the workspace's issuer or at this server's address (never the
/// request's Host).
pub(crate) async fn identity_openid_configuration(
    State(console): State<Console>,
    listening: Option<Extension<Listening>>,
) -> Response {
    let path = "/cognito-identity/.well-known/jwks_uri".to_owned();
    discovery(listening, path, move |jwks_uri| {
        console.identity_openid_configuration(jwks_uri)
    })
    .await
}

/// `GET /{poolId}/.well-known/openid-configuration`, pointing at the JWKS under the workspace's
/// issuer, or at this server's address. Never at the request's Host, which a client chooses.
pub(crate) async fn openid_configuration(
    State(console): State<Console>,
    Path(pool_id): Path<String>,
    listening: Option<Extension<Listening>>,
) -> Response {
    let path = format!("/{pool_id}/.well-known/jwks.json");
    discovery(listening, path, move |jwks_uri| {
        console.openid_configuration(&pool_id, jwks_uri)
    })
    .await
}
