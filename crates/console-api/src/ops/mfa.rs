//! Multi-factor authentication: authenticator set-up, users' preferences, support's reset, and
//! the pool's MFA configuration.

use domain::names::{UserPoolId, Username};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::pools::PoolRow;
use storage::users::UserRow;
use ts_rs::TS;
use user_pools::signin::mfa;
use user_pools::users;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console};

dto! {
    /// `AssociateSoftwareToken`: with the access token of a signed-in user, or the `Session`
    /// of an `MFA_SETUP` challenge.
    pub struct AssociateSoftwareTokenRequest {
        #[serde(default)]
        pub access_token: Option<Sensitive>,
        #[serde(default)]
        pub session: Option<Sensitive>,
    }
}

dto! {
    /// The new secret (base32), and beside Cognito's members an `otpauth://` URI for a QR code.
    pub struct AssociateSoftwareTokenResponse {
        pub secret_code: Sensitive,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
        pub otpauth_uri: Sensitive,
    }
}

dto! {
    pub struct VerifySoftwareTokenRequest {
        #[serde(default)]
        pub access_token: Option<Sensitive>,
        #[serde(default)]
        pub session: Option<Sensitive>,
        pub user_code: Sensitive,
        #[serde(default)]
        pub friendly_device_name: Option<String>,
    }
}

dto! {
    pub struct VerifySoftwareTokenResponse {
        /// `SUCCESS` or `ERROR`.
        pub status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
    }
}

dto! {
    /// `SMSMfaSettingsType`, `SoftwareTokenMfaSettingsType`, `EmailMfaSettingsType`.
    #[derive(Default)]
    pub struct MfaSettingsType {
        #[serde(default)]
        pub enabled: Option<bool>,
        #[serde(default)]
        pub preferred_mfa: Option<bool>,
    }
}

dto! {
    pub struct SetUserMfaPreferenceRequest {
        pub access_token: Sensitive,
        #[serde(default, rename = "SMSMfaSettings")]
        pub sms_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub software_token_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub email_mfa_settings: Option<MfaSettingsType>,
    }
}

dto! {
    pub struct AdminSetUserMfaPreferenceRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        #[serde(default, rename = "SMSMfaSettings")]
        pub sms_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub software_token_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub email_mfa_settings: Option<MfaSettingsType>,
    }
}

dto! {
    /// `SoftwareTokenMfaConfigType`.
    pub struct SoftwareTokenMfaConfigType {
        /// Off when left out, as in Cognito.
        #[serde(default)]
        pub enabled: bool,
    }
}

dto! {
    /// `EmailMfaConfigType`.
    #[derive(Default)]
    pub struct EmailMfaConfigType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject: Option<String>,
    }
}

dto! {
    /// `SmsMfaConfigType`.
    #[derive(Default)]
    pub struct SmsMfaConfigType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sms_authentication_message: Option<String>,
    }
}

dto! {
    pub struct SetUserPoolMfaConfigRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub sms_mfa_configuration: Option<SmsMfaConfigType>,
        #[serde(default)]
        pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
        #[serde(default)]
        pub email_mfa_configuration: Option<EmailMfaConfigType>,
        #[serde(default)]
        pub mfa_configuration: Option<domain::pool::MfaConfiguration>,
    }
}

dto! {
    pub struct UserPoolMfaConfigResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sms_mfa_configuration: Option<SmsMfaConfigType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email_mfa_configuration: Option<EmailMfaConfigType>,
        pub mfa_configuration: domain::pool::MfaConfiguration,
    }
}

/// `AssociateSoftwareToken`: a new authenticator secret for the user.
pub(crate) fn associate_software_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AssociateSoftwareTokenRequest,
) -> Result<AssociateSoftwareTokenResponse, ApiError> {
    let (associated, in_session) = c.engine(ctx, |e| {
        e.associate_software_token(
            req.access_token.as_ref().map(Sensitive::expose),
            req.session.as_ref().map(Sensitive::expose),
        )
    })?;
    Ok(AssociateSoftwareTokenResponse {
        secret_code: Sensitive(associated.secret_code),
        session: in_session.then(|| req.session.clone().unwrap_or_default()),
        otpauth_uri: Sensitive(associated.otpauth_uri),
    })
}

/// `VerifySoftwareToken`: a code from the new authenticator confirms it.
pub(crate) fn verify_software_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: VerifySoftwareTokenRequest,
) -> Result<VerifySoftwareTokenResponse, ApiError> {
    let in_session = c.engine(ctx, |e| {
        e.verify_software_token(
            req.access_token.as_ref().map(Sensitive::expose),
            req.session.as_ref().map(Sensitive::expose),
            req.user_code.expose(),
        )
    })?;
    Ok(VerifySoftwareTokenResponse {
        status: "SUCCESS".into(),
        session: if in_session {
            req.session.clone()
        } else {
            None
        },
    })
}

/// `SetUserMFAPreference`.
pub(crate) fn set_user_mfa_preference(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetUserMfaPreferenceRequest,
) -> Result<Empty, ApiError> {
    let (pool, a) = c.engine(ctx, |e| e.authenticated(req.access_token.expose()))?;
    c.set_mfa_preference(
        ctx,
        &pool,
        &a.user,
        req.software_token_mfa_settings.as_ref(),
        req.email_mfa_settings.as_ref(),
        req.sms_mfa_settings.as_ref(),
    )
}

/// `AdminSetUserMFAPreference`.
pub(crate) fn admin_set_user_mfa_preference(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminSetUserMfaPreferenceRequest,
) -> Result<Empty, ApiError> {
    let (pool, user) = c.read(|r| Ok(users::get(r, &req.user_pool_id, &req.username)?))?;
    c.set_mfa_preference(
        ctx,
        &pool,
        &user,
        req.software_token_mfa_settings.as_ref(),
        req.email_mfa_settings.as_ref(),
        req.sms_mfa_settings.as_ref(),
    )
}

/// `AdminDeleteSoftwareToken`: support's "Reset MFA" — the authenticator goes, other factors
/// stay; in a pool that requires MFA the next sign-in asks to set one up again.
pub(crate) fn admin_delete_software_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.username),
        |tx, _| {
            let (pool, user) = users::get(tx, &req.user_pool_id, &req.username)?;
            mfa::delete_software_token(tx, &pool, &user)?;
            Ok((Empty {}, None))
        },
    )
}

/// `GetUserPoolMfaConfig`.
pub(crate) fn get_user_pool_mfa_config(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: UserPoolIdRequest,
) -> Result<UserPoolMfaConfigResponse, ApiError> {
    let pool = c.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
    Ok(mfa_config(&pool))
}

/// `SetUserPoolMfaConfig`: the pool's MFA mode and the factors it allows.
pub(crate) fn set_user_pool_mfa_config(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetUserPoolMfaConfigRequest,
) -> Result<UserPoolMfaConfigResponse, ApiError> {
    let change = user_pools::pools::MfaConfigChange {
        software_token: req
            .software_token_mfa_configuration
            .as_ref()
            .map(|t| t.enabled),
        email: req.email_mfa_configuration.is_some(),
        sms: req.sms_mfa_configuration.is_some(),
        sms_message: req
            .sms_mfa_configuration
            .as_ref()
            .and_then(|s| s.sms_authentication_message.clone()),
        mode: req.mfa_configuration,
    };
    let pool = c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.user_pool_id),
        |tx, ctx| {
            let pool = user_pools::pools::set_mfa_config(tx, ctx, &req.user_pool_id, &change)?;
            Ok((pool, None))
        },
    )?;
    Ok(mfa_config(&pool))
}

impl Console {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn set_mfa_preference(
        &self,
        ctx: &OpCtx<'_>,
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
        self.write_audited(ctx, Some(&pool.id), Some(&user.username), |tx, _| {
            mfa::set_preference(tx, pool, user, setting(totp), setting(email), setting(sms))?;
            Ok((Empty {}, None))
        })
    }
}

/// The pool's MFA configuration as Cognito shows it.
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
