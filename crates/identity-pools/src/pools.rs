//! Identity pools themselves: create, describe, update (the whole configuration), delete, list;
//! their roles, principal tag maps and tags. Cognito's rules: a name need not be unique, an
//! update replaces the configuration whole, and a developer provider name, once set, stays.

use std::collections::BTreeMap;

use domain::identity_pool::{
    IdentityPoolConfig, PrincipalTagMap, new_identity_pool_id, validate_tags,
};
use domain::{FieldError, IdentityPoolId, IdentityPoolName};
use storage::identity_pools::{self as store, IdentityPoolRow};
use storage::{Read, Tx};

/// At most this many identity pools in a workspace (Cognito's quota per account and region).
pub const MAX_POOLS: i64 = 1000;

/// Why an identity pool operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No identity pool has this id (Cognito's wording).
    #[error("IdentityPool '{0}' not found.")]
    NotFound(String),
    /// A member breaks Cognito's rules; the error names it.
    #[error("{0}")]
    InvalidParameter(FieldError),
    /// A quota is reached.
    #[error("{0}")]
    LimitExceeded(String),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::InvalidParameter(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The pool with this id, or [`Error::NotFound`].
pub fn describe(r: &impl Read, id: &IdentityPoolId) -> Result<IdentityPoolRow> {
    store::get(r, id)?.ok_or_else(|| Error::NotFound(id.to_string()))
}

/// Creates a pool in `region` and answers it.
pub fn create(
    tx: &Tx<'_>,
    region: &str,
    now: i64,
    name: &IdentityPoolName,
    config: &IdentityPoolConfig,
    tags: &BTreeMap<String, String>,
) -> Result<IdentityPoolRow> {
    check(config)?;
    validate_tags("IdentityPoolTags", tags)?;
    if store::count(tx)? >= MAX_POOLS {
        return Err(Error::LimitExceeded(format!(
            "A workspace holds at most {MAX_POOLS} identity pools."
        )));
    }
    let id = IdentityPoolId::parse(new_identity_pool_id(region))
        .map_err(|e| Error::InvalidParameter(e.0))?;
    store::insert(tx, &id, name, config, tags, now)?;
    describe(tx, &id)
}

/// Replaces a pool's name and configuration (a member left out returns to its default, as in
/// Cognito), and its tags when `tags` is given. The developer provider name cannot change once
/// set; left out, it stays.
pub fn update(
    tx: &Tx<'_>,
    now: i64,
    id: &IdentityPoolId,
    name: &IdentityPoolName,
    mut config: IdentityPoolConfig,
    tags: Option<&BTreeMap<String, String>>,
) -> Result<IdentityPoolRow> {
    let pool = describe(tx, id)?;
    if let Some(before) = &pool.config.developer_provider_name {
        match &config.developer_provider_name {
            None => config.developer_provider_name = Some(before.clone()),
            Some(now) if now != before => {
                return Err(FieldError::new(
                    "DeveloperProviderName",
                    format!("is '{before}' and cannot be changed once set"),
                )
                .into());
            }
            Some(_) => {}
        }
    }
    check(&config)?;
    if let Some(t) = tags {
        validate_tags("IdentityPoolTags", t)?;
    }
    store::update(tx, pool.pk, name, &config, tags, now)?;
    describe(tx, id)
}

/// Deletes a pool.
pub fn delete(tx: &Tx<'_>, id: &IdentityPoolId) -> Result<()> {
    let pool = describe(tx, id)?;
    store::delete(tx, pool.pk)?;
    Ok(())
}

/// Pools in creation order after `after_pk`, at most `limit`.
pub fn list(r: &impl Read, after_pk: i64, limit: u32) -> Result<Vec<IdentityPoolRow>> {
    Ok(store::list(r, after_pk, limit)?)
}

/// Replaces the pool's roles and role mappings, once they pass [`check_roles`] (the first
/// problem is answered, naming its member).
pub fn set_roles(
    tx: &Tx<'_>,
    now: i64,
    id: &IdentityPoolId,
    roles: &BTreeMap<String, String>,
    mappings: &BTreeMap<String, serde_json::Value>,
) -> Result<()> {
    let pool = describe(tx, id)?;
    check_role_mappings(&pool.config, roles, mappings)?;
    store::set_roles(tx, pool.pk, roles, mappings, now)?;
    Ok(())
}

/// The provider names a role mapping may be keyed by: each user pool provider with its client
/// (`cognito-idp.<region>.amazonaws.com/<pool id>:<client id>`) and alone, the social
/// providers' names, each OIDC provider's host (the name after `oidc-provider/`) and each SAML
/// provider's ARN.
pub fn mapping_keys(config: &IdentityPoolConfig) -> Vec<String> {
    let mut keys: Vec<String> = config.supported_login_providers.keys().cloned().collect();
    for p in &config.cognito_identity_providers {
        if let Some(name) = &p.provider_name {
            if let Some(client) = &p.client_id {
                keys.push(format!("{name}:{client}"));
            }
            keys.push(name.clone());
        }
    }
    for arn in &config.open_id_connect_provider_arns {
        keys.push(
            arn.split_once("oidc-provider/")
                .map_or(arn.as_str(), |(_, host)| host)
                .to_string(),
        );
    }
    keys.extend(config.saml_provider_arns.iter().cloned());
    keys
}

/// `Roles` and `RoleMappings` as Cognito checks them when they are set: every role and rule well
/// formed ([`crate::mapping::validate`]), then every mapping keyed by a provider the pool has
/// ([`crate::mapping::check_providers`]). Every problem found, each naming its member; the
/// console's explanation of unsaved roles shows them all.
pub fn check_roles(
    config: &IdentityPoolConfig,
    roles: &crate::mapping::Roles,
    mappings: &crate::mapping::RoleMappings,
) -> std::result::Result<(), crate::mapping::InvalidRoleConfiguration> {
    let keys = mapping_keys(config);
    crate::mapping::validate(roles, mappings)
        .and_then(|()| crate::mapping::check_providers(mappings, keys.iter().map(String::as_str)))
}

/// Stored-shape role mappings read and checked by [`check_roles`]; the first problem is
/// answered.
fn check_role_mappings(
    config: &IdentityPoolConfig,
    roles: &BTreeMap<String, String>,
    mappings: &BTreeMap<String, serde_json::Value>,
) -> Result<()> {
    let mut parsed = crate::mapping::RoleMappings::new();
    for (provider, m) in mappings {
        let mapping = serde_json::from_value(m.clone()).map_err(|e| {
            FieldError::new(crate::mapping::mapping_member(provider), e.to_string())
        })?;
        parsed.insert(provider.clone(), mapping);
    }
    check_roles(config, roles, &parsed).map_err(|e| match e.problems.into_iter().next() {
        Some(p) => FieldError::new(p.member, p.message),
        None => FieldError::new("RoleMappings", "is not valid"),
    })?;
    Ok(())
}

/// Sets the principal tag map of one provider of the pool and answers it.
pub fn set_principal_tags(
    tx: &Tx<'_>,
    now: i64,
    id: &IdentityPoolId,
    provider: &str,
    map: PrincipalTagMap,
) -> Result<PrincipalTagMap> {
    check_provider_name(provider)?;
    map.validate()?;
    let pool = describe(tx, id)?;
    let mut maps = pool.principal_tags;
    maps.insert(provider.to_string(), map.clone());
    store::set_principal_tags(tx, pool.pk, &maps, now)?;
    Ok(map)
}

/// The principal tag map of one provider: what was set, or nothing in use.
pub fn principal_tags(
    r: &impl Read,
    id: &IdentityPoolId,
    provider: &str,
) -> Result<PrincipalTagMap> {
    check_provider_name(provider)?;
    let pool = describe(r, id)?;
    Ok(pool
        .principal_tags
        .get(provider)
        .cloned()
        .unwrap_or_default())
}

/// Adds or replaces tags of a pool.
pub fn tag(
    tx: &Tx<'_>,
    now: i64,
    id: &IdentityPoolId,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    validate_tags("Tags", tags)?;
    let pool = describe(tx, id)?;
    let mut all = pool.tags;
    all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    validate_tags("Tags", &all)?;
    store::set_tags(tx, pool.pk, &all, now)?;
    Ok(())
}

/// Removes tags of a pool by key; a key it does not have is not an error.
pub fn untag(tx: &Tx<'_>, now: i64, id: &IdentityPoolId, keys: &[String]) -> Result<()> {
    let pool = describe(tx, id)?;
    let mut all = pool.tags;
    for k in keys {
        all.remove(k);
    }
    store::set_tags(tx, pool.pk, &all, now)?;
    Ok(())
}

/// The pool's ARN: `arn:aws:cognito-identity:<region>:<account>:identitypool/<id>`.
pub fn arn(account: &str, id: &IdentityPoolId) -> String {
    let region = id.split_once(':').map_or("", |(r, _)| r);
    format!("arn:aws:cognito-identity:{region}:{account}:identitypool/{id}")
}

/// The pool an ARN names in this workspace's `account`. A malformed ARN is refused by name; a
/// well-formed one of another account names no pool here.
pub fn from_arn(account: &str, resource_arn: &str) -> Result<IdentityPoolId> {
    let bad = || {
        FieldError::new(
            "ResourceArn",
            format!(
                "'{resource_arn}' is not an identity pool ARN like \
                 arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:<uuid>"
            ),
        )
    };
    let rest = resource_arn
        .strip_prefix("arn:aws:cognito-identity:")
        .ok_or_else(bad)?;
    let mut parts = rest.splitn(3, ':');
    let (Some(region), Some(acct), Some(resource)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad().into());
    };
    let id = resource.strip_prefix("identitypool/").ok_or_else(bad)?;
    let id = IdentityPoolId::parse(id).map_err(|_| bad())?;
    if !id.starts_with(&format!("{region}:")) || acct.len() != 12 {
        return Err(bad().into());
    }
    if acct != account {
        return Err(Error::NotFound(id.to_string()));
    }
    Ok(id)
}

/// Cognito's checks beyond each member's own: no user pool provider listed twice.
fn check(config: &IdentityPoolConfig) -> Result<()> {
    config.validate()?;
    let mut seen = std::collections::BTreeSet::new();
    for p in &config.cognito_identity_providers {
        if !seen.insert((&p.provider_name, &p.client_id)) {
            return Err(FieldError::new(
                "CognitoIdentityProviders",
                format!(
                    "lists {} with client {} twice",
                    p.provider_name.as_deref().unwrap_or("(no provider name)"),
                    p.client_id.as_deref().unwrap_or("(none)")
                ),
            )
            .into());
        }
    }
    Ok(())
}

fn check_provider_name(provider: &str) -> Result<()> {
    let n = provider.chars().count();
    if !(1..=128).contains(&n) {
        return Err(FieldError::new("IdentityProviderName", "must be 1–128 characters").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    const ID: &str = "us-east-1:4f1e7c2a-93b5-4d0e-8a61-0c2d9e8b7f35";

    #[test]
    fn arns_name_the_pool_of_this_account() {
        let id = IdentityPoolId::parse(ID).unwrap();
        let a = arn("123456789012", &id);
        assert_eq!(
            a,
            format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{ID}")
        );
        assert_eq!(from_arn("123456789012", &a).unwrap(), id);
        assert!(matches!(
            from_arn("999999999999", &a),
            Err(Error::NotFound(_))
        ));
        for bad in [
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X",
            "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/nope",
            "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/us-east-1:ab",
            "identitypool",
        ] {
            match from_arn("123456789012", bad) {
                Err(Error::InvalidParameter(f)) => assert_eq!(f.field, "ResourceArn", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
