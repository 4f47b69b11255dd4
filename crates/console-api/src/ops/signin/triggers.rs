//! The hooks a sign-in or sign-up calls: pre sign-up, custom message, user migration, pre and
//! post authentication, post confirmation.

use std::collections::BTreeMap;

use domain::hooks::Trigger;
use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::signin::{Origin, SignIn, SignInClient};
use user_pools::{hooks, passwords, users};

use super::flow::*;
use crate::hooks::HookCall;
use crate::ops::shared::*;
use crate::{Actor, ApiError, Console, ErrorCode};

impl Console {
    /// The pre authentication hook: may refuse a known user's sign-in before the password is
    /// looked at.
    pub(crate) fn pre_authentication(
        &self,
        sc: &SignInClient,
        user: &UserRow,
        origin: &Origin,
    ) -> Result<(), ApiError> {
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
                    serde_json::json!({"validationData": null, "userNotFound": false}),
                    origin.client_metadata.clone(),
                ),
                response: serde_json::json!({}),
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
        validation_data: &[AttributeType],
        client_metadata: serde_json::Value,
    ) -> Result<hooks::PreSignUp, ApiError> {
        let validation = crate::ops::shared::attribute_map("ValidationData", validation_data)?;
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
                        hooks::string_map(&validation),
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
        attributes: serde_json::Value,
        client_metadata: serde_json::Value,
    ) -> Result<Option<hooks::CustomText>, ApiError> {
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
    /// them. `Ok(false)`: no hook, or the hook does not know the user either (an error answer,
    /// which Cognito reads as "not found").
    pub(crate) fn migrate_user(
        &self,
        actor: &Actor,
        sc: &SignInClient,
        username: &str,
        password: Option<&str>,
        client_metadata: serde_json::Value,
    ) -> Result<bool, ApiError> {
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
                request: hooks::migration_request(
                    password,
                    serde_json::Value::Null,
                    client_metadata,
                ),
                response: hooks::migration_response(),
            },
            |r| hooks::read_migration(r, forgot),
        );
        let migration = match answer {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(false),
            Err(e) if e.code == ErrorCode::UserLambdaValidationException => return Ok(false),
            Err(e) => return Err(e),
        };
        if let Some(p) = password {
            users::check_password(&sc.pool, p).map_err(|e| {
                let mut err = ApiError::from(e);
                err.field = Some("AuthParameters.PASSWORD".into());
                err
            })?;
        }
        let hash = password.map(passwords::hash).transpose()?;
        self.write_audited_as(
            actor,
            "UserMigration",
            Some(&sc.pool.id),
            Some(username),
            |tx, ctx| {
                let user =
                    users::migrate(tx, ctx, &sc.pool, username, &migration, hash.as_deref())?;
                if let Some(p) = password {
                    self.remember_srp(tx, &sc.pool.id, &user, p)?;
                }
                Ok(((), Some(user.username)))
            },
        )?;
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
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<(), ApiError> {
        self.call_hook(
            pool,
            Trigger::PostConfirmation,
            || HookCall {
                source,
                username: &user.username,
                client_id,
                version: "1",
                request: hooks::authentication_request(
                    user,
                    serde_json::json!({}),
                    metadata(client_metadata),
                ),
                response: serde_json::json!({}),
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
        s: &SignIn,
        origin: &Origin,
    ) -> Result<(), ApiError> {
        if s.refresh_token.is_none() {
            return Ok(());
        }
        self.call_hook(
            &sc.pool,
            Trigger::PostAuthentication,
            || HookCall {
                source: "PostAuthentication_Authentication",
                username: &s.user.username,
                client_id: Some(&sc.client.client_id),
                version: "1",
                request: hooks::authentication_request(
                    &s.user,
                    serde_json::json!({"newDeviceUsed": false}),
                    origin.client_metadata.clone(),
                ),
                response: serde_json::json!({}),
            },
            |_| Ok(((), Vec::new())),
        )?;
        Ok(())
    }
}
