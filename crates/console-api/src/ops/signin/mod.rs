//! Signing in and out: the auth flows and their challenges, `GetUser`, global sign-out and
//! token revocation. The flows themselves are in [`flow`], [`triggers`] and [`challenges`].
//!
//! A sign-in step is recorded in the user's auth events (time, client, IP, outcome) rather than
//! in the audit log, which is for changes people make to the directory.

pub(crate) mod challenges;
pub(crate) mod flow;
pub(crate) mod triggers;

use domain::names::{ClientId, UserPoolId};
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use user_pools::signin::mfa;
use user_pools::signin::{self as auth, AuthFlow};
use user_pools::users;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};
use flow::*;

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

/// `InitiateAuth`.
pub(crate) fn initiate_auth(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: InitiateAuthRequest,
) -> Result<AuthResponse, ApiError> {
    let flow = AuthFlow::parse(&req.auth_flow, false)?;
    let sc = c.sign_in_client(&req.client_id, None)?;
    c.run_flow(
        ctx.actor,
        &sc,
        flow,
        &req.auth_parameters,
        &origin_with(
            ctx.actor,
            req.user_context_data.as_ref(),
            req.client_metadata.as_ref(),
        ),
    )
}

/// `AdminInitiateAuth`.
pub(crate) fn admin_initiate_auth(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminInitiateAuthRequest,
) -> Result<AuthResponse, ApiError> {
    let flow = AuthFlow::parse(&req.auth_flow, true)?;
    let sc = c.sign_in_client(&req.client_id, Some(&req.user_pool_id))?;
    c.run_flow(
        ctx.actor,
        &sc,
        flow,
        &req.auth_parameters,
        &origin_with(
            ctx.actor,
            req.context_data.as_ref(),
            req.client_metadata.as_ref(),
        ),
    )
}

/// `RespondToAuthChallenge`.
pub(crate) fn respond_to_auth_challenge(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: RespondToAuthChallengeRequest,
) -> Result<AuthResponse, ApiError> {
    let sc = c.sign_in_client(&req.client_id, None)?;
    c.respond(
        &sc,
        &req.challenge_name,
        req.session.as_ref(),
        &req.challenge_responses,
        &origin_with(
            ctx.actor,
            req.user_context_data.as_ref(),
            req.client_metadata.as_ref(),
        ),
    )
}

/// `AdminRespondToAuthChallenge`.
pub(crate) fn admin_respond_to_auth_challenge(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminRespondToAuthChallengeRequest,
) -> Result<AuthResponse, ApiError> {
    let sc = c.sign_in_client(&req.client_id, Some(&req.user_pool_id))?;
    c.respond(
        &sc,
        &req.challenge_name,
        req.session.as_ref(),
        &req.challenge_responses,
        &origin_with(
            ctx.actor,
            req.context_data.as_ref(),
            req.client_metadata.as_ref(),
        ),
    )
}

/// `GetUser`: the user an access token belongs to.
pub(crate) fn get_user(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: AccessTokenRequest,
) -> Result<GetUserResponse, ApiError> {
    let (_, a) = c.authenticated(&req.access_token)?;
    let (mfa, preferred) = c.read(|r| Ok(mfa::describe(r, &a.user)?))?;
    Ok(GetUserResponse {
        username: a.user.username.clone(),
        user_attributes: attributes_of(&a.user),
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
    let (pool, a) = c.authenticated(&req.access_token)?;
    c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        auth::sign_out_everywhere(tx, &a.user, ctx.clock.now_ms())?;
        Ok((Empty {}, None))
    })
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
    let sc = c.sign_in_client(&req.client_id, None)?;
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
    c.write_audited(
        ctx,
        Some(&sc.pool.id),
        Some(&sc.client.client_id),
        |tx, ctx| {
            auth::revoke(tx, &sc.client, req.token.expose(), ctx.clock.now_ms())?;
            Ok((Empty {}, None))
        },
    )
}
