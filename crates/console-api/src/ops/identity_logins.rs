//! Who an identity is (Poolhouse's own, for the console): each login of an identity with its
//! provider, its subject as stored (`sub`, a SAML NameID, a developer user identifier) and —
//! for a login of a user pool of this workspace — the user it belongs to, so that the console
//! names identities by the people they are. Cognito's ListIdentities and DescribeIdentity carry
//! providers only.
//!
//! A page is one query (`storage::identities::page_with_logins`): identities, logins and users
//! joined, never a query per identity.

use domain::IdentityPoolId;
use identity_pools::identities::{self, IdentityDetail, LoginOwner};
use identity_pools::mapping::ProviderKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::identities::IdentityIdRequest;
use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

/// The longest search text.
const MAX_SEARCH_CHARS: usize = 256;
/// The largest page (as ListIdentities).
const MAX_RESULTS: u32 = 60;

dto! {
    pub struct ListIdentityLoginsRequest {
        pub identity_pool_id: IdentityPoolId,
        /// 1–60 (default 60).
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
        #[serde(default)]
        pub hide_disabled: Option<bool>,
        /// Only identities whose id, or a login's subject, or a login's user (username, email,
        /// name) contains this text, without case. At most 256 characters; blank: every one.
        #[serde(default)]
        pub search: Option<String>,
    }
}

/// The kind of a login's provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum LoginProviderType {
    /// A user pool (`cognito-idp.<region>.amazonaws.com/<pool id>`).
    UserPool,
    /// The identity pool's developer provider.
    Developer,
    #[serde(rename = "OIDC")]
    Oidc,
    #[serde(rename = "SAML")]
    Saml,
    Google,
    Facebook,
    Amazon,
    Apple,
    Twitter,
}

impl From<ProviderKind> for LoginProviderType {
    fn from(k: ProviderKind) -> Self {
        match k {
            ProviderKind::UserPool => Self::UserPool,
            ProviderKind::Developer => Self::Developer,
            ProviderKind::Oidc => Self::Oidc,
            ProviderKind::Saml => Self::Saml,
            ProviderKind::Google => Self::Google,
            ProviderKind::Facebook => Self::Facebook,
            ProviderKind::Amazon => Self::Amazon,
            ProviderKind::Apple => Self::Apple,
            ProviderKind::Twitter => Self::Twitter,
        }
    }
}

/// Whether the user of a user pool login is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum LoginUserState {
    /// The user is there: its names follow.
    Present,
    /// No user of the pool has this `sub` any more: the user was deleted.
    Deleted,
    /// The user pool itself is not in this workspace (deleted, or never here).
    UserPoolDeleted,
}

dto! {
    /// The user a user pool login belongs to.
    pub struct LoginUser {
        pub user_pool_id: String,
        pub state: LoginUserState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub given_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub family_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enabled: Option<bool>,
    }
}

dto! {
    /// One login of an identity.
    pub struct IdentityLogin {
        /// The Logins key (or the identity pool's developer provider name).
        pub provider: String,
        pub provider_type: LoginProviderType,
        /// As the provider vouched for it: `sub`, the SAML NameID, the developer user
        /// identifier.
        pub subject: String,
        pub linked_date: f64,
        /// For a user pool's login: its user (or that it is gone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user: Option<LoginUser>,
    }
}

dto! {
    /// An identity with its logins.
    pub struct IdentityLogins {
        pub identity_id: String,
        pub disabled: bool,
        pub creation_date: f64,
        pub last_modified_date: f64,
        pub logins: Vec<IdentityLogin>,
    }
}

dto! {
    pub struct ListIdentityLoginsResponse {
        pub identity_pool_id: String,
        pub identities: Vec<IdentityLogins>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

fn login_user(owner: LoginOwner) -> Option<LoginUser> {
    let empty = |user_pool_id: String, state| LoginUser {
        user_pool_id,
        state,
        username: None,
        email: None,
        phone_number: None,
        name: None,
        given_name: None,
        family_name: None,
        enabled: None,
    };
    match owner {
        LoginOwner::External => None,
        LoginOwner::User { user_pool_id, user } => Some(LoginUser {
            user_pool_id,
            state: LoginUserState::Present,
            username: Some(user.username),
            email: user.email,
            phone_number: user.phone_number,
            name: user.name,
            given_name: user.given_name,
            family_name: user.family_name,
            enabled: Some(user.enabled),
        }),
        LoginOwner::UserDeleted { user_pool_id } => {
            Some(empty(user_pool_id, LoginUserState::Deleted))
        }
        LoginOwner::UserPoolMissing { user_pool_id } => {
            Some(empty(user_pool_id, LoginUserState::UserPoolDeleted))
        }
    }
}

fn identity_logins(d: IdentityDetail) -> IdentityLogins {
    IdentityLogins {
        identity_id: d.identity.id,
        disabled: d.identity.disabled,
        creation_date: secs(d.identity.created_at),
        last_modified_date: secs(d.identity.modified_at),
        logins: d
            .logins
            .into_iter()
            .map(|l| IdentityLogin {
                provider: l.provider,
                provider_type: l.kind.into(),
                subject: l.subject,
                linked_date: secs(l.linked_at),
                user: login_user(l.owner),
            })
            .collect(),
    }
}

/// `ListIdentityLogins`: a page of the pool's identities with their logins and users.
pub(crate) fn list_identity_logins(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListIdentityLoginsRequest,
) -> Result<ListIdentityLoginsResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, MAX_RESULTS, MAX_RESULTS)?;
    let search = req
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = search
        && s.chars().count() > MAX_SEARCH_CHARS
    {
        return Err(ApiError::invalid(
            "Search",
            format!("must be at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    let hide = req.hide_disabled.unwrap_or(false);
    // A token is bound to its pool, HideDisabled and the search.
    let scope = format!(
        "ListIdentityLogins:{}:{hide}:{}",
        req.identity_pool_id,
        search.unwrap_or_default()
    );
    let after: i64 = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| {
        Ok(identities::list_details(
            r,
            &req.identity_pool_id,
            after,
            limit + 1,
            hide,
            search,
        )?)
    })?;
    let (rows, next) = paged(c, rows, limit, &scope, |d| d.identity.pk);
    Ok(ListIdentityLoginsResponse {
        identity_pool_id: req.identity_pool_id.to_string(),
        identities: rows.into_iter().map(identity_logins).collect(),
        next_token: next,
    })
}

/// `DescribeIdentityLogins`: one identity with its logins and users.
pub(crate) fn describe_identity_logins(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: IdentityIdRequest,
) -> Result<IdentityLogins, ApiError> {
    let d = c.read(|r| Ok(identities::describe_details(r, &req.identity_id)?))?;
    Ok(identity_logins(d))
}
