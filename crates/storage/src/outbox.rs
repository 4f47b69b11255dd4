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
    /// SMTP delivery: `None` (not attempted), `Sending`, `Sent` or `Failed`.
    pub delivery: Option<String>,
    /// Why a delivery failed.
    pub delivery_detail: Option<String>,
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
        "SELECT pk, at, pool_id, username, medium, destination, subject, body, kind, delivery,
            delivery_detail FROM outbox
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
            delivery: r.get(9)?,
            delivery_detail: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The newest message's id (0 when there is none).
pub fn last_id(r: &impl Read) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT coalesce(max(pk), 0) FROM outbox")?
        .query_row([], |row| row.get(0))?)
}

/// Email not yet attempted, oldest first, newer than the message `after`.
pub fn undelivered_email(r: &impl Read, after: i64, limit: u32) -> Result<Vec<Message>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, at, pool_id, username, medium, destination, subject, body, kind, delivery,
            delivery_detail FROM outbox
         WHERE delivery IS NULL AND medium = 'EMAIL' AND pk > ?1 ORDER BY pk LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit], |r| {
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
            delivery: r.get(9)?,
            delivery_detail: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Claims a message for delivery at `now` (kept in `delivered_at` while it is `Sending`);
/// false when another process has it already.
pub fn claim(tx: &Tx<'_>, id: i64, now: i64) -> Result<bool> {
    let n = tx
        .conn()
        .prepare_cached(
            "UPDATE outbox SET delivery = 'Sending', delivered_at = ?2
             WHERE pk = ?1 AND delivery IS NULL",
        )?
        .execute(params![id, now])?;
    Ok(n == 1)
}

/// Messages claimed before `before` and still `Sending`, oldest first: their process died
/// (or hung) before it recorded how the delivery ended. A claim with no time was left by a
/// build whose claims carried none.
pub fn stale_claims(r: &impl Read, before: i64) -> Result<Vec<i64>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk FROM outbox
         WHERE delivery = 'Sending' AND coalesce(delivered_at, 0) < ?1 ORDER BY pk",
    )?;
    let rows = stmt.query_map([before], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Releases the claims of `ids` that are still stale at `before`, so the next pass sends them;
/// answers how many were released.
pub fn release(tx: &Tx<'_>, ids: &[i64], before: i64) -> Result<usize> {
    let mut stmt = tx.conn().prepare_cached(
        "UPDATE outbox SET delivery = NULL, delivered_at = NULL
         WHERE pk = ?1 AND delivery = 'Sending' AND coalesce(delivered_at, 0) < ?2",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![id, before])?;
    }
    Ok(n)
}

/// Records how a claimed delivery ended (`Sent` or `Failed`, with why).
pub fn delivered(tx: &Tx<'_>, id: i64, outcome: &str, detail: Option<&str>, at: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE outbox SET delivery = ?2, delivery_detail = ?3, delivered_at = ?4
             WHERE pk = ?1",
        )?
        .execute(params![id, outcome, detail, at])?;
    Ok(())
}
