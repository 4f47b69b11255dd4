//! Multi-factor authentication: authenticator apps (TOTP, RFC 6238: SHA-1, 6 digits, 30 s),
//! and one-time codes by email or SMS (delivered to the outbox).
//!
//! A pool's `MfaConfiguration` decides whether sign-in asks: `OFF` never, `OPTIONAL` when the
//! user enabled a factor, `ON` always — a user without a factor is then asked to set up an
//! authenticator (`MFA_SETUP`). TOTP secrets are sealed under the master key; a code is
//! accepted once (the last used time step is kept).

use std::collections::BTreeMap;

use domain::pool::MfaConfiguration;
use rand::Rng;
use storage::codes;
use storage::outbox::{self, Message};
use storage::pools::PoolRow;
use storage::user_mfa;
use storage::users::UserRow;
use storage::{Read, Tx, auth_sessions};
use tokens::MasterKey;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::auth::{
    self, Challenge, Decision, OpenSession, Recorded, SessionState, SignInClient, Step,
};
use crate::{Error, Result, invalid};

pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";
pub const EMAIL_OTP: &str = "EMAIL_OTP";
pub const SMS_MFA: &str = "SMS_MFA";
pub const SELECT_MFA_TYPE: &str = "SELECT_MFA_TYPE";
pub const MFA_SETUP: &str = "MFA_SETUP";

/// How long an emailed or texted code lives (Cognito's default, 3 minutes).
const CODE_LIFETIME_MS: i64 = 3 * 60_000;
/// Wrong answers an emailed or texted code survives.
const CODE_ATTEMPTS: i64 = 3;
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

fn send_code(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    factor: &str,
    now: i64,
) -> Result<BTreeMap<String, String>> {
    let (attr, medium, purpose) = if factor == EMAIL_OTP {
        ("email", "EMAIL", "mfa_email")
    } else {
        ("phone_number", "SMS", "mfa_sms")
    };
    let Some(destination) = user.attributes.get(attr) else {
        return Err(Error::NotAuthorized(format!(
            "The user has no {attr} to send the code to"
        )));
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    codes::put(
        tx,
        user.pk,
        purpose,
        &tokens::opaque_digest(&code),
        now,
        now + CODE_LIFETIME_MS,
    )?;
    let body = pool
        .config
        .settings
        .sms_authentication_message
        .as_deref()
        .filter(|_| medium == "SMS")
        .unwrap_or("Your authentication code is {####}.")
        .replace("{####}", &code);
    outbox::insert(
        tx,
        &Message {
            id: 0,
            at: now,
            pool_id: pool.id.clone(),
            username: user.username.clone(),
            medium: medium.into(),
            destination: destination.clone(),
            subject: (medium == "EMAIL").then(|| "Your sign-in code".to_string()),
            body,
            kind: "MfaCode".into(),
            delivery: None,
            delivery_detail: None,
        },
    )?;
    let masked = if medium == "EMAIL" {
        let (l, d) = destination.split_once('@').unwrap_or((destination, ""));
        format!(
            "{}***@{}***",
            l.chars().next().unwrap_or('*'),
            d.chars().next().unwrap_or('*')
        )
    } else {
        let tail: String = destination
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("+*******{tail}")
    };
    let mut params = BTreeMap::new();
    params.insert("CODE_DELIVERY_DELIVERY_MEDIUM".into(), medium.into());
    params.insert("CODE_DELIVERY_DESTINATION".into(), masked);
    Ok(params)
}

fn ask(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    name: &'static str,
    mut params: BTreeMap<String, String>,
    state: SessionState,
    step: &Step<'_>,
) -> Result<Challenge> {
    let session = auth::create_session(tx, sc, user, name, &state, step)?;
    params.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    Ok(Challenge {
        name,
        session,
        parameters: params,
    })
}

fn ask_factor(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    factor: &str,
    step: &Step<'_>,
) -> Result<Challenge> {
    let state = SessionState {
        username: username.to_string(),
        ..SessionState::default()
    };
    match factor {
        SOFTWARE_TOKEN_MFA => ask(
            tx,
            sc,
            user,
            SOFTWARE_TOKEN_MFA,
            BTreeMap::new(),
            state,
            step,
        ),
        EMAIL_OTP => {
            let p = send_code(tx, &sc.pool, user, EMAIL_OTP, step.now)?;
            ask(tx, sc, user, EMAIL_OTP, p, state, step)
        }
        _ => {
            let p = send_code(tx, &sc.pool, user, SMS_MFA, step.now)?;
            ask(tx, sc, user, SMS_MFA, p, state, step)
        }
    }
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
    let enabled: Vec<&str> = m
        .enabled()
        .into_iter()
        .filter(|f| match *f {
            SOFTWARE_TOKEN_MFA => factors.software_token,
            EMAIL_OTP => factors.email,
            _ => factors.sms,
        })
        .collect();
    let chosen = m
        .preferred
        .as_deref()
        .filter(|p| enabled.contains(p))
        .or(if enabled.len() == 1 {
            enabled.first().copied()
        } else {
            None
        });
    if let Some(f) = chosen {
        return ask_factor(tx, sc, user, username, f, step).map(Some);
    }
    if enabled.len() > 1 {
        let state = SessionState {
            username: username.to_string(),
            choices: enabled.iter().map(|s| (*s).to_string()).collect(),
            ..SessionState::default()
        };
        let mut p = BTreeMap::new();
        p.insert(
            "MFAS_CAN_CHOOSE".into(),
            serde_json::to_string(&enabled).map_err(crypto)?,
        );
        return ask(tx, sc, user, SELECT_MFA_TYPE, p, state, step).map(Some);
    }
    if force == Some(true) {
        return Err(Error::NotAuthorized(
            "This sign-in needs MFA because of its risk, and the user has no MFA factor.".into(),
        ));
    }
    if mode == MfaConfiguration::Optional {
        return Ok(None);
    }
    // MFA is required and the user has no factor yet.
    if factors.software_token {
        let mut p = BTreeMap::new();
        p.insert(
            "MFAS_CAN_SETUP".into(),
            format!("[\"{SOFTWARE_TOKEN_MFA}\"]"),
        );
        let state = SessionState {
            username: username.to_string(),
            ..SessionState::default()
        };
        return ask(tx, sc, user, MFA_SETUP, p, state, step).map(Some);
    }
    if factors.email && user.attributes.contains_key("email") {
        return ask_factor(tx, sc, user, username, EMAIL_OTP, step).map(Some);
    }
    if factors.sms && user.attributes.contains_key("phone_number") {
        return ask_factor(tx, sc, user, username, SMS_MFA, step).map(Some);
    }
    Err(Error::NotAuthorized(
        "MFA is required, and the user has no factor the pool allows".into(),
    ))
}

/// A session answered with `AssociateSoftwareToken` / `VerifySoftwareToken` during
/// `MFA_SETUP`: notes that the token was verified.
pub fn mark_setup_verified(tx: &Tx<'_>, open: &OpenSession) -> Result<()> {
    let mut state = open.state.clone();
    state.verified = true;
    let json = serde_json::to_string(&state).map_err(crypto)?;
    auth_sessions::set_state(tx, open.row.pk, &json)?;
    Ok(())
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
    let challenge = open.row.challenge.as_str();
    let passed = match challenge {
        SOFTWARE_TOKEN_MFA => check_totp(
            tx,
            master,
            &sc.pool,
            &user,
            &code("SOFTWARE_TOKEN_MFA_CODE")?,
            step.now,
        )?,
        EMAIL_OTP | SMS_MFA => {
            let (field, purpose) = if challenge == EMAIL_OTP {
                ("EMAIL_OTP_CODE", "mfa_email")
            } else {
                ("SMS_MFA_CODE", "mfa_sms")
            };
            let given = code(field)?;
            match codes::get(tx, user.pk, purpose)? {
                Some(c) if c.expires_at > step.now && c.attempts < CODE_ATTEMPTS => {
                    if tokens::opaque_digest(given.trim()) == c.digest {
                        codes::delete(tx, user.pk, purpose)?;
                        true
                    } else {
                        codes::add_attempt(tx, user.pk, purpose)?;
                        false
                    }
                }
                _ => {
                    auth_sessions::delete(tx, open.row.pk)?;
                    return Ok(Err(Error::ExpiredCode));
                }
            }
        }
        SELECT_MFA_TYPE => {
            let answer = code("ANSWER")?;
            if !open.state.choices.contains(&answer) {
                return Err(invalid(
                    "ChallengeResponses.ANSWER",
                    format!("must be one of {}", open.state.choices.join(", ")),
                ));
            }
            auth_sessions::delete(tx, open.row.pk)?;
            let next = ask_factor(tx, sc, &user, &open.username, &answer, step)?;
            return Ok(Ok(Decision::Challenge(next)));
        }
        MFA_SETUP => {
            if !open.state.verified {
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
        other => {
            return Err(invalid(
                "ChallengeName",
                format!("'{other}' is not an MFA challenge"),
            ));
        }
    };
    if !passed {
        auth::count_failure(tx, &user, step.now)?;
        auth::record_event(
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
    auth_sessions::delete(tx, open.row.pk)?;
    storage::user_security::signed_in(tx, user.pk, step.now)?;
    Ok(Ok(Decision::Tokens(auth::new_sign_in(tx, sc, user, step)?)))
}
