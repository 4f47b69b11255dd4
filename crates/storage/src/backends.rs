//! The `backends` table: AWS-compatible endpoints by name, their access key's secret sealed
//! (the caller seals and opens it).

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendRow {
    pub name: String,
    pub region: String,
    pub url: String,
    pub access_key_id: Option<String>,
    /// The secret, sealed (base64), when an access key is set.
    pub secret_sealed: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "name, region, url, access_key_id, secret_sealed, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<BackendRow> {
    Ok(BackendRow {
        name: r.get(0)?,
        region: r.get(1)?,
        url: r.get(2)?,
        access_key_id: r.get(3)?,
        secret_sealed: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// Inserts `b`; a backend of that name already there is [`crate::Error::Conflict`].
pub fn insert(tx: &Tx<'_>, b: &BackendRow) -> Result<()> {
    tx.conn().execute(
        &format!("INSERT INTO backends ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![
            b.name,
            b.region,
            b.url,
            b.access_key_id,
            b.secret_sealed,
            b.created_at,
            b.updated_at
        ],
    )?;
    Ok(())
}

/// Replaces the backend named `b.name`; false when there is none.
pub fn update(tx: &Tx<'_>, b: &BackendRow) -> Result<bool> {
    let n = tx.conn().execute(
        "UPDATE backends SET region = ?2, url = ?3, access_key_id = ?4, secret_sealed = ?5, \
         updated_at = ?6 WHERE name = ?1",
        params![
            b.name,
            b.region,
            b.url,
            b.access_key_id,
            b.secret_sealed,
            b.updated_at
        ],
    )?;
    Ok(n == 1)
}

/// Deletes the backend `name`; false when there is none.
pub fn delete(tx: &Tx<'_>, name: &str) -> Result<bool> {
    Ok(tx
        .conn()
        .execute("DELETE FROM backends WHERE name = ?1", [name])?
        == 1)
}

pub fn get(r: &impl Read, name: &str) -> Result<Option<BackendRow>> {
    Ok(r.conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM backends WHERE name = ?1"),
            [name],
            row,
        )
        .optional()?)
}

/// Every backend, by name.
pub fn list(r: &impl Read) -> Result<Vec<BackendRow>> {
    let mut stmt = r
        .conn()
        .prepare(&format!("SELECT {COLUMNS} FROM backends ORDER BY name"))?;
    let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
