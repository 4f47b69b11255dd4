//! The `refresh_token_rotations` table: the refresh tokens a sign-in had before rotation
//! replaced them, by digest, with the time each stops working (its grace period's end). They
//! go with their sign-in (`ON DELETE CASCADE`).

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A replaced refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotatedRow {
    /// The sign-in (`refresh_tokens.pk`) it belonged to.
    pub session: i64,
    pub rotated_at: i64,
    /// It works until then (ms, exclusive); it is a reuse after.
    pub valid_until: i64,
}

fn row(r: &Row<'_>) -> rusqlite::Result<RotatedRow> {
    Ok(RotatedRow {
        session: r.get(0)?,
        rotated_at: r.get(1)?,
        valid_until: r.get(2)?,
    })
}

/// The replaced token of this digest, if any.
pub fn by_digest(r: &impl Read, digest: &[u8]) -> Result<Option<RotatedRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT session, rotated_at, valid_until FROM refresh_token_rotations
             WHERE digest = ?1",
        )?
        .query_row([digest], row)
        .optional()?)
}

/// Keeps a replaced token, working until `valid_until`.
pub fn insert(tx: &Tx<'_>, digest: &[u8], session: i64, now: i64, valid_until: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO refresh_token_rotations(digest, session, rotated_at, valid_until)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![digest, session, now, valid_until])?;
    Ok(())
}

/// Ends the grace period of a sign-in's replaced tokens still in one, but `keep`'s (each
/// rotation leaves at most one replaced token retryable).
pub fn end_grace(tx: &Tx<'_>, session: i64, keep: Option<&[u8]>, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE refresh_token_rotations SET valid_until = ?2
             WHERE session = ?1 AND valid_until > ?2 AND digest IS NOT ?3",
        )?
        .execute(params![session, now, keep])?;
    Ok(())
}
