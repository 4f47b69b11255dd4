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

/// The pool with this id, if there is one.
pub fn find(r: &impl Read, id: &UserPoolId) -> Result<Option<PoolRow>> {
    Ok(store::get(r, id)?)
}

/// A change of the pool's MFA configuration, as `SetUserPoolMfaConfig` gives it.
#[derive(Debug, Clone, Default)]
pub struct MfaConfigChange {
    /// `SoftwareTokenMfaConfiguration.Enabled`, when given; left as it is otherwise.
    pub software_token: Option<bool>,
    /// Whether `EmailMfaConfiguration` was given: email codes are on exactly when it is.
    pub email: bool,
    /// Whether `SmsMfaConfiguration` was given: SMS codes are on exactly when it is.
    pub sms: bool,
    /// `SmsMfaConfiguration.SmsAuthenticationMessage`: must hold `{####}`.
    pub sms_message: Option<String>,
    /// `MfaConfiguration`, when given.
    pub mode: Option<domain::pool::MfaConfiguration>,
}

/// `SetUserPoolMfaConfig`: the pool's MFA mode and the factors it allows. MFA on or optional
/// needs at least one factor.
pub fn set_mfa_config(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: &UserPoolId,
    change: &MfaConfigChange,
) -> Result<PoolRow> {
    let pool = require_pool(tx, id)?;
    let mut config = PoolConfig::clone(&pool.config);
    if let Some(enabled) = change.software_token {
        config.mfa_factors.software_token = enabled;
    }
    // Email and SMS codes have no `Enabled` member: a factor is on when its configuration is
    // given and off when it is left out.
    config.mfa_factors.email = change.email;
    config.mfa_factors.sms = change.sms;
    if let Some(m) = &change.sms_message {
        if !m.contains("{####}") {
            return Err(invalid(
                "SmsMfaConfiguration.SmsAuthenticationMessage",
                "must contain {####}, where the code goes",
            ));
        }
        config.settings.sms_authentication_message = Some(m.clone());
    }
    if let Some(m) = change.mode {
        config.settings.mfa_configuration = m;
    }
    let f = config.mfa_factors;
    if config.settings.mfa_configuration != domain::pool::MfaConfiguration::Off
        && !(f.software_token || f.email || f.sms)
    {
        return Err(invalid(
            "MfaConfiguration",
            "MFA on or optional needs at least one factor (software token, email or SMS)",
        ));
    }
    store::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
    require_pool(tx, id)
}

/// `SetRiskConfiguration`: the pool's threat protection, replaced whole (ranges already
/// checked by the caller's parse).
pub fn set_risk_configuration(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: &UserPoolId,
    risk: domain::risk::RiskConfiguration,
) -> Result<PoolRow> {
    let pool = require_pool(tx, id)?;
    let config = PoolConfig {
        risk,
        ..PoolConfig::clone(&pool.config)
    };
    store::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
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
