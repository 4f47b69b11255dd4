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

mod audit;
mod behind;
mod breach;
pub mod dto;
mod engine;
mod error;
mod hooks;
pub mod hosted;
pub mod hosted_pages;
mod logins;
mod trust;
/// The token inspector's work that needs no store, for fronts that run it without one (the
/// CLI's `jwt` commands).
pub mod inspect {
    pub use crate::ops::inspect::verify::{
        decode_token, encode_test_token_with_key, verify_token_with_keys,
    };
}
mod mail;
pub mod ops;
mod wire;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use domain::Clock;
pub use domain::workspace::Signatures;
use domain::workspace::WorkspaceSettings;
use storage::Db;

pub use error::{ApiError, ErrorCode};
/// Why a temporary credential was refused ([`Console::temporary_credential`]).
pub use identity_pools::credentials::Refusal as CredentialRefusal;

pub use ops::{Access, Op, OpCtx};
pub use wire::{encode_response, parse_request};

/// Which front a call came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// The desktop console.
    Console,
    /// The command line.
    Cli,
    /// The HTTP endpoint: a signed caller (by access key id) or an unsigned one (by address).
    Endpoint,
}

/// Who asked for an operation. The audit log records it as `console`, `cli`, or
/// `endpoint:<access key id or peer address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The access key id or peer address of an endpoint call; `None` for the operator's own
    /// fronts.
    pub id: Option<String>,
}

impl Actor {
    /// The desktop console.
    pub fn console() -> Self {
        Actor {
            kind: ActorKind::Console,
            id: None,
        }
    }
    /// The command line.
    pub fn cli() -> Self {
        Actor {
            kind: ActorKind::Cli,
            id: None,
        }
    }
    /// An HTTP caller, by access key id or peer address.
    pub fn endpoint(id: impl Into<String>) -> Self {
        Actor {
            kind: ActorKind::Endpoint,
            id: Some(id.into()),
        }
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            ActorKind::Console => "console",
            ActorKind::Cli => "cli",
            ActorKind::Endpoint => "endpoint",
        };
        match &self.id {
            Some(id) => write!(f, "{kind}:{id}"),
            None => f.write_str(kind),
        }
    }
}

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    /// The workspace as last read, and the configuration revision it was read at. Another
    /// process (the CLI beside a running `serve`) may change it at any time, and the next
    /// operation sees it.
    workspace: Mutex<Option<(i64, Arc<WorkspaceSettings>)>>,
    /// Seals the pools' private signing keys; kept in a file beside the store.
    master: tokens::MasterKey,
    /// Tags the listings' pagination tokens (derived from the master key).
    pages: tokens::MacKey,
    /// Derives the secrets of vended temporary credentials (from the master key).
    credentials: identity_pools::credentials::CredentialKey,
    /// Each pool's parsed signing keys and verifier, with the configuration revision they
    /// were read at (parsing an RSA key costs far more than a sign-in's other reads).
    keys: Mutex<HashMap<i64, (i64, Arc<user_pools::keys::PoolKeys>)>>,
    /// The pool of each signing key seen in a token (a key's pool never changes; a deleted
    /// pool's tokens then fail on the pool's lookup).
    kid_pools: Mutex<HashMap<String, domain::UserPoolId>>,
    /// The identity pools' parsed OpenID signing keys, with the configuration revision they
    /// were read at.
    openid_keys: Mutex<Option<(i64, Arc<identity_pools::openid::OpenIdKeys>)>>,
    /// How long a hook may take, in ms.
    hook_timeout_ms: std::sync::atomic::AtomicU64,
    /// The verifier of federated logins (`trust.rs`), built on first use.
    trust: Mutex<Option<Arc<federation::Verifier>>>,
    /// SAML providers' metadata read at their URLs and their opened decryption keys.
    saml: hosted::SamlKept,
    /// The built-in backend: the running endpoint's URL once known, and what starts one when
    /// none runs (the CLI and the desktop shell start it in-process on 127.0.0.1:0).
    builtin: Mutex<BuiltIn>,
    /// Records written behind their answers (`behind.rs`).
    behind: Arc<behind::Behind>,
}

impl Drop for Inner {
    /// The last owner writes what is still queued behind.
    fn drop(&mut self) {
        behind::write(&self.db, self.behind.close());
    }
}

/// Starts the endpoint for this console and answers its URL (`http://127.0.0.1:PORT`).
pub type BuiltInLauncher = Arc<dyn Fn(&Console) -> Result<String, String> + Send + Sync>;

#[derive(Default)]
struct BuiltIn {
    url: Option<String>,
    launcher: Option<BuiltInLauncher>,
}

/// The master key's file: the store's path with `.key` appended.
pub fn master_key_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

/// Reads the master key beside the store, creating it (mode 0600) on first use. A store that
/// already holds secrets sealed under a key is refused when the key file is missing: a new key
/// could not open them, and its file would stand in the way of restoring the old one.
fn load_master_key(store: &Path, db: &Db) -> Result<tokens::MasterKey, ApiError> {
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
        storage::make_private(&path);
        return read(&path);
    }
    if let Some(what) = db.read(|r| storage::sealed_secrets(r))? {
        return Err(internal(format!(
            "the store {} holds {what} sealed under the key file {}, which is missing; \
             restore {} from wherever the store was copied or backed up (a new key could \
             not open them, so none is made)",
            store.display(),
            path.display(),
            path.display()
        )));
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

/// Seals the secrets among the workspace settings (access key secrets) with the master key, as
/// the pools' private keys are sealed: AES-256-GCM bound to what the secret is for, base64 in
/// the settings table.
pub(crate) struct SettingsSeal<'a>(pub(crate) &'a tokens::MasterKey);

impl domain::workspace::Sealer for SettingsSeal<'_> {
    fn seal(&self, what: &str, clear: &str) -> Result<String, String> {
        use base64::Engine;
        let sealed =
            tokens::seal(self.0, clear.as_bytes(), what.as_bytes()).map_err(|e| e.to_string())?;
        Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
    }

    fn open(&self, what: &str, sealed: &str) -> Result<String, String> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|e| format!("not base64: {e}"))?;
        let clear = tokens::open(self.0, &bytes, what.as_bytes())
            .map_err(|e| format!("{e} (is this the store's own key file?)"))?;
        String::from_utf8(clear.expose_secret().to_vec()).map_err(|e| e.to_string())
    }
}

impl Console {
    /// How the settings' secrets are sealed in this store.
    pub(crate) fn settings_seal(&self) -> SettingsSeal<'_> {
        SettingsSeal(&self.inner.master)
    }

    /// Reads the workspace settings on `r` (a read, or the write transaction that changes
    /// them), their secrets opened.
    pub(crate) fn read_workspace(
        &self,
        r: &impl storage::Read,
    ) -> Result<WorkspaceSettings, ApiError> {
        Ok(storage::settings::workspace(r, &self.settings_seal())?)
    }

    /// Writes the workspace settings in `tx`, their secrets sealed.
    pub(crate) fn put_workspace(
        &self,
        tx: &storage::Tx<'_>,
        ws: &WorkspaceSettings,
    ) -> Result<(), ApiError> {
        Ok(storage::settings::put_workspace(
            tx,
            ws,
            &self.settings_seal(),
        )?)
    }

    /// Seals the secrets a store written before they were sealed keeps in clear.
    fn seal_clear_settings(&self) -> Result<(), ApiError> {
        if !self
            .inner
            .db
            .read(|r| storage::settings::workspace_in_clear(r))?
        {
            return Ok(());
        }
        self.inner.db.write(|tx| {
            if storage::settings::workspace_in_clear(tx)? {
                let ws = self.read_workspace(tx)?;
                self.put_workspace(tx, &ws)?;
                tracing::info!("sealed the access key secrets this store kept in clear");
            }
            Ok::<_, ApiError>(())
        })
    }
}

impl Console {
    /// Seals the app client secrets a store written before they were sealed keeps in clear (in
    /// one transaction), then rewrites the file so that the clear values do not survive in its
    /// free pages; and checks that the master key opens the sealed ones, so that a store beside
    /// the wrong key file is refused now, naming the file, rather than at a client's sign-in.
    fn seal_clear_client_secrets(&self, store: &Path) -> Result<(), ApiError> {
        let db = &self.inner.db;
        let master = &self.inner.master;
        if db.read(|r| storage::client_secrets::any_in_clear(r))? {
            let sealed = db.write(|tx| {
                let clear = storage::client_secrets::in_clear(tx)?;
                for s in &clear {
                    let value = user_pools::client_secrets::seal(
                        master,
                        &s.client_id,
                        &s.secret_id,
                        &s.secret,
                    )?;
                    storage::client_secrets::seal(tx, s.pk, &value)?;
                }
                Ok::<_, ApiError>(clear.len())
            })?;
            tracing::info!(
                sealed,
                "sealed the app client secrets this store kept in clear"
            );
            // The rows are sealed now; a rewrite refused (another process reading) leaves
            // the old clear bytes in free pages until SQLite reuses them, and is said so.
            if let Err(e) = db.rewrite_free_space() {
                tracing::warn!(
                    error = %e,
                    "the store could not be rewritten after sealing its client secrets; \
                     their former clear values stay in its free pages until reused"
                );
            }
        }
        if let Some((client_id, secret)) = db.read(|r| storage::client_secrets::any_sealed(r))?
            && user_pools::client_secrets::open(master, &client_id, &secret).is_err()
        {
            let key = master_key_path(store);
            return Err(ApiError::new(
                ErrorCode::InternalErrorException,
                format!(
                    "the store {} holds app client secrets that the key file {} does not open; \
                     it is not this store's key file (restore the one the store was sealed \
                     with)",
                    store.display(),
                    key.display()
                ),
            ));
        }
        Ok(())
    }

    /// Opens the store at `path` (creating it) with the given clock.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Console, ApiError> {
        let db = Db::open(path).map_err(|e| match e {
            storage::Error::NewerSchema { .. } | storage::Error::Open { .. } => {
                ApiError::new(ErrorCode::InternalErrorException, e.to_string())
            }
            other => ApiError::from(other),
        })?;
        let master = load_master_key(path, &db)?;
        let pages = user_pools::pagination::key(&master);
        let credentials = identity_pools::credentials::CredentialKey::derive(&master);
        let console = Console {
            inner: Arc::new(Inner {
                db,
                clock,
                workspace: Mutex::new(None),
                master,
                pages,
                credentials,
                keys: Mutex::new(HashMap::new()),
                kid_pools: Mutex::new(HashMap::new()),
                openid_keys: Mutex::new(None),
                hook_timeout_ms: std::sync::atomic::AtomicU64::new(
                    u64::try_from(hooks::DEFAULT_TIMEOUT.as_millis()).unwrap_or(5000),
                ),
                trust: Mutex::new(None),
                saml: hosted::SamlKept::default(),
                builtin: Mutex::new(BuiltIn::default()),
                behind: Arc::default(),
            }),
        };
        behind::Behind::start(&console.inner);
        // Fail early on unreadable settings rather than at the first operation.
        console.workspace()?;
        console.seal_clear_settings()?;
        console.seal_clear_client_secrets(path)?;
        Ok(console)
    }

    /// The key that tags pagination tokens, so that a listing takes back only tokens this
    /// store issued, unedited.
    pub(crate) fn pages(&self) -> &tokens::MacKey {
        &self.inner.pages
    }

    /// The key vended credentials' secrets derive under (for `identity_pools::vend`).
    pub(crate) fn credential_key(&self) -> &identity_pools::credentials::CredentialKey {
        &self.inner.credentials
    }

    /// The temporary credential of `access_key_id`, checked against its session token and
    /// expiry: its secret (for SigV4) and its session, or STS's refusal.
    pub fn temporary_credential(
        &self,
        access_key_id: &str,
        session_token: Option<&str>,
    ) -> Result<
        Result<identity_pools::credentials::Verified, identity_pools::credentials::Refusal>,
        ApiError,
    > {
        let now = self.now_ms();
        self.read(|r| {
            identity_pools::credentials::lookup(
                r,
                &self.inner.credentials,
                access_key_id,
                session_token,
                now,
            )
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
        })
    }

    /// The store's file.
    pub fn store_path(&self) -> &Path {
        self.inner.db.path()
    }

    /// The workspace settings: the kept copy while the store's configuration revision is
    /// unchanged (one primary-key read), else read again.
    fn workspace(&self) -> Result<Arc<WorkspaceSettings>, ApiError> {
        self.inner.db.read(|r| self.workspace_in(r))
    }

    /// [`Console::workspace`] in the caller's read transaction.
    pub(crate) fn workspace_in(
        &self,
        r: &storage::Reader<'_>,
    ) -> Result<Arc<WorkspaceSettings>, ApiError> {
        let revision = storage::config_revision(r)?;
        if let Ok(kept) = self.inner.workspace.lock()
            && let Some((at, ws)) = kept.as_ref()
            && *at == revision
        {
            return Ok(Arc::clone(ws));
        }
        let ws = Arc::new(self.read_workspace(r)?);
        if let Ok(mut kept) = self.inner.workspace.lock() {
            *kept = Some((revision, Arc::clone(&ws)));
        }
        Ok(ws)
    }

    /// What the endpoint checks before an operation: whether SigV4 is required, and the secret
    /// of `access_key` if the workspace holds it.
    pub fn signature_policy(
        &self,
        access_key: Option<&str>,
    ) -> Result<(Signatures, Option<String>), ApiError> {
        let ws = self.workspace()?;
        let secret = access_key
            .and_then(|id| ws.access_keys.iter().find(|k| k.id == id))
            .map(|k| k.secret.clone());
        Ok((ws.signatures, secret))
    }

    /// Records the address of the endpoint serving this console: the built-in backend of the
    /// exchange tester is reached there.
    pub fn set_builtin_url(&self, url: impl Into<String>) {
        if let Ok(mut b) = self.inner.builtin.lock() {
            b.url = Some(url.into());
        }
    }

    /// What starts the endpoint when the built-in backend is needed and none runs.
    pub fn set_builtin_launcher(&self, launcher: BuiltInLauncher) {
        if let Ok(mut b) = self.inner.builtin.lock() {
            b.launcher = Some(launcher);
        }
    }

    /// The built-in backend's URL when an endpoint is known to serve this console.
    pub(crate) fn known_builtin_url(&self) -> Option<String> {
        self.inner.builtin.lock().ok().and_then(|b| b.url.clone())
    }

    /// The built-in backend's URL, starting the endpoint through the launcher when none runs.
    pub(crate) fn builtin_url(&self) -> Result<String, ApiError> {
        let launcher = {
            let b = self.inner.builtin.lock().map_err(|_| {
                ApiError::new(ErrorCode::InternalErrorException, "a thread crashed")
            })?;
            if let Some(url) = &b.url {
                return Ok(url.clone());
            }
            b.launcher.clone()
        };
        let Some(launch) = launcher else {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterException,
                "the built-in backend is reached over HTTP and no endpoint serves this store here; \
                 run `poolhouse serve` and call it there",
            ));
        };
        let url = launch(self).map_err(|e| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                format!("cannot start the built-in endpoint: {e}"),
            )
        })?;
        self.set_builtin_url(url.clone());
        Ok(url)
    }

    /// The region used in new ids.
    pub fn region(&self) -> Result<String, ApiError> {
        Ok(self.workspace()?.region.clone())
    }

    /// The console's clock, in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    pub(crate) fn now(&self) -> i64 {
        self.now_ms()
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&storage::Reader<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.inner.db.read(f)
    }
}

/// Milliseconds to Cognito's epoch seconds.
pub(crate) fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}
