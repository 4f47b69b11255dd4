//! What the hosted pages beyond sign-in ask of the console: sign-up and its confirmation,
//! a forgotten password, and the MFA set-up page. Each method is one engine call, audited
//! under the operation it stands for (`SignUp`, `ConfirmSignUp`, …) as called from the
//! browser's address, exactly as the operation itself would be.

use std::collections::BTreeMap;

pub use domain::policy::{PasswordPolicy, PolicyRule};
pub use user_pools::codes::Delivery;
pub use user_pools::engine::SignUpForm;
use user_pools::signin::Origin;
pub use user_pools::signin::mfa::Associated;

use crate::hosted::{Answer, Authorized};
use crate::ops::{Op, OpCtx};
use crate::{Actor, ApiError, Console, ErrorCode};

/// What a sign-up on the page came to.
#[derive(Debug, Clone)]
pub struct SignedUp {
    /// The pre sign-up hook confirmed the user: no code to enter.
    pub confirmed: bool,
    /// Where the confirmation code went (None when confirmed, or nothing could take a code).
    pub delivery: Option<Delivery>,
}

fn origin(ip: &str) -> Origin {
    Origin {
        ip: Some(ip.to_string()),
        client_metadata: serde_json::Value::Null,
    }
}

fn internal(message: &str) -> ApiError {
    ApiError::new(ErrorCode::InternalErrorException, message)
}

impl Console {
    fn page_call<T>(
        &self,
        op: Op,
        ip: &str,
        f: impl FnOnce(&user_pools::engine::Engine<'_>) -> user_pools::Result<T>,
    ) -> Result<T, ApiError> {
        let actor = Actor::endpoint(ip);
        let ctx = OpCtx { op, actor: &actor };
        self.engine(&ctx, f)
    }

    /// Whether users may sign themselves up in `pool_id` (not `AllowAdminCreateUserOnly`), for
    /// the sign-in page's "Sign up" link. A pool that cannot be read shows no link.
    pub fn hosted_self_sign_up(&self, pool_id: &str) -> bool {
        self.read(|r| Ok(storage::pools::get(r, pool_id)?))
            .ok()
            .flatten()
            .is_some_and(|p| {
                !p.config
                    .settings
                    .admin_create_user_config
                    .allow_admin_create_user_only
            })
    }

    /// The sign-up form of an authorized request's pool.
    pub fn hosted_sign_up_form(&self, a: &Authorized) -> SignUpForm {
        SignUpForm::of(&a.sc)
    }

    /// Whether the request's client hides whether a user exists
    /// (`PreventUserExistenceErrors: ENABLED`).
    pub fn hosted_hides_users(&self, a: &Authorized) -> bool {
        a.sc.client.settings.prevent_user_existence_errors
            == domain::client::PreventUserExistenceErrors::Enabled
    }

    /// `/signup`, from `ip`.
    #[allow(clippy::too_many_arguments)]
    pub fn hosted_sign_up(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<SignedUp, ApiError> {
        let (user, delivery) = self.page_call(Op::SignUp, ip, |e| {
            e.hosted_sign_up(
                pool_id,
                client_id,
                username,
                password,
                attributes,
                &origin(ip),
            )
        })?;
        Ok(SignedUp {
            confirmed: user.status == domain::user::UserStatus::Confirmed,
            delivery,
        })
    }

    /// `/confirmUser`, from `ip`.
    pub fn hosted_confirm_sign_up(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
        code: &str,
    ) -> Result<(), ApiError> {
        self.page_call(Op::ConfirmSignUp, ip, |e| {
            e.hosted_confirm_sign_up(pool_id, client_id, username, code, &origin(ip))
        })
    }

    /// `/confirmUser`'s "send a new code", from `ip`.
    pub fn hosted_resend_code(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> Result<Delivery, ApiError> {
        self.page_call(Op::ResendConfirmationCode, ip, |e| {
            e.hosted_resend_code(pool_id, client_id, username)
        })
    }

    /// `/forgotPassword`, from `ip`.
    pub fn hosted_forgot_password(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> Result<Delivery, ApiError> {
        self.page_call(Op::ForgotPassword, ip, |e| {
            e.hosted_forgot_password(pool_id, client_id, username)
        })
    }

    /// `/confirmForgotPassword`, from `ip`.
    pub fn hosted_confirm_forgot_password(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), ApiError> {
        self.page_call(Op::ConfirmForgotPassword, ip, |e| {
            e.hosted_confirm_forgot_password(pool_id, client_id, username, code, new_password)
        })
    }

    /// The MFA set-up page: a new authenticator secret for an `MFA_SETUP` session of
    /// `client_id`.
    pub fn hosted_setup_associate(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        session: &str,
    ) -> Result<Associated, ApiError> {
        self.page_call(Op::AssociateSoftwareToken, ip, |e| {
            e.hosted_setup_associate(pool_id, client_id, session)
        })
    }

    /// The MFA set-up page's code: verifies the authenticator and finishes the sign-in.
    pub fn hosted_setup_verify(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<Answer, ApiError> {
        self.page_call(Op::VerifySoftwareToken, ip, |e| {
            e.hosted_setup_verify(pool_id, client_id, session, username, code, &origin(ip))
        })
    }

    /// A sign-in the pages finished (its refresh token names it): the browser's sealed
    /// session cookie, and where the authorize request goes now (a code, or implicit tokens).
    pub fn hosted_finish(
        &self,
        a: &Authorized,
        refresh_token: &str,
    ) -> Result<(String, String), ApiError> {
        let pool_id = a.sc.pool.id.as_str();
        let cookie = self
            .hosted_session_cookie(pool_id, refresh_token)?
            .ok_or_else(|| internal("the sign-in was not stored"))?;
        let session = self
            .hosted_session(pool_id, &cookie)?
            .ok_or_else(|| internal("the sign-in was not stored"))?;
        let location = self.oauth_authorize_signed_in(a, &session)?;
        Ok((location, cookie))
    }
}
