//! The `audit_events` table: every mutating operation, from any front.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// The result of an audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::Failure => "Failure",
        }
    }
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: i64,
    /// ms since the epoch.
    pub at: i64,
    /// Who asked: `console`, `cli:<user>`, `endpoint:<access key or address>`.
    pub actor: String,
    /// The operation's Cognito name.
    pub operation: String,
    pub pool_id: Option<String>,
    /// The user, group or client acted on.
    pub target: Option<String>,
    pub outcome: Outcome,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// Appends a record (the `id` of `e` is ignored) and returns its id.
pub fn insert(tx: &Tx<'_>, e: &AuditEvent) -> Result<i64> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO audit_events(at, actor, operation, pool_id, target, outcome, error_code, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            e.at,
            e.actor,
            e.operation,
            e.pool_id,
            e.target,
            e.outcome.as_str(),
            e.error_code,
            e.message
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub pool_id: Option<String>,
    pub operation: Option<String>,
    pub target: Option<String>,
    pub outcome: Option<Outcome>,
    /// Only records older than this id (newest first paging).
    pub before: Option<i64>,
    pub limit: u32,
}

/// Records, newest first.
pub fn list(r: &impl Read, q: &AuditQuery) -> Result<Vec<AuditEvent>> {
    let mut terms = vec!["1".to_string()];
    let mut ps: Vec<Value> = Vec::new();
    let mut add = |col: &str, v: Value, terms: &mut Vec<String>| {
        ps.push(v);
        terms.push(format!("{col} ?{}", ps.len()));
    };
    if let Some(p) = &q.pool_id {
        add("pool_id =", Value::Text(p.clone()), &mut terms);
    }
    if let Some(o) = &q.operation {
        add("operation =", Value::Text(o.clone()), &mut terms);
    }
    if let Some(t) = &q.target {
        add("target =", Value::Text(t.clone()), &mut terms);
    }
    if let Some(o) = q.outcome {
        add("outcome =", Value::Text(o.as_str().into()), &mut terms);
    }
    if let Some(b) = q.before {
        add("pk <", Value::Integer(b), &mut terms);
    }
    ps.push(Value::Integer(i64::from(q.limit)));
    let sql = format!(
        "SELECT pk, at, actor, operation, pool_id, target, outcome, error_code, message
         FROM audit_events WHERE {} ORDER BY pk DESC LIMIT ?{}",
        terms.join(" AND "),
        ps.len()
    );
    let mut stmt = r.conn().prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(ps), |r| {
        let outcome: String = r.get(6)?;
        Ok(AuditEvent {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            operation: r.get(3)?,
            pool_id: r.get(4)?,
            target: r.get(5)?,
            outcome: if outcome == "Success" {
                Outcome::Success
            } else {
                Outcome::Failure
            },
            error_code: r.get(7)?,
            message: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many records there are (for tests that check nothing was written).
pub fn count(r: &impl Read) -> Result<i64> {
    Ok(r.conn()
        .query_row("SELECT count(*) FROM audit_events", [], |row| row.get(0))?)
}
