//! `GET /{poolId}/branding/logo?client_id=…`: the logo of a pool's classic hosted UI
//! customization (the client's own, else the pool's `ALL`), which the hosted pages' `<img>`
//! shows. Served with its checked media type (a PNG or JPEG, by its bytes) and `nosniff`;
//! 404 when there is none.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::{ApiError, Console, ErrorCode};
use std::collections::HashMap;

use crate::error_response;

/// `GET /{poolId}/branding/logo`.
pub(crate) async fn logo(
    State(console): State<Console>,
    Path(pool_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let read = tokio::task::spawn_blocking(move || {
        console.branding_for(&pool_id, q.get("client_id").map(String::as_str))
    })
    .await;
    let branding = match read {
        Ok(Ok(b)) => b,
        Ok(Err(e)) if e.code == ErrorCode::ResourceNotFoundException => {
            let mut r = error_response(&e);
            *r.status_mut() = StatusCode::NOT_FOUND;
            return r;
        }
        Ok(Err(e)) => return error_response(&e),
        Err(_) => {
            return error_response(&ApiError::new(
                ErrorCode::InternalErrorException,
                "the logo could not be read",
            ));
        }
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
