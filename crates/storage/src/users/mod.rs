//! The `users` table (and `user_custom_values`, its search companion).
//!
//! Searchable standard attributes have their own indexed columns; the rest of a user's
//! attributes are one JSON object. Every listing is keyset-paged: a page costs the same at the
//! millionth user as at the first.

use std::collections::BTreeMap;

use domain::user::{COLUMN_ATTRIBUTES, UserStatus};
use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Error, Read, Result, Tx, from_json, to_json};

mod query;

pub use query::*;

/// A stored user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub pk: i64,
    pub pool: i64,
    pub username: String,
    pub sub: String,
    pub status: UserStatus,
    pub enabled: bool,
    /// Every attribute, `sub` included, by name.
    pub attributes: BTreeMap<String, String>,
    /// PHC string (argon2id), if the user has a password.
    pub password_hash: Option<String>,
    pub password_set_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, pool, username, sub, email, phone_number, name, given_name, \
    family_name, preferred_username, status, enabled, attributes, password_hash, \
    password_set_at, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<(UserRow, String, String)> {
    let mut attributes = BTreeMap::new();
    for (i, name) in COLUMN_ATTRIBUTES.iter().enumerate() {
        if let Some(v) = r.get::<_, Option<String>>(4 + i)? {
            attributes.insert((*name).to_string(), v);
        }
    }
    let sub: String = r.get(3)?;
    attributes.insert("sub".into(), sub.clone());
    Ok((
        UserRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            username: r.get(2)?,
            sub,
            status: UserStatus::Unknown,
            enabled: r.get(11)?,
            attributes,
            password_hash: r.get(13)?,
            password_set_at: r.get(14)?,
            created_at: r.get(15)?,
            updated_at: r.get(16)?,
        },
        r.get(10)?,
        r.get(12)?,
    ))
}

fn decode((mut u, status, extra): (UserRow, String, String)) -> Result<UserRow> {
    u.status = UserStatus::parse(&status).ok_or_else(|| Error::Corrupt {
        what: "user status",
        reason: status.clone(),
    })?;
    let extra: BTreeMap<String, String> = from_json("user attributes", &extra)?;
    u.attributes.extend(extra);
    Ok(u)
}

fn collect(
    rows: impl Iterator<Item = rusqlite::Result<(UserRow, String, String)>>,
) -> Result<Vec<UserRow>> {
    rows.map(|r| decode(r?)).collect()
}

/// Splits attributes into the indexed columns and the JSON remainder (`sub` excluded).
fn split(attrs: &BTreeMap<String, String>) -> Result<([Option<&str>; 6], String)> {
    let mut cols: [Option<&str>; 6] = [None; 6];
    let mut rest = BTreeMap::new();
    for (k, v) in attrs {
        if k == "sub" {
            continue;
        }
        match COLUMN_ATTRIBUTES.iter().position(|c| c == k) {
            Some(i) => cols[i] = Some(v.as_str()),
            None => {
                rest.insert(k.as_str(), v.as_str());
            }
        }
    }
    Ok((cols, to_json("user attributes", &rest)?))
}

fn write_custom_values(
    tx: &Tx<'_>,
    user: i64,
    pool: i64,
    attrs: &BTreeMap<String, String>,
) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM user_custom_values WHERE user = ?1")?
        .execute([user])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO user_custom_values(user, pool, name, value) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (k, v) in attrs.iter().filter(|(k, _)| k.starts_with("custom:")) {
        ins.execute(params![user, pool, k, v])?;
    }
    Ok(())
}

/// A user to insert.
pub struct NewUser<'a> {
    pub pool: i64,
    pub username: &'a str,
    /// The unique key: the username, lower-cased in case-insensitive pools.
    pub username_key: &'a str,
    pub sub: &'a str,
    pub status: UserStatus,
    pub enabled: bool,
    /// Attributes other than `sub`.
    pub attributes: &'a BTreeMap<String, String>,
    pub password_hash: Option<&'a str>,
    pub now: i64,
}

/// Inserts a user and counts it; [`Error::Conflict`] when the username key or sub is taken.
pub fn insert(tx: &Tx<'_>, u: &NewUser<'_>) -> Result<i64> {
    let pk = insert_uncounted(tx, u)?;
    add_to_count(tx, u.pool, 1)?;
    Ok(pk)
}

/// Inserts a user without touching the pool's count: for bulk paths, which call
/// [`add_to_count`] once for the whole batch in the same transaction.
pub fn insert_uncounted(tx: &Tx<'_>, u: &NewUser<'_>) -> Result<i64> {
    let (cols, rest) = split(u.attributes)?;
    let conn = tx.conn();
    conn.prepare_cached(
        "INSERT INTO users(pool, username, username_key, sub, email, phone_number, name, given_name,
            family_name, preferred_username, status, enabled, attributes, password_hash,
            password_set_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        u.pool,
        u.username,
        u.username_key,
        u.sub,
        cols[0],
        cols[1],
        cols[2],
        cols[3],
        cols[4],
        cols[5],
        u.status.as_str(),
        u.enabled,
        rest,
        u.password_hash,
        u.password_hash.map(|_| u.now),
        u.now,
    ])?;
    let pk = conn.last_insert_rowid();
    if u.attributes.keys().any(|k| k.starts_with("custom:")) {
        write_custom_values(tx, pk, u.pool, u.attributes)?;
    }
    Ok(pk)
}

/// The user whose username key is `key`.
pub fn get(r: &impl Read, pool: i64, key: &str) -> Result<Option<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND username_key = ?2"
    ))?;
    stmt.query_row(params![pool, key], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The user with this key.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<UserRow>> {
    let mut stmt = r
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE pk = ?1"))?;
    stmt.query_row([pk], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The user with this `sub`.
pub fn get_by_sub(r: &impl Read, pool: i64, sub: &str) -> Result<Option<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND sub = ?2"
    ))?;
    stmt.query_row(params![pool, sub], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// Users whose column attribute `attr` (one of [`COLUMN_ATTRIBUTES`]) equals `value`, at most
/// `limit`. Email and names compare without case.
pub fn find_by_attribute(
    r: &impl Read,
    pool: i64,
    attr: &str,
    value: &str,
    limit: u32,
) -> Result<Vec<UserRow>> {
    let Some(col) = COLUMN_ATTRIBUTES.iter().find(|c| **c == attr) else {
        return Ok(Vec::new());
    };
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND {col} = ?2 ORDER BY pk LIMIT ?3"
    ))?;
    collect(stmt.query_map(params![pool, value, limit], row)?)
}

/// Replaces every attribute but `sub`.
pub fn replace_attributes(
    tx: &Tx<'_>,
    user: &UserRow,
    attrs: &BTreeMap<String, String>,
    now: i64,
) -> Result<()> {
    let (cols, rest) = split(attrs)?;
    tx.conn()
        .prepare_cached(
            "UPDATE users SET email = ?2, phone_number = ?3, name = ?4, given_name = ?5,
             family_name = ?6, preferred_username = ?7, attributes = ?8, updated_at = ?9
             WHERE pk = ?1",
        )?
        .execute(params![
            user.pk, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], rest, now
        ])?;
    let had_custom = user.attributes.keys().any(|k| k.starts_with("custom:"));
    if had_custom || attrs.keys().any(|k| k.starts_with("custom:")) {
        write_custom_values(tx, user.pk, user.pool, attrs)?;
    }
    Ok(())
}

/// Sets the status.
pub fn set_status(tx: &Tx<'_>, pk: i64, status: UserStatus, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, status.as_str(), now])?;
    Ok(())
}

/// Enables or disables.
pub fn set_enabled(tx: &Tx<'_>, pk: i64, enabled: bool, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE users SET enabled = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, enabled, now])?;
    Ok(())
}

/// Sets the password hash and the status that goes with it. The user's SRP verifier, made from
/// the old password, is dropped in the same transaction.
pub fn set_password(tx: &Tx<'_>, pk: i64, hash: &str, status: UserStatus, now: i64) -> Result<()> {
    crate::srp_verifiers::forget(tx, pk)?;
    tx.conn()
        .prepare_cached(
            "UPDATE users SET password_hash = ?2, password_set_at = ?3, status = ?4, updated_at = ?3
             WHERE pk = ?1",
        )?
        .execute(params![pk, hash, now, status.as_str()])?;
    Ok(())
}

/// Deletes a user (group memberships and custom values go with it) and uncounts it.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    let pool: Option<i64> = tx
        .conn()
        .prepare_cached("DELETE FROM users WHERE pk = ?1 RETURNING pool")?
        .query_row([pk], |r| r.get(0))
        .optional()?;
    if let Some(pool) = pool {
        add_to_count(tx, pool, -1)?;
    }
    Ok(())
}

/// Adds `n` (which may be negative) to a pool's user count.
pub fn add_to_count(tx: &Tx<'_>, pool: i64, n: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE pool_counters SET users = users + ?2 WHERE pool = ?1")?
        .execute(params![pool, n])?;
    Ok(())
}

/// The maintained user count of a pool.
pub fn count(r: &impl Read, pool: i64) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT users FROM pool_counters WHERE pool = ?1")?
        .query_row([pool], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Members of a group ordered by key, after `after_pk`, at most `limit`.
pub fn list_in_group(r: &impl Read, group: i64, after_pk: i64, limit: u32) -> Result<Vec<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pk IN (SELECT user FROM group_members WHERE grp = ?1)
         AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    collect(stmt.query_map(params![group, after_pk, limit], row)?)
}
