//! The hosted UI's branding: `ui_customizations` (classic CSS and logo, per pool or per app
//! client) and `managed_login_brandings` with their assets (one style per app client).

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// A stored classic customization. `client` is None for the pool's default (`ALL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiCustomizationRow {
    pub pk: i64,
    pub pool: i64,
    /// The app client's pk, None for the pool's default.
    pub client: Option<i64>,
    /// The CSS as it was given.
    pub css: Option<String>,
    /// The logo and its media type (`image/png`, `image/jpeg`).
    pub image: Option<(Vec<u8>, String)>,
    pub css_version: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const UI_COLUMNS: &str =
    "pk, pool, client, css, image, image_type, css_version, created_at, updated_at";

fn ui_row(r: &Row<'_>) -> rusqlite::Result<UiCustomizationRow> {
    let image: Option<Vec<u8>> = r.get(4)?;
    let image_type: Option<String> = r.get(5)?;
    Ok(UiCustomizationRow {
        pk: r.get(0)?,
        pool: r.get(1)?,
        client: r.get(2)?,
        css: r.get(3)?,
        image: image.zip(image_type),
        css_version: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// The customization of `client` (None: the pool's default) itself, without falling back.
pub fn get_ui(r: &impl Read, pool: i64, client: Option<i64>) -> Result<Option<UiCustomizationRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {UI_COLUMNS} FROM ui_customizations WHERE pool = ?1 AND ifnull(client, 0) = ?2"
    ))?;
    Ok(stmt
        .query_row(params![pool, client.unwrap_or(0)], ui_row)
        .optional()?)
}

/// What a customization is set to.
pub struct UiCustomization<'a> {
    pub css: Option<&'a str>,
    pub image: Option<(&'a [u8], &'a str)>,
    pub css_version: &'a str,
}

/// Sets the customization of `client` (None: the pool's default), replacing what it had; the
/// creation date stays.
pub fn put_ui(
    tx: &Tx<'_>,
    pool: i64,
    client: Option<i64>,
    c: &UiCustomization<'_>,
    now: i64,
) -> Result<()> {
    let (image, image_type) = c.image.unzip();
    match get_ui(tx, pool, client)? {
        Some(existing) => {
            tx.conn().execute(
                "UPDATE ui_customizations SET css = ?2, image = ?3, image_type = ?4,
                        css_version = ?5, updated_at = ?6 WHERE pk = ?1",
                params![existing.pk, c.css, image, image_type, c.css_version, now],
            )?;
        }
        None => {
            tx.conn().execute(
                "INSERT INTO ui_customizations(pool, client, css, image, image_type, css_version,
                                               created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![pool, client, c.css, image, image_type, c.css_version, now],
            )?;
        }
    }
    bump_config_revision(tx)
}

/// A stored managed login branding style, with its assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedLoginBrandingRow {
    pub pk: i64,
    /// `ManagedLoginBrandingId`.
    pub id: String,
    pub pool: i64,
    /// The app client's pk.
    pub client: i64,
    pub use_cognito_provided_values: bool,
    /// The `Settings` document as JSON text.
    pub settings: Option<String>,
    pub assets: Vec<AssetRow>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One asset of a style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub category: String,
    pub color_mode: String,
    pub extension: String,
    pub bytes: Option<Vec<u8>>,
    pub resource_id: Option<String>,
}

const MLB_COLUMNS: &str =
    "pk, id, pool, client, use_cognito_provided_values, settings, created_at, updated_at";

fn mlb_row(r: &Row<'_>) -> rusqlite::Result<ManagedLoginBrandingRow> {
    Ok(ManagedLoginBrandingRow {
        pk: r.get(0)?,
        id: r.get(1)?,
        pool: r.get(2)?,
        client: r.get(3)?,
        use_cognito_provided_values: r.get(4)?,
        settings: r.get(5)?,
        assets: Vec::new(),
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

fn with_assets(
    r: &impl Read,
    row: Option<ManagedLoginBrandingRow>,
) -> Result<Option<ManagedLoginBrandingRow>> {
    let Some(mut row) = row else { return Ok(None) };
    let mut stmt = r.conn().prepare_cached(
        "SELECT category, color_mode, extension, bytes, resource_id
         FROM managed_login_branding_assets WHERE branding = ?1 ORDER BY rowid",
    )?;
    row.assets = stmt
        .query_map([row.pk], |r| {
            Ok(AssetRow {
                category: r.get(0)?,
                color_mode: r.get(1)?,
                extension: r.get(2)?,
                bytes: r.get(3)?,
                resource_id: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(row))
}

/// The style with this id in this pool.
pub fn get_managed(r: &impl Read, pool: i64, id: &str) -> Result<Option<ManagedLoginBrandingRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {MLB_COLUMNS} FROM managed_login_brandings WHERE pool = ?1 AND id = ?2"
    ))?;
    let row = stmt.query_row(params![pool, id], mlb_row).optional()?;
    with_assets(r, row)
}

/// The style of an app client (by its pk).
pub fn managed_of_client(r: &impl Read, client: i64) -> Result<Option<ManagedLoginBrandingRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {MLB_COLUMNS} FROM managed_login_brandings WHERE client = ?1"
    ))?;
    let row = stmt.query_row([client], mlb_row).optional()?;
    with_assets(r, row)
}

/// A style to insert or the new content of one.
pub struct ManagedLoginBranding<'a> {
    pub use_cognito_provided_values: bool,
    pub settings: Option<&'a str>,
    pub assets: &'a [AssetRow],
}

fn put_assets(tx: &Tx<'_>, branding: i64, assets: &[AssetRow]) -> Result<()> {
    tx.conn().execute(
        "DELETE FROM managed_login_branding_assets WHERE branding = ?1",
        [branding],
    )?;
    let mut stmt = tx.conn().prepare_cached(
        "INSERT INTO managed_login_branding_assets(branding, category, color_mode, extension,
                                                   bytes, resource_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for a in assets {
        stmt.execute(params![
            branding,
            a.category,
            a.color_mode,
            a.extension,
            a.bytes,
            a.resource_id
        ])?;
    }
    Ok(())
}

/// Inserts a style for an app client; [`crate::Error::Conflict`] when the client has one.
pub fn insert_managed(
    tx: &Tx<'_>,
    id: &str,
    pool: i64,
    client: i64,
    b: &ManagedLoginBranding<'_>,
    now: i64,
) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO managed_login_brandings(id, pool, client, use_cognito_provided_values,
                                             settings, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            id,
            pool,
            client,
            b.use_cognito_provided_values,
            b.settings,
            now
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    put_assets(tx, pk, b.assets)?;
    bump_config_revision(tx)?;
    Ok(pk)
}

/// Replaces a style's values and assets.
pub fn update_managed(tx: &Tx<'_>, pk: i64, b: &ManagedLoginBranding<'_>, now: i64) -> Result<()> {
    tx.conn().execute(
        "UPDATE managed_login_brandings SET use_cognito_provided_values = ?2, settings = ?3,
                updated_at = ?4 WHERE pk = ?1",
        params![pk, b.use_cognito_provided_values, b.settings, now],
    )?;
    put_assets(tx, pk, b.assets)?;
    bump_config_revision(tx)
}

/// Deletes a style and its assets.
pub fn delete_managed(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM managed_login_brandings WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
