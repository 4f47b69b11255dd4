//! The `user_pool_idps` and `user_provider_links` tables: a user pool's identity providers, and
//! the provider identities linked to its users.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored identity provider of a user pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpRow {
    pub pk: i64,
    pub pool: i64,
    pub name: String,
    /// `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`, `OIDC` or `SAML`.
    pub provider_type: String,
    /// ProviderDetails without the secret keys.
    pub details: BTreeMap<String, String>,
    /// The secret keys, sealed (see `user_pools::idps::sealing`).
    pub secrets_sealed: Option<Vec<u8>>,
    pub attribute_mapping: BTreeMap<String, String>,
    /// `AcrMapping`: `Level1`–`Level4` to the provider's `acr` values.
    pub acr_mapping: BTreeMap<String, String>,
    pub idp_identifiers: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What is written for a provider.
pub struct IdpFields<'a> {
    pub provider_type: &'a str,
    pub details: &'a BTreeMap<String, String>,
    pub secrets_sealed: Option<&'a [u8]>,
    pub attribute_mapping: &'a BTreeMap<String, String>,
    pub acr_mapping: &'a BTreeMap<String, String>,
    pub idp_identifiers: &'a [String],
}

const COLUMNS: &str = "pk, pool, name, provider_type, details, secrets_sealed, attribute_mapping, \
    idp_identifiers, created_at, updated_at, acr_mapping";

type Raw = (IdpRow, [String; 4]);

fn row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        IdpRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            name: r.get(2)?,
            provider_type: r.get(3)?,
            details: BTreeMap::new(),
            secrets_sealed: r.get(5)?,
            attribute_mapping: BTreeMap::new(),
            acr_mapping: BTreeMap::new(),
            idp_identifiers: Vec::new(),
            created_at: r.get(8)?,
            updated_at: r.get(9)?,
        },
        [r.get(4)?, r.get(6)?, r.get(7)?, r.get(10)?],
    ))
}

fn decode((mut p, [details, mapping, ids, acr]): Raw) -> Result<IdpRow> {
    p.details = from_json("identity provider details", &details)?;
    p.attribute_mapping = from_json("identity provider attribute mapping", &mapping)?;
    p.idp_identifiers = from_json("identity provider identifiers", &ids)?;
    p.acr_mapping = from_json("identity provider acr mapping", &acr)?;
    Ok(p)
}

/// Inserts a provider; [`crate::Error::Conflict`] when the name is taken in the pool.
pub fn insert(tx: &Tx<'_>, pool: i64, name: &str, f: &IdpFields<'_>, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_pool_idps(pool, name, provider_type, details, secrets_sealed,
             attribute_mapping, idp_identifiers, created_at, updated_at, acr_mapping)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        params![
            pool,
            name,
            f.provider_type,
            to_json("identity provider details", f.details)?,
            f.secrets_sealed,
            to_json("identity provider attribute mapping", f.attribute_mapping)?,
            to_json("identity provider identifiers", &f.idp_identifiers)?,
            now,
            to_json("identity provider acr mapping", f.acr_mapping)?,
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The provider with this name in this pool.
pub fn get(r: &impl Read, pool: i64, name: &str) -> Result<Option<IdpRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pool_idps WHERE pool = ?1 AND name = ?2"
    ))?;
    stmt.query_row(params![pool, name], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// A pool's providers by name, after `after`, at most `limit`.
pub fn list(r: &impl Read, pool: i64, after: &str, limit: u32) -> Result<Vec<IdpRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_pool_idps WHERE pool = ?1 AND name > ?2
         ORDER BY name LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![pool, after, limit], row)?;
    rows.map(|r| decode(r?)).collect()
}

/// How many providers a pool has.
pub fn count(r: &impl Read, pool: i64) -> Result<usize> {
    let n: i64 = r
        .conn()
        .prepare_cached("SELECT count(*) FROM user_pool_idps WHERE pool = ?1")?
        .query_row([pool], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Replaces a provider's details, secrets, mapping and identifiers.
pub fn update(tx: &Tx<'_>, pk: i64, f: &IdpFields<'_>, now: i64) -> Result<()> {
    tx.conn().execute(
        "UPDATE user_pool_idps SET details = ?2, secrets_sealed = ?3, attribute_mapping = ?4,
             idp_identifiers = ?5, updated_at = ?6, acr_mapping = ?7
         WHERE pk = ?1",
        params![
            pk,
            to_json("identity provider details", f.details)?,
            f.secrets_sealed,
            to_json("identity provider attribute mapping", f.attribute_mapping)?,
            to_json("identity provider identifiers", &f.idp_identifiers)?,
            now,
            to_json("identity provider acr mapping", f.acr_mapping)?,
        ],
    )?;
    bump_config_revision(tx)
}

/// Deletes a provider and the links to its identities.
pub fn delete(tx: &Tx<'_>, p: &IdpRow) -> Result<()> {
    tx.conn().execute(
        "DELETE FROM user_provider_links WHERE pool = ?1 AND provider_name = ?2",
        params![p.pool, p.name],
    )?;
    tx.conn()
        .execute("DELETE FROM user_pool_idps WHERE pk = ?1", [p.pk])?;
    bump_config_revision(tx)
}

/// A provider identity linked to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub pk: i64,
    pub pool: i64,
    pub user: i64,
    pub provider_name: String,
    pub attribute_name: String,
    pub subject: String,
    pub created_at: i64,
}

const LINK_COLUMNS: &str = "pk, pool, user, provider_name, attribute_name, subject, created_at";

fn link(r: &Row<'_>) -> rusqlite::Result<LinkRow> {
    Ok(LinkRow {
        pk: r.get(0)?,
        pool: r.get(1)?,
        user: r.get(2)?,
        provider_name: r.get(3)?,
        attribute_name: r.get(4)?,
        subject: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Links (provider, subject) to `user`; [`crate::Error::Conflict`] when that identity is
/// already linked in the pool.
pub fn insert_link(
    tx: &Tx<'_>,
    pool: i64,
    user: i64,
    provider_name: &str,
    attribute_name: &str,
    subject: &str,
    now: i64,
) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_provider_links(pool, user, provider_name, attribute_name, subject,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![pool, user, provider_name, attribute_name, subject, now],
    )?;
    Ok(tx.conn().last_insert_rowid())
}

/// The link of (provider, subject) in the pool.
pub fn find_link(
    r: &impl Read,
    pool: i64,
    provider_name: &str,
    subject: &str,
) -> Result<Option<LinkRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM user_provider_links
         WHERE pool = ?1 AND provider_name = ?2 AND subject = ?3"
    ))?;
    Ok(stmt
        .query_row(params![pool, provider_name, subject], link)
        .optional()?)
}

/// The identities linked to a user, oldest first.
pub fn links_of_user(r: &impl Read, user: i64) -> Result<Vec<LinkRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM user_provider_links WHERE user = ?1 ORDER BY created_at, pk"
    ))?;
    let rows = stmt.query_map([user], link)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The providers each of these users is linked to (by name, once each, in name order); users
/// with no link are absent. One indexed lookup per user (`user_provider_links_user`).
pub fn provider_names_for_users(
    r: &impl Read,
    users: &[i64],
) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for chunk in users.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut stmt = r.conn().prepare(&format!(
            "SELECT DISTINCT user, provider_name FROM user_provider_links WHERE user IN ({marks})
             ORDER BY user, provider_name"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk.iter()), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for item in rows {
            let (u, name) = item?;
            out.entry(u).or_default().push(name);
        }
    }
    Ok(out)
}

/// The links to a provider's identities.
pub fn links_of_provider(r: &impl Read, pool: i64, provider_name: &str) -> Result<Vec<LinkRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM user_provider_links WHERE pool = ?1 AND provider_name = ?2
         ORDER BY pk"
    ))?;
    let rows = stmt.query_map(params![pool, provider_name], link)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes a link.
pub fn delete_link(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_provider_links WHERE pk = ?1", [pk])?;
    Ok(())
}
