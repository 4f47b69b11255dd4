//! Poolhouse's local endpoint: `POST /` with `X-Amz-Target: <Service>.<Operation>` and a JSON 1.1
//! body, answered in Cognito's shapes and error bodies (`__type`, `message`), so any AWS SDK can
//! point at it. Admin operations may be SigV4-signed; a workspace can require that the signature
//! verifies against an access key it holds. With `--ui`, it also serves the console's web build,
//! which then reaches the core through this same endpoint.
//!
//! The only user of axum. It dispatches through `console_api::Console::dispatch_json`, so it
//! cannot drift from the operation list.

mod sigv4;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use console_api::ops::{self, Service};
use console_api::{Actor, ApiError, Console, ErrorCode};

/// Largest request body accepted (Cognito's own limit is far lower for most operations).
const MAX_BODY: usize = 1024 * 1024;

/// The JSON content type of the protocol.
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the endpoint stopped: {0}")]
    Serve(std::io::Error),
    /// The UI directory has no index.html.
    #[error("{0} does not hold a built console (index.html is missing); run `make ui`")]
    NoUi(PathBuf),
}

/// Builds the router: `POST /` for operations, `GET /health`, and the console's files.
pub fn router(console: Console, ui: Option<PathBuf>) -> Router {
    let root = match &ui {
        // GET / is the console's index.html; POST / is an operation.
        Some(dir) => post(operation).get_service(tower_http::services::ServeDir::new(dir)),
        None => post(operation).get(|| async { "Poolhouse endpoint. POST / with X-Amz-Target." }),
    };
    let api = Router::new()
        .route("/", root)
        .route("/health", get(|| async { "ok" }))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .layer(DefaultBodyLimit::disable())
        .with_state(console);
    match ui {
        Some(dir) => api.fallback_service(tower_http::services::ServeDir::new(dir)),
        None => api,
    }
}

/// Listens on `addr` until ctrl-c, calling `ready` with the bound address first.
pub async fn serve(
    console: Console,
    addr: SocketAddr,
    ui: Option<PathBuf>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    if let Some(dir) = &ui
        && !dir.join("index.html").is_file()
    {
        return Err(Error::NoUi(dir.clone()));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local = listener.local_addr().map_err(Error::Serve)?;
    ready(local);
    console.start_mail_delivery();
    let app = router(console, ui).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(Error::Serve)
}

/// An error in Cognito's wire shape.
fn error_response(e: &ApiError) -> Response {
    let status = if e.code.is_client_error() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let mut body = serde_json::json!({"__type": e.code.as_str(), "message": e.message});
    if let Some(f) = &e.field {
        body["field"] = serde_json::Value::String(f.clone());
    }
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    h.insert(
        "x-amzn-errortype",
        HeaderValue::from_static(e.code.as_str()),
    );
    resp
}

fn target(headers: &HeaderMap) -> Result<&'static ops::Operation, ApiError> {
    let raw = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownOperationException,
                "Missing X-Amz-Target header",
            )
        })?;
    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation: {raw}"),
        )
    };
    let (prefix, name) = raw.split_once('.').ok_or_else(unknown)?;
    let op = ops::find(name).ok_or_else(unknown)?;
    let service = match prefix {
        "AWSCognitoIdentityProviderService" => Service::CognitoIdp,
        "Poolhouse" => Service::Poolhouse,
        _ => return Err(unknown()),
    };
    if op.service != service {
        return Err(unknown());
    }
    Ok(op)
}

async fn operation(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // Read the body ourselves so an oversized one gets Cognito's error shape, not a bare 413.
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(&ApiError::new(
                ErrorCode::SerializationException,
                format!(
                    "The request body is larger than {} bytes or could not be read.",
                    MAX_BODY
                ),
            ));
        }
    };
    let op = match target(&headers) {
        Ok(op) => op,
        Err(e) => return error_response(&e),
    };
    // Public operations (sign-in, sign-up, ...) come unsigned from every SDK; their body
    // carries what authorises them. A signature, when there is one, is still checked.
    let unsigned_public = ops::is_public(op.name) && !headers.contains_key("authorization");
    let checked = if unsigned_public {
        Ok(None)
    } else {
        sigv4::authenticate(&console, &headers, &body)
    };
    let actor = match checked {
        Ok(Some(key)) => Actor::endpoint(key),
        Ok(None) => Actor::endpoint(peer.ip().to_string()),
        Err(e) => return error_response(&e),
    };
    let name = op.name;
    let result =
        tokio::task::spawn_blocking(move || console.dispatch_json(&actor, name, &body)).await;
    match result {
        Ok(Ok(json)) => ([(header::CONTENT_TYPE, AMZ_JSON)], json).into_response(),
        Ok(Err(e)) => error_response(&e),
        Err(join) => {
            tracing::error!(error = %join, op = name, "operation crashed");
            error_response(&ApiError::new(
                ErrorCode::InternalErrorException,
                "the operation failed unexpectedly",
            ))
        }
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

/// `GET /{poolId}/.well-known/jwks.json`.
async fn jwks(State(console): State<Console>, Path(pool_id): Path<String>) -> Response {
    let result = tokio::task::spawn_blocking(move || console.jwks(&pool_id)).await;
    document(result.unwrap_or_else(|_| {
        Err(ApiError::new(
            ErrorCode::InternalErrorException,
            "the key set could not be read",
        ))
    }))
}

/// `GET /{poolId}/.well-known/openid-configuration`, pointing at this server's JWKS.
async fn openid_configuration(
    State(console): State<Console>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("127.0.0.1")
        .to_string();
    let result = tokio::task::spawn_blocking(move || {
        let jwks_uri = format!("http://{host}/{pool_id}/.well-known/jwks.json");
        console.openid_configuration(&pool_id, &jwks_uri)
    })
    .await;
    document(result.unwrap_or_else(|_| {
        Err(ApiError::new(
            ErrorCode::InternalErrorException,
            "the configuration could not be read",
        ))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_reachable_by_its_target_and_only_there() {
        for op in ops::OPERATIONS {
            let mut h = HeaderMap::new();
            let t = format!("{}.{}", op.service.target_prefix(), op.name);
            h.insert("x-amz-target", HeaderValue::from_str(&t).unwrap());
            assert_eq!(target(&h).unwrap().name, op.name, "{t}");
            let other = match op.service {
                Service::CognitoIdp => "Poolhouse",
                Service::Poolhouse => "AWSCognitoIdentityProviderService",
            };
            h.insert(
                "x-amz-target",
                HeaderValue::from_str(&format!("{other}.{}", op.name)).unwrap(),
            );
            assert!(
                target(&h).is_err(),
                "{} must not answer under {other}",
                op.name
            );
        }
    }
}
