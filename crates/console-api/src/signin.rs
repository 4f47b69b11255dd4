//! The sign-in operations: auth flows and challenges, tokens, sign-out, sign-up and recovery,
//! and the support views (auth events, sessions, unlock, signing keys).
//!
//! A sign-in step is recorded in the user's auth events (time, client, IP, outcome) rather than
//! in the audit log, which is for changes people make to the directory; sign-up, confirmation,
//! recovery and every admin action are audited as usual.

use std::collections::BTreeMap;
use std::sync::Arc;

use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::auth::{self, AuthFlow, Decision, Origin, SignIn, SignInClient, Step};
use user_pools::keys::{self, PoolKeys};
use user_pools::{custom, mfa, passwords, signup, srp, users};

use crate::dto::*;
use crate::hooks::HookCall;
use crate::{Actor, ApiError, Console, ErrorCode, secs};
use domain::hooks::Trigger;
use user_pools::hooks;

/// `ClientMetadata` as hook events carry it (`null` when absent).
pub(crate) fn metadata(m: Option<&BTreeMap<String, String>>) -> serde_json::Value {
    m.map_or(serde_json::Value::Null, hooks::string_map)
}

/// A required member of `AuthParameters` / `ChallengeResponses`.
fn param<'a>(
    map: &'a BTreeMap<String, Sensitive>,
    member: &str,
    name: &str,
) -> Result<&'a str, ApiError> {
    match map.get(name).map(Sensitive::expose) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::invalid(format!("{member}.{name}"), "is required")),
    }
}

fn optional<'a>(map: &'a BTreeMap<String, Sensitive>, name: &str) -> Option<&'a str> {
    map.get(name).map(Sensitive::expose)
}

/// The context data of a request: `UserContextDataType` on public operations,
/// `ContextDataType` on the admin ones.
trait Context {
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
fn origin(actor: &Actor, context: Option<&impl Context>) -> Origin {
    let from_context = context.and_then(|c| c.ip_address().map(str::to_string));
    let from_actor = actor
        .0
        .strip_prefix("endpoint:")
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_string);
    Origin {
        ip: from_context.or(from_actor),
        client_metadata: serde_json::Value::Null,
    }
}

/// [`origin`], with the request's `ClientMetadata` for hooks.
fn origin_with(
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
enum Generation {
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

pub(crate) fn delivery_details(d: &signup::Delivery) -> CodeDeliveryDetailsType {
    CodeDeliveryDetailsType {
        destination: d.destination.clone(),
        delivery_medium: d.medium.to_string(),
        attribute_name: d.attribute.to_string(),
    }
}

fn attributes_of(u: &UserRow) -> Vec<AttributeType> {
    u.attributes
        .iter()
        .map(|(k, v)| AttributeType {
            name: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

/// A one-time code as typed: digits only, at most 10.
fn code_of(field: &str, code: &Sensitive) -> Result<String, ApiError> {
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
    fn compromised(
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

    /// The `iss` of a pool's tokens.
    pub fn issuer(&self, pool_id: &str) -> Result<String, ApiError> {
        let ws = self.workspace()?;
        Ok(auth::issuer(ws.issuer_base_url.as_deref(), pool_id))
    }

    /// The pool's JWKS document (`/{poolId}/.well-known/jwks.json`).
    pub fn jwks(&self, pool_id: &str) -> Result<serde_json::Value, ApiError> {
        let pool = self.read(|r| Ok(user_pools::require_pool(r, pool_id)?))?;
        // Make the keys if the pool has none yet, so the document is never empty.
        self.pool_keys(&pool)?;
        let now = self.now();
        let set = self.read(|r| Ok(keys::jwks(r, pool.pk, now)?))?;
        serde_json::to_value(set)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
    }

    /// The pool's OpenID configuration, with the JWKS at `jwks_uri`.
    pub fn openid_configuration(
        &self,
        pool_id: &str,
        jwks_uri: &str,
    ) -> Result<serde_json::Value, ApiError> {
        self.read(|r| Ok(user_pools::require_pool(r, pool_id)?))?;
        let issuer = self.issuer(pool_id)?;
        Ok(serde_json::json!({
            "issuer": issuer,
            "jwks_uri": jwks_uri,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "token_use",
                "cognito:username", "cognito:groups", "email", "email_verified",
                "phone_number", "phone_number_verified"
            ]
        }))
    }

    fn sign_in_client(
        &self,
        client_id: &str,
        pool_id: Option<&str>,
    ) -> Result<SignInClient, ApiError> {
        self.read(|r| Ok(auth::client(r, client_id, pool_id)?))
    }

    /// Turns a decision into the response: signs the tokens, or passes the challenge on.
    fn answer(
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
    fn forget_refresh_token(&self, s: &SignIn) {
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

    /// The pre authentication hook: may refuse a known user's sign-in before the password is
    /// looked at.
    fn pre_authentication(
        &self,
        sc: &SignInClient,
        user: &UserRow,
        origin: &Origin,
    ) -> Result<(), ApiError> {
        self.call_hook(
            &sc.pool,
            Trigger::PreAuthentication,
            || HookCall {
                source: "PreAuthentication_Authentication",
                username: &user.username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::authentication_request(
                    user,
                    serde_json::json!({"validationData": null, "userNotFound": false}),
                    origin.client_metadata.clone(),
                ),
                response: serde_json::json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }

    /// The pre sign-up hook (`SignUp`, `AdminCreateUser`): what it decided, or nothing decided
    /// when the pool has no hook.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pre_sign_up(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        source: &str,
        username: &str,
        attributes: &BTreeMap<String, String>,
        validation_data: &[AttributeType],
        client_metadata: serde_json::Value,
    ) -> Result<hooks::PreSignUp, ApiError> {
        let validation = crate::handlers::attribute_map("ValidationData", validation_data)?;
        Ok(self
            .call_hook(
                pool,
                Trigger::PreSignUp,
                || HookCall {
                    source,
                    username,
                    client_id,
                    version: "1",
                    request: hooks::pre_sign_up_request(
                        attributes,
                        hooks::string_map(&validation),
                        client_metadata,
                    ),
                    response: hooks::pre_sign_up_response(),
                },
                |r| Ok((hooks::read_pre_sign_up(r, attributes)?, Vec::new())),
            )?
            .unwrap_or_default())
    }

    /// The custom message hook's text for a message about to be sent (`None`: no hook).
    pub(crate) fn custom_message(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        source: &str,
        username: &str,
        attributes: serde_json::Value,
        client_metadata: serde_json::Value,
    ) -> Result<Option<hooks::CustomText>, ApiError> {
        let invitation = source == "CustomMessage_AdminCreateUser";
        self.call_hook(
            pool,
            Trigger::CustomMessage,
            || HookCall {
                source,
                username,
                client_id,
                version: "1",
                request: hooks::custom_message_request(attributes, invitation, client_metadata),
                response: hooks::custom_message_response(),
            },
            |r| Ok((hooks::read_custom_message(r, invitation)?, Vec::new())),
        )
    }

    /// Asks the pool's user migration hook for a user this pool does not have, and creates
    /// them. `Ok(false)`: no hook, or the hook does not know the user either (an error answer,
    /// which Cognito reads as "not found").
    fn migrate_user(
        &self,
        actor: &Actor,
        sc: &SignInClient,
        username: &str,
        password: Option<&str>,
        client_metadata: serde_json::Value,
    ) -> Result<bool, ApiError> {
        if sc
            .pool
            .config
            .settings
            .lambda_config
            .url(Trigger::UserMigration)
            .is_none()
        {
            return Ok(false);
        }
        let forgot = password.is_none();
        let answer = self.call_hook(
            &sc.pool,
            Trigger::UserMigration,
            || HookCall {
                source: if forgot {
                    "UserMigration_ForgotPassword"
                } else {
                    "UserMigration_Authentication"
                },
                username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::migration_request(
                    password,
                    serde_json::Value::Null,
                    client_metadata,
                ),
                response: hooks::migration_response(),
            },
            |r| hooks::read_migration(r, forgot),
        );
        let migration = match answer {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(false),
            Err(e) if e.code == ErrorCode::UserLambdaValidationException => return Ok(false),
            Err(e) => return Err(e),
        };
        if let Some(p) = password {
            users::check_password(&sc.pool, p).map_err(|e| {
                let mut err = ApiError::from(e);
                err.field = Some("AuthParameters.PASSWORD".into());
                err
            })?;
        }
        let hash = password.map(passwords::hash).transpose()?;
        self.write_audited(
            actor,
            "UserMigration",
            Some(&sc.pool.id),
            Some(username),
            |tx, ctx| {
                let user =
                    users::migrate(tx, ctx, &sc.pool, username, &migration, hash.as_deref())?;
                if let Some(p) = password {
                    self.remember_srp(tx, &sc.pool.id, &user, p)?;
                }
                Ok(((), Some(user.username)))
            },
        )?;
        Ok(true)
    }

    /// The post confirmation hook, after a sign-up or a forgotten password is confirmed. The
    /// confirmation stands whatever the hook answers; its error is still the caller's answer,
    /// as in Cognito.
    fn post_confirmation(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        user: &UserRow,
        source: &str,
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<(), ApiError> {
        self.call_hook(
            pool,
            Trigger::PostConfirmation,
            || HookCall {
                source,
                username: &user.username,
                client_id,
                version: "1",
                request: hooks::authentication_request(
                    user,
                    serde_json::json!({}),
                    metadata(client_metadata),
                ),
                response: serde_json::json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }

    /// The post authentication hook, for a new sign-in (not a refresh): an error answer
    /// refuses the sign-in.
    fn post_authentication(
        &self,
        sc: &SignInClient,
        s: &SignIn,
        origin: &Origin,
    ) -> Result<(), ApiError> {
        if s.refresh_token.is_none() {
            return Ok(());
        }
        self.call_hook(
            &sc.pool,
            Trigger::PostAuthentication,
            || HookCall {
                source: "PostAuthentication_Authentication",
                username: &s.user.username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::authentication_request(
                    &s.user,
                    serde_json::json!({"newDeviceUsed": false}),
                    origin.client_metadata.clone(),
                ),
                response: serde_json::json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }

    fn tokens_response(
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

    fn run_flow(
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

    /// `CUSTOM_AUTH`: the first round of a sign-in the auth-challenge hooks drive.
    fn custom_start(
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
    fn custom_round(
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
    fn custom_respond(
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

    fn srp_start(
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

    fn srp_respond(
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

    fn password_sign_in(
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

    /// `InitiateAuth`.
    pub fn initiate_auth(
        &self,
        actor: &Actor,
        req: InitiateAuthRequest,
    ) -> Result<AuthResponse, ApiError> {
        let flow = AuthFlow::parse(&req.auth_flow, false)?;
        let sc = self.sign_in_client(&req.client_id, None)?;
        self.run_flow(
            actor,
            &sc,
            flow,
            &req.auth_parameters,
            &origin_with(
                actor,
                req.user_context_data.as_ref(),
                req.client_metadata.as_ref(),
            ),
        )
    }

    /// `AdminInitiateAuth`.
    pub fn admin_initiate_auth(
        &self,
        actor: &Actor,
        req: AdminInitiateAuthRequest,
    ) -> Result<AuthResponse, ApiError> {
        let flow = AuthFlow::parse(&req.auth_flow, true)?;
        let sc = self.sign_in_client(&req.client_id, Some(&req.user_pool_id))?;
        self.run_flow(
            actor,
            &sc,
            flow,
            &req.auth_parameters,
            &origin_with(
                actor,
                req.context_data.as_ref(),
                req.client_metadata.as_ref(),
            ),
        )
    }

    fn respond(
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

    fn mfa_respond(
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
    fn mfa_subject(
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

    /// `AssociateSoftwareToken`: a new authenticator secret for the user.
    pub fn associate_software_token(
        &self,
        actor: &Actor,
        req: AssociateSoftwareTokenRequest,
    ) -> Result<AssociateSoftwareTokenResponse, ApiError> {
        let (pool, user, open) =
            self.mfa_subject(req.access_token.as_ref(), req.session.as_ref())?;
        let associated = self.write_audited(
            actor,
            "AssociateSoftwareToken",
            Some(&pool.id),
            Some(&user.username),
            |tx, _| Ok((mfa::associate(tx, &self.inner.master, &pool, &user)?, None)),
        )?;
        Ok(AssociateSoftwareTokenResponse {
            secret_code: Sensitive(associated.secret_code),
            session: open.map(|_| req.session.clone().unwrap_or_default()),
            otpauth_uri: Sensitive(associated.otpauth_uri),
        })
    }

    /// `VerifySoftwareToken`: a code from the new authenticator confirms it.
    pub fn verify_software_token(
        &self,
        actor: &Actor,
        req: VerifySoftwareTokenRequest,
    ) -> Result<VerifySoftwareTokenResponse, ApiError> {
        let (pool, user, open) =
            self.mfa_subject(req.access_token.as_ref(), req.session.as_ref())?;
        let now = self.now();
        self.write_recorded(
            actor,
            "VerifySoftwareToken",
            Some(&pool.id),
            Some(&user.username),
            |tx, _| {
                if !mfa::verify(
                    tx,
                    &self.inner.master,
                    &pool,
                    &user,
                    req.user_code.expose(),
                    now,
                )? {
                    return Ok(Err(ApiError {
                        code: ErrorCode::EnableSoftwareTokenMfaException,
                        message: "Code mismatch".into(),
                        field: Some("UserCode".into()),
                    }));
                }
                if let Some(open) = &open {
                    mfa::mark_setup_verified(tx, open)?;
                }
                Ok(Ok(VerifySoftwareTokenResponse {
                    status: "SUCCESS".into(),
                    session: open.as_ref().and(req.session.clone()),
                }))
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn set_mfa_preference(
        &self,
        actor: &Actor,
        op: &str,
        pool: &PoolRow,
        user: &UserRow,
        totp: Option<&MfaSettingsType>,
        email: Option<&MfaSettingsType>,
        sms: Option<&MfaSettingsType>,
    ) -> Result<Empty, ApiError> {
        let setting = |s: Option<&MfaSettingsType>| {
            s.map(|s| mfa::Setting {
                enabled: s.enabled.unwrap_or(false),
                preferred: s.preferred_mfa.unwrap_or(false),
            })
        };
        self.write_audited(actor, op, Some(&pool.id), Some(&user.username), |tx, _| {
            mfa::set_preference(tx, pool, user, setting(totp), setting(email), setting(sms))?;
            Ok((Empty {}, None))
        })
    }

    /// `SetUserMFAPreference`.
    pub fn set_user_mfa_preference(
        &self,
        actor: &Actor,
        req: SetUserMfaPreferenceRequest,
    ) -> Result<Empty, ApiError> {
        let (pool, a) = self.authenticated(&req.access_token)?;
        self.set_mfa_preference(
            actor,
            "SetUserMFAPreference",
            &pool,
            &a.user,
            req.software_token_mfa_settings.as_ref(),
            req.email_mfa_settings.as_ref(),
            req.sms_mfa_settings.as_ref(),
        )
    }

    /// `AdminSetUserMFAPreference`.
    pub fn admin_set_user_mfa_preference(
        &self,
        actor: &Actor,
        req: AdminSetUserMfaPreferenceRequest,
    ) -> Result<Empty, ApiError> {
        let (pool, user) = self.read(|r| Ok(users::get(r, &req.user_pool_id, &req.username)?))?;
        self.set_mfa_preference(
            actor,
            "AdminSetUserMFAPreference",
            &pool,
            &user,
            req.software_token_mfa_settings.as_ref(),
            req.email_mfa_settings.as_ref(),
            req.sms_mfa_settings.as_ref(),
        )
    }

    /// `AdminDeleteSoftwareToken`: support's "Reset MFA" — the authenticator goes, other factors
    /// stay; in a pool that requires MFA the next sign-in asks to set one up again.
    pub fn admin_delete_software_token(
        &self,
        actor: &Actor,
        req: UserRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminDeleteSoftwareToken",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, _| {
                let (pool, user) = users::get(tx, &req.user_pool_id, &req.username)?;
                mfa::delete_software_token(tx, &pool, &user)?;
                Ok((Empty {}, None))
            },
        )
    }

    fn mfa_config(pool: &PoolRow) -> UserPoolMfaConfigResponse {
        let f = pool.config.mfa_factors;
        UserPoolMfaConfigResponse {
            sms_mfa_configuration: f.sms.then(|| SmsMfaConfigType {
                sms_authentication_message: pool.config.settings.sms_authentication_message.clone(),
            }),
            software_token_mfa_configuration: Some(SoftwareTokenMfaConfigType {
                enabled: f.software_token,
            }),
            email_mfa_configuration: f.email.then(EmailMfaConfigType::default),
            mfa_configuration: pool.config.settings.mfa_configuration,
        }
    }

    /// `GetUserPoolMfaConfig`.
    pub fn get_user_pool_mfa_config(
        &self,
        _actor: &Actor,
        req: UserPoolIdRequest,
    ) -> Result<UserPoolMfaConfigResponse, ApiError> {
        let pool = self.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
        Ok(Self::mfa_config(&pool))
    }

    /// `SetUserPoolMfaConfig`: the pool's MFA mode and the factors it allows.
    pub fn set_user_pool_mfa_config(
        &self,
        actor: &Actor,
        req: SetUserPoolMfaConfigRequest,
    ) -> Result<UserPoolMfaConfigResponse, ApiError> {
        let pool = self.write_audited(
            actor,
            "SetUserPoolMfaConfig",
            Some(&req.user_pool_id),
            Some(&req.user_pool_id),
            |tx, ctx| {
                let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
                let mut config = domain::pool::PoolConfig::clone(&pool.config);
                if let Some(t) = &req.software_token_mfa_configuration {
                    config.mfa_factors.software_token = t.enabled;
                }
                // Email and SMS codes have no `Enabled` member: a factor is on when its
                // configuration is given and off when it is left out. The software token keeps
                // its setting unless `SoftwareTokenMfaConfiguration` says otherwise.
                config.mfa_factors.email = req.email_mfa_configuration.is_some();
                config.mfa_factors.sms = req.sms_mfa_configuration.is_some();
                if let Some(s) = &req.sms_mfa_configuration
                    && let Some(m) = &s.sms_authentication_message
                {
                    if !m.contains("{####}") {
                        return Err(ApiError::invalid(
                            "SmsMfaConfiguration.SmsAuthenticationMessage",
                            "must contain {####}, where the code goes",
                        ));
                    }
                    config.settings.sms_authentication_message = Some(m.clone());
                }
                if let Some(m) = req.mfa_configuration {
                    config.settings.mfa_configuration = m;
                }
                let f = config.mfa_factors;
                if config.settings.mfa_configuration != domain::pool::MfaConfiguration::Off
                    && !(f.software_token || f.email || f.sms)
                {
                    return Err(ApiError::invalid(
                        "MfaConfiguration",
                        "MFA on or optional needs at least one factor (software token, email or SMS)",
                    ));
                }
                storage::pools::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
                Ok((user_pools::require_pool(tx, &req.user_pool_id)?, None))
            },
        )?;
        Ok(Self::mfa_config(&pool))
    }

    fn risk_type(pool: &PoolRow) -> RiskConfigurationType {
        let r = &pool.config.risk;
        RiskConfigurationType {
            user_pool_id: pool.id.clone(),
            compromised_credentials_risk_configuration: r.compromised_credentials.clone(),
            account_takeover_risk_configuration: r.account_takeover.clone(),
            risk_exception_configuration: r.exceptions.clone(),
            last_modified_date: r.last_modified.map(secs),
        }
    }

    /// `DescribeRiskConfiguration`.
    pub fn describe_risk_configuration(
        &self,
        _actor: &Actor,
        req: DescribeRiskConfigurationRequest,
    ) -> Result<RiskConfigurationResponse, ApiError> {
        let pool = self.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
        Ok(RiskConfigurationResponse {
            risk_configuration: Self::risk_type(&pool),
        })
    }

    /// `SetRiskConfiguration`: compromised-credential checks, answers by risk level, and IP
    /// ranges, for the whole pool.
    pub fn set_risk_configuration(
        &self,
        actor: &Actor,
        req: SetRiskConfigurationRequest,
    ) -> Result<RiskConfigurationResponse, ApiError> {
        if req.client_id.is_some() {
            return Err(ApiError::invalid(
                "ClientId",
                "per-client risk configurations are not kept; omit ClientId to configure the pool",
            ));
        }
        if let Some(e) = &req.risk_exception_configuration {
            for (field, list) in [
                (
                    "RiskExceptionConfiguration.BlockedIPRangeList",
                    &e.blocked_ip_range_list,
                ),
                (
                    "RiskExceptionConfiguration.SkippedIPRangeList",
                    &e.skipped_ip_range_list,
                ),
            ] {
                if let Some(list) = list {
                    domain::risk::validate_ranges(field, list)?;
                }
            }
        }
        let pool = self.write_audited(
            actor,
            "SetRiskConfiguration",
            Some(&req.user_pool_id),
            Some(&req.user_pool_id),
            |tx, ctx| {
                let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
                let mut config = domain::pool::PoolConfig::clone(&pool.config);
                config.risk = domain::risk::RiskConfiguration {
                    compromised_credentials: req.compromised_credentials_risk_configuration.clone(),
                    account_takeover: req.account_takeover_risk_configuration.clone(),
                    exceptions: req.risk_exception_configuration.clone(),
                    last_modified: Some(ctx.clock.now_ms()),
                };
                storage::pools::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
                Ok((user_pools::require_pool(tx, &req.user_pool_id)?, None))
            },
        )?;
        Ok(RiskConfigurationResponse {
            risk_configuration: Self::risk_type(&pool),
        })
    }

    /// `RespondToAuthChallenge`.
    pub fn respond_to_auth_challenge(
        &self,
        actor: &Actor,
        req: RespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        self.respond(
            &sc,
            &req.challenge_name,
            req.session.as_ref(),
            &req.challenge_responses,
            &origin_with(
                actor,
                req.user_context_data.as_ref(),
                req.client_metadata.as_ref(),
            ),
        )
    }

    /// `AdminRespondToAuthChallenge`.
    pub fn admin_respond_to_auth_challenge(
        &self,
        actor: &Actor,
        req: AdminRespondToAuthChallengeRequest,
    ) -> Result<AuthResponse, ApiError> {
        let sc = self.sign_in_client(&req.client_id, Some(&req.user_pool_id))?;
        self.respond(
            &sc,
            &req.challenge_name,
            req.session.as_ref(),
            &req.challenge_responses,
            &origin_with(
                actor,
                req.context_data.as_ref(),
                req.client_metadata.as_ref(),
            ),
        )
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

    /// `GetUser`: the user an access token belongs to.
    pub fn get_user(
        &self,
        _actor: &Actor,
        req: AccessTokenRequest,
    ) -> Result<GetUserResponse, ApiError> {
        let (_, a) = self.authenticated(&req.access_token)?;
        let (mfa, preferred) = self.read(|r| Ok(mfa::describe(r, &a.user)?))?;
        Ok(GetUserResponse {
            username: a.user.username.clone(),
            user_attributes: attributes_of(&a.user),
            mfa_options: Vec::new(),
            preferred_mfa_setting: preferred,
            user_mfa_setting_list: mfa,
        })
    }

    /// `GlobalSignOut`: revokes every token of the access token's user.
    pub fn global_sign_out(
        &self,
        actor: &Actor,
        req: AccessTokenRequest,
    ) -> Result<Empty, ApiError> {
        let (pool, a) = self.authenticated(&req.access_token)?;
        self.write_audited(
            actor,
            "GlobalSignOut",
            Some(&pool.id),
            Some(&a.user.username),
            |tx, ctx| {
                auth::sign_out_everywhere(tx, &a.user, ctx.clock.now_ms())?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminUserGlobalSignOut`.
    pub fn admin_user_global_sign_out(
        &self,
        actor: &Actor,
        req: UserRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminUserGlobalSignOut",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                let (_, user) = users::get(tx, &req.user_pool_id, &req.username)?;
                auth::sign_out_everywhere(tx, &user, ctx.clock.now_ms())?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `RevokeToken`: revokes a refresh token and the access tokens minted from it.
    pub fn revoke_token(&self, actor: &Actor, req: RevokeTokenRequest) -> Result<Empty, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        if let Some(secret) = &sc.client.secret {
            let given = req.client_secret.as_ref().map(Sensitive::expose);
            let ok = given.is_some_and(|g| {
                g.len() == secret.len()
                    && g.bytes()
                        .zip(secret.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            });
            if !ok {
                return Err(ApiError::new(
                    ErrorCode::NotAuthorizedException,
                    format!("Client {} requires its ClientSecret", sc.client.client_id),
                ));
            }
        }
        self.write_audited(
            actor,
            "RevokeToken",
            Some(&sc.pool.id),
            Some(&sc.client.client_id),
            |tx, ctx| {
                auth::revoke(tx, &sc.client, req.token.expose(), ctx.clock.now_ms())?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `SignUp`.
    pub fn sign_up(&self, actor: &Actor, req: SignUpRequest) -> Result<SignUpResponse, ApiError> {
        // Cognito's model lets a passwordless sign-up leave it out; Poolhouse has none, and
        // answers as it did when the member was required.
        let password = req
            .password
            .as_ref()
            .ok_or_else(|| ApiError::invalid("Password", "is required"))?;
        let sc = self.sign_in_client(&req.client_id, None)?;
        auth::check_secret_hash(
            &sc.client,
            &[req.username.as_str()],
            req.secret_hash.as_ref().map(Sensitive::expose),
        )?;
        users::check_password(&sc.pool, password.expose())?;
        let compromised = self.check_new_password(
            &sc.pool,
            domain::risk::EventFilter::SignUp,
            "Password",
            password.expose(),
        )?;
        let attributes = crate::handlers::attribute_map("UserAttributes", &req.user_attributes)?;
        let hook = self.pre_sign_up(
            &sc.pool,
            Some(&sc.client.client_id),
            "PreSignUp_SignUp",
            &req.username,
            &attributes,
            &req.validation_data,
            metadata(req.client_metadata.as_ref()),
        )?;
        let message = if hook.auto_confirm_user {
            None
        } else {
            self.custom_message(
                &sc.pool,
                Some(&sc.client.client_id),
                "CustomMessage_SignUp",
                &req.username,
                hooks::string_map(&attributes),
                metadata(req.client_metadata.as_ref()),
            )?
        };
        let hash = passwords::hash(password.expose())?;
        let origin = origin(actor, req.user_context_data.as_ref());
        let (user, delivery) = self.write_audited(
            actor,
            "SignUp",
            Some(&sc.pool.id),
            Some(&req.username),
            |tx, ctx| {
                let (user, delivery) = signup::sign_up(
                    tx,
                    ctx,
                    &sc,
                    &signup::SignUp {
                        username: &req.username,
                        password_hash: &hash,
                        attributes: &attributes,
                        hook,
                        message: message.as_ref(),
                    },
                )?;
                let mut step = Step::new(ctx.clock.now_ms(), &origin);
                step.compromised = compromised;
                auth::record_event(tx, &user, &sc.client, &step, "SignUp", "Pass", None)?;
                self.remember_srp(tx, &sc.pool.id, &user, password.expose())?;
                Ok(((user.clone(), delivery), Some(user.username)))
            },
        )?;
        Ok(SignUpResponse {
            user_confirmed: user.status == domain::user::UserStatus::Confirmed,
            code_delivery_details: delivery.as_ref().map(delivery_details),
            user_sub: user.sub,
        })
    }

    /// `ConfirmSignUp`.
    pub fn confirm_sign_up(
        &self,
        actor: &Actor,
        req: ConfirmSignUpRequest,
    ) -> Result<Empty, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        let code = code_of("ConfirmationCode", &req.confirmation_code)?;
        let user = self.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
        auth::check_secret_hash(
            &sc.client,
            &[req.username.as_str(), user.username.as_str()],
            req.secret_hash.as_ref().map(Sensitive::expose),
        )?;
        let origin = origin(actor, req.user_context_data.as_ref());
        let confirmed = self.write_recorded(
            actor,
            "ConfirmSignUp",
            Some(&sc.pool.id),
            Some(&user.username),
            |tx, ctx| {
                let step = Step::new(ctx.clock.now_ms(), &origin);
                Ok(
                    signup::confirm_sign_up(tx, &sc, &req.username, &code, &step)?
                        .map_err(ApiError::from),
                )
            },
        )?;
        self.post_confirmation(
            &sc.pool,
            Some(&sc.client.client_id),
            &confirmed,
            "PostConfirmation_ConfirmSignUp",
            req.client_metadata.as_ref(),
        )?;
        Ok(Empty {})
    }

    /// `ResendConfirmationCode`.
    pub fn resend_confirmation_code(
        &self,
        actor: &Actor,
        req: UsernameClientRequest,
    ) -> Result<CodeDeliveryResponse, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        let user = self.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
        auth::check_secret_hash(
            &sc.client,
            &[req.username.as_str(), user.username.as_str()],
            req.secret_hash.as_ref().map(Sensitive::expose),
        )?;
        let message = self.custom_message(
            &sc.pool,
            Some(&sc.client.client_id),
            "CustomMessage_ResendCode",
            &user.username,
            hooks::user_attributes(&user),
            metadata(req.client_metadata.as_ref()),
        )?;
        let d = self.write_audited(
            actor,
            "ResendConfirmationCode",
            Some(&sc.pool.id),
            Some(&user.username),
            |tx, ctx| {
                let d = signup::resend_confirmation(
                    tx,
                    &sc,
                    &req.username,
                    ctx.clock.now_ms(),
                    message.as_ref(),
                )?;
                Ok((d, None))
            },
        )?;
        let d = d.ok_or_else(|| {
            ApiError::invalid(
                "Username",
                "the pool verifies no attribute this user has, so no code can be sent; an \
                 administrator can confirm the user (AdminConfirmSignUp)",
            )
        })?;
        Ok(CodeDeliveryResponse {
            code_delivery_details: delivery_details(&d),
        })
    }

    /// `AdminConfirmSignUp`.
    pub fn admin_confirm_sign_up(
        &self,
        actor: &Actor,
        req: AdminConfirmSignUpRequest,
    ) -> Result<Empty, ApiError> {
        let (pool, user) = self.write_audited(
            actor,
            "AdminConfirmSignUp",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
                let user = signup::admin_confirm(tx, &pool, &req.username, ctx.clock.now_ms())?;
                Ok(((pool, user), None))
            },
        )?;
        self.post_confirmation(
            &pool,
            None,
            &user,
            "PostConfirmation_ConfirmSignUp",
            req.client_metadata.as_ref(),
        )?;
        Ok(Empty {})
    }

    /// `ForgotPassword`: a reset code to the user's verified email or phone.
    pub fn forgot_password(
        &self,
        actor: &Actor,
        req: UsernameClientRequest,
    ) -> Result<CodeDeliveryResponse, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        let find = || self.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?));
        let user = match find() {
            Ok(u) => u,
            Err(e) if e.code == ErrorCode::UserNotFoundException => {
                auth::check_secret_hash(
                    &sc.client,
                    &[req.username.as_str()],
                    req.secret_hash.as_ref().map(Sensitive::expose),
                )?;
                if !self.migrate_user(
                    actor,
                    &sc,
                    &req.username,
                    None,
                    metadata(req.client_metadata.as_ref()),
                )? {
                    return Err(auth::unknown_user(&sc.client).into());
                }
                find()?
            }
            Err(e) => return Err(e),
        };
        auth::check_secret_hash(
            &sc.client,
            &[req.username.as_str(), user.username.as_str()],
            req.secret_hash.as_ref().map(Sensitive::expose),
        )?;
        let message = self.custom_message(
            &sc.pool,
            Some(&sc.client.client_id),
            "CustomMessage_ForgotPassword",
            &user.username,
            hooks::user_attributes(&user),
            metadata(req.client_metadata.as_ref()),
        )?;
        let d = self.write_audited(
            actor,
            "ForgotPassword",
            Some(&sc.pool.id),
            Some(&user.username),
            |tx, ctx| {
                Ok((
                    signup::forgot_password(tx, &sc, &user, ctx.clock.now_ms(), message.as_ref())?,
                    None,
                ))
            },
        )?;
        Ok(CodeDeliveryResponse {
            code_delivery_details: delivery_details(&d),
        })
    }

    /// `ConfirmForgotPassword`.
    pub fn confirm_forgot_password(
        &self,
        actor: &Actor,
        req: ConfirmForgotPasswordRequest,
    ) -> Result<Empty, ApiError> {
        let sc = self.sign_in_client(&req.client_id, None)?;
        let code = code_of("ConfirmationCode", &req.confirmation_code)?;
        let user = self.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
        auth::check_secret_hash(
            &sc.client,
            &[req.username.as_str(), user.username.as_str()],
            req.secret_hash.as_ref().map(Sensitive::expose),
        )?;
        users::check_password(&sc.pool, req.password.expose())?;
        self.check_new_password(
            &sc.pool,
            domain::risk::EventFilter::PasswordChange,
            "Password",
            req.password.expose(),
        )?;
        let hash = passwords::hash(req.password.expose())?;
        self.write_recorded(
            actor,
            "ConfirmForgotPassword",
            Some(&sc.pool.id),
            Some(&user.username),
            |tx, ctx| {
                let done =
                    signup::confirm_forgot_password(tx, &user, &code, &hash, ctx.clock.now_ms())?;
                if done.is_ok() {
                    self.remember_srp(tx, &sc.pool.id, &user, req.password.expose())?;
                }
                Ok(done.map_err(ApiError::from))
            },
        )?;
        let user = self.read(|r| Ok(signup::find(r, &sc.pool, &user.username)?))?;
        self.post_confirmation(
            &sc.pool,
            Some(&sc.client.client_id),
            &user,
            "PostConfirmation_ConfirmForgotPassword",
            req.client_metadata.as_ref(),
        )?;
        Ok(Empty {})
    }

    /// `AdminResetUserPassword`: `RESET_REQUIRED`, a reset code, and every session ended.
    pub fn admin_reset_user_password(
        &self,
        actor: &Actor,
        req: AdminResetUserPasswordRequest,
    ) -> Result<Empty, ApiError> {
        let op = "AdminResetUserPassword";
        // The custom message hook is asked before the write, as for ForgotPassword. A pool or
        // user that does not resolve here fails in the write, in the engine's order.
        let message = match self.read(|r| {
            let pool = user_pools::require_pool(r, &req.user_pool_id)?;
            let user = signup::find(r, &pool, &req.username)?;
            Ok((pool, user))
        }) {
            Ok((pool, user)) => self
                .custom_message(
                    &pool,
                    None,
                    "CustomMessage_ForgotPassword",
                    &user.username,
                    hooks::user_attributes(&user),
                    metadata(req.client_metadata.as_ref()),
                )
                .inspect_err(|e| {
                    self.record_failure(actor, op, Some(&req.user_pool_id), Some(&req.username), e);
                })?,
            Err(_) => None,
        };
        self.write_audited(
            actor,
            op,
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
                signup::admin_reset_password(
                    tx,
                    &pool,
                    &req.username,
                    ctx.clock.now_ms(),
                    message.as_ref(),
                )?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `ChangePassword`: the signed-in user replaces their password.
    pub fn change_password(
        &self,
        actor: &Actor,
        req: ChangePasswordRequest,
    ) -> Result<Empty, ApiError> {
        let (pool, a) = self.authenticated(&req.access_token)?;
        let previous = req
            .previous_password
            .as_ref()
            .map(Sensitive::expose)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ApiError::invalid("PreviousPassword", "is required"))?;
        let ok = match &a.user.password_hash {
            Some(h) => passwords::verify(previous, h)?,
            None => false,
        };
        if !ok {
            let now = self.now();
            self.inner
                .db
                .write(|tx| auth::count_failure(tx, &a.user, now).map_err(ApiError::from))?;
            return Err(ApiError::new(
                ErrorCode::NotAuthorizedException,
                "Incorrect username or password.",
            ));
        }
        users::check_password(&pool, req.proposed_password.expose()).map_err(|e| {
            let mut err = ApiError::from(e);
            err.field = Some("ProposedPassword".into());
            err
        })?;
        self.check_new_password(
            &pool,
            domain::risk::EventFilter::PasswordChange,
            "ProposedPassword",
            req.proposed_password.expose(),
        )?;
        let hash = passwords::hash(req.proposed_password.expose())?;
        self.write_audited(
            actor,
            "ChangePassword",
            Some(&pool.id),
            Some(&a.user.username),
            |tx, ctx| {
                storage::users::set_password(
                    tx,
                    a.user.pk,
                    &hash,
                    domain::user::UserStatus::Confirmed,
                    ctx.clock.now_ms(),
                )?;
                self.remember_srp(tx, &pool.id, &a.user, req.proposed_password.expose())?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminListUserAuthEvents`: the user's sign-in history, newest first.
    pub fn admin_list_user_auth_events(
        &self,
        _actor: &Actor,
        req: AdminListUserAuthEventsRequest,
    ) -> Result<AdminListUserAuthEventsResponse, ApiError> {
        let limit = match req.max_results {
            Some(n) if n > 60 => {
                return Err(ApiError::invalid("MaxResults", "must be between 0 and 60"));
            }
            Some(n) => n,
            None => 60,
        };
        let scope = format!("auth-events:{}:{}", req.user_pool_id, req.username);
        let before: i64 = req
            .next_token
            .as_deref()
            .map(|t| user_pools::pagination::decode(&scope, t))
            .transpose()
            .map_err(|_| ApiError::invalid("NextToken", "is not a token this listing issued"))?
            .unwrap_or(0);
        self.read(|r| {
            let (_, user) = users::get(r, &req.user_pool_id, &req.username)?;
            let mut rows = auth::events(r, &user, before, limit + 1)?;
            let next = if rows.len() > limit as usize {
                rows.truncate(limit as usize);
                rows.last()
                    .map(|e| user_pools::pagination::encode(&scope, &e.pk))
            } else {
                None
            };
            Ok(AdminListUserAuthEventsResponse {
                auth_events: rows
                    .into_iter()
                    .map(|e| AuthEventType {
                        event_id: e.event_id,
                        event_type: e.event_type,
                        creation_date: secs(e.at),
                        event_response: e.response,
                        event_risk: EventRiskType {
                            risk_decision: Some(
                                if e.detail
                                    .as_deref()
                                    .is_some_and(|d| d.starts_with("Blocked"))
                                {
                                    "Block"
                                } else if e.risk_level.as_deref().is_some_and(|l| l != "Low") {
                                    "AccountTakeover"
                                } else {
                                    "NoRisk"
                                }
                                .into(),
                            ),
                            risk_level: e.risk_level,
                            compromised_credentials_detected: e.compromised,
                        },
                        event_context_data: EventContextDataType { ip_address: e.ip },
                        client_id: e.client_id,
                        detail: e.detail,
                    })
                    .collect(),
                next_token: next,
            })
        })
    }

    /// `DescribeUserSecurity`: lockout, failures and sessions, for support staff.
    pub fn describe_user_security(
        &self,
        _actor: &Actor,
        req: UserRequest,
    ) -> Result<DescribeUserSecurityResponse, ApiError> {
        let now = self.now();
        self.read(|r| {
            let (_, user) = users::get(r, &req.user_pool_id, &req.username)?;
            let security = storage::user_security::get(r, user.pk)?;
            let sessions = auth::sessions(r, &user, 100)?;
            let clients = auth::client_ids(r, &sessions)?;
            Ok(DescribeUserSecurityResponse {
                username: user.username.clone(),
                failed_sign_in_attempts: security.failed_sign_ins,
                locked_until: (security.locked_until > now).then(|| secs(security.locked_until)),
                last_sign_in: security.last_sign_in.map(secs),
                sessions: sessions
                    .iter()
                    .map(|s| UserSessionType {
                        origin_jti: s.origin_jti.clone(),
                        client_id: clients.get(&s.client).cloned().unwrap_or_default(),
                        auth_time: s.auth_time as f64,
                        creation_date: secs(s.created_at),
                        expiration_date: secs(s.expires_at),
                        last_used_date: s.last_used_at.map(secs),
                        revoked_date: s.revoked_at.map(secs),
                        status: if s.revoked_at.is_some() {
                            "REVOKED"
                        } else if s.expires_at <= now {
                            "EXPIRED"
                        } else {
                            "ACTIVE"
                        }
                        .into(),
                    })
                    .collect(),
            })
        })
    }

    /// `UnlockUser`: lifts a lockout after failed sign-ins.
    pub fn unlock_user(&self, actor: &Actor, req: UserRequest) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "UnlockUser",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, _| {
                let (_, user) = users::get(tx, &req.user_pool_id, &req.username)?;
                auth::unlock(tx, &user)?;
                Ok((Empty {}, None))
            },
        )
    }

    fn signing_keys(&self, pool: &PoolRow) -> Result<ListSigningKeysResponse, ApiError> {
        let now = self.now();
        let issuer = self.issuer(&pool.id)?;
        self.read(|r| {
            let rows = keys::list(r, pool.pk)?;
            Ok(ListSigningKeysResponse {
                keys: rows
                    .into_iter()
                    .map(|k| SigningKeyType {
                        status: match (k.retired_at, k.published_until) {
                            (None, _) => "SIGNING",
                            (Some(_), Some(until)) if until > now => "PUBLISHED",
                            _ => "EXPIRED",
                        }
                        .into(),
                        kid: k.kid,
                        purpose: match k.purpose {
                            storage::signing_keys::Purpose::Id => "id",
                            storage::signing_keys::Purpose::Access => "access",
                        }
                        .into(),
                        creation_date: secs(k.created_at),
                        retired_date: k.retired_at.map(secs),
                        published_until: k.published_until.map(secs),
                    })
                    .collect(),
                issuer,
            })
        })
    }

    /// `ListSigningKeys`: the pool's keys, signing and retired (made on first use).
    pub fn list_signing_keys(
        &self,
        _actor: &Actor,
        req: UserPoolIdRequest,
    ) -> Result<ListSigningKeysResponse, ApiError> {
        let pool = self.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
        self.pool_keys(&pool)?;
        self.signing_keys(&pool)
    }

    /// `RotateSigningKeys`: new ID and access keys; the old ones stay published until the
    /// tokens they signed have expired.
    pub fn rotate_signing_keys(
        &self,
        actor: &Actor,
        req: UserPoolIdRequest,
    ) -> Result<ListSigningKeysResponse, ApiError> {
        let pool = self.write_audited(
            actor,
            "RotateSigningKeys",
            Some(&req.user_pool_id),
            Some(&req.user_pool_id),
            |tx, ctx| {
                let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
                keys::rotate(tx, &self.inner.master, &pool, ctx.clock.now_ms())?;
                Ok((pool, None))
            },
        )?;
        self.signing_keys(&pool)
    }
}
