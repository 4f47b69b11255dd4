//! The `audit_events` table: every mutating operation, from any front.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};

use rusqlite::OptionalExtension;

use crate::sealed::Conn;
use crate::{Read, Result, Tx, like_escape};

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
    /// What a person calls the target: a user's email, phone or name, a client's name. On
    /// [`insert`], the label to keep when the target no longer resolves (a user the operation
    /// deleted); on [`list`], the target's label now, else the one kept when it was written.
    pub target_label: Option<String>,
    pub outcome: Outcome,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// The separator of a membership target: `<username> -> <group>`.
const MEMBERSHIP: &str = " -> ";

/// Operations whose target is a group's name (never a user's, even when a user has that name).
fn targets_a_group(operation: &str) -> bool {
    operation.contains("Group")
        && !operation.contains("UserToGroup")
        && !operation.contains("UserFromGroup")
}

/// A person's label from their columns: the email, else the phone number, else the name, with
/// the name beside an email or phone ("ada@example.com (Ada Lovelace)").
fn person_label(
    email: Option<String>,
    phone: Option<String>,
    name: Option<String>,
    given: Option<String>,
    family: Option<String>,
) -> Option<String> {
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let full = nonempty(name).or_else(|| {
        let parts: Vec<String> = [nonempty(given), nonempty(family)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    match (nonempty(email).or_else(|| nonempty(phone)), full) {
        (Some(first), Some(full)) if first != full => Some(format!("{first} ({full})")),
        (Some(first), _) => Some(first),
        (None, full) => full,
    }
}

/// The label of the user `username` of pool `pool_id` as the store holds them now. The
/// username is matched exactly, else by its lower-cased key (case-insensitive pools).
fn user_label(r: &impl Read, pool_id: &str, username: &str) -> Result<Option<String>> {
    let row = r
        .conn()
        .prepare_cached(
            "SELECT u.email, u.phone_number, u.name, u.given_name, u.family_name
             FROM users u JOIN user_pools p ON p.pk = u.pool
             WHERE p.id = ?1 AND u.username_key IN (?2, lower(?2))
             ORDER BY u.username = ?2 DESC LIMIT 1",
        )?
        .query_row(params![pool_id, username], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    Ok(row.and_then(|(e, p, n, g, f)| person_label(e, p, n, g, f)))
}

/// What a person calls the target of a record of `operation` in `pool_id`, as the store holds
/// it now: a user's email, phone or name; `<user's label> -> <group>` for a membership; an app
/// client's name. `None` when the target is already its own name (a group, a pool's name) or
/// no longer exists.
pub fn target_label(
    r: &impl Read,
    operation: &str,
    pool_id: Option<&str>,
    target: Option<&str>,
) -> Result<Option<String>> {
    let (Some(pool_id), Some(target)) = (pool_id, target) else {
        return Ok(None);
    };
    if let Some((user, group)) = target.split_once(MEMBERSHIP) {
        return Ok(user_label(r, pool_id, user)?.map(|l| format!("{l}{MEMBERSHIP}{group}")));
    }
    if targets_a_group(operation) {
        return Ok(None);
    }
    if operation.contains("UserPoolClient") {
        return Ok(r
            .conn()
            .prepare_cached(
                "SELECT c.name FROM app_clients c JOIN user_pools p ON p.pk = c.pool
                 WHERE p.id = ?1 AND c.client_id = ?2",
            )?
            .query_row(params![pool_id, target], |r| r.get::<_, String>(0))
            .optional()?
            .filter(|name| name != target));
    }
    Ok(user_label(r, pool_id, target)?.filter(|l| l != target))
}

/// Appends a record (the `id` of `e` is ignored) and returns its id. The target's label is
/// resolved now, in the record's transaction (so a user the operation created is named), and
/// `e.target_label` is kept when it does not resolve (a user the operation deleted).
pub fn insert(tx: &Tx<'_>, e: &AuditEvent) -> Result<i64> {
    let label = target_label(tx, &e.operation, e.pool_id.as_deref(), e.target.as_deref())?
        .or_else(|| e.target_label.clone());
    tx.conn()
        .prepare_cached(
            "INSERT INTO audit_events(at, actor, operation, pool_id, target, outcome, error_code, message, target_label)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            e.at,
            e.actor,
            e.operation,
            e.pool_id,
            e.target,
            e.outcome.as_str(),
            e.error_code,
            e.message,
            label
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub pool_id: Option<String>,
    pub operation: Option<String>,
    pub target: Option<String>,
    /// A case-insensitive part of the target, of the label kept with the record, or of the
    /// email, phone number or name of the user it names as they are now.
    pub search: Option<String>,
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
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        ps.push(Value::Text(format!("%{}%", like_escape(s))));
        let n = ps.len();
        // The user a record names: its target, or the part before " -> " of a membership.
        const WHO: &str = "CASE WHEN instr(audit_events.target, ' -> ') > 0 \
            THEN substr(audit_events.target, 1, instr(audit_events.target, ' -> ') - 1) \
            ELSE audit_events.target END";
        terms.push(format!(
            "(target LIKE ?{n} ESCAPE '\\' OR target_label LIKE ?{n} ESCAPE '\\'
              OR EXISTS (SELECT 1 FROM users u JOIN user_pools p ON p.pk = u.pool
                 WHERE p.id = audit_events.pool_id
                   AND u.username_key IN ({WHO}, lower({WHO}))
                   AND (u.email LIKE ?{n} ESCAPE '\\' OR u.phone_number LIKE ?{n} ESCAPE '\\'
                        OR u.name LIKE ?{n} ESCAPE '\\' OR u.given_name LIKE ?{n} ESCAPE '\\'
                        OR u.family_name LIKE ?{n} ESCAPE '\\')))"
        ));
    }
    ps.push(Value::Integer(i64::from(q.limit)));
    let sql = format!(
        "SELECT pk, at, actor, operation, pool_id, target, outcome, error_code, message, target_label
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
            target_label: r.get(9)?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    // The label as the target is now (an email changed since), else the one kept.
    for e in &mut out {
        if let Some(now) = target_label(r, &e.operation, e.pool_id.as_deref(), e.target.as_deref())?
        {
            e.target_label = Some(now);
        }
    }
    Ok(out)
}

/// How many records there are (for tests that check nothing was written).
pub fn count(r: &impl Read) -> Result<i64> {
    Ok(r.conn()
        .query_row("SELECT count(*) FROM audit_events", [], |row| row.get(0))?)
}
