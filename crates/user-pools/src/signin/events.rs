//! Auth events (every sign-in step, sign-up and password change, as support sees them) and
//! the lockout that failed sign-ins build up.

use storage::auth_events::{self, AuthEvent};
use storage::clients::ClientRow;
use storage::user_security;
use storage::users::UserRow;
use storage::{Read, Tx};

use super::Step;
use crate::Result;

/// Records an auth event for `user` (a sign-in step, sign-up, password change, ...) and
/// answers its id.
pub fn record_event(
    tx: &Tx<'_>,
    user: &UserRow,
    client: &ClientRow,
    step: &Step<'_>,
    kind: &str,
    response: &str,
    detail: Option<&str>,
) -> Result<String> {
    let event_id = tokens::new_jti();
    insert_event(
        tx,
        event_id.clone(),
        user,
        client,
        step,
        (kind, response, detail),
    )?;
    Ok(event_id)
}

/// Stores an auth event under `event_id`: its kind, response and detail.
pub(crate) fn insert_event(
    tx: &Tx<'_>,
    event_id: String,
    user: &UserRow,
    client: &ClientRow,
    step: &Step<'_>,
    (kind, response, detail): (&str, &str, Option<&str>),
) -> Result<()> {
    auth_events::insert(
        tx,
        &AuthEvent {
            pk: 0,
            user: user.pk,
            event_id,
            at: step.now,
            event_type: kind.into(),
            response: response.into(),
            client_id: Some(client.client_id.clone()),
            ip: step.origin.ip.clone(),
            risk_level: step.risk.map(str::to_string),
            detail: detail.map(str::to_string),
            compromised: step.compromised,
        },
    )?;
    Ok(())
}

/// A user's auth events, newest first.
pub fn events(r: &impl Read, user: &UserRow, before: i64, limit: u32) -> Result<Vec<AuthEvent>> {
    Ok(auth_events::for_user(r, user.pk, before, limit)?)
}

/// Failed sign-ins allowed before the lockout starts.
pub const FREE_FAILURES: i64 = 5;
/// The longest lockout, in ms (Cognito's "about 15 minutes").
pub const MAX_LOCKOUT_MS: i64 = 15 * 60 * 1000;

/// What the caller established before [`decide`]: the password (or SRP proof, or custom
/// challenge) checked out, or it did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Verified,
    Failed,
}

impl Proof {
    /// `Verified` when `ok`.
    pub fn from_check(ok: bool) -> Proof {
        if ok { Proof::Verified } else { Proof::Failed }
    }
}

/// A user's failed sign-ins and lockout, as support sees them.
pub fn security(r: &impl Read, user: &UserRow) -> Result<user_security::Security> {
    Ok(user_security::get(r, user.pk)?)
}

/// How long a user is locked out after `failures` failed sign-ins in a row: nothing for the
/// first [`FREE_FAILURES`], then 1 s, doubling with each further failure up to 15 minutes.
pub fn lockout_ms(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    (1000_i64 << doublings).min(MAX_LOCKOUT_MS)
}

/// Counts a failed check (a wrong password or MFA code, here or in `ChangePassword`) toward
/// the lockout.
pub fn count_failure(tx: &Tx<'_>, user: &UserRow, now: i64) -> Result<()> {
    let security = user_security::get(tx, user.pk)?;
    let failures = security.failed_sign_ins + 1;
    let lock = lockout_ms(failures);
    user_security::set_failures(tx, user.pk, failures, if lock > 0 { now + lock } else { 0 })?;
    Ok(())
}

/// Lifts a lockout and forgets failed sign-ins.
pub fn unlock(tx: &Tx<'_>, user: &UserRow) -> Result<()> {
    user_security::set_failures(tx, user.pk, 0, 0)?;
    Ok(())
}
