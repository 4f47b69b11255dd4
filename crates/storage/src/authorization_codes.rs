//! The `authorization_codes` table: codes `/oauth2/authorize` hands out, by the digest of
//! their text (the code itself is never stored). A code is taken (read and deleted in one
//! statement) when it is redeemed, so it can be used once only.

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub pk: i64,
    pub client: i64,
    pub user: i64,
    pub redirect_uri: String,
    /// Space-separated, as granted.
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub nonce: Option<String>,
    /// Seconds, of the sign-in the code stands for.
    pub auth_time: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLUMNS: &str = "pk, client, user, redirect_uri, scopes, code_challenge, \
    code_challenge_method, nonce, auth_time, created_at, expires_at";

fn row(r: &Row<'_>) -> rusqlite::Result<CodeRow> {
    Ok(CodeRow {
        pk: r.get(0)?,
        client: r.get(1)?,
        user: r.get(2)?,
        redirect_uri: r.get(3)?,
        scopes: r.get(4)?,
        code_challenge: r.get(5)?,
        code_challenge_method: r.get(6)?,
        nonce: r.get(7)?,
        auth_time: r.get(8)?,
        created_at: r.get(9)?,
        expires_at: r.get(10)?,
    })
}

/// A code to record.
pub struct NewCode<'a> {
    pub digest: &'a [u8],
    pub client: i64,
    pub user: i64,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub code_challenge: Option<&'a str>,
    pub code_challenge_method: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub now: i64,
    pub expires_at: i64,
}

/// Records a code; expired codes go at the same time.
pub fn insert(tx: &Tx<'_>, c: &NewCode<'_>) -> Result<i64> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM authorization_codes WHERE expires_at <= ?1")?
        .execute([c.now])?;
    conn.prepare_cached(
        "INSERT INTO authorization_codes(digest, client, user, redirect_uri, scopes,
            code_challenge, code_challenge_method, nonce, auth_time, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        c.digest,
        c.client,
        c.user,
        c.redirect_uri,
        c.scopes,
        c.code_challenge,
        c.code_challenge_method,
        c.nonce,
        c.auth_time,
        c.now,
        c.expires_at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The row of a code, by its digest (without taking it).
pub fn by_digest(r: &impl Read, digest: &[u8]) -> Result<Option<CodeRow>> {
    Ok(r.conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM authorization_codes WHERE digest = ?1"
        ))?
        .query_row([digest], row)
        .optional()?)
}

/// Takes a code: answers its row and deletes it, in one statement, so that two redemptions
/// cannot both find it.
pub fn take(tx: &Tx<'_>, digest: &[u8]) -> Result<Option<CodeRow>> {
    Ok(tx
        .conn()
        .prepare_cached(&format!(
            "DELETE FROM authorization_codes WHERE digest = ?1 RETURNING {COLUMNS}"
        ))?
        .query_row([digest], row)
        .optional()?)
}
