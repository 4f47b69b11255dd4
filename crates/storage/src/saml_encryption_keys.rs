//! The `saml_encryption_keys` table: each SAML provider's encryption key pairs (certificate in
//! clear, private key sealed by the caller), newest first.

use rusqlite::params;

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionKeyRow {
    pub pk: i64,
    /// The provider (`user_pool_idps.pk`).
    pub idp: i64,
    /// The certificate, DER.
    pub certificate: Vec<u8>,
    /// The PKCS#8 private key, sealed under the master key.
    pub sealed_key: Vec<u8>,
    pub created_at: i64,
}

/// Adds a key pair to the provider `idp`.
pub fn insert(
    tx: &Tx<'_>,
    idp: i64,
    certificate: &[u8],
    sealed_key: &[u8],
    now: i64,
) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO saml_encryption_keys(idp, certificate, sealed_key, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![idp, certificate, sealed_key, now],
    )?;
    Ok(tx.conn().last_insert_rowid())
}

/// The provider's key pairs, the newest (the active one) first.
pub fn of_idp(r: &impl Read, idp: i64) -> Result<Vec<EncryptionKeyRow>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, idp, certificate, sealed_key, created_at FROM saml_encryption_keys
         WHERE idp = ?1 ORDER BY created_at DESC, pk DESC",
    )?;
    let rows = stmt.query_map([idp], |r| {
        Ok(EncryptionKeyRow {
            pk: r.get(0)?,
            idp: r.get(1)?,
            certificate: r.get(2)?,
            sealed_key: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
