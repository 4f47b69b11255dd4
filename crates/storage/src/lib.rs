//! Poolhouse's store: one SQLite file.
//!
//! This crate is the only user of rusqlite. It owns the schema (numbered migrations under
//! `migrations/`, each applied in its own transaction), the connection settings (WAL, foreign
//! keys, busy timeout, a capped page cache) and one module per table. Engines call the table
//! modules' functions and never see SQL. Writes go through [`Db::write`], which runs a closure in
//! one transaction: either all of its changes land or none do.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub mod audit;
pub mod auth_events;
pub mod auth_sessions;
pub mod authorization_codes;
pub mod backends;
pub mod branding;
pub mod client_secrets;
pub mod clients;
pub mod codes;
pub mod credentials;
pub mod domains;
pub mod exchange_runs;
pub mod federation_providers;
pub mod groups;
pub mod hook_invocations;
pub mod identities;
pub mod identity_pools;
pub mod idps;
pub mod outbox;
pub mod pools;
pub mod refresh_rotations;
pub mod refresh_tokens;
pub mod resource_servers;
pub mod roles;
pub mod saml_encryption_keys;
pub mod saml_replay;
pub mod saml_sessions;
pub mod settings;
pub mod signing_keys;
pub mod srp_verifiers;
pub mod user_mfa;
pub mod user_security;
pub mod users;

mod checkpoint;
mod group;
mod kept;
pub use group::Job;
mod migrations;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file's schema is newer than this build understands; opening it could corrupt it.
    #[error(
        "the store at {path} has schema version {found}, newer than this build's {supported}; \
         use a newer Poolhouse"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// The file could not be created or opened.
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    /// A unique constraint refused the write; `constraint` names the columns.
    #[error("a row with the same {constraint} already exists")]
    Conflict { constraint: String },
    /// A stored JSON document no longer parses.
    #[error("stored {what} is unreadable: {reason}")]
    Corrupt { what: &'static str, reason: String },
    /// A thread panicked while holding a connection.
    #[error("a connection was poisoned by a crashed thread")]
    Poisoned,
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(code, msg) = &e
            && code.code == rusqlite::ErrorCode::ConstraintViolation
            && matches!(code.extended_code, 1555 | 2067)
        {
            return Error::Conflict {
                constraint: msg.clone().unwrap_or_default(),
            };
        }
        Error::Sqlite(e)
    }
}

/// The store's result type.
pub type Result<T> = std::result::Result<T, Error>;

mod sealed {
    use std::cell::Cell;

    use crate::kept::Kept;

    pub trait Conn {
        fn conn(&self) -> &rusqlite::Connection;
        fn cache(&self) -> &Cache;
        /// Whether what this view reads may be kept in the cache: only committed data may, so
        /// a write transaction (which may still roll back) reads the cache but never fills it.
        fn fills_cache(&self) -> bool;
        /// Where a read transaction keeps the configuration revision it has read: its snapshot
        /// cannot change, so [`crate::config_revision`] asks the store once. None for a write
        /// transaction, whose own writes move the revision.
        fn revision_seen(&self) -> Option<&Cell<Option<i64>>>;
    }

    /// Decoded pools, app clients and identity pools, valid while the store's configuration
    /// revision is the one they were read at (`kept.rs`). Reading a pool is then two
    /// primary-key lookups instead of a row with a multi-kilobyte JSON document to parse
    /// (docs/benchmarks.md, finding 3); finding a client by its id, one (every sign-in and
    /// token request finds its client); an identity pool's eight JSON documents are read once
    /// per revision, not once per GetCredentialsForIdentity (docs/benchmarks.md, IP2), and
    /// the role it vends likewise, with its policies.
    pub struct Cache {
        pub(crate) pools: Kept<String, crate::pools::PoolRow>,
        /// Clients found by their id ([`crate::clients::find`]), with their pool's id.
        pub(crate) clients: Kept<String, (crate::clients::ClientRow, String)>,
        pub(crate) identity_pools: Kept<String, crate::identity_pools::IdentityPoolRow>,
        pub(crate) identity_pools_by_pk: Kept<i64, crate::identity_pools::IdentityPoolRow>,
        /// Roles found by their ARN ([`crate::roles::get_by_arn`]), with their policies.
        pub(crate) roles_by_arn: Kept<String, crate::roles::RoleRow>,
        /// From when (the credentials' clock, ms) the next credential recorded also forgets
        /// the long-expired ones ([`crate::credentials::insert`]). Not decoded rows, but kept
        /// here for the same reason: state of this store that every transaction can reach.
        pub(crate) credentials_sweep_at: std::sync::atomic::AtomicI64,
    }

    impl Default for Cache {
        fn default() -> Self {
            Self {
                pools: Kept::new(POOLS_KEPT),
                clients: Kept::new(CLIENTS_KEPT),
                identity_pools: Kept::new(POOLS_KEPT),
                identity_pools_by_pk: Kept::new(POOLS_KEPT),
                roles_by_arn: Kept::new(POOLS_KEPT),
                credentials_sweep_at: std::sync::atomic::AtomicI64::new(i64::MIN),
            }
        }
    }

    /// More pools than this and their map starts over (a bound, not a tuning knob).
    const POOLS_KEPT: usize = 1024;
    /// Likewise for clients.
    const CLIENTS_KEPT: usize = 4096;
}

use sealed::Cache;

/// Something reads can run on: a [`Reader`] or a [`Tx`].
pub trait Read: sealed::Conn {}

/// A read-only view of the store, consistent for its lifetime.
pub struct Reader<'a> {
    conn: &'a Connection,
    cache: &'a Cache,
    revision: Cell<Option<i64>>,
}

/// One write transaction. Dropped without commit (an error in [`Db::write`]'s closure) it rolls
/// back.
pub struct Tx<'a> {
    tx: Transaction<'a>,
    cache: &'a Cache,
}

impl sealed::Conn for Reader<'_> {
    fn conn(&self) -> &Connection {
        self.conn
    }
    fn cache(&self) -> &Cache {
        self.cache
    }
    fn fills_cache(&self) -> bool {
        true
    }
    fn revision_seen(&self) -> Option<&Cell<Option<i64>>> {
        Some(&self.revision)
    }
}
impl Read for Reader<'_> {}
impl sealed::Conn for Tx<'_> {
    fn conn(&self) -> &Connection {
        &self.tx
    }
    fn cache(&self) -> &Cache {
        self.cache
    }
    fn fills_cache(&self) -> bool {
        false
    }
    fn revision_seen(&self) -> Option<&Cell<Option<i64>>> {
        None
    }
}
impl Read for Tx<'_> {}

/// The store's configuration revision: a number that changes with every committed change to a
/// pool, an app client, an identity pool or a workspace setting, in any process. What was
/// decoded from those rows at one revision may be kept and reused while the revision stays the same.
pub fn config_revision(r: &impl Read) -> Result<i64> {
    if let Some(n) = r.revision_seen().and_then(Cell::get) {
        return Ok(n);
    }
    let n = r
        .conn()
        .prepare_cached("SELECT n FROM config_revision WHERE id = 1")?
        .query_row([], |row| row.get(0))?;
    if let Some(seen) = r.revision_seen() {
        seen.set(Some(n));
    }
    Ok(n)
}

/// Marks a configuration change; called by every write to pools, clients and settings.
pub(crate) fn bump_config_revision(tx: &Tx<'_>) -> Result<()> {
    tx.tx
        .prepare_cached("UPDATE config_revision SET n = n + 1 WHERE id = 1")?
        .execute([])?;
    Ok(())
}

/// What the store holds sealed under the master key in the file beside it, if anything (the
/// first kind found, in words): signing keys, SRP verifiers, authenticator secrets, access key
/// secrets, the SMTP password, app client secrets, SAML encryption keys. Without that file none of them can be opened again.
pub fn sealed_secrets(r: &impl Read) -> Result<Option<&'static str>> {
    const KINDS: [(&str, &str); 9] = [
        ("signing keys", "SELECT EXISTS(SELECT 1 FROM signing_keys)"),
        (
            "identity pool signing keys",
            "SELECT EXISTS(SELECT 1 FROM identity_signing_keys)",
        ),
        (
            "SRP verifiers",
            "SELECT EXISTS(SELECT 1 FROM srp_verifiers)",
        ),
        (
            "authenticator secrets",
            "SELECT EXISTS(SELECT 1 FROM user_mfa
             WHERE totp_sealed IS NOT NULL OR totp_pending_sealed IS NOT NULL)",
        ),
        (
            "access key secrets or an SMTP password",
            "SELECT EXISTS(SELECT 1 FROM settings WHERE key IN ('access_keys', 'smtp_password'))",
        ),
        (
            "backend access key secrets",
            "SELECT EXISTS(SELECT 1 FROM backends WHERE secret_sealed IS NOT NULL)",
        ),
        (
            "app client secrets",
            "SELECT EXISTS(SELECT 1 FROM client_secrets WHERE secret_sealed IS NOT NULL)",
        ),
        (
            "exchange run tokens",
            "SELECT EXISTS(SELECT 1 FROM exchange_runs WHERE tokens_sealed IS NOT NULL)",
        ),
        (
            "SAML encryption keys",
            "SELECT EXISTS(SELECT 1 FROM saml_encryption_keys)",
        ),
    ];
    for (what, sql) in KINDS {
        let found: bool = r.conn().query_row(sql, [], |row| row.get(0))?;
        if found {
            return Ok(Some(what));
        }
    }
    Ok(None)
}

/// How many read connections a store keeps beside its single writer.
const READERS: usize = 4;
/// Page cache per connection, in KiB (negative values are KiB for SQLite).
const WRITER_CACHE_KIB: i64 = 16_384;
const READER_CACHE_KIB: i64 = 16_384;

/// The store: one writer connection and a few readers over one file.
pub struct Db {
    path: PathBuf,
    // Fields drop in order: the checkpoint thread and the readers close before the writer, so
    // the writer is the last connection and SQLite checkpoints and removes the -wal file.
    #[expect(
        dead_code,
        reason = "held for its Drop: it stops the checkpoint thread first"
    )]
    checkpointer: checkpoint::Checkpointer,
    readers: Vec<Mutex<Connection>>,
    writer: Mutex<Connection>,
    next_reader: AtomicUsize,
    cache: Cache,
    /// The writes waiting to share a transaction ([`Db::write_grouped`]).
    group: group::Group,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

fn open_err(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Open {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Makes an existing file that group or others may use private to its owner (mode 0600), as
/// a store or key file copied under a loose umask is. When that fails (the file belongs to
/// someone else, a read-only mount) it says so in the log and leaves the file as it is: the
/// operator may have reasons, and refusing to open would lose them their data for a mode.
pub fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return;
        }
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => tracing::info!(
                path = %path.display(),
                was = format!("{mode:o}"),
                "made private (0600): group or others could use it"
            ),
            Err(e) => tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                error = %e,
                "group or others can use this file, and it could not be made private"
            ),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Creates the store's folder (and any missing parents) private to its owner (mode 0700), and
/// the file with mode 0600 if it does not exist, so that the store is never readable by other
/// users, not even for a moment. An existing file is made private (see [`make_private`]).
fn create_private(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(|e| open_err(path, e))?;
    }
    make_private(path);
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        make_private(Path::new(&side));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| open_err(path, e))?;
    Ok(())
}

fn configure(conn: &Connection, cache_kib: i64) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Plan once per statement, not per bound value. Without this SQLite re-prepares every
    // statement with a `LIKE ?` on each execution (prefix filters, SearchUsers); the range terms
    // `users::Sql::prefix` writes beside the LIKE keep the index chosen without looking at the
    // value (docs/benchmarks.md, finding 2).
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{cache_kib};"
    ))?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Errors: [`Error::NewerSchema`] when the file comes from a newer build, [`Error::Open`]
    /// when it cannot be created or is not a database.
    pub fn open(path: &Path) -> Result<Db> {
        create_private(path)?;
        // A newer build's store is refused before anything writes to it: switching to WAL
        // rewrites the header, so the version is read on a read-only connection first.
        {
            let probe = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| open_err(path, e))?;
            let found: i64 = probe
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(|e| open_err(path, e))?;
            migrations::refuse_newer(found, path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut writer = Connection::open_with_flags(path, flags).map_err(|e| open_err(path, e))?;
        let mode: String = writer
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| open_err(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_err(
                path,
                format!("could not switch to WAL (got {mode})"),
            ));
        }
        configure(&writer, WRITER_CACHE_KIB)?;
        migrations::apply(&mut writer, path)?;
        let checkpointer = checkpoint::Checkpointer::start(path, &mut writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| open_err(path, e))?;
            configure(&r, READER_CACHE_KIB)?;
            readers.push(Mutex::new(r));
        }
        Ok(Db {
            path: path.to_path_buf(),
            checkpointer,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            cache: Cache::default(),
            group: group::Group::default(),
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this build writes.
    pub fn schema_version() -> i64 {
        migrations::LATEST
    }

    fn lock(m: &Mutex<Connection>) -> Result<MutexGuard<'_, Connection>> {
        m.lock().map_err(|_| Error::Poisoned)
    }

    /// Runs `f` in one write transaction, committing when it returns `Ok` and rolling back
    /// otherwise. Writers are serialised.
    pub fn write<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = Self::lock(&self.writer)?;
        let tx = self.begin_write(&mut conn)?;
        let value = f(&tx)?;
        tx.tx.commit().map_err(Error::from)?;
        Ok(value)
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE`) on the writer's connection `conn`.
    fn begin_write<'c>(&'c self, conn: &'c mut Connection) -> Result<Tx<'c>> {
        Ok(Tx {
            tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
            cache: &self.cache,
        })
    }

    /// Runs `f` on a read connection inside one read transaction (a consistent snapshot).
    pub fn read<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&Reader<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        let guard = (0..n)
            .find_map(|i| self.readers[(start + i) % n].try_lock().ok())
            .map(Ok)
            .unwrap_or_else(|| Self::lock(&self.readers[start % n]))?;
        // Cached statements: a read transaction is begun and ended on every request, and
        // `execute_batch` would compile both statements each time.
        let run = |sql: &str| -> Result<()> {
            guard.prepare_cached(sql)?.execute([])?;
            Ok(())
        };
        run("BEGIN DEFERRED")?;
        let out = f(&Reader {
            conn: &guard,
            cache: &self.cache,
            revision: Cell::new(None),
        });
        // A read transaction has nothing to keep; ending it releases the snapshot.
        run("COMMIT")?;
        out
    }

    /// Rebuilds the file (`VACUUM`) and empties the write-ahead log into it, so that nothing
    /// deleted or overwritten (a secret just sealed) survives in free pages or the log. Slow on
    /// a large store: for one-time steps such as sealing what an older store kept in clear.
    pub fn rewrite_free_space(&self) -> Result<()> {
        let conn = Self::lock(&self.writer)?;
        conn.execute_batch("VACUUM")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The query plan SQLite picks for `sql` (one line per step), for tests that assert an
    /// index is used.
    pub fn explain(&self, sql: &str) -> Result<Vec<String>> {
        let conn = Self::lock(&self.writer)?;
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::from)
    }
}

/// Decodes a JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::Corrupt {
        what,
        reason: e.to_string(),
    })
}

/// Encodes a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(what: &'static str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Corrupt {
        what,
        reason: e.to_string(),
    })
}

/// The smallest string greater than every string that starts with `prefix` (in code-point
/// order), or `None` when there is none. Used to turn a prefix into an index range.
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..=0xDFFF).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
