//! Multi-factor authentication: authenticator apps (TOTP, RFC 6238: SHA-1, 6 digits, 30 s),
//! and one-time codes by email or SMS (delivered to the outbox).
//!
//! A pool's `MfaConfiguration` decides whether sign-in asks: `OFF` never, `OPTIONAL` when the
//! user enabled a factor, `ON` always. Under `ON`, a user without a factor who has an email
//! (or phone) the pool sends codes to gets a code there, and the accepted code turns that
//! factor on, as Cognito does; anyone else is asked to set one up (`MFA_SETUP`, with
//! `MFAS_CAN_SETUP` naming the pool's factors): an authenticator through
//! `AssociateSoftwareToken`/`VerifySoftwareToken`, or email codes by answering `MFA_SETUP`
//! with an `EMAIL` address, which gets an `EMAIL_OTP` challenge whose code makes the address
//! the user's verified email and turns email MFA on. TOTP secrets are sealed under the master
//! key; a code is accepted once (the last used time step is kept).

use std::collections::BTreeMap;

use domain::pool::MfaConfiguration;
use storage::pools::PoolRow;
use storage::user_mfa;
use storage::users::UserRow;
use storage::{Read, Tx};
use tokens::MasterKey;
use totp_rs::{Algorithm, Secret, TOTP};

use super::{
    Challenge, Decision, Enroll, Factor, OpenSession, Recorded, SessionState, SignInClient, Step,
    accept, count_failure, create_session, discard_session, record_event, update_session,
};
pub use super::{EMAIL_OTP, MFA_SETUP, SELECT_MFA_TYPE, SMS_MFA, SOFTWARE_TOKEN_MFA};
use crate::codes::{self, Purpose, Verdict};
use crate::{Error, Result, invalid};

const STEP_SECS: u64 = 30;

fn crypto(e: impl std::fmt::Display) -> Error {
    Error::Crypto(e.to_string())
}

fn aad(user: &UserRow) -> Vec<u8> {
    format!("totp:{}", user.sub).into_bytes()
}

fn totp(secret: Vec<u8>) -> Result<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECS, secret).map_err(crypto)
}

/// A software token being set up: the secret to show (base32) and an `otpauth://` URI for a QR
/// code.
#[derive(Debug, Clone)]
pub struct Associated {
    pub secret_code: String,
    pub otpauth_uri: String,
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `AssociateSoftwareToken`: a new secret, pending until verified.
pub fn associate(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool: &PoolRow,
    user: &UserRow,
) -> Result<Associated> {
    if !pool.config.mfa_factors.software_token {
        return Err(Error::UnsupportedOperation(
            "Software token MFA is not enabled for this user pool".into(),
        ));
    }
    let mut secret = [0u8; 20];
    tokens::random_bytes(&mut secret).map_err(crypto)?;
    let sealed = tokens::seal(master, &secret, &aad(user)).map_err(crypto)?;
    let mut m = user_mfa::get(tx, user.pk)?;
    m.totp_pending_sealed = Some(sealed);
    user_mfa::put(tx, user.pk, pool.pk, &m)?;
    let secret_code = match Secret::Raw(secret.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => return Err(crypto("base32 encoding failed")),
    };
    let account = user
        .attributes
        .get("email")
        .cloned()
        .unwrap_or_else(|| user.username.clone());
    let issuer = format!("Poolhouse {}", pool.name);
    let otpauth_uri = format!(
        "otpauth://totp/{}:{}?secret={secret_code}&issuer={}&algorithm=SHA1&digits=6&period=30",
        percent(&issuer),
        percent(&account),
        percent(&issuer)
    );
    Ok(Associated {
        secret_code,
        otpauth_uri,
    })
}

/// The time step a code matches (within one step either side), if any.
fn matching_step(secret: Vec<u8>, code: &str, now_ms: i64) -> Result<Option<i64>> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret)?;
    let now = u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0);
    for delta in [-1_i64, 0, 1] {
        let at = now.saturating_add_signed(delta * STEP_SECS as i64);
        let expected = t.generate(at);
        let same = expected.len() == code.len()
            && expected
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            return Ok(Some((at / STEP_SECS) as i64));
        }
    }
    Ok(None)
}

/// `VerifySoftwareToken`: checks a code against the pending secret and, if it matches, makes it
/// the user's software token (enabled by `SetUserMFAPreference`, or by finishing `MFA_SETUP`).
pub fn verify(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool: &PoolRow,
    user: &UserRow,
    code: &str,
    now: i64,
) -> Result<bool> {
    let mut m = user_mfa::get(tx, user.pk)?;
    let Some(pending) = m.totp_pending_sealed.clone() else {
        return Err(invalid(
            "UserCode",
            "no software token is being set up; call AssociateSoftwareToken first",
        ));
    };
    let secret = tokens::open(master, &pending, &aad(user)).map_err(crypto)?;
    let Some(step) = matching_step(secret.expose_secret().to_vec(), code, now)? else {
        return Ok(false);
    };
    m.totp_sealed = Some(pending);
    m.totp_pending_sealed = None;
    m.totp_last_step = step;
    user_mfa::put(tx, user.pk, pool.pk, &m)?;
    Ok(true)
}

/// Checks a sign-in TOTP code; a code's time step is accepted once.
fn check_totp(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool: &PoolRow,
    user: &UserRow,
    code: &str,
    now: i64,
) -> Result<bool> {
    let mut m = user_mfa::get(tx, user.pk)?;
    let Some(sealed) = &m.totp_sealed else {
        return Ok(false);
    };
    let secret = tokens::open(master, sealed, &aad(user)).map_err(crypto)?;
    match matching_step(secret.expose_secret().to_vec(), code, now)? {
        Some(step) if step > m.totp_last_step => {
            m.totp_last_step = step;
            user_mfa::put(tx, user.pk, pool.pk, &m)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// One factor's part of a preference (`SMSMfaSettings`, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Setting {
    pub enabled: bool,
    pub preferred: bool,
}

/// `SetUserMFAPreference` / `AdminSetUserMFAPreference`. An absent setting leaves its factor as
/// it is.
pub fn set_preference(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    totp: Option<Setting>,
    email: Option<Setting>,
    sms: Option<Setting>,
) -> Result<()> {
    let mut m = user_mfa::get(tx, user.pk)?;
    let factors = pool.config.mfa_factors;
    let preferred: Vec<&str> = [
        (totp, SOFTWARE_TOKEN_MFA),
        (email, EMAIL_OTP),
        (sms, SMS_MFA),
    ]
    .iter()
    .filter(|(s, _)| s.is_some_and(|s| s.preferred))
    .map(|(_, n)| *n)
    .collect();
    if preferred.len() > 1 {
        return Err(invalid("PreferredMfa", "only one factor can be preferred"));
    }
    if let Some(s) = totp {
        if s.enabled && m.totp_sealed.is_none() {
            return Err(invalid(
                "SoftwareTokenMfaSettings",
                "the user has not verified a software token (AssociateSoftwareToken, then \
                 VerifySoftwareToken)",
            ));
        }
        if s.enabled && !factors.software_token {
            return Err(invalid(
                "SoftwareTokenMfaSettings",
                "software token MFA is not enabled for this user pool",
            ));
        }
        m.totp_enabled = s.enabled;
    }
    if let Some(s) = email {
        if s.enabled && !factors.email {
            return Err(invalid(
                "EmailMfaSettings",
                "email MFA is not enabled for this user pool (SetUserPoolMfaConfig)",
            ));
        }
        if s.enabled && !user.attributes.contains_key("email") {
            return Err(invalid("EmailMfaSettings", "the user has no email address"));
        }
        m.email_enabled = s.enabled;
    }
    if let Some(s) = sms {
        if s.enabled && !factors.sms {
            return Err(invalid(
                "SMSMfaSettings",
                "SMS MFA is not enabled for this user pool (SetUserPoolMfaConfig)",
            ));
        }
        if s.enabled && !user.attributes.contains_key("phone_number") {
            return Err(invalid("SMSMfaSettings", "the user has no phone number"));
        }
        m.sms_enabled = s.enabled;
    }
    if let Some(p) = preferred.first() {
        m.preferred = Some((*p).to_string());
    }
    // A preference for a factor that is off is no preference.
    if m.preferred
        .as_deref()
        .is_some_and(|p| !m.enabled().contains(&p))
    {
        m.preferred = None;
    }
    user_mfa::put(tx, user.pk, pool.pk, &m)?;
    Ok(())
}

/// `AdminDeleteSoftwareToken` ("Reset MFA"): removes the authenticator and its preference; other
/// factors stay.
pub fn delete_software_token(tx: &Tx<'_>, pool: &PoolRow, user: &UserRow) -> Result<()> {
    let mut m = user_mfa::get(tx, user.pk)?;
    m.totp_sealed = None;
    m.totp_pending_sealed = None;
    m.totp_enabled = false;
    m.totp_last_step = 0;
    if m.preferred.as_deref() == Some(SOFTWARE_TOKEN_MFA) {
        m.preferred = None;
    }
    user_mfa::put(tx, user.pk, pool.pk, &m)?;
    Ok(())
}

/// The user's enabled factors and preferred one, as `AdminGetUser` shows them.
pub fn describe(r: &impl Read, user: &UserRow) -> Result<(Vec<String>, Option<String>)> {
    let m = user_mfa::get(r, user.pk)?;
    Ok((
        m.enabled().into_iter().map(str::to_string).collect(),
        m.preferred,
    ))
}

/// Sends a sign-in code by email or SMS and answers the challenge parameters that say where
/// it went: to the user's attribute, or to the address an email set-up gave.
fn send_code(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    factor: Factor,
    enroll: Option<&Enroll>,
    now: i64,
) -> Result<BTreeMap<String, String>> {
    let (purpose, attribute) = match factor {
        Factor::Email => (Purpose::MfaEmail, "email"),
        Factor::Sms | Factor::SoftwareToken => (Purpose::MfaSms, "phone_number"),
    };
    let mut to = std::borrow::Cow::Borrowed(user);
    if let (Factor::Email, Some(Enroll::Email(address))) = (factor, enroll) {
        to.to_mut()
            .attributes
            .insert("email".into(), address.clone());
    }
    let Some(delivery) = codes::issue(tx, pool, &to, purpose, now, None)? else {
        return Err(Error::NotAuthorized(format!(
            "The user has no {attribute} to send the code to"
        )));
    };
    let mut params = BTreeMap::new();
    params.insert(
        "CODE_DELIVERY_DELIVERY_MEDIUM".into(),
        delivery.medium.into(),
    );
    params.insert("CODE_DELIVERY_DESTINATION".into(), delivery.destination);
    Ok(params)
}

/// Stores the session of a challenge and answers the challenge.
fn ask(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    mut params: BTreeMap<String, String>,
    state: SessionState,
    step: &Step<'_>,
) -> Result<Challenge> {
    let session = create_session(tx, sc, user, &state, step)?;
    params.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    Ok(Challenge {
        name: state.challenge(),
        session,
        parameters: params,
    })
}

/// Asks for a code from `factor` (sending it first, for email and SMS); `enroll` is what the
/// accepted code also sets up.
fn ask_factor(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    factor: Factor,
    enroll: Option<Enroll>,
    step: &Step<'_>,
) -> Result<Challenge> {
    let params = match factor {
        Factor::SoftwareToken => BTreeMap::new(),
        Factor::Email | Factor::Sms => {
            send_code(tx, &sc.pool, user, factor, enroll.as_ref(), step.now)?
        }
    };
    let state = SessionState::Mfa {
        username: username.to_string(),
        factor,
        enroll,
    };
    ask(tx, sc, user, params, state, step)
}

/// The MFA challenge a sign-in needs after the password, if any. `force` comes from the
/// sign-in's risk: `Some(false)` asks a user who has a factor even when the pool would not,
/// `Some(true)` also refuses a user who has none.
pub fn challenge(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    step: &Step<'_>,
    force: Option<bool>,
) -> Result<Option<Challenge>> {
    let mode = match (sc.pool.config.settings.mfa_configuration, force) {
        (MfaConfiguration::Off, None) => return Ok(None),
        (MfaConfiguration::Off, Some(_)) => MfaConfiguration::Optional,
        (m, _) => m,
    };
    let factors = sc.pool.config.mfa_factors;
    let m = user_mfa::get(tx, user.pk)?;
    let enabled: Vec<Factor> = m
        .enabled()
        .into_iter()
        .filter_map(Factor::parse)
        .filter(|f| match f {
            Factor::SoftwareToken => factors.software_token,
            Factor::Email => factors.email,
            Factor::Sms => factors.sms,
        })
        .collect();
    let chosen = m
        .preferred
        .as_deref()
        .and_then(Factor::parse)
        .filter(|p| enabled.contains(p))
        .or(if enabled.len() == 1 {
            enabled.first().copied()
        } else {
            None
        });
    if let Some(f) = chosen {
        return ask_factor(tx, sc, user, username, f, None, step).map(Some);
    }
    if enabled.len() > 1 {
        let mut p = BTreeMap::new();
        p.insert(
            "MFAS_CAN_CHOOSE".into(),
            serde_json::to_string(&enabled).map_err(crypto)?,
        );
        let state = SessionState::SelectMfaType {
            username: username.to_string(),
            choices: enabled,
        };
        return ask(tx, sc, user, p, state, step).map(Some);
    }
    if force == Some(true) {
        return Err(Error::NotAuthorized(
            "This sign-in needs MFA because of its risk, and the user has no MFA factor.".into(),
        ));
    }
    if mode == MfaConfiguration::Optional {
        return Ok(None);
    }
    // MFA is required and the user has no factor yet: a code to the email or phone they have
    // (accepted, it turns that factor on), else the set-up of one of the pool's factors.
    if factors.email && user.attributes.contains_key("email") {
        return ask_factor(
            tx,
            sc,
            user,
            username,
            Factor::Email,
            Some(Enroll::Factor),
            step,
        )
        .map(Some);
    }
    if factors.sms && user.attributes.contains_key("phone_number") {
        return ask_factor(
            tx,
            sc,
            user,
            username,
            Factor::Sms,
            Some(Enroll::Factor),
            step,
        )
        .map(Some);
    }
    let can_set_up = can_set_up(&sc.pool);
    if can_set_up.is_empty() {
        return Err(Error::NotAuthorized(
            "MFA is required, and the user pool allows no factor".into(),
        ));
    }
    let mut p = BTreeMap::new();
    p.insert(
        "MFAS_CAN_SETUP".into(),
        serde_json::to_string(&can_set_up).map_err(crypto)?,
    );
    let state = SessionState::MfaSetup {
        username: username.to_string(),
        verified: false,
    };
    ask(tx, sc, user, p, state, step).map(Some)
}

/// The factors an `MFA_SETUP` challenge offers (`MFAS_CAN_SETUP`): the pool's, in Cognito's
/// order. SMS is listed as Cognito lists it, though it is set up by giving the user a phone
/// number, not through the challenge.
pub fn can_set_up(pool: &PoolRow) -> Vec<Factor> {
    let f = pool.config.mfa_factors;
    [
        (f.sms, Factor::Sms),
        (f.software_token, Factor::SoftwareToken),
        (f.email, Factor::Email),
    ]
    .into_iter()
    .filter_map(|(on, factor)| on.then_some(factor))
    .collect()
}

/// Answers `MFA_SETUP` with an email address (`ChallengeResponses.EMAIL`): sends an
/// `EMAIL_OTP` code there, whose acceptance makes it the user's email and turns email MFA on.
fn set_up_email(
    tx: &Tx<'_>,
    sc: &SignInClient,
    open: &OpenSession,
    user: &UserRow,
    address: &str,
    step: &Step<'_>,
) -> Result<Challenge> {
    const FIELD: &str = "ChallengeResponses.EMAIL";
    if !sc.pool.config.mfa_factors.email {
        return Err(invalid(
            FIELD,
            "email MFA is not enabled for this user pool (SetUserPoolMfaConfig)",
        ));
    }
    let address = address.trim();
    if address.len() > 2048 || !domain::schema::is_email(address) {
        return Err(invalid(FIELD, "must be an email address"));
    }
    discard_session(tx, open)?;
    ask_factor(
        tx,
        sc,
        user,
        &open.username,
        Factor::Email,
        Some(Enroll::Email(address.to_string())),
        step,
    )
}

/// Turns on the factor an accepted set-up code came by, and marks its address verified
/// (Cognito marks an email or phone verified at its first MFA code).
fn enroll(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    factor: Factor,
    how: &Enroll,
    now: i64,
) -> Result<()> {
    match (how, factor) {
        (Enroll::Email(address), _) => {
            crate::users::set_verified_email(tx, pool, user, address, now)?;
        }
        (Enroll::Factor, Factor::Email) => {
            crate::users::mark_verified(tx, pool, user, "email", now)?;
        }
        (Enroll::Factor, Factor::Sms) => {
            crate::users::mark_verified(tx, pool, user, "phone_number", now)?;
        }
        (Enroll::Factor, Factor::SoftwareToken) => {}
    }
    let mut m = user_mfa::get(tx, user.pk)?;
    match factor {
        Factor::Email => m.email_enabled = true,
        Factor::Sms => m.sms_enabled = true,
        Factor::SoftwareToken => m.totp_enabled = true,
    }
    user_mfa::put(tx, user.pk, pool.pk, &m)?;
    Ok(())
}

/// A session answered with `AssociateSoftwareToken` / `VerifySoftwareToken` during
/// `MFA_SETUP`: notes that the token was verified.
pub fn mark_setup_verified(tx: &Tx<'_>, open: &OpenSession) -> Result<()> {
    let SessionState::MfaSetup { username, .. } = &open.state else {
        return Err(invalid(
            "Session",
            format!(
                "this session waits for {}, not MFA_SETUP",
                open.state.challenge()
            ),
        ));
    };
    let state = SessionState::MfaSetup {
        username: username.clone(),
        verified: true,
    };
    update_session(tx, open, &state)
}

/// Answers an MFA challenge. Wrong codes count toward the user's lockout; the session stays
/// open for another try until it expires.
pub fn respond(
    tx: &Tx<'_>,
    master: &MasterKey,
    sc: &SignInClient,
    open: &OpenSession,
    responses: &BTreeMap<String, String>,
    step: &Step<'_>,
) -> Result<Recorded<Decision>> {
    let user = storage::users::get_by_pk(tx, open.user.pk)?.ok_or(Error::UserNotFound)?;
    if !user.enabled {
        return Ok(Err(Error::NotAuthorized("User is disabled.".into())));
    }
    let security = storage::user_security::get(tx, user.pk)?;
    if security.locked_until > step.now {
        return Ok(Err(Error::NotAuthorized(
            "Password attempts exceeded".into(),
        )));
    }
    let code = |name: &str| -> Result<String> {
        responses
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| invalid(&format!("ChallengeResponses.{name}"), "is required"))
    };
    let mut enrolled = false;
    let passed = match &open.state {
        SessionState::Mfa {
            factor: Factor::SoftwareToken,
            ..
        } => check_totp(
            tx,
            master,
            &sc.pool,
            &user,
            &code("SOFTWARE_TOKEN_MFA_CODE")?,
            step.now,
        )?,
        SessionState::Mfa {
            factor, enroll: e, ..
        } => {
            let (field, purpose) = match factor {
                Factor::Email => ("EMAIL_OTP_CODE", Purpose::MfaEmail),
                Factor::Sms | Factor::SoftwareToken => ("SMS_MFA_CODE", Purpose::MfaSms),
            };
            let given = code(field)?;
            match codes::check(tx, &user, purpose, &given, step.now)? {
                Verdict::Accepted => {
                    if let Some(how) = e {
                        enroll(tx, &sc.pool, &user, *factor, how, step.now)?;
                        enrolled = true;
                    }
                    true
                }
                Verdict::Mismatch => false,
                Verdict::Expired | Verdict::Exhausted => {
                    discard_session(tx, open)?;
                    return Ok(Err(Error::ExpiredCode));
                }
            }
        }
        SessionState::SelectMfaType { choices, .. } => {
            let answer = code("ANSWER")?;
            let Some(factor) = Factor::parse(&answer).filter(|f| choices.contains(f)) else {
                let names: Vec<&str> = choices.iter().map(|f| f.name()).collect();
                return Err(invalid(
                    "ChallengeResponses.ANSWER",
                    format!("must be one of {}", names.join(", ")),
                ));
            };
            discard_session(tx, open)?;
            let next = ask_factor(tx, sc, &user, &open.username, factor, None, step)?;
            return Ok(Ok(Decision::Challenge(next)));
        }
        SessionState::MfaSetup { .. } if responses.contains_key("EMAIL") => {
            let address = code("EMAIL")?;
            let next = set_up_email(tx, sc, open, &user, &address, step)?;
            return Ok(Ok(Decision::Challenge(next)));
        }
        SessionState::MfaSetup { verified, .. } => {
            if !verified {
                return Err(invalid(
                    "Session",
                    "verify a software token with this session first (AssociateSoftwareToken, \
                     then VerifySoftwareToken)",
                ));
            }
            let mut m = user_mfa::get(tx, user.pk)?;
            m.totp_enabled = true;
            m.preferred = Some(SOFTWARE_TOKEN_MFA.into());
            user_mfa::put(tx, user.pk, sc.pool.pk, &m)?;
            true
        }
        SessionState::NewPasswordRequired { .. }
        | SessionState::PasswordVerifier { .. }
        | SessionState::CustomChallenge { .. } => {
            return Err(invalid(
                "ChallengeName",
                format!("'{}' is not an MFA challenge", open.state.challenge()),
            ));
        }
    };
    if !passed {
        count_failure(tx, &user, step.now)?;
        record_event(
            tx,
            &user,
            &sc.client,
            step,
            "SignIn",
            "Fail",
            Some("Wrong MFA code"),
        )?;
        return Ok(Err(Error::CodeMismatch));
    }
    discard_session(tx, open)?;
    let user = if enrolled {
        // The tokens carry the address the set-up verified.
        storage::users::get_by_pk(tx, user.pk)?.ok_or(Error::UserNotFound)?
    } else {
        user
    };
    Ok(Ok(Decision::Tokens(accept(tx, user, step)?)))
}
