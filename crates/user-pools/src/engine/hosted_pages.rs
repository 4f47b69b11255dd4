//! The hosted pages beyond sign-in (`/signup`, `/confirmUser`, `/forgotPassword`,
//! `/confirmForgotPassword`, the MFA set-up page): the same flows as `SignUp`,
//! `ConfirmSignUp`, `ResendConfirmationCode`, `ForgotPassword`, `ConfirmForgotPassword`,
//! `AssociateSoftwareToken` and `VerifySoftwareToken`, for an app client's pages. The browser
//! never holds the client's secret: the `SECRET_HASH` is made here with the client's newest
//! secret, as the sign-in page's is.

use std::collections::BTreeMap;

use domain::policy::PasswordPolicy;
use domain::pool::UsernameAttribute;
use storage::users::UserRow;

use super::Engine;
use super::finish::Answer;
use super::recovery::{ClientUser, SignUpInput};
use crate::codes::Delivery;
use crate::signin::{self, Origin, SignInClient, mfa};
use crate::{Error, Result};

/// What a pool's sign-up page asks for.
#[derive(Debug, Clone)]
pub struct SignUpForm {
    /// The sign-in names the pool takes as the username (`email`, `phone_number`); empty when
    /// users choose a username.
    pub username_attributes: Vec<&'static str>,
    /// The schema's required attributes (besides the one that is the username).
    pub required: Vec<String>,
    pub policy: PasswordPolicy,
    /// `AllowAdminCreateUserOnly`: users cannot sign themselves up.
    pub admin_only: bool,
    /// The pool confirms sign-ups by email with a link (`CONFIRM_WITH_LINK`) rather than a
    /// code to type.
    pub by_link: bool,
}

impl SignUpForm {
    /// The sign-up form of `sc`'s pool.
    pub fn of(sc: &SignInClient) -> SignUpForm {
        let config = &sc.pool.config;
        let username_attributes: Vec<&'static str> = config
            .username_attributes
            .iter()
            .map(|a| match a {
                UsernameAttribute::Email => "email",
                UsernameAttribute::PhoneNumber => "phone_number",
            })
            .collect();
        let required = config
            .schema_attributes
            .iter()
            .filter(|a| a.is_required() && a.name != "sub")
            // With a single sign-in attribute, the username field is that attribute.
            .filter(|a| !(username_attributes.len() == 1 && username_attributes[0] == a.name))
            .map(|a| a.name.clone())
            .collect();
        SignUpForm {
            username_attributes,
            required,
            policy: config.settings.policies.password_policy.clone(),
            admin_only: config
                .settings
                .admin_create_user_config
                .allow_admin_create_user_only,
            by_link: config
                .settings
                .verification_message_template
                .default_email_option
                == domain::pool::DefaultEmailOption::ConfirmWithLink,
        }
    }
}

impl Engine<'_> {
    fn page_client(&self, pool_id: &str, client_id: &str) -> Result<SignInClient> {
        self.read(|r| signin::client(r, client_id, Some(pool_id)))
    }

    /// `/signup`: `SignUp` for the pool's app client (hooks, the breached-password check,
    /// `AllowAdminCreateUserOnly`).
    pub fn hosted_sign_up(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
        attributes: &BTreeMap<String, String>,
        origin: &Origin,
    ) -> Result<(UserRow, Option<Delivery>)> {
        let sc = self.page_client(pool_id, client_id)?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        self.sign_up(
            &SignUpInput {
                client_id,
                secret_hash: hash.as_deref(),
                username,
                password,
                attributes,
                validation_data: &BTreeMap::new(),
                client_metadata: &serde_json::Value::Null,
            },
            origin,
        )
    }

    /// `/confirmUser`: `ConfirmSignUp`, then the post confirmation hook.
    pub fn hosted_confirm_sign_up(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        code: &str,
        origin: &Origin,
    ) -> Result<()> {
        let sc = self.page_client(pool_id, client_id)?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        let who = ClientUser {
            client_id,
            username,
            secret_hash: hash.as_deref(),
        };
        self.confirm_sign_up(&who, code, serde_json::Value::Null, origin)
    }

    /// `/confirmUser`'s "send a new code": `ResendConfirmationCode`.
    pub fn hosted_resend_code(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> Result<Delivery> {
        let sc = self.page_client(pool_id, client_id)?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        let who = ClientUser {
            client_id,
            username,
            secret_hash: hash.as_deref(),
        };
        self.resend_confirmation_code(&who, serde_json::Value::Null)
    }

    /// `/forgotPassword`: `ForgotPassword`.
    pub fn hosted_forgot_password(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> Result<Delivery> {
        let sc = self.page_client(pool_id, client_id)?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        let who = ClientUser {
            client_id,
            username,
            secret_hash: hash.as_deref(),
        };
        self.forgot_password(&who, serde_json::Value::Null)
    }

    /// `/confirmForgotPassword`: `ConfirmForgotPassword`, then the post confirmation hook.
    pub fn hosted_confirm_forgot_password(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<()> {
        let sc = self.page_client(pool_id, client_id)?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        let who = ClientUser {
            client_id,
            username,
            secret_hash: hash.as_deref(),
        };
        self.confirm_forgot_password(&who, code, new_password, serde_json::Value::Null)
    }

    /// Checks that an `MFA_SETUP` session belongs to `client_id` of `pool_id`: a page of one
    /// client cannot go on with another's sign-in.
    fn page_setup_session(&self, pool_id: &str, client_id: &str, session: &str) -> Result<()> {
        let now = self.now();
        let (sc, _) =
            self.read(|r| signin::open_session_by_handle(r, session, signin::MFA_SETUP, now))?;
        if sc.pool.id.as_str() != pool_id || sc.client.client_id != client_id {
            return Err(Error::NotAuthorized("Invalid session".into()));
        }
        Ok(())
    }

    /// The MFA set-up page: `AssociateSoftwareToken` with the `MFA_SETUP` session.
    pub fn hosted_setup_associate(
        &self,
        pool_id: &str,
        client_id: &str,
        session: &str,
    ) -> Result<mfa::Associated> {
        self.page_setup_session(pool_id, client_id, session)?;
        Ok(self.associate_software_token(None, Some(session))?.0)
    }

    /// The MFA set-up page's code: `VerifySoftwareToken` with the session, then
    /// `RespondToAuthChallenge` `MFA_SETUP` to finish the sign-in.
    pub fn hosted_setup_verify(
        &self,
        pool_id: &str,
        client_id: &str,
        session: &str,
        username: &str,
        code: &str,
        origin: &Origin,
    ) -> Result<Answer> {
        self.page_setup_session(pool_id, client_id, session)?;
        self.verify_software_token(None, Some(session), code)?;
        self.hosted_respond(
            pool_id,
            client_id,
            signin::MFA_SETUP,
            session,
            &[("USERNAME", username)],
            origin,
        )
    }
}
