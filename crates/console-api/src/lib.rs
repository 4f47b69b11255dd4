//! Poolhouse's command surface.
//!
//! One [`Console`] value is the composition root: it owns the store, the clock and the workspace
//! settings, and has one method per operation of the list in [`ops`] — Cognito's operations
//! with Cognito's request and response shapes ([`dto`]), and Poolhouse's own beside them. The
//! desktop shell, the CLI and the endpoint are thin fronts over it. Every mutating operation
//! writes an audit record in the same transaction as its change; a refused one changes nothing
//! and leaves a `Failure` record.
//!
//! Must not depend on tauri, axum or clap.

mod breach;
pub mod dto;
mod error;
mod handlers;
mod hooks;
pub mod inspect;
mod mail;
pub mod ops;
pub mod selfservice;
mod signin;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use domain::Clock;
use storage::Db;
use storage::audit::{self, AuditEvent, Outcome};

pub use error::{ApiError, ErrorCode};

/// Who asked for an operation, as the audit log records it: `console`, `cli`, or
/// `endpoint:<access key id or peer>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// The desktop console.
    pub fn console() -> Self {
        Actor("console".into())
    }
    /// The command line.
    pub fn cli() -> Self {
        Actor("cli".into())
    }
}

/// Workspace-wide settings. Kept in memory with the store's configuration revision they were
/// read at, and read again when that changes: another process (the CLI beside a running
/// `serve`) may change them at any time, and the next operation sees it.
#[derive(Debug, Clone)]
struct Workspace {
    region: String,
    account_id: String,
    require_signature: bool,
    access_keys: Vec<AccessKey>,
    issuer_base_url: Option<String>,
    breached_passwords_file: Option<String>,
    /// Where the outbox's email is delivered, when a server is set.
    smtp: Option<mail::Smtp>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct AccessKey {
    id: String,
    secret: String,
}

const DEFAULT_REGION: &str = "us-east-1";
const DEFAULT_ACCOUNT: &str = "000000000000";

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    /// The workspace as last read, and the configuration revision it was read at.
    workspace: Mutex<Option<(i64, Arc<Workspace>)>>,
    /// Seals the pools' private signing keys; kept in a file beside the store.
    master: tokens::MasterKey,
    /// Each pool's parsed signing keys and verifier, with the configuration revision they
    /// were read at (parsing an RSA key costs far more than a sign-in's other reads).
    keys: Mutex<HashMap<i64, (i64, Arc<user_pools::keys::PoolKeys>)>>,
    /// How long a hook may take, in ms.
    hook_timeout_ms: std::sync::atomic::AtomicU64,
}

/// The master key's file: the store's path with `.key` appended.
pub fn master_key_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

/// Reads the master key beside the store, creating it (mode 0600) on first use.
fn load_master_key(store: &Path) -> Result<tokens::MasterKey, ApiError> {
    let path = master_key_path(store);
    let internal = |what: String| ApiError::new(ErrorCode::InternalErrorException, what);
    let read = |path: &Path| -> Result<tokens::MasterKey, ApiError> {
        let bytes = std::fs::read(path).map_err(|e| {
            internal(format!(
                "cannot read the master key {}: {e}",
                path.display()
            ))
        })?;
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            internal(format!(
                "the master key {} is {} bytes, not 32; it is not a Poolhouse key file",
                path.display(),
                bytes.len()
            ))
        })?;
        tokens::MasterKey::from_bytes(&arr).map_err(|e| internal(e.to_string()))
    };
    if path.exists() {
        return read(&path);
    }
    let key = tokens::MasterKey::generate().map_err(|e| internal(e.to_string()))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(&path) {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(key.expose_secret())
                .and_then(|()| f.sync_all())
                .map_err(|e| {
                    internal(format!(
                        "cannot write the master key {}: {e}",
                        path.display()
                    ))
                })?;
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(internal(format!(
            "cannot create the master key {}: {e}",
            path.display()
        ))),
    }
}

/// The composition root: the store, the clock and the workspace, and one method per operation.
#[derive(Clone)]
pub struct Console {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("db", &self.inner.db)
            .finish()
    }
}

/// Reads the workspace settings on `r` (a read, or the write transaction that changes them).
fn read_workspace(r: &impl storage::Read) -> Result<Workspace, ApiError> {
    let get = |k: &str| storage::settings::get(r, k);
    let access_keys = match get("access_keys")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                format!("stored access keys: {e}"),
            )
        })?,
        None => Vec::new(),
    };
    Ok(Workspace {
        region: get("region")?.unwrap_or_else(|| DEFAULT_REGION.into()),
        account_id: get("account_id")?.unwrap_or_else(|| DEFAULT_ACCOUNT.into()),
        require_signature: get("require_signature")?.is_some_and(|v| v == "true"),
        access_keys,
        issuer_base_url: get("issuer_base_url")?,
        breached_passwords_file: get("breached_passwords_file")?,
        smtp: match get("smtp_server")? {
            Some(server) => Some(mail::Smtp {
                server,
                from: get("smtp_from")?,
                after: get("smtp_after")?.and_then(|s| s.parse().ok()).unwrap_or(0),
            }),
            None => None,
        },
    })
}

impl Console {
    /// Opens the store at `path` (creating it) with the given clock.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Console, ApiError> {
        let db = Db::open(path).map_err(|e| match e {
            storage::Error::NewerSchema { .. } | storage::Error::Open { .. } => {
                ApiError::new(ErrorCode::InternalErrorException, e.to_string())
            }
            other => ApiError::from(other),
        })?;
        let master = load_master_key(path)?;
        let console = Console {
            inner: Arc::new(Inner {
                db,
                clock,
                workspace: Mutex::new(None),
                master,
                keys: Mutex::new(HashMap::new()),
                hook_timeout_ms: std::sync::atomic::AtomicU64::new(
                    u64::try_from(hooks::DEFAULT_TIMEOUT.as_millis()).unwrap_or(5000),
                ),
            }),
        };
        // Fail early on unreadable settings rather than at the first operation.
        console.workspace()?;
        Ok(console)
    }

    /// The store's file.
    pub fn store_path(&self) -> &Path {
        self.inner.db.path()
    }

    /// The workspace settings: the kept copy while the store's configuration revision is
    /// unchanged (one primary-key read), else read again.
    fn workspace(&self) -> Result<Arc<Workspace>, ApiError> {
        self.inner.db.read(|r| {
            let revision = storage::config_revision(r)?;
            if let Ok(kept) = self.inner.workspace.lock()
                && let Some((at, ws)) = kept.as_ref()
                && *at == revision
            {
                return Ok(Arc::clone(ws));
            }
            let ws = Arc::new(read_workspace(r)?);
            if let Ok(mut kept) = self.inner.workspace.lock() {
                *kept = Some((revision, Arc::clone(&ws)));
            }
            Ok(ws)
        })
    }

    /// What the endpoint checks before an operation: whether SigV4 is required, and the secret
    /// of `access_key` if the workspace holds it.
    pub fn signature_policy(
        &self,
        access_key: Option<&str>,
    ) -> Result<(bool, Option<String>), ApiError> {
        let ws = self.workspace()?;
        let secret = access_key
            .and_then(|id| ws.access_keys.iter().find(|k| k.id == id))
            .map(|k| k.secret.clone());
        Ok((ws.require_signature, secret))
    }

    /// The region used in new ids.
    pub fn region(&self) -> Result<String, ApiError> {
        Ok(self.workspace()?.region.clone())
    }

    /// The console's clock, in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    fn now(&self) -> i64 {
        self.now_ms()
    }

    fn record(&self, tx: &storage::Tx<'_>, e: AuditEvent) -> Result<(), ApiError> {
        audit::insert(tx, &e)?;
        Ok(())
    }

    /// Records a refused operation (in its own transaction, since the operation's rolled back).
    fn record_failure(
        &self,
        actor: &Actor,
        op: &str,
        pool_id: Option<&str>,
        target: Option<&str>,
        err: &ApiError,
    ) {
        let event = AuditEvent {
            id: 0,
            at: self.now(),
            actor: actor.0.clone(),
            operation: op.into(),
            pool_id: pool_id.map(str::to_string),
            target: target.map(str::to_string),
            outcome: Outcome::Failure,
            error_code: Some(err.code.as_str().into()),
            message: Some(err.message.chars().take(500).collect()),
        };
        let written: Result<(), ApiError> = self.inner.db.write(|tx| self.record(tx, event));
        if let Err(e) = written {
            tracing::error!(error = %e, op, "could not record a failed operation in the audit log");
        }
    }

    /// Runs a mutating operation in one transaction with its audit record. `f` answers the value
    /// and, when the operation created it, the target's new id.
    fn write_audited<T>(
        &self,
        actor: &Actor,
        op: &str,
        pool_id: Option<&str>,
        target: Option<&str>,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<(T, Option<String>), ApiError>,
    ) -> Result<T, ApiError> {
        let ws = match self.workspace() {
            Ok(ws) => ws,
            Err(e) => {
                self.record_failure(actor, op, pool_id, target, &e);
                return Err(e);
            }
        };
        let ctx = user_pools::Ctx {
            clock: &*self.inner.clock,
            region: &ws.region,
            account: &ws.account_id,
        };
        let result = self.inner.db.write(|tx| {
            let (value, created) = f(tx, &ctx)?;
            let event = AuditEvent {
                id: 0,
                at: self.now(),
                actor: actor.0.clone(),
                operation: op.into(),
                pool_id: pool_id
                    .map(str::to_string)
                    .or_else(|| created.as_ref().filter(|_| op == "CreateUserPool").cloned()),
                target: created.or_else(|| target.map(str::to_string)),
                outcome: Outcome::Success,
                error_code: None,
                message: None,
            };
            self.record(tx, event)?;
            Ok(value)
        });
        if let Err(e) = &result {
            self.record_failure(actor, op, pool_id, target, e);
        }
        result
    }

    /// Like [`Console::write_audited`] for operations whose refusal must still be kept (a wrong
    /// code counts an attempt): `f`'s inner error is committed with a failure record in the
    /// same transaction, then answered; its outer error rolls everything back.
    fn write_recorded<T>(
        &self,
        actor: &Actor,
        op: &str,
        pool_id: Option<&str>,
        target: Option<&str>,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<Result<T, ApiError>, ApiError>,
    ) -> Result<T, ApiError> {
        let ws = self.workspace()?;
        let ctx = user_pools::Ctx {
            clock: &*self.inner.clock,
            region: &ws.region,
            account: &ws.account_id,
        };
        let result = self.inner.db.write(|tx| {
            let answer = f(tx, &ctx)?;
            let (outcome, error_code, message) = match &answer {
                Ok(_) => (Outcome::Success, None, None),
                Err(e) => (
                    Outcome::Failure,
                    Some(e.code.as_str().to_string()),
                    Some(e.message.chars().take(500).collect()),
                ),
            };
            self.record(
                tx,
                AuditEvent {
                    id: 0,
                    at: self.now(),
                    actor: actor.0.clone(),
                    operation: op.into(),
                    pool_id: pool_id.map(str::to_string),
                    target: target.map(str::to_string),
                    outcome,
                    error_code,
                    message,
                },
            )?;
            Ok(answer)
        });
        match result {
            Ok(answer) => answer,
            Err(e) => {
                self.record_failure(actor, op, pool_id, target, &e);
                Err(e)
            }
        }
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&storage::Reader<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.inner.db.read(f)
    }
}

/// Parses a request body, naming the member at fault.
pub fn parse_request<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Cognito's requests are JSON objects; serde would also read an array by position.
    if body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b != b'{')
    {
        return Err(ApiError::new(
            ErrorCode::SerializationException,
            "The request body must be a JSON object.",
        ));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = strip_position(&inner.to_string());
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(ErrorCode::SerializationException, msg);
        }
        let missing = msg
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        match (path.as_str(), missing) {
            (".", Some(name)) => ApiError::invalid(name, "is required"),
            // Members of flattened settings lose their path; find the culprit by elimination.
            (".", None) => match culprit::<T>(body) {
                Some(field) => ApiError::invalid(field, msg),
                None => ApiError::new(ErrorCode::SerializationException, msg),
            },
            (p, Some(name)) => ApiError::invalid(format!("{p}.{name}"), "is required"),
            (p, None) => ApiError::invalid(p, msg),
        }
    })?;
    // Nothing may follow the object.
    de.end().map_err(|e| {
        ApiError::new(
            ErrorCode::SerializationException,
            strip_position(&e.to_string()),
        )
    })?;
    Ok(value)
}

/// The top-level member without which `body` parses (or fails only for lacking it).
fn culprit<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    map.keys().find_map(|k| {
        let mut without = map.clone();
        without.remove(k);
        match serde_json::from_value::<T>(serde_json::Value::Object(without)) {
            Ok(_) => Some(k.clone()),
            Err(e) if e.to_string().starts_with(&format!("missing field `{k}`")) => Some(k.clone()),
            Err(_) => None,
        }
    })
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Encodes a response body.
pub fn encode_response<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v)
        .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
}

/// Milliseconds to Cognito's epoch seconds.
pub(crate) fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}
