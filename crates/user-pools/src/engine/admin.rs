//! The administrator's operations that call hooks or set passwords: `AdminCreateUser` and
//! `AdminSetUserPassword`. The checks, hooks and hash come before the write; a refusal among
//! them is audited too.

use domain::UserPoolId;
use std::collections::BTreeMap;

use domain::risk::EventFilter;
use serde_json::Value;
use storage::users::UserRow;

use super::{Engine, Entry};
use crate::users::{self, AdminCreate, Medium, MessageAction, NewPassword};
use crate::{Result, hooks, passwords, require_pool};

/// An `AdminCreateUser` as the administrator sent it.
#[derive(Debug, Clone)]
pub struct AdminCreateInput<'a> {
    pub username: &'a str,
    pub attributes: BTreeMap<String, String>,
    pub validation_data: &'a BTreeMap<String, String>,
    /// `ClientMetadata` for the hooks (`null` when absent).
    pub client_metadata: &'a Value,
    /// A temporary password to use rather than a generated one.
    pub temporary_password: Option<&'a str>,
    pub message_action: MessageAction,
    pub mediums: Vec<Medium>,
    pub force_alias_creation: bool,
}

impl Engine<'_> {
    /// `AdminCreateUser`. The temporary password is checked and hashed before the write;
    /// without one and with the invitation suppressed, no password is set.
    pub fn admin_create_user(
        &self,
        pool_id: &UserPoolId,
        req: AdminCreateInput<'_>,
    ) -> Result<UserRow> {
        let entry = Entry::of(pool_id, req.username);
        let prepared = self
            .prepare_create(pool_id, req)
            .inspect_err(|e| self.audit.record_refusal(&entry, e))?;
        let (create, clear) = prepared;
        self.audited(entry, |tx| {
            let hash = create.temporary_password.as_ref().map(|(_, h)| h.clone());
            let user = users::admin_create(tx, &self.ctx, pool_id, create)?;
            if let (Some(clear), Some(hash)) = (&clear, hash) {
                let password = NewPassword { clear, hash };
                users::remember_password(tx, self.master, pool_id, &user, &password)?;
            }
            let name = user.username.clone();
            Ok((user, Some(name)))
        })
    }

    /// What `AdminCreateUser` decides before its write: the hooks' answers, and the temporary
    /// password (in clear, for the invitation and the SRP verifier) with its hash.
    fn prepare_create(
        &self,
        pool_id: &UserPoolId,
        req: AdminCreateInput<'_>,
    ) -> Result<(AdminCreate, Option<String>)> {
        let mut attrs = req.attributes;
        let action = req.message_action;
        let pool = self.read(|r| require_pool(r, pool_id))?;
        if action != MessageAction::Resend {
            self.pre_sign_up(
                &pool,
                None,
                "PreSignUp_AdminCreateUser",
                req.username,
                &attrs,
                req.validation_data,
                req.client_metadata.clone(),
            )?
            .verify_into(&mut attrs);
        }
        let clear = match req.temporary_password {
            Some(pw) => {
                users::check_password(&pool, "TemporaryPassword", pw)?;
                Some(pw.to_string())
            }
            None if users::needs_generated_password(action, false) => Some(
                passwords::generate_temporary(&pool.config.settings.policies.password_policy),
            ),
            None => None,
        };
        let temporary_password = match &clear {
            Some(c) => Some((c.clone(), passwords::hash(c)?)),
            None => None,
        };
        let message = if temporary_password.is_some() && action != MessageAction::Suppress {
            self.custom_message(
                &pool,
                None,
                "CustomMessage_AdminCreateUser",
                req.username,
                hooks::string_map(&attrs),
                req.client_metadata.clone(),
            )?
        } else {
            None
        };
        let create = AdminCreate {
            message,
            username: req.username.to_string(),
            attributes: attrs,
            temporary_password,
            message_action: action,
            mediums: req.mediums,
            force_alias_creation: req.force_alias_creation,
        };
        Ok((create, clear))
    }

    /// `AdminSetUserPassword`: permanent, or temporary (`FORCE_CHANGE_PASSWORD`).
    pub fn admin_set_user_password(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        password: &str,
        kind: users::PasswordKind,
    ) -> Result<()> {
        let entry = Entry::of(pool_id, username);
        let hashed = (|| {
            let (pool, _) = self.read(|r| users::get(r, pool_id, username))?;
            users::check_password(&pool, "Password", password)?;
            self.check_new_password(&pool, EventFilter::PasswordChange, "Password", password)?;
            passwords::hash(password)
        })();
        let password = NewPassword {
            clear: password,
            hash: hashed.inspect_err(|e| self.audit.record_refusal(&entry, e))?,
        };
        self.audited(entry, |tx| {
            users::admin_set_password(
                tx,
                &self.ctx,
                self.master,
                pool_id,
                username,
                &password,
                kind,
            )?;
            Ok(((), None))
        })
    }
}
