//! The `identity_pools` table: each identity pool's configuration, roles, role mappings,
//! principal tag maps and tags (JSON documents in Cognito's shapes). Every write bumps the
//! store's configuration revision, and reads keep the decoded pools while it stands.

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use domain::identity_pool::{IdentityPoolConfig, PrincipalTagMap};
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored identity pool.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityPoolRow {
    /// Internal key; never shown.
    pub pk: i64,
    pub id: IdentityPoolId,
    pub name: String,
    pub config: IdentityPoolConfig,
    /// `authenticated` / `unauthenticated` → role ARN.
    pub roles: BTreeMap<String, String>,
    /// Provider → `RoleMapping`, as it was given (checked by its shape only).
    pub role_mappings: BTreeMap<String, serde_json::Value>,
    /// Provider → its principal tag map.
    pub principal_tags: BTreeMap<String, PrincipalTagMap>,
    pub tags: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, id, name, allow_unauthenticated, allow_classic_flow, \
     developer_provider_name, supported_login_providers, cognito_identity_providers, \
     open_id_connect_provider_arns, saml_provider_arns, roles, role_mappings, principal_tags, \
     tags, created_at, updated_at";

/// The columns as read, before their JSON documents are decoded.
struct Raw {
    pk: i64,
    id: String,
    name: String,
    allow_unauthenticated: bool,
    allow_classic_flow: bool,
    developer_provider_name: Option<String>,
    json: [String; 8],
    created_at: i64,
    updated_at: i64,
}

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        pk: r.get(0)?,
        id: r.get(1)?,
        name: r.get(2)?,
        allow_unauthenticated: r.get(3)?,
        allow_classic_flow: r.get(4)?,
        developer_provider_name: r.get(5)?,
        json: [
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
            r.get(13)?,
        ],
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

fn decode(r: Raw) -> Result<IdentityPoolRow> {
    let [
        logins,
        cognito,
        oidc,
        saml,
        roles,
        mappings,
        principal,
        tags,
    ] = &r.json;
    Ok(IdentityPoolRow {
        pk: r.pk,
        // Ids were checked when the pool was made; one that no longer parses is damage.
        id: IdentityPoolId::parse(r.id).map_err(|e| crate::Error::Corrupt {
            what: "identity pool id",
            reason: e.to_string(),
        })?,
        name: r.name,
        config: IdentityPoolConfig {
            allow_unauthenticated_identities: r.allow_unauthenticated,
            allow_classic_flow: r.allow_classic_flow,
            supported_login_providers: from_json("identity pool login providers", logins)?,
            developer_provider_name: r.developer_provider_name,
            open_id_connect_provider_arns: from_json("identity pool OIDC providers", oidc)?,
            cognito_identity_providers: from_json("identity pool user pool providers", cognito)?,
            saml_provider_arns: from_json("identity pool SAML providers", saml)?,
        },
        roles: from_json("identity pool roles", roles)?,
        role_mappings: from_json("identity pool role mappings", mappings)?,
        principal_tags: from_json("identity pool principal tags", principal)?,
        tags: from_json("identity pool tags", tags)?,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// Inserts a pool with its configuration and tags (no roles yet) and returns its key.
pub fn insert(
    tx: &Tx<'_>,
    id: &IdentityPoolId,
    name: &str,
    config: &IdentityPoolConfig,
    tags: &BTreeMap<String, String>,
    now: i64,
) -> Result<i64> {
    let c = config;
    let [logins, user_pools, oidc, saml] = providers_json(c)?;
    tx.conn()
        .prepare_cached(
            "INSERT INTO identity_pools(id, name, allow_unauthenticated, allow_classic_flow,
                developer_provider_name, supported_login_providers, cognito_identity_providers,
                open_id_connect_provider_arns, saml_provider_arns, tags, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        )?
        .execute(params![
            id.as_str(),
            name,
            c.allow_unauthenticated_identities,
            c.allow_classic_flow,
            c.developer_provider_name,
            logins,
            user_pools,
            oidc,
            saml,
            to_json("identity pool tags", tags)?,
            now,
        ])?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The configuration's four provider lists as the JSON their columns hold: login providers,
/// user pool providers, OIDC provider ARNs, SAML provider ARNs.
fn providers_json(c: &IdentityPoolConfig) -> Result<[String; 4]> {
    Ok([
        to_json(
            "identity pool login providers",
            &c.supported_login_providers,
        )?,
        to_json(
            "identity pool user pool providers",
            &c.cognito_identity_providers,
        )?,
        to_json(
            "identity pool OIDC providers",
            &c.open_id_connect_provider_arns,
        )?,
        to_json("identity pool SAML providers", &c.saml_provider_arns)?,
    ])
}

/// The pool with this id, kept decoded while the configuration revision (which every write
/// below bumps) stands.
pub fn get(r: &impl Read, id: &str) -> Result<Option<IdentityPoolRow>> {
    crate::kept::through(r, &r.cache().identity_pools, id, |r| {
        r.conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM identity_pools WHERE id = ?1"
            ))?
            .query_row([id], raw)
            .optional()?
            .map(decode)
            .transpose()
    })
}

/// The pool with this key, likewise.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<IdentityPoolRow>> {
    crate::kept::through(r, &r.cache().identity_pools_by_pk, &pk, |r| {
        r.conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM identity_pools WHERE pk = ?1"
            ))?
            .query_row([pk], raw)
            .optional()?
            .map(decode)
            .transpose()
    })
}

/// Pools in creation order after `after_pk`, at most `limit`.
pub fn list(r: &impl Read, after_pk: i64, limit: u32) -> Result<Vec<IdentityPoolRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM identity_pools WHERE pk > ?1 ORDER BY pk LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![after_pk, limit], raw)?;
    rows.map(|r| decode(r?)).collect()
}

/// Replaces a pool's name and configuration; tags too when given.
pub fn update(
    tx: &Tx<'_>,
    pk: i64,
    name: &str,
    config: &IdentityPoolConfig,
    tags: Option<&BTreeMap<String, String>>,
    now: i64,
) -> Result<()> {
    let c = config;
    let tags = tags.map(|t| to_json("identity pool tags", t)).transpose()?;
    let [logins, user_pools, oidc, saml] = providers_json(c)?;
    tx.conn()
        .prepare_cached(
            "UPDATE identity_pools SET name = ?2, allow_unauthenticated = ?3,
                allow_classic_flow = ?4, developer_provider_name = ?5,
                supported_login_providers = ?6, cognito_identity_providers = ?7,
                open_id_connect_provider_arns = ?8, saml_provider_arns = ?9,
                tags = coalesce(?10, tags), updated_at = ?11
             WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            name,
            c.allow_unauthenticated_identities,
            c.allow_classic_flow,
            c.developer_provider_name,
            logins,
            user_pools,
            oidc,
            saml,
            tags,
            now,
        ])?;
    bump_config_revision(tx)
}

/// Replaces a pool's roles and role mappings.
pub fn set_roles(
    tx: &Tx<'_>,
    pk: i64,
    roles: &BTreeMap<String, String>,
    mappings: &BTreeMap<String, serde_json::Value>,
    now: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE identity_pools SET roles = ?2, role_mappings = ?3, updated_at = ?4
             WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            to_json("identity pool roles", roles)?,
            to_json("identity pool role mappings", mappings)?,
            now
        ])?;
    bump_config_revision(tx)
}

/// Replaces a pool's principal tag maps.
pub fn set_principal_tags(
    tx: &Tx<'_>,
    pk: i64,
    maps: &BTreeMap<String, PrincipalTagMap>,
    now: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE identity_pools SET principal_tags = ?2, updated_at = ?3 WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            to_json("identity pool principal tags", maps)?,
            now
        ])?;
    bump_config_revision(tx)
}

/// Replaces a pool's tags.
pub fn set_tags(tx: &Tx<'_>, pk: i64, tags: &BTreeMap<String, String>, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE identity_pools SET tags = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, to_json("identity pool tags", tags)?, now])?;
    bump_config_revision(tx)
}

/// Deletes a pool; returns whether there was one.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<bool> {
    let n = tx
        .conn()
        .execute("DELETE FROM identity_pools WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)?;
    Ok(n > 0)
}

/// How many pools the store holds.
pub fn count(r: &impl Read) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT count(*) FROM identity_pools")?
        .query_row([], |row| row.get(0))?)
}
