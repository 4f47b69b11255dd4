//! The `roles` and `role_policies` tables: the workspace's IAM-style roles, each with its trust
//! policy and its named permission policies (as the text given; validated by the engine).
//! Every write bumps the configuration revision: a role found by its ARN is kept while the
//! revision stands (the vend's read, `kept.rs`), and read again after any change to it.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// A stored role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    /// Internal key; never shown.
    pub pk: i64,
    pub name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    pub arn: String,
    /// IAM's `RoleId` (`AROA…`).
    pub role_id: String,
    pub description: Option<String>,
    /// The trust policy's text.
    pub trust_policy: String,
    /// Seconds, 3600–43200.
    pub max_session_duration: i64,
    /// Permission policies: name → text.
    pub policies: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a new role is made of.
#[derive(Debug, Clone, Copy)]
pub struct NewRole<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub arn: &'a str,
    pub role_id: &'a str,
    pub description: Option<&'a str>,
    pub trust_policy: &'a str,
    pub max_session_duration: i64,
}

const COLUMNS: &str = "pk, name, path, arn, role_id, description, trust_policy, \
     max_session_duration, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<RoleRow> {
    Ok(RoleRow {
        pk: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        arn: r.get(3)?,
        role_id: r.get(4)?,
        description: r.get(5)?,
        trust_policy: r.get(6)?,
        max_session_duration: r.get(7)?,
        policies: BTreeMap::new(),
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

fn with_policies(r: &impl Read, mut role: RoleRow) -> Result<RoleRow> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT name, document FROM role_policies WHERE role_pk = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([role.pk], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for p in rows {
        let (name, doc): (String, String) = p?;
        role.policies.insert(name, doc);
    }
    Ok(role)
}

/// Inserts a role (without policies) and returns its key. A name already used (in any case)
/// is [`crate::Error::Conflict`].
pub fn insert(tx: &Tx<'_>, role: &NewRole<'_>, now: i64) -> Result<i64> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO roles(name, path, arn, role_id, description, trust_policy,
                max_session_duration, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![
            role.name,
            role.path,
            role.arn,
            role.role_id,
            role.description,
            role.trust_policy,
            role.max_session_duration,
            now
        ])?;
    let pk = tx.conn().last_insert_rowid();
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The role of this name (matched regardless of case, as IAM does), with its policies.
pub fn get_by_name(r: &impl Read, name: &str) -> Result<Option<RoleRow>> {
    one(r, "name", name)
}

/// The role with this ARN, with its policies.
pub fn get_by_arn(r: &impl Read, arn: &str) -> Result<Option<RoleRow>> {
    crate::kept::through(r, &r.cache().roles_by_arn, arn, |r| one(r, "arn", arn))
}

/// The role whose `column` (a unique one: `name` or `arn`) is `value`, with its policies.
fn one(r: &impl Read, column: &str, value: &str) -> Result<Option<RoleRow>> {
    let found = r
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE {column} = ?1"))?
        .query_row([value], row)
        .optional()?;
    found.map(|role| with_policies(r, role)).transpose()
}

/// Roles in name order after `after_name`, at most `limit`, with their policies.
pub fn list(r: &impl Read, after_name: Option<&str>, limit: u32) -> Result<Vec<RoleRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM roles WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2"
    ))?;
    let rows: Vec<RoleRow> = stmt
        .query_map(params![after_name, limit], row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|role| with_policies(r, role))
        .collect()
}

/// How many roles the workspace holds.
pub fn count(r: &impl Read) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT count(*) FROM roles")?
        .query_row([], |row| row.get(0))?)
}

/// Replaces a role's description, trust policy and maximum session duration.
pub fn update(
    tx: &Tx<'_>,
    pk: i64,
    description: Option<&str>,
    trust_policy: &str,
    max_session_duration: i64,
    now: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE roles SET description = ?2, trust_policy = ?3, max_session_duration = ?4,
                updated_at = ?5 WHERE pk = ?1",
        )?
        .execute(params![
            pk,
            description,
            trust_policy,
            max_session_duration,
            now
        ])?;
    bump_config_revision(tx)
}

/// Adds or replaces one permission policy of a role.
pub fn put_policy(tx: &Tx<'_>, pk: i64, name: &str, document: &str, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO role_policies(role_pk, name, document) VALUES (?1, ?2, ?3)
             ON CONFLICT(role_pk, name) DO UPDATE SET document = excluded.document",
        )?
        .execute(params![pk, name, document])?;
    touch(tx, pk, now)
}

/// Removes one permission policy; answers whether there was one.
pub fn delete_policy(tx: &Tx<'_>, pk: i64, name: &str, now: i64) -> Result<bool> {
    let n = tx
        .conn()
        .prepare_cached("DELETE FROM role_policies WHERE role_pk = ?1 AND name = ?2")?
        .execute(params![pk, name])?;
    touch(tx, pk, now)?;
    Ok(n > 0)
}

fn touch(tx: &Tx<'_>, pk: i64, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE roles SET updated_at = ?2 WHERE pk = ?1")?
        .execute(params![pk, now])?;
    bump_config_revision(tx)
}

/// Deletes a role and its policies; answers whether there was one.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<bool> {
    let n = tx
        .conn()
        .prepare_cached("DELETE FROM roles WHERE pk = ?1")?
        .execute([pk])?;
    bump_config_revision(tx)?;
    Ok(n > 0)
}
