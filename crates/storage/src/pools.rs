//! The `user_pools` table.

use domain::UserPoolId;
use std::sync::Arc;

use domain::pool::PoolConfig;
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored user pool.
#[derive(Debug, Clone)]
pub struct PoolRow {
    /// Internal key; never shown.
    pub pk: i64,
    pub id: UserPoolId,
    pub name: String,
    /// Shared: a pool read from the cache is a cheap copy.
    pub config: Arc<PoolConfig>,
    /// From `pool_counters`, which [`crate::users`] keeps up to date.
    pub user_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str =
    "p.pk, p.id, p.name, p.config, coalesce(c.users, 0), p.created_at, p.updated_at";
const FROM: &str = "user_pools p LEFT JOIN pool_counters c ON c.pool = p.pk";

fn row(r: &Row<'_>) -> rusqlite::Result<(PoolRow, String)> {
    let config: String = r.get(3)?;
    Ok((
        PoolRow {
            pk: r.get(0)?,
            // Ids were checked when the pool was made; one that no longer parses is damage.
            id: UserPoolId::parse(r.get::<_, String>(1)?).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
            name: r.get(2)?,
            config: Arc::default(),
            user_count: r.get(4)?,
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
        },
        config,
    ))
}

fn decode((mut p, config): (PoolRow, String)) -> Result<PoolRow> {
    p.config = Arc::new(from_json("pool configuration", &config)?);
    Ok(p)
}

/// Inserts a pool and returns its key.
pub fn insert(tx: &Tx<'_>, id: &str, name: &str, config: &PoolConfig, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_pools(id, name, config, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, name, to_json("pool configuration", config)?, now],
    )?;
    let pk = tx.conn().last_insert_rowid();
    tx.conn().execute(
        "INSERT INTO pool_counters(pool, users) VALUES (?1, 0)",
        [pk],
    )?;
    Ok(pk)
}

/// The pool with this id: kept decoded while the configuration revision is unchanged, with
/// its user count always read fresh.
pub fn get(r: &impl Read, id: &str) -> Result<Option<PoolRow>> {
    let mut read_now = false;
    let found = crate::kept::through(r, &r.cache().pools, id, |r| {
        read_now = true;
        r.conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE p.id = ?1"))?
            .query_row([id], row)
            .optional()?
            .map(decode)
            .transpose()
    })?;
    match found {
        Some(mut p) if !read_now => {
            p.user_count = crate::users::count(r, p.pk)?;
            Ok(Some(p))
        }
        other => Ok(other),
    }
}

/// Pools in creation order after `after_pk`, at most `limit`.
pub fn list(r: &impl Read, after_pk: i64, limit: u32) -> Result<Vec<PoolRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE p.pk > ?1 ORDER BY p.pk LIMIT ?2"
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
    bump_config_revision(tx)
}

/// Deletes a pool and, by cascade, its clients, users and groups.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_pools WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
