//! Passwords as the engine sets them: checked against the pool's policy, hashed before the
//! write, and stored with the status they leave the user in and their SRP verifier, on one
//! path for every way a password changes.

use domain::UserPoolId;
use domain::user::UserStatus;
use storage::Tx;
use storage::pools::PoolRow;
use storage::users::{self as store, UserRow};
use tokens::MasterKey;

use super::{get, resolve};
use crate::{Ctx, Error, Result};

/// What a password set by an administrator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordKind {
    /// The user signs in with it as it is (`Permanent: true`).
    Permanent,
    /// The user must replace it at the next sign-in (`FORCE_CHANGE_PASSWORD`).
    Temporary,
}

/// Checks a password against the pool's policy; `field` is the request member that carries it.
pub fn check_password(pool: &PoolRow, field: &'static str, password: &str) -> Result<()> {
    pool.config
        .settings
        .policies
        .password_policy
        .check(password)
        .map_err(|reason| Error::InvalidPassword { field, reason })
}

/// A new password: checked against the pool's policy and hashed before the write transaction
/// (argon2 is slow), and still in clear for the SRP verifier made beside the hash.
pub struct NewPassword<'a> {
    pub clear: &'a str,
    pub hash: String,
}

impl std::fmt::Debug for NewPassword<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(hidden)")
    }
}

/// Sets a user's password, the status it leaves them in, and its SRP verifier: the one path
/// every password change takes (`AdminSetUserPassword`, `ChangePassword`,
/// `ConfirmForgotPassword`, `NEW_PASSWORD_REQUIRED`).
pub fn set_password(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool: &PoolRow,
    user: &UserRow,
    password: &NewPassword<'_>,
    status: UserStatus,
    now: i64,
) -> Result<()> {
    store::set_password(tx, user.pk, &password.hash, status, now)?;
    remember_password(tx, master, &pool.id, user, password)
}

/// Keeps the SRP verifier of the password a user was just created with.
pub fn remember_password(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    user: &UserRow,
    password: &NewPassword<'_>,
) -> Result<()> {
    crate::signin::srp::remember(tx, master, pool_id, user, password.clear)
}

/// `AdminSetUserPassword`: permanent (`CONFIRMED`) or temporary (`FORCE_CHANGE_PASSWORD`).
pub fn admin_set_password(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    username: &str,
    password: &NewPassword<'_>,
    kind: PasswordKind,
) -> Result<UserRow> {
    let (pool, user) = get(tx, pool_id, username)?;
    let status = match kind {
        PasswordKind::Permanent => UserStatus::Confirmed,
        PasswordKind::Temporary => UserStatus::ForceChangePassword,
    };
    set_password(
        tx,
        master,
        &pool,
        &user,
        password,
        status,
        ctx.clock.now_ms(),
    )?;
    resolve(tx, &pool, &user.username)
}
