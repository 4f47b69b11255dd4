//! The `user_pool_domains` table: a pool's prefix domain and custom domain.

use domain::oauth::{CustomDomainConfig, Routing};
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    pub pk: i64,
    pub pool: i64,
    /// The pool's id (`us-east-1_AbC`), read with the row.
    pub pool_id: String,
    pub domain: String,
    /// The custom domain's certificate and TLS policy; None for a prefix domain.
    pub custom: Option<CustomDomainConfig>,
    pub routing: Option<Routing>,
    pub managed_login_version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "d.pk, d.pool, p.id, d.domain, d.managed_login_version, d.created_at, \
                       d.updated_at, d.certificate_arn, d.security_policy, d.routing";

/// A row and its encoded columns: certificate, TLS policy, routing.
type Raw = (DomainRow, Option<String>, Option<String>, Option<String>);

fn row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        DomainRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            pool_id: r.get(2)?,
            domain: r.get(3)?,
            custom: None,
            routing: None,
            managed_login_version: r.get(4)?,
            created_at: r.get(5)?,
            updated_at: r.get(6)?,
        },
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn decode((mut d, certificate, policy, routing): Raw) -> Result<DomainRow> {
    if let Some(certificate_arn) = certificate {
        d.custom = Some(CustomDomainConfig {
            certificate_arn,
            security_policy: policy
                .map(|p| from_json("domain security policy", &format!("\"{p}\"")))
                .transpose()?,
        });
    }
    d.routing = routing
        .map(|r| from_json("domain routing", &r))
        .transpose()?;
    Ok(d)
}

/// The columns a domain's custom configuration and routing are kept in.
fn encode(
    custom: Option<&CustomDomainConfig>,
    routing: Option<&Routing>,
) -> Result<(Option<String>, Option<String>, Option<String>)> {
    let policy = custom
        .and_then(|c| c.security_policy)
        .map(|p| to_json("domain security policy", &p))
        .transpose()?
        .map(|p| p.trim_matches('"').to_string());
    let routing = routing.map(|r| to_json("domain routing", r)).transpose()?;
    Ok((custom.map(|c| c.certificate_arn.clone()), policy, routing))
}

/// A domain to insert.
pub struct NewDomain<'a> {
    pub pool: i64,
    pub domain: &'a str,
    pub custom: Option<&'a CustomDomainConfig>,
    pub routing: Option<&'a Routing>,
    pub managed_login_version: i32,
}

/// Inserts a domain; [`crate::Error::Conflict`] when the name is taken or the pool already has
/// a domain of that kind.
pub fn insert(tx: &Tx<'_>, d: &NewDomain<'_>, now: i64) -> Result<i64> {
    let (certificate, policy, routing) = encode(d.custom, d.routing)?;
    tx.conn().execute(
        "INSERT INTO user_pool_domains(pool, domain, certificate_arn, security_policy, routing,
                                       managed_login_version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            d.pool,
            d.domain,
            certificate,
            policy,
            routing,
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
    stmt.query_row([domain], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// A pool's domains, the prefix domain first.
pub fn of_pool(r: &impl Read, pool: i64) -> Result<Vec<DomainRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pool_domains d JOIN user_pools p ON p.pk = d.pool
         WHERE d.pool = ?1 ORDER BY d.certificate_arn IS NOT NULL, d.pk"
    ))?;
    let rows = stmt.query_map([pool], row)?;
    rows.map(|r| decode(r?)).collect()
}

/// Changes a domain's custom configuration, routing and managed login version.
pub fn update(
    tx: &Tx<'_>,
    pk: i64,
    custom: Option<&CustomDomainConfig>,
    routing: Option<&Routing>,
    managed_login_version: i32,
    now: i64,
) -> Result<()> {
    let (certificate, policy, routing) = encode(custom, routing)?;
    tx.conn().execute(
        "UPDATE user_pool_domains SET certificate_arn = ?2, security_policy = ?3, routing = ?4,
                managed_login_version = ?5, updated_at = ?6 WHERE pk = ?1",
        params![pk, certificate, policy, routing, managed_login_version, now],
    )?;
    bump_config_revision(tx)
}

/// Deletes a domain.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_pool_domains WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
