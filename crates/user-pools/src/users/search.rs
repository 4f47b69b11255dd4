//! Listing users: Cognito's `ListUsers` with its filter, and Poolhouse's search.

use domain::UserPoolId;
use std::collections::BTreeMap;

use domain::filter::{UserFilter, format_filter, parse_filter};
use domain::user::UserStatus;
use storage::Read;
use storage::user_security::Security;
use storage::users::{
    self as store, Cursor, ListQuery, SearchQuery, SignInVia, SortKey, TextMatch, UserRow,
};
use tokens::MacKey;

use crate::{Error, Result, invalid, pagination, require_pool};

/// `ListUsers`: at most `limit` (0–60, default 60) users matching `filter`.
pub fn list(
    r: &impl Read,
    pages: &MacKey,
    pool_id: &UserPoolId,
    filter: Option<&str>,
    limit: Option<u32>,
    token: Option<&str>,
) -> Result<(Vec<UserRow>, Option<String>)> {
    let pool = require_pool(r, pool_id)?;
    let limit = limit.unwrap_or(60);
    if limit > 60 {
        return Err(invalid("Limit", "must be between 0 and 60"));
    }
    let filter: Option<UserFilter> = parse_filter(filter.unwrap_or(""))?;
    let scope = format!(
        "ListUsers|{}|{}",
        pool.id,
        filter.as_ref().map(format_filter).unwrap_or_default()
    );
    let after: Option<Cursor> = token
        .map(|t| pagination::decode(pages, &scope, t))
        .transpose()?;
    if limit == 0 {
        return Ok((Vec::new(), token.map(str::to_string)));
    }
    let page = store::list(
        r,
        &ListQuery {
            pool: pool.pk,
            filter,
            case_insensitive: pool.config.is_case_insensitive(),
            after,
            limit,
        },
    )?;
    Ok((
        page.users,
        page.next.map(|c| pagination::encode(pages, &scope, &c)),
    ))
}

/// A SearchUsers request.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: Option<String>,
    pub statuses: Vec<UserStatus>,
    pub enabled: Option<bool>,
    pub group: Option<String>,
    /// Only users with (true) or without (false) an enabled MFA factor.
    pub mfa: Option<bool>,
    /// Only users locked out (true) or not (false) at `now`.
    pub locked: Option<bool>,
    /// Only users who sign in this way: [`domain::idp::COGNITO`] (the pool's own sign-in),
    /// [`ANY_PROVIDER`], or the name of one of the pool's identity providers.
    pub identity_provider: Option<String>,
    /// ms.
    pub now: i64,
    pub sort: Option<SortKey>,
    pub descending: bool,
    pub limit: Option<u32>,
    pub token: Option<String>,
}

/// A SearchUsers answer.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub users: Vec<UserRow>,
    /// Group names per user key.
    pub groups: BTreeMap<i64, Vec<String>>,
    /// Enabled MFA factors per user key (users with none are absent).
    pub mfa: std::collections::HashMap<i64, Vec<&'static str>>,
    /// Failed sign-ins and lockout per user key (users who never failed are absent).
    pub security: std::collections::HashMap<i64, Security>,
    /// The providers each user is linked to by AdminLinkProviderForUser (unlinked users are
    /// absent).
    pub linked_providers: BTreeMap<i64, Vec<String>>,
    /// How the text matched, when there was one.
    pub text_match: Option<TextMatch>,
    /// Matching users, exact up to [`COUNT_CAP`].
    pub total: i64,
    /// False when more than [`COUNT_CAP`] users match and `total` is the cap.
    pub total_is_exact: bool,
    pub next: Option<String>,
}

/// The `IdentityProvider` value that means "through any identity provider".
pub const ANY_PROVIDER: &str = "*";

/// What an `IdentityProvider` value asks for: `COGNITO`, [`ANY_PROVIDER`], or a provider of the
/// pool (by its exact name; one that is not the pool's is refused, naming the member).
fn sign_in_via(r: &impl Read, pool: i64, value: &str) -> Result<SignInVia> {
    if value == domain::idp::COGNITO {
        return Ok(SignInVia::Cognito);
    }
    if value == ANY_PROVIDER {
        return Ok(SignInVia::AnyProvider);
    }
    if storage::idps::get(r, pool, value)?.is_none() {
        return Err(invalid(
            "IdentityProvider",
            format!(
                "the pool has no identity provider named {value:?} (COGNITO for the pool's own \
                 sign-in, {ANY_PROVIDER:?} for any provider)"
            ),
        ));
    }
    Ok(SignInVia::Provider(value.to_string()))
}

/// Beyond this many matches a search reports "at least" instead of counting on.
pub const COUNT_CAP: i64 = 10_000;

/// Poolhouse's search: one text over usernames, emails, phones, names, `sub` and custom
/// attributes, with status, enabled and group filters, sorting and keyset paging.
pub fn search(
    r: &impl Read,
    pages: &MacKey,
    pool_id: &UserPoolId,
    s: &Search,
) -> Result<SearchPage> {
    let pool = require_pool(r, pool_id)?;
    let limit = s.limit.unwrap_or(60);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("Limit", "must be between 1 and 1000"));
    }
    let text = s
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    if text.as_ref().is_some_and(|t| t.chars().count() > 256) {
        return Err(invalid("Query", "must be at most 256 characters"));
    }
    let group = match &s.group {
        Some(g) => Some(
            storage::groups::get(r, pool.pk, g)?
                .ok_or_else(|| Error::GroupNotFound(g.clone()))?
                .pk,
        ),
        None => None,
    };
    let sign_in = s
        .identity_provider
        .as_deref()
        .map(|v| sign_in_via(r, pool.pk, v))
        .transpose()?;
    let sort = s.sort.unwrap_or(SortKey::Username);
    let scope = format!(
        "SearchUsers|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
        pool.id, text, s.statuses, s.enabled, group, s.mfa, s.locked, sign_in, sort, s.descending
    );
    let after: Option<Cursor> = s
        .token
        .as_deref()
        .map(|t| pagination::decode(pages, &scope, t))
        .transpose()?;
    let q = SearchQuery {
        pool: pool.pk,
        text,
        case_insensitive: pool.config.is_case_insensitive(),
        statuses: s.statuses.clone(),
        enabled: s.enabled,
        group,
        mfa: s.mfa,
        locked: s.locked,
        sign_in,
        now: s.now,
        text_match: TextMatch::Prefix,
        sort,
        descending: s.descending,
        after,
        limit,
        few_matches: true,
    };
    let (mut total, mut total_is_exact) = store::search_count(r, &q, COUNT_CAP)?;
    // Two tiers: the prefix match (on indexes) first; only when it finds nothing is the text
    // looked for inside the fields (a walk, bounded by the page's LIMIT and the count's cap).
    // Running both always would slow every search on a large pool and bury the precise
    // prefix hits among loose ones; a prefix that finds nothing is the case where the person
    // typed the middle of something ("@acme", "Grace Thompson").
    let mut q = q;
    if total == 0 && q.text.is_some() {
        q.text_match = TextMatch::Contains;
        (total, total_is_exact) = store::search_count(r, &q, COUNT_CAP)?;
    }
    let text_match = q.text.as_ref().map(|_| q.text_match);
    let q = SearchQuery {
        few_matches: total_is_exact,
        ..q
    };
    let page = store::search(r, &q)?;
    let keys: Vec<i64> = page.users.iter().map(|u| u.pk).collect();
    let groups = storage::groups::names_for_users(r, &keys)?;
    let mfa = storage::user_mfa::enabled_for(r, &keys)?;
    let security = storage::user_security::for_users(r, &keys)?;
    let linked_providers = storage::idps::provider_names_for_users(r, &keys)?;
    Ok(SearchPage {
        users: page.users,
        groups,
        mfa,
        security,
        linked_providers,
        text_match,
        total,
        total_is_exact,
        next: page.next.map(|c| pagination::encode(pages, &scope, &c)),
    })
}
