//! The end of a sign-in step: the decided sign-in stored and its tokens signed, with the post
//! authentication and pre token generation hooks between deciding and storing; or the next
//! challenge.

use std::sync::Arc;

use domain::hooks::{TokenHookVersion, Trigger};
use serde_json::{Map, Value};
use storage::Tx;

use super::Engine;
use super::call::HookCall;

use crate::keys::PoolKeys;
use crate::signin::{
    self, Accepted, Challenge, Decision, Minted, Origin, Recorded, SignIn, SignInClient, Step,
};
use crate::{Error, Result, hooks};

/// What a sign-in step answers.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The user is signed in: the ID and access tokens (signed when asked for), and for a new
    /// sign-in (not a refresh) its refresh token.
    Tokens {
        tokens: SignInTokens,
        refresh_token: Option<String>,
    },
    /// The next challenge to answer.
    Challenge(Challenge),
}

/// A sign-in's ID and access tokens, their claims final (the pre token generation hook has
/// had its say), signed when [`SignInTokens::sign`] is called. The hosted sign-in page never
/// calls it: its browser gets a code, and the code's exchange signs the tokens it hands out,
/// so the page's sign-in signs nothing it would throw away.
#[derive(Debug, Clone)]
pub struct SignInTokens(Pending);

#[derive(Debug, Clone)]
enum Pending {
    Signed(Minted),
    Claims {
        keys: Arc<PoolKeys>,
        id: Map<String, Value>,
        access: Map<String, Value>,
        /// An OAuth sign-in's: the ID token carries the access token's `at_hash`.
        oauth: bool,
        expires_in: u64,
    },
}

impl SignInTokens {
    /// Tokens signed already.
    pub(crate) fn signed(minted: Minted) -> Self {
        SignInTokens(Pending::Signed(minted))
    }

    /// The signed tokens (two RSA signatures, unless they were signed already).
    pub fn sign(self) -> Result<Minted> {
        match self.0 {
            Pending::Signed(m) => Ok(m),
            Pending::Claims {
                keys,
                id,
                access,
                oauth: true,
                expires_in,
            } => signin::sign_oauth(&keys, expires_in, id, &Value::Object(access)),
            Pending::Claims {
                keys,
                id,
                access,
                oauth: false,
                expires_in,
            } => signin::sign(
                &keys,
                expires_in,
                &Value::Object(id),
                &Value::Object(access),
            ),
        }
    }
}

/// Which token generation a sign-in step ends in (the pre token generation trigger source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    Authentication,
    NewPasswordChallenge,
    RefreshTokens,
    /// A sign-in on the hosted pages, redeemed at `/oauth2/token` or in an implicit redirect.
    HostedAuth,
}

impl Generation {
    fn source(self) -> &'static str {
        match self {
            Generation::Authentication => "TokenGeneration_Authentication",
            Generation::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Generation::RefreshTokens => "TokenGeneration_RefreshTokens",
            Generation::HostedAuth => "TokenGeneration_HostedAuth",
        }
    }
}

/// A sign-in step's outcome, once its write is done.
enum Settled {
    /// Stored in the deciding write: nothing stands between it and its tokens.
    Stored(Box<SignIn>),
    /// Decided, not stored: the hooks are asked first.
    Accepted(Box<Accepted>),
    Challenge(Challenge),
}

impl Engine<'_> {
    /// Ends a sign-in step. `decide` runs in one write. A sign-in it decides is stored in the
    /// same write, unless the pool has a hook that may still refuse it (post authentication,
    /// pre token generation): then the hooks are asked and the tokens signed first, and a
    /// second write stores the sign-in — or, when they fail, records the refusal and nothing
    /// else, so no refresh token is ever stored that was not handed out.
    pub(crate) fn conclude(
        &self,
        sc: &SignInClient,
        step: &Step<'_>,
        generation: Generation,
        decide: impl FnOnce(&Tx<'_>) -> Result<Recorded<Decision>>,
    ) -> Result<Answer> {
        let lambda = &sc.pool.config.settings.lambda_config;
        let hooked = lambda.url(Trigger::PostAuthentication).is_some()
            || lambda.url(Trigger::PreTokenGeneration).is_some();
        let settled = self.write(|tx| {
            Ok(match decide(tx)? {
                Ok(Decision::Tokens(a)) if !hooked => Ok(Settled::Stored(Box::new(
                    signin::store_sign_in(tx, sc, a, step)?,
                ))),
                Ok(Decision::Tokens(a)) => Ok(Settled::Accepted(a)),
                Ok(Decision::Challenge(c)) => Ok(Settled::Challenge(c)),
                Err(refused) => Err(refused),
            })
        })??;
        let origin = step.origin;
        match settled {
            Settled::Challenge(c) => Ok(Answer::Challenge(c)),
            Settled::Stored(s) => Ok(Answer::Tokens {
                tokens: self.unsigned_tokens(sc, &s, generation, origin)?,
                refresh_token: s.refresh_token,
            }),
            Settled::Accepted(a) => {
                let issued = self
                    .post_authentication(sc, &a.sign_in.user, &origin.client_metadata)
                    .map_err(|e| (e, "Refused by the post authentication hook"))
                    .and_then(|()| {
                        self.unsigned_tokens(sc, &a.sign_in, generation, origin)
                            .map_err(|e| (e, "Tokens could not be issued"))
                    });
                match issued {
                    Ok(tokens) => {
                        let s = self.write(|tx| signin::store_sign_in(tx, sc, a, step))?;
                        Ok(Answer::Tokens {
                            tokens,
                            refresh_token: s.refresh_token,
                        })
                    }
                    Err((e, detail)) => {
                        let recorded =
                            self.write(|tx| signin::refuse_sign_in(tx, sc, &a, step, detail));
                        if let Err(w) = recorded {
                            tracing::warn!(error = %w, "could not record a refused sign-in");
                        }
                        Err(e)
                    }
                }
            }
        }
    }

    /// The signed tokens of a sign-in, after the pre token generation hook changed their
    /// claims.
    pub(crate) fn tokens(
        &self,
        sc: &SignInClient,
        s: &SignIn,
        generation: Generation,
        origin: &Origin,
    ) -> Result<Minted> {
        self.unsigned_tokens(sc, s, generation, origin)?.sign()
    }

    /// The tokens of a sign-in after the pre token generation hook changed their claims,
    /// to be signed when they are handed out.
    pub(crate) fn unsigned_tokens(
        &self,
        sc: &SignInClient,
        s: &SignIn,
        generation: Generation,
        origin: &Origin,
    ) -> Result<SignInTokens> {
        let keys = self.keys.pool_keys(&sc.pool)?;
        let issuer = self.issuer(&sc.pool.id);
        let (id, access) = signin::claims(sc, s, &issuer, self.now());
        let (Value::Object(mut id), Value::Object(mut access)) = (id, access) else {
            return Err(Error::Internal("token claims are not objects".into()));
        };
        let lambda = &sc.pool.config.settings.lambda_config;
        let v2 = lambda.token_hook_version() == TokenHookVersion::V2;
        if let Some((new_id, new_access)) = self.call_hook(
            &sc.pool,
            Trigger::PreTokenGeneration,
            || HookCall {
                source: generation.source(),
                username: &s.user.username,
                client_id: Some(&sc.client.client_id),
                version: if v2 { "2" } else { "1" },
                request: hooks::pre_token_request(
                    &s.user,
                    &id,
                    &access,
                    v2,
                    origin.client_metadata.clone(),
                ),
                response: hooks::pre_token_response(v2),
            },
            |r| {
                let (mut i, mut a) = (id.clone(), access.clone());
                let notes = hooks::apply_pre_token(r, v2, &mut i, &mut a)?;
                Ok(((i, a), notes))
            },
        )? {
            id = new_id;
            access = new_access;
        }
        Ok(SignInTokens(Pending::Claims {
            keys,
            id,
            access,
            oauth: s.scopes.is_some(),
            expires_in: sc.client.settings.lifetimes_secs().0,
        }))
    }
}
