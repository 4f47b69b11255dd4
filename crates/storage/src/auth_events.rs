//! The `auth_events` table: each user's history of sign-ins, sign-ups and password changes.

use rusqlite::params;

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthEvent {
    pub pk: i64,
    pub user: i64,
    pub event_id: String,
    pub at: i64,
    /// `SignIn`, `SignUp`, `ForgotPassword`, `PasswordChange`, `ResendCode`.
    pub event_type: String,
    /// `Pass`, `Fail`, `InProgress`.
    pub response: String,
    pub client_id: Option<String>,
    pub ip: Option<String>,
    pub risk_level: Option<String>,
    pub detail: Option<String>,
    /// The password used was found in the breached-password list.
    pub compromised: bool,
}

/// Appends an event (its `pk` is ignored).
pub fn insert(tx: &Tx<'_>, e: &AuthEvent) -> Result<i64> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO auth_events(user, event_id, at, event_type, response, client_id, ip,
                risk_level, detail, compromised)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            e.user,
            e.event_id,
            e.at,
            e.event_type,
            e.response,
            e.client_id,
            e.ip,
            e.risk_level,
            e.detail,
            e.compromised
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

/// A user's successful sign-ins as threat protection weighs a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpHistory {
    /// The user signed in successfully from this address before.
    pub signed_in_from_ip: bool,
    /// The user signed in successfully at all before (a first sign-in has nothing to compare
    /// with).
    pub signed_in_before: bool,
}

/// The user's successful sign-ins, from `ip` and at all.
pub fn ip_history(r: &impl Read, user: i64, ip: &str) -> Result<IpHistory> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT count(*) FILTER (WHERE ip = ?2), count(*) FROM auth_events
         WHERE user = ?1 AND event_type = 'SignIn' AND response = 'Pass'",
    )?;
    let (from_ip, any): (i64, i64) =
        stmt.query_row(params![user, ip], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(IpHistory {
        signed_in_from_ip: from_ip > 0,
        signed_in_before: any > 0,
    })
}

/// A user's events, newest first, before `before_pk` (0: from the newest).
pub fn for_user(r: &impl Read, user: i64, before_pk: i64, limit: u32) -> Result<Vec<AuthEvent>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, user, event_id, at, event_type, response, client_id, ip, risk_level, detail,
            compromised
         FROM auth_events WHERE user = ?1 AND (?2 = 0 OR pk < ?2) ORDER BY pk DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![user, before_pk, limit], |r| {
        Ok(AuthEvent {
            pk: r.get(0)?,
            user: r.get(1)?,
            event_id: r.get(2)?,
            at: r.get(3)?,
            event_type: r.get(4)?,
            response: r.get(5)?,
            client_id: r.get(6)?,
            ip: r.get(7)?,
            risk_level: r.get(8)?,
            detail: r.get(9)?,
            compromised: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
