//! What users do for themselves with an access token: change and verify their attributes,
//! delete them, delete their account.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use user_pools::{hooks, signup, users};

use super::shared::*;
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
    let (pool, a, client) = c.token_user(&req.access_token)?;
    let changes = crate::ops::shared::attribute_map("UserAttributes", &req.user_attributes)?;
    for (i, name) in changes.keys().enumerate() {
        if name == "email_verified" || name == "phone_number_verified" {
            return Err(ApiError::invalid(
                format!("UserAttributes[{i}].Name"),
                format!("{name} is set by verifying the attribute with a code"),
            ));
        }
        let writable = &client.settings.write_attributes;
        if !writable.is_empty() && !writable.contains(name) {
            return Err(ApiError::new(
                ErrorCode::NotAuthorizedException,
                format!("A client attempted to write unauthorized attribute {name}"),
            ));
        }
    }
    let verified = &pool.config.settings.auto_verified_attributes;
    let to_verify: Vec<&str> = ["email", "phone_number"]
        .into_iter()
        .filter(|attr| {
            changes
                .get(*attr)
                .is_some_and(|v| a.user.attributes.get(*attr) != Some(v))
                && verified.iter().any(|v| {
                    matches!(
                        (v, *attr),
                        (domain::pool::VerifiedAttribute::Email, "email")
                            | (domain::pool::VerifiedAttribute::PhoneNumber, "phone_number")
                    )
                })
        })
        .collect();
    let message = if to_verify.is_empty() {
        None
    } else {
        let mut preview = a.user.attributes.clone();
        preview.extend(changes.clone());
        c.custom_message(
            &pool,
            Some(&client.client_id),
            "CustomMessage_UpdateUserAttribute",
            &a.user.username,
            hooks::string_map(&preview),
            super::signin::flow::metadata(req.client_metadata.as_ref()),
        )?
    };
    let deliveries = c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        let user = users::update_attributes(tx, ctx, &pool.id, &a.user.username, &changes)?;
        let mut out = Vec::new();
        for attr in &to_verify {
            let d = signup::send_attribute_code(
                tx,
                &pool,
                &user,
                attr,
                ctx.clock.now_ms(),
                message.as_ref(),
            )?;
            out.push(delivery_details(&d));
        }
        Ok((out, None))
    })?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: deliveries,
    })
}

/// `GetUserAttributeVerificationCode`: a code to the user's email or phone.
pub(crate) fn get_user_attribute_verification_code(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetUserAttributeVerificationCodeRequest,
) -> Result<CodeDeliveryResponse, ApiError> {
    let (pool, a, client) = c.token_user(&req.access_token)?;
    user_pools::codes::Purpose::verifying(&req.attribute_name)?;
    let message = c.custom_message(
        &pool,
        Some(&client.client_id),
        "CustomMessage_VerifyUserAttribute",
        &a.user.username,
        hooks::user_attributes(&a.user),
        super::signin::flow::metadata(req.client_metadata.as_ref()),
    )?;
    let d = c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        let d = signup::send_attribute_code(
            tx,
            &pool,
            &a.user,
            &req.attribute_name,
            ctx.clock.now_ms(),
            message.as_ref(),
        )?;
        Ok((d, None))
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
    let (pool, a, _) = c.token_user(&req.access_token)?;
    user_pools::codes::Purpose::verifying(&req.attribute_name)?;
    let code = req.code.expose().trim();
    if code.is_empty() || code.len() > 2048 {
        return Err(ApiError::invalid(
            "Code",
            "is required (the code that was sent)",
        ));
    }
    c.write_recorded(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        Ok(
            signup::verify_attribute(tx, ctx, &pool, &a.user, &req.attribute_name, code)?
                .map(|_| Empty {})
                .map_err(|e| {
                    let mut err = ApiError::from(e);
                    err.field = Some("Code".into());
                    err
                }),
        )
    })
}

/// `DeleteUserAttributes`: the user removes optional attributes of their own.
pub(crate) fn delete_user_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteUserAttributesRequest,
) -> Result<Empty, ApiError> {
    let (pool, a, client) = c.token_user(&req.access_token)?;
    let writable = &client.settings.write_attributes;
    if let Some(name) = req
        .user_attribute_names
        .iter()
        .find(|n| !writable.is_empty() && !writable.contains(n))
    {
        return Err(ApiError::new(
            ErrorCode::NotAuthorizedException,
            format!("A client attempted to write unauthorized attribute {name}"),
        ));
    }
    c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, ctx| {
        users::delete_attributes(
            tx,
            ctx,
            &pool.id,
            &a.user.username,
            &req.user_attribute_names,
        )?;
        Ok((Empty {}, None))
    })
}

/// `DeleteUser`: the user deletes their own account.
pub(crate) fn delete_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AccessTokenRequest,
) -> Result<Empty, ApiError> {
    let (pool, a, _) = c.token_user(&req.access_token)?;
    c.write_audited(ctx, Some(&pool.id), Some(&a.user.username), |tx, _| {
        users::delete(tx, &pool.id, &a.user.username)?;
        Ok((Empty {}, None))
    })
}

impl Console {
    /// The user an access token belongs to, and the app client that issued it.
    pub(crate) fn token_user(
        &self,
        token: &Sensitive,
    ) -> Result<
        (
            storage::pools::PoolRow,
            user_pools::signin::Authenticated,
            storage::clients::ClientRow,
        ),
        ApiError,
    > {
        let (pool, a) = self.authenticated(token)?;
        let client = self
            .read(|r| Ok(storage::clients::get_by_pk(r, a.session.client)?))?
            .ok_or_else(|| {
                ApiError::new(ErrorCode::NotAuthorizedException, "Invalid Access Token")
            })?;
        Ok((pool, a, client))
    }
}
