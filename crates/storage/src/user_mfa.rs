//! The `user_mfa` table: a user's MFA factors and preference.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A user's factors (all off for a user without a row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mfa {
    pub totp_sealed: Option<Vec<u8>>,
    pub totp_pending_sealed: Option<Vec<u8>>,
    pub totp_enabled: bool,
    pub email_enabled: bool,
    pub sms_enabled: bool,
    /// `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_MFA`.
    pub preferred: Option<String>,
    pub totp_last_step: i64,
}

impl Mfa {
    /// The enabled factors in Cognito's names, TOTP first.
    pub fn enabled(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.totp_enabled && self.totp_sealed.is_some() {
            out.push("SOFTWARE_TOKEN_MFA");
        }
        if self.email_enabled {
            out.push("EMAIL_OTP");
        }
        if self.sms_enabled {
            out.push("SMS_MFA");
        }
        out
    }
}

/// The user's factors.
pub fn get(r: &impl Read, user: i64) -> Result<Mfa> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT totp_sealed, totp_pending_sealed, totp_enabled, email_enabled, sms_enabled,
                preferred, totp_last_step FROM user_mfa WHERE user = ?1",
        )?
        .query_row([user], |r| {
            Ok(Mfa {
                totp_sealed: r.get(0)?,
                totp_pending_sealed: r.get(1)?,
                totp_enabled: r.get(2)?,
                email_enabled: r.get(3)?,
                sms_enabled: r.get(4)?,
                preferred: r.get(5)?,
                totp_last_step: r.get(6)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Writes the user's factors (a user with none loses the row).
pub fn put(tx: &Tx<'_>, user: i64, pool: i64, m: &Mfa) -> Result<()> {
    if *m == Mfa::default() {
        tx.conn()
            .prepare_cached("DELETE FROM user_mfa WHERE user = ?1")?
            .execute([user])?;
        return Ok(());
    }
    tx.conn()
        .prepare_cached(
            "INSERT INTO user_mfa(user, pool, totp_sealed, totp_pending_sealed, totp_enabled,
                email_enabled, sms_enabled, preferred, totp_last_step)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(user) DO UPDATE SET totp_sealed = excluded.totp_sealed,
                totp_pending_sealed = excluded.totp_pending_sealed,
                totp_enabled = excluded.totp_enabled, email_enabled = excluded.email_enabled,
                sms_enabled = excluded.sms_enabled, preferred = excluded.preferred,
                totp_last_step = excluded.totp_last_step",
        )?
        .execute(params![
            user,
            pool,
            m.totp_sealed,
            m.totp_pending_sealed,
            m.totp_enabled,
            m.email_enabled,
            m.sms_enabled,
            m.preferred,
            m.totp_last_step
        ])?;
    Ok(())
}

/// The enabled factors of each of `users` that has any (for a page of the users table).
pub fn enabled_for(r: &impl Read, users: &[i64]) -> Result<HashMap<i64, Vec<&'static str>>> {
    let mut out = HashMap::new();
    for u in users {
        let m = get(r, *u)?;
        let e = m.enabled();
        if !e.is_empty() {
            out.insert(*u, e);
        }
    }
    Ok(out)
}
