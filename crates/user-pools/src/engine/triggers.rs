//! The hooks a sign-in or sign-up calls: pre sign-up, custom message, user migration, pre and
//! post authentication, post confirmation. Pre token generation is `finish`'s.

use std::collections::BTreeMap;

use domain::hooks::Trigger;
use serde_json::{Value, json};
use storage::pools::PoolRow;
use storage::users::UserRow;

use super::call::HookCall;
use super::{Engine, Entry};
use crate::signin::{SignInClient, srp};
use crate::{Error, Result, hooks, passwords, users};

impl Engine<'_> {
    /// The pre authentication hook: may refuse a known user's sign-in before the password is
    /// looked at.
    pub(crate) fn pre_authentication(
        &self,
        sc: &SignInClient,
        user: &UserRow,
        client_metadata: &Value,
    ) -> Result<()> {
        self.call_hook(
            &sc.pool,
            Trigger::PreAuthentication,
            || HookCall {
                source: "PreAuthentication_Authentication",
                username: &user.username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::authentication_request(
                    user,
                    json!({"validationData": null, "userNotFound": false}),
                    client_metadata.clone(),
                ),
                response: json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }

    /// The pre sign-up hook (`SignUp`, `AdminCreateUser`): what it decided, or nothing decided
    /// when the pool has no hook.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pre_sign_up(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        source: &str,
        username: &str,
        attributes: &BTreeMap<String, String>,
        validation_data: &BTreeMap<String, String>,
        client_metadata: Value,
    ) -> Result<hooks::PreSignUp> {
        Ok(self
            .call_hook(
                pool,
                Trigger::PreSignUp,
                || HookCall {
                    source,
                    username,
                    client_id,
                    version: "1",
                    request: hooks::pre_sign_up_request(
                        attributes,
                        hooks::string_map(validation_data),
                        client_metadata,
                    ),
                    response: hooks::pre_sign_up_response(),
                },
                |r| Ok((hooks::read_pre_sign_up(r, attributes)?, Vec::new())),
            )?
            .unwrap_or_default())
    }

    /// The custom message hook's text for a message about to be sent (`None`: no hook).
    pub(crate) fn custom_message(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        source: &str,
        username: &str,
        attributes: Value,
        client_metadata: Value,
    ) -> Result<Option<hooks::CustomText>> {
        let invitation = source == "CustomMessage_AdminCreateUser";
        self.call_hook(
            pool,
            Trigger::CustomMessage,
            || HookCall {
                source,
                username,
                client_id,
                version: "1",
                request: hooks::custom_message_request(attributes, invitation, client_metadata),
                response: hooks::custom_message_response(),
            },
            |r| Ok((hooks::read_custom_message(r, invitation)?, Vec::new())),
        )
    }

    /// Asks the pool's user migration hook for a user this pool does not have, and creates
    /// them (audited as `UserMigration`). `Ok(false)`: no hook, or the hook does not know the
    /// user either (an error answer, which Cognito reads as "not found"). `password` is the
    /// one the user signs in with; none in the forgotten-password flow.
    pub(crate) fn migrate_user(
        &self,
        sc: &SignInClient,
        username: &str,
        password: Option<&str>,
        client_metadata: Value,
    ) -> Result<bool> {
        if sc
            .pool
            .config
            .settings
            .lambda_config
            .url(Trigger::UserMigration)
            .is_none()
        {
            return Ok(false);
        }
        let forgot = password.is_none();
        let answer = self.call_hook(
            &sc.pool,
            Trigger::UserMigration,
            || HookCall {
                source: if forgot {
                    "UserMigration_ForgotPassword"
                } else {
                    "UserMigration_Authentication"
                },
                username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::migration_request(password, Value::Null, client_metadata),
                response: hooks::migration_response(),
            },
            |r| hooks::read_migration(r, forgot),
        );
        let migration = match answer {
            Ok(Some(m)) => m,
            Ok(None) | Err(Error::UserLambdaValidation(_)) => return Ok(false),
            Err(e) => return Err(e),
        };
        if let Some(p) = password {
            users::check_password(&sc.pool, "AuthParameters.PASSWORD", p)?;
        }
        let hash = password.map(passwords::hash).transpose()?;
        let entry = Entry {
            side: Some("UserMigration"),
            pool_id: Some(&sc.pool.id),
            target: Some(username),
        };
        self.audited(entry, |tx| {
            let user = users::migrate(
                tx,
                &self.ctx,
                &sc.pool,
                username,
                &migration,
                hash.as_deref(),
            )?;
            if let Some(p) = password {
                srp::remember(tx, self.master, &sc.pool.id, &user, p)?;
            }
            Ok(((), Some(user.username)))
        })?;
        Ok(true)
    }

    /// The post confirmation hook, after a sign-up or a forgotten password is confirmed. The
    /// confirmation stands whatever the hook answers; its error is still the caller's answer,
    /// as in Cognito.
    pub(crate) fn post_confirmation(
        &self,
        pool: &PoolRow,
        client_id: Option<&str>,
        user: &UserRow,
        source: &str,
        client_metadata: Value,
    ) -> Result<()> {
        self.call_hook(
            pool,
            Trigger::PostConfirmation,
            || HookCall {
                source,
                username: &user.username,
                client_id,
                version: "1",
                request: hooks::authentication_request(user, json!({}), client_metadata),
                response: json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }

    /// The post authentication hook, for a new sign-in (not a refresh): an error answer
    /// refuses the sign-in.
    pub(crate) fn post_authentication(
        &self,
        sc: &SignInClient,
        user: &UserRow,
        client_metadata: &Value,
    ) -> Result<()> {
        self.call_hook(
            &sc.pool,
            Trigger::PostAuthentication,
            || HookCall {
                source: "PostAuthentication_Authentication",
                username: &user.username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::authentication_request(
                    user,
                    json!({"newDeviceUsed": false}),
                    client_metadata.clone(),
                ),
                response: json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }
}
