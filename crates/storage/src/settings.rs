//! The `settings` table: workspace-wide key/value settings.

use rusqlite::OptionalExtension;

use crate::sealed::Conn;
use domain::workspace::{Sealer, WorkspaceSettings};

use crate::{Read, Result, Tx, bump_config_revision};

/// Reads a setting.
pub fn get(r: &impl Read, key: &str) -> Result<Option<String>> {
    Ok(r.conn()
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

/// Writes a setting.
pub fn set(tx: &Tx<'_>, key: &str, value: &str) -> Result<()> {
    tx.conn().execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    bump_config_revision(tx)
}

/// Removes a setting.
pub fn delete(tx: &Tx<'_>, key: &str) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM settings WHERE key = ?1", [key])?;
    bump_config_revision(tx)
}

/// Every setting, sorted by key.
pub fn list(r: &impl Read) -> Result<Vec<(String, String)>> {
    let mut stmt = r
        .conn()
        .prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn corrupt(e: domain::workspace::BadSetting) -> crate::Error {
    crate::Error::Corrupt {
        what: e.key,
        reason: e.reason,
    }
}

/// The workspace's settings, typed, their secrets opened by `sealer`.
pub fn workspace(r: &impl Read, sealer: &dyn Sealer) -> Result<WorkspaceSettings> {
    let stored = list(r)?;
    WorkspaceSettings::from_stored(
        |k| {
            stored
                .iter()
                .find(|(key, _)| key == k.as_str())
                .map(|(_, v)| v.clone())
        },
        sealer,
    )
    .map_err(corrupt)
}

/// Whether the stored settings hold a secret in clear (written before secrets were sealed).
pub fn workspace_in_clear(r: &impl Read) -> Result<bool> {
    let stored = list(r)?;
    Ok(WorkspaceSettings::stored_in_clear(|k| {
        stored
            .iter()
            .find(|(key, _)| key == k.as_str())
            .map(|(_, v)| v.clone())
    }))
}

/// Writes the workspace's settings (every key, in the caller's transaction), their secrets
/// sealed by `sealer`.
pub fn put_workspace(tx: &Tx<'_>, ws: &WorkspaceSettings, sealer: &dyn Sealer) -> Result<()> {
    for (key, value) in ws.to_stored(sealer).map_err(corrupt)? {
        match value {
            Some(v) => set(tx, key.as_str(), &v)?,
            None => delete(tx, key.as_str())?,
        }
    }
    Ok(())
}
