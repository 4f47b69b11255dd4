//! Identities: who an identity pool has seen, and the logins linked to each.
//!
//! Cognito's rules: a login (provider key + subject) belongs to at most one identity of a pool,
//! so the same login always finds the same identity; logins that name different identities in
//! one GetId are merged into the oldest; a guest (no logins) gets a new identity each time, when
//! the pool allows guests; an identity with logins answers only to one of them. Developer user
//! identifiers are logins whose provider is the pool's `DeveloperProviderName`, linked by the
//! developer's backend (GetOpenIdTokenForDeveloperIdentity), merged and unlinked by it.
//!
//! Logins arrive verified ([`crate::logins`]): verification needs keys and may call out, so it
//! runs before the write transaction, never inside it.

use std::collections::{BTreeMap, BTreeSet};

use domain::identity_pool::new_identity_id;
use domain::{FieldError, IdentityId, IdentityPoolId};
use storage::identities::{self as store, IdentityRow};
use storage::identity_pools::IdentityPoolRow;
use storage::{Read, Tx};

use crate::logins::VerifiedLogin;
use crate::mapping::ProviderKind;
use crate::pools;

pub use crate::identity_error::{Error, Result};
pub use developer::{
    Lookup, check_developer_user, developer_identity, developer_provider, lookup_developer,
    merge_developer, unlink_developer,
};

mod developer;

/// Cognito's refusal of a guest where the pool allows none.
pub const GUESTS_REFUSED: &str = "Unauthenticated access is not supported for this identity pool.";
/// Cognito's refusal of logins that belong to another identity.
pub const LOGINS_DO_NOT_MATCH: &str = "Logins don't match. Please include at least one valid login for this identity or identity pool.";

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("Identity '{id}' not found."))
}

fn forbidden(id: &str) -> Error {
    Error::NotAuthorized(format!("Access to Identity '{id}' is forbidden."))
}

/// The pool with this id, or `ResourceNotFoundException`.
pub fn pool(r: &impl Read, id: &IdentityPoolId) -> Result<IdentityPoolRow> {
    Ok(pools::describe(r, id)?)
}

/// An identity and its pool, or `ResourceNotFoundException`.
pub fn identity(r: &impl Read, id: &str) -> Result<(IdentityRow, IdentityPoolRow)> {
    let row = store::get(r, id)?.ok_or_else(|| not_found(id))?;
    let pool = storage::identity_pools::get_by_pk(r, row.pool)?.ok_or_else(|| not_found(id))?;
    Ok((row, pool))
}

/// An identity as DescribeIdentity and ListIdentities answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub identity: IdentityRow,
    /// The providers of its logins, each once, in order.
    pub providers: Vec<String>,
}

impl From<store::IdentityLogins> for Description {
    fn from(i: store::IdentityLogins) -> Self {
        let providers: BTreeSet<String> = i.logins.into_iter().map(|l| l.provider).collect();
        Description {
            identity: i.identity,
            providers: providers.into_iter().collect(),
        }
    }
}

/// One identity with its logins and their users (one query).
fn with_logins(r: &impl Read, identity: &IdentityRow) -> Result<store::IdentityLogins> {
    let page = store::page_with_logins(
        r,
        &store::LoginsPage {
            pool: identity.pool,
            after_pk: identity.pk - 1,
            until_pk: Some(identity.pk),
            limit: 1,
            ..Default::default()
        },
    )?;
    page.into_iter()
        .next()
        .ok_or_else(|| not_found(&identity.id))
}

/// `DescribeIdentity`.
pub fn describe(r: &impl Read, id: &IdentityId) -> Result<Description> {
    let (row, _) = identity(r, id)?;
    Ok(with_logins(r, &row)?.into())
}

/// `ListIdentities`: the pool's identities after `after_pk`, at most `limit`, with their
/// providers read in the same query.
pub fn list(
    r: &impl Read,
    pool_id: &IdentityPoolId,
    after_pk: i64,
    limit: u32,
    hide_disabled: bool,
) -> Result<Vec<Description>> {
    Ok(
        list_logins(r, pool_id, after_pk, limit, hide_disabled, None)?
            .1
            .into_iter()
            .map(Description::from)
            .collect(),
    )
}

/// What a login says of who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOwner {
    /// Not a user pool's login: the subject is all there is (an OIDC or social `sub`, a SAML
    /// NameID, a developer user identifier).
    External,
    /// A user pool's login whose user is there.
    User {
        user_pool_id: String,
        user: store::LoginUser,
    },
    /// A user pool's login whose user is gone (no user of the pool has this `sub`).
    UserDeleted { user_pool_id: String },
    /// A login of a user pool this workspace does not hold (any more).
    UserPoolMissing { user_pool_id: String },
}

/// A login with its kind and owner, as the console's identities screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginDetail {
    pub provider: String,
    /// The provider's kind; the pool's developer provider is [`ProviderKind::Developer`].
    pub kind: ProviderKind,
    pub subject: String,
    pub linked_at: i64,
    pub owner: LoginOwner,
}

/// An identity with the details of its logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityDetail {
    pub identity: IdentityRow,
    pub logins: Vec<LoginDetail>,
}

/// The kind of a stored login's provider: the pool's developer provider name is the developer
/// provider, whatever it looks like.
pub fn login_kind(pool: &IdentityPoolRow, provider: &str) -> ProviderKind {
    if pool.config.developer_provider_name.as_deref() == Some(provider) {
        ProviderKind::Developer
    } else {
        ProviderKind::of(provider)
    }
}

fn detail(pool: &IdentityPoolRow, i: store::IdentityLogins) -> IdentityDetail {
    let logins = i
        .logins
        .into_iter()
        .map(|l| {
            let kind = login_kind(pool, &l.provider);
            let pool_id = if kind == ProviderKind::UserPool {
                l.provider.split_once(".amazonaws.com/").map(|(_, id)| id)
            } else {
                None
            };
            let owner = match (pool_id, l.user_pool, l.user) {
                (None, _, _) => LoginOwner::External,
                (Some(_), Some(id), Some(user)) => LoginOwner::User {
                    user_pool_id: id,
                    user,
                },
                (Some(_), Some(id), None) => LoginOwner::UserDeleted { user_pool_id: id },
                (Some(id), None, _) => LoginOwner::UserPoolMissing {
                    user_pool_id: id.to_owned(),
                },
            };
            LoginDetail {
                provider: l.provider,
                kind,
                subject: l.subject,
                linked_at: l.linked_at,
                owner,
            }
        })
        .collect();
    IdentityDetail {
        identity: i.identity,
        logins,
    }
}

/// The pool's identities after `after_pk` (at most `limit`; those matching `search` when
/// given), each with its logins and their users, in one query; and the pool.
pub fn list_logins(
    r: &impl Read,
    pool_id: &IdentityPoolId,
    after_pk: i64,
    limit: u32,
    hide_disabled: bool,
    search: Option<&str>,
) -> Result<(IdentityPoolRow, Vec<store::IdentityLogins>)> {
    let p = pool(r, pool_id)?;
    let page = store::page_with_logins(
        r,
        &store::LoginsPage {
            pool: p.pk,
            after_pk,
            until_pk: None,
            limit,
            hide_disabled,
            search: search.filter(|s| !s.is_empty()),
        },
    )?;
    Ok((p, page))
}

/// The console's identities: [`list_logins`] with each login's kind and owner.
pub fn list_details(
    r: &impl Read,
    pool_id: &IdentityPoolId,
    after_pk: i64,
    limit: u32,
    hide_disabled: bool,
    search: Option<&str>,
) -> Result<Vec<IdentityDetail>> {
    let (p, page) = list_logins(r, pool_id, after_pk, limit, hide_disabled, search)?;
    Ok(page.into_iter().map(|i| detail(&p, i)).collect())
}

/// One identity with each login's kind and owner.
pub fn describe_details(r: &impl Read, id: &IdentityId) -> Result<IdentityDetail> {
    let (row, pool) = identity(r, id)?;
    Ok(detail(&pool, with_logins(r, &row)?))
}

/// What DeleteIdentities did with one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// There is no such identity: nothing to do, as on Cognito (whose DeleteIdentities has no
    /// not-found error and reports unprocessed ids only for AccessDenied and
    /// InternalServerError).
    Absent,
    /// The delete failed and was undone; the others stand.
    Failed(String),
}

/// `DeleteIdentities`: each id deleted on its own (a savepoint each), so one that fails is
/// reported rather than failing the others. A failure that ends the transaction fails the call.
pub fn delete(tx: &Tx<'_>, ids: &[IdentityId]) -> Result<Vec<(String, Deletion)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let outcome = match store::get(tx, id)? {
            None => Deletion::Absent,
            Some(row) => match store::delete_alone(tx, row.pk)? {
                Ok(true) => Deletion::Deleted,
                Ok(false) => Deletion::Absent,
                Err(e) => Deletion::Failed(e.to_string()),
            },
        };
        out.push((id.as_str().to_owned(), outcome));
    }
    Ok(out)
}

/// The identity an identity-pool OpenID token names, in `pool`.
fn token_identity(
    r: &impl Read,
    pool: &IdentityPoolRow,
    login: &VerifiedLogin,
) -> Result<IdentityRow> {
    store::get(r, &login.subject)?
        .filter(|i| i.pool == pool.pk)
        .ok_or_else(|| {
            Error::NotAuthorized(format!(
                "Invalid login token. The identity it was issued to ({}) no longer exists.",
                login.subject
            ))
        })
}

/// The identities the logins are linked to (each once, oldest first), and the provider logins
/// linked to none.
fn linked<'a>(
    r: &impl Read,
    pool: &IdentityPoolRow,
    logins: &'a [VerifiedLogin],
) -> Result<(Vec<IdentityRow>, Vec<&'a VerifiedLogin>)> {
    let mut found: Vec<IdentityRow> = Vec::new();
    let mut unlinked = Vec::new();
    for l in logins {
        let at = if l.is_identity_token() {
            Some(token_identity(r, pool, l)?)
        } else {
            store::by_login(r, pool.pk, &l.provider, &l.subject)?
        };
        match at {
            Some(i) => {
                if !found.iter().any(|f| f.pk == i.pk) {
                    found.push(i);
                }
            }
            None => unlinked.push(l),
        }
    }
    found.sort_by_key(|i| i.pk);
    Ok((found, unlinked))
}

/// GetId's answer when nothing needs writing: every login is linked, all to one identity.
/// `None` when GetId must write (a guest, a new login, identities to merge).
pub fn known(
    r: &impl Read,
    pool: &IdentityPoolRow,
    logins: &[VerifiedLogin],
) -> Result<Option<IdentityRow>> {
    if logins.is_empty() {
        return Ok(None);
    }
    let (found, unlinked) = linked(r, pool, logins)?;
    Ok(match (found.as_slice(), unlinked.is_empty()) {
        ([one], true) => Some(one.clone()),
        _ => None,
    })
}

/// What GetId did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GotId {
    pub identity: IdentityRow,
    pub created: bool,
    /// Identities merged into it (and deleted).
    pub merged: Vec<String>,
}

/// `GetId`: the identity of the logins — found, made, or the oldest of several they name with
/// the others merged into it — with every login linked to it; a new identity for a guest.
pub fn get_id(
    tx: &Tx<'_>,
    pool_id: &IdentityPoolId,
    region: &str,
    logins: &[VerifiedLogin],
    now: i64,
) -> Result<GotId> {
    let pool = pool(tx, pool_id)?;
    if logins.is_empty() {
        if !pool.config.allow_unauthenticated_identities {
            return Err(Error::NotAuthorized(GUESTS_REFUSED.into()));
        }
        return Ok(GotId {
            identity: create(tx, &pool, region, now)?,
            created: true,
            merged: Vec::new(),
        });
    }
    let (found, unlinked) = linked(tx, &pool, logins)?;
    let (identity, created, merged) = match found.split_first() {
        None => (create(tx, &pool, region, now)?, true, Vec::new()),
        Some((oldest, others)) => {
            let mut merged = Vec::new();
            for o in others {
                store::move_logins(tx, o.pk, oldest.pk)?;
                store::delete(tx, o.pk)?;
                merged.push(o.id.clone());
            }
            (oldest.clone(), false, merged)
        }
    };
    for l in &unlinked {
        link(tx, &pool, &identity, &l.provider, &l.subject, now)?;
    }
    if !unlinked.is_empty() || !merged.is_empty() {
        store::touch(tx, identity.pk, now)?;
    }
    Ok(GotId {
        identity,
        created,
        merged,
    })
}

fn create(tx: &Tx<'_>, pool: &IdentityPoolRow, region: &str, now: i64) -> Result<IdentityRow> {
    let id = new_identity_id(region);
    Ok(store::insert(tx, pool.pk, &id, now)?)
}

fn link(
    tx: &Tx<'_>,
    pool: &IdentityPoolRow,
    identity: &IdentityRow,
    provider: &str,
    subject: &str,
    now: i64,
) -> Result<()> {
    store::link(tx, pool.pk, identity.pk, provider, subject, now).map_err(|e| match e {
        storage::Error::Conflict { .. } => Error::ResourceConflict(format!(
            "The login of '{provider}' is already linked to another identity of this pool."
        )),
        other => other.into(),
    })
}

/// A caller allowed to act as an identity (GetOpenIdToken, GetCredentialsForIdentity,
/// UnlinkIdentity): the identity, its pool, and the logins that proved it.
#[derive(Debug, Clone)]
pub struct Authorized {
    pub identity: IdentityRow,
    pub pool: IdentityPoolRow,
    /// The verified logins, in the request's order (none for a guest).
    pub logins: Vec<VerifiedLogin>,
    /// Provider logins not linked yet, which [`link_new`] links to the identity.
    pub to_link: Vec<(String, String)>,
}

impl Authorized {
    /// Whether the caller is a guest.
    pub fn is_guest(&self) -> bool {
        self.logins.is_empty()
    }

    /// The token's `amr`: `["unauthenticated"]` for a guest, else `authenticated` and each
    /// login's provider and subject (an identity-pool token's own providers carried over).
    pub fn amr(&self) -> Vec<String> {
        if self.is_guest() {
            return vec!["unauthenticated".into()];
        }
        let mut amr = vec!["authenticated".to_owned()];
        for l in &self.logins {
            if l.is_identity_token() {
                let carried = l
                    .claims
                    .get("amr")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .filter(|s| *s != "authenticated" && *s != "unauthenticated");
                amr.extend(carried.map(str::to_owned));
            } else {
                amr.extend(crate::openid::amr_of(&l.provider, &l.subject));
            }
        }
        amr
    }
}

impl Authorized {
    /// The principal tags the identity's token carries: for each provider login, the tags its
    /// claims give under the pool's principal tag map for that provider (none when the pool
    /// maps none); an identity-pool token's own tags carried over. A tag whose value STS would
    /// refuse (over 256 characters) leaves that login's tags out.
    pub fn principal_tags(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for l in &self.logins {
            if l.is_identity_token() {
                out.extend(crate::openid::carried_tags(&l.claims));
                continue;
            }
            let Some(map) = self.pool.principal_tags.get(&l.provider) else {
                continue;
            };
            let map = crate::mapping::PrincipalTagMap {
                use_defaults: map.use_defaults,
                principal_tags: map.principal_tags.clone(),
            };
            if let Ok(tags) = crate::mapping::principal_tags(&map, &l.provider, &l.claims) {
                out.extend(tags.tags.into_iter().map(|t| (t.key, t.value)));
            }
        }
        out
    }
}

/// Whether the caller with these verified logins may act as identity `id`: the identity exists
/// and is enabled; a guest only on a pool that allows guests and an identity with no logins;
/// otherwise each login is linked to this identity or to none (it is then linked by
/// [`link_new`]), and an identity-pool token names this identity.
pub fn authorize(r: &impl Read, id: &IdentityId, logins: Vec<VerifiedLogin>) -> Result<Authorized> {
    let (identity, pool) = identity(r, id)?;
    authorize_in(r, identity, pool, logins)
}

/// [`authorize`] for an identity already read.
pub fn authorize_in(
    r: &impl Read,
    identity: IdentityRow,
    pool: IdentityPoolRow,
    logins: Vec<VerifiedLogin>,
) -> Result<Authorized> {
    if identity.disabled {
        return Err(Error::NotAuthorized(format!(
            "Identity '{}' is disabled.",
            identity.id
        )));
    }
    let mut to_link = Vec::new();
    if logins.is_empty() {
        if !store::logins(r, identity.pk)?.is_empty() {
            return Err(forbidden(&identity.id));
        }
        if !pool.config.allow_unauthenticated_identities {
            return Err(Error::NotAuthorized(GUESTS_REFUSED.into()));
        }
    }
    for l in &logins {
        if l.is_identity_token() {
            if l.subject != identity.id {
                return Err(Error::NotAuthorized(LOGINS_DO_NOT_MATCH.into()));
            }
            continue;
        }
        match store::login_owner(r, pool.pk, &l.provider, &l.subject)? {
            Some(owner) if owner == identity.pk => {}
            Some(_) => return Err(Error::NotAuthorized(LOGINS_DO_NOT_MATCH.into())),
            None => to_link.push((l.provider.clone(), l.subject.clone())),
        }
    }
    Ok(Authorized {
        identity,
        pool,
        logins,
        to_link,
    })
}

/// Links the caller's new logins to its identity (a guest identity becomes authenticated).
pub fn link_new(tx: &Tx<'_>, a: &Authorized, now: i64) -> Result<()> {
    for (provider, subject) in &a.to_link {
        link(tx, &a.pool, &a.identity, provider, subject, now).map_err(|e| match e {
            Error::ResourceConflict(_) => Error::NotAuthorized(LOGINS_DO_NOT_MATCH.into()),
            other => other,
        })?;
    }
    if !a.to_link.is_empty() {
        store::touch(tx, a.identity.pk, now)?;
    }
    Ok(())
}

/// `UnlinkIdentity`: removes the logins of the providers in `remove` from the caller's
/// identity. Each must be linked to it; the caller's proof must be a login (not a guest).
pub fn unlink(tx: &Tx<'_>, a: &Authorized, remove: &[String], now: i64) -> Result<()> {
    if a.is_guest() {
        return Err(forbidden(&a.identity.id));
    }
    let dev = a.pool.config.developer_provider_name.as_deref();
    for provider in remove {
        if Some(provider.as_str()) == dev {
            return Err(FieldError::new(
                "LoginsToRemove",
                format!(
                    "'{provider}' is the developer provider: UnlinkDeveloperIdentity unlinks its \
                     users"
                ),
            )
            .into());
        }
        if store::unlink(tx, a.identity.pk, provider, None)? == 0 {
            return Err(FieldError::new(
                "LoginsToRemove",
                format!("'{provider}' is not linked to identity '{}'", a.identity.id),
            )
            .into());
        }
    }
    store::touch(tx, a.identity.pk, now)?;
    Ok(())
}
