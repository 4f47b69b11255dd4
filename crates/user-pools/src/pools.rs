//! User pools: create, describe, update, delete, list, custom attributes.

use domain::UserPoolId;
use domain::ids;
use domain::pool::{
    AliasAttribute, DeletionProtection, PoolConfig, PoolSettings, UsernameAttribute,
    UsernameConfiguration,
};
use domain::schema::{self, SchemaAttribute};
use storage::pools::{self as store, PoolRow};
use storage::{Read, Tx};

use crate::{Ctx, Error, Result, invalid, require_pool};

/// The members of a pool fixed at creation.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub username_attributes: Vec<UsernameAttribute>,
    pub alias_attributes: Vec<AliasAttribute>,
    pub username_configuration: Option<UsernameConfiguration>,
    pub schema: Vec<SchemaAttribute>,
}

/// Creates a pool with a fresh id in the workspace region.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    name: &str,
    settings: PoolSettings,
    identity: Identity,
) -> Result<PoolRow> {
    domain::pool::validate_pool_name(name)?;
    settings.validate()?;
    let schema_attributes =
        schema::merge_schema(&schema::standard_schema(), &identity.schema, "Schema")?;
    let config = PoolConfig {
        settings,
        username_attributes: identity.username_attributes,
        alias_attributes: identity.alias_attributes,
        // As in Cognito's API, usernames are case sensitive unless the request says otherwise
        // (the console's create dialog asks).
        username_configuration: Some(identity.username_configuration.unwrap_or(
            UsernameConfiguration {
                case_sensitive: true,
            },
        )),
        schema_attributes,
        mfa_factors: domain::pool::MfaFactors::default(),
        risk: domain::risk::RiskConfiguration::default(),
    };
    config.validate_identity_settings()?;
    check_auto_verified(&config)?;
    let now = ctx.clock.now_ms();
    let mut rng = rand::rng();
    // Ids are random; a collision is astronomically unlikely but would be a unique violation,
    // so draw again rather than fail.
    for _ in 0..4 {
        let id = ids::new_user_pool_id(ctx.region, &mut rng);
        if store::get(tx, &id)?.is_some() {
            continue;
        }
        store::insert(tx, &id, name, &config, now)?;
        return store::get(tx, &id)?.ok_or_else(|| Error::PoolNotFound(id.clone()));
    }
    Err(Error::LimitExceeded(
        "could not allocate a unique user pool id".into(),
    ))
}

fn check_auto_verified(config: &PoolConfig) -> Result<()> {
    use domain::pool::VerifiedAttribute;
    for a in &config.settings.auto_verified_attributes {
        let name = match a {
            VerifiedAttribute::Email => "email",
            VerifiedAttribute::PhoneNumber => "phone_number",
        };
        if schema::find(&config.schema_attributes, name).is_none() {
            return Err(invalid(
                "AutoVerifiedAttributes",
                format!("{name} is not in the schema"),
            ));
        }
    }
    Ok(())
}

/// Describes a pool.
pub fn get(r: &impl Read, id: &UserPoolId) -> Result<PoolRow> {
    require_pool(r, id)
}

/// Pools in creation order.
pub fn list(r: &impl Read, after_pk: i64, limit: u32) -> Result<Vec<PoolRow>> {
    Ok(store::list(r, after_pk, limit)?)
}

/// Replaces the mutable settings (absent members return to their defaults, as in Cognito).
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: &UserPoolId,
    name: Option<&str>,
    settings: PoolSettings,
) -> Result<PoolRow> {
    let pool = require_pool(tx, id)?;
    if let Some(n) = name {
        domain::pool::validate_pool_name(n)?;
    }
    settings.validate()?;
    let config = PoolConfig {
        settings,
        ..PoolConfig::clone(&pool.config)
    };
    check_auto_verified(&config)?;
    store::update(
        tx,
        pool.pk,
        name.unwrap_or(&pool.name),
        &config,
        ctx.clock.now_ms(),
    )?;
    require_pool(tx, id)
}

/// Deletes a pool with everything in it, unless deletion protection is on.
pub fn delete(tx: &Tx<'_>, id: &UserPoolId) -> Result<()> {
    let pool = require_pool(tx, id)?;
    if pool.config.settings.deletion_protection == DeletionProtection::Active {
        return Err(Error::DeletionProtected(id.to_string()));
    }
    store::delete(tx, pool.pk)?;
    Ok(())
}

/// Adds custom attributes (they can never be removed, as in Cognito).
pub fn add_custom_attributes(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: &UserPoolId,
    attrs: &[SchemaAttribute],
) -> Result<PoolRow> {
    let pool = require_pool(tx, id)?;
    if attrs.is_empty() {
        return Err(invalid(
            "CustomAttributes",
            "must list at least one attribute",
        ));
    }
    let as_custom: Vec<SchemaAttribute> = attrs
        .iter()
        .map(|a| {
            let bare = a.name.strip_prefix("custom:").unwrap_or(&a.name);
            SchemaAttribute {
                name: format!("custom:{bare}"),
                ..a.clone()
            }
        })
        .collect();
    let schema_attributes = schema::merge_schema(
        &pool.config.schema_attributes,
        &as_custom,
        "CustomAttributes",
    )?;
    let config = PoolConfig {
        schema_attributes,
        ..PoolConfig::clone(&pool.config)
    };
    store::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
    require_pool(tx, id)
}
