//! The flows' other steps: SRP, the custom challenges the auth-challenge hooks drive, and MFA
//! answers.

use std::collections::BTreeMap;

use domain::hooks::Trigger;
use storage::user_security::Security;

use super::Engine;
use super::call::HookCall;
use super::finish::{Answer, Generation};
use super::signin::{Params, required_session};
use crate::signin::{self, Candidate, Origin, SignInClient, Step, custom, mfa, srp};
use crate::{Error, Result, invalid};

fn not_configured() -> Error {
    Error::NotAuthorized("Custom auth lambda triggers are not configured for the user pool.".into())
}

impl Engine<'_> {
    /// `CUSTOM_AUTH`: the first round of a sign-in the auth-challenge hooks drive.
    pub(crate) fn custom_start(
        &self,
        sc: &SignInClient,
        params: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let username = params.required("USERNAME")?;
        if params.optional("SRP_A").is_some() {
            return Err(invalid(
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
            return Err(Error::NotAuthorized(
                "Custom auth lambda triggers are not configured for the user pool: set the \
                 DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse hooks."
                    .into(),
            ));
        }
        let candidate = self.read(|r| signin::prepare(r, &sc.pool, username))?;
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
        let Some(user) = &candidate.user else {
            return Err(signin::unknown_user(&sc.client));
        };
        self.pre_authentication(sc, user, &origin.client_metadata)?;
        self.custom_round(sc, &candidate, username, Vec::new(), origin)
    }

    /// One round of a custom sign-in: asks the define hook what next, and issues tokens,
    /// fails, or creates the next challenge.
    fn custom_round(
        &self,
        sc: &SignInClient,
        candidate: &Candidate,
        username: &str,
        results: Vec<custom::ChallengeResult>,
        origin: &Origin,
    ) -> Result<Answer> {
        let Some(user) = &candidate.user else {
            return Err(signin::unknown_user(&sc.client));
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
            .ok_or_else(not_configured)?;
        let step = Step::new(self.now(), origin);
        match define {
            custom::Define::IssueTokens | custom::Define::Fail => {
                let ok = define == custom::Define::IssueTokens;
                self.conclude(sc, &step, Generation::Authentication, |tx| {
                    signin::decide(
                        tx,
                        sc,
                        candidate,
                        username,
                        signin::Proof::from_check(ok),
                        &step,
                    )
                })
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
                    .ok_or_else(not_configured)?;
                let challenge = self.write(|tx| {
                    custom::challenge(tx, sc, user, username, results, created, &step)
                })?;
                Ok(Answer::Challenge(challenge))
            }
        }
    }

    /// Answers a `CUSTOM_CHALLENGE`: the verify hook judges the answer, then the next round.
    pub(crate) fn custom_respond(
        &self,
        sc: &SignInClient,
        session: Option<&str>,
        responses: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let session = required_session(session)?;
        let now = self.now();
        let open =
            self.read(|r| signin::open_session(r, sc, session, custom::CUSTOM_CHALLENGE, now))?;
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
        let answer = responses.required("ANSWER")?;
        if answer.len() > 2048 {
            return Err(invalid(
                "ChallengeResponses.ANSWER",
                "must be at most 2048 characters",
            ));
        }
        let state = custom::state(&open)?;
        // Each challenge is answered once, whatever the hooks say next.
        self.write(|tx| custom::consume(tx, &open))?;
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
        let candidate = Candidate {
            user: Some(open.user.clone()),
            security: Security::default(),
        };
        self.custom_round(sc, &candidate, &open.username, results, origin)
    }

    /// `USER_SRP_AUTH`: the `PASSWORD_VERIFIER` challenge.
    pub(crate) fn srp_start(
        &self,
        sc: &SignInClient,
        params: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let username = params.required("USERNAME")?;
        let a = params.required("SRP_A")?;
        let candidate = self.read(|r| signin::prepare(r, &sc.pool, username))?;
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
        let Some(user) = &candidate.user else {
            return Err(signin::unknown_user(&sc.client));
        };
        self.pre_authentication(sc, user, &origin.client_metadata)?;
        let step = Step::new(self.now(), origin);
        let challenge =
            self.write(|tx| srp::start(tx, self.master, sc, user, username, a, &step))?;
        Ok(Answer::Challenge(challenge))
    }

    /// Answers `PASSWORD_VERIFIER`: a verified claim goes through the same decision as a
    /// password.
    pub(crate) fn srp_respond(
        &self,
        sc: &SignInClient,
        responses: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let block = responses.required("PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = responses.required("PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = responses.required("TIMESTAMP")?;
        let now = self.now();
        let open = self.read(|r| srp::open(r, sc, block, now))?;
        let given = responses
            .optional("USERNAME")
            .unwrap_or(open.username.as_str());
        signin::check_secret_hash(
            self.master,
            &sc.client,
            &[given, open.username.as_str(), open.user.username.as_str()],
            responses.optional("SECRET_HASH"),
        )?;
        let candidate = Candidate {
            user: Some(open.user.clone()),
            security: Security::default(),
        };
        let step = Step::new(now, origin);
        self.conclude(sc, &step, Generation::Authentication, |tx| {
            let ok = srp::check_claim(tx, self.master, sc, &open, block, timestamp, signature)?;
            let proof = signin::Proof::from_check(ok);
            signin::decide(tx, sc, &candidate, &open.username, proof, &step)
        })
    }

    /// Answers an MFA challenge (a code, a choice of factor, or a finished set-up).
    pub(crate) fn mfa_respond(
        &self,
        sc: &SignInClient,
        challenge: &str,
        session: Option<&str>,
        responses: &Params<'_>,
        origin: &Origin,
    ) -> Result<Answer> {
        let session = required_session(session)?;
        let now = self.now();
        let open = self.read(|r| signin::open_session(r, sc, session, challenge, now))?;
        let username = responses
            .optional("USERNAME")
            .unwrap_or(open.username.as_str());
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
        let plain: BTreeMap<String, String> = responses
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let step = Step::new(now, origin);
        self.conclude(sc, &step, Generation::Authentication, |tx| {
            mfa::respond(tx, self.master, sc, &open, &plain, &step)
        })
    }
}
