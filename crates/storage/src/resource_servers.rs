//! The `resource_servers` table: a pool's OAuth resource servers and their scopes.

use domain::oauth::ResourceServerScope;
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored resource server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceServerRow {
    pub pk: i64,
    pub pool: i64,
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<ResourceServerScope>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, pool, identifier, name, scopes, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<(ResourceServerRow, String)> {
    Ok((
        ResourceServerRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            identifier: r.get(2)?,
            name: r.get(3)?,
            scopes: Vec::new(),
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
        },
        r.get(4)?,
    ))
}

fn decode((mut s, scopes): (ResourceServerRow, String)) -> Result<ResourceServerRow> {
    s.scopes = from_json("resource server scopes", &scopes)?;
    Ok(s)
}

/// Inserts a resource server; [`crate::Error::Conflict`] when the identifier is taken in the
/// pool.
pub fn insert(
    tx: &Tx<'_>,
    pool: i64,
    identifier: &str,
    name: &str,
    scopes: &[ResourceServerScope],
    now: i64,
) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO resource_servers(pool, identifier, name, scopes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            pool,
            identifier,
            name,
            to_json("resource server scopes", &scopes)?,
            now
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The resource server with this identifier in this pool.
pub fn get(r: &impl Read, pool: i64, identifier: &str) -> Result<Option<ResourceServerRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM resource_servers WHERE pool = ?1 AND identifier = ?2"
    ))?;
    stmt.query_row(params![pool, identifier], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// A pool's resource servers by identifier, after `after`, at most `limit`.
pub fn list(r: &impl Read, pool: i64, after: &str, limit: u32) -> Result<Vec<ResourceServerRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM resource_servers WHERE pool = ?1 AND identifier > ?2
         ORDER BY identifier LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![pool, after, limit], row)?;
    rows.map(|r| decode(r?)).collect()
}

/// How many resource servers a pool has.
pub fn count(r: &impl Read, pool: i64) -> Result<usize> {
    let n: i64 = r
        .conn()
        .prepare_cached("SELECT count(*) FROM resource_servers WHERE pool = ?1")?
        .query_row([pool], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Replaces a resource server's name and scopes.
pub fn update(
    tx: &Tx<'_>,
    pk: i64,
    name: &str,
    scopes: &[ResourceServerScope],
    now: i64,
) -> Result<()> {
    tx.conn().execute(
        "UPDATE resource_servers SET name = ?2, scopes = ?3, updated_at = ?4 WHERE pk = ?1",
        params![pk, name, to_json("resource server scopes", &scopes)?, now],
    )?;
    bump_config_revision(tx)
}

/// Deletes a resource server.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM resource_servers WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
