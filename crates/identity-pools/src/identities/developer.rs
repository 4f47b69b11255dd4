//! Developer-authenticated identities: the pool's developer provider, GetOpenIdTokenForDeveloperIdentity's
//! identity, and LookupDeveloperIdentity, MergeDeveloperIdentities and UnlinkDeveloperIdentity.
//! A developer user identifier is a login under the pool's `DeveloperProviderName`, so these are
//! the same moves of login rows as the other logins'.

use domain::{FieldError, IdentityId, IdentityPoolId};
use storage::identities::{self as store, IdentityRow};
use storage::identity_pools::IdentityPoolRow;
use storage::{Read, Tx};

use super::{Error, GotId, LOGINS_DO_NOT_MATCH, Result, create, link, not_found, pool};
use crate::logins::VerifiedLogin;

/// The pool's developer provider name, which `given` must be when given.
pub fn developer_provider<'p>(
    pool: &'p IdentityPoolRow,
    field: &str,
    given: Option<&str>,
) -> Result<&'p str> {
    let Some(name) = pool.config.developer_provider_name.as_deref() else {
        return Err(FieldError::new(
            field,
            "the identity pool has no DeveloperProviderName, so it has no developer users",
        )
        .into());
    };
    if let Some(g) = given
        && g != name
    {
        return Err(FieldError::new(
            field,
            format!("'{g}' is not this identity pool's developer provider ('{name}')"),
        )
        .into());
    }
    Ok(name)
}

/// Checks a developer user identifier (1–1,024 characters).
pub fn check_developer_user(field: &str, user: &str) -> Result<()> {
    let n = user.chars().count();
    if n == 0 || n > 1024 {
        return Err(FieldError::new(field, "must be 1–1024 characters").into());
    }
    Ok(())
}

/// `GetOpenIdTokenForDeveloperIdentity`'s identity: the developer user's (linking the user to
/// `identity_id` when given, or to a new identity), with the other verified logins linked too.
/// A user already linked to another identity than `identity_id` is
/// `DeveloperUserAlreadyRegisteredException`.
pub fn developer_identity(
    tx: &Tx<'_>,
    pool_id: &IdentityPoolId,
    region: &str,
    identity_id: Option<&IdentityId>,
    user: &str,
    others: &[VerifiedLogin],
    now: i64,
) -> Result<GotId> {
    let pool = pool(tx, pool_id)?;
    let dev = developer_provider(&pool, "Logins", None)?.to_owned();
    check_developer_user("Logins", user)?;
    let existing = store::by_login(tx, pool.pk, &dev, user)?;
    let (identity, created) = match (identity_id, existing) {
        (Some(id), Some(e)) if e.id != id.as_str() => {
            return Err(Error::DeveloperUserAlreadyRegistered(format!(
                "The developer user '{user}' is already linked to another identity of this pool."
            )));
        }
        (Some(_), Some(e)) => (e, false),
        (Some(id), None) => {
            let i = store::get(tx, id)?
                .filter(|i| i.pool == pool.pk)
                .ok_or_else(|| not_found(id))?;
            link(tx, &pool, &i, &dev, user, now)?;
            store::touch(tx, i.pk, now)?;
            (i, false)
        }
        (None, Some(e)) => (e, false),
        (None, None) => {
            let i = create(tx, &pool, region, now)?;
            link(tx, &pool, &i, &dev, user, now)?;
            (i, true)
        }
    };
    for l in others {
        if l.is_identity_token() {
            if l.subject != identity.id {
                return Err(Error::NotAuthorized(LOGINS_DO_NOT_MATCH.into()));
            }
            continue;
        }
        match store::by_login(tx, pool.pk, &l.provider, &l.subject)? {
            Some(i) if i.pk == identity.pk => {}
            Some(_) => {
                return Err(Error::ResourceConflict(format!(
                    "The login of '{}' is already linked to another identity of this pool.",
                    l.provider
                )));
            }
            None => link(tx, &pool, &identity, &l.provider, &l.subject, now)?,
        }
    }
    Ok(GotId {
        identity,
        created,
        merged: Vec::new(),
    })
}

/// What LookupDeveloperIdentity found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub identity_id: String,
    /// The identity's developer user identifiers (one page).
    pub users: Vec<String>,
}

/// `LookupDeveloperIdentity`: the identity of a developer user, or of `identity_id`, with its
/// developer user identifiers after `after`, at most `limit`. When both are given they must
/// agree.
pub fn lookup_developer(
    r: &impl Read,
    pool_id: &IdentityPoolId,
    identity_id: Option<&IdentityId>,
    user: Option<&str>,
    after: Option<&str>,
    limit: u32,
) -> Result<Lookup> {
    let pool = pool(r, pool_id)?;
    let dev = developer_provider(&pool, "IdentityPoolId", None)?;
    let by_user = match user {
        Some(u) => {
            check_developer_user("DeveloperUserIdentifier", u)?;
            Some(store::by_login(r, pool.pk, dev, u)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "The developer user identifier '{u}' is not linked to any identity of this \
                     identity pool."
                ))
            })?)
        }
        None => None,
    };
    let identity = match (identity_id, by_user) {
        (None, None) => {
            return Err(FieldError::new(
                "IdentityId",
                "or DeveloperUserIdentifier is required: the one to look up",
            )
            .into());
        }
        (Some(id), Some(found)) if found.id != id.as_str() => {
            return Err(Error::ResourceConflict(format!(
                "The developer user identifier is linked to identity '{}', not '{id}'.",
                found.id
            )));
        }
        (_, Some(found)) => found,
        (Some(id), None) => store::get(r, id)?
            .filter(|i| i.pool == pool.pk)
            .ok_or_else(|| not_found(id))?,
    };
    let users = store::subjects(r, identity.pk, dev, after, limit)?;
    Ok(Lookup {
        identity_id: identity.id,
        users,
    })
}

/// `MergeDeveloperIdentities`: moves every login of the source user's identity to the
/// destination user's identity and deletes the source identity. Answers the destination.
pub fn merge_developer(
    tx: &Tx<'_>,
    pool_id: &IdentityPoolId,
    provider: &str,
    source: &str,
    destination: &str,
    now: i64,
) -> Result<IdentityRow> {
    let pool = pool(tx, pool_id)?;
    let dev = developer_provider(&pool, "DeveloperProviderName", Some(provider))?;
    check_developer_user("SourceUserIdentifier", source)?;
    check_developer_user("DestinationUserIdentifier", destination)?;
    let find = |field: &str, user: &str| -> Result<IdentityRow> {
        store::by_login(tx, pool.pk, dev, user)?.ok_or_else(|| {
            Error::NotFound(format!(
                "{field}: the developer user identifier '{user}' is not linked to any identity \
                 of this identity pool."
            ))
        })
    };
    let from = find("SourceUserIdentifier", source)?;
    let to = find("DestinationUserIdentifier", destination)?;
    if from.pk != to.pk {
        store::move_logins(tx, from.pk, to.pk)?;
        store::delete(tx, from.pk)?;
        store::touch(tx, to.pk, now)?;
    }
    Ok(to)
}

/// `UnlinkDeveloperIdentity`: unlinks a developer user from its identity.
pub fn unlink_developer(
    tx: &Tx<'_>,
    pool_id: &IdentityPoolId,
    identity_id: &IdentityId,
    provider: &str,
    user: &str,
    now: i64,
) -> Result<()> {
    let pool = pool(tx, pool_id)?;
    let dev = developer_provider(&pool, "DeveloperProviderName", Some(provider))?;
    check_developer_user("DeveloperUserIdentifier", user)?;
    let identity = store::get(tx, identity_id)?
        .filter(|i| i.pool == pool.pk)
        .ok_or_else(|| not_found(identity_id))?;
    if store::unlink(tx, identity.pk, dev, Some(user))? == 0 {
        return Err(Error::ResourceConflict(format!(
            "The developer user identifier '{user}' is not linked to identity '{identity_id}'."
        )));
    }
    store::touch(tx, identity.pk, now)?;
    Ok(())
}
