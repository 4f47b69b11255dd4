//! The `srp_verifiers` table: a user's SRP salt and sealed verifier.

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// Stores (or replaces) a user's verifier.
pub fn put(tx: &Tx<'_>, user: i64, salt: &str, sealed_verifier: &[u8]) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO srp_verifiers(user, salt, sealed_verifier) VALUES (?1, ?2, ?3)
             ON CONFLICT(user) DO UPDATE SET salt = excluded.salt,
                sealed_verifier = excluded.sealed_verifier",
        )?
        .execute(params![user, salt, sealed_verifier])?;
    Ok(())
}

/// A user's salt and sealed verifier.
pub fn get(r: &impl Read, user: i64) -> Result<Option<(String, Vec<u8>)>> {
    Ok(r.conn()
        .prepare_cached("SELECT salt, sealed_verifier FROM srp_verifiers WHERE user = ?1")?
        .query_row([user], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// Forgets a user's verifier (their password changed).
pub(crate) fn forget(tx: &Tx<'_>, user: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("DELETE FROM srp_verifiers WHERE user = ?1")?
        .execute([user])?;
    Ok(())
}
