//! Poolhouse's local endpoint: `POST /` with `X-Amz-Target: <Service>.<Operation>` and a JSON 1.1
//! body, answered in Cognito's shapes and error bodies (`__type`, `message`), so any AWS SDK can
//! point at it. Admin operations may be SigV4-signed; a workspace can require that the signature
//! verifies against an access key it holds. With `--ui`, it also serves the console's web build,
//! which then reaches the core through this same endpoint.
//!
//! The only user of axum. It dispatches through `console_api::Console::dispatch_json`, so it
//! cannot drift from the operation list.

mod branding;
mod console;
mod head_timer;
mod hosted;
mod hosts;
mod sigv4;
mod sts;
mod well_known;

pub use console::{CONSOLE_SECRET_HEADER, CONTENT_SECURITY_POLICY, ConsoleSecret};
use console::{UiDir, console_secret_missing, index, needs_console_secret, security_headers};
pub use hosts::AllowedHost;
pub use hosts::{DomainHost, resolve_domain};
use hosts::{HostCheck, HostRules, check_host};
use well_known::{
    Listening, identity_jwks, identity_openid_configuration, jwks, openid_configuration,
};

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use console_api::ops::{self, Service};
use console_api::{Actor, ApiError, Console, ErrorCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyDeadlineLayer;

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

/// Builds the router: `POST /` for operations, `GET /health`, and the console's files. Every
/// answer carries the console's Content-Security-Policy and `nosniff`.
pub fn router(console: Console, ui: Option<PathBuf>) -> Router {
    let root = match &ui {
        // GET / is the console's index.html (with the launch secret); POST / is an operation.
        Some(_) => post(operation).get(index),
        None => post(operation).get(|| async { "Poolhouse endpoint. POST / with X-Amz-Target." }),
    };
    let mut api = Router::new().route("/", root);
    if ui.is_some() {
        api = api.route("/index.html", get(index));
    }
    let api = api
        .route("/health", get(|| async { "ok" }))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route("/{pool_id}/branding/logo", get(branding::logo))
        .route("/{pool_id}/branding/style.css", get(branding::style))
        .route("/cognito-identity/.well-known/jwks_uri", get(identity_jwks))
        .route(
            "/cognito-identity/.well-known/openid-configuration",
            get(identity_openid_configuration),
        )
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .layer(DefaultBodyLimit::disable())
        .merge(hosted::routes())
        .with_state(console);
    let app = match ui {
        Some(dir) => api
            .fallback_service(tower_http::services::ServeDir::new(&dir))
            .layer(Extension(UiDir(dir.into()))),
        None => api,
    };
    app.layer(axum::middleware::map_response(security_headers))
}

/// What a client may hold, and for how long: the limits a slow, idle or hostile client meets.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A connection waiting for a request (new, or kept alive after an answer) is closed when
    /// it sends nothing for this long.
    pub idle_timeout: Duration,
    /// Once a request's first byte arrived, its head (request line and headers) must arrive
    /// within this.
    pub header_timeout: Duration,
    /// A request's body must arrive in full within this after its head.
    pub request_timeout: Duration,
    /// Connections served at once. Beyond it the server stops accepting, so new connections
    /// wait in the listen backlog until one closes; the server itself goes on.
    pub max_connections: usize,
}

impl Default for Limits {
    /// 60 s idle, 10 s for a request's head, 30 s for its body, 512 connections: far more
    /// than a console, an SDK's pool or a load test opens, far fewer than a process's usual
    /// file limit.
    fn default() -> Limits {
        Limits {
            idle_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// How `serve_with` serves: the console's files, the names it answers to, the limits.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Also serve the console's web build from this directory.
    pub ui: Option<PathBuf>,
    /// Host names answered besides the loopback ones (`--allow-host`).
    pub allow_hosts: Vec<AllowedHost>,
    pub limits: Limits,
    /// The console's launch secret; a random one when None.
    pub console_secret: Option<ConsoleSecret>,
}

/// Listens on `addr` until ctrl-c, calling `ready` with the bound address first.
pub async fn serve(
    console: Console,
    addr: SocketAddr,
    ui: Option<PathBuf>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let options = Options {
        ui,
        ..Options::default()
    };
    serve_with(console, addr, options, ready).await
}

/// [`serve`] with every option.
pub async fn serve_with(
    console: Console,
    addr: SocketAddr,
    options: Options,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve_until(console, addr, options, ready, true, stop).await
}

/// Serves until `stop` completes. The console learns the address it is served at (the
/// exchange tester's built-in backend is reached there).
async fn serve_until(
    console: Console,
    addr: SocketAddr,
    options: Options,
    ready: impl FnOnce(SocketAddr),
    deliver_mail: bool,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    let Options {
        ui,
        allow_hosts,
        limits,
        console_secret,
    } = options;
    if let Some(dir) = &ui
        && !dir.join("index.html").is_file()
    {
        return Err(Error::NoUi(dir.clone()));
    }
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local = listener.local_addr().map_err(Error::Serve)?;
    console.set_builtin_url(format!("http://{}", Listening::new(local).0));
    ready(local);
    if deliver_mail {
        console.start_mail_delivery();
    }
    let host_check = HostCheck {
        rules: Arc::new(HostRules::new(local, allow_hosts)),
        console: console.clone(),
    };
    let app = router(console, ui)
        .layer(Extension(Listening::new(local)))
        .layer(Extension(
            console_secret.unwrap_or_else(ConsoleSecret::random),
        ))
        .layer(RequestBodyDeadlineLayer::new(limits.request_timeout))
        .layer(axum::middleware::from_fn_with_state(host_check, check_host));
    accept_loop(listener, app, &limits, stop).await;
    Ok(())
}

/// Starts the endpoint for `console` on 127.0.0.1 (a free port) on a thread of its own, for
/// fronts that need it without running `serve` (the exchange tester's built-in backend from
/// the CLI or the desktop shell); answers its URL once it listens. It serves until the
/// process ends, and sends no mail (the front does that itself).
pub fn start_in_background(console: Console) -> Result<String, String> {
    let (tx, rx) = std::sync::mpsc::channel::<Result<String, String>>();
    let failed = tx.clone();
    std::thread::Builder::new()
        .name("poolhouse-endpoint".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = failed.send(Err(format!("cannot start the runtime: {e}")));
                    return;
                }
            };
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            let served = runtime.block_on(serve_until(
                console,
                addr,
                Options::default(),
                move |bound| {
                    let _ = tx.send(Ok(format!("http://{bound}")));
                },
                false,
                std::future::pending(),
            ));
            if let Err(e) = served {
                let _ = failed.send(Err(e.to_string()));
            }
        })
        .map_err(|e| format!("cannot start the endpoint's thread: {e}"))?;
    rx.recv_timeout(Duration::from_secs(10))
        .map_err(|_| "the endpoint did not start within 10 s".to_string())?
}

/// Accepts connections while there is a free slot and serves each on its own task with
/// hyper's HTTP/1 server (its header timeout on the connection's [`head_timer::HeadTimer`]),
/// until `stop`; then lets the open ones finish their request.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // The duration only arms the clock; the connection's HeadTimer sets its deadlines.
    http.header_read_timeout(limits.header_timeout);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        // Waiting for a slot before accepting leaves new connections in the backlog.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            _ = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: axum::http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let (io, timer) =
            head_timer::Counted::new(stream, limits.idle_timeout, limits.header_timeout);
        let mut http = http.clone();
        http.timer(timer);
        let conn = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection closed");
            }
            drop(slot);
        });
    }
    graceful.shutdown().await;
}

/// A failed accept: a connection that went away before it was taken is nothing; anything else
/// (out of file descriptors) is reported and retried after a pause, never fatal.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %e, "cannot accept a connection; retrying");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// An error in Cognito's wire shape.
pub(crate) fn error_response(e: &ApiError) -> Response {
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
        "AWSCognitoIdentityService" => Service::CognitoIdentity,
        "Poolhouse" => Service::Poolhouse,
        "AWSSecurityTokenServiceV20110615" => Service::Sts,
        _ => return Err(unknown()),
    };
    if op.service != service {
        return Err(unknown());
    }
    Ok(op)
}

/// The operations that run on the request's own worker thread: point reads and short pages
/// of the store, which never hash a password, sign a token, call a hook or wait on the
/// writer. Everything else (sign-ins, writes, hooks) goes to the blocking pool, where a
/// 15 ms argon2 hash or a slow hook cannot hold up other connections.
const INLINE: &[&str] = &[
    "DescribeUserPool",
    "ListUserPools",
    "DescribeUserPoolClient",
    "ListUserPoolClients",
    "AdminGetUser",
    "GetGroup",
    "ListGroups",
    "AdminListGroupsForUser",
    "GetUser",
    "GetUserPoolMfaConfig",
    "DescribeRiskConfiguration",
    "DescribeWorkspace",
    "DescribeUserSecurity",
    "ListSigningKeys",
    "DescribeIdentity",
];

fn runs_inline(name: &str) -> bool {
    INLINE.contains(&name)
}

async fn operation(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    launch: Option<Extension<ConsoleSecret>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // Read the body ourselves so an oversized one gets Cognito's error shape, not a bare 413.
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) if timed_out(&e) => {
            return error_response(&ApiError::new(
                ErrorCode::SerializationException,
                "The request body did not arrive in full within the request timeout.",
            ));
        }
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
    if sts::is_query(&headers) {
        return sts_query(console, peer, headers, body).await;
    }
    let op = match target(&headers) {
        Ok(op) => op,
        Err(e) => return error_response(&e),
    };
    // The console's launch secret, when the call carries one, must be this launch's.
    let with_secret = match (headers.get(CONSOLE_SECRET_HEADER), &launch) {
        (None, _) => false,
        (Some(v), Some(Extension(s))) if s.matches(v.as_bytes()) => true,
        (Some(_), _) => {
            return error_response(&ApiError::new(
                ErrorCode::NotAuthorizedException,
                "The X-Poolhouse-Console header is not this launch's console secret: the \
                 endpoint was restarted since the console was loaded. Reload the page.",
            ));
        }
    };
    // Without the secret, a call that needs it must carry a signature that verifies.
    let verify = needs_console_secret(op, &headers) && !with_secret;
    if verify && !headers.contains_key(header::AUTHORIZATION) {
        return error_response(&console_secret_missing(op, &headers));
    }
    // Public operations (sign-in, sign-up, ...) come unsigned from every SDK; their body
    // carries what authorises them. A signature, when there is one, is still checked.
    let unsigned_public = ops::is_public(op.name) && !headers.contains_key("authorization");
    let checked = if unsigned_public {
        Ok(None)
    } else if op.service == Service::Sts && headers.contains_key(header::AUTHORIZATION) {
        // STS's signed calls verify always, with vended temporary credentials too.
        sts::authenticate(&console, &headers, &body).map(Some)
    } else {
        sigv4::authenticate(&console, &headers, &body, verify)
    };
    let actor = match checked {
        Ok(Some(key)) => Actor::endpoint(key),
        Ok(None) => Actor::endpoint(peer.ip().to_string()),
        Err(e) => return error_response(&e),
    };
    let name = op.name;
    let result = if runs_inline(name) {
        // A read of tens of microseconds: handing it to the blocking pool and back would cost
        // more than the read itself (finding 6 of docs/benchmarks.md).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            console.dispatch_json(&actor, name, &body)
        }))
        .map_err(|_| "panicked".to_owned())
    } else {
        tokio::task::spawn_blocking(move || console.dispatch_json(&actor, name, &body))
            .await
            .map_err(|join| join.to_string())
    };
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

/// An STS call in the query protocol (`Action=…` form body), answered in XML. Signed
/// operations verify their signature always; unsigned ones (AssumeRoleWithWebIdentity) are
/// authorised by the token in the body.
async fn sts_query(
    console: Console,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (op, json) = match sts::parse_form(&body) {
        Ok(parsed) => parsed,
        Err(e) => return sts::error(&e),
    };
    let actor = if op.access.is_unsigned() {
        Actor::endpoint(peer.ip().to_string())
    } else {
        let c = console.clone();
        let checked =
            tokio::task::spawn_blocking(move || sts::authenticate(&c, &headers, &body)).await;
        match checked {
            Ok(Ok(key)) => Actor::endpoint(key),
            Ok(Err(e)) => return sts::error(&e),
            Err(_) => {
                return sts::error(&ApiError::new(
                    ErrorCode::InternalErrorException,
                    "the signature check failed unexpectedly",
                ));
            }
        }
    };
    let name = op.name;
    match tokio::task::spawn_blocking(move || console.dispatch_json(&actor, name, &json)).await {
        Ok(Ok(out)) => sts::answer(name, &out),
        Ok(Err(e)) => sts::error(&e),
        Err(join) => {
            tracing::error!(error = %join, op = name, "operation crashed");
            sts::error(&ApiError::new(
                ErrorCode::InternalErrorException,
                "the operation failed unexpectedly",
            ))
        }
    }
}

/// Whether reading a body failed because its deadline passed.
fn timed_out(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_operation_is_listed() {
        for name in INLINE {
            assert!(ops::find(name).is_some(), "{name} is not an operation");
        }
    }

    #[test]
    fn every_operation_is_reachable_by_its_target_and_only_there() {
        for op in ops::OPERATIONS {
            let mut h = HeaderMap::new();
            let t = format!("{}.{}", op.service.target_prefix(), op.name);
            h.insert("x-amz-target", HeaderValue::from_str(&t).unwrap());
            assert_eq!(target(&h).unwrap().name, op.name, "{t}");
            let other = match op.service {
                Service::CognitoIdp | Service::CognitoIdentity | Service::Sts => "Poolhouse",
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
