//! A user pool's identity providers (`CreateIdentityProvider` and the rest) and the links
//! between provider identities and the pool's users (`AdminLinkProviderForUser`,
//! `AdminDisableProviderForUser`). The details' rules are `domain::idp`'s; OIDC discovery and
//! SAML metadata are read by the caller through `federation` before the write. The secret
//! details (`client_secret`, Apple's `private_key`) are sealed under the store's master key.

use std::collections::BTreeMap;

use domain::UserPoolId;
use domain::idp::{self, COGNITO, COGNITO_SUBJECT, MAX_IDPS_PER_POOL, ProviderType, SECRET_KEYS};
use serde_json::{Value, json};
use storage::idps::{self as store, IdpFields, IdpRow, LinkRow};
use storage::pools::PoolRow;
use storage::users::UserRow;
use storage::{Read, Tx};
use tokens::MasterKey;

use crate::{Ctx, Error, Result, invalid, require_pool};

/// What the secret details are sealed to: the pool and the provider's name.
fn aad(pool_id: &str, name: &str) -> Vec<u8> {
    format!("idp-secrets:{pool_id}:{name}").into_bytes()
}

/// Details as stored: the clear ones, and the secret ones sealed.
type StoredDetails = (BTreeMap<String, String>, Option<Vec<u8>>);

/// Splits `details` into what is stored in clear and the sealed secret keys.
fn seal_details(
    master: &MasterKey,
    pool_id: &str,
    name: &str,
    details: &BTreeMap<String, String>,
) -> Result<StoredDetails> {
    let mut clear = details.clone();
    let mut secrets = BTreeMap::new();
    for k in SECRET_KEYS {
        if let Some(v) = clear.remove(k) {
            secrets.insert(k, v);
        }
    }
    if secrets.is_empty() {
        return Ok((clear, None));
    }
    let plain = tokens::SecretBytes::new(
        serde_json::to_vec(&secrets).map_err(|e| Error::Internal(e.to_string()))?,
    );
    let sealed = tokens::seal(master, plain.expose_secret(), &aad(pool_id, name))
        .map_err(|e| Error::Crypto(e.to_string()))?;
    Ok((clear, Some(sealed)))
}

/// The provider's secret details, opened.
///
/// # Errors
/// [`Error::Crypto`] when they do not open with this master key.
pub fn open_secrets(
    master: &MasterKey,
    pool_id: &str,
    p: &IdpRow,
) -> Result<BTreeMap<String, String>> {
    let Some(sealed) = &p.secrets_sealed else {
        return Ok(BTreeMap::new());
    };
    let clear = tokens::open(master, sealed, &aad(pool_id, &p.name)).map_err(|_| {
        Error::Crypto(format!(
            "the secrets of identity provider {} cannot be opened with this workspace's master \
             key (the key file beside the store is missing or belongs to another store)",
            p.name
        ))
    })?;
    serde_json::from_slice(clear.expose_secret())
        .map_err(|e| Error::Crypto(format!("identity provider {} secrets: {e}", p.name)))
}

/// A provider's type, as stored.
pub fn provider_type(p: &IdpRow) -> Result<ProviderType> {
    ProviderType::parse(&p.provider_type, "ProviderType").map_err(|e| {
        Error::Internal(format!(
            "identity provider {} has an unknown type: {}",
            p.name, e.reason
        ))
    })
}

/// The details as `DescribeIdentityProvider` answers them: the clear ones and `client_secret`;
/// Apple's `private_key` is never answered.
pub fn shown_details(
    master: &MasterKey,
    pool_id: &str,
    p: &IdpRow,
) -> Result<BTreeMap<String, String>> {
    let mut out = p.details.clone();
    for (k, v) in open_secrets(master, pool_id, p)? {
        if !idp::HIDDEN_KEYS.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    Ok(out)
}

/// The details an update is checked with: the request's, with the stored secret keys kept
/// when the request leaves them out (Cognito never shows Apple's private key, so an update
/// cannot be expected to repeat it).
pub fn details_for_update(
    master: &MasterKey,
    pool_id: &str,
    p: &IdpRow,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut out = given.clone();
    for (k, v) in open_secrets(master, pool_id, p)? {
        out.entry(k).or_insert(v);
    }
    Ok(out)
}

/// The request of a create or an update, after `domain::idp`'s checks of the details and
/// whatever discovery or metadata the caller read.
pub struct IdpInput<'a> {
    pub provider_type: ProviderType,
    /// Normalised details, secrets in clear (sealed here).
    pub details: &'a BTreeMap<String, String>,
    pub attribute_mapping: &'a BTreeMap<String, String>,
    pub acr_mapping: &'a BTreeMap<String, String>,
    pub idp_identifiers: &'a [String],
}

fn not_found(name: &str, pool_id: &str) -> Error {
    Error::NotFound(format!(
        "Identity provider {name} does not exist in user pool {pool_id}."
    ))
}

/// Refuses identifiers another provider of the pool already has.
fn check_identifiers_free(r: &impl Read, pool: &PoolRow, name: &str, ids: &[String]) -> Result<()> {
    idp::check_identifiers(ids)?;
    if ids.is_empty() {
        return Ok(());
    }
    for other in store::list(r, pool.pk, "", MAX_IDPS_PER_POOL as u32 + 1)? {
        if other.name == name {
            continue;
        }
        if let Some((i, id)) = ids
            .iter()
            .enumerate()
            .find(|(_, id)| other.idp_identifiers.contains(id))
        {
            return Err(Error::DuplicateProvider(format!(
                "IdpIdentifiers[{i}]: the identifier {id} already belongs to identity provider {}.",
                other.name
            )));
        }
    }
    Ok(())
}

/// `CreateIdentityProvider`.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    name: &str,
    input: &IdpInput<'_>,
) -> Result<IdpRow> {
    let pool = require_pool(tx, pool_id)?;
    idp::check_name(name, input.provider_type)?;
    let mapping = idp::normalise_mapping(
        input.provider_type,
        input.attribute_mapping,
        &pool.config.schema_attributes,
    )?;
    if store::get(tx, pool.pk, name)?.is_some() {
        return Err(Error::DuplicateProvider(format!(
            "A provider with the name {name} already exists in this user pool."
        )));
    }
    if store::count(tx, pool.pk)? >= MAX_IDPS_PER_POOL {
        return Err(Error::LimitExceeded(format!(
            "a user pool may have at most {MAX_IDPS_PER_POOL} identity providers"
        )));
    }
    check_identifiers_free(tx, &pool, name, input.idp_identifiers)?;
    idp::check_acr_mapping(input.acr_mapping)?;
    let (clear, sealed) = seal_details(master, pool_id, name, input.details)?;
    store::insert(
        tx,
        pool.pk,
        name,
        &IdpFields {
            provider_type: input.provider_type.as_str(),
            details: &clear,
            secrets_sealed: sealed.as_deref(),
            attribute_mapping: &mapping,
            acr_mapping: input.acr_mapping,
            idp_identifiers: input.idp_identifiers,
        },
        ctx.clock.now_ms(),
    )?;
    get(tx, pool_id, name)
}

/// `DescribeIdentityProvider`.
pub fn get(r: &impl Read, pool_id: &UserPoolId, name: &str) -> Result<IdpRow> {
    let pool = require_pool(r, pool_id)?;
    store::get(r, pool.pk, name)?.ok_or_else(|| not_found(name, pool_id))
}

/// The provider that has `identifier` among its `IdpIdentifiers`
/// (`GetIdentityProviderByIdentifier`).
pub fn by_identifier(r: &impl Read, pool_id: &UserPoolId, identifier: &str) -> Result<IdpRow> {
    let pool = require_pool(r, pool_id)?;
    store::list(r, pool.pk, "", MAX_IDPS_PER_POOL as u32 + 1)?
        .into_iter()
        .find(|p| p.idp_identifiers.iter().any(|i| i == identifier))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "No identity provider of user pool {pool_id} has the identifier {identifier}."
            ))
        })
}

/// What an update changes; `None` keeps the stored value.
pub struct IdpUpdate<'a> {
    pub details: Option<&'a BTreeMap<String, String>>,
    pub attribute_mapping: Option<&'a BTreeMap<String, String>>,
    pub acr_mapping: Option<&'a BTreeMap<String, String>>,
    pub idp_identifiers: Option<&'a [String]>,
}

/// `UpdateIdentityProvider`: the members given replace the stored ones.
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    name: &str,
    u: &IdpUpdate<'_>,
) -> Result<IdpRow> {
    if name.eq_ignore_ascii_case(COGNITO) {
        return Err(Error::UnsupportedIdentityProvider(
            "COGNITO is the user pool's own directory and cannot be changed.".into(),
        ));
    }
    let pool = require_pool(tx, pool_id)?;
    let row = store::get(tx, pool.pk, name)?.ok_or_else(|| not_found(name, pool_id))?;
    let ty = provider_type(&row)?;
    let mapping = match u.attribute_mapping {
        Some(m) => idp::normalise_mapping(ty, m, &pool.config.schema_attributes)?,
        None => row.attribute_mapping.clone(),
    };
    let ids = match u.idp_identifiers {
        Some(ids) => {
            check_identifiers_free(tx, &pool, name, ids)?;
            ids.to_vec()
        }
        None => row.idp_identifiers.clone(),
    };
    let acr = match u.acr_mapping {
        Some(m) => {
            idp::check_acr_mapping(m)?;
            m.clone()
        }
        None => row.acr_mapping.clone(),
    };
    let (clear, sealed) = match u.details {
        Some(d) => seal_details(master, pool_id, name, d)?,
        None => (row.details.clone(), row.secrets_sealed.clone()),
    };
    store::update(
        tx,
        row.pk,
        &IdpFields {
            provider_type: ty.as_str(),
            details: &clear,
            secrets_sealed: sealed.as_deref(),
            attribute_mapping: &mapping,
            acr_mapping: &acr,
            idp_identifiers: &ids,
        },
        ctx.clock.now_ms(),
    )?;
    get(tx, pool_id, name)
}

/// `DeleteIdentityProvider`: the provider, the links to its identities, and its name in the
/// app clients' `SupportedIdentityProviders` go together. Answers the names of the clients
/// that listed it.
pub fn delete(tx: &Tx<'_>, ctx: &Ctx<'_>, pool_id: &UserPoolId, name: &str) -> Result<Vec<String>> {
    if name.eq_ignore_ascii_case(COGNITO) {
        return Err(Error::UnsupportedIdentityProvider(
            "COGNITO is the user pool's own directory and cannot be deleted.".into(),
        ));
    }
    let pool = require_pool(tx, pool_id)?;
    let row = store::get(tx, pool.pk, name)?.ok_or_else(|| not_found(name, pool_id))?;
    let now = ctx.clock.now_ms();
    let mut changed = Vec::new();
    for mut c in storage::clients::list(tx, pool.pk, "", u32::MAX)? {
        let before = c.settings.supported_identity_providers.len();
        c.settings
            .supported_identity_providers
            .retain(|p| p != name);
        if c.settings.supported_identity_providers.len() != before {
            storage::clients::update(tx, c.pk, &c.name, &c.settings, now)?;
            changed.push(c.name.clone());
        }
    }
    for l in links_of_provider(tx, &pool, name)? {
        unlink(tx, &l, now)?;
    }
    store::delete(tx, &row)?;
    Ok(changed)
}

/// The names of the app clients whose `SupportedIdentityProviders` list `name`.
pub fn clients_listing(r: &impl Read, pool_id: &UserPoolId, name: &str) -> Result<Vec<String>> {
    let pool = require_pool(r, pool_id)?;
    Ok(storage::clients::list(r, pool.pk, "", u32::MAX)?
        .into_iter()
        .filter(|c| {
            c.settings
                .supported_identity_providers
                .iter()
                .any(|p| p == name)
        })
        .map(|c| c.name)
        .collect())
}

/// `ListIdentityProviders`: by name, after `after`.
pub fn list(r: &impl Read, pool_id: &UserPoolId, after: &str, limit: u32) -> Result<Vec<IdpRow>> {
    let pool = require_pool(r, pool_id)?;
    Ok(store::list(r, pool.pk, after, limit)?)
}

// --- links -----------------------------------------------------------------------------------

/// `ProviderUserIdentifierType`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderUser {
    pub provider_name: Option<String>,
    pub provider_attribute_name: Option<String>,
    pub provider_attribute_value: Option<String>,
}

/// The most provider identities one user may be linked to (Cognito's limit).
pub const MAX_LINKS_PER_USER: usize = 5;

fn member<'a>(v: &'a Option<String>, field: &str) -> Result<&'a str> {
    match v.as_deref() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(invalid(field, "is required")),
    }
}

/// One entry of the `identities` attribute, as Cognito writes it (strings throughout).
fn identity_entry(
    provider: &str,
    ty: ProviderType,
    user_id: &str,
    primary: bool,
    at: i64,
) -> Value {
    json!({
        "userId": user_id,
        "providerName": provider,
        "providerType": ty.identities_type(),
        "issuer": Value::Null,
        "primary": if primary { "true" } else { "false" },
        "dateCreated": at.to_string(),
    })
}

fn identities_of(user: &UserRow) -> Vec<Value> {
    user.attributes
        .get("identities")
        .and_then(|s| serde_json::from_str::<Vec<Value>>(s).ok())
        .unwrap_or_default()
}

fn write_identities(tx: &Tx<'_>, user: &UserRow, list: &[Value], now: i64) -> Result<()> {
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    if list.is_empty() {
        attrs.remove("identities");
    } else {
        attrs.insert(
            "identities".into(),
            serde_json::to_string(list).map_err(|e| Error::Internal(e.to_string()))?,
        );
    }
    storage::users::replace_attributes(tx, user, &attrs, now)?;
    Ok(())
}

/// Removes a link and its entry in the linked user's `identities`.
fn unlink(tx: &Tx<'_>, l: &LinkRow, now: i64) -> Result<()> {
    store::delete_link(tx, l.pk)?;
    if let Some(user) = storage::users::get_by_pk(tx, l.user)? {
        let mut list = identities_of(&user);
        list.retain(|e| {
            !(e["providerName"] == json!(l.provider_name) && e["userId"] == json!(l.subject))
        });
        write_identities(tx, &user, &list, now)?;
    }
    Ok(())
}

fn links_of_provider(r: &impl Read, pool: &PoolRow, name: &str) -> Result<Vec<LinkRow>> {
    Ok(store::links_of_provider(r, pool.pk, name)?)
}

/// The provider a link operation names as its source: one of the pool's, never `COGNITO`.
fn source_provider(
    r: &impl Read,
    pool: &PoolRow,
    field: &str,
    name: &str,
) -> Result<(IdpRow, ProviderType)> {
    if name.eq_ignore_ascii_case(COGNITO) {
        return Err(invalid(
            &format!("{field}.ProviderName"),
            "must name one of the pool's identity providers, not the pool's own users",
        ));
    }
    let p = store::get(r, pool.pk, name)?.ok_or_else(|| {
        invalid(
            &format!("{field}.ProviderName"),
            format!(
                "The provider {name} does not exist for User Pool {}",
                pool.id
            ),
        )
    })?;
    let ty = provider_type(&p)?;
    Ok((p, ty))
}

/// `AdminLinkProviderForUser`: links the provider identity `source` (which must not have
/// signed in yet: no `<Provider>_<subject>` user) to the existing user `destination`
/// (`Cognito` and the username for a native user, or a provider and its subject for a
/// federated one). A later federated sign-in with that identity answers the destination.
pub fn link(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    destination: &ProviderUser,
    source: &ProviderUser,
) -> Result<UserRow> {
    let pool = require_pool(tx, pool_id)?;
    let dest_provider = member(&destination.provider_name, "DestinationUser.ProviderName")?;
    let dest_value = member(
        &destination.provider_attribute_value,
        "DestinationUser.ProviderAttributeValue",
    )?;
    let dest_user = if dest_provider.eq_ignore_ascii_case(COGNITO) {
        crate::users::resolve(tx, &pool, dest_value)?
    } else {
        source_provider(tx, &pool, "DestinationUser", dest_provider)?;
        let name = idp::federated_username(dest_provider, dest_value);
        crate::users::resolve(tx, &pool, &name)?
    };
    let src_provider = member(&source.provider_name, "SourceUser.ProviderName")?;
    let src_attr = member(
        &source.provider_attribute_name,
        "SourceUser.ProviderAttributeName",
    )?;
    let src_value = member(
        &source.provider_attribute_value,
        "SourceUser.ProviderAttributeValue",
    )?;
    let (_, ty) = source_provider(tx, &pool, "SourceUser", src_provider)?;
    if ty != ProviderType::Saml && src_attr != COGNITO_SUBJECT {
        return Err(invalid(
            "SourceUser.ProviderAttributeName",
            format!(
                "must be {COGNITO_SUBJECT} for a {} provider (only a SAML provider links by \
                 another attribute)",
                ty.as_str()
            ),
        ));
    }
    if src_attr == COGNITO_SUBJECT {
        let federated = idp::federated_username(src_provider, src_value);
        let key = crate::users::username_key(&pool, &federated);
        if storage::users::get(tx, pool.pk, &key)?.is_some() {
            return Err(invalid(
                "SourceUser",
                format!(
                    "Merging is not currently supported, provide a SourceUser which does not \
                     exist in the user pool ({federated} does)"
                ),
            ));
        }
    }
    if store::find_link(tx, pool.pk, src_provider, src_value)?.is_some() {
        return Err(Error::AliasExists(format!(
            "The {src_provider} identity {src_value} is already linked to a user of this pool."
        )));
    }
    if store::links_of_user(tx, dest_user.pk)?.len() >= MAX_LINKS_PER_USER {
        return Err(Error::LimitExceeded(format!(
            "a user may be linked to at most {MAX_LINKS_PER_USER} provider identities"
        )));
    }
    let now = ctx.clock.now_ms();
    store::insert_link(
        tx,
        pool.pk,
        dest_user.pk,
        src_provider,
        src_attr,
        src_value,
        now,
    )?;
    let mut list = identities_of(&dest_user);
    list.push(identity_entry(src_provider, ty, src_value, false, now));
    write_identities(tx, &dest_user, &list, now)?;
    crate::users::resolve(tx, &pool, &dest_user.username)
}

/// `AdminDisableProviderForUser`: the provider identity `user` can no longer sign in as the
/// user it was linked to (the link goes, and its entry in `identities`), and a federated user
/// made by that identity is disabled (signed out everywhere).
pub fn disable(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    user: &ProviderUser,
) -> Result<()> {
    let pool = require_pool(tx, pool_id)?;
    let provider = member(&user.provider_name, "User.ProviderName")?;
    let attr = member(&user.provider_attribute_name, "User.ProviderAttributeName")?;
    let value = member(
        &user.provider_attribute_value,
        "User.ProviderAttributeValue",
    )?;
    let (_, ty) = source_provider(tx, &pool, "User", provider)?;
    if ty != ProviderType::Saml && attr != COGNITO_SUBJECT {
        return Err(invalid(
            "User.ProviderAttributeName",
            format!("must be {COGNITO_SUBJECT} for a {} provider", ty.as_str()),
        ));
    }
    let now = ctx.clock.now_ms();
    let mut found = false;
    if let Some(l) = store::find_link(tx, pool.pk, provider, value)? {
        unlink(tx, &l, now)?;
        found = true;
    }
    if attr == COGNITO_SUBJECT {
        let name = idp::federated_username(provider, value);
        let key = crate::users::username_key(&pool, &name);
        if let Some(u) = storage::users::get(tx, pool.pk, &key)? {
            storage::users::set_enabled(tx, u.pk, false, now)?;
            crate::signin::sign_out_everywhere(tx, &u, now)?;
            found = true;
        }
    }
    if !found {
        return Err(Error::UserNotFound);
    }
    Ok(())
}

/// The provider identities linked to a user (the console's user page).
pub fn links_of_user(r: &impl Read, pool_id: &UserPoolId, username: &str) -> Result<Vec<LinkRow>> {
    let (_, user) = crate::users::get(r, pool_id, username)?;
    Ok(store::links_of_user(r, user.pk)?)
}
