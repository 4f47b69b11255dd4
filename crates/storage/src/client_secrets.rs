//! The `client_secrets` table: an app client's current secrets (up to two, for rotation).
//!
//! Each value is stored sealed under the store's master key (the engine seals and opens it;
//! see `user_pools::client_secrets`). A store written before secrets were sealed keeps them in
//! the `secret` column until it is next opened, which seals them ([`in_clear`], [`seal`]).

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// One of a client's current secrets as stored: its id and its value sealed under the master
/// key (`None` while a store written before secrets were sealed still keeps it in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    pub secret_id: String,
    pub sealed: Option<Vec<u8>>,
}

/// A stored client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecretRow {
    pub pk: i64,
    pub client: i64,
    pub secret_id: String,
    /// The value sealed under the master key; `None` for a row still in clear (a store written
    /// before secrets were sealed, not opened since).
    pub sealed: Option<Vec<u8>>,
    pub created_at: i64,
}

/// A secret a store still keeps in clear, with what it is bound to when sealed.
#[derive(Debug)]
pub struct ClearSecret {
    pub pk: i64,
    pub client_id: String,
    pub secret_id: String,
    pub secret: String,
}

const COLUMNS: &str = "pk, client, secret_id, secret_sealed, created_at";

fn row(r: &Row<'_>) -> rusqlite::Result<ClientSecretRow> {
    Ok(ClientSecretRow {
        pk: r.get(0)?,
        client: r.get(1)?,
        secret_id: r.get(2)?,
        sealed: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// Adds a secret to a client, already sealed.
pub fn insert(tx: &Tx<'_>, client: i64, secret_id: &str, sealed: &[u8], now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO client_secrets(client, secret_id, secret_sealed, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![client, secret_id, sealed, now],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// A client's secrets, oldest first.
pub fn of_client(r: &impl Read, client: i64) -> Result<Vec<ClientSecretRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM client_secrets WHERE client = ?1 ORDER BY created_at, pk"
    ))?;
    let rows = stmt.query_map([client], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The secret with this id of this client.
pub fn get(r: &impl Read, client: i64, secret_id: &str) -> Result<Option<ClientSecretRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM client_secrets WHERE client = ?1 AND secret_id = ?2"
    ))?;
    Ok(stmt.query_row(params![client, secret_id], row).optional()?)
}

/// Deletes a secret.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM client_secrets WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}

/// The secrets the store still keeps in clear (none once it has been opened by a build that
/// seals them).
pub fn in_clear(r: &impl Read) -> Result<Vec<ClearSecret>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT s.pk, c.client_id, s.secret_id, s.secret
         FROM client_secrets s JOIN app_clients c ON c.pk = s.client
         WHERE s.secret IS NOT NULL ORDER BY s.pk",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ClearSecret {
            pk: r.get(0)?,
            client_id: r.get(1)?,
            secret_id: r.get(2)?,
            secret: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces a clear secret by its sealed value. The clear bytes stay in the file's free space
/// until [`crate::Db::rewrite_free_space`] runs.
pub fn seal(tx: &Tx<'_>, pk: i64, sealed: &[u8]) -> Result<()> {
    tx.conn().execute(
        "UPDATE client_secrets SET secret = NULL, secret_sealed = ?2 WHERE pk = ?1",
        params![pk, sealed],
    )?;
    bump_config_revision(tx)
}

/// One sealed secret of the store, with its client's id (to check at opening that the master
/// key opens them), if there is any.
pub fn any_sealed(r: &impl Read) -> Result<Option<(String, StoredSecret)>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT c.client_id, s.secret_id, s.secret_sealed
         FROM client_secrets s JOIN app_clients c ON c.pk = s.client
         WHERE s.secret_sealed IS NOT NULL LIMIT 1",
    )?;
    Ok(stmt
        .query_row([], |r| {
            Ok((
                r.get(0)?,
                StoredSecret {
                    secret_id: r.get(1)?,
                    sealed: r.get(2)?,
                },
            ))
        })
        .optional()?)
}

/// Whether the store keeps any secret in clear (see [`in_clear`]).
pub fn any_in_clear(r: &impl Read) -> Result<bool> {
    Ok(r.conn()
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM client_secrets WHERE secret IS NOT NULL)")?
        .query_row([], |row| row.get(0))?)
}
