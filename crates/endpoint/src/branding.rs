//! The hosted pages' branding, from [`Console::branding_for`] (the client's own, else the
//! pool's `ALL`; the managed login style on a managed login domain):
//!
//! - `GET /{poolId}/branding/logo?client_id=…`: the logo the pages' `<img>` shows, with its
//!   checked media type (by its bytes) and `nosniff`; 404 when there is none;
//! - `GET /{poolId}/branding/style.css?client_id=…`: the style sheet as the core rewrote it
//!   (Cognito's classes and properties only), for a `<link rel="stylesheet">`: a same-origin
//!   sheet needs no `'unsafe-inline'` in the pages' CSP. Empty when there is none.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::dto::PageBranding;
use console_api::{ApiError, Console, ErrorCode};
use std::collections::HashMap;

use crate::error_response;

/// The branding for the request's pool and `client_id`, or the answer to send instead.
async fn read(
    console: Console,
    pool_id: String,
    q: HashMap<String, String>,
) -> Result<PageBranding, Response> {
    let read = tokio::task::spawn_blocking(move || {
        console.branding_for(&pool_id, q.get("client_id").map(String::as_str))
    })
    .await;
    match read {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) if e.code == ErrorCode::ResourceNotFoundException => {
            let mut r = error_response(&e);
            *r.status_mut() = StatusCode::NOT_FOUND;
            Err(r)
        }
        Ok(Err(e)) => Err(error_response(&e)),
        Err(_) => Err(error_response(&ApiError::new(
            ErrorCode::InternalErrorException,
            "the branding could not be read",
        ))),
    }
}

/// `GET /{poolId}/branding/style.css`.
pub(crate) async fn style(
    State(console): State<Console>,
    Path(pool_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match read(console, pool_id, q).await {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            b.css,
        )
            .into_response(),
        Err(r) => r,
    }
}

/// `GET /{poolId}/branding/logo`.
pub(crate) async fn logo(
    State(console): State<Console>,
    Path(pool_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let branding = match read(console, pool_id, q).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match branding.logo {
        Some((bytes, media_type)) => (
            [
                (header::CONTENT_TYPE, media_type),
                // The address carries the version (`v=`); a changed logo has another.
                (header::CACHE_CONTROL, "no-cache".to_string()),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no logo").into_response(),
    }
}
