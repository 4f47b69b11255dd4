//! Sign-up and recovery as their operations run them: the checks and the slow hash before the
//! write, the hooks around it (pre sign-up and custom message before, post confirmation
//! after), and the write with its audit record.

use domain::UserPoolId;
use std::collections::BTreeMap;

use domain::risk::EventFilter;
use domain::user::UserStatus;
use serde_json::Value;
use storage::users::UserRow;

use super::{Engine, Entry};
use crate::codes::Delivery;
use crate::signin::{self, Origin, Step};
use crate::users::{self, NewPassword};
use crate::{Error, Result, hooks, invalid, passwords, require_pool, signup};

/// A `SignUp` as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct SignUpInput<'a> {
    pub client_id: &'a str,
    pub secret_hash: Option<&'a str>,
    pub username: &'a str,
    pub password: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    pub validation_data: &'a BTreeMap<String, String>,
    /// `ClientMetadata` for the hooks (`null` when absent).
    pub client_metadata: &'a Value,
}

/// Who a public recovery call names: the app client, the name given, and the `SECRET_HASH`.
#[derive(Debug, Clone, Copy)]
pub struct ClientUser<'a> {
    pub client_id: &'a str,
    pub username: &'a str,
    pub secret_hash: Option<&'a str>,
}

impl Engine<'_> {
    /// The client and the user a recovery call names, once its `SECRET_HASH` is checked.
    fn client_user(&self, who: &ClientUser<'_>) -> Result<(signin::SignInClient, UserRow)> {
        let (sc, user) = self.read(|r| {
            let sc = signin::client(r, who.client_id, None)?;
            let user = signup::find(r, &sc.pool, who.username);
            Ok((sc, user))
        })?;
        let user = user?;
        signin::check_secret_hash(
            self.master,
            &sc.client,
            &[who.username, user.username.as_str()],
            who.secret_hash,
        )?;
        Ok((sc, user))
    }

    /// `SignUp`: an `UNCONFIRMED` user (or a confirmed one, if the pre sign-up hook says so)
    /// and a confirmation code.
    pub fn sign_up(
        &self,
        req: &SignUpInput<'_>,
        origin: &Origin,
    ) -> Result<(UserRow, Option<Delivery>)> {
        let sc = self.read(|r| signin::client(r, req.client_id, None))?;
        signin::check_secret_hash(self.master, &sc.client, &[req.username], req.secret_hash)?;
        users::check_password(&sc.pool, "Password", req.password)?;
        let compromised =
            self.check_new_password(&sc.pool, EventFilter::SignUp, "Password", req.password)?;
        let client_id = Some(sc.client.client_id.as_str());
        let hook = self.pre_sign_up(
            &sc.pool,
            client_id,
            "PreSignUp_SignUp",
            req.username,
            req.attributes,
            req.validation_data,
            req.client_metadata.clone(),
        )?;
        let message = if hook.auto_confirm_user {
            None
        } else {
            self.custom_message(
                &sc.pool,
                client_id,
                "CustomMessage_SignUp",
                req.username,
                hooks::string_map(req.attributes),
                req.client_metadata.clone(),
            )?
        };
        let password = NewPassword {
            clear: req.password,
            hash: passwords::hash(req.password)?,
        };
        let link = self.confirm_link(&sc)?;
        self.audited(Entry::of(&sc.pool.id, req.username), |tx| {
            let (user, delivery) = signup::sign_up(
                tx,
                &self.ctx,
                &sc,
                &signup::SignUp {
                    username: req.username,
                    password_hash: &password.hash,
                    attributes: req.attributes,
                    hook,
                    message: message.as_ref(),
                    link: link.as_ref(),
                },
            )?;
            let mut step = Step::new(self.now(), origin);
            step.compromised = compromised;
            signin::record_event(tx, &user, &sc.client, &step, "SignUp", "Pass", None)?;
            users::remember_password(tx, self.master, &sc.pool.id, &user, &password)?;
            let name = user.username.clone();
            Ok(((user, delivery), Some(name)))
        })
    }

    /// `ConfirmSignUp`, then the post confirmation hook.
    pub fn confirm_sign_up(
        &self,
        who: &ClientUser<'_>,
        code: &str,
        client_metadata: Value,
        origin: &Origin,
    ) -> Result<()> {
        let (sc, user) = self.client_user(who)?;
        let confirmed = self.recorded(Entry::of(&sc.pool.id, &user.username), |tx| {
            let step = Step::new(self.now(), origin);
            signup::confirm_sign_up(tx, &sc, who.username, code, &step)
        })?;
        self.post_confirmation(
            &sc.pool,
            Some(&sc.client.client_id),
            &confirmed,
            "PostConfirmation_ConfirmSignUp",
            client_metadata,
        )
    }

    /// `ResendConfirmationCode`.
    pub fn resend_confirmation_code(
        &self,
        who: &ClientUser<'_>,
        client_metadata: Value,
    ) -> Result<Delivery> {
        let (sc, user) = self.client_user(who)?;
        let message = self.custom_message(
            &sc.pool,
            Some(&sc.client.client_id),
            "CustomMessage_ResendCode",
            &user.username,
            hooks::user_attributes(&user),
            client_metadata,
        )?;
        let link = self.confirm_link(&sc)?;
        let delivery = self.audited(Entry::of(&sc.pool.id, &user.username), |tx| {
            let d = signup::resend_confirmation(
                tx,
                &sc,
                who.username,
                self.now(),
                message.as_ref(),
                link.as_ref(),
            )?;
            Ok((d, None))
        })?;
        delivery.ok_or_else(|| {
            invalid(
                "Username",
                "the pool verifies no attribute this user has, so no code can be sent; an \
                 administrator can confirm the user (AdminConfirmSignUp)",
            )
        })
    }

    /// `AdminConfirmSignUp`, then the post confirmation hook.
    pub fn admin_confirm_sign_up(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        client_metadata: Value,
    ) -> Result<()> {
        let (pool, user) = self.audited(Entry::of(pool_id, username), |tx| {
            let pool = require_pool(tx, pool_id)?;
            let user = signup::admin_confirm(tx, &pool, username, self.now())?;
            Ok(((pool, user), None))
        })?;
        self.post_confirmation(
            &pool,
            None,
            &user,
            "PostConfirmation_ConfirmSignUp",
            client_metadata,
        )
    }

    /// `ForgotPassword`: a reset code to the user's verified email or phone. A user the pool
    /// does not have may come from the migration hook.
    pub fn forgot_password(
        &self,
        who: &ClientUser<'_>,
        client_metadata: Value,
    ) -> Result<Delivery> {
        let sc = self.read(|r| signin::client(r, who.client_id, None))?;
        let find = || self.read(|r| signup::find(r, &sc.pool, who.username));
        let user = match find() {
            Ok(u) => u,
            Err(Error::UserNotFound) => {
                signin::check_secret_hash(
                    self.master,
                    &sc.client,
                    &[who.username],
                    who.secret_hash,
                )?;
                if !self.migrate_user(&sc, who.username, None, client_metadata.clone())? {
                    return Err(signin::unknown_user(&sc.client));
                }
                find()?
            }
            Err(e) => return Err(e),
        };
        signin::check_secret_hash(
            self.master,
            &sc.client,
            &[who.username, user.username.as_str()],
            who.secret_hash,
        )?;
        let message = self.custom_message(
            &sc.pool,
            Some(&sc.client.client_id),
            "CustomMessage_ForgotPassword",
            &user.username,
            hooks::user_attributes(&user),
            client_metadata,
        )?;
        self.audited(Entry::of(&sc.pool.id, &user.username), |tx| {
            let d = signup::forgot_password(tx, &sc, &user, self.now(), message.as_ref())?;
            Ok((d, None))
        })
    }

    /// `ConfirmForgotPassword`: the code and the new password, then the post confirmation
    /// hook.
    pub fn confirm_forgot_password(
        &self,
        who: &ClientUser<'_>,
        code: &str,
        new_password: &str,
        client_metadata: Value,
    ) -> Result<()> {
        let (sc, user) = self.client_user(who)?;
        users::check_password(&sc.pool, "Password", new_password)?;
        self.check_new_password(
            &sc.pool,
            EventFilter::PasswordChange,
            "Password",
            new_password,
        )?;
        let password = NewPassword {
            clear: new_password,
            hash: passwords::hash(new_password)?,
        };
        self.recorded(Entry::of(&sc.pool.id, &user.username), |tx| {
            signup::confirm_forgot_password(
                tx,
                self.master,
                &sc.pool,
                &user,
                code,
                &password,
                self.now(),
            )
        })?;
        let user = self.read(|r| signup::find(r, &sc.pool, &user.username))?;
        self.post_confirmation(
            &sc.pool,
            Some(&sc.client.client_id),
            &user,
            "PostConfirmation_ConfirmForgotPassword",
            client_metadata,
        )
    }

    /// `AdminResetUserPassword`: `RESET_REQUIRED`, a reset code, and every session ended.
    pub fn admin_reset_user_password(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        client_metadata: Value,
    ) -> Result<()> {
        let entry = Entry::of(pool_id, username);
        // The custom message hook is asked before the write, as for ForgotPassword. A pool or
        // user that does not resolve here fails in the write, in the engine's order.
        let message = match self.read(|r| {
            let pool = require_pool(r, pool_id)?;
            let user = signup::find(r, &pool, username)?;
            Ok((pool, user))
        }) {
            Ok((pool, user)) => self
                .custom_message(
                    &pool,
                    None,
                    "CustomMessage_ForgotPassword",
                    &user.username,
                    hooks::user_attributes(&user),
                    client_metadata,
                )
                .inspect_err(|e| self.audit.record_refusal(&entry, e))?,
            Err(_) => None,
        };
        self.audited(entry, |tx| {
            let pool = require_pool(tx, pool_id)?;
            signup::admin_reset_password(tx, &pool, username, self.now(), message.as_ref())?;
            Ok(((), None))
        })
    }

    /// `ChangePassword`: the signed-in user replaces their password. A wrong previous password
    /// counts toward the lockout, as a wrong sign-in does.
    pub fn change_password(
        &self,
        access_token: &str,
        previous: Option<&str>,
        proposed: &str,
    ) -> Result<()> {
        const FIELD: &str = "ProposedPassword";
        let (pool, a) = self.authenticated(access_token)?;
        let previous = previous
            .filter(|p| !p.is_empty())
            .ok_or_else(|| invalid("PreviousPassword", "is required"))?;
        let ok = match &a.user.password_hash {
            Some(h) => passwords::verify(previous, h)?,
            None => false,
        };
        if !ok {
            let now = self.now();
            self.write(|tx| signin::count_failure(tx, &a.user, now))?;
            return Err(Error::NotAuthorized(
                "Incorrect username or password.".into(),
            ));
        }
        users::check_password(&pool, FIELD, proposed)?;
        self.check_new_password(&pool, EventFilter::PasswordChange, FIELD, proposed)?;
        let password = NewPassword {
            clear: proposed,
            hash: passwords::hash(proposed)?,
        };
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            users::set_password(
                tx,
                self.master,
                &pool,
                &a.user,
                &password,
                UserStatus::Confirmed,
                self.now(),
            )?;
            Ok(((), None))
        })
    }
}
