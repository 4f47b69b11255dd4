//! The `user_groups` and `group_members` tables.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub pk: i64,
    pub pool: i64,
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, pool, name, description, precedence, role_arn, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        pk: r.get(0)?,
        pool: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        precedence: r.get(4)?,
        role_arn: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// The changeable part of a group.
pub struct GroupFields<'a> {
    pub description: Option<&'a str>,
    pub precedence: Option<i64>,
    pub role_arn: Option<&'a str>,
}

/// Inserts a group; [`crate::Error::Conflict`] when the name is taken in the pool.
pub fn insert(tx: &Tx<'_>, pool: i64, name: &str, f: &GroupFields<'_>, now: i64) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO user_groups(pool, name, description, precedence, role_arn, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![pool, name, f.description, f.precedence, f.role_arn, now],
    )?;
    Ok(tx.conn().last_insert_rowid())
}

/// The group with this name.
pub fn get(r: &impl Read, pool: i64, name: &str) -> Result<Option<GroupRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE pool = ?1 AND name = ?2"
    ))?;
    Ok(stmt.query_row(params![pool, name], row).optional()?)
}

/// Groups of a pool by name, after `after_name`, at most `limit`.
pub fn list(r: &impl Read, pool: i64, after_name: &str, limit: u32) -> Result<Vec<GroupRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE pool = ?1 AND name > ?2 ORDER BY name LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![pool, after_name, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Replaces a group's description, precedence and role.
pub fn update(tx: &Tx<'_>, pk: i64, f: &GroupFields<'_>, now: i64) -> Result<()> {
    tx.conn().execute(
        "UPDATE user_groups SET description = ?2, precedence = ?3, role_arn = ?4, updated_at = ?5
         WHERE pk = ?1",
        params![pk, f.description, f.precedence, f.role_arn, now],
    )?;
    Ok(())
}

/// Deletes a group and its memberships.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    tx.conn()
        .execute("DELETE FROM user_groups WHERE pk = ?1", [pk])?;
    Ok(())
}

/// Adds a member; adding one twice is not an error (as in Cognito).
pub fn add_member(tx: &Tx<'_>, group: i64, user: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("INSERT OR IGNORE INTO group_members(grp, user) VALUES (?1, ?2)")?
        .execute(params![group, user])?;
    Ok(())
}

/// Removes a member; returns whether it was one.
pub fn remove_member(tx: &Tx<'_>, group: i64, user: i64) -> Result<bool> {
    let n = tx
        .conn()
        .prepare_cached("DELETE FROM group_members WHERE grp = ?1 AND user = ?2")?
        .execute(params![group, user])?;
    Ok(n > 0)
}

/// How many groups a user belongs to.
pub fn count_for_user(r: &impl Read, user: i64) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT count(*) FROM group_members WHERE user = ?1")?
        .query_row([user], |row| row.get(0))?)
}

/// The groups a user belongs to, by name.
pub fn for_user(r: &impl Read, user: i64) -> Result<Vec<GroupRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE pk IN (SELECT grp FROM group_members WHERE user = ?1)
         ORDER BY name"
    ))?;
    let rows = stmt.query_map([user], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Group names for each of `users` (for a page of a user list).
pub fn names_for_users(r: &impl Read, users: &[i64]) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for chunk in users.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut stmt = r.conn().prepare(&format!(
            "SELECT m.user, g.name FROM group_members m JOIN user_groups g ON g.pk = m.grp
             WHERE m.user IN ({marks}) ORDER BY g.name"
        ))?;
        let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for item in rows {
            let (u, name) = item?;
            out.entry(u).or_default().push(name);
        }
    }
    Ok(out)
}
