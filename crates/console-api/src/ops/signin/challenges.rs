//! The flows' steps: password, SRP, custom challenges and MFA answers.

use std::collections::BTreeMap;

use domain::hooks::Trigger;
use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::passwords;
use user_pools::signin::{self as auth, Decision, Origin, SignInClient, Step};
use user_pools::signin::{custom, mfa, srp};

use super::flow::*;
use crate::hooks::HookCall;
use crate::ops::shared::*;
use crate::ops::signin::AuthResponse;
use crate::{Actor, ApiError, Console, ErrorCode};

impl Console {
    /// `CUSTOM_AUTH`: the first round of a sign-in the auth-challenge hooks drive.
    pub(crate) fn custom_start(
        &self,
        sc: &SignInClient,
        params: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let username = param(params, "AuthParameters", "USERNAME")?;
        if optional(params, "SRP_A").is_some() {
            return Err(ApiError::invalid(
                "AuthParameters.SRP_A",
                "CUSTOM_AUTH with an SRP password step is not supported yet: start the custom \
                 flow with USERNAME alone",
            ));
        }
        let lambda = &sc.pool.config.settings.lambda_config;
        if [
            Trigger::DefineAuthChallenge,
            Trigger::CreateAuthChallenge,
            Trigger::VerifyAuthChallengeResponse,
        ]
        .iter()
        .any(|t| lambda.url(*t).is_none())
        {
            return Err(ApiError::new(
                ErrorCode::NotAuthorizedException,
                "Custom auth lambda triggers are not configured for the user pool: set the \
                 DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse hooks.",
            ));
        }
        let candidate = self.read(|r| Ok(auth::prepare(r, &sc.pool, username)?))?;
        let mut names = vec![username];
        if let Some(u) = &candidate.user {
            names.push(u.username.as_str());
        }
        auth::check_secret_hash(&sc.client, &names, optional(params, "SECRET_HASH"))?;
        let Some(user) = &candidate.user else {
            return Err(auth::unknown_user(&sc.client).into());
        };
        self.pre_authentication(sc, user, origin)?;
        self.custom_round(sc, &candidate, username, Vec::new(), origin)
    }

    /// One round of a custom sign-in: asks the define hook what next, and issues tokens,
    /// fails, or creates the next challenge.
    pub(crate) fn custom_round(
        &self,
        sc: &SignInClient,
        candidate: &auth::Candidate,
        username: &str,
        results: Vec<custom::ChallengeResult>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let Some(user) = &candidate.user else {
            return Err(auth::unknown_user(&sc.client).into());
        };
        let hook = |source, request, response| HookCall {
            source,
            username: &user.username,
            client_id: Some(&sc.client.client_id),
            version: "1",
            request,
            response,
        };
        let define = self
            .call_hook(
                &sc.pool,
                Trigger::DefineAuthChallenge,
                || {
                    hook(
                        "DefineAuthChallenge_Authentication",
                        custom::define_request(user, &results, origin.client_metadata.clone()),
                        custom::define_response(),
                    )
                },
                |r| Ok((custom::read_define(r)?, Vec::new())),
            )?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotAuthorizedException,
                    "Custom auth lambda triggers are not configured for the user pool.",
                )
            })?;
        let step = Step::new(self.now(), origin);
        match define {
            custom::Define::IssueTokens | custom::Define::Fail => {
                let ok = define == custom::Define::IssueTokens;
                let decision = self.inner.db.write(|tx| {
                    auth::decide(tx, sc, candidate, username, ok, &step).map_err(ApiError::from)
                })?;
                self.answer(sc, decision?, Generation::Authentication, origin)
            }
            custom::Define::Challenge => {
                let created = self
                    .call_hook(
                        &sc.pool,
                        Trigger::CreateAuthChallenge,
                        || {
                            hook(
                                "CreateAuthChallenge_Authentication",
                                custom::create_request(
                                    user,
                                    &results,
                                    origin.client_metadata.clone(),
                                ),
                                custom::create_response(),
                            )
                        },
                        |r| Ok((custom::read_create(r)?, Vec::new())),
                    )?
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::NotAuthorizedException,
                            "Custom auth lambda triggers are not configured for the user pool.",
                        )
                    })?;
                let challenge = self.inner.db.write(|tx| {
                    custom::challenge(tx, sc, user, username, results, created, &step)
                        .map_err(ApiError::from)
                })?;
                self.answer(
                    sc,
                    Decision::Challenge(challenge),
                    Generation::Authentication,
                    origin,
                )
            }
        }
    }

    /// Answers a `CUSTOM_CHALLENGE`: the verify hook judges the answer, then the next round.
    pub(crate) fn custom_respond(
        &self,
        sc: &SignInClient,
        session: Option<&Sensitive>,
        responses: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let session = session
            .map(Sensitive::expose)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("Session", "is required"))?;
        let now = self.now();
        let open = self.read(|r| {
            Ok(auth::open_session(
                r,
                sc,
                session,
                custom::CUSTOM_CHALLENGE,
                now,
            )?)
        })?;
        let username = param(responses, "ChallengeResponses", "USERNAME")?;
        auth::check_secret_hash(
            &sc.client,
            &[
                username,
                open.username.as_str(),
                open.user.username.as_str(),
            ],
            optional(responses, "SECRET_HASH"),
        )?;
        let answer = param(responses, "ChallengeResponses", "ANSWER")?;
        if answer.len() > 2048 {
            return Err(ApiError::invalid(
                "ChallengeResponses.ANSWER",
                "must be at most 2048 characters",
            ));
        }
        let state = custom::state(&open)?;
        // Each challenge is answered once, whatever the hooks say next.
        self.inner
            .db
            .write(|tx| custom::consume(tx, &open).map_err(ApiError::from))?;
        let correct = self
            .call_hook(
                &sc.pool,
                Trigger::VerifyAuthChallengeResponse,
                || HookCall {
                    source: "VerifyAuthChallengeResponse_Authentication",
                    username: &open.user.username,
                    client_id: Some(&sc.client.client_id),
                    version: "1",
                    request: custom::verify_request(
                        &open.user,
                        &state,
                        answer,
                        origin.client_metadata.clone(),
                    ),
                    response: custom::verify_response(),
                },
                |r| Ok((custom::read_verify(r)?, Vec::new())),
            )?
            .unwrap_or(false);
        let mut results = state.results;
        results.push(custom::ChallengeResult {
            challenge_name: custom::CUSTOM_CHALLENGE.into(),
            challenge_result: correct,
            challenge_metadata: state.metadata,
        });
        let candidate = auth::Candidate {
            user: Some(open.user.clone()),
            security: storage::user_security::Security::default(),
        };
        self.custom_round(sc, &candidate, &open.username, results, origin)
    }

    pub(crate) fn srp_start(
        &self,
        sc: &SignInClient,
        params: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let username = param(params, "AuthParameters", "USERNAME")?;
        let a = param(params, "AuthParameters", "SRP_A")?;
        let candidate = self.read(|r| Ok(auth::prepare(r, &sc.pool, username)?))?;
        let mut names = vec![username];
        if let Some(u) = &candidate.user {
            names.push(u.username.as_str());
        }
        auth::check_secret_hash(&sc.client, &names, optional(params, "SECRET_HASH"))?;
        let Some(user) = &candidate.user else {
            return Err(auth::unknown_user(&sc.client).into());
        };
        self.pre_authentication(sc, user, origin)?;
        let step = Step::new(self.now(), origin);
        let challenge = self.inner.db.write(|tx| {
            srp::start(tx, &self.inner.master, sc, user, username, a, &step).map_err(ApiError::from)
        })?;
        self.answer(
            sc,
            Decision::Challenge(challenge),
            Generation::Authentication,
            origin,
        )
    }

    pub(crate) fn srp_respond(
        &self,
        sc: &SignInClient,
        responses: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let block = param(
            responses,
            "ChallengeResponses",
            "PASSWORD_CLAIM_SECRET_BLOCK",
        )?;
        let signature = param(responses, "ChallengeResponses", "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = param(responses, "ChallengeResponses", "TIMESTAMP")?;
        let now = self.now();
        let open = self.read(|r| Ok(srp::open(r, sc, block, now)?))?;
        let given = optional(responses, "USERNAME").unwrap_or(open.username.as_str());
        auth::check_secret_hash(
            &sc.client,
            &[given, open.username.as_str(), open.user.username.as_str()],
            optional(responses, "SECRET_HASH"),
        )?;
        let candidate = auth::Candidate {
            user: Some(open.user.clone()),
            security: storage::user_security::Security::default(),
        };
        let step = Step::new(now, origin);
        let decision = self.inner.db.write(|tx| {
            let ok = srp::check_claim(
                tx,
                &self.inner.master,
                sc,
                &open,
                block,
                timestamp,
                signature,
            )?;
            auth::decide(tx, sc, &candidate, &open.username, ok, &step).map_err(ApiError::from)
        })?;
        self.answer(sc, decision?, Generation::Authentication, origin)
    }

    pub(crate) fn password_sign_in(
        &self,
        actor: &Actor,
        sc: &SignInClient,
        params: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let username = param(params, "AuthParameters", "USERNAME")?;
        let password = param(params, "AuthParameters", "PASSWORD")?;
        if password.len() > 256 {
            return Err(ApiError::invalid(
                "AuthParameters.PASSWORD",
                "must be at most 256 characters",
            ));
        }
        let mut candidate = self.read(|r| Ok(auth::prepare(r, &sc.pool, username)?))?;
        let mut names = vec![username];
        if let Some(u) = &candidate.user {
            names.push(u.username.as_str());
        }
        auth::check_secret_hash(&sc.client, &names, optional(params, "SECRET_HASH"))?;
        if candidate.user.is_none()
            && self.migrate_user(
                actor,
                sc,
                username,
                Some(password),
                origin.client_metadata.clone(),
            )?
        {
            candidate = self.read(|r| Ok(auth::prepare(r, &sc.pool, username)?))?;
        }
        if let Some(u) = &candidate.user {
            self.pre_authentication(sc, u, origin)?;
        }
        let now = self.now();
        // The slow part, outside any transaction. A locked-out user is refused without it; an
        // unknown user costs the same as a known one.
        let password_ok = match &candidate.user {
            _ if candidate.security.locked_until > now => false,
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
            step.compromised = self
                .compromised(&sc.pool, domain::risk::EventFilter::SignIn, password)?
                .0;
        }
        let decision = self.inner.db.write(|tx| {
            let decision = auth::decide(tx, sc, &candidate, username, password_ok, &step)?;
            // A password set before SRP verifiers were kept gets one now, while it is known.
            if decision.is_ok()
                && let Some(u) = &candidate.user
                && !srp::has_verifier(tx, u)?
            {
                self.remember_srp(tx, &sc.pool.id, u, password)?;
            }
            Ok::<_, ApiError>(decision)
        })?;
        self.answer(sc, decision?, Generation::Authentication, origin)
    }

    pub(crate) fn mfa_respond(
        &self,
        sc: &SignInClient,
        challenge: &str,
        session: Option<&Sensitive>,
        responses: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let session = session
            .map(Sensitive::expose)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("Session", "is required"))?;
        let now = self.now();
        let open = self.read(|r| Ok(auth::open_session(r, sc, session, challenge, now)?))?;
        let username = optional(responses, "USERNAME").unwrap_or(open.username.as_str());
        auth::check_secret_hash(
            &sc.client,
            &[
                username,
                open.username.as_str(),
                open.user.username.as_str(),
            ],
            optional(responses, "SECRET_HASH"),
        )?;
        let plain: BTreeMap<String, String> = responses
            .iter()
            .map(|(k, v)| (k.clone(), v.expose().to_string()))
            .collect();
        let step = Step::new(now, origin);
        let decision = self.inner.db.write(|tx| {
            mfa::respond(tx, &self.inner.master, sc, &open, &plain, &step).map_err(ApiError::from)
        })?;
        self.answer(sc, decision?, Generation::Authentication, origin)
    }

    /// Who an MFA set-up call is for: the access token's user, or the user of an `MFA_SETUP`
    /// session.
    pub(crate) fn mfa_subject(
        &self,
        access_token: Option<&Sensitive>,
        session: Option<&Sensitive>,
    ) -> Result<(PoolRow, UserRow, Option<auth::OpenSession>), ApiError> {
        match (access_token, session.filter(|s| !s.expose().is_empty())) {
            (Some(t), _) if !t.expose().is_empty() => {
                let (pool, a) = self.authenticated(t)?;
                Ok((pool, a.user, None))
            }
            (_, Some(s)) => {
                let now = self.now();
                let open = self.read(|r| {
                    let row =
                        storage::auth_sessions::by_digest(r, &tokens::opaque_digest(s.expose()))?
                            .filter(|row| row.expires_at > now && row.challenge == mfa::MFA_SETUP)
                            .ok_or_else(|| {
                                ApiError::new(
                                    ErrorCode::NotAuthorizedException,
                                    "Invalid session for the user, session is expired.",
                                )
                            })?;
                    let client = storage::clients::get_by_pk(r, row.client)?.ok_or_else(|| {
                        ApiError::new(ErrorCode::NotAuthorizedException, "Invalid session")
                    })?;
                    Ok(client)
                })?;
                let sc = self.sign_in_client(&open.client_id, None)?;
                let open = self
                    .read(|r| Ok(auth::open_session(r, &sc, s.expose(), mfa::MFA_SETUP, now)?))?;
                Ok((sc.pool, open.user.clone(), Some(open)))
            }
            _ => Err(ApiError::invalid(
                "AccessToken",
                "an AccessToken or a Session is required",
            )),
        }
    }
}
