//! The `app_clients` table.

use domain::client::ClientSettings;
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision, from_json, to_json};

/// A stored app client.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub pk: i64,
    pub pool: i64,
    pub client_id: String,
    pub name: String,
    /// Every current secret, oldest first (rotation keeps up to two), sealed: any of them is
    /// accepted, and the first is the one `DescribeUserPoolClient` shows.
    pub secrets: Vec<StoredSecret>,
    pub settings: ClientSettings,
    pub created_at: i64,
    pub updated_at: i64,
}

pub use crate::client_secrets::StoredSecret;

// The secrets live in `client_secrets`; they are read with the client, oldest first, as
// `[id, hex of the sealed value]` pairs (JSON has no bytes).
const COLUMNS: &str = "pk, pool, client_id, name,
    (SELECT json_group_array(json_array(secret_id, hex(secret_sealed))) FROM
        (SELECT s.secret_id, s.secret_sealed FROM client_secrets s
         WHERE s.client = app_clients.pk ORDER BY s.created_at, s.pk)),
    settings, created_at, updated_at";

type Raw = (ClientRow, String, String);

fn row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        ClientRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            client_id: r.get(2)?,
            name: r.get(3)?,
            secrets: Vec::new(),
            settings: ClientSettings::default(),
            created_at: r.get(6)?,
            updated_at: r.get(7)?,
        },
        r.get(5)?,
        r.get(4)?,
    ))
}

fn decode((mut c, settings, secrets): Raw) -> Result<ClientRow> {
    c.settings = from_json("app client settings", &settings)?;
    let pairs: Vec<(String, String)> = from_json("app client secrets", &secrets)?;
    c.secrets = pairs
        .into_iter()
        .map(|(secret_id, sealed_hex)| {
            let sealed = if sealed_hex.is_empty() {
                None
            } else {
                Some(hex::decode(&sealed_hex).map_err(|e| crate::Error::Corrupt {
                    what: "app client secrets",
                    reason: e.to_string(),
                })?)
            };
            Ok(StoredSecret { secret_id, sealed })
        })
        .collect::<Result<_>>()?;
    Ok(c)
}

/// A client to insert.
pub struct NewClient<'a> {
    pub pool: i64,
    pub client_id: &'a str,
    pub name: &'a str,
    /// The first secret's id (`ClientSecretId`) and its value sealed under the master key.
    pub secret: Option<(&'a str, &'a [u8])>,
    pub settings: &'a ClientSettings,
}

/// Inserts a client.
pub fn insert(tx: &Tx<'_>, c: &NewClient<'_>, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO app_clients(pool, client_id, name, settings, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            c.pool,
            c.client_id,
            c.name,
            to_json("app client settings", c.settings)?,
            now
        ],
    )?;
    let pk = tx.conn().last_insert_rowid();
    if let Some((secret_id, sealed)) = c.secret {
        crate::client_secrets::insert(tx, pk, secret_id, sealed, now)?;
    }
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The client with this id in this pool.
pub fn get(r: &impl Read, pool: i64, client_id: &str) -> Result<Option<ClientRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM app_clients WHERE pool = ?1 AND client_id = ?2"
    ))?;
    stmt.query_row(params![pool, client_id], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The client with this key.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<ClientRow>> {
    let mut stmt = r
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM app_clients WHERE pk = ?1"))?;
    stmt.query_row([pk], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The client with this id in any pool, with its pool's id (sign-in names only the client):
/// from the cache while the configuration revision is unchanged (every write to clients,
/// their secrets and pools bumps it), else from its row.
pub fn find(r: &impl Read, client_id: &str) -> Result<Option<(ClientRow, String)>> {
    crate::kept::through(r, &r.cache().clients, client_id, |r| {
        r.conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, (SELECT id FROM user_pools p WHERE p.pk = app_clients.pool)
                 FROM app_clients WHERE client_id = ?1"
            ))?
            .query_row([client_id], |r| Ok((row(r)?, r.get::<_, String>(8)?)))
            .optional()?
            .map(|(raw, pool_id)| Ok::<_, crate::Error>((decode(raw)?, pool_id)))
            .transpose()
    })
}

/// Clients of a pool ordered by id, after `after_id`, at most `limit`.
pub fn list(r: &impl Read, pool: i64, after_id: &str, limit: u32) -> Result<Vec<ClientRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM app_clients WHERE pool = ?1 AND client_id > ?2
         ORDER BY client_id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![pool, after_id, limit], row)?;
    rows.map(|r| decode(r?)).collect()
}

/// Replaces a client's name and settings.
pub fn update(tx: &Tx<'_>, pk: i64, name: &str, settings: &ClientSettings, now: i64) -> Result<()> {
    tx.conn().execute(
        "UPDATE app_clients SET name = ?2, settings = ?3, updated_at = ?4 WHERE pk = ?1",
        params![pk, name, to_json("app client settings", settings)?, now],
    )?;
    bump_config_revision(tx)
}

/// Deletes a client.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM app_clients WHERE pk = ?1", [pk])?;
    bump_config_revision(tx)
}
