//! The `saml_sessions` table: for a hosted session that began with a SAML provider, what a
//! `LogoutRequest` to that provider names (the assertion's NameID and SessionIndex). One row per
//! sign-in (`refresh_tokens.pk`), written with it and deleted with it (or when `/logout` ends
//! the session).

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A sign-in's SAML session at its provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlSessionRow {
    /// The sign-in (`refresh_tokens.pk`).
    pub refresh: i64,
    /// The provider's `ProviderName` in the pool.
    pub provider: String,
    pub name_id: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
}

/// Records the SAML session of the sign-in `refresh`.
pub fn insert(tx: &Tx<'_>, s: &SamlSessionRow) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO saml_sessions(refresh, provider, name_id, name_id_format, session_index)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            s.refresh,
            s.provider,
            s.name_id,
            s.name_id_format,
            s.session_index
        ])?;
    Ok(())
}

/// The SAML session of the sign-in `refresh`, if it began with a SAML provider.
pub fn get(r: &impl Read, refresh: i64) -> Result<Option<SamlSessionRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT refresh, provider, name_id, name_id_format, session_index
             FROM saml_sessions WHERE refresh = ?1",
        )?
        .query_row([refresh], |row| {
            Ok(SamlSessionRow {
                refresh: row.get(0)?,
                provider: row.get(1)?,
                name_id: row.get(2)?,
                name_id_format: row.get(3)?,
                session_index: row.get(4)?,
            })
        })
        .optional()?)
}

/// Takes the SAML session of the sign-in `refresh` away (its sign-out was sent to the provider):
/// answers it, if there was one.
pub fn take(tx: &Tx<'_>, refresh: i64) -> Result<Option<SamlSessionRow>> {
    let found = get(tx, refresh)?;
    if found.is_some() {
        tx.conn()
            .prepare_cached("DELETE FROM saml_sessions WHERE refresh = ?1")?
            .execute([refresh])?;
    }
    Ok(found)
}
