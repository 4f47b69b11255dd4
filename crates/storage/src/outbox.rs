//! The `outbox` table: messages Poolhouse would have delivered (invitations, codes).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub at: i64,
    pub pool_id: String,
    pub username: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    pub destination: String,
    pub subject: Option<String>,
    pub body: String,
    /// What it is for: `Invitation`, `VerificationCode`, ...
    pub kind: String,
}

/// Appends a message (its `id` is ignored) and returns the id.
pub fn insert(tx: &Tx<'_>, m: &Message) -> Result<i64> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO outbox(at, pool_id, username, medium, destination, subject, body, kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            m.at,
            m.pool_id,
            m.username,
            m.medium,
            m.destination,
            m.subject,
            m.body,
            m.kind
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

/// Messages newest first, optionally of one pool, older than `before`.
pub fn list(
    r: &impl Read,
    pool_id: Option<&str>,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Message>> {
    let mut ps: Vec<Value> = Vec::new();
    let mut terms = vec!["1".to_string()];
    if let Some(p) = pool_id {
        ps.push(Value::Text(p.into()));
        terms.push(format!("pool_id = ?{}", ps.len()));
    }
    if let Some(b) = before {
        ps.push(Value::Integer(b));
        terms.push(format!("pk < ?{}", ps.len()));
    }
    ps.push(Value::Integer(i64::from(limit)));
    let sql = format!(
        "SELECT pk, at, pool_id, username, medium, destination, subject, body, kind FROM outbox
         WHERE {} ORDER BY pk DESC LIMIT ?{}",
        terms.join(" AND "),
        ps.len()
    );
    let mut stmt = r.conn().prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(ps), |r| {
        Ok(Message {
            id: r.get(0)?,
            at: r.get(1)?,
            pool_id: r.get(2)?,
            username: r.get(3)?,
            medium: r.get(4)?,
            destination: r.get(5)?,
            subject: r.get(6)?,
            body: r.get(7)?,
            kind: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
