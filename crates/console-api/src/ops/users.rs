//! Users as administrators manage them: create (with invitation), read, attributes, enable and
//! disable, delete, set a password, list with Cognito's filter, Poolhouse's search, and
//! generated test users.

use domain::names::{GroupName, UserPoolId, Username};
use std::collections::BTreeMap;

use domain::user::UserStatus;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::users::{SortKey, TextMatch};
use ts_rs::TS;
use user_pools::engine::AdminCreateInput;
use user_pools::users;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    pub struct AdminCreateUserRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        #[serde(default)]
        #[ts(as = "Option<Vec<AttributeType>>", optional)]
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        #[ts(as = "Option<Vec<AttributeType>>", optional)]
        pub validation_data: Vec<AttributeType>,
        #[serde(default)]
        pub temporary_password: Option<String>,
        #[serde(default)]
        pub force_alias_creation: Option<bool>,
        #[serde(default)]
        pub message_action: Option<MessageActionType>,
        #[serde(default)]
        #[ts(as = "Option<Vec<DeliveryMediumType>>", optional)]
        pub desired_delivery_mediums: Vec<DeliveryMediumType>,
        #[serde(default)]
        #[ts(as = "Option<BTreeMap<String, String>>", optional)]
        pub client_metadata: BTreeMap<String, String>,
    }
}

dto! {
    pub struct AdminCreateUserResponse {
        pub user: UserType,
    }
}

dto! {
    pub struct AdminGetUserResponse {
        pub username: String,
        pub user_attributes: Vec<AttributeType>,
        pub user_create_date: f64,
        pub user_last_modified_date: f64,
        pub enabled: bool,
        pub user_status: UserStatus,
        #[serde(rename = "MFAOptions")]
        pub mfa_options: Vec<MfaOptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_mfa_setting: Option<String>,
        #[serde(rename = "UserMFASettingList")]
        pub user_mfa_setting_list: Vec<String>,
    }
}

dto! {
    pub struct AdminUpdateUserAttributesRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        #[ts(as = "Option<BTreeMap<String, String>>", optional)]
        pub client_metadata: BTreeMap<String, String>,
    }
}

dto! {
    pub struct AdminDeleteUserAttributesRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        pub user_attribute_names: Vec<String>,
    }
}

dto! {
    pub struct AdminSetUserPasswordRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        pub password: String,
        #[serde(default)]
        pub permanent: Option<bool>,
    }
}

dto! {
    pub struct ListUsersRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub attributes_to_get: Option<Vec<String>>,
        /// 0–60, default 60.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub pagination_token: Option<String>,
        /// `attribute = "value"` or `attribute ^= "value"`.
        #[serde(default)]
        pub filter: Option<String>,
    }
}

dto! {
    pub struct ListUsersResponse {
        pub users: Vec<UserType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pagination_token: Option<String>,
    }
}

/// What SearchUsers sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SortBy {
    Username,
    Email,
    Created,
    Modified,
    Status,
}

dto! {
    /// Poolhouse's search: one query over username, email, phone, names, `sub` and custom
    /// attributes (prefix, case-insensitive), with filters, sorting, keyset paging and a total.
    pub struct SearchUsersRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub query: Option<String>,
        #[serde(default)]
        #[ts(as = "Option<Vec<UserStatus>>", optional)]
        pub status: Vec<UserStatus>,
        #[serde(default)]
        pub enabled: Option<bool>,
        #[serde(default)]
        pub group_name: Option<GroupName>,
        /// Only users with (true) or without (false) an enabled MFA factor.
        #[serde(default)]
        pub mfa_enabled: Option<bool>,
        /// Only users locked out after failed sign-ins (true) or not locked out (false).
        #[serde(default)]
        pub locked: Option<bool>,
        /// Only users who sign in this way: `COGNITO`, the pool's own sign-in (every user but
        /// the federated ones, `EXTERNAL_PROVIDER`); the name of one of the pool's identity
        /// providers (its federated users, `<ProviderName>_<subject>`, and the users linked to
        /// one of its identities by AdminLinkProviderForUser); or `*`, any provider. A user
        /// linked to a provider signs in both ways, so both `COGNITO` and that provider find it.
        #[serde(default)]
        pub identity_provider: Option<String>,
        #[serde(default)]
        pub sort_by: Option<SortBy>,
        #[serde(default)]
        pub sort_descending: Option<bool>,
        /// 1–1000, default 60.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// A row of the users table.
    pub struct UserSummary {
        pub username: String,
        pub sub: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub user_status: UserStatus,
        pub enabled: bool,
        pub groups: Vec<String>,
        /// Enabled MFA factors (`SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SMS_MFA`).
        #[serde(rename = "MFA")]
        pub mfa: Vec<String>,
        /// While the user is locked out after failed sign-ins: when the lockout ends (epoch
        /// seconds).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub locked_until: Option<f64>,
        /// Failed sign-ins in a row since the last success or unlock.
        #[ts(type = "number")]
        pub failed_sign_ins: i64,
        /// The identity providers the user is linked to (AdminLinkProviderForUser): besides
        /// the pool's own sign-in, the user signs in through each. Absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<String>>", optional)]
        pub linked_providers: Vec<String>,
        pub user_create_date: f64,
        pub user_last_modified_date: f64,
    }
}

/// How SearchUsers matched the query text: at the start of a field, or (when that found
/// nobody) inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum MatchKind {
    Prefix,
    Contains,
}

dto! {
    pub struct SearchUsersResponse {
        pub users: Vec<UserSummary>,
        /// Matching users; a lower bound when `TotalCountExact` is false (broad queries on
        /// very large pools stop counting at 10,000).
        #[ts(type = "number")]
        pub total_count: i64,
        pub total_count_exact: bool,
        /// How the query text matched (absent without one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub match_kind: Option<MatchKind>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    /// Creates sample users (confirmed, no password) to try the console on a large pool.
    pub struct GenerateUsersRequest {
        pub user_pool_id: UserPoolId,
        /// 1–100,000 per call.
        pub count: u32,
        /// Username prefix, default `user`.
        #[serde(default)]
        pub prefix: Option<String>,
    }
}

dto! {
    pub struct GenerateUsersResponse {
        pub created: u32,
        #[ts(type = "number")]
        pub total_users: i64,
    }
}

/// `AdminCreateUser`. The temporary password is checked and hashed before the write
/// transaction; without one and with the invitation suppressed, no password is set.
pub(crate) fn admin_create_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminCreateUserRequest,
) -> Result<AdminCreateUserResponse, ApiError> {
    let parsed = attribute_map("UserAttributes", &req.user_attributes)
        .and_then(|a| Ok((a, attribute_map("ValidationData", &req.validation_data)?)));
    let (attributes, validation_data) = parsed.inspect_err(|e| {
        c.record_failure(
            ctx.actor,
            ctx.op.name(),
            Some(&req.user_pool_id),
            Some(&req.username),
            e,
        );
    })?;
    let message_action = match req.message_action {
        None => users::MessageAction::Send,
        Some(MessageActionType::Resend) => users::MessageAction::Resend,
        Some(MessageActionType::Suppress) => users::MessageAction::Suppress,
    };
    let mediums = req
        .desired_delivery_mediums
        .iter()
        .map(|m| match m {
            DeliveryMediumType::Sms => users::Medium::Sms,
            DeliveryMediumType::Email => users::Medium::Email,
        })
        .collect();
    let client_metadata = user_pools::hooks::string_map(&req.client_metadata);
    let user = c.engine(ctx, |e| {
        e.admin_create_user(
            &req.user_pool_id,
            AdminCreateInput {
                username: &req.username,
                attributes,
                validation_data: &validation_data,
                client_metadata: &client_metadata,
                temporary_password: req.temporary_password.as_deref(),
                message_action,
                mediums,
                force_alias_creation: req.force_alias_creation.unwrap_or(false),
            },
        )
    })?;
    Ok(AdminCreateUserResponse {
        user: user_type(&user, None),
    })
}

/// `AdminGetUser`.
pub(crate) fn admin_get_user(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<AdminGetUserResponse, ApiError> {
    let (u, (mfa, preferred)) = c.read(|r| {
        let (_, u) = users::get(r, &req.user_pool_id, &req.username)?;
        let mfa = user_pools::signin::mfa::describe(r, &u)?;
        Ok((u, mfa))
    })?;
    Ok(AdminGetUserResponse {
        username: u.username.clone(),
        user_attributes: attributes(&u, None),
        user_create_date: secs(u.created_at),
        user_last_modified_date: secs(u.updated_at),
        enabled: u.enabled,
        user_status: u.status,
        mfa_options: Vec::new(),
        preferred_mfa_setting: preferred,
        user_mfa_setting_list: mfa,
    })
}

/// `AdminUpdateUserAttributes`.
pub(crate) fn admin_update_user_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminUpdateUserAttributesRequest,
) -> Result<Empty, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.username),
        |tx, ctx| {
            let changes = attribute_map("UserAttributes", &req.user_attributes)?;
            users::update_attributes(tx, ctx, &req.user_pool_id, &req.username, &changes)?;
            Ok((Empty {}, None))
        },
    )
}

/// `AdminDeleteUserAttributes`.
pub(crate) fn admin_delete_user_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminDeleteUserAttributesRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.username, |tx, ctx| {
        users::delete_attributes(
            tx,
            ctx,
            &req.user_pool_id,
            &req.username,
            &req.user_attribute_names,
        )
    })
}

/// `AdminEnableUser`.
pub(crate) fn admin_enable_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    set_enabled(c, ctx, &req, users::Enablement::Enabled)
}

/// `AdminDisableUser`: the user's sign-ins end with it.
pub(crate) fn admin_disable_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    set_enabled(c, ctx, &req, users::Enablement::Disabled)
}

fn set_enabled(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: &UserRequest,
    to: users::Enablement,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.username, |tx, uctx| {
        users::set_enabled(tx, uctx, &req.user_pool_id, &req.username, to)
    })
}

/// `AdminDeleteUser`.
pub(crate) fn admin_delete_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.username, |tx, _| {
        users::delete(tx, &req.user_pool_id, &req.username)
    })
}

/// `AdminSetUserPassword`.
pub(crate) fn admin_set_user_password(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminSetUserPasswordRequest,
) -> Result<Empty, ApiError> {
    c.engine(ctx, |e| {
        e.admin_set_user_password(
            &req.user_pool_id,
            &req.username,
            &req.password,
            if req.permanent.unwrap_or(false) {
                users::PasswordKind::Permanent
            } else {
                users::PasswordKind::Temporary
            },
        )
    })?;
    Ok(Empty {})
}

/// `ListUsers`.
pub(crate) fn list_users(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListUsersRequest,
) -> Result<ListUsersResponse, ApiError> {
    c.read(|r| {
        if let Some(names) = &req.attributes_to_get {
            let pool = user_pools::require_pool(r, &req.user_pool_id)?;
            for (i, n) in names.iter().enumerate() {
                if domain::schema::find(&pool.config.schema_attributes, n).is_none() {
                    return Err(ApiError::invalid(
                        format!("AttributesToGet[{i}]"),
                        format!("{n} is not an attribute of this pool"),
                    ));
                }
            }
        }
        let (rows, next) = users::list(
            r,
            c.pages(),
            &req.user_pool_id,
            req.filter.as_deref(),
            req.limit,
            req.pagination_token.as_deref(),
        )?;
        Ok(ListUsersResponse {
            users: rows
                .iter()
                .map(|u| user_type(u, req.attributes_to_get.as_deref()))
                .collect(),
            pagination_token: next,
        })
    })
}

/// `SearchUsers`.
pub(crate) fn search_users(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: SearchUsersRequest,
) -> Result<SearchUsersResponse, ApiError> {
    let search = users::Search {
        text: req.query.clone(),
        statuses: req.status.clone(),
        enabled: req.enabled,
        group: req.group_name.clone().map(String::from),
        mfa: req.mfa_enabled,
        locked: req.locked,
        identity_provider: req.identity_provider.clone(),
        now: c.now_ms(),
        sort: req.sort_by.map(|s| match s {
            SortBy::Username => SortKey::Username,
            SortBy::Email => SortKey::Email,
            SortBy::Created => SortKey::Created,
            SortBy::Modified => SortKey::Modified,
            SortBy::Status => SortKey::Status,
        }),
        descending: req.sort_descending.unwrap_or(false),
        limit: req.limit,
        token: req.next_token.clone(),
    };
    let page = c
        .read(|r| Ok(users::search(r, c.pages(), &req.user_pool_id, &search)?))
        .map_err(|mut e: ApiError| {
            if e.field.as_deref() == Some("PaginationToken") {
                e.field = Some("NextToken".into());
            }
            e
        })?;
    let now = c.now_ms();
    Ok(SearchUsersResponse {
        users: page
            .users
            .iter()
            .map(|u| {
                let security = page.security.get(&u.pk);
                UserSummary {
                    username: u.username.clone(),
                    sub: u.sub.clone(),
                    email: u.attributes.get("email").cloned(),
                    phone_number: u.attributes.get("phone_number").cloned(),
                    name: u.attributes.get("name").cloned(),
                    user_status: u.status,
                    enabled: u.enabled,
                    groups: page.groups.get(&u.pk).cloned().unwrap_or_default(),
                    mfa: page
                        .mfa
                        .get(&u.pk)
                        .map(|f| f.iter().map(|s| (*s).to_string()).collect())
                        .unwrap_or_default(),
                    locked_until: security
                        .filter(|s| s.locked_until > now)
                        .map(|s| secs(s.locked_until)),
                    failed_sign_ins: security.map_or(0, |s| s.failed_sign_ins),
                    linked_providers: page
                        .linked_providers
                        .get(&u.pk)
                        .cloned()
                        .unwrap_or_default(),
                    user_create_date: secs(u.created_at),
                    user_last_modified_date: secs(u.updated_at),
                }
            })
            .collect(),
        total_count: page.total,
        total_count_exact: page.total_is_exact,
        match_kind: page.text_match.map(|m| match m {
            TextMatch::Prefix => MatchKind::Prefix,
            TextMatch::Contains => MatchKind::Contains,
        }),
        next_token: page.next,
    })
}

/// `GenerateUsers`: sample users in one transaction, audited once.
pub(crate) fn generate_users(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GenerateUsersRequest,
) -> Result<GenerateUsersResponse, ApiError> {
    if !(1..=100_000).contains(&req.count) {
        return Err(ApiError::invalid("Count", "must be between 1 and 100000"));
    }
    let prefix = req.prefix.clone().unwrap_or_else(|| "user".into());
    let target = format!("{} users", req.count);
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, ctx| {
        let created = users::generate(tx, ctx, &req.user_pool_id, &prefix, req.count)?;
        let total = user_pools::require_pool(tx, &req.user_pool_id)?.user_count;
        Ok((
            GenerateUsersResponse {
                created,
                total_users: total,
            },
            None,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::user::UserStatus;

    #[test]
    fn user_status_is_used_in_summaries() {
        let s = UserSummary {
            username: "a".into(),
            sub: "s".into(),
            email: None,
            phone_number: None,
            name: None,
            user_status: UserStatus::Confirmed,
            enabled: true,
            groups: vec![],
            mfa: vec![],
            locked_until: None,
            failed_sign_ins: 0,
            linked_providers: vec![],
            user_create_date: 1.5,
            user_last_modified_date: 1.5,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["UserStatus"], "CONFIRMED");
        assert!(
            v.get("Email").is_none(),
            "absent members are omitted, not null"
        );
    }
}
