//! The `federation_providers` table: IAM-style OpenID Connect and SAML providers.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, from_json, to_json};

/// Which kind of IAM provider a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FederationKind {
    Oidc,
    Saml,
}

impl FederationKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::Saml => "saml",
        }
    }
}

/// A stored provider.
#[derive(Debug, Clone, PartialEq)]
pub struct FederationProviderRow {
    /// Internal key; never shown.
    pub pk: i64,
    pub kind: FederationKind,
    /// An OIDC provider's issuer host and path (its Logins key), a SAML provider's name.
    pub name: String,
    /// An OIDC provider's issuer URL.
    pub url: Option<String>,
    /// An OIDC provider's client ids (audiences).
    pub client_ids: Vec<String>,
    /// An OIDC provider's certificate thumbprints, as IAM keeps them.
    pub thumbprints: Vec<String>,
    /// A SAML provider's metadata document, as given.
    pub metadata: Option<String>,
    /// A SAML provider's `validUntil` (epoch ms), when the metadata has one.
    pub valid_until: Option<i64>,
    pub tags: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a new provider holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewFederationProvider<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
    pub client_ids: &'a [String],
    pub thumbprints: &'a [String],
    pub metadata: Option<&'a str>,
    pub valid_until: Option<i64>,
    pub tags: Option<&'a BTreeMap<String, String>>,
}

const COLUMNS: &str = "pk, kind, name, url, client_ids, thumbprints, metadata, valid_until, \
     tags, created_at, updated_at";

struct Raw {
    pk: i64,
    kind: String,
    name: String,
    url: Option<String>,
    client_ids: String,
    thumbprints: String,
    metadata: Option<String>,
    valid_until: Option<i64>,
    tags: String,
    created_at: i64,
    updated_at: i64,
}

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        pk: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        url: r.get(3)?,
        client_ids: r.get(4)?,
        thumbprints: r.get(5)?,
        metadata: r.get(6)?,
        valid_until: r.get(7)?,
        tags: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn decode(r: Raw) -> Result<FederationProviderRow> {
    let kind = match r.kind.as_str() {
        "oidc" => FederationKind::Oidc,
        "saml" => FederationKind::Saml,
        other => {
            return Err(crate::Error::Corrupt {
                what: "federation provider kind",
                reason: format!("'{other}' is neither oidc nor saml"),
            });
        }
    };
    Ok(FederationProviderRow {
        pk: r.pk,
        kind,
        name: r.name,
        url: r.url,
        client_ids: from_json("federation provider client ids", &r.client_ids)?,
        thumbprints: from_json("federation provider thumbprints", &r.thumbprints)?,
        metadata: r.metadata,
        valid_until: r.valid_until,
        tags: from_json("federation provider tags", &r.tags)?,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// Inserts a provider and returns its key; a second provider of the same kind and name is
/// refused with [`crate::Error::Conflict`].
pub fn insert(
    tx: &Tx<'_>,
    kind: FederationKind,
    p: &NewFederationProvider<'_>,
    now: i64,
) -> Result<i64> {
    let empty = BTreeMap::new();
    tx.conn()
        .prepare_cached(
            "INSERT INTO federation_providers(kind, name, url, client_ids, thumbprints, metadata,
                valid_until, tags, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            kind.as_str(),
            p.name,
            p.url,
            to_json("federation provider client ids", &p.client_ids)?,
            to_json("federation provider thumbprints", &p.thumbprints)?,
            p.metadata,
            p.valid_until,
            to_json("federation provider tags", p.tags.unwrap_or(&empty))?,
            now,
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

/// The provider of this kind and name.
pub fn get(
    r: &impl Read,
    kind: FederationKind,
    name: &str,
) -> Result<Option<FederationProviderRow>> {
    let found = r
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM federation_providers WHERE kind = ?1 AND name = ?2"
        ))?
        .query_row(params![kind.as_str(), name], raw)
        .optional()?;
    found.map(decode).transpose()
}

/// Every provider of a kind, in creation order (IAM lists them unpaged; an account holds at
/// most 100 of each).
pub fn list(r: &impl Read, kind: FederationKind) -> Result<Vec<FederationProviderRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM federation_providers WHERE kind = ?1 ORDER BY pk"
    ))?;
    let rows = stmt.query_map([kind.as_str()], raw)?;
    rows.map(|r| decode(r?)).collect()
}

/// How many providers of a kind are stored.
pub fn count(r: &impl Read, kind: FederationKind) -> Result<u32> {
    Ok(r.conn()
        .prepare_cached("SELECT count(*) FROM federation_providers WHERE kind = ?1")?
        .query_row([kind.as_str()], |row| row.get(0))?)
}

/// Replaces an OIDC provider's client ids.
pub fn set_client_ids(tx: &Tx<'_>, pk: i64, client_ids: &[String], now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE federation_providers SET client_ids = ?2, updated_at = ?3 WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            to_json("federation provider client ids", &client_ids)?,
            now
        ])?;
    Ok(())
}

/// Replaces an OIDC provider's thumbprints.
pub fn set_thumbprints(tx: &Tx<'_>, pk: i64, thumbprints: &[String], now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE federation_providers SET thumbprints = ?2, updated_at = ?3 WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            to_json("federation provider thumbprints", &thumbprints)?,
            now
        ])?;
    Ok(())
}

/// Replaces a SAML provider's metadata document.
pub fn set_metadata(
    tx: &Tx<'_>,
    pk: i64,
    metadata: &str,
    valid_until: Option<i64>,
    now: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE federation_providers SET metadata = ?2, valid_until = ?3, updated_at = ?4
             WHERE pk = ?1",
        )?
        .execute(params![pk, metadata, valid_until, now])?;
    Ok(())
}

/// Deletes a provider; whether it existed.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<bool> {
    Ok(tx
        .conn()
        .prepare_cached("DELETE FROM federation_providers WHERE pk = ?1")?
        .execute([pk])?
        > 0)
}
