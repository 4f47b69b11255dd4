//! The `refresh_tokens` table: one row per sign-in, found by the digest of its refresh token or
//! by the `origin_jti` its ID and access tokens carry.

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored refresh token (its digest only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRow {
    pub pk: i64,
    pub client: i64,
    pub user: i64,
    pub origin_jti: String,
    /// Seconds since the epoch, as the tokens carry it.
    pub auth_time: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The scopes granted, space-separated: `None` for a sign-in through the API (its access
    /// tokens carry `aws.cognito.signin.user.admin`).
    pub scopes: Option<String>,
}

const COLUMNS: &str = "pk, client, user, origin_jti, auth_time, created_at, expires_at, \
    last_used_at, revoked_at, scopes";

fn row(r: &Row<'_>) -> rusqlite::Result<RefreshRow> {
    Ok(RefreshRow {
        pk: r.get(0)?,
        client: r.get(1)?,
        user: r.get(2)?,
        origin_jti: r.get(3)?,
        auth_time: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        last_used_at: r.get(7)?,
        revoked_at: r.get(8)?,
        scopes: r.get(9)?,
    })
}

/// A sign-in to record.
pub struct NewRefresh<'a> {
    pub digest: &'a [u8],
    pub client: i64,
    pub user: i64,
    pub origin_jti: &'a str,
    pub auth_time: i64,
    pub now: i64,
    pub expires_at: i64,
    /// The scopes granted (OAuth sign-ins); `None` for the API's.
    pub scopes: Option<&'a str>,
}

/// Records a sign-in's refresh token; expired rows of the same user go at the same time.
pub fn insert(tx: &Tx<'_>, t: &NewRefresh<'_>) -> Result<i64> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM refresh_tokens WHERE user = ?1 AND expires_at <= ?2")?
        .execute(params![t.user, t.now])?;
    conn.prepare_cached(
        "INSERT INTO refresh_tokens(digest, client, user, origin_jti, auth_time, created_at,
            expires_at, scopes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        t.digest,
        t.client,
        t.user,
        t.origin_jti,
        t.auth_time,
        t.now,
        t.expires_at,
        t.scopes
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The row of a refresh token, by its digest.
pub fn by_digest(r: &impl Read, digest: &[u8]) -> Result<Option<RefreshRow>> {
    Ok(r.conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM refresh_tokens WHERE digest = ?1"
        ))?
        .query_row([digest], row)
        .optional()?)
}

/// The row of the sign-in an ID or access token belongs to.
pub fn by_origin(r: &impl Read, origin_jti: &str) -> Result<Option<RefreshRow>> {
    Ok(r.conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM refresh_tokens WHERE origin_jti = ?1"
        ))?
        .query_row([origin_jti], row)
        .optional()?)
}

/// A user's sign-ins, newest first.
pub fn for_user(r: &impl Read, user: i64, limit: u32) -> Result<Vec<RefreshRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM refresh_tokens WHERE user = ?1 ORDER BY created_at DESC, pk DESC
         LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![user, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Notes that a refresh token was used.
pub fn touch(tx: &Tx<'_>, pk: i64, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE refresh_tokens SET last_used_at = ?2 WHERE pk = ?1")?
        .execute(params![pk, now])?;
    Ok(())
}

/// Revokes one sign-in.
pub fn revoke(tx: &Tx<'_>, pk: i64, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE refresh_tokens SET revoked_at = ?2 WHERE pk = ?1 AND revoked_at IS NULL",
        )?
        .execute(params![pk, now])?;
    Ok(())
}

/// Revokes every live sign-in of a user; answers how many.
pub fn revoke_user(tx: &Tx<'_>, user: i64, now: i64) -> Result<usize> {
    Ok(tx
        .conn()
        .prepare_cached(
            "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user = ?1 AND revoked_at IS NULL",
        )?
        .execute(params![user, now])?)
}

/// Replaces a sign-in's refresh token (rotation) if it is still `current`; answers whether it
/// was (a concurrent rotation may have replaced it first).
pub fn replace_digest(tx: &Tx<'_>, pk: i64, current: &[u8], new: &[u8], now: i64) -> Result<bool> {
    Ok(tx
        .conn()
        .prepare_cached(
            "UPDATE refresh_tokens SET digest = ?3, last_used_at = ?4
             WHERE pk = ?1 AND digest = ?2 AND revoked_at IS NULL",
        )?
        .execute(params![pk, current, new, now])?
        == 1)
}

/// The digest of a sign-in's current refresh token.
pub fn digest_of(r: &impl Read, pk: i64) -> Result<Option<Vec<u8>>> {
    Ok(r.conn()
        .prepare_cached("SELECT digest FROM refresh_tokens WHERE pk = ?1")?
        .query_row([pk], |r| r.get(0))
        .optional()?)
}

/// The row of a sign-in, by key.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<RefreshRow>> {
    Ok(r.conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM refresh_tokens WHERE pk = ?1"
        ))?
        .query_row([pk], row)
        .optional()?)
}
