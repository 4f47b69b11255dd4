//! Sign-in: auth flows, challenges, tokens, sign-out and lockout.
//!
//! The files of this module form a tree without circles. This one holds what every part shares:
//! the request's [`Origin`] and [`Step`], the [`SignInClient`], the answers ([`Decision`],
//! [`Challenge`], [`SignIn`]), auth events and the lockout, and the store of challenge sessions
//! with what each remembers ([`SessionState`]). Each leaf owns one part and uses nothing of this
//! module but this file:
//! - `password`: temporary passwords and `NEW_PASSWORD_REQUIRED`;
//! - [`srp`]: `USER_SRP_AUTH` and its `PASSWORD_VERIFIER` challenge;
//! - [`mfa`]: authenticator apps, email and SMS codes, and the MFA challenges;
//! - [`custom`]: `CUSTOM_AUTH` rounds and the auth-challenge hooks' events;
//! - [`risk`]: blocked address ranges, risk levels and the pool's answer to them;
//! - `token`: the tokens of a sign-in (claims, signing, refresh, checks, revocation).
//!
//! `flow`, the orchestrator, runs a sign-in over the leaves: it reads ([`prepare`]), decides
//! ([`decide`]) and finishes with an MFA challenge or an accepted sign-in, which
//! [`store_sign_in`] writes once no hook objects. The leaves never use it, nor each other.
//! `crate::engine` runs the whole flow, hooks and token signing included. The public items of `flow` and `token` are re-exported here (`signin::decide`,
//! `signin::mint`); a leaf must not reach them through these re-exports.

use std::collections::BTreeMap;

use domain::client::PreventUserExistenceErrors;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storage::auth_sessions::{self, NewSession, SessionRow};
use storage::clients::ClientRow;
use storage::groups::{self as group_store, GroupRow};
use storage::pools::PoolRow;
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};
use tokens::MasterKey;

use crate::{Error, Result, invalid};

pub mod custom;
mod events;
mod flow;
pub mod mfa;
mod password;
pub mod risk;
pub mod rotation;
pub mod srp;
mod token;

pub(crate) use events::insert_event;
pub use events::{
    FREE_FAILURES, MAX_LOCKOUT_MS, Proof, count_failure, events, lockout_ms, record_event,
    security, unlock,
};
pub use flow::{
    AuthFlow, Candidate, check_flow, complete_new_password, decide, prepare, refuse_sign_in,
    store_sign_in,
};
pub use rotation::revoke;
pub use token::{
    Authenticated, Judged, LAST_USED_GRANULARITY_MS, Minted, authenticate, authenticate_any_scope,
    claims, client_ids, issuer, judge_access_token, mint, refresh, sessions, sign,
    sign_in_by_origin, sign_oauth, sign_out_everywhere, test_token_refused,
};

// ---------------------------------------------------------------------------------------------
// The request

/// Where a sign-in request came from, for the auth event.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    /// The request's `ClientMetadata`, passed on to hooks (`null` when absent).
    pub client_metadata: Value,
}

/// The clock and limits a sign-in step runs with.
#[derive(Clone, Copy)]
pub struct Step<'a> {
    pub now: i64,
    pub origin: &'a Origin,
    /// The risk level assessed for this sign-in (`Low`, `Medium`, `High`), once known.
    pub risk: Option<&'static str>,
    /// The password given was found in the breached-password list.
    pub compromised: bool,
}

impl<'a> Step<'a> {
    /// A step at `now` from `origin`, not yet assessed.
    pub fn new(now: i64, origin: &'a Origin) -> Self {
        Step {
            now,
            origin,
            risk: None,
            compromised: false,
        }
    }
}

/// The client a sign-in names, and its pool.
#[derive(Debug, Clone)]
pub struct SignInClient {
    pub pool: PoolRow,
    pub client: ClientRow,
}

/// Finds an app client by id; `pool_id` (the admin operations name one) must be its pool.
pub fn client(r: &impl Read, client_id: &str, pool_id: Option<&str>) -> Result<SignInClient> {
    if client_id.is_empty() || client_id.len() > 128 {
        return Err(invalid("ClientId", "must be 1–128 characters"));
    }
    let Some((client, found_pool)) = storage::clients::find(r, client_id)? else {
        return Err(Error::ClientNotFound(client_id.to_string()));
    };
    if let Some(p) = pool_id
        && p != found_pool
    {
        return Err(Error::ClientNotFound(client_id.to_string()));
    }
    let pool = storage::pools::get(r, &found_pool)?
        .ok_or_else(|| Error::PoolNotFound(found_pool.clone()))?;
    Ok(SignInClient { pool, client })
}

/// Checks `SECRET_HASH` when the client has a secret. `usernames` are the names the hash may
/// have been computed over (what the caller sent, and the stored username); a hash made with
/// any of the client's current secrets (rotation keeps up to two) is accepted. The secrets are
/// opened from their sealed values under `master` for the check only.
pub fn check_secret_hash(
    master: &MasterKey,
    client: &ClientRow,
    usernames: &[&str],
    given: Option<&str>,
) -> Result<()> {
    if client.secrets.is_empty() {
        return Ok(());
    }
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(Error::NotAuthorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.client_id
        )));
    };
    let secrets = crate::client_secrets::opened(master, client)?;
    if secrets.iter().any(|secret| {
        usernames
            .iter()
            .any(|u| tokens::secret_hash_matches(given, secret.expose(), u, &client.client_id))
    }) {
        Ok(())
    } else {
        Err(Error::NotAuthorized(format!(
            "Unable to verify secret hash for client {}",
            client.client_id
        )))
    }
}

/// The error for a user who does not exist, as the client's `PreventUserExistenceErrors` wants
/// it told.
pub fn unknown_user(client: &ClientRow) -> Error {
    match client.settings.prevent_user_existence_errors {
        PreventUserExistenceErrors::Enabled => {
            Error::NotAuthorized("Incorrect username or password.".into())
        }
        PreventUserExistenceErrors::Legacy => Error::UserNotFound,
    }
}

/// The error for a user who is locked out. Cognito says `Password attempts exceeded`; when the
/// client prevents user existence errors, the answer is the one an unknown user gets, or the
/// lockout would tell which usernames exist.
pub fn locked_out(client: &ClientRow) -> Error {
    match client.settings.prevent_user_existence_errors {
        PreventUserExistenceErrors::Enabled => {
            Error::NotAuthorized("Incorrect username or password.".into())
        }
        PreventUserExistenceErrors::Legacy => {
            Error::NotAuthorized("Password attempts exceeded".into())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The answers

/// What to answer a sign-in step with.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Sign the user in: the sign-in is decided, and nothing of it is written until
    /// [`store_sign_in`] (so that a hook may still refuse it).
    Tokens(Box<Accepted>),
    /// Ask for the answer to a challenge.
    Challenge(Challenge),
}

/// A sign-in, ready to be minted.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub user: UserRow,
    pub groups: Vec<GroupRow>,
    pub origin_jti: String,
    /// Seconds.
    pub auth_time: i64,
    pub event_id: String,
    /// A new refresh token, for a new sign-in (not for a refresh).
    pub refresh_token: Option<String>,
    /// The OAuth scopes granted, space-separated: `None` for a sign-in through the API, whose
    /// access tokens carry `aws.cognito.signin.user.admin`.
    pub scopes: Option<String>,
    /// The `nonce` of the authorization request, for the ID token.
    pub nonce: Option<String>,
}

/// A new sign-in decided but not yet stored: what its tokens will carry (its refresh token
/// made, not yet written), and what its auth event will say.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub sign_in: SignIn,
    /// The risk level the decision assessed.
    risk: Option<&'static str>,
    /// The password given was in the breached-password list.
    compromised: bool,
}

impl Accepted {
    /// The step as the decision left it (assessed), for the sign-in's auth event.
    pub(crate) fn step<'a>(&self, step: &Step<'a>) -> Step<'a> {
        Step {
            risk: self.risk,
            compromised: self.compromised,
            ..*step
        }
    }
}

/// A challenge to send back.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub name: &'static str,
    pub session: String,
    pub parameters: BTreeMap<String, String>,
}

/// A refusal that must still be recorded: the caller commits the transaction, then answers
/// with the error.
pub type Recorded<T> = std::result::Result<T, Error>;

/// Decides a new sign-in for `user` at `step` (already assessed): its refresh token, its ids
/// and its groups. Writes nothing.
pub(crate) fn accept(r: &impl Read, user: UserRow, step: &Step<'_>) -> Result<Box<Accepted>> {
    let refresh = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    let groups = group_store::for_user(r, user.pk)?;
    Ok(Box::new(Accepted {
        sign_in: SignIn {
            user,
            groups,
            origin_jti: tokens::new_jti(),
            auth_time: step.now.div_euclid(1000),
            event_id: tokens::new_jti(),
            refresh_token: Some(refresh),
            scopes: None,
            nonce: None,
        },
        risk: step.risk,
        compromised: step.compromised,
    }))
}

// ---------------------------------------------------------------------------------------------
// Challenge sessions

/// The challenge a temporary password leads to.
pub const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";
/// The challenge of `USER_SRP_AUTH`.
pub const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
/// A code from an authenticator app.
pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";
/// A code sent by email.
pub const EMAIL_OTP: &str = "EMAIL_OTP";
/// A code sent by SMS.
pub const SMS_MFA: &str = "SMS_MFA";
/// The user chooses among their factors.
pub const SELECT_MFA_TYPE: &str = "SELECT_MFA_TYPE";
/// MFA is required and the user sets up an authenticator first.
pub const MFA_SETUP: &str = "MFA_SETUP";
/// The one challenge custom flows ask.
pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";

/// An MFA factor, named as Cognito names its challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Factor {
    #[serde(rename = "SOFTWARE_TOKEN_MFA")]
    SoftwareToken,
    #[serde(rename = "EMAIL_OTP")]
    Email,
    #[serde(rename = "SMS_MFA")]
    Sms,
}

impl Factor {
    /// The challenge (and factor) name.
    pub fn name(self) -> &'static str {
        match self {
            Factor::SoftwareToken => SOFTWARE_TOKEN_MFA,
            Factor::Email => EMAIL_OTP,
            Factor::Sms => SMS_MFA,
        }
    }

    /// The factor of a challenge name, if it names one.
    pub fn parse(name: &str) -> Option<Factor> {
        match name {
            SOFTWARE_TOKEN_MFA => Some(Factor::SoftwareToken),
            EMAIL_OTP => Some(Factor::Email),
            SMS_MFA => Some(Factor::Sms),
            _ => None,
        }
    }
}

/// What a code of a required MFA sets up once accepted: the factor it came by (the user's
/// email or phone, which Cognito turns on at the first code), or an email address given at
/// `MFA_SETUP`, which becomes the user's (verified) email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enroll {
    /// The factor's attribute is the user's already.
    Factor,
    /// The address the code went to, not yet the user's.
    Email(String),
}

/// One answered round of a custom sign-in, as the define hook sees it (`ChallengeResultType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResult {
    pub challenge_name: String,
    pub challenge_result: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_metadata: Option<String>,
}

/// What a custom session remembers: the rounds so far and the open challenge's private side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomState {
    pub results: Vec<ChallengeResult>,
    /// `privateChallengeParameters` of the open challenge (for the verify hook).
    pub private: Value,
    /// `challengeMetadata` of the open challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

/// What a challenge session remembers between steps: one variant per challenge, each with
/// what answering it needs and nothing else.
///
/// It is stored as the JSON object of the variant's fields; the session row's `challenge`
/// column says which variant it is. The member names are those sessions were stored with
/// before they had a type of their own, so a session left open across an upgrade still opens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SessionState {
    /// `NEW_PASSWORD_REQUIRED`: the password was right, but temporary.
    NewPasswordRequired { username: String },
    /// `PASSWORD_VERIFIER`: an SRP exchange waiting for the client's claim.
    PasswordVerifier {
        username: String,
        a_hex: String,
        b_pub_hex: String,
        b_secret_hex: String,
    },
    /// `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_MFA`: a code from `factor`.
    Mfa {
        username: String,
        /// Told by the challenge name, so not stored twice.
        #[serde(skip)]
        factor: Factor,
        /// What an accepted code also sets up, when the pool requires MFA and the user had no
        /// factor yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enroll: Option<Enroll>,
    },
    /// `SELECT_MFA_TYPE`: the factors the user may choose from.
    SelectMfaType {
        username: String,
        choices: Vec<Factor>,
    },
    /// `MFA_SETUP`: `verified` once a software token was verified with this session.
    MfaSetup { username: String, verified: bool },
    /// `CUSTOM_CHALLENGE`: the rounds so far and the open challenge.
    CustomChallenge {
        username: String,
        #[serde(rename = "custom")]
        round: CustomState,
    },
}

impl SessionState {
    /// The challenge the session waits for.
    pub fn challenge(&self) -> &'static str {
        match self {
            SessionState::NewPasswordRequired { .. } => NEW_PASSWORD_REQUIRED,
            SessionState::PasswordVerifier { .. } => PASSWORD_VERIFIER,
            SessionState::Mfa { factor, .. } => factor.name(),
            SessionState::SelectMfaType { .. } => SELECT_MFA_TYPE,
            SessionState::MfaSetup { .. } => MFA_SETUP,
            SessionState::CustomChallenge { .. } => CUSTOM_CHALLENGE,
        }
    }

    /// The name the client signed in with.
    pub fn username(&self) -> &str {
        match self {
            SessionState::NewPasswordRequired { username }
            | SessionState::PasswordVerifier { username, .. }
            | SessionState::Mfa { username, .. }
            | SessionState::SelectMfaType { username, .. }
            | SessionState::MfaSetup { username, .. }
            | SessionState::CustomChallenge { username, .. } => username,
        }
    }

    fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Crypto(e.to_string()))
    }

    /// Reads a stored state; `None` when it is not a state of `challenge`.
    fn read(challenge: &str, json: &str) -> Option<SessionState> {
        fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
            serde_json::from_str(json).ok()
        }
        #[derive(Deserialize)]
        struct Named {
            username: String,
        }
        #[derive(Deserialize)]
        struct Exchange {
            username: String,
            a_hex: String,
            b_pub_hex: String,
            b_secret_hex: String,
        }
        #[derive(Deserialize)]
        struct Choosing {
            username: String,
            choices: Vec<Factor>,
        }
        #[derive(Deserialize)]
        struct SettingUp {
            username: String,
            #[serde(default)]
            verified: bool,
        }
        #[derive(Deserialize)]
        struct Coded {
            username: String,
            #[serde(default)]
            enroll: Option<Enroll>,
        }
        #[derive(Deserialize)]
        struct Round {
            username: String,
            custom: CustomState,
        }
        let named = |json| parse::<Named>(json).map(|n| n.username);
        Some(match challenge {
            NEW_PASSWORD_REQUIRED => SessionState::NewPasswordRequired {
                username: named(json)?,
            },
            PASSWORD_VERIFIER => {
                let e: Exchange = parse(json)?;
                SessionState::PasswordVerifier {
                    username: e.username,
                    a_hex: e.a_hex,
                    b_pub_hex: e.b_pub_hex,
                    b_secret_hex: e.b_secret_hex,
                }
            }
            SELECT_MFA_TYPE => {
                let c: Choosing = parse(json)?;
                SessionState::SelectMfaType {
                    username: c.username,
                    choices: c.choices,
                }
            }
            MFA_SETUP => {
                let s: SettingUp = parse(json)?;
                SessionState::MfaSetup {
                    username: s.username,
                    verified: s.verified,
                }
            }
            CUSTOM_CHALLENGE => {
                let r: Round = parse(json)?;
                SessionState::CustomChallenge {
                    username: r.username,
                    round: r.custom,
                }
            }
            other => {
                let factor = Factor::parse(other)?;
                let c: Coded = parse(json)?;
                SessionState::Mfa {
                    factor,
                    username: c.username,
                    enroll: c.enroll,
                }
            }
        })
    }
}

/// The error for a session that is unknown, expired, used, or another client's.
pub(crate) fn session_expired() -> Error {
    Error::NotAuthorized("Invalid session for the user, session is expired.".into())
}

/// Stores a challenge session and answers its (opaque) handle.
pub(crate) fn create_session(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    state: &SessionState,
    step: &Step<'_>,
) -> Result<String> {
    let handle = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    store_session(tx, sc, user, state, step, &handle)?;
    Ok(handle)
}

/// Stores a challenge session under a handle the caller made (SRP's secret block is its own
/// session's handle). It lives the client's auth session validity, 3 to 15 minutes.
pub(crate) fn store_session(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    state: &SessionState,
    step: &Step<'_>,
    handle: &str,
) -> Result<()> {
    let minutes = i64::from(sc.client.settings.auth_session_validity.clamp(3, 15));
    auth_sessions::insert(
        tx,
        &NewSession {
            digest: &tokens::opaque_digest(handle),
            client: sc.client.pk,
            user: user.pk,
            challenge: state.challenge(),
            state: &state.to_json()?,
            now: step.now,
            expires_at: step.now + minutes * 60_000,
        },
    )?;
    Ok(())
}

/// A challenge session being answered, read before the (slow) new password is hashed.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub row: SessionRow,
    pub user: UserRow,
    /// The name the client signed in with.
    pub username: String,
    pub(crate) state: SessionState,
}

/// The session stored under `handle`, if it is still open and this client's.
pub(crate) fn live_session(
    r: &impl Read,
    sc: &SignInClient,
    handle: &str,
    now: i64,
) -> Result<Option<SessionRow>> {
    let Some(row) = auth_sessions::by_digest(r, &tokens::opaque_digest(handle))? else {
        return Ok(None);
    };
    Ok((row.expires_at > now && row.client == sc.client.pk).then_some(row))
}

/// Reads a live session's state and user.
pub(crate) fn opened(r: &impl Read, row: SessionRow) -> Result<OpenSession> {
    let state = SessionState::read(&row.challenge, &row.state).ok_or_else(session_expired)?;
    let user = user_store::get_by_pk(r, row.user)?.ok_or_else(session_expired)?;
    Ok(OpenSession {
        username: state.username().to_string(),
        row,
        user,
        state,
    })
}

/// Finds the session a `RespondToAuthChallenge` carries.
pub fn open_session(
    r: &impl Read,
    sc: &SignInClient,
    session: &str,
    challenge: &str,
    now: i64,
) -> Result<OpenSession> {
    if session.is_empty() || session.len() > 2048 {
        return Err(session_expired());
    }
    let row = live_session(r, sc, session, now)?.ok_or_else(session_expired)?;
    if row.challenge != challenge {
        return Err(invalid(
            "ChallengeName",
            format!("this session waits for {}, not {challenge}", row.challenge),
        ));
    }
    opened(r, row)
}

/// Finds a live session by its handle alone, for the operations that carry a session but no
/// client id (`AssociateSoftwareToken` during `MFA_SETUP`): the session names its client.
pub fn open_session_by_handle(
    r: &impl Read,
    handle: &str,
    challenge: &str,
    now: i64,
) -> Result<(SignInClient, OpenSession)> {
    let row = auth_sessions::by_digest(r, &tokens::opaque_digest(handle))?
        .filter(|row| row.expires_at > now && row.challenge == challenge)
        .ok_or_else(session_expired)?;
    let found = storage::clients::get_by_pk(r, row.client)?
        .ok_or_else(|| Error::NotAuthorized("Invalid session".into()))?;
    let sc = client(r, &found.client_id, None)?;
    let open = open_session(r, &sc, handle, challenge, now)?;
    Ok((sc, open))
}

/// Ends an open session: each is answered once, so one already ended is refused.
pub(crate) fn consume_session(tx: &Tx<'_>, open: &OpenSession) -> Result<()> {
    if auth_sessions::delete(tx, open.row.pk)? {
        Ok(())
    } else {
        Err(session_expired())
    }
}

/// Ends an open session, whether or not another request ended it first.
pub(crate) fn discard_session(tx: &Tx<'_>, open: &OpenSession) -> Result<()> {
    auth_sessions::delete(tx, open.row.pk)?;
    Ok(())
}

/// Replaces what an open session remembers.
pub(crate) fn update_session(tx: &Tx<'_>, open: &OpenSession, state: &SessionState) -> Result<()> {
    auth_sessions::set_state(tx, open.row.pk, &state.to_json()?)?;
    Ok(())
}

#[cfg(test)]
mod tests;
