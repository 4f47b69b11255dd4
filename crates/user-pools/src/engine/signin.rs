//! The sign-in flows as `InitiateAuth` and `RespondToAuthChallenge` run them: the steps of
//! [`crate::signin`] with the argon2 verify, the hooks and the token signing between them, none
//! inside a write transaction.

use std::collections::BTreeMap;

use domain::client::PreventUserExistenceErrors;
use domain::risk::EventFilter;
use storage::pools::PoolRow;

use super::Engine;
use super::finish::{Answer, Generation};
use crate::signin::{self, AuthFlow, Origin, SignInClient, Step, srp};
use crate::users::{self, NewPassword};
use crate::{Error, Result, invalid, passwords};

/// The members of a request's `AuthParameters` or `ChallengeResponses`.
#[derive(Clone)]
pub struct Params<'a> {
    /// The request member they came in, for errors (`AuthParameters`).
    member: &'static str,
    values: BTreeMap<&'a str, &'a str>,
}

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Passwords and codes: names only.
        f.debug_struct("Params")
            .field("member", &self.member)
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<'a> Params<'a> {
    /// The members of `member` (`AuthParameters`, `ChallengeResponses`).
    pub fn new(member: &'static str, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Params {
            member,
            values: values.into_iter().collect(),
        }
    }

    /// A member that must be given and not empty.
    pub(crate) fn required(&self, name: &str) -> Result<&'a str> {
        match self.values.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(invalid(&format!("{}.{name}", self.member), "is required")),
        }
    }

    /// A member that may be left out.
    pub(crate) fn optional(&self, name: &str) -> Option<&'a str> {
        self.values.get(name).copied()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.values.iter().map(|(k, v)| (*k, *v))
    }
}

/// Whether a password is in the breached-password list, as the pool checks it at one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breach {
    /// Not found, or not looked for (the pool does not check at this event).
    Clean,
    /// Found; the pool only records it.
    Found,
    /// Found, and the pool refuses it.
    Blocked,
}

/// The `Session` of a challenge answer.
pub(crate) fn required_session(session: Option<&str>) -> Result<&str> {
    session
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("Session", "is required"))
}

impl Engine<'_> {
    /// Whether `password` is in the workspace's breached-password list, when the pool checks
    /// at `event`, and whether the pool then refuses it.
    pub(crate) fn compromised(
        &self,
        pool: &PoolRow,
        event: EventFilter,
        password: &str,
    ) -> Result<Breach> {
        let Some(c) = &pool.config.risk.compromised_credentials else {
            return Ok(Breach::Clean);
        };
        if !c.applies(event) || !self.breached.contains(password)? {
            return Ok(Breach::Clean);
        }
        Ok(if c.blocks(event) {
            Breach::Blocked
        } else {
            Breach::Found
        })
    }

    /// Refuses a new password that is in the breached-password list (when the pool blocks);
    /// answers whether it was found.
    pub(crate) fn check_new_password(
        &self,
        pool: &PoolRow,
        event: EventFilter,
        field: &'static str,
        password: &str,
    ) -> Result<bool> {
        match self.compromised(pool, event, password)? {
            Breach::Clean => Ok(false),
            Breach::Found => Ok(true),
            Breach::Blocked => Err(Error::InvalidPassword {
                field,
                reason: "This password has appeared in a data breach; choose another.".into(),
            }),
        }
    }

    /// `InitiateAuth` / `AdminInitiateAuth` (which names the pool).
    pub fn initiate_auth(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
        flow: AuthFlow,
        params: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let sc = self.read(|r| signin::client(r, client_id, pool_id))?;
        signin::check_flow(&sc.client, flow)?;
        match flow {
            AuthFlow::UserPassword | AuthFlow::AdminUserPassword => {
                self.password_sign_in(&sc, params, origin)
            }
            AuthFlow::RefreshToken => {
                let token = params.required("REFRESH_TOKEN")?;
                let step = Step::new(self.now(), origin);
                let (s, touch) = self.read(|r| {
                    signin::refresh(
                        r,
                        self.master,
                        &sc,
                        token,
                        params.optional("SECRET_HASH"),
                        &step,
                    )
                })?;
                if let Some(pk) = touch {
                    self.write(|tx| Ok(storage::refresh_tokens::touch(tx, pk, step.now)?))?;
                }
                Ok(Answer::Tokens {
                    tokens: self.unsigned_tokens(&sc, &s, Generation::RefreshTokens, origin)?,
                    refresh_token: None,
                })
            }
            AuthFlow::UserSrp => self.srp_start(&sc, params, origin),
            AuthFlow::CustomAuth => self.custom_start(&sc, params, origin),
        }
    }

    /// `RespondToAuthChallenge` / `AdminRespondToAuthChallenge` (which names the pool).
    pub fn respond_to_auth_challenge(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
        challenge: &str,
        session: Option<&str>,
        responses: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let sc = self.read(|r| signin::client(r, client_id, pool_id))?;
        match challenge {
            signin::PASSWORD_VERIFIER => self.srp_respond(&sc, responses, origin),
            signin::CUSTOM_CHALLENGE => self.custom_respond(&sc, session, responses, origin),
            signin::SOFTWARE_TOKEN_MFA
            | signin::EMAIL_OTP
            | signin::SMS_MFA
            | signin::SELECT_MFA_TYPE
            | signin::MFA_SETUP => self.mfa_respond(&sc, challenge, session, responses, origin),
            signin::NEW_PASSWORD_REQUIRED => self.new_password(&sc, session, responses, origin),
            _ => Err(invalid(
                "ChallengeName",
                format!(
                    "'{challenge}' is not a challenge this version answers \
                     (NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER, CUSTOM_CHALLENGE, \
                     SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_MFA, SELECT_MFA_TYPE, MFA_SETUP)"
                ),
            )),
        }
    }

    /// `USER_PASSWORD_AUTH` and `ADMIN_USER_PASSWORD_AUTH`: read, verify with no transaction
    /// open, decide in one write.
    pub(super) fn password_sign_in(
        &self,
        sc: &SignInClient,
        params: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let username = params.required("USERNAME")?;
        let password = params.required("PASSWORD")?;
        if password.len() > 256 {
            return Err(invalid(
                "AuthParameters.PASSWORD",
                "must be at most 256 characters",
            ));
        }
        let mut candidate = self.read(|r| signin::prepare(r, &sc.pool, username))?;
        let mut names = vec![username];
        if let Some(u) = &candidate.user {
            names.push(u.username.as_str());
        }
        signin::check_secret_hash(
            self.master,
            &sc.client,
            &names,
            params.optional("SECRET_HASH"),
        )?;
        if candidate.user.is_none()
            && self.migrate_user(sc, username, Some(password), origin.client_metadata.clone())?
        {
            candidate = self.read(|r| signin::prepare(r, &sc.pool, username))?;
        }
        if let Some(u) = &candidate.user {
            self.pre_authentication(sc, u, &origin.client_metadata)?;
        }
        let now = self.now();
        // The slow part, outside any transaction. A locked-out user is refused without it (unless
        // the client hides who exists: then the refusal costs what an unknown user's does); an
        // unknown user costs the same as a known one.
        let password_ok = match &candidate.user {
            _ if candidate.security.locked_until > now => {
                if sc.client.settings.prevent_user_existence_errors
                    == PreventUserExistenceErrors::Enabled
                {
                    passwords::waste_time(password);
                }
                false
            }
            Some(u) => match &u.password_hash {
                Some(h) => passwords::verify(password, h)?,
                None => false,
            },
            None => {
                passwords::waste_time(password);
                false
            }
        };
        let mut step = Step::new(now, origin);
        if password_ok {
            step.compromised =
                self.compromised(&sc.pool, EventFilter::SignIn, password)? != Breach::Clean;
        }
        self.conclude(sc, &step, Generation::Authentication, |tx| {
            let proof = signin::Proof::from_check(password_ok);
            let decision = signin::decide(tx, sc, &candidate, username, proof, &step)?;
            // A password set before SRP verifiers were kept gets one now, while it is known.
            if decision.is_ok()
                && let Some(u) = &candidate.user
                && !srp::has_verifier(tx, u)?
            {
                srp::remember(tx, self.master, &sc.pool.id, u, password)?;
            }
            Ok(decision)
        })
    }

    /// Answers `NEW_PASSWORD_REQUIRED`: the user's own password replaces the temporary one.
    fn new_password(
        &self,
        sc: &SignInClient,
        session: Option<&str>,
        responses: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        const FIELD: &str = "ChallengeResponses.NEW_PASSWORD";
        let session = required_session(session)?;
        let now = self.now();
        let open = self
            .read(|r| signin::open_session(r, sc, session, signin::NEW_PASSWORD_REQUIRED, now))?;
        let username = responses.required("USERNAME")?;
        signin::check_secret_hash(
            self.master,
            &sc.client,
            &[
                username,
                open.username.as_str(),
                open.user.username.as_str(),
            ],
            responses.optional("SECRET_HASH"),
        )?;
        let new_password = responses.required("NEW_PASSWORD")?;
        users::check_password(&sc.pool, FIELD, new_password)?;
        let attributes: BTreeMap<String, String> = responses
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("userAttributes.")
                    .map(|name| (name.to_string(), v.to_string()))
            })
            .collect();
        let compromised =
            self.check_new_password(&sc.pool, EventFilter::PasswordChange, FIELD, new_password)?;
        let password = NewPassword {
            clear: new_password,
            hash: passwords::hash(new_password)?,
        };
        let mut step = Step::new(now, origin);
        step.compromised = compromised;
        self.conclude(sc, &step, Generation::NewPasswordChallenge, |tx| {
            let (_, decision) = signin::complete_new_password(
                tx,
                self.master,
                sc,
                &open,
                &password,
                &attributes,
                &step,
            )?;
            Ok(Ok(decision))
        })
    }
}
