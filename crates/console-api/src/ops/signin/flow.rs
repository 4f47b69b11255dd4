//! The sign-in flows as the operations of [`crate::ops::signin`], [`crate::ops::recovery`] and
//! [`crate::ops::mfa`] run them: the engine's steps (`user_pools::signin`) with the argon2
//! verify, hook calls and token signing between them, none inside a write transaction.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::hooks::Trigger;
use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::keys::{self, PoolKeys};
use user_pools::signin::{self as auth, AuthFlow, Decision, Origin, SignIn, SignInClient, Step};
use user_pools::signin::{custom, mfa, srp};
use user_pools::{hooks, passwords, users};

use super::{AuthResponse, AuthenticationResultType};
use crate::hooks::HookCall;
use crate::ops::shared::*;

use crate::{Actor, ApiError, Console, ErrorCode};

/// `ClientMetadata` as hook events carry it (`null` when absent).
pub(crate) fn metadata(m: Option<&BTreeMap<String, String>>) -> serde_json::Value {
    m.map_or(serde_json::Value::Null, hooks::string_map)
}

/// A required member of `AuthParameters` / `ChallengeResponses`.
pub(crate) fn param<'a>(
    map: &'a BTreeMap<String, Sensitive>,
    member: &str,
    name: &str,
) -> Result<&'a str, ApiError> {
    match map.get(name).map(Sensitive::expose) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::invalid(format!("{member}.{name}"), "is required")),
    }
}

pub(crate) fn optional<'a>(map: &'a BTreeMap<String, Sensitive>, name: &str) -> Option<&'a str> {
    map.get(name).map(Sensitive::expose)
}

/// The context data of a request: `UserContextDataType` on public operations,
/// `ContextDataType` on the admin ones.
pub(crate) trait Context {
    fn ip_address(&self) -> Option<&str>;
}

impl Context for UserContextDataType {
    fn ip_address(&self) -> Option<&str> {
        self.ip_address.as_deref()
    }
}

impl Context for ContextDataType {
    fn ip_address(&self) -> Option<&str> {
        Some(&self.ip_address)
    }
}

/// Where a request came from: the IP in its context data, else the endpoint's peer.
pub(crate) fn origin(actor: &Actor, context: Option<&impl Context>) -> Origin {
    let from_context = context.and_then(|c| c.ip_address().map(str::to_string));
    let from_actor = actor
        .id
        .as_deref()
        .filter(|_| actor.kind == crate::ActorKind::Endpoint)
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_string);
    Origin {
        ip: from_context.or(from_actor),
        client_metadata: serde_json::Value::Null,
    }
}

/// [`origin`], with the request's `ClientMetadata` for hooks.
pub(crate) fn origin_with(
    actor: &Actor,
    context: Option<&impl Context>,
    client_metadata: Option<&BTreeMap<String, String>>,
) -> Origin {
    Origin {
        client_metadata: metadata(client_metadata),
        ..origin(actor, context)
    }
}

/// Which token generation a sign-in step ends in (the pre token generation trigger source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    Authentication,
    NewPasswordChallenge,
    RefreshTokens,
}

impl Generation {
    fn source(self) -> &'static str {
        match self {
            Generation::Authentication => "TokenGeneration_Authentication",
            Generation::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Generation::RefreshTokens => "TokenGeneration_RefreshTokens",
        }
    }
}

pub(crate) fn attributes_of(u: &UserRow) -> Vec<AttributeType> {
    u.attributes
        .iter()
        .map(|(k, v)| AttributeType {
            name: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

/// A one-time code as typed: digits only, at most 10.
pub(crate) fn code_of(field: &str, code: &Sensitive) -> Result<String, ApiError> {
    let c = code.expose().trim();
    if c.is_empty() || c.len() > 10 || !c.chars().all(|ch| ch.is_ascii_digit()) {
        return Err(ApiError::invalid(
            field,
            "must be the digits of the code that was sent",
        ));
    }
    Ok(c.to_string())
}

impl Console {
    /// The pool's parsed keys, made on first use.
    pub(crate) fn pool_keys(&self, pool: &PoolRow) -> Result<Arc<PoolKeys>, ApiError> {
        let now = self.now();
        let loaded = self.read(|r| {
            let revision = storage::config_revision(r)?;
            if let Ok(kept) = self.inner.keys.lock()
                && let Some((at, k)) = kept.get(&pool.pk)
                && *at == revision
            {
                return Ok(Some(Arc::clone(k)));
            }
            let Some(k) = keys::load(r, &self.inner.master, pool.pk, now)? else {
                return Ok(None);
            };
            let k = Arc::new(k);
            if let Ok(mut kept) = self.inner.keys.lock() {
                kept.insert(pool.pk, (revision, Arc::clone(&k)));
            }
            Ok(Some(k))
        })?;
        if let Some(k) = loaded {
            return Ok(k);
        }
        // First use: make the pool's keys (a pool created before keys existed, or one whose
        // creation did not make them), then read them like any other.
        self.inner
            .db
            .write(|tx| keys::ensure(tx, &self.inner.master, pool, now).map_err(ApiError::from))?;
        self.read(|r| {
            keys::load(r, &self.inner.master, pool.pk, now)?
                .map(Arc::new)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InternalErrorException,
                        "the pool's signing keys could not be made",
                    )
                })
        })
    }

    /// Stores the SRP verifier of a password just set (in the transaction that set it).
    pub(crate) fn remember_srp(
        &self,
        tx: &storage::Tx<'_>,
        pool_id: &str,
        user: &UserRow,
        password: &str,
    ) -> Result<(), ApiError> {
        Ok(srp::remember(
            tx,
            &self.inner.master,
            pool_id,
            user,
            password,
        )?)
    }

    /// Whether `password` is in the workspace's breached-password list, when the pool checks
    /// at `event`; and whether the pool then refuses it.
    pub(crate) fn compromised(
        &self,
        pool: &PoolRow,
        event: domain::risk::EventFilter,
        password: &str,
    ) -> Result<(bool, bool), ApiError> {
        let Some(c) = &pool.config.risk.compromised_credentials else {
            return Ok((false, false));
        };
        if !c.applies(event) {
            return Ok((false, false));
        }
        let ws = self.workspace()?;
        let Some(file) = &ws.breached_passwords_file else {
            return Ok((false, false));
        };
        let found = crate::breach::contains(std::path::Path::new(file), password)?;
        Ok((found, found && c.blocks(event)))
    }

    /// Refuses a new password that is in the breached-password list (when the pool blocks).
    pub(crate) fn check_new_password(
        &self,
        pool: &PoolRow,
        event: domain::risk::EventFilter,
        field: &str,
        password: &str,
    ) -> Result<bool, ApiError> {
        let (found, block) = self.compromised(pool, event, password)?;
        if block {
            return Err(ApiError {
                code: ErrorCode::InvalidPasswordException,
                message: "This password has appeared in a data breach; choose another.".into(),
                field: Some(field.into()),
            });
        }
        Ok(found)
    }

    pub(crate) fn sign_in_client(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
    ) -> Result<SignInClient, ApiError> {
        self.read(|r| Ok(auth::client(r, client_id, pool_id)?))
    }

    /// Turns a decision into the response: signs the tokens, or passes the challenge on.
    pub(crate) fn answer(
        &self,
        sc: &SignInClient,
        decision: Decision,
        generation: Generation,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        match decision {
            Decision::Tokens(s) => {
                if let Err(e) = self.post_authentication(sc, &s, origin) {
                    // No tokens leave, so the refresh token just stored must not stay usable.
                    self.forget_refresh_token(&s);
                    return Err(e);
                }
                self.tokens_response(sc, &s, generation, origin)
                    .inspect_err(|_| self.forget_refresh_token(&s))
            }
            Decision::Challenge(c) => Ok(AuthResponse {
                challenge_name: Some(c.name.to_string()),
                session: Some(Sensitive(c.session)),
                challenge_parameters: Some(c.parameters),
                authentication_result: None,
            }),
        }
    }

    /// Revokes the refresh token of a sign-in whose tokens were not handed out.
    pub(crate) fn forget_refresh_token(&self, s: &SignIn) {
        let Some(token) = &s.refresh_token else {
            return;
        };
        let now = self.now();
        let digest = tokens::opaque_digest(token);
        let done = self.inner.db.write(|tx| {
            if let Some(row) = storage::refresh_tokens::by_digest(tx, &digest)? {
                storage::refresh_tokens::revoke(tx, row.pk, now)?;
            }
            Ok::<_, storage::Error>(())
        });
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not revoke an unused refresh token");
        }
    }

    pub(crate) fn tokens_response(
        &self,
        sc: &SignInClient,
        s: &SignIn,
        generation: Generation,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        let keys = self.pool_keys(&sc.pool)?;
        let issuer = self.issuer(&sc.pool.id)?;
        let (id, access) = auth::claims(sc, s, &issuer, self.now());
        let (serde_json::Value::Object(mut id), serde_json::Value::Object(mut access)) =
            (id, access)
        else {
            return Err(ApiError::new(
                ErrorCode::InternalErrorException,
                "token claims are not objects",
            ));
        };
        let lambda = &sc.pool.config.settings.lambda_config;
        let v2 = lambda.token_hook_version() == domain::hooks::TokenHookVersion::V2;
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
        let minted = auth::sign(
            &keys,
            sc,
            &serde_json::Value::Object(id),
            &serde_json::Value::Object(access),
        )?;
        Ok(AuthResponse {
            authentication_result: Some(AuthenticationResultType {
                access_token: Sensitive(minted.access_token),
                expires_in: minted.expires_in,
                token_type: "Bearer".into(),
                refresh_token: s.refresh_token.clone().map(Sensitive),
                id_token: Sensitive(minted.id_token),
            }),
            ..AuthResponse::default()
        })
    }

    pub(crate) fn run_flow(
        &self,
        actor: &Actor,
        sc: &SignInClient,
        flow: AuthFlow,
        params: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        auth::check_flow(&sc.client, flow)?;
        match flow {
            AuthFlow::UserPassword | AuthFlow::AdminUserPassword => {
                self.password_sign_in(actor, sc, params, origin)
            }
            AuthFlow::RefreshToken => {
                let token = param(params, "AuthParameters", "REFRESH_TOKEN")?;
                let step = Step::new(self.now(), origin);
                let s = self.inner.db.write(|tx| {
                    auth::refresh(tx, sc, token, optional(params, "SECRET_HASH"), &step)
                        .map_err(ApiError::from)
                })?;
                self.tokens_response(sc, &s, Generation::RefreshTokens, origin)
            }
            AuthFlow::UserSrp => self.srp_start(sc, params, origin),
            AuthFlow::CustomAuth => self.custom_start(sc, params, origin),
        }
    }

    pub(crate) fn respond(
        &self,
        sc: &SignInClient,
        challenge: &str,
        session: Option<&Sensitive>,
        responses: &BTreeMap<String, Sensitive>,
        origin: &Origin,
    ) -> Result<AuthResponse, ApiError> {
        if challenge == srp::PASSWORD_VERIFIER {
            return self.srp_respond(sc, responses, origin);
        }
        if challenge == custom::CUSTOM_CHALLENGE {
            return self.custom_respond(sc, session, responses, origin);
        }
        if [
            mfa::SOFTWARE_TOKEN_MFA,
            mfa::EMAIL_OTP,
            mfa::SMS_MFA,
            mfa::SELECT_MFA_TYPE,
            mfa::MFA_SETUP,
        ]
        .contains(&challenge)
        {
            return self.mfa_respond(sc, challenge, session, responses, origin);
        }
        if challenge != "NEW_PASSWORD_REQUIRED" {
            return Err(ApiError::invalid(
                "ChallengeName",
                format!(
                    "'{challenge}' is not a challenge this version answers \
                     (NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER, CUSTOM_CHALLENGE, \
                     SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_MFA, SELECT_MFA_TYPE, MFA_SETUP)"
                ),
            ));
        }
        let session = session
            .map(Sensitive::expose)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("Session", "is required"))?;
        let now = self.now();
        let open = self.read(|r| Ok(auth::open_session(r, sc, session, challenge, now)?))?;
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
        let new_password = param(responses, "ChallengeResponses", "NEW_PASSWORD")?;
        users::check_password(&sc.pool, new_password).map_err(|e| {
            let mut err = ApiError::from(e);
            err.field = Some("ChallengeResponses.NEW_PASSWORD".into());
            err
        })?;
        let attributes: BTreeMap<String, String> = responses
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("userAttributes.")
                    .map(|name| (name.to_string(), v.expose().to_string()))
            })
            .collect();
        let compromised = self.check_new_password(
            &sc.pool,
            domain::risk::EventFilter::PasswordChange,
            "ChallengeResponses.NEW_PASSWORD",
            new_password,
        )?;
        let hash = passwords::hash(new_password)?;
        let mut step = Step::new(now, origin);
        step.compromised = compromised;
        let decision = self.inner.db.write(|tx| {
            let (user, decision) =
                auth::complete_new_password(tx, sc, &open, &hash, &attributes, &step)?;
            self.remember_srp(tx, &sc.pool.id, &user, new_password)?;
            Ok::<_, ApiError>(decision)
        })?;
        self.answer(sc, decision, Generation::NewPasswordChallenge, origin)
    }

    /// Checks an access token and answers its pool and user.
    pub(crate) fn authenticated(
        &self,
        token: &Sensitive,
    ) -> Result<(PoolRow, auth::Authenticated), ApiError> {
        let token = token.expose();
        if token.is_empty() {
            return Err(ApiError::invalid("AccessToken", "is required"));
        }
        let pool_id = auth::claimed_pool(token)?;
        let pool = self
            .read(|r| Ok(user_pools::require_pool(r, &pool_id)?))
            .map_err(|_| {
                ApiError::new(ErrorCode::NotAuthorizedException, "Invalid Access Token")
            })?;
        let keys = self.pool_keys(&pool)?;
        let issuer = self.issuer(&pool.id)?;
        let now = self.now();
        let a = self.read(|r| Ok(auth::authenticate(r, &keys, &pool, token, &issuer, now)?))?;
        Ok((pool, a))
    }
}
