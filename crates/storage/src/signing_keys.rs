//! The `signing_keys` table: each pool's RS256 keys, private halves sealed by the caller.

use rusqlite::OptionalExtension;
use rusqlite::{Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// What a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// ID tokens.
    Id,
    /// Access tokens.
    Access,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Id => "id",
            Purpose::Access => "access",
        }
    }
}

/// A stored key.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub pk: i64,
    pub pool: i64,
    pub kid: String,
    pub purpose: Purpose,
    /// The PKCS#8 private key, sealed (AES-256-GCM) under the workspace master key.
    pub sealed_key: Vec<u8>,
    /// The public JWK, JSON.
    pub public_jwk: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub published_until: Option<i64>,
}

const COLUMNS: &str =
    "pk, pool, kid, purpose, sealed_key, public_jwk, created_at, retired_at, published_until";

fn row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    let purpose: String = r.get(3)?;
    Ok(KeyRow {
        pk: r.get(0)?,
        pool: r.get(1)?,
        kid: r.get(2)?,
        purpose: if purpose == "id" {
            Purpose::Id
        } else {
            Purpose::Access
        },
        sealed_key: r.get(4)?,
        public_jwk: r.get(5)?,
        created_at: r.get(6)?,
        retired_at: r.get(7)?,
        published_until: r.get(8)?,
    })
}

/// A key to insert.
pub struct NewKey<'a> {
    pub pool: i64,
    pub kid: &'a str,
    pub purpose: Purpose,
    pub sealed_key: &'a [u8],
    pub public_jwk: &'a str,
    pub now: i64,
}

/// Inserts a key that signs from now on.
pub fn insert(tx: &Tx<'_>, k: &NewKey<'_>) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO signing_keys(pool, kid, purpose, sealed_key, public_jwk, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            k.pool,
            k.kid,
            k.purpose.as_str(),
            k.sealed_key,
            k.public_jwk,
            k.now
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// A pool's keys that are still published at `now` (signing ones and retired ones whose tokens
/// may still be live), oldest first.
pub fn published(r: &impl Read, pool: i64, now: i64) -> Result<Vec<KeyRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM signing_keys
         WHERE pool = ?1 AND (retired_at IS NULL OR coalesce(published_until, 0) > ?2)
         ORDER BY created_at, pk"
    ))?;
    let rows = stmt.query_map(params![pool, now], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The id of the pool a key belongs to (`kid` is unique across the store).
pub fn pool_of(r: &impl Read, kid: &str) -> Result<Option<String>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT p.id FROM signing_keys k JOIN user_pools p ON p.pk = k.pool WHERE k.kid = ?1",
    )?;
    Ok(stmt.query_row([kid], |r| r.get(0)).optional()?)
}

/// Every key of a pool, newest first (for the console's key list).
pub fn list(r: &impl Read, pool: i64) -> Result<Vec<KeyRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE pool = ?1 ORDER BY created_at DESC, pk DESC"
    ))?;
    let rows = stmt.query_map([pool], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Stops a pool's current key for `purpose` from signing; it stays published until
/// `published_until`.
pub fn retire(
    tx: &Tx<'_>,
    pool: i64,
    purpose: Purpose,
    now: i64,
    published_until: i64,
) -> Result<usize> {
    let n = tx.conn().execute(
        "UPDATE signing_keys SET retired_at = ?3, published_until = ?4
         WHERE pool = ?1 AND purpose = ?2 AND retired_at IS NULL",
        params![pool, purpose.as_str(), now, published_until],
    )?;
    bump_config_revision(tx)?;
    Ok(n)
}
