//! The orchestrator: which step of a sign-in comes next.
//!
//! A password sign-in runs in three steps so that the slow part holds no lock:
//! 1. [`prepare`] reads the client, the user and their lockout state (a read);
//! 2. the caller verifies the password (argon2, ~20 ms of CPU, no transaction);
//! 3. [`decide`] records the outcome — failures and lockout, a refusal's auth event, the risk,
//!    the challenge session — in one write transaction and answers what to send back. A
//!    sign-in it accepts is not written yet: [`super::store_sign_in`] stores it (the refresh
//!    token, the auth event, the last sign-in), in the same transaction when no hook stands
//!    between, else after the hooks agree (see `crate::engine`).
//!
//! SRP and custom sign-ins end in [`decide`] too, once their proof is judged. Tokens are signed
//! by `token` with keys the caller keeps parsed (see [`crate::keys`]).

use std::collections::BTreeMap;

use domain::client::ExplicitAuthFlow;
use domain::user::UserStatus;
use storage::clients::ClientRow;
use storage::pools::PoolRow;
use storage::refresh_tokens::{self, NewRefresh};
use storage::user_security::{self, Security};
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};
use tokens::MasterKey;

use super::{
    Accepted, Decision, OpenSession, Proof, Recorded, SignIn, SignInClient, Step, accept,
    count_failure, insert_event, locked_out, mfa, password, record_event, risk, unknown_user,
};
use crate::users::{NewPassword, resolve};
use crate::{Error, Result, invalid};

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

/// Whether the client allows `flow`. Without explicit flows Cognito allows SRP, custom auth and
/// refresh. A client with refresh-token rotation refreshes only through
/// `GetTokensFromRefreshToken` (and the token endpoint), never `REFRESH_TOKEN_AUTH`.
pub fn check_flow(client: &ClientRow, flow: AuthFlow) -> Result<()> {
    use ExplicitAuthFlow as F;
    if flow == AuthFlow::RefreshToken && client.settings.refresh_token_rotation.enabled() {
        return Err(invalid(
            "AuthFlow",
            "REFRESH_TOKEN_AUTH flow not enabled for this client: it rotates refresh tokens; \
             refresh with GetTokensFromRefreshToken",
        ));
    }
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

/// Step 3 of a password sign-in: records the outcome and decides the answer. The outer result
/// fails the transaction; the inner one is an answer to commit and then send (a wrong password
/// is recorded, and then refused).
pub fn decide(
    tx: &Tx<'_>,
    sc: &SignInClient,
    candidate: &Candidate,
    username: &str,
    proof: Proof,
    step: &Step<'_>,
) -> Result<Recorded<Decision>> {
    // A blocked address is refused whoever it names: answering an unknown user differently
    // would tell the address which usernames exist.
    let blocked = || Error::NotAuthorized("Sign-in from this address is blocked.".into());
    let Some(seen) = &candidate.user else {
        if risk::blocked(&sc.pool, step.origin) {
            return Ok(Err(blocked()));
        }
        return Ok(Err(unknown_user(&sc.client)));
    };
    // Re-read: the user may have changed while the password was being checked.
    let Some(user) = user_store::get(
        tx,
        sc.pool.pk,
        &crate::users::username_key(&sc.pool, &seen.username),
    )?
    else {
        if risk::blocked(&sc.pool, step.origin) {
            return Ok(Err(blocked()));
        }
        return Ok(Err(unknown_user(&sc.client)));
    };
    let security = user_security::get(tx, user.pk)?;
    if risk::blocked(&sc.pool, step.origin) {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Address in a blocked IP range",
            blocked(),
        );
    }
    if security.locked_until > step.now {
        return refuse(
            tx,
            sc,
            &user,
            step,
            "Password attempts exceeded",
            locked_out(&sc.client),
        );
    }
    if proof == Proof::Failed || user.password_hash != seen.password_hash {
        count_failure(tx, &user, step.now)?;
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
            if password::temporary_expired(&sc.pool, &user, step.now) {
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
            let challenge = password::challenge(tx, sc, &user, username, step)?;
            record_event(
                tx,
                &user,
                &sc.client,
                step,
                "SignIn",
                "InProgress",
                Some(challenge.name),
            )?;
            return Ok(Ok(Decision::Challenge(challenge)));
        }
        _ => {}
    }
    let threats = &sc.pool.config.risk;
    if step.compromised
        && threats
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
    let level = risk::assess(tx, &sc.pool, &user, step.origin, &security)?;
    let step = &Step {
        risk: level,
        ..*step
    };
    let mut force = None;
    if let Some(level) = level
        && let Some(action) = risk::action(&sc.pool, level)
    {
        use domain::risk::TakeoverAction as A;
        let notice = if action.event_action == A::Block {
            risk::Notice::Blocked
        } else {
            risk::Notice::Allowed
        };
        if action.notify {
            risk::notify(tx, &sc.pool, &user, step.origin, level, notice, step.now)?;
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
    Ok(Ok(finish(tx, sc, user, username, step, force)?))
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
    record_event(tx, user, &sc.client, step, "SignIn", "Fail", Some(detail))?;
    Ok(Err(err))
}

/// Ends the sign-in: an MFA challenge if the pool and user call for one, else tokens. `force`
/// comes from the sign-in's risk: `Some(false)` asks users who have a factor, `Some(true)`
/// refuses users who have none.
fn finish(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: UserRow,
    username: &str,
    step: &Step<'_>,
    force: Option<bool>,
) -> Result<Decision> {
    if let Some(ch) = mfa::challenge(tx, sc, &user, username, step, force)? {
        record_event(
            tx,
            &user,
            &sc.client,
            step,
            "SignIn",
            "InProgress",
            Some(ch.name),
        )?;
        return Ok(Decision::Challenge(ch));
    }
    Ok(Decision::Tokens(accept(tx, user, step)?))
}

/// Stores a decided sign-in: the user's last sign-in, the refresh token, and the auth event.
/// Answers the sign-in to mint.
pub fn store_sign_in(
    tx: &Tx<'_>,
    sc: &SignInClient,
    accepted: Box<Accepted>,
    step: &Step<'_>,
) -> Result<SignIn> {
    let step = accepted.step(step);
    let s = accepted.sign_in;
    let Some(refresh) = &s.refresh_token else {
        return Err(Error::Internal(
            "a new sign-in without a refresh token".into(),
        ));
    };
    let (_, _, refresh_secs) = sc.client.settings.lifetimes_secs();
    user_security::signed_in(tx, s.user.pk, step.now)?;
    refresh_tokens::insert(
        tx,
        &NewRefresh {
            digest: &tokens::opaque_digest(refresh),
            client: sc.client.pk,
            user: s.user.pk,
            origin_jti: &s.origin_jti,
            auth_time: s.auth_time,
            now: step.now,
            expires_at: step.now + (refresh_secs as i64).saturating_mul(1000),
            scopes: s.scopes.as_deref(),
        },
    )?;
    insert_event(
        tx,
        s.event_id.clone(),
        &s.user,
        &sc.client,
        &step,
        ("SignIn", "Pass", None),
    )?;
    Ok(s)
}

/// Records that a decided sign-in was refused after all (a hook refused it, or its tokens
/// could not be made): its auth event, and nothing else.
pub fn refuse_sign_in(
    tx: &Tx<'_>,
    sc: &SignInClient,
    accepted: &Accepted,
    step: &Step<'_>,
    detail: &str,
) -> Result<()> {
    record_event(
        tx,
        &accepted.sign_in.user,
        &sc.client,
        &accepted.step(step),
        "SignIn",
        "Fail",
        Some(detail),
    )?;
    Ok(())
}

/// Answers `NEW_PASSWORD_REQUIRED`: sets the new password (already checked and hashed) and the
/// attributes the challenge asked for, ends the session and goes on with the sign-in (MFA, or
/// tokens). Answers the updated user beside the decision.
pub fn complete_new_password(
    tx: &Tx<'_>,
    master: &MasterKey,
    sc: &SignInClient,
    open: &OpenSession,
    new_password: &NewPassword<'_>,
    attributes: &BTreeMap<String, String>,
    step: &Step<'_>,
) -> Result<(UserRow, Decision)> {
    let user = password::set_new_password(tx, master, sc, open, new_password, attributes, step)?;
    let decision = finish(tx, sc, user.clone(), &open.username, step, None)?;
    Ok((user, decision))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
