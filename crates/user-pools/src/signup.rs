//! Sign-up, confirmation and recovery: the flows that send a one-time code.
//!
//! The codes themselves (where they go, how long they live, how they are checked) are
//! [`crate::codes`]'s.

use std::collections::BTreeMap;

use domain::pool::RecoveryOptionName;
use domain::user::UserStatus;
use storage::pools::PoolRow;
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};
use tokens::MasterKey;

use crate::codes::{self, ConfirmLink, Delivery, Purpose, Verdict};
use crate::hooks::CustomText;
use crate::signin::{SignInClient, Step};
use crate::users::{NewPassword, insert_user, resolve, set_password};
use crate::{Ctx, Error, Result};

/// Checks a code; a wrong one counts an attempt (committed even though the answer is an error:
/// the outer result fails the transaction, the inner one is the answer).
fn check_code(
    tx: &Tx<'_>,
    user: &UserRow,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<std::result::Result<(), Error>> {
    Ok(match codes::check(tx, user, purpose, code, now)? {
        Verdict::Accepted => Ok(()),
        Verdict::Mismatch => Err(Error::CodeMismatch),
        Verdict::Expired => Err(Error::ExpiredCode),
        Verdict::Exhausted => Err(Error::LimitExceeded(
            "Attempt limit exceeded, please try after some time.".into(),
        )),
    })
}

/// A sign-up to record, the password already checked against the policy and hashed.
pub struct SignUp<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    /// What the pre sign-up hook decided (all false without one).
    pub hook: crate::hooks::PreSignUp,
    /// The custom message hook's text for the confirmation code, if it gave one.
    pub message: Option<&'a CustomText>,
    /// Where the confirmation link points, when the pool confirms with one.
    pub link: Option<&'a ConfirmLink>,
}

/// `SignUp`: an `UNCONFIRMED` user and a confirmation code (when the pool verifies an attribute
/// the user gave).
pub fn sign_up(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    sc: &SignInClient,
    req: &SignUp<'_>,
) -> Result<(UserRow, Option<Delivery>)> {
    if sc
        .pool
        .config
        .settings
        .admin_create_user_config
        .allow_admin_create_user_only
    {
        return Err(Error::NotAuthorized(
            "SignUp is not permitted for this user pool".into(),
        ));
    }
    domain::user::validate_username(req.username)?;
    let mut attrs = req.attributes.clone();
    // Users do not set their own verification flags.
    attrs.remove("email_verified");
    attrs.remove("phone_number_verified");
    // ...but a pre sign-up hook may.
    req.hook.verify_into(&mut attrs);
    let status = if req.hook.auto_confirm_user {
        UserStatus::Confirmed
    } else {
        UserStatus::Unconfirmed
    };
    let user = insert_user(
        tx,
        ctx,
        &sc.pool,
        req.username,
        &attrs,
        status,
        Some(req.password_hash),
        false,
    )?;
    if req.hook.auto_confirm_user {
        return Ok((user, None));
    }
    let delivery = codes::issue_with_link(
        tx,
        &sc.pool,
        &user,
        Purpose::ConfirmSignUp,
        ctx.clock.now_ms(),
        req.message,
        req.link,
    )?;
    Ok((user, delivery))
}

/// `ConfirmSignUp`: checks the code, confirms the user and verifies the attribute it went to.
pub fn confirm_sign_up(
    tx: &Tx<'_>,
    sc: &SignInClient,
    username: &str,
    code: &str,
    step: &Step<'_>,
) -> Result<std::result::Result<UserRow, Error>> {
    let user = resolve(tx, &sc.pool, username)?;
    if user.status != UserStatus::Unconfirmed {
        return Ok(Err(Error::NotAuthorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        ))));
    }
    if let Err(e) = check_code(tx, &user, Purpose::ConfirmSignUp, code, step.now)? {
        return Ok(Err(e));
    }
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    if let Some(attribute) = codes::attribute_for(&sc.pool, &user, Purpose::ConfirmSignUp) {
        attrs.insert(format!("{attribute}_verified"), "true".into());
    }
    user_store::replace_attributes(tx, &user, &attrs, step.now)?;
    user_store::set_status(tx, user.pk, UserStatus::Confirmed, step.now)?;
    Ok(Ok(resolve(tx, &sc.pool, &user.username)?))
}

/// `ResendConfirmationCode`.
pub fn resend_confirmation(
    tx: &Tx<'_>,
    sc: &SignInClient,
    username: &str,
    now: i64,
    message: Option<&CustomText>,
    link: Option<&ConfirmLink>,
) -> Result<Option<Delivery>> {
    let user = resolve(tx, &sc.pool, username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(Error::InvalidParameter(domain::FieldError::new(
            "Username",
            format!(
                "User is already confirmed (status {}).",
                user.status.as_str()
            ),
        )));
    }
    codes::issue_with_link(
        tx,
        &sc.pool,
        &user,
        Purpose::ConfirmSignUp,
        now,
        message,
        link,
    )
}

/// `AdminConfirmSignUp`.
pub fn admin_confirm(tx: &Tx<'_>, pool: &PoolRow, username: &str, now: i64) -> Result<UserRow> {
    let user = resolve(tx, pool, username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(Error::NotAuthorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        )));
    }
    user_store::set_status(tx, user.pk, UserStatus::Confirmed, now)?;
    codes::withdraw(tx, &user, Purpose::ConfirmSignUp)?;
    resolve(tx, pool, &user.username)
}

/// Whether the pool lets users recover their own account.
fn self_recovery(pool: &PoolRow) -> bool {
    pool.config
        .settings
        .account_recovery_setting
        .as_ref()
        .is_none_or(|r| {
            r.recovery_mechanisms
                .iter()
                .any(|m| m.name != RecoveryOptionName::AdminOnly)
        })
}

/// `ForgotPassword`: sends a reset code to a verified email or phone.
pub fn forgot_password(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    now: i64,
    message: Option<&CustomText>,
) -> Result<Delivery> {
    if !self_recovery(&sc.pool) {
        return Err(Error::NotAuthorized(
            "This user pool only lets administrators recover accounts.".into(),
        ));
    }
    if !user.enabled {
        return Err(Error::NotAuthorized("User is disabled.".into()));
    }
    codes::issue(tx, &sc.pool, user, Purpose::ResetPassword, now, message)?.ok_or_else(|| {
        Error::InvalidParameter(domain::FieldError::new(
            "Username",
            "Cannot reset password for the user as there is no registered/verified email or \
             phone_number",
        ))
    })
}

/// `GetUserAttributeVerificationCode` (and a changed email or phone in
/// `UpdateUserAttributes`): a code to the attribute's current value.
pub fn send_attribute_code(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    attribute: &str,
    now: i64,
    message: Option<&CustomText>,
) -> Result<Delivery> {
    let purpose = Purpose::verifying(attribute)?;
    codes::issue(tx, pool, user, purpose, now, message)?.ok_or_else(|| {
        Error::InvalidParameter(domain::FieldError::new(
            "AttributeName",
            format!("the user has no {attribute} to verify"),
        ))
    })
}

/// `VerifyUserAttribute`: checks the code and marks the attribute verified. A wrong code
/// counts an attempt (the outer result commits it; the inner one is the answer).
pub fn verify_attribute(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    attribute: &str,
    code: &str,
) -> Result<std::result::Result<UserRow, Error>> {
    let purpose = Purpose::verifying(attribute)?;
    let now = ctx.clock.now_ms();
    if let Err(e) = check_code(tx, user, purpose, code, now)? {
        return Ok(Err(e));
    }
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    attrs.insert(format!("{attribute}_verified"), "true".into());
    crate::users::check_uniqueness(tx, ctx.clock.now_ms(), pool, Some(user.pk), &attrs, false)?;
    user_store::replace_attributes(tx, user, &attrs, now)?;
    Ok(Ok(resolve(tx, pool, &user.username)?))
}

/// `ConfirmForgotPassword`: checks the code and sets the new password.
pub fn confirm_forgot_password(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool: &PoolRow,
    user: &UserRow,
    code: &str,
    password: &NewPassword<'_>,
    now: i64,
) -> Result<std::result::Result<(), Error>> {
    if let Err(e) = check_code(tx, user, Purpose::ResetPassword, code, now)? {
        return Ok(Err(e));
    }
    set_password(tx, master, pool, user, password, UserStatus::Confirmed, now)?;
    // A new password ends the lockout the old one earned.
    storage::user_security::set_failures(tx, user.pk, 0, 0)?;
    Ok(Ok(()))
}

/// `AdminResetUserPassword`: `RESET_REQUIRED` and a reset code, as Cognito does; the next
/// sign-in answers `PasswordResetRequiredException`. `message` is the custom message hook's
/// text for the code, when the pool has one.
pub fn admin_reset_password(
    tx: &Tx<'_>,
    pool: &PoolRow,
    username: &str,
    now: i64,
    message: Option<&CustomText>,
) -> Result<UserRow> {
    if !self_recovery(pool) {
        // Cognito refuses a reset nobody could complete.
        return Err(Error::NotAuthorized(
            "Auto verification not turned on, or the pool only allows admin recovery.".into(),
        ));
    }
    let user = resolve(tx, pool, username)?;
    if codes::issue(tx, pool, &user, Purpose::ResetPassword, now, message)?.is_none() {
        // Nobody could finish this reset: the user would be locked out for good.
        return Err(Error::InvalidParameter(domain::FieldError::new(
            "Username",
            "Cannot reset password for the user as there is no registered/verified email or \
             phone_number",
        )));
    }
    user_store::set_status(tx, user.pk, UserStatus::ResetRequired, now)?;
    crate::signin::sign_out_everywhere(tx, &user, now)?;
    resolve(tx, pool, &user.username)
}

/// Finds a user of the pool for the unauthenticated recovery flows.
pub fn find(r: &impl Read, pool: &PoolRow, username: &str) -> Result<UserRow> {
    resolve(r, pool, username)
}
