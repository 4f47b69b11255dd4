//! The `user_pools` table.

use domain::pool::PoolConfig;
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, from_json, to_json};

/// A stored user pool.
#[derive(Debug, Clone)]
pub struct PoolRow {
    /// Internal key; never shown.
    pub pk: i64,
    pub id: String,
    pub name: String,
    pub config: PoolConfig,
    /// Maintained by triggers on `users`.
    pub user_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, id, name, config, user_count, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<(PoolRow, String)> {
    let config: String = r.get(3)?;
    Ok((
        PoolRow {
            pk: r.get(0)?,
            id: r.get(1)?,
            name: r.get(2)?,
            config: PoolConfig::default(),
            user_count: r.get(4)?,
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
        },
        config,
    ))
}

fn decode((mut p, config): (PoolRow, String)) -> Result<PoolRow> {
    p.config = from_json("pool configuration", &config)?;
    Ok(p)
}

/// Inserts a pool and returns its key.
pub fn insert(tx: &Tx<'_>, id: &str, name: &str, config: &PoolConfig, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_pools(id, name, config, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, name, to_json("pool configuration", config)?, now],
    )?;
    Ok(tx.conn().last_insert_rowid())
}

/// The pool with this id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<PoolRow>> {
    let mut stmt = r
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM user_pools WHERE id = ?1"))?;
    stmt.query_row([id], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// Pools in creation order after `after_pk`, at most `limit`.
pub fn list(r: &impl Read, after_pk: i64, limit: u32) -> Result<Vec<PoolRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pools WHERE pk > ?1 ORDER BY pk LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![after_pk, limit], row)?;
    rows.map(|r| decode(r?)).collect()
}

/// Replaces a pool's name and configuration.
pub fn update(tx: &Tx<'_>, pk: i64, name: &str, config: &PoolConfig, now: i64) -> Result<()> {
    tx.conn().execute(
        "UPDATE user_pools SET name = ?2, config = ?3, updated_at = ?4 WHERE pk = ?1",
        params![pk, name, to_json("pool configuration", config)?, now],
    )?;
    Ok(())
}

/// Deletes a pool and, by cascade, its clients, users and groups.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_pools WHERE pk = ?1", [pk])?;
    Ok(())
}
