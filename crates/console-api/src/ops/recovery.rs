//! Sign-up and recovery: sign-up and its confirmation, codes sent again, forgotten and
//! changed passwords, and the administrator's confirm and reset.

use domain::names::{ClientId, UserPoolId, Username};
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use user_pools::engine::{ClientUser, SignUpInput};

use super::shared::*;
use super::signin::{code_of, metadata, origin};
use crate::ops::OpCtx;
use crate::{ApiError, Console};

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
    let attributes = attribute_map("UserAttributes", &req.user_attributes)?;
    let validation_data = attribute_map("ValidationData", &req.validation_data)?;
    let client_metadata = metadata(req.client_metadata.as_ref());
    let origin = origin(ctx.actor, req.user_context_data.as_ref());
    let (user, delivery) = c.engine(ctx, |e| {
        e.sign_up(
            &SignUpInput {
                client_id: &req.client_id,
                secret_hash: req.secret_hash.as_ref().map(Sensitive::expose),
                username: &req.username,
                password: password.expose(),
                attributes: &attributes,
                validation_data: &validation_data,
                client_metadata: &client_metadata,
            },
            &origin,
        )
    })?;
    Ok(SignUpResponse {
        user_confirmed: user.status == domain::user::UserStatus::Confirmed,
        code_delivery_details: delivery.as_ref().map(delivery_details),
        user_sub: user.sub,
    })
}

/// Who a public recovery request names.
fn client_user<'a>(
    client_id: &'a str,
    username: &'a str,
    secret_hash: Option<&'a Sensitive>,
) -> ClientUser<'a> {
    ClientUser {
        client_id,
        username,
        secret_hash: secret_hash.map(Sensitive::expose),
    }
}

/// `ConfirmSignUp`.
pub(crate) fn confirm_sign_up(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ConfirmSignUpRequest,
) -> Result<Empty, ApiError> {
    let code = code_of("ConfirmationCode", &req.confirmation_code)?;
    let who = client_user(&req.client_id, &req.username, req.secret_hash.as_ref());
    let origin = origin(ctx.actor, req.user_context_data.as_ref());
    c.engine(ctx, |e| {
        e.confirm_sign_up(&who, &code, metadata(req.client_metadata.as_ref()), &origin)
    })?;
    Ok(Empty {})
}

/// `ResendConfirmationCode`.
pub(crate) fn resend_confirmation_code(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UsernameClientRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let who = client_user(&req.client_id, &req.username, req.secret_hash.as_ref());
    let d = c.engine(ctx, |e| {
        e.resend_confirmation_code(&who, metadata(req.client_metadata.as_ref()))
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
    c.engine(ctx, |e| {
        e.admin_confirm_sign_up(
            &req.user_pool_id,
            &req.username,
            metadata(req.client_metadata.as_ref()),
        )
    })?;
    Ok(Empty {})
}

/// `ForgotPassword`: a reset code to the user's verified email or phone.
pub(crate) fn forgot_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UsernameClientRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let who = client_user(&req.client_id, &req.username, req.secret_hash.as_ref());
    let d = c.engine(ctx, |e| {
        e.forgot_password(&who, metadata(req.client_metadata.as_ref()))
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
    let code = code_of("ConfirmationCode", &req.confirmation_code)?;
    let who = client_user(&req.client_id, &req.username, req.secret_hash.as_ref());
    c.engine(ctx, |e| {
        e.confirm_forgot_password(
            &who,
            &code,
            req.password.expose(),
            metadata(req.client_metadata.as_ref()),
        )
    })?;
    Ok(Empty {})
}

/// `AdminResetUserPassword`: `RESET_REQUIRED`, a reset code, and every session ended.
pub(crate) fn admin_reset_user_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminResetUserPasswordRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.admin_reset_user_password(
            &req.user_pool_id,
            &req.username,
            metadata(req.client_metadata.as_ref()),
        )
    })?;
    Ok(Empty {})
}

/// `ChangePassword`: the signed-in user replaces their password.
pub(crate) fn change_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ChangePasswordRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.change_password(
            req.access_token.expose(),
            req.previous_password.as_ref().map(Sensitive::expose),
            req.proposed_password.expose(),
        )
    })?;
    Ok(Empty {})
}
