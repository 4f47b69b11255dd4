//! The `auth_sessions` table: sign-ins waiting for a challenge's answer.

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored challenge session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub pk: i64,
    pub client: i64,
    pub user: i64,
    /// The challenge it waits on (`NEW_PASSWORD_REQUIRED`, ...).
    pub challenge: String,
    /// Engine state, JSON.
    pub state: String,
    pub expires_at: i64,
}

/// A session to store.
pub struct NewSession<'a> {
    pub digest: &'a [u8],
    pub client: i64,
    pub user: i64,
    pub challenge: &'a str,
    pub state: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// Stores a session; expired sessions go at the same time.
pub fn insert(tx: &Tx<'_>, s: &NewSession<'_>) -> Result<i64> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM auth_sessions WHERE expires_at <= ?1")?
        .execute([s.now])?;
    conn.prepare_cached(
        "INSERT INTO auth_sessions(digest, client, user, challenge, state, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        s.digest,
        s.client,
        s.user,
        s.challenge,
        s.state,
        s.expires_at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The session with this digest.
pub fn by_digest(r: &impl Read, digest: &[u8]) -> Result<Option<SessionRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT pk, client, user, challenge, state, expires_at FROM auth_sessions
             WHERE digest = ?1",
        )?
        .query_row([digest], |r| {
            Ok(SessionRow {
                pk: r.get(0)?,
                client: r.get(1)?,
                user: r.get(2)?,
                challenge: r.get(3)?,
                state: r.get(4)?,
                expires_at: r.get(5)?,
            })
        })
        .optional()?)
}

/// Replaces a session's engine state (a step of a multi-step challenge was done).
pub fn set_state(tx: &Tx<'_>, pk: i64, state: &str) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE auth_sessions SET state = ?2 WHERE pk = ?1")?
        .execute(params![pk, state])?;
    Ok(())
}

/// Ends a session (answered, or abandoned); `false` if it was already gone.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<bool> {
    Ok(tx
        .conn()
        .prepare_cached("DELETE FROM auth_sessions WHERE pk = ?1")?
        .execute([pk])?
        == 1)
}
