//! The `user_pool_domains` table: a pool's prefix domain and custom domain.

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// A stored domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    pub pk: i64,
    pub pool: i64,
    /// The pool's id (`us-east-1_AbC`), read with the row.
    pub pool_id: String,
    pub domain: String,
    /// The custom domain's certificate; None for a prefix domain.
    pub certificate_arn: Option<String>,
    pub managed_login_version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "d.pk, d.pool, p.id, d.domain, d.certificate_arn, d.managed_login_version, \
                       d.created_at, d.updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<DomainRow> {
    Ok(DomainRow {
        pk: r.get(0)?,
        pool: r.get(1)?,
        pool_id: r.get(2)?,
        domain: r.get(3)?,
        certificate_arn: r.get(4)?,
        managed_login_version: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// A domain to insert.
pub struct NewDomain<'a> {
    pub pool: i64,
    pub domain: &'a str,
    pub certificate_arn: Option<&'a str>,
    pub managed_login_version: i32,
}

/// Inserts a domain; [`crate::Error::Conflict`] when the name is taken or the pool already has
/// a domain of that kind.
pub fn insert(tx: &Tx<'_>, d: &NewDomain<'_>, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_pool_domains(pool, domain, certificate_arn, managed_login_version,
                                       created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            d.pool,
            d.domain,
            d.certificate_arn,
            d.managed_login_version,
            now
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The domain with this name, in any pool.
pub fn get(r: &impl Read, domain: &str) -> Result<Option<DomainRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pool_domains d JOIN user_pools p ON p.pk = d.pool
         WHERE d.domain = ?1"
    ))?;
    Ok(stmt.query_row([domain], row).optional()?)
}

/// A pool's domains, the prefix domain first.
pub fn of_pool(r: &impl Read, pool: i64) -> Result<Vec<DomainRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pool_domains d JOIN user_pools p ON p.pk = d.pool
         WHERE d.pool = ?1 ORDER BY d.certificate_arn IS NOT NULL, d.pk"
    ))?;
    let rows = stmt.query_map([pool], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes a domain's certificate and managed login version.
pub fn update(
    tx: &Tx<'_>,
    pk: i64,
    certificate_arn: Option<&str>,
    managed_login_version: i32,
    now: i64,
) -> Result<()> {
    tx.conn().execute(
        "UPDATE user_pool_domains SET certificate_arn = ?2, managed_login_version = ?3,
                updated_at = ?4 WHERE pk = ?1",
        params![pk, certificate_arn, managed_login_version, now],
    )?;
    bump_config_revision(tx)
}

/// Deletes a domain.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_pool_domains WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
