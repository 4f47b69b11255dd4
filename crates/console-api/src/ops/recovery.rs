//! Sign-up and recovery: sign-up and its confirmation, codes sent again, forgotten and
//! changed passwords, and the administrator's confirm and reset.

use domain::names::{ClientId, UserPoolId, Username};
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use user_pools::signin::{self as auth, Step};
use user_pools::{hooks, passwords, signup, users};

use super::shared::*;
use super::signin::flow::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};

dto! {
    /// `AdminConfirmSignUp`: `ClientMetadata` goes to the post confirmation hook.
    pub struct AdminConfirmSignUpRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// `AdminResetUserPassword`: `ClientMetadata` goes to the custom message hook.
    pub struct AdminResetUserPasswordRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct SignUpRequest {
        pub client_id: ClientId,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: Username,
        /// Optional in Cognito's model (passwordless sign-up); Poolhouse refuses a sign-up
        /// without one.
        #[serde(default)]
        pub password: Option<Sensitive>,
        #[serde(default)]
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        pub validation_data: Vec<AttributeType>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct SignUpResponse {
        pub user_confirmed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_delivery_details: Option<CodeDeliveryDetailsType>,
        pub user_sub: String,
    }
}

dto! {
    pub struct ConfirmSignUpRequest {
        pub client_id: ClientId,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: Username,
        pub confirmation_code: Sensitive,
        #[serde(default)]
        pub force_alias_creation: Option<bool>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct ConfirmForgotPasswordRequest {
        pub client_id: ClientId,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: Username,
        pub confirmation_code: Sensitive,
        pub password: Sensitive,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct ChangePasswordRequest {
        #[serde(default)]
        pub previous_password: Option<Sensitive>,
        pub proposed_password: Sensitive,
        pub access_token: Sensitive,
    }
}

/// `SignUp`.
pub(crate) fn sign_up(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SignUpRequest,
) -> Result<SignUpResponse, ApiError> {
    // Cognito's model lets a passwordless sign-up leave it out; Poolhouse has none, and
    // answers as it did when the member was required.
    let password = req
        .password
        .as_ref()
        .ok_or_else(|| ApiError::invalid("Password", "is required"))?;
    let sc = c.sign_in_client(&req.client_id, None)?;
    auth::check_secret_hash(
        &sc.client,
        &[req.username.as_str()],
        req.secret_hash.as_ref().map(Sensitive::expose),
    )?;
    users::check_password(&sc.pool, password.expose())?;
    let compromised = c.check_new_password(
        &sc.pool,
        domain::risk::EventFilter::SignUp,
        "Password",
        password.expose(),
    )?;
    let attributes = crate::ops::shared::attribute_map("UserAttributes", &req.user_attributes)?;
    let hook = c.pre_sign_up(
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
        c.custom_message(
            &sc.pool,
            Some(&sc.client.client_id),
            "CustomMessage_SignUp",
            &req.username,
            hooks::string_map(&attributes),
            metadata(req.client_metadata.as_ref()),
        )?
    };
    let hash = passwords::hash(password.expose())?;
    let origin = origin(ctx.actor, req.user_context_data.as_ref());
    let (user, delivery) =
        c.write_audited(ctx, Some(&sc.pool.id), Some(&req.username), |tx, ctx| {
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
            c.remember_srp(tx, &sc.pool.id, &user, password.expose())?;
            Ok(((user.clone(), delivery), Some(user.username)))
        })?;
    Ok(SignUpResponse {
        user_confirmed: user.status == domain::user::UserStatus::Confirmed,
        code_delivery_details: delivery.as_ref().map(delivery_details),
        user_sub: user.sub,
    })
}

/// `ConfirmSignUp`.
pub(crate) fn confirm_sign_up(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ConfirmSignUpRequest,
) -> Result<Empty, ApiError> {
    let sc = c.sign_in_client(&req.client_id, None)?;
    let code = code_of("ConfirmationCode", &req.confirmation_code)?;
    let user = c.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
    auth::check_secret_hash(
        &sc.client,
        &[req.username.as_str(), user.username.as_str()],
        req.secret_hash.as_ref().map(Sensitive::expose),
    )?;
    let origin = origin(ctx.actor, req.user_context_data.as_ref());
    let confirmed = c.write_recorded(ctx, Some(&sc.pool.id), Some(&user.username), |tx, ctx| {
        let step = Step::new(ctx.clock.now_ms(), &origin);
        Ok(signup::confirm_sign_up(tx, &sc, &req.username, &code, &step)?.map_err(ApiError::from))
    })?;
    c.post_confirmation(
        &sc.pool,
        Some(&sc.client.client_id),
        &confirmed,
        "PostConfirmation_ConfirmSignUp",
        req.client_metadata.as_ref(),
    )?;
    Ok(Empty {})
}

/// `ResendConfirmationCode`.
pub(crate) fn resend_confirmation_code(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UsernameClientRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let sc = c.sign_in_client(&req.client_id, None)?;
    let user = c.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
    auth::check_secret_hash(
        &sc.client,
        &[req.username.as_str(), user.username.as_str()],
        req.secret_hash.as_ref().map(Sensitive::expose),
    )?;
    let message = c.custom_message(
        &sc.pool,
        Some(&sc.client.client_id),
        "CustomMessage_ResendCode",
        &user.username,
        hooks::user_attributes(&user),
        metadata(req.client_metadata.as_ref()),
    )?;
    let d = c.write_audited(ctx, Some(&sc.pool.id), Some(&user.username), |tx, ctx| {
        let d = signup::resend_confirmation(
            tx,
            &sc,
            &req.username,
            ctx.clock.now_ms(),
            message.as_ref(),
        )?;
        Ok((d, None))
    })?;
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
pub(crate) fn admin_confirm_sign_up(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminConfirmSignUpRequest,
) -> Result<Empty, ApiError> {
    let (pool, user) = c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.username),
        |tx, ctx| {
            let pool = user_pools::require_pool(tx, &req.user_pool_id)?;
            let user = signup::admin_confirm(tx, &pool, &req.username, ctx.clock.now_ms())?;
            Ok(((pool, user), None))
        },
    )?;
    c.post_confirmation(
        &pool,
        None,
        &user,
        "PostConfirmation_ConfirmSignUp",
        req.client_metadata.as_ref(),
    )?;
    Ok(Empty {})
}

/// `ForgotPassword`: a reset code to the user's verified email or phone.
pub(crate) fn forgot_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UsernameClientRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let sc = c.sign_in_client(&req.client_id, None)?;
    let find = || c.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?));
    let user = match find() {
        Ok(u) => u,
        Err(e) if e.code == ErrorCode::UserNotFoundException => {
            auth::check_secret_hash(
                &sc.client,
                &[req.username.as_str()],
                req.secret_hash.as_ref().map(Sensitive::expose),
            )?;
            if !c.migrate_user(
                ctx.actor,
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
    let message = c.custom_message(
        &sc.pool,
        Some(&sc.client.client_id),
        "CustomMessage_ForgotPassword",
        &user.username,
        hooks::user_attributes(&user),
        metadata(req.client_metadata.as_ref()),
    )?;
    let d = c.write_audited(ctx, Some(&sc.pool.id), Some(&user.username), |tx, ctx| {
        Ok((
            signup::forgot_password(tx, &sc, &user, ctx.clock.now_ms(), message.as_ref())?,
            None,
        ))
    })?;
    Ok(CodeDeliveryResponse {
        code_delivery_details: delivery_details(&d),
    })
}

/// `ConfirmForgotPassword`.
pub(crate) fn confirm_forgot_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ConfirmForgotPasswordRequest,
) -> Result<Empty, ApiError> {
    let sc = c.sign_in_client(&req.client_id, None)?;
    let code = code_of("ConfirmationCode", &req.confirmation_code)?;
    let user = c.read(|r| Ok(signup::find(r, &sc.pool, &req.username)?))?;
    auth::check_secret_hash(
        &sc.client,
        &[req.username.as_str(), user.username.as_str()],
        req.secret_hash.as_ref().map(Sensitive::expose),
    )?;
    users::check_password(&sc.pool, req.password.expose())?;
    c.check_new_password(
        &sc.pool,
        domain::risk::EventFilter::PasswordChange,
        "Password",
        req.password.expose(),
    )?;
    let hash = passwords::hash(req.password.expose())?;
    c.write_recorded(ctx, Some(&sc.pool.id), Some(&user.username), |tx, ctx| {
        let done = signup::confirm_forgot_password(tx, &user, &code, &hash, ctx.clock.now_ms())?;
        if done.is_ok() {
            c.remember_srp(tx, &sc.pool.id, &user, req.password.expose())?;
        }
        Ok(done.map_err(ApiError::from))
    })?;
    let user = c.read(|r| Ok(signup::find(r, &sc.pool, &user.username)?))?;
    c.post_confirmation(
        &sc.pool,
        Some(&sc.client.client_id),
        &user,
        "PostConfirmation_ConfirmForgotPassword",
        req.client_metadata.as_ref(),
    )?;
    Ok(Empty {})
}

/// `AdminResetUserPassword`: `RESET_REQUIRED`, a reset code, and every session ended.
pub(crate) fn admin_reset_user_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminResetUserPasswordRequest,
) -> Result<Empty, ApiError> {
    // The custom message hook is asked before the write, as for ForgotPassword. A pool or
    // user that does not resolve here fails in the write, in the engine's order.
    let message = match c.read(|r| {
        let pool = user_pools::require_pool(r, &req.user_pool_id)?;
        let user = signup::find(r, &pool, &req.username)?;
        Ok((pool, user))
    }) {
        Ok((pool, user)) => c
            .custom_message(
                &pool,
                None,
                "CustomMessage_ForgotPassword",
                &user.username,
                hooks::user_attributes(&user),
                metadata(req.client_metadata.as_ref()),
            )
            .inspect_err(|e| {
                c.record_failure(
                    ctx.actor,
                    ctx.op.name(),
                    Some(&req.user_pool_id),
                    Some(&req.username),
                    e,
                );
            })?,
        Err(_) => None,
    };
    c.write_audited(
        ctx,
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
pub(crate) fn change_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ChangePasswordRequest,
) -> Result<Empty, ApiError> {
    let (pool, a) = c.authenticated(&req.access_token)?;
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
        let now = c.now();
        c.inner
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
    c.check_new_password(
        &pool,
        domain::risk::EventFilter::PasswordChange,
        "ProposedPassword",
        req.proposed_password.expose(),
    )?;
    let hash = passwords::hash(req.proposed_password.expose())?;
    c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        storage::users::set_password(
            tx,
            a.user.pk,
            &hash,
            domain::user::UserStatus::Confirmed,
            ctx.clock.now_ms(),
        )?;
        c.remember_srp(tx, &pool.id, &a.user, req.proposed_password.expose())?;
        Ok((Empty {}, None))
    })
}
