//! Signing in and out: the auth flows and their challenges, `GetUser`, global sign-out and
//! token revocation. The flows themselves are the engine's (`user_pools::engine`).
//!
//! A sign-in step is recorded in the user's auth events (time, client, IP, outcome) rather than
//! in the audit log, which is for changes people make to the directory.

use domain::names::{ClientId, UserPoolId};
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::users::UserRow;
use ts_rs::TS;
use user_pools::engine::{Answer, Params};
use user_pools::signin::{self as auth, AuthFlow, Origin};
use user_pools::users;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{Actor, ApiError, Console};

dto! {
    pub struct InitiateAuthRequest {
        pub client_id: ClientId,
        /// `USER_PASSWORD_AUTH`, `USER_SRP_AUTH`, `REFRESH_TOKEN_AUTH`, `CUSTOM_AUTH`.
        pub auth_flow: String,
        /// `USERNAME`, `PASSWORD`, `SECRET_HASH`, `REFRESH_TOKEN`, ...
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub auth_parameters: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct AdminInitiateAuthRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        /// `ADMIN_USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`, ...
        pub auth_flow: String,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub auth_parameters: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub context_data: Option<ContextDataType>,
    }
}

dto! {
    /// `AuthenticationResultType`.
    pub struct AuthenticationResultType {
        pub access_token: Sensitive,
        pub expires_in: u64,
        pub token_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_token: Option<Sensitive>,
        pub id_token: Sensitive,
    }
}

dto! {
    /// The answer of every sign-in step: tokens, or the next challenge.
    #[derive(Default)]
    pub struct AuthResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub challenge_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub challenge_parameters: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authentication_result: Option<AuthenticationResultType>,
    }
}

dto! {
    pub struct RespondToAuthChallengeRequest {
        pub client_id: ClientId,
        pub challenge_name: String,
        #[serde(default)]
        pub session: Option<Sensitive>,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub challenge_responses: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct AdminRespondToAuthChallengeRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        pub challenge_name: String,
        #[serde(default)]
        pub session: Option<Sensitive>,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub challenge_responses: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub context_data: Option<ContextDataType>,
    }
}

dto! {
    pub struct GetUserResponse {
        pub username: String,
        pub user_attributes: Vec<AttributeType>,
        #[serde(rename = "MFAOptions")]
        pub mfa_options: Vec<MfaOptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_mfa_setting: Option<String>,
        #[serde(rename = "UserMFASettingList")]
        pub user_mfa_setting_list: Vec<String>,
    }
}

dto! {
    pub struct RevokeTokenRequest {
        pub token: Sensitive,
        pub client_id: ClientId,
        #[serde(default)]
        pub client_secret: Option<Sensitive>,
    }
}

dto! {
    pub struct GetTokensFromRefreshTokenRequest {
        pub refresh_token: Sensitive,
        pub client_id: ClientId,
        #[serde(default)]
        pub client_secret: Option<Sensitive>,
        /// Remembered devices are not kept: a device key is accepted and not read.
        #[serde(default)]
        pub device_key: Option<String>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct GetTokensFromRefreshTokenResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authentication_result: Option<AuthenticationResultType>,
    }
}

/// `AuthParameters` or `ChallengeResponses` as the engine reads them.
fn params<'a>(member: &'static str, map: &'a BTreeMap<String, Sensitive>) -> Params<'a> {
    Params::new(member, map.iter().map(|(k, v)| (k.as_str(), v.expose())))
}

/// The answer of a sign-in step in Cognito's shape (the tokens signed now).
fn auth_response(answer: Answer) -> Result<AuthResponse, ApiError> {
    Ok(match answer {
        Answer::Tokens {
            tokens,
            refresh_token,
        } => {
            let minted = tokens.sign()?;
            AuthResponse {
                authentication_result: Some(AuthenticationResultType {
                    access_token: Sensitive(minted.access_token),
                    expires_in: minted.expires_in,
                    token_type: "Bearer".into(),
                    refresh_token: refresh_token.map(Sensitive),
                    id_token: Sensitive(minted.id_token),
                }),
                ..AuthResponse::default()
            }
        }
        Answer::Challenge(c) => AuthResponse {
            challenge_name: Some(c.name.to_string()),
            session: Some(Sensitive(c.session)),
            challenge_parameters: Some(c.parameters),
            authentication_result: None,
        },
    })
}

/// `InitiateAuth`.
pub(crate) fn initiate_auth(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: InitiateAuthRequest,
) -> Result<AuthResponse, ApiError> {
    let flow = AuthFlow::parse(&req.auth_flow, false)?;
    let origin = origin_with(
        ctx.actor,
        req.user_context_data.as_ref(),
        req.client_metadata.as_ref(),
    );
    let params = params("AuthParameters", &req.auth_parameters);
    let answer = c.engine(ctx, |e| {
        e.initiate_auth(&req.client_id, None, flow, &params, &origin)
    })?;
    auth_response(answer)
}

/// `AdminInitiateAuth`.
pub(crate) fn admin_initiate_auth(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminInitiateAuthRequest,
) -> Result<AuthResponse, ApiError> {
    let flow = AuthFlow::parse(&req.auth_flow, true)?;
    let origin = origin_with(
        ctx.actor,
        req.context_data.as_ref(),
        req.client_metadata.as_ref(),
    );
    let params = params("AuthParameters", &req.auth_parameters);
    let answer = c.engine(ctx, |e| {
        e.initiate_auth(
            &req.client_id,
            Some(&req.user_pool_id),
            flow,
            &params,
            &origin,
        )
    })?;
    auth_response(answer)
}

/// `RespondToAuthChallenge`.
pub(crate) fn respond_to_auth_challenge(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: RespondToAuthChallengeRequest,
) -> Result<AuthResponse, ApiError> {
    let origin = origin_with(
        ctx.actor,
        req.user_context_data.as_ref(),
        req.client_metadata.as_ref(),
    );
    let responses = params("ChallengeResponses", &req.challenge_responses);
    let answer = c.engine(ctx, |e| {
        e.respond_to_auth_challenge(
            &req.client_id,
            None,
            &req.challenge_name,
            req.session.as_ref().map(Sensitive::expose),
            &responses,
            &origin,
        )
    })?;
    auth_response(answer)
}

/// `AdminRespondToAuthChallenge`.
pub(crate) fn admin_respond_to_auth_challenge(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminRespondToAuthChallengeRequest,
) -> Result<AuthResponse, ApiError> {
    let origin = origin_with(
        ctx.actor,
        req.context_data.as_ref(),
        req.client_metadata.as_ref(),
    );
    let responses = params("ChallengeResponses", &req.challenge_responses);
    let answer = c.engine(ctx, |e| {
        e.respond_to_auth_challenge(
            &req.client_id,
            Some(&req.user_pool_id),
            &req.challenge_name,
            req.session.as_ref().map(Sensitive::expose),
            &responses,
            &origin,
        )
    })?;
    auth_response(answer)
}

/// `GetUser`: the user an access token belongs to.
pub(crate) fn get_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AccessTokenRequest,
) -> Result<GetUserResponse, ApiError> {
    let (user, mfa, preferred) = c.engine(ctx, |e| e.get_user(req.access_token.expose()))?;
    Ok(GetUserResponse {
        username: user.username.clone(),
        user_attributes: attributes_of(&user),
        mfa_options: Vec::new(),
        preferred_mfa_setting: preferred,
        user_mfa_setting_list: mfa,
    })
}

/// `GlobalSignOut`: revokes every token of the access token's user.
pub(crate) fn global_sign_out(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AccessTokenRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| e.global_sign_out(req.access_token.expose()))?;
    Ok(Empty {})
}

/// `AdminUserGlobalSignOut`.
pub(crate) fn admin_user_global_sign_out(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    c.write_audited(
        ctx,
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
pub(crate) fn revoke_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: RevokeTokenRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.revoke_token(
            &req.client_id,
            req.token.expose(),
            req.client_secret.as_ref().map(Sensitive::expose),
        )
    })?;
    Ok(Empty {})
}

/// `GetTokensFromRefreshToken`: new ID and access tokens, and a new refresh token when the
/// client rotates them.
pub(crate) fn get_tokens_from_refresh_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetTokensFromRefreshTokenRequest,
) -> Result<GetTokensFromRefreshTokenResponse, ApiError> {
    let origin = Origin {
        client_metadata: metadata(req.client_metadata.as_ref()),
        ..origin(ctx.actor, None::<&UserContextDataType>)
    };
    let answer = c.engine(ctx, |e| {
        e.get_tokens_from_refresh_token(
            &req.client_id,
            req.refresh_token.expose(),
            req.client_secret.as_ref().map(Sensitive::expose),
            &origin,
        )
    })?;
    Ok(GetTokensFromRefreshTokenResponse {
        authentication_result: auth_response(answer)?.authentication_result,
    })
}

/// `ClientMetadata` as hook events carry it (`null` when absent).
pub(crate) fn metadata(m: Option<&BTreeMap<String, String>>) -> serde_json::Value {
    m.map_or(serde_json::Value::Null, user_pools::hooks::string_map)
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
