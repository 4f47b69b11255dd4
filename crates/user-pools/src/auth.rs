//! Sign-in: auth flows, challenges, tokens, sign-out and lockout.
//!
//! A password sign-in runs in three steps so that the slow part holds no lock:
//! 1. [`prepare`] reads the client, the user and their lockout state (a read);
//! 2. the caller verifies the password (argon2, ~20 ms of CPU, no transaction);
//! 3. [`decide`] records the outcome — failures and lockout, the auth event, the challenge
//!    session or the refresh token — in one write transaction and answers what to send back.
//!
//! Tokens are signed by [`mint`] with keys the caller keeps parsed (see [`crate::keys`]).

use std::collections::BTreeMap;

use domain::client::{ExplicitAuthFlow, PreventUserExistenceErrors};
use domain::user::UserStatus;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use storage::auth_events::{self, AuthEvent};
use storage::auth_sessions::{self, NewSession, SessionRow};
use storage::clients::ClientRow;
use storage::groups::{self as group_store, GroupRow};
use storage::pools::PoolRow;
use storage::refresh_tokens::{self, NewRefresh, RefreshRow};
use storage::user_security::{self, Security};
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};

use crate::keys::PoolKeys;
use crate::users::resolve;
use crate::{Error, Result, invalid};

/// Failed sign-ins allowed before the lockout starts.
pub const FREE_FAILURES: i64 = 5;
/// The longest lockout, in ms (Cognito's "about 15 minutes").
pub const MAX_LOCKOUT_MS: i64 = 15 * 60 * 1000;

/// How long a user is locked out after `failures` failed sign-ins in a row: nothing for the
/// first [`FREE_FAILURES`], then 1 s, doubling with each further failure up to 15 minutes.
pub fn lockout_ms(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    (1000_i64 << doublings).min(MAX_LOCKOUT_MS)
}

/// `AuthFlowType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    UserPassword,
    AdminUserPassword,
    RefreshToken,
    UserSrp,
    CustomAuth,
}

impl AuthFlow {
    /// Parses Cognito's name; `admin` tells which operation asked (the admin flows are only for
    /// `AdminInitiateAuth`, the public ones only for `InitiateAuth`).
    pub fn parse(name: &str, admin: bool) -> Result<AuthFlow> {
        let flow = match (name, admin) {
            ("USER_PASSWORD_AUTH", false) => AuthFlow::UserPassword,
            ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", true) => AuthFlow::AdminUserPassword,
            ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => AuthFlow::RefreshToken,
            ("USER_SRP_AUTH", _) => AuthFlow::UserSrp,
            ("CUSTOM_AUTH", _) => AuthFlow::CustomAuth,
            ("USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", _) => {
                return Err(invalid(
                    "AuthFlow",
                    format!(
                        "{name} is for {}",
                        if admin {
                            "InitiateAuth"
                        } else {
                            "AdminInitiateAuth"
                        }
                    ),
                ));
            }
            _ => {
                return Err(invalid(
                    "AuthFlow",
                    format!(
                        "'{name}' is not one of USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, \
                         USER_SRP_AUTH, REFRESH_TOKEN_AUTH, CUSTOM_AUTH"
                    ),
                ));
            }
        };
        Ok(flow)
    }

    fn name(self) -> &'static str {
        match self {
            AuthFlow::UserPassword => "USER_PASSWORD_AUTH",
            AuthFlow::AdminUserPassword => "ADMIN_USER_PASSWORD_AUTH",
            AuthFlow::RefreshToken => "REFRESH_TOKEN_AUTH",
            AuthFlow::UserSrp => "USER_SRP_AUTH",
            AuthFlow::CustomAuth => "CUSTOM_AUTH",
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
    let pool = crate::require_pool(r, &found_pool)?;
    Ok(SignInClient { pool, client })
}

/// Whether the client allows `flow`. Without explicit flows Cognito allows SRP, custom auth and
/// refresh.
pub fn check_flow(client: &ClientRow, flow: AuthFlow) -> Result<()> {
    use ExplicitAuthFlow as F;
    let flows = &client.settings.explicit_auth_flows;
    let has = |f: F| flows.contains(&f);
    let allowed = if flows.is_empty() {
        matches!(
            flow,
            AuthFlow::UserSrp | AuthFlow::CustomAuth | AuthFlow::RefreshToken
        )
    } else {
        match flow {
            AuthFlow::UserPassword => has(F::AllowUserPasswordAuth) || has(F::UserPasswordAuth),
            AuthFlow::AdminUserPassword => {
                has(F::AllowAdminUserPasswordAuth) || has(F::AdminNoSrpAuth)
            }
            // Cognito always allows refreshing when the other flows are legacy names.
            AuthFlow::RefreshToken => {
                has(F::AllowRefreshTokenAuth)
                    || flows.iter().all(|f| {
                        matches!(
                            f,
                            F::AdminNoSrpAuth | F::CustomAuthFlowOnly | F::UserPasswordAuth
                        )
                    })
            }
            AuthFlow::UserSrp => has(F::AllowUserSrpAuth),
            AuthFlow::CustomAuth => has(F::AllowCustomAuth) || has(F::CustomAuthFlowOnly),
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(invalid(
            "AuthFlow",
            format!("{} flow not enabled for this client", flow.name()),
        ))
    }
}

/// Checks `SECRET_HASH` when the client has a secret. `usernames` are the names the hash may
/// have been computed over (what the caller sent, and the stored username).
pub fn check_secret_hash(
    client: &ClientRow,
    usernames: &[&str],
    given: Option<&str>,
) -> Result<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(Error::NotAuthorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.client_id
        )));
    };
    if usernames
        .iter()
        .any(|u| tokens::secret_hash_matches(given, secret, u, &client.client_id))
    {
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

/// What a password sign-in needs, read before the password is checked.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub user: Option<UserRow>,
    pub security: Security,
}

/// Step 1 of a password sign-in: finds the user (if any) and their lockout state.
pub fn prepare(r: &impl Read, pool: &PoolRow, username: &str) -> Result<Candidate> {
    if username.is_empty() {
        return Err(invalid("AuthParameters.USERNAME", "is required"));
    }
    let user = match resolve(r, pool, username) {
        Ok(u) => Some(u),
        Err(Error::UserNotFound) => None,
        Err(e) => return Err(e),
    };
    let security = match &user {
        Some(u) => user_security::get(r, u.pk)?,
        None => Security::default(),
    };
    Ok(Candidate { user, security })
}

/// Where a sign-in request came from, for the auth event.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    /// The request's `ClientMetadata`, passed on to hooks (`null` when absent).
    pub client_metadata: Value,
}

/// What to answer a sign-in step with.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Sign the user in: mint tokens for this sign-in (a new refresh token when given).
    Tokens(SignIn),
    /// Ask for the answer to a challenge.
    Challenge(Challenge),
}

/// A completed sign-in, ready to be minted.
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
}

/// A challenge to send back.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub name: &'static str,
    pub session: String,
    pub parameters: BTreeMap<String, String>,
}

/// What a challenge session remembers between steps.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SessionState {
    /// The username the client signed in with.
    pub username: String,
    /// `SELECT_MFA_TYPE`: the factors the user may choose from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// `MFA_SETUP`: the software token was verified with this session.
    #[serde(default)]
    pub verified: bool,
    /// `CUSTOM_CHALLENGE`: the rounds so far and the challenge being answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<crate::custom::CustomState>,
}

/// Stores a challenge session and answers its (opaque) handle.
pub(crate) fn create_session(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    challenge: &str,
    state: &SessionState,
    step: &Step<'_>,
) -> Result<String> {
    let session = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    let minutes = i64::from(sc.client.settings.auth_session_validity.clamp(3, 15));
    let state = serde_json::to_string(state).map_err(|e| Error::Crypto(e.to_string()))?;
    auth_sessions::insert(
        tx,
        &NewSession {
            digest: &tokens::opaque_digest(&session),
            client: sc.client.pk,
            user: user.pk,
            challenge,
            state: &state,
            now: step.now,
            expires_at: step.now + minutes * 60_000,
        },
    )?;
    Ok(session)
}

/// Ends the sign-in: an MFA challenge if the pool and user call for one, else tokens.
pub(crate) fn finish(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: UserRow,
    username: &str,
    step: &Step<'_>,
) -> Result<Decision> {
    finish_with(tx, sc, user, username, step, None)
}

/// [`finish`], with MFA forced by the sign-in's risk: `Some(false)` asks users who have a
/// factor, `Some(true)` refuses users who have none.
fn finish_with(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: UserRow,
    username: &str,
    step: &Step<'_>,
    force: Option<bool>,
) -> Result<Decision> {
    if let Some(ch) = crate::mfa::challenge(tx, sc, &user, username, step, force)? {
        event(
            tx,
            user.pk,
            &sc.client,
            step,
            "SignIn",
            "InProgress",
            Some(ch.name),
        )?;
        return Ok(Decision::Challenge(ch));
    }
    user_security::signed_in(tx, user.pk, step.now)?;
    Ok(Decision::Tokens(new_sign_in(tx, sc, user, step)?))
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

fn event(
    tx: &Tx<'_>,
    user: i64,
    client: &ClientRow,
    step: &Step<'_>,
    kind: &str,
    response: &str,
    detail: Option<&str>,
) -> Result<String> {
    let event_id = tokens::new_jti();
    auth_events::insert(
        tx,
        &AuthEvent {
            pk: 0,
            user,
            event_id: event_id.clone(),
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
    Ok(event_id)
}

/// Records an auth event for `user` (sign-up, password change, ...).
#[allow(clippy::too_many_arguments)]
pub fn record_event(
    tx: &Tx<'_>,
    user: &UserRow,
    client: &ClientRow,
    step: &Step<'_>,
    kind: &str,
    response: &str,
    detail: Option<&str>,
) -> Result<String> {
    event(tx, user.pk, client, step, kind, response, detail)
}

/// Counts a failed password check outside sign-in (`ChangePassword`) toward the lockout.
pub fn count_failure(tx: &Tx<'_>, user: &UserRow, now: i64) -> Result<()> {
    let security = user_security::get(tx, user.pk)?;
    let failures = security.failed_sign_ins + 1;
    let lock = lockout_ms(failures);
    user_security::set_failures(tx, user.pk, failures, if lock > 0 { now + lock } else { 0 })?;
    Ok(())
}

/// The client ids of the clients sessions belong to, by key.
pub fn client_ids(r: &impl Read, sessions: &[RefreshRow]) -> Result<BTreeMap<i64, String>> {
    let mut out = BTreeMap::new();
    for s in sessions {
        if !out.contains_key(&s.client)
            && let Some(c) = storage::clients::get_by_pk(r, s.client)?
        {
            out.insert(s.client, c.client_id);
        }
    }
    Ok(out)
}

/// A refusal that must still be recorded: the caller commits the transaction, then answers
/// with the error.
pub type Recorded<T> = std::result::Result<T, Error>;

/// Step 3 of a password sign-in: records the outcome and decides the answer. The outer result
/// fails the transaction; the inner one is an answer to commit and then send (a wrong password
/// is recorded, and then refused).
pub fn decide(
    tx: &Tx<'_>,
    sc: &SignInClient,
    candidate: &Candidate,
    username: &str,
    password_ok: bool,
    step: &Step<'_>,
) -> Result<Recorded<Decision>> {
    let Some(seen) = &candidate.user else {
        return Ok(Err(unknown_user(&sc.client)));
    };
    // Re-read: the user may have changed while the password was being checked.
    let Some(user) = user_store::get(
        tx,
        sc.pool.pk,
        &crate::users::username_key(&sc.pool, &seen.username),
    )?
    else {
        return Ok(Err(unknown_user(&sc.client)));
    };
    let security = user_security::get(tx, user.pk)?;
    if crate::risk::blocked(&sc.pool, step.origin) {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Address in a blocked IP range",
            Error::NotAuthorized("Sign-in from this address is blocked.".into()),
        );
    }
    if security.locked_until > step.now {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Password attempts exceeded",
            Error::NotAuthorized("Password attempts exceeded".into()),
        );
    }
    if !password_ok || user.password_hash != seen.password_hash {
        let failures = security.failed_sign_ins + 1;
        let lock = lockout_ms(failures);
        user_security::set_failures(
            tx,
            user.pk,
            failures,
            if lock > 0 { step.now + lock } else { 0 },
        )?;
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Incorrect password",
            Error::NotAuthorized("Incorrect username or password.".into()),
        );
    }
    if !user.enabled {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "User is disabled",
            Error::NotAuthorized("User is disabled.".into()),
        );
    }
    match user.status {
        UserStatus::Unconfirmed => {
            return refuse(
                tx,
                sc,
                &user,
                step,
                "User is not confirmed",
                Error::UserNotConfirmed,
            );
        }
        UserStatus::ResetRequired => {
            return refuse(
                tx,
                sc,
                &user,
                step,
                "Password reset required",
                Error::PasswordResetRequired,
            );
        }
        UserStatus::ForceChangePassword => {
            let days = i64::from(
                sc.pool
                    .config
                    .settings
                    .policies
                    .password_policy
                    .temporary_password_validity_days,
            );
            let set_at = user.password_set_at.unwrap_or(user.created_at);
            if days > 0 && step.now > set_at + days * 86_400_000 {
                return refuse(
                    tx,
                    sc,
                    &user,
                    step,
                    "Temporary password expired",
                    Error::NotAuthorized(
                        "Temporary password has expired and must be reset by an administrator."
                            .into(),
                    ),
                );
            }
            // The password was right: failures start over, but the user has not signed in yet.
            user_security::set_failures(tx, user.pk, 0, 0)?;
            let challenge = new_password_challenge(tx, sc, &user, username, step)?;
            event(
                tx,
                user.pk,
                &sc.client,
                step,
                "SignIn",
                "InProgress",
                Some("NEW_PASSWORD_REQUIRED"),
            )?;
            return Ok(Ok(Decision::Challenge(challenge)));
        }
        _ => {}
    }
    let risk = &sc.pool.config.risk;
    if step.compromised
        && risk
            .compromised_credentials
            .as_ref()
            .is_some_and(|c| c.blocks(domain::risk::EventFilter::SignIn))
    {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Compromised credentials",
            Error::NotAuthorized(
                "This password has appeared in a data breach; reset it to sign in.".into(),
            ),
        );
    }
    let level = crate::risk::assess(tx, &sc.pool, &user, step.origin, &security)?;
    let step = &Step {
        risk: level,
        ..*step
    };
    let mut force = None;
    if let Some(level) = level
        && let Some(action) = crate::risk::action(&sc.pool, level)
    {
        use domain::risk::TakeoverAction as A;
        let block = action.event_action == A::Block;
        if action.notify {
            crate::risk::notify(tx, &sc.pool, &user, step.origin, level, block, step.now)?;
        }
        match action.event_action {
            A::Block => {
                return refuse(
                    tx,
                    sc,
                    &user,
                    step,
                    &format!("Blocked: {level} risk"),
                    Error::NotAuthorized("Unable to sign in because of a security risk.".into()),
                );
            }
            A::MfaRequired => force = Some(true),
            A::MfaIfConfigured => force = Some(false),
            A::NoAction => {}
        }
    }
    Ok(Ok(finish_with(tx, sc, user, username, step, force)?))
}

/// Records a refused sign-in in the user's history and answers the refusal.
fn refuse(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    step: &Step<'_>,
    detail: &str,
    err: Error,
) -> Result<Recorded<Decision>> {
    event(
        tx,
        user.pk,
        &sc.client,
        step,
        "SignIn",
        "Fail",
        Some(detail),
    )?;
    Ok(Err(err))
}

/// Opens a new sign-in: a refresh token row, the auth event, and what to mint.
pub(crate) fn new_sign_in(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: UserRow,
    step: &Step<'_>,
) -> Result<SignIn> {
    let refresh = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    let origin_jti = tokens::new_jti();
    let (_, _, refresh_secs) = sc.client.settings.lifetimes_secs();
    let auth_time = step.now.div_euclid(1000);
    refresh_tokens::insert(
        tx,
        &NewRefresh {
            digest: &tokens::opaque_digest(&refresh),
            client: sc.client.pk,
            user: user.pk,
            origin_jti: &origin_jti,
            auth_time,
            now: step.now,
            expires_at: step.now + (refresh_secs as i64).saturating_mul(1000),
        },
    )?;
    let event_id = event(tx, user.pk, &sc.client, step, "SignIn", "Pass", None)?;
    let groups = group_store::for_user(tx, user.pk)?;
    Ok(SignIn {
        user,
        groups,
        origin_jti,
        auth_time,
        event_id,
        refresh_token: Some(refresh),
    })
}

fn new_password_challenge(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    step: &Step<'_>,
) -> Result<Challenge> {
    let session = create_session(
        tx,
        sc,
        user,
        "NEW_PASSWORD_REQUIRED",
        &SessionState {
            username: username.to_string(),
            ..SessionState::default()
        },
        step,
    )?;
    let visible: Map<String, Value> = user
        .attributes
        .iter()
        .filter(|(k, _)| k.as_str() != "sub" && !k.ends_with("_verified"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let required: Vec<String> = sc
        .pool
        .config
        .schema_attributes
        .iter()
        .filter(|a| a.is_required() && a.name != "sub" && !user.attributes.contains_key(&a.name))
        .map(|a| format!("userAttributes.{}", a.name))
        .collect();
    let mut parameters = BTreeMap::new();
    parameters.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    parameters.insert(
        "requiredAttributes".into(),
        serde_json::to_string(&required).map_err(|e| Error::Crypto(e.to_string()))?,
    );
    parameters.insert("userAttributes".into(), Value::Object(visible).to_string());
    Ok(Challenge {
        name: "NEW_PASSWORD_REQUIRED",
        session,
        parameters,
    })
}

/// A challenge session being answered, read before the (slow) new password is hashed.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub row: SessionRow,
    pub user: UserRow,
    pub username: String,
    pub(crate) state: SessionState,
}

/// Finds the session a `RespondToAuthChallenge` carries.
pub fn open_session(
    r: &impl Read,
    sc: &SignInClient,
    session: &str,
    challenge: &str,
    now: i64,
) -> Result<OpenSession> {
    let expired =
        || Error::NotAuthorized("Invalid session for the user, session is expired.".into());
    if session.is_empty() || session.len() > 2048 {
        return Err(expired());
    }
    let Some(row) = auth_sessions::by_digest(r, &tokens::opaque_digest(session))? else {
        return Err(expired());
    };
    if row.expires_at <= now || row.client != sc.client.pk {
        return Err(expired());
    }
    if row.challenge != challenge {
        return Err(invalid(
            "ChallengeName",
            format!("this session waits for {}, not {challenge}", row.challenge),
        ));
    }
    let state: SessionState = serde_json::from_str(&row.state).map_err(|_| expired())?;
    let user = user_store::get_by_pk(r, row.user)?.ok_or_else(expired)?;
    Ok(OpenSession {
        row,
        user,
        username: state.username.clone(),
        state,
    })
}

/// Answers `NEW_PASSWORD_REQUIRED`: sets the new password (already checked and hashed) and the
/// attributes the challenge asked for, ends the session and goes on with the sign-in (MFA, or
/// tokens). Answers the updated user beside the decision.
pub fn complete_new_password(
    tx: &Tx<'_>,
    sc: &SignInClient,
    open: &OpenSession,
    new_hash: &str,
    attributes: &BTreeMap<String, String>,
    step: &Step<'_>,
) -> Result<(UserRow, Decision)> {
    // The session is used once.
    if !auth_sessions::delete(tx, open.row.pk)? {
        return Err(Error::NotAuthorized(
            "Invalid session for the user, session is expired.".into(),
        ));
    }
    let user = user_store::get_by_pk(tx, open.user.pk)?.ok_or(Error::UserNotFound)?;
    if user.status != UserStatus::ForceChangePassword {
        return Err(Error::NotAuthorized(
            "Invalid session for the user, session is expired.".into(),
        ));
    }
    if let Some((name, _)) = attributes.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(invalid(
            &format!("ChallengeResponses.userAttributes.{name}"),
            "must not be empty",
        ));
    }
    if !attributes.is_empty() {
        domain::schema::check_attributes(
            &sc.pool.config.schema_attributes,
            attributes,
            domain::schema::AttributeWrite::Update,
            "ChallengeResponses",
        )?;
        let mut merged = user.attributes.clone();
        merged.extend(attributes.clone());
        merged.remove("sub");
        user_store::replace_attributes(tx, &user, &merged, step.now)?;
    }
    user_store::set_password(tx, user.pk, new_hash, UserStatus::Confirmed, step.now)?;
    let user = user_store::get_by_pk(tx, user.pk)?.ok_or(Error::UserNotFound)?;
    let decision = finish(tx, sc, user.clone(), &open.username, step)?;
    Ok((user, decision))
}

/// `REFRESH_TOKEN_AUTH`: the sign-in the refresh token belongs to, if it is still good.
pub fn refresh(
    tx: &Tx<'_>,
    sc: &SignInClient,
    refresh_token: &str,
    secret_hash: Option<&str>,
    step: &Step<'_>,
) -> Result<SignIn> {
    let invalid_token = || Error::NotAuthorized("Invalid Refresh Token".into());
    if refresh_token.is_empty() || refresh_token.len() > 2048 {
        return Err(invalid_token());
    }
    let Some(row) = refresh_tokens::by_digest(tx, &tokens::opaque_digest(refresh_token))? else {
        return Err(invalid_token());
    };
    if row.client != sc.client.pk {
        return Err(invalid_token());
    }
    if row.revoked_at.is_some() {
        return Err(Error::NotAuthorized(
            "Refresh Token has been revoked".into(),
        ));
    }
    if row.expires_at <= step.now {
        return Err(Error::NotAuthorized("Refresh Token has expired".into()));
    }
    let user = user_store::get_by_pk(tx, row.user)?.ok_or_else(invalid_token)?;
    check_secret_hash(
        &sc.client,
        &[user.username.as_str(), user.sub.as_str()],
        secret_hash,
    )?;
    if !user.enabled {
        return Err(Error::NotAuthorized("User is disabled.".into()));
    }
    refresh_tokens::touch(tx, row.pk, step.now)?;
    let groups = group_store::for_user(tx, user.pk)?;
    Ok(SignIn {
        user,
        groups,
        origin_jti: row.origin_jti,
        auth_time: row.auth_time,
        event_id: tokens::new_jti(),
        refresh_token: None,
    })
}

/// The signed tokens of a sign-in.
#[derive(Debug, Clone)]
pub struct Minted {
    pub id_token: String,
    pub access_token: String,
    /// The access token's lifetime in seconds (`ExpiresIn`).
    pub expires_in: u64,
}

/// The issuer of a pool's tokens: `base` (Cognito's
/// `https://cognito-idp.<region>.amazonaws.com` unless the workspace sets its own) and the id.
pub fn issuer(base: Option<&str>, pool_id: &str) -> String {
    match base {
        Some(b) => format!("{}/{pool_id}", b.trim_end_matches('/')),
        None => {
            let region = pool_id.split_once('_').map_or("us-east-1", |(r, _)| r);
            format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
        }
    }
}

/// Groups in Cognito's token order: by precedence (unset last), then name.
fn ordered(groups: &[GroupRow]) -> Vec<&GroupRow> {
    let mut g: Vec<&GroupRow> = groups.iter().collect();
    g.sort_by(|a, b| {
        (a.precedence.is_none(), a.precedence, &a.name).cmp(&(
            b.precedence.is_none(),
            b.precedence,
            &b.name,
        ))
    });
    g
}

/// An attribute as an ID token claim, typed as Cognito types it: the verification flags are
/// booleans, `updated_at` a number of seconds, `address` OIDC's address object with the stored
/// string as `formatted`; everything else, custom attributes included, a string.
fn id_claim(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => json!(value == "true"),
        "updated_at" => value
            .parse::<i64>()
            .map_or_else(|_| json!(value), |secs| json!(secs)),
        "address" => json!({ "formatted": value }),
        _ => json!(value),
    }
}

/// The claims of the ID and access tokens of a sign-in, before signing.
pub fn claims(sc: &SignInClient, s: &SignIn, issuer: &str, now_ms: i64) -> (Value, Value) {
    let (access_secs, id_secs, _) = sc.client.settings.lifetimes_secs();
    let iat = now_ms.div_euclid(1000);
    let groups = ordered(&s.groups);
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let roles: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    let preferred = groups.iter().find_map(|g| g.role_arn.as_deref());

    let mut id = Map::new();
    id.insert("sub".into(), json!(s.user.sub));
    if !group_names.is_empty() {
        id.insert("cognito:groups".into(), json!(group_names));
    }
    let readable = &sc.client.settings.read_attributes;
    for (name, value) in &s.user.attributes {
        if name == "sub" || (!readable.is_empty() && !readable.contains(name)) {
            continue;
        }
        id.insert(name.clone(), id_claim(name, value));
    }
    id.insert("iss".into(), json!(issuer));
    id.insert("cognito:username".into(), json!(s.user.username));
    if !roles.is_empty() {
        id.insert("cognito:roles".into(), json!(roles));
    }
    if let Some(p) = preferred {
        id.insert("cognito:preferred_role".into(), json!(p));
    }
    id.insert("origin_jti".into(), json!(s.origin_jti));
    id.insert("aud".into(), json!(sc.client.client_id));
    id.insert("event_id".into(), json!(s.event_id));
    id.insert("token_use".into(), json!("id"));
    id.insert("auth_time".into(), json!(s.auth_time));
    id.insert("exp".into(), json!(iat + id_secs as i64));
    id.insert("iat".into(), json!(iat));
    id.insert("jti".into(), json!(tokens::new_jti()));

    let mut access = Map::new();
    access.insert("sub".into(), json!(s.user.sub));
    if !group_names.is_empty() {
        access.insert("cognito:groups".into(), json!(group_names));
    }
    access.insert("iss".into(), json!(issuer));
    access.insert("client_id".into(), json!(sc.client.client_id));
    access.insert("origin_jti".into(), json!(s.origin_jti));
    access.insert("event_id".into(), json!(s.event_id));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!("aws.cognito.signin.user.admin"));
    access.insert("auth_time".into(), json!(s.auth_time));
    access.insert("exp".into(), json!(iat + access_secs as i64));
    access.insert("iat".into(), json!(iat));
    access.insert("jti".into(), json!(tokens::new_jti()));
    access.insert("username".into(), json!(s.user.username));
    (Value::Object(id), Value::Object(access))
}

/// Signs the tokens of a sign-in.
pub fn mint(
    keys: &PoolKeys,
    sc: &SignInClient,
    s: &SignIn,
    issuer: &str,
    now_ms: i64,
) -> Result<Minted> {
    let (id, access) = claims(sc, s, issuer, now_ms);
    sign(keys, sc, &id, &access)
}

/// Signs claims already made (and perhaps changed by a pre token generation hook).
pub fn sign(keys: &PoolKeys, sc: &SignInClient, id: &Value, access: &Value) -> Result<Minted> {
    let crypto = |e: tokens::Error| Error::Crypto(e.to_string());
    Ok(Minted {
        id_token: keys.id.sign_jwt(id).map_err(crypto)?,
        access_token: keys.access.sign_jwt(access).map_err(crypto)?,
        expires_in: sc.client.settings.lifetimes_secs().0,
    })
}

/// The pool an access or ID token claims to come from (unverified: only to pick the keys that
/// then verify it).
pub fn claimed_pool(token: &str) -> Result<String> {
    let bad = || Error::NotAuthorized("Invalid Access Token".into());
    let unverified = tokens::dangerous::decode_unverified(token).map_err(|_| bad())?;
    let iss = unverified
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(bad)?;
    let pool = iss.rsplit('/').next().ok_or_else(bad)?;
    domain::ids::validate_user_pool_id(pool).map_err(|_| bad())?;
    Ok(pool.to_string())
}

/// A checked access token: the user and sign-in it belongs to.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: UserRow,
    pub session: RefreshRow,
    pub claims: Map<String, Value>,
}

/// Checks an access token for the operations that take one (`GetUser`, `GlobalSignOut`,
/// `ChangePassword`, ...): signature, expiry, issuer, `token_use`, and that its sign-in has not
/// been revoked and its user is still enabled.
pub fn authenticate(
    r: &impl Read,
    keys: &PoolKeys,
    pool: &PoolRow,
    token: &str,
    issuer: &str,
    now_ms: i64,
) -> Result<Authenticated> {
    let invalid_token = || Error::NotAuthorized("Invalid Access Token".into());
    let verified = keys
        .verifier
        .verify(token, now_ms.div_euclid(1000), 0)
        .map_err(|e| match e {
            tokens::Error::Expired { .. } => {
                Error::NotAuthorized("Access Token has expired".into())
            }
            _ => invalid_token(),
        })?;
    let claims = verified.into_claims();
    if claims.get("token_use").and_then(Value::as_str) != Some("access")
        || claims.get("iss").and_then(Value::as_str) != Some(issuer)
    {
        return Err(invalid_token());
    }
    let origin = claims
        .get("origin_jti")
        .and_then(Value::as_str)
        .ok_or_else(invalid_token)?;
    let revoked = || Error::NotAuthorized("Access Token has been revoked".into());
    let session = refresh_tokens::by_origin(r, origin)?.ok_or_else(revoked)?;
    if session.revoked_at.is_some() {
        return Err(revoked());
    }
    let user = user_store::get_by_pk(r, session.user)?.ok_or_else(revoked)?;
    if user.pool != pool.pk || claims.get("sub").and_then(Value::as_str) != Some(user.sub.as_str())
    {
        return Err(invalid_token());
    }
    if !user.enabled {
        return Err(Error::NotAuthorized("User is disabled.".into()));
    }
    Ok(Authenticated {
        user,
        session,
        claims,
    })
}

/// Signs a user out everywhere: every refresh token, and with them every ID and access token,
/// is revoked. Answers how many sign-ins ended.
pub fn sign_out_everywhere(tx: &Tx<'_>, user: &UserRow, now: i64) -> Result<usize> {
    Ok(refresh_tokens::revoke_user(tx, user.pk, now)?)
}

/// `RevokeToken`: revokes the refresh token (and its access tokens). An unknown token is not an
/// error (RFC 7009); one issued to another client is.
pub fn revoke(tx: &Tx<'_>, client: &ClientRow, token: &str, now: i64) -> Result<()> {
    if !client.settings.enable_token_revocation {
        return Err(Error::UnsupportedOperation(
            "Token revocation is not enabled for this app client".into(),
        ));
    }
    if token.is_empty() || token.len() > 2048 {
        return Err(invalid("Token", "must be 1–2048 characters"));
    }
    let Some(row) = refresh_tokens::by_digest(tx, &tokens::opaque_digest(token))? else {
        return Ok(());
    };
    if row.client != client.pk {
        return Err(Error::NotAuthorized(
            "The refresh token was not issued to this client".into(),
        ));
    }
    refresh_tokens::revoke(tx, row.pk, now)?;
    Ok(())
}

/// Lifts a lockout and forgets failed sign-ins.
pub fn unlock(tx: &Tx<'_>, user: &UserRow) -> Result<()> {
    user_security::set_failures(tx, user.pk, 0, 0)?;
    Ok(())
}

/// A user's sign-ins (refresh tokens), newest first.
pub fn sessions(r: &impl Read, user: &UserRow, limit: u32) -> Result<Vec<RefreshRow>> {
    Ok(refresh_tokens::for_user(r, user.pk, limit)?)
}

/// A user's auth events, newest first.
pub fn events(r: &impl Read, user: &UserRow, before: i64, limit: u32) -> Result<Vec<AuthEvent>> {
    Ok(auth_events::for_user(r, user.pk, before, limit)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_after_five_failures_and_doubles_to_fifteen_minutes() {
        assert_eq!(lockout_ms(4), 0);
        assert_eq!(lockout_ms(5), 1000);
        assert_eq!(lockout_ms(6), 2000);
        assert_eq!(lockout_ms(10), 32_000);
        assert_eq!(lockout_ms(15), 900_000);
        assert_eq!(lockout_ms(1000), 900_000);
    }

    #[test]
    fn flows_parse_for_their_operation_only() {
        assert_eq!(
            AuthFlow::parse("USER_PASSWORD_AUTH", false).unwrap(),
            AuthFlow::UserPassword
        );
        assert!(AuthFlow::parse("USER_PASSWORD_AUTH", true).is_err());
        assert!(AuthFlow::parse("ADMIN_USER_PASSWORD_AUTH", false).is_err());
        assert_eq!(
            AuthFlow::parse("ADMIN_NO_SRP_AUTH", true).unwrap(),
            AuthFlow::AdminUserPassword
        );
        assert!(AuthFlow::parse("PASSWORD", false).is_err());
    }

    #[test]
    fn the_issuer_is_cognitos_unless_the_workspace_sets_one() {
        assert_eq!(
            issuer(None, "eu-west-1_abc"),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        );
        assert_eq!(
            issuer(Some("http://127.0.0.1:9229/"), "eu-west-1_abc"),
            "http://127.0.0.1:9229/eu-west-1_abc"
        );
    }
}
