//! One-time codes: the six digits sent for sign-up confirmation, password resets (the user's
//! or an administrator's), attribute verification, and MFA by email or SMS.
//!
//! [`issue`] is the one place a code is made: it is stored only as a digest, under its
//! [`Purpose`] (a newer code of the same purpose replaces the older), and its message goes to the
//! outbox. Account codes live 24 hours (password resets one hour) and survive five wrong answers;
//! sign-in codes live three minutes and survive three.

use domain::pool::{DefaultEmailOption, RecoveryOptionName, VerifiedAttribute};
use rand::Rng;
use storage::Tx;
use storage::codes as store;
use storage::outbox::{self, Message};
use storage::pools::PoolRow;
use storage::users::UserRow;

use crate::hooks::CustomText;
use crate::{Error, Result};

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// Cognito's default for sign-in codes.
const MFA_LIFETIME_MS: i64 = 3 * 60_000;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmSignUp,
    /// `ForgotPassword` and `AdminResetUserPassword`.
    ResetPassword,
    /// `GetUserAttributeVerificationCode` / `UpdateUserAttributes` for `email`.
    VerifyEmail,
    /// ... for `phone_number`.
    VerifyPhone,
    /// The `EMAIL_OTP` sign-in challenge.
    MfaEmail,
    /// The `SMS_MFA` sign-in challenge.
    MfaSms,
}

impl Purpose {
    /// The key codes are stored under (one code per user and key).
    fn key(self) -> &'static str {
        match self {
            Purpose::ConfirmSignUp => "confirm_sign_up",
            Purpose::ResetPassword => "reset_password",
            Purpose::VerifyEmail => "verify_email",
            Purpose::VerifyPhone => "verify_phone_number",
            Purpose::MfaEmail => "mfa_email",
            Purpose::MfaSms => "mfa_sms",
        }
    }

    fn lifetime_ms(self) -> i64 {
        match self {
            Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone => DAY_MS,
            Purpose::ResetPassword => HOUR_MS,
            Purpose::MfaEmail | Purpose::MfaSms => MFA_LIFETIME_MS,
        }
    }

    /// Wrong answers a code survives.
    fn attempts(self) -> i64 {
        match self {
            Purpose::ConfirmSignUp
            | Purpose::ResetPassword
            | Purpose::VerifyEmail
            | Purpose::VerifyPhone => 5,
            Purpose::MfaEmail | Purpose::MfaSms => 3,
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

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Email,
    Sms,
}

impl Channel {
    fn medium(self) -> &'static str {
        match self {
            Channel::Email => "EMAIL",
            Channel::Sms => "SMS",
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "phone_number",
        }
    }
}

fn mask(channel: Channel, value: &str) -> String {
    match channel {
        Channel::Email => {
            let (local, domain) = value.split_once('@').unwrap_or((value, ""));
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            format!("{}***@{}***", first(local), first(domain))
        }
        Channel::Sms => {
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
}

/// Where a code for `purpose` goes. Verification and MFA codes go to the attribute they are
/// about; sign-up codes to an attribute the pool auto-verifies; reset codes to a verified
/// email or phone, in the order of the pool's recovery setting.
fn channel(pool: &PoolRow, user: &UserRow, purpose: Purpose) -> Option<Channel> {
    let has = |c: Channel| user.attributes.contains_key(c.attribute());
    match purpose {
        Purpose::VerifyEmail | Purpose::MfaEmail => {
            return has(Channel::Email).then_some(Channel::Email);
        }
        Purpose::VerifyPhone | Purpose::MfaSms => {
            return has(Channel::Sms).then_some(Channel::Sms);
        }
        Purpose::ConfirmSignUp | Purpose::ResetPassword => {}
    }
    let settings = &pool.config.settings;
    let mut order: Vec<Channel> = Vec::new();
    if purpose == Purpose::ResetPassword
        && let Some(rec) = &settings.account_recovery_setting
    {
        let mut mechanisms = rec.recovery_mechanisms.clone();
        mechanisms.sort_by_key(|m| m.priority);
        for m in mechanisms {
            match m.name {
                RecoveryOptionName::VerifiedEmail => order.push(Channel::Email),
                RecoveryOptionName::VerifiedPhoneNumber => order.push(Channel::Sms),
                RecoveryOptionName::AdminOnly => {}
            }
        }
    } else if purpose == Purpose::ConfirmSignUp {
        let verified = &settings.auto_verified_attributes;
        if verified.contains(&VerifiedAttribute::Email) {
            order.push(Channel::Email);
        }
        if verified.contains(&VerifiedAttribute::PhoneNumber) {
            order.push(Channel::Sms);
        }
    } else {
        order = vec![Channel::Email, Channel::Sms];
    }
    order.into_iter().find(|c| {
        has(*c)
            && (purpose == Purpose::ConfirmSignUp
                || user
                    .attributes
                    .get(&format!("{}_verified", c.attribute()))
                    .is_some_and(|v| v == "true"))
    })
}

/// The attribute a code for `purpose` would be sent to (`email` or `phone_number`), if any.
pub(crate) fn attribute_for(
    pool: &PoolRow,
    user: &UserRow,
    purpose: Purpose,
) -> Option<&'static str> {
    channel(pool, user, purpose).map(Channel::attribute)
}

fn render(template: Option<&str>, default: &str, code: &str) -> String {
    template.unwrap_or(default).replace("{####}", code)
}

/// The message of a code: subject (email only), body and the outbox kind.
fn message(
    pool: &PoolRow,
    purpose: Purpose,
    channel: Channel,
    code: &str,
) -> (Option<String>, String, &'static str) {
    let settings = &pool.config.settings;
    let t = &settings.verification_message_template;
    match (purpose, channel) {
        (Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone, Channel::Email) => (
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
                code,
            ),
            "VerificationCode",
        ),
        (Purpose::ConfirmSignUp | Purpose::VerifyEmail | Purpose::VerifyPhone, Channel::Sms) => (
            None,
            render(
                t.sms_message
                    .as_deref()
                    .or(settings.sms_verification_message.as_deref()),
                "Your verification code is {####}.",
                code,
            ),
            "VerificationCode",
        ),
        (Purpose::ResetPassword, _) => (
            (channel == Channel::Email).then(|| "Your password reset code".to_string()),
            format!("Your password reset code is {code}."),
            "PasswordResetCode",
        ),
        (Purpose::MfaEmail | Purpose::MfaSms, _) => (
            (channel == Channel::Email).then(|| "Your sign-in code".to_string()),
            render(
                settings
                    .sms_authentication_message
                    .as_deref()
                    .filter(|_| channel == Channel::Sms),
                "Your authentication code is {####}.",
                code,
            ),
            "MfaCode",
        ),
    }
}

/// Where a sign-up confirmation link points (`VerificationMessageTemplate.DefaultEmailOption =
/// CONFIRM_WITH_LINK`): the pool's `/confirmUser` page and the app client the user signed up
/// with. The link is `<page>?client_id=…&user_name=…&confirmation_code=…`, as Cognito's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmLink {
    pub page: String,
    pub client_id: String,
}

impl ConfirmLink {
    fn url(&self, username: &str, code: &str) -> String {
        use crate::oauth::authorize::encode;
        format!(
            "{}?client_id={}&user_name={}&confirmation_code={}",
            self.page,
            encode(&self.client_id),
            encode(username),
            encode(code)
        )
    }
}

/// Cognito's `EmailMessageByLink` default.
const LINK_MESSAGE: &str = "Please click the link below to verify your email address. \
                            {##Verify Email##}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `template` with each `{##text##}` made a link to `url` reading `text`.
fn linked(template: &str, url: &str) -> String {
    let mut out = String::with_capacity(template.len() + url.len());
    let mut rest = template;
    while let Some(start) = rest.find("{##") {
        let Some(len) = rest[start + 3..].find("##}") else {
            break;
        };
        let text = &rest[start + 3..start + 3 + len];
        out.push_str(&rest[..start]);
        out.push_str(&format!("<a href=\"{}\">{}</a>", esc(url), esc(text)));
        rest = &rest[start + 3 + len + 3..];
    }
    out.push_str(rest);
    out
}

/// Makes a code for `purpose`, stores its digest and puts its message in the outbox. A custom
/// message hook's text (`custom`) replaces the pool's, medium by medium. Answers where the code
/// went, or `None` when the user has nowhere to receive it (nothing is stored then).
pub fn issue(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    purpose: Purpose,
    now: i64,
    custom: Option<&CustomText>,
) -> Result<Option<Delivery>> {
    issue_with_link(tx, pool, user, purpose, now, custom, None)
}

/// [`issue`], and for a sign-up confirmation by email in a pool that confirms with a link,
/// the pool's `EmailMessageByLink` (or the custom message hook's email) with its
/// `{##…##}` made a link to `link`: the same code, with the same lifetime and attempts, in
/// the link's `confirmation_code`. Without `link` (no page serves the pool here) the code's
/// message goes.
pub fn issue_with_link(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    purpose: Purpose,
    now: i64,
    custom: Option<&CustomText>,
    link: Option<&ConfirmLink>,
) -> Result<Option<Delivery>> {
    let Some(channel) = channel(pool, user, purpose) else {
        return Ok(None);
    };
    let Some(destination) = user.attributes.get(channel.attribute()) else {
        return Ok(None);
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    store::put(
        tx,
        user.pk,
        purpose.key(),
        &tokens::opaque_digest(&code),
        now,
        now + purpose.lifetime_ms(),
    )?;
    let (subject, body, kind) = message(pool, purpose, channel, &code);
    let (subject, body) = match (custom, channel) {
        (Some(c), Channel::Email) => (
            c.email_subject.clone().or(subject),
            c.email_message
                .as_deref()
                .map_or(body, |m| m.replace("{####}", &code)),
        ),
        (Some(c), Channel::Sms) => (
            subject,
            c.sms_message
                .as_deref()
                .map_or(body, |m| m.replace("{####}", &code)),
        ),
        (None, _) => (subject, body),
    };
    let t = &pool.config.settings.verification_message_template;
    let (subject, body, kind) = match link {
        Some(link)
            if purpose == Purpose::ConfirmSignUp
                && channel == Channel::Email
                && t.default_email_option == DefaultEmailOption::ConfirmWithLink =>
        {
            let template = custom
                .and_then(|c| c.email_message.clone())
                .or_else(|| t.email_message_by_link.clone())
                .unwrap_or_else(|| LINK_MESSAGE.to_string());
            let subject = custom
                .and_then(|c| c.email_subject.clone())
                .or_else(|| t.email_subject_by_link.clone())
                .unwrap_or_else(|| "Your verification link".to_string());
            let body = linked(&template, &link.url(&user.username, &code)).replace("{####}", &code);
            (Some(subject), body, "VerificationLink")
        }
        _ => (subject, body, kind),
    };
    outbox::insert(
        tx,
        &Message {
            id: 0,
            at: now,
            pool_id: pool.id.to_string(),
            username: user.username.clone(),
            medium: channel.medium().into(),
            destination: destination.clone(),
            subject,
            body,
            kind: kind.into(),
            delivery: None,
            delivery_detail: None,
        },
    )?;
    Ok(Some(Delivery {
        destination: mask(channel, destination),
        medium: channel.medium(),
        attribute: channel.attribute(),
    }))
}

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The code matched; it is used up.
    Accepted,
    /// The code did not match; the attempt is counted.
    Mismatch,
    /// No code was sent, or it has expired (an expired code is removed).
    Expired,
    /// The code took its last wrong answer already.
    Exhausted,
}

/// Checks `given` against the user's code for `purpose`. A wrong answer is counted, so the
/// caller commits the transaction even when it then refuses.
pub fn check(
    tx: &Tx<'_>,
    user: &UserRow,
    purpose: Purpose,
    given: &str,
    now: i64,
) -> Result<Verdict> {
    let Some(stored) = store::get(tx, user.pk, purpose.key())? else {
        return Ok(Verdict::Expired);
    };
    if stored.expires_at <= now {
        store::delete(tx, user.pk, purpose.key())?;
        return Ok(Verdict::Expired);
    }
    if stored.attempts >= purpose.attempts() {
        return Ok(Verdict::Exhausted);
    }
    if tokens::opaque_digest(given.trim()) != stored.digest {
        store::add_attempt(tx, user.pk, purpose.key())?;
        return Ok(Verdict::Mismatch);
    }
    store::delete(tx, user.pk, purpose.key())?;
    Ok(Verdict::Accepted)
}

/// Withdraws the user's code for `purpose`, if any (it is no longer wanted).
pub fn withdraw(tx: &Tx<'_>, user: &UserRow, purpose: Purpose) -> Result<()> {
    store::delete(tx, user.pk, purpose.key())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_placeholder_becomes_a_link_to_the_page() {
        let link = ConfirmLink {
            page: "http://127.0.0.1:9/us-east-1_a/confirmUser".into(),
            client_id: "c1".into(),
        };
        let url = link.url("a b", "012345");
        assert_eq!(
            url,
            "http://127.0.0.1:9/us-east-1_a/confirmUser?client_id=c1&user_name=a%20b&confirmation_code=012345"
        );
        assert_eq!(
            linked("Go: {##Click <here>##}. {##again##}", &url),
            format!(
                "Go: <a href=\"{}\">Click &lt;here&gt;</a>. <a href=\"{0}\">again</a>",
                url.replace('&', "&amp;")
            )
        );
        assert_eq!(linked("no end {##here", &url), "no end {##here");
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask(Channel::Email, "alice@example.com"), "a***@e***");
        assert_eq!(mask(Channel::Sms, "+15555550123"), "+*******0123");
    }
}
