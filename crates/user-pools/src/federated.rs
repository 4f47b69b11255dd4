//! The user a federated sign-in becomes, once the provider's token or assertion has been
//! checked (by `federation`): the native user the provider identity was linked to with
//! `AdminLinkProviderForUser`, or the `<ProviderName>_<subject>` user (`EXTERNAL_PROVIDER`),
//! created on the first sign-in and its mapped attributes refreshed on every one. A new
//! federated user joins the pool's `<poolId>_<ProviderName>` group, a real group that
//! `ListGroups` shows and the tokens' `cognito:groups` carry, as Cognito does; its
//! `identities` attribute is Cognito's JSON array.
//!
//! [`federated_user`] is the write, inside the caller's transaction; [`Engine::federated_sign_in`]
//! runs the pool's pre sign-up hook (`PreSignUp_ExternalProvider`) before it when the user is
//! new, outside any transaction.

use std::collections::BTreeMap;

use domain::UserPoolId;
use domain::idp::{self, COGNITO_SUBJECT, ProviderType};
use domain::schema::{self, AttributeWrite};
use domain::user::UserStatus;
use serde_json::{Map, Value, json};
use storage::groups::GroupFields;
use storage::idps::{self as store, IdpRow};
use storage::pools::PoolRow;
use storage::users::{NewUser, UserRow};
use storage::{Read, Tx};

use crate::engine::{Engine, Entry};
use crate::signin::{self, Origin, SignInClient, Step};
use crate::{Ctx, Error, Result, require_pool};

/// What a federated sign-in found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The identity is linked to this (native or federated) user.
    Linked,
    /// The `<ProviderName>_<subject>` user existed; its mapped attributes were refreshed.
    Updated,
    /// The `<ProviderName>_<subject>` user was created.
    Created,
}

/// The user a federated sign-in answers.
#[derive(Debug, Clone)]
pub struct Federated {
    pub user: UserRow,
    pub outcome: Outcome,
}

/// A provider attribute as a string attribute value: strings as they are, booleans and
/// numbers as JSON writes them, anything else as JSON.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.len() == 1 => as_text(&a[0]),
        other => Some(other.to_string()),
    }
}

/// The pool attributes the provider's attributes fill through the mapping (`username` is the
/// subject's and is not an attribute).
pub fn mapped_attributes(
    mapping: &BTreeMap<String, String>,
    provider_attributes: &Map<String, Value>,
) -> BTreeMap<String, String> {
    mapping
        .iter()
        .filter(|(pool_attr, _)| pool_attr.as_str() != "username")
        .filter_map(|(pool_attr, provider_attr)| {
            provider_attributes
                .get(provider_attr)
                .and_then(as_text)
                .map(|v| (pool_attr.clone(), v))
        })
        .collect()
}

fn provider(r: &impl Read, pool: &PoolRow, name: &str) -> Result<(IdpRow, ProviderType)> {
    let p = store::get(r, pool.pk, name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "Identity provider {name} does not exist in user pool {}.",
            pool.id
        ))
    })?;
    let ty = crate::idps::provider_type(&p)?;
    Ok((p, ty))
}

/// The user a link answers for this identity: linked by subject, or (SAML) by another
/// attribute of the assertion.
fn linked_user(
    r: &impl Read,
    pool: &PoolRow,
    provider_name: &str,
    subject: &str,
    attrs: &Map<String, Value>,
) -> Result<Option<UserRow>> {
    for l in store::links_of_provider(r, pool.pk, provider_name)? {
        let value = if l.attribute_name == COGNITO_SUBJECT {
            Some(subject.to_string())
        } else {
            attrs.get(&l.attribute_name).and_then(as_text)
        };
        if value.as_deref() == Some(l.subject.as_str()) {
            return Ok(storage::users::get_by_pk(r, l.user)?);
        }
    }
    Ok(None)
}

/// What a federated sign-in will do, read before any hook is called.
#[derive(Debug, Clone)]
pub enum Plan {
    /// An existing user answers (linked, or the federated user itself).
    Existing(UserRow),
    /// A new federated user with these mapped attributes.
    New {
        username: String,
        attributes: BTreeMap<String, String>,
    },
}

/// Reads what [`federated_user`] would do.
pub fn plan(
    r: &impl Read,
    pool_id: &UserPoolId,
    provider_name: &str,
    subject: &str,
    provider_attributes: &Map<String, Value>,
) -> Result<Plan> {
    let pool = require_pool(r, pool_id)?;
    let (p, _) = provider(r, &pool, provider_name)?;
    if let Some(u) = linked_user(r, &pool, provider_name, subject, provider_attributes)? {
        return Ok(Plan::Existing(u));
    }
    let username = idp::federated_username(provider_name, subject);
    let key = crate::users::username_key(&pool, &username);
    if let Some(u) = storage::users::get(r, pool.pk, &key)? {
        return Ok(Plan::Existing(u));
    }
    Ok(Plan::New {
        username,
        attributes: mapped_attributes(&p.attribute_mapping, provider_attributes),
    })
}

/// The group a provider's users join, created on first use.
fn provider_group(tx: &Tx<'_>, pool: &PoolRow, provider_name: &str, now: i64) -> Result<i64> {
    let name = idp::provider_group_name(&pool.id, provider_name);
    if let Some(g) = storage::groups::get(tx, pool.pk, &name)? {
        return Ok(g.pk);
    }
    let description = format!("Autogenerated group for users who sign in using {provider_name}");
    Ok(storage::groups::insert(
        tx,
        pool.pk,
        &name,
        &GroupFields {
            description: Some(&description),
            precedence: None,
            role_arn: None,
        },
        now,
    )?)
}

/// The user a federated sign-in with `provider_name`'s identity `subject` is, given the
/// provider's attributes (an ID token's claims, a SAML assertion's attributes): the linked
/// user, or the `<ProviderName>_<subject>` user, created or refreshed. `verified`: what a pre
/// sign-up hook auto-verified (attributes of a new user only).
pub fn federated_user(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    provider_name: &str,
    subject: &str,
    provider_attributes: &Map<String, Value>,
    verified: Option<&crate::hooks::PreSignUp>,
) -> Result<Federated> {
    let pool = require_pool(tx, pool_id)?;
    if subject.is_empty() || subject.chars().count() > 128 {
        return Err(Error::NotAuthorized(format!(
            "The {provider_name} identity has no usable subject (1–128 characters)."
        )));
    }
    let (p, ty) = provider(tx, &pool, provider_name)?;
    let now = ctx.clock.now_ms();
    if let Some(u) = linked_user(tx, &pool, provider_name, subject, provider_attributes)? {
        if !u.enabled {
            return Err(Error::NotAuthorized("User is disabled.".into()));
        }
        return Ok(Federated {
            user: u,
            outcome: Outcome::Linked,
        });
    }
    let mut mapped = mapped_attributes(&p.attribute_mapping, provider_attributes);
    schema::check_attributes(
        &pool.config.schema_attributes,
        &mapped,
        AttributeWrite::Create,
        "AttributeMapping",
    )?;
    let username = idp::federated_username(provider_name, subject);
    let key = crate::users::username_key(&pool, &username);
    if let Some(u) = storage::users::get(tx, pool.pk, &key)? {
        if !u.enabled {
            return Err(Error::NotAuthorized("User is disabled.".into()));
        }
        let mut attrs = u.attributes.clone();
        attrs.remove("sub");
        attrs.extend(mapped);
        storage::users::replace_attributes(tx, &u, &attrs, now)?;
        let user = storage::users::get_by_pk(tx, u.pk)?.ok_or(Error::UserNotFound)?;
        return Ok(Federated {
            user,
            outcome: Outcome::Updated,
        });
    }
    if let Some(v) = verified {
        v.verify_into(&mut mapped);
    }
    let issuer = match ty {
        ProviderType::Oidc | ProviderType::Google | ProviderType::SignInWithApple => {
            p.details.get("oidc_issuer").cloned()
        }
        _ => None,
    };
    let identities = json!([{
        "userId": subject,
        "providerName": provider_name,
        "providerType": ty.identities_type(),
        "issuer": issuer,
        "primary": "true",
        "dateCreated": now.to_string(),
    }]);
    mapped.insert("identities".into(), identities.to_string());
    let sub = domain::ids::new_sub();
    let pk = storage::users::insert(
        tx,
        &NewUser {
            pool: pool.pk,
            username: &username,
            username_key: &key,
            sub: &sub,
            status: UserStatus::ExternalProvider,
            enabled: true,
            attributes: &mapped,
            password_hash: None,
            now,
        },
    )
    .map_err(|e| match e {
        storage::Error::Conflict { .. } => Error::UsernameExists,
        other => Error::Storage(other),
    })?;
    let group = provider_group(tx, &pool, provider_name, now)?;
    storage::groups::add_member(tx, group, pk)?;
    let user = storage::users::get_by_pk(tx, pk)?.ok_or(Error::UserNotFound)?;
    Ok(Federated {
        user,
        outcome: Outcome::Created,
    })
}

impl Engine<'_> {
    /// A federated sign-in's user, with the pool's pre sign-up hook
    /// (`PreSignUp_ExternalProvider`) called first when the user is new: a refusal by the hook
    /// creates nothing. The write is audited under the operation the engine was built for.
    pub fn federated_sign_in(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&str>,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
    ) -> Result<Federated> {
        self.federated_sign_in_then(
            pool_id,
            client_id,
            provider_name,
            subject,
            provider_attributes,
            |_, _| Ok(()),
        )
        .map(|(f, ())| f)
    }

    /// A federated sign-in on the hosted pages: [`Engine::federated_sign_in`], and in the same
    /// transaction the browser's session for the app client `session_for` (a sign-in stored
    /// as a password sign-in on the page stores one: its refresh-token row with `scopes` NULL,
    /// the user's last sign-in, the auth event), so a sign-in refused anywhere leaves neither.
    /// Answers the user and the session's refresh token (never handed out: the browser's
    /// cookie names its sign-in).
    pub fn federated_hosted_sign_in(
        &self,
        pool_id: &UserPoolId,
        session_for: &SignInClient,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        origin: &Origin,
    ) -> Result<(Federated, String)> {
        let now = self.now();
        self.federated_sign_in_then(
            pool_id,
            Some(&session_for.client.client_id),
            provider_name,
            subject,
            provider_attributes,
            |tx, f| {
                let step = Step::new(now, origin);
                let accepted = signin::accept(tx, f.user.clone(), &step)?;
                let s = signin::store_sign_in(tx, session_for, accepted, &step)?;
                s.refresh_token
                    .ok_or_else(|| Error::Internal("a new sign-in without a refresh token".into()))
            },
        )
    }

    /// The federated sign-in, then `then` in the same write.
    fn federated_sign_in_then<T>(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&str>,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        then: impl FnOnce(&Tx<'_>, &Federated) -> Result<T>,
    ) -> Result<(Federated, T)> {
        let username = idp::federated_username(provider_name, subject);
        let entry = Entry::of(pool_id, &username);
        let decided = (|| {
            let (pool, planned) = self.read(|r| {
                Ok((
                    require_pool(r, pool_id)?,
                    plan(r, pool_id, provider_name, subject, provider_attributes)?,
                ))
            })?;
            match planned {
                Plan::Existing(_) => Ok(None),
                Plan::New {
                    username,
                    attributes,
                } => Ok(Some(self.pre_sign_up(
                    &pool,
                    client_id,
                    "PreSignUp_ExternalProvider",
                    &username,
                    &attributes,
                    &BTreeMap::new(),
                    Value::Null,
                )?)),
            }
        })()
        .inspect_err(|e| self.audit.record_refusal(&entry, e))?;
        self.audited(entry, |tx| {
            let f = federated_user(
                tx,
                &self.ctx,
                pool_id,
                provider_name,
                subject,
                provider_attributes,
                decided.as_ref(),
            )?;
            let t = then(tx, &f)?;
            Ok(((f, t), None))
        })
    }
}
