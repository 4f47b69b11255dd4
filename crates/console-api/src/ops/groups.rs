//! Groups and membership.

use domain::names::{GroupName, UserPoolId, Username};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::groups::GroupRow;
use ts_rs::TS;
use user_pools::{groups, pagination};

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    /// `GroupType`.
    pub struct GroupType {
        pub group_name: String,
        pub user_pool_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(type = "number | undefined")]
        pub precedence: Option<i64>,
        pub last_modified_date: f64,
        pub creation_date: f64,
    }
}

dto! {
    pub struct GroupRequest {
        pub group_name: GroupName,
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        #[ts(type = "number | undefined")]
        pub precedence: Option<i64>,
    }
}

dto! {
    pub struct GroupResponse {
        pub group: GroupType,
    }
}

dto! {
    pub struct GroupNameRequest {
        pub group_name: GroupName,
        pub user_pool_id: UserPoolId,
    }
}

dto! {
    pub struct ListGroupsRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListGroupsResponse {
        pub groups: Vec<GroupType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct UserGroupRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        pub group_name: GroupName,
    }
}

dto! {
    pub struct AdminListGroupsForUserRequest {
        pub username: Username,
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUsersInGroupRequest {
        pub user_pool_id: UserPoolId,
        pub group_name: GroupName,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUsersInGroupResponse {
        pub users: Vec<UserType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

pub(crate) fn group_type(pool_id: &str, g: &GroupRow) -> GroupType {
    GroupType {
        group_name: g.name.clone(),
        user_pool_id: pool_id.to_string(),
        description: g.description.clone(),
        role_arn: g.role_arn.clone(),
        precedence: g.precedence,
        last_modified_date: secs(g.updated_at),
        creation_date: secs(g.created_at),
    }
}

/// `CreateGroup`.
pub(crate) fn create_group(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GroupRequest,
) -> Result<GroupResponse, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.group_name),
        |tx, ctx| {
            let g = groups::create(
                tx,
                ctx,
                &req.user_pool_id,
                &req.group_name,
                &group_input(&req),
            )?;
            Ok((
                GroupResponse {
                    group: group_type(&req.user_pool_id, &g),
                },
                None,
            ))
        },
    )
}

/// `GetGroup`.
pub(crate) fn get_group(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: GroupNameRequest,
) -> Result<GroupResponse, ApiError> {
    let g = c.read(|r| Ok(groups::get(r, &req.user_pool_id, &req.group_name)?))?;
    Ok(GroupResponse {
        group: group_type(&req.user_pool_id, &g),
    })
}

/// `UpdateGroup`.
pub(crate) fn update_group(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GroupRequest,
) -> Result<GroupResponse, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.group_name),
        |tx, ctx| {
            let g = groups::update(
                tx,
                ctx,
                &req.user_pool_id,
                &req.group_name,
                &group_input(&req),
            )?;
            Ok((
                GroupResponse {
                    group: group_type(&req.user_pool_id, &g),
                },
                None,
            ))
        },
    )
}

/// `DeleteGroup`.
pub(crate) fn delete_group(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GroupNameRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.group_name, |tx, _| {
        groups::delete(tx, &req.user_pool_id, &req.group_name)
    })
}

/// `ListGroups`.
pub(crate) fn list_groups(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListGroupsRequest,
) -> Result<ListGroupsResponse, ApiError> {
    let limit = page_limit("Limit", req.limit, 60, 60)?;
    let scope = format!("ListGroups|{}", req.user_pool_id);
    let after: String = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let (rows, next) = paged(
        c,
        c.read(|r| Ok(groups::list(r, &req.user_pool_id, &after, limit + 1)?))?,
        limit,
        &scope,
        |g| g.name.clone(),
    );
    Ok(ListGroupsResponse {
        groups: rows
            .iter()
            .map(|g| group_type(&req.user_pool_id, g))
            .collect(),
        next_token: next,
    })
}

/// `AdminAddUserToGroup`.
pub(crate) fn admin_add_user_to_group(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserGroupRequest,
) -> Result<Empty, ApiError> {
    let target = format!("{} -> {}", req.username, req.group_name);
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, _| {
        groups::add_user(tx, &req.user_pool_id, &req.username, &req.group_name)?;
        Ok((Empty {}, None))
    })
}

/// `AdminRemoveUserFromGroup`.
pub(crate) fn admin_remove_user_from_group(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserGroupRequest,
) -> Result<Empty, ApiError> {
    let target = format!("{} -> {}", req.username, req.group_name);
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, _| {
        groups::remove_user(tx, &req.user_pool_id, &req.username, &req.group_name)?;
        Ok((Empty {}, None))
    })
}

/// `AdminListGroupsForUser` (a user has at most 100 groups; the token is a position).
pub(crate) fn admin_list_groups_for_user(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: AdminListGroupsForUserRequest,
) -> Result<ListGroupsResponse, ApiError> {
    let limit = page_limit("Limit", req.limit, 60, 60)?.max(1) as usize;
    let scope = format!(
        "AdminListGroupsForUser|{}|{}",
        req.user_pool_id, req.username
    );
    let start: usize = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let all = c.read(|r| Ok(groups::for_user(r, &req.user_pool_id, &req.username)?))?;
    let page: Vec<GroupType> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|g| group_type(&req.user_pool_id, g))
        .collect();
    let next = (start + limit < all.len())
        .then(|| pagination::encode(c.pages(), &scope, &(start + limit)));
    Ok(ListGroupsResponse {
        groups: page,
        next_token: next,
    })
}

/// `ListUsersInGroup`.
pub(crate) fn list_users_in_group(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListUsersInGroupRequest,
) -> Result<ListUsersInGroupResponse, ApiError> {
    let limit = page_limit("Limit", req.limit, 60, 60)?.max(1);
    let scope = format!("ListUsersInGroup|{}|{}", req.user_pool_id, req.group_name);
    let after: i64 = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let (rows, next) = paged(
        c,
        c.read(|r| {
            Ok(groups::members(
                r,
                &req.user_pool_id,
                &req.group_name,
                after,
                limit + 1,
            )?)
        })?,
        limit,
        &scope,
        |u| u.pk,
    );
    Ok(ListUsersInGroupResponse {
        users: rows.iter().map(|u| user_type(u, None)).collect(),
        next_token: next,
    })
}

/// A group's changeable members from `CreateGroup` / `UpdateGroup`.
fn group_input(req: &GroupRequest) -> groups::GroupInput {
    groups::GroupInput {
        description: req.description.clone(),
        precedence: req.precedence,
        role_arn: req.role_arn.clone(),
    }
}
