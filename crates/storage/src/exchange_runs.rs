//! The `exchange_runs` table: the credential-exchange tester's history. Steps, parameters and
//! results are JSON documents the caller made (masked before they get here); the tokens are
//! sealed by the caller.

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// Internal key, the order of runs started in the same millisecond (0 before insert).
    pub pk: i64,
    pub id: String,
    pub backend: String,
    pub identity_pool_id: String,
    /// `ENHANCED`, `BASIC` or `DEVELOPER`.
    pub flow: String,
    /// `TOKEN`, `USER_PASSWORD`, `DEVELOPER` or `GUEST`.
    pub source: String,
    /// What re-running needs (no password), as JSON.
    pub params: serde_json::Value,
    pub succeeded: bool,
    pub identity_id: Option<String>,
    /// The run's outcome (credentials' key id and expiry, caller, failure), as JSON.
    pub result: serde_json::Value,
    /// The masked steps, as JSON.
    pub steps: serde_json::Value,
    pub tokens_sealed: Option<String>,
    pub started_at: i64,
    pub elapsed_ms: i64,
}

const COLUMNS: &str = "id, backend, identity_pool_id, flow, source, params, succeeded, \
     identity_id, result, steps, tokens_sealed, started_at, elapsed_ms";

/// What reads select: the columns and the key.
const SELECTED: &str = "id, backend, identity_pool_id, flow, source, params, succeeded, \
     identity_id, result, steps, tokens_sealed, started_at, elapsed_ms, pk";

/// Columns for the history's list: the steps and tokens are left out.
const SUMMARY: &str = "id, backend, identity_pool_id, flow, source, params, succeeded, \
     identity_id, result, 'null', NULL, started_at, elapsed_ms, pk";

fn row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
        let s: String = r.get(i)?;
        serde_json::from_str(&s).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    Ok(RunRow {
        id: r.get(0)?,
        backend: r.get(1)?,
        identity_pool_id: r.get(2)?,
        flow: r.get(3)?,
        source: r.get(4)?,
        params: json(5)?,
        succeeded: r.get(6)?,
        identity_id: r.get(7)?,
        result: json(8)?,
        steps: json(9)?,
        tokens_sealed: r.get(10)?,
        started_at: r.get(11)?,
        elapsed_ms: r.get(12)?,
        pk: r.get(13)?,
    })
}

pub fn insert(tx: &Tx<'_>, run: &RunRow) -> Result<()> {
    tx.conn().execute(
        &format!(
            "INSERT INTO exchange_runs ({COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        params![
            run.id,
            run.backend,
            run.identity_pool_id,
            run.flow,
            run.source,
            run.params.to_string(),
            run.succeeded,
            run.identity_id,
            run.result.to_string(),
            run.steps.to_string(),
            run.tokens_sealed,
            run.started_at,
            run.elapsed_ms
        ],
    )?;
    Ok(())
}

pub fn get(r: &impl Read, id: &str) -> Result<Option<RunRow>> {
    Ok(r.conn()
        .query_row(
            &format!("SELECT {SELECTED} FROM exchange_runs WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

/// Up to `limit` runs after `before` (`(started_at, pk)` of the last one listed), newest
/// first (runs of the same millisecond in the order they were kept, last first), without
/// their steps and tokens.
pub fn list(r: &impl Read, before: Option<(i64, i64)>, limit: u32) -> Result<Vec<RunRow>> {
    let (at, pk) = before.unwrap_or((i64::MAX, i64::MAX));
    let mut stmt = r.conn().prepare(&format!(
        "SELECT {SUMMARY} FROM exchange_runs \
         WHERE started_at < ?1 OR (started_at = ?1 AND pk < ?2) \
         ORDER BY started_at DESC, pk DESC LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![at, pk, limit], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
