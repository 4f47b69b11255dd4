//! The `codes` table: one live one-time code per user and purpose, by digest.

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub digest: Vec<u8>,
    pub attempts: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Stores the code for `purpose`, replacing any earlier one.
pub fn put(
    tx: &Tx<'_>,
    user: i64,
    purpose: &str,
    digest: &[u8],
    now: i64,
    expires_at: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO codes(user, purpose, digest, attempts, created_at, expires_at)
             VALUES (?1, ?2, ?3, 0, ?4, ?5)
             ON CONFLICT(user, purpose) DO UPDATE SET digest = excluded.digest, attempts = 0,
                created_at = excluded.created_at, expires_at = excluded.expires_at",
        )?
        .execute(params![user, purpose, digest, now, expires_at])?;
    Ok(())
}

/// The live code for `purpose`, if any.
pub fn get(r: &impl Read, user: i64, purpose: &str) -> Result<Option<CodeRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT digest, attempts, created_at, expires_at FROM codes
             WHERE user = ?1 AND purpose = ?2",
        )?
        .query_row(params![user, purpose], |r| {
            Ok(CodeRow {
                digest: r.get(0)?,
                attempts: r.get(1)?,
                created_at: r.get(2)?,
                expires_at: r.get(3)?,
            })
        })
        .optional()?)
}

/// Counts a wrong attempt.
pub fn add_attempt(tx: &Tx<'_>, user: i64, purpose: &str) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE codes SET attempts = attempts + 1 WHERE user = ?1 AND purpose = ?2",
        )?
        .execute(params![user, purpose])?;
    Ok(())
}

/// Removes the code (used, or no longer wanted).
pub fn delete(tx: &Tx<'_>, user: i64, purpose: &str) -> Result<()> {
    tx.conn()
        .prepare_cached("DELETE FROM codes WHERE user = ?1 AND purpose = ?2")?
        .execute(params![user, purpose])?;
    Ok(())
}
