//! User pool domains: a prefix domain (served at `http://<prefix>.auth.localhost:<port>/`) and
//! a custom domain (its certificate's ARN stored, never fetched), each name unique in the
//! workspace, one of each kind per pool.

use domain::oauth::{
    CustomDomainConfig, Routing, validate_custom_domain, validate_managed_login_version,
    validate_prefix_domain,
};
use domain::{UserPoolDomain, UserPoolId};
use storage::domains::{self as store, DomainRow, NewDomain};
use storage::{Read, Tx};

use crate::{Ctx, Error, Result, invalid, require_pool};

/// The managed login version a domain gets when none is given (the classic hosted UI).
pub const DEFAULT_MANAGED_LOGIN_VERSION: i32 = 1;

/// `CreateUserPoolDomain`.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    domain: &UserPoolDomain,
    custom: Option<&CustomDomainConfig>,
    routing: Option<&Routing>,
    managed_login_version: Option<i32>,
) -> Result<DomainRow> {
    let pool = require_pool(tx, pool_id)?;
    if let Some(r) = routing {
        r.validate()?;
    }
    match custom {
        Some(c) => {
            validate_custom_domain(domain)?;
            c.validate()?;
        }
        None => validate_prefix_domain(domain)?,
    }
    if let Some(v) = managed_login_version {
        validate_managed_login_version(v)?;
    }
    if let Some(taken) = store::get(tx, domain)? {
        let whose = if taken.pool == pool.pk {
            "this"
        } else {
            "another"
        };
        return Err(invalid(
            "Domain",
            format!("Domain {domain} is already associated with {whose} user pool."),
        ));
    }
    let is_custom = custom.is_some();
    if store::of_pool(tx, pool.pk)?
        .iter()
        .any(|d| d.custom.is_some() == is_custom)
    {
        let kind = if is_custom { "custom" } else { "prefix" };
        return Err(invalid(
            "Domain",
            format!("User pool {pool_id} already has a {kind} domain configured; delete it first."),
        ));
    }
    store::insert(
        tx,
        &NewDomain {
            pool: pool.pk,
            domain,
            custom,
            routing,
            managed_login_version: managed_login_version.unwrap_or(DEFAULT_MANAGED_LOGIN_VERSION),
        },
        ctx.clock.now_ms(),
    )?;
    store::get(tx, domain)?.ok_or_else(|| Error::Internal("the new domain vanished".into()))
}

/// `DescribeUserPoolDomain`: the domain, or None when no pool has it (Cognito then answers an
/// empty description).
pub fn describe(r: &impl Read, domain: &UserPoolDomain) -> Result<Option<DomainRow>> {
    Ok(store::get(r, domain)?)
}

/// The domain `domain` of pool `pool_id`, or the error each operation gives.
fn of_pool(r: &impl Read, pool_id: &UserPoolId, domain: &UserPoolDomain) -> Result<DomainRow> {
    let pool = require_pool(r, pool_id)?;
    store::get(r, domain)?
        .filter(|d| d.pool == pool.pk)
        .ok_or_else(|| Error::NotFound(format!("No such domain or user pool exists: {domain}")))
}

/// `UpdateUserPoolDomain`: a custom domain's certificate, the routing and the managed login
/// version; what is absent is kept.
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    domain: &UserPoolDomain,
    custom: Option<&CustomDomainConfig>,
    routing: Option<&Routing>,
    managed_login_version: Option<i32>,
) -> Result<DomainRow> {
    let row = of_pool(tx, pool_id, domain)?;
    if let Some(v) = managed_login_version {
        validate_managed_login_version(v)?;
    }
    if let Some(r) = routing {
        r.validate()?;
    }
    let custom = match (custom, &row.custom) {
        (Some(_), None) => {
            return Err(invalid(
                "CustomDomainConfig",
                format!("{domain} is a prefix domain; it has no certificate to change"),
            ));
        }
        (Some(c), Some(_)) => {
            c.validate()?;
            Some(c.clone())
        }
        (None, current) => current.clone(),
    };
    store::update(
        tx,
        row.pk,
        custom.as_ref(),
        routing.or(row.routing.as_ref()),
        managed_login_version.unwrap_or(row.managed_login_version),
        ctx.clock.now_ms(),
    )?;
    store::get(tx, domain)?.ok_or_else(|| Error::Internal("the domain vanished".into()))
}

/// `DeleteUserPoolDomain`.
pub fn delete(tx: &Tx<'_>, pool_id: &UserPoolId, domain: &UserPoolDomain) -> Result<()> {
    let pool = require_pool(tx, pool_id)?;
    let row = store::get(tx, domain)?
        .filter(|d| d.pool == pool.pk)
        .ok_or_else(|| invalid("Domain", "No such domain or user pool exists."))?;
    store::delete(tx, row.pk)?;
    Ok(())
}

/// A pool's prefix domain and custom domain, for `DescribeUserPool`.
pub fn of_pool_names(r: &impl Read, pool: i64) -> Result<(Option<String>, Option<String>)> {
    let rows = store::of_pool(r, pool)?;
    let prefix = rows
        .iter()
        .find(|d| d.custom.is_none())
        .map(|d| d.domain.clone());
    let custom = rows
        .iter()
        .find(|d| d.custom.is_some())
        .map(|d| d.domain.clone());
    Ok((prefix, custom))
}

/// Which pool a `Host` name (lower-case, without port) reaches: `<prefix>.auth.localhost` for a
/// registered prefix domain, or a registered custom domain. None for any other name.
pub fn pool_of_host(r: &impl Read, name: &str) -> Result<Option<DomainRow>> {
    if let Some(prefix) = domain::oauth::prefix_of_host(name) {
        return Ok(store::get(r, prefix)?.filter(|d| d.custom.is_none()));
    }
    if validate_custom_domain(name).is_err() {
        return Ok(None);
    }
    Ok(store::get(r, name)?.filter(|d| d.custom.is_some()))
}
