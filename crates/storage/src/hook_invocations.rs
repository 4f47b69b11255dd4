//! The `hook_invocations` table: every call of a pool's hooks, newest kept, oldest pruned.

use rusqlite::params;

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// How many invocations a pool keeps; older ones are pruned as new ones arrive.
pub const KEEP_PER_POOL: i64 = 1000;

/// One call of a hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub pk: i64,
    pub pool: i64,
    pub at: i64,
    pub trigger_source: String,
    pub url: String,
    pub username: Option<String>,
    pub duration_ms: i64,
    /// `Succeeded`, `Rejected` (the hook answered with an error) or `Failed` (no usable answer).
    pub outcome: String,
    pub status: Option<i64>,
    pub detail: Option<String>,
    pub request: String,
    pub response: Option<String>,
}

/// Appends an invocation (its `pk` is ignored) and prunes the pool's oldest beyond
/// [`KEEP_PER_POOL`].
pub fn insert(tx: &Tx<'_>, i: &Invocation) -> Result<i64> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO hook_invocations(pool, at, trigger_source, url, username, duration_ms,
                outcome, status, detail, request, response)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            i.pool,
            i.at,
            i.trigger_source,
            i.url,
            i.username,
            i.duration_ms,
            i.outcome,
            i.status,
            i.detail,
            i.request,
            i.response
        ])?;
    let pk = tx.conn().last_insert_rowid();
    tx.conn()
        .prepare_cached("DELETE FROM hook_invocations WHERE pool = ?1 AND pk <= ?2 - ?3")?
        .execute(params![i.pool, pk, KEEP_PER_POOL])?;
    Ok(pk)
}

/// A pool's invocations, newest first, before `before_pk` (0: from the newest), optionally only
/// those whose trigger source starts with `prefix` (`PreSignUp`, `TokenGeneration`).
pub fn list(
    r: &impl Read,
    pool: i64,
    prefix: Option<&str>,
    before_pk: i64,
    limit: u32,
) -> Result<Vec<Invocation>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, pool, at, trigger_source, url, username, duration_ms, outcome, status, detail,
            request, response
         FROM hook_invocations
         WHERE pool = ?1 AND (?2 = 0 OR pk < ?2)
           AND (?3 IS NULL OR substr(trigger_source, 1, length(?3)) = ?3)
         ORDER BY pk DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![pool, before_pk, prefix, limit], |r| {
        Ok(Invocation {
            pk: r.get(0)?,
            pool: r.get(1)?,
            at: r.get(2)?,
            trigger_source: r.get(3)?,
            url: r.get(4)?,
            username: r.get(5)?,
            duration_ms: r.get(6)?,
            outcome: r.get(7)?,
            status: r.get(8)?,
            detail: r.get(9)?,
            request: r.get(10)?,
            response: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
