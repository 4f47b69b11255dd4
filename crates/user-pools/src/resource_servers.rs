//! OAuth resource servers and their custom scopes (`<identifier>/<scope>`), and the check of
//! an app client's custom scopes against them.

use domain::oauth::{
    MAX_RESOURCE_SERVERS, ResourceServerScope, STANDARD_SCOPES, validate_resource_server_name,
    validate_scopes,
};
use domain::{ResourceServerIdentifier, UserPoolId};
use storage::resource_servers::{self as store, ResourceServerRow};
use storage::{Read, Tx};

use crate::{Ctx, Error, Result, invalid, require_pool};

/// `CreateResourceServer`.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    identifier: &ResourceServerIdentifier,
    name: &str,
    scopes: &[ResourceServerScope],
) -> Result<ResourceServerRow> {
    let pool = require_pool(tx, pool_id)?;
    validate_resource_server_name(name)?;
    validate_scopes(scopes)?;
    if store::get(tx, pool.pk, identifier)?.is_some() {
        return Err(invalid(
            "Identifier",
            format!("A resource server with identifier {identifier} already exists in {pool_id}."),
        ));
    }
    if store::count(tx, pool.pk)? >= MAX_RESOURCE_SERVERS {
        return Err(Error::LimitExceeded(format!(
            "a user pool may have at most {MAX_RESOURCE_SERVERS} resource servers"
        )));
    }
    store::insert(tx, pool.pk, identifier, name, scopes, ctx.clock.now_ms())?;
    get(tx, pool_id, identifier)
}

/// `DescribeResourceServer`.
pub fn get(
    r: &impl Read,
    pool_id: &UserPoolId,
    identifier: &ResourceServerIdentifier,
) -> Result<ResourceServerRow> {
    let pool = require_pool(r, pool_id)?;
    store::get(r, pool.pk, identifier)?.ok_or_else(|| {
        Error::NotFound(format!(
            "Resource server {identifier} does not exist in user pool {pool_id}."
        ))
    })
}

/// `UpdateResourceServer`: replaces the name and the scopes (absent scopes leave none, as in
/// Cognito). App clients that allowed a scope no longer defined lose it, in the same
/// transaction.
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    identifier: &ResourceServerIdentifier,
    name: &str,
    scopes: &[ResourceServerScope],
) -> Result<ResourceServerRow> {
    let row = get(tx, pool_id, identifier)?;
    validate_resource_server_name(name)?;
    validate_scopes(scopes)?;
    let now = ctx.clock.now_ms();
    store::update(tx, row.pk, name, scopes, now)?;
    prune_client_scopes(tx, row.pool, identifier, scopes, now)?;
    get(tx, pool_id, identifier)
}

/// `DeleteResourceServer`. App clients that allowed its scopes lose them, in the same
/// transaction.
pub fn delete(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    identifier: &ResourceServerIdentifier,
) -> Result<()> {
    let row = get(tx, pool_id, identifier)?;
    store::delete(tx, row.pk)?;
    prune_client_scopes(tx, row.pool, identifier, &[], ctx.clock.now_ms())?;
    Ok(())
}

/// Removes from the pool's app clients' `AllowedOAuthScopes` the scopes of `identifier` that
/// are not in `kept`. Cognito neither refuses the change nor leaves clients naming a scope
/// that no longer exists (a client's scopes are checked against the resource servers when it
/// is written); answers how many clients changed.
fn prune_client_scopes(
    tx: &Tx<'_>,
    pool: i64,
    identifier: &str,
    kept: &[ResourceServerScope],
    now: i64,
) -> Result<usize> {
    let gone = |scope: &str| {
        scope.rsplit_once('/').is_some_and(|(id, name)| {
            id == identifier && !kept.iter().any(|k| k.scope_name == name)
        })
    };
    let mut changed = 0;
    let mut after = String::new();
    loop {
        let page = storage::clients::list(tx, pool, &after, 200)?;
        let Some(last) = page.last() else {
            return Ok(changed);
        };
        after.clone_from(&last.client_id);
        for client in page {
            if !client.settings.allowed_oauth_scopes.iter().any(|s| gone(s)) {
                continue;
            }
            let mut settings = client.settings.clone();
            settings.allowed_oauth_scopes.retain(|s| !gone(s));
            storage::clients::update(tx, client.pk, &client.name, &settings, now)?;
            changed += 1;
        }
    }
}

/// `ListResourceServers`: by identifier, after `after`.
pub fn list(
    r: &impl Read,
    pool_id: &UserPoolId,
    after: &str,
    limit: u32,
) -> Result<Vec<ResourceServerRow>> {
    let pool = require_pool(r, pool_id)?;
    Ok(store::list(r, pool.pk, after, limit)?)
}

/// Checks an app client's `AllowedOAuthScopes`: each is a standard scope or
/// `<identifier>/<scope>` of one of the pool's resource servers (an identifier may hold `/`;
/// a scope name may not). An unknown custom scope is Cognito's `ScopeDoesNotExistException`.
pub fn check_client_scopes(r: &impl Read, pool: i64, scopes: &[String]) -> Result<()> {
    for (i, s) in scopes.iter().enumerate() {
        if STANDARD_SCOPES.contains(&s.as_str()) {
            continue;
        }
        let known = match s.rsplit_once('/') {
            Some((identifier, name)) if !identifier.is_empty() && !name.is_empty() => {
                store::get(r, pool, identifier)?
                    .is_some_and(|rs| rs.scopes.iter().any(|sc| sc.scope_name == name))
            }
            _ => false,
        };
        if !known {
            return Err(Error::ScopeDoesNotExist {
                field: format!("AllowedOAuthScopes[{i}]"),
                scope: s.clone(),
            });
        }
    }
    Ok(())
}
