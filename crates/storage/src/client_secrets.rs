//! The `client_secrets` table: an app client's current secrets (up to two, for rotation).

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// A stored client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecretRow {
    pub pk: i64,
    pub client: i64,
    pub secret_id: String,
    pub secret: String,
    pub created_at: i64,
}

fn row(r: &Row<'_>) -> rusqlite::Result<ClientSecretRow> {
    Ok(ClientSecretRow {
        pk: r.get(0)?,
        client: r.get(1)?,
        secret_id: r.get(2)?,
        secret: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// Adds a secret to a client.
pub fn insert(tx: &Tx<'_>, client: i64, secret_id: &str, secret: &str, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO client_secrets(client, secret_id, secret, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![client, secret_id, secret, now],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// A client's secrets, oldest first.
pub fn of_client(r: &impl Read, client: i64) -> Result<Vec<ClientSecretRow>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, client, secret_id, secret, created_at FROM client_secrets
         WHERE client = ?1 ORDER BY created_at, pk",
    )?;
    let rows = stmt.query_map([client], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The secret with this id of this client.
pub fn get(r: &impl Read, client: i64, secret_id: &str) -> Result<Option<ClientSecretRow>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, client, secret_id, secret, created_at FROM client_secrets
         WHERE client = ?1 AND secret_id = ?2",
    )?;
    Ok(stmt.query_row(params![client, secret_id], row).optional()?)
}

/// Deletes a secret.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM client_secrets WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
