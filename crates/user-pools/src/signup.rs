//! Sign-up, confirmation and recovery: the flows that send a one-time code.
//!
//! A code is six digits, delivered to the outbox (by email when the user has a verified or
//! auto-verified email, else by SMS) and stored only as a digest. Sign-up and attribute codes
//! live 24 hours, password-reset codes one hour; five wrong answers burn a code.

use std::collections::BTreeMap;

use domain::pool::{RecoveryOptionName, VerifiedAttribute};
use domain::user::UserStatus;
use rand::Rng;
use storage::codes;
use storage::outbox::{self, Message};
use storage::pools::PoolRow;
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};

use crate::auth::{SignInClient, Step};
use crate::hooks::CustomText;
use crate::users::{insert_user, resolve};
use crate::{Ctx, Error, Result};

/// Wrong answers a code survives.
pub const CODE_ATTEMPTS: i64 = 5;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmSignUp,
    ResetPassword,
    /// `GetUserAttributeVerificationCode` / `UpdateUserAttributes` for `email`.
    VerifyEmail,
    /// ... for `phone_number`.
    VerifyPhone,
}

impl Purpose {
    fn key(self) -> &'static str {
        match self {
            Purpose::ConfirmSignUp => "confirm_sign_up",
            Purpose::ResetPassword => "reset_password",
            Purpose::VerifyEmail => "verify_email",
            Purpose::VerifyPhone => "verify_phone_number",
        }
    }
    fn lifetime_ms(self) -> i64 {
        match self {
            Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone => DAY_MS,
            Purpose::ResetPassword => HOUR_MS,
        }
    }

    /// The purpose of verifying `attribute` (only `email` and `phone_number` take codes).
    pub fn verifying(attribute: &str) -> Result<Purpose> {
        match attribute {
            "email" => Ok(Purpose::VerifyEmail),
            "phone_number" => Ok(Purpose::VerifyPhone),
            other => Err(Error::InvalidParameter(domain::FieldError::new(
                "AttributeName",
                format!("'{other}' is not verified with a code: only email and phone_number are"),
            ))),
        }
    }
}

/// `CodeDeliveryDetailsType`: where a code went, masked as Cognito masks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `a***@e***`.
    pub destination: String,
    /// `EMAIL` or `SMS`.
    pub medium: &'static str,
    /// `email` or `phone_number`.
    pub attribute: &'static str,
}

fn mask(attribute: &str, value: &str) -> String {
    if attribute == "email" {
        let (local, domain) = value.split_once('@').unwrap_or((value, ""));
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        format!("{}***@{}***", first(local), first(domain))
    } else {
        let tail: String = value
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("+*******{tail}")
    }
}

/// Where the pool sends a user's codes: email if the pool verifies email (or recovers by it)
/// and the user has one, else SMS to their phone.
fn channel(
    pool: &PoolRow,
    user: &UserRow,
    purpose: Purpose,
) -> Option<(&'static str, &'static str)> {
    match purpose {
        Purpose::VerifyEmail => {
            return user
                .attributes
                .contains_key("email")
                .then_some(("EMAIL", "email"));
        }
        Purpose::VerifyPhone => {
            return user
                .attributes
                .contains_key("phone_number")
                .then_some(("SMS", "phone_number"));
        }
        Purpose::ConfirmSignUp | Purpose::ResetPassword => {}
    }
    let settings = &pool.config.settings;
    let by_email = match purpose {
        Purpose::ConfirmSignUp => settings
            .auto_verified_attributes
            .contains(&VerifiedAttribute::Email),
        _ => true,
    };
    let by_phone = match purpose {
        Purpose::ConfirmSignUp => settings
            .auto_verified_attributes
            .contains(&VerifiedAttribute::PhoneNumber),
        _ => true,
    };
    let mut order: Vec<(&'static str, &'static str)> = Vec::new();
    if purpose == Purpose::ResetPassword
        && let Some(rec) = &settings.account_recovery_setting
    {
        let mut mechanisms = rec.recovery_mechanisms.clone();
        mechanisms.sort_by_key(|m| m.priority);
        for m in mechanisms {
            match m.name {
                RecoveryOptionName::VerifiedEmail => order.push(("EMAIL", "email")),
                RecoveryOptionName::VerifiedPhoneNumber => order.push(("SMS", "phone_number")),
                RecoveryOptionName::AdminOnly => {}
            }
        }
    } else {
        if by_email {
            order.push(("EMAIL", "email"));
        }
        if by_phone {
            order.push(("SMS", "phone_number"));
        }
    }
    order.into_iter().find(|(_, attr)| {
        user.attributes.contains_key(*attr)
            && (purpose == Purpose::ConfirmSignUp
                || user
                    .attributes
                    .get(&format!("{attr}_verified"))
                    .is_some_and(|v| v == "true"))
    })
}

fn render(template: Option<&str>, default: &str, code: &str) -> String {
    template.unwrap_or(default).replace("{####}", code)
}

/// Makes a code for `purpose`, stores its digest and puts the message in the outbox.
fn send_code(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    purpose: Purpose,
    now: i64,
    custom: Option<&CustomText>,
) -> Result<Option<Delivery>> {
    let Some((medium, attribute)) = channel(pool, user, purpose) else {
        return Ok(None);
    };
    let Some(destination) = user.attributes.get(attribute) else {
        return Ok(None);
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    codes::put(
        tx,
        user.pk,
        purpose.key(),
        &tokens::opaque_digest(&code),
        now,
        now + purpose.lifetime_ms(),
    )?;
    let t = &pool.config.settings.verification_message_template;
    let settings = &pool.config.settings;
    let (subject, body, kind) = match (purpose, medium) {
        (Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone, "EMAIL") => (
            Some(
                t.email_subject
                    .clone()
                    .or_else(|| settings.email_verification_subject.clone())
                    .unwrap_or_else(|| "Your verification code".into()),
            ),
            render(
                t.email_message
                    .as_deref()
                    .or(settings.email_verification_message.as_deref()),
                "Your verification code is {####}.",
                &code,
            ),
            "VerificationCode",
        ),
        (Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone, _) => (
            None,
            render(
                t.sms_message
                    .as_deref()
                    .or(settings.sms_verification_message.as_deref()),
                "Your verification code is {####}.",
                &code,
            ),
            "VerificationCode",
        ),
        (Purpose::ResetPassword, "EMAIL") => (
            Some("Your password reset code".to_string()),
            format!("Your password reset code is {code}."),
            "PasswordResetCode",
        ),
        (Purpose::ResetPassword, _) => (
            None,
            format!("Your password reset code is {code}."),
            "PasswordResetCode",
        ),
    };
    // A custom message hook's text replaces the pool's, medium by medium.
    let (subject, body) = match (custom, medium) {
        (Some(c), "EMAIL") => (
            c.email_subject.clone().or(subject),
            c.email_message
                .as_deref()
                .map_or(body, |m| m.replace("{####}", &code)),
        ),
        (Some(c), _) => (
            subject,
            c.sms_message
                .as_deref()
                .map_or(body, |m| m.replace("{####}", &code)),
        ),
        (None, _) => (subject, body),
    };
    outbox::insert(
        tx,
        &Message {
            id: 0,
            at: now,
            pool_id: pool.id.clone(),
            username: user.username.clone(),
            medium: medium.into(),
            destination: destination.clone(),
            subject,
            body,
            kind: kind.into(),
            delivery: None,
            delivery_detail: None,
        },
    )?;
    Ok(Some(Delivery {
        destination: mask(attribute, destination),
        medium,
        attribute,
    }))
}

/// Checks a code; a wrong one counts an attempt (committed even though the answer is an error:
/// the outer result fails the transaction, the inner one is the answer).
fn check_code(
    tx: &Tx<'_>,
    user: &UserRow,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<std::result::Result<(), Error>> {
    let Some(stored) = codes::get(tx, user.pk, purpose.key())? else {
        return Ok(Err(Error::ExpiredCode));
    };
    if stored.expires_at <= now {
        codes::delete(tx, user.pk, purpose.key())?;
        return Ok(Err(Error::ExpiredCode));
    }
    if stored.attempts >= CODE_ATTEMPTS {
        return Ok(Err(Error::LimitExceeded(
            "Attempt limit exceeded, please try after some time.".into(),
        )));
    }
    if tokens::opaque_digest(code.trim()) != stored.digest {
        codes::add_attempt(tx, user.pk, purpose.key())?;
        return Ok(Err(Error::CodeMismatch));
    }
    codes::delete(tx, user.pk, purpose.key())?;
    Ok(Ok(()))
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
    let delivery = send_code(
        tx,
        &sc.pool,
        &user,
        Purpose::ConfirmSignUp,
        ctx.clock.now_ms(),
        req.message,
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
    if let Some((_, attribute)) = channel(&sc.pool, &user, Purpose::ConfirmSignUp) {
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
    send_code(tx, &sc.pool, &user, Purpose::ConfirmSignUp, now, message)
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
    codes::delete(tx, user.pk, Purpose::ConfirmSignUp.key())?;
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
    send_code(tx, &sc.pool, user, Purpose::ResetPassword, now, message)?.ok_or_else(|| {
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
    send_code(tx, pool, user, purpose, now, message)?.ok_or_else(|| {
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
    crate::users::check_uniqueness(tx, ctx, pool, Some(user.pk), &attrs, false)?;
    user_store::replace_attributes(tx, user, &attrs, now)?;
    Ok(Ok(resolve(tx, pool, &user.username)?))
}

/// `ConfirmForgotPassword`: checks the code and sets the new password (already hashed).
pub fn confirm_forgot_password(
    tx: &Tx<'_>,
    user: &UserRow,
    code: &str,
    new_hash: &str,
    now: i64,
) -> Result<std::result::Result<(), Error>> {
    if let Err(e) = check_code(tx, user, Purpose::ResetPassword, code, now)? {
        return Ok(Err(e));
    }
    user_store::set_password(tx, user.pk, new_hash, UserStatus::Confirmed, now)?;
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
    if send_code(tx, pool, &user, Purpose::ResetPassword, now, message)?.is_none() {
        // Nobody could finish this reset: the user would be locked out for good.
        return Err(Error::InvalidParameter(domain::FieldError::new(
            "Username",
            "Cannot reset password for the user as there is no registered/verified email or \
             phone_number",
        )));
    }
    user_store::set_status(tx, user.pk, UserStatus::ResetRequired, now)?;
    crate::auth::sign_out_everywhere(tx, &user, now)?;
    resolve(tx, pool, &user.username)
}

/// Finds a user of the pool for the unauthenticated recovery flows.
pub fn find(r: &impl Read, pool: &PoolRow, username: &str) -> Result<UserRow> {
    resolve(r, pool, username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask("email", "alice@example.com"), "a***@e***");
        assert_eq!(mask("phone_number", "+15555550123"), "+*******0123");
    }
}
