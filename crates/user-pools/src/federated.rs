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
use crate::signin::{Origin, SignInClient};
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

/// Stores a browser's session for `user` on `sc`'s hosted pages (a sign-in row with a new
/// refresh token, whose `origin_jti` the session cookie names) and its auth event (a `SignIn`
/// that passed, its detail naming the provider); answers the refresh token and the row.
fn store_session(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    provider_name: &str,
    origin: &Origin,
    now: i64,
) -> Result<(String, i64)> {
    if user.pool != sc.pool.pk {
        return Err(Error::Internal(
            "a federated user of another pool than the client's".into(),
        ));
    }
    let refresh = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    let (_, _, refresh_secs) = sc.client.settings.lifetimes_secs();
    storage::user_security::signed_in(tx, user.pk, now)?;
    let row = storage::refresh_tokens::insert(
        tx,
        &storage::refresh_tokens::NewRefresh {
            digest: &tokens::opaque_digest(&refresh),
            client: sc.client.pk,
            user: user.pk,
            origin_jti: &tokens::new_jti(),
            auth_time: now.div_euclid(1000),
            now,
            expires_at: now + (refresh_secs as i64).saturating_mul(1000),
            scopes: None,
        },
    )?;
    crate::signin::record_event(
        tx,
        user,
        &sc.client,
        &crate::signin::Step::new(now, origin),
        "SignIn",
        "Pass",
        Some(&format!("Signed in through {provider_name}")),
    )?;
    Ok((refresh, row))
}

/// What a SAML sign-in's session at the IdP is called, for a later sign-out there: the
/// assertion's NameID (and its Format) and its AuthnStatement's SessionIndex.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdpSession {
    pub name_id: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
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
        self.federated(
            pool_id,
            client_id,
            provider_name,
            subject,
            provider_attributes,
            None,
        )
        .map(|(f, _)| f)
    }

    /// A federated sign-in on the hosted pages: [`Engine::federated_sign_in`], and in the same
    /// transaction the browser's session for the app client `session_for` (a sign-in row as a
    /// password sign-in on the page stores, `scopes` NULL: each code the session gives is a
    /// sign-in of its own). Answers the user and the session's refresh token.
    pub fn federated_hosted_sign_in(
        &self,
        pool_id: &UserPoolId,
        session_for: &SignInClient,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        origin: &Origin,
    ) -> Result<(Federated, String)> {
        self.federated_hosted(
            pool_id,
            session_for,
            provider_name,
            subject,
            provider_attributes,
            origin,
            None,
        )
    }

    /// A SAML sign-in on the hosted pages: [`Engine::federated_hosted_sign_in`], with the
    /// session at the IdP (`idp_session`) kept beside the browser's session in the same
    /// transaction, for `/logout` to end it there too (`storage::saml_sessions`).
    #[allow(clippy::too_many_arguments)]
    pub fn federated_saml_hosted_sign_in(
        &self,
        pool_id: &UserPoolId,
        session_for: &SignInClient,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        origin: &Origin,
        idp_session: &IdpSession,
    ) -> Result<(Federated, String)> {
        self.federated_hosted(
            pool_id,
            session_for,
            provider_name,
            subject,
            provider_attributes,
            origin,
            Some(idp_session),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn federated_hosted(
        &self,
        pool_id: &UserPoolId,
        session_for: &SignInClient,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        origin: &Origin,
        idp_session: Option<&IdpSession>,
    ) -> Result<(Federated, String)> {
        let (f, refresh) = self.federated(
            pool_id,
            Some(&session_for.client.client_id),
            provider_name,
            subject,
            provider_attributes,
            Some((session_for, origin, idp_session)),
        )?;
        let refresh = refresh
            .ok_or_else(|| Error::Internal("a federated sign-in without a session".into()))?;
        Ok((f, refresh))
    }

    fn federated(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&str>,
        provider_name: &str,
        subject: &str,
        provider_attributes: &Map<String, Value>,
        session_for: Option<(&SignInClient, &Origin, Option<&IdpSession>)>,
    ) -> Result<(Federated, Option<String>)> {
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
            let refresh = match session_for {
                Some((sc, origin, idp_session)) => {
                    let (refresh, row) =
                        store_session(tx, sc, &f.user, provider_name, origin, self.now())?;
                    if let Some(s) = idp_session {
                        storage::saml_sessions::insert(
                            tx,
                            &storage::saml_sessions::SamlSessionRow {
                                refresh: row,
                                provider: provider_name.to_owned(),
                                name_id: s.name_id.clone(),
                                name_id_format: s.name_id_format.clone(),
                                session_index: s.session_index.clone(),
                            },
                        )?;
                    }
                    Some(refresh)
                }
                None => None,
            };
            Ok(((f, refresh), None))
        })
    }
}
