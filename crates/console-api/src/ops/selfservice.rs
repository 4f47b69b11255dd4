//! What users do for themselves with an access token: change and verify their attributes,
//! delete them, delete their account.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shared::*;
use super::signin::metadata;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};

dto! {
    /// `UpdateUserAttributes`.
    pub struct UpdateUserAttributesRequest {
        pub access_token: Sensitive,
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct UpdateUserAttributesResponse {
        /// Where codes went for changed attributes the pool verifies.
        pub code_delivery_details_list: Vec<CodeDeliveryDetailsType>,
    }
}

dto! {
    /// `GetUserAttributeVerificationCode`.
    pub struct GetUserAttributeVerificationCodeRequest {
        pub access_token: Sensitive,
        /// `email` or `phone_number`.
        pub attribute_name: String,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// `VerifyUserAttribute`.
    pub struct VerifyUserAttributeRequest {
        pub access_token: Sensitive,
        pub attribute_name: String,
        pub code: Sensitive,
    }
}

dto! {
    /// `DeleteUserAttributes`.
    pub struct DeleteUserAttributesRequest {
        pub access_token: Sensitive,
        pub user_attribute_names: Vec<String>,
    }
}

/// `UpdateUserAttributes`: the user changes their own attributes. A changed email or phone
/// is unverified until its code comes back, and a code is sent when the pool verifies it.
pub(crate) fn update_user_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateUserAttributesRequest,
) -> Result<UpdateUserAttributesResponse, ApiError> {
    let changes = attribute_map("UserAttributes", &req.user_attributes)?;
    let deliveries = c.engine(ctx, |e| {
        e.update_user_attributes(
            req.access_token.expose(),
            &changes,
            metadata(req.client_metadata.as_ref()),
        )
    })?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: deliveries.iter().map(delivery_details).collect(),
    })
}

/// `GetUserAttributeVerificationCode`: a code to the user's email or phone.
pub(crate) fn get_user_attribute_verification_code(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetUserAttributeVerificationCodeRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let d = c.engine(ctx, |e| {
        e.get_user_attribute_verification_code(
            req.access_token.expose(),
            &req.attribute_name,
            metadata(req.client_metadata.as_ref()),
        )
    })?;
    Ok(CodeDeliveryResponse {
        code_delivery_details: delivery_details(&d),
    })
}

/// `VerifyUserAttribute`: the code from `GetUserAttributeVerificationCode` (or from an
/// attribute change) marks the attribute verified.
pub(crate) fn verify_user_attribute(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: VerifyUserAttributeRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.verify_user_attribute(
            req.access_token.expose(),
            &req.attribute_name,
            req.code.expose(),
        )
    })
    .map_err(|mut err| {
        // The code's checks answer for this request's `Code`.
        if matches!(
            err.code,
            ErrorCode::CodeMismatchException
                | ErrorCode::ExpiredCodeException
                | ErrorCode::LimitExceededException
        ) {
            err.field = Some("Code".into());
        }
        err
    })?;
    Ok(Empty {})
}

/// `DeleteUserAttributes`: the user removes optional attributes of their own.
pub(crate) fn delete_user_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteUserAttributesRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.delete_user_attributes(req.access_token.expose(), &req.user_attribute_names)
    })?;
    Ok(Empty {})
}

/// `DeleteUser`: the user deletes their own account.
pub(crate) fn delete_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AccessTokenRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| e.delete_user(req.access_token.expose()))?;
    Ok(Empty {})
}
