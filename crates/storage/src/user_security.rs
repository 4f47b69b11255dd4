//! The `user_security` table: failed sign-ins in a row and the lockout they earned.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params, params_from_iter};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A user's sign-in state (all zero for a user who never failed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    pub failed_sign_ins: i64,
    /// ms; sign-in is refused before this.
    pub locked_until: i64,
    pub last_sign_in: Option<i64>,
}

/// The user's state.
pub fn get(r: &impl Read, user: i64) -> Result<Security> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT failed_sign_ins, locked_until, last_sign_in FROM user_security WHERE user = ?1",
        )?
        .query_row([user], |r| {
            Ok(Security {
                failed_sign_ins: r.get(0)?,
                locked_until: r.get(1)?,
                last_sign_in: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// The state of each of these users that ever failed a sign-in (the others are absent).
pub fn for_users(r: &impl Read, users: &[i64]) -> Result<HashMap<i64, Security>> {
    let mut out = HashMap::new();
    // SQLite's parameter limit is far above a page (1,000 users at most), but chunk anyway.
    for chunk in users.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut stmt = r.conn().prepare(&format!(
            "SELECT user, failed_sign_ins, locked_until, last_sign_in FROM user_security
             WHERE user IN ({marks})"
        ))?;
        let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Security {
                    failed_sign_ins: r.get(1)?,
                    locked_until: r.get(2)?,
                    last_sign_in: r.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (user, s) = row?;
            out.insert(user, s);
        }
    }
    Ok(out)
}

/// Writes the user's failure count and lockout.
pub fn set_failures(tx: &Tx<'_>, user: i64, failed: i64, locked_until: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO user_security(user, failed_sign_ins, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT(user) DO UPDATE SET failed_sign_ins = excluded.failed_sign_ins,
                locked_until = excluded.locked_until",
        )?
        .execute(params![user, failed, locked_until])?;
    Ok(())
}

/// A successful sign-in: clears failures and notes the time.
pub fn signed_in(tx: &Tx<'_>, user: i64, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO user_security(user, failed_sign_ins, locked_until, last_sign_in)
             VALUES (?1, 0, 0, ?2)
             ON CONFLICT(user) DO UPDATE SET failed_sign_ins = 0, locked_until = 0,
                last_sign_in = excluded.last_sign_in",
        )?
        .execute(params![user, now])?;
    Ok(())
}

/// Users of a pool locked out at `now`.
pub fn count_locked(r: &impl Read, pool: i64, now: i64) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT count(*) FROM user_security s JOIN users u ON u.pk = s.user
             WHERE u.pool = ?1 AND s.locked_until > ?2",
        )?
        .query_row(params![pool, now], |r| r.get(0))?)
}
