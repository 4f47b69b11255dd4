//! Groups and memberships.

use domain::UserPoolId;
use storage::groups::{self as store, GroupFields, GroupRow};
use storage::users::UserRow;
use storage::{Read, Tx};

use crate::users::resolve;
use crate::{Ctx, Error, Result, invalid, require_pool};

/// Most groups a pool may have.
pub const MAX_GROUPS_PER_POOL: u32 = 10_000;
/// Most groups a user may belong to.
pub const MAX_GROUPS_PER_USER: i64 = 100;

/// A group's changeable members, as a request gives them.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
}

fn validate_name(name: &str) -> Result<()> {
    Ok(domain::names::validate_group_name(name)?)
}

fn validate(input: &GroupInput) -> Result<()> {
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2048)
    {
        return Err(invalid("Description", "must be at most 2048 characters"));
    }
    if input.precedence.is_some_and(|p| p < 0) {
        return Err(invalid("Precedence", "must be 0 or more"));
    }
    if let Some(arn) = &input.role_arn {
        let ok = arn.starts_with("arn:") && arn.split(':').count() >= 6 && arn.contains(":role/");
        if !ok || arn.len() > 2048 {
            return Err(invalid(
                "RoleArn",
                format!("'{arn}' is not a role ARN like arn:aws:iam::123456789012:role/Name"),
            ));
        }
    }
    Ok(())
}

fn fields(input: &GroupInput) -> GroupFields<'_> {
    GroupFields {
        description: input.description.as_deref(),
        precedence: input.precedence,
        role_arn: input.role_arn.as_deref(),
    }
}

/// `CreateGroup`.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    name: &str,
    input: &GroupInput,
) -> Result<GroupRow> {
    let pool = require_pool(tx, pool_id)?;
    validate_name(name)?;
    validate(input)?;
    if store::get(tx, pool.pk, name)?.is_some() {
        return Err(Error::GroupExists(name.to_string()));
    }
    if store::list(tx, pool.pk, "", MAX_GROUPS_PER_POOL)?.len() >= MAX_GROUPS_PER_POOL as usize {
        return Err(Error::LimitExceeded(format!(
            "a pool may have at most {MAX_GROUPS_PER_POOL} groups"
        )));
    }
    store::insert(tx, pool.pk, name, &fields(input), ctx.clock.now_ms())?;
    get(tx, pool_id, name)
}

/// `GetGroup`.
pub fn get(r: &impl Read, pool_id: &UserPoolId, name: &str) -> Result<GroupRow> {
    let pool = require_pool(r, pool_id)?;
    validate_name(name)?;
    store::get(r, pool.pk, name)?.ok_or_else(|| Error::GroupNotFound(name.to_string()))
}

/// `UpdateGroup`: members given replace the stored ones; absent members stay as they are.
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    name: &str,
    input: &GroupInput,
) -> Result<GroupRow> {
    let group = get(tx, pool_id, name)?;
    validate(input)?;
    let merged = GroupInput {
        description: input.description.clone().or(group.description.clone()),
        precedence: input.precedence.or(group.precedence),
        role_arn: input.role_arn.clone().or(group.role_arn.clone()),
    };
    store::update(tx, group.pk, &fields(&merged), ctx.clock.now_ms())?;
    get(tx, pool_id, name)
}

/// `DeleteGroup`.
pub fn delete(tx: &Tx<'_>, pool_id: &UserPoolId, name: &str) -> Result<()> {
    let group = get(tx, pool_id, name)?;
    store::delete(tx, group.pk)?;
    Ok(())
}

/// `ListGroups`.
pub fn list(r: &impl Read, pool_id: &UserPoolId, after: &str, limit: u32) -> Result<Vec<GroupRow>> {
    let pool = require_pool(r, pool_id)?;
    Ok(store::list(r, pool.pk, after, limit)?)
}

/// `AdminAddUserToGroup`.
pub fn add_user(tx: &Tx<'_>, pool_id: &UserPoolId, username: &str, group_name: &str) -> Result<()> {
    let group = get(tx, pool_id, group_name)?;
    let pool = require_pool(tx, pool_id)?;
    let user = resolve(tx, &pool, username)?;
    if store::count_for_user(tx, user.pk)? >= MAX_GROUPS_PER_USER {
        return Err(Error::LimitExceeded(format!(
            "a user may belong to at most {MAX_GROUPS_PER_USER} groups"
        )));
    }
    store::add_member(tx, group.pk, user.pk)?;
    Ok(())
}

/// `AdminRemoveUserFromGroup`.
pub fn remove_user(
    tx: &Tx<'_>,
    pool_id: &UserPoolId,
    username: &str,
    group_name: &str,
) -> Result<()> {
    let group = get(tx, pool_id, group_name)?;
    let pool = require_pool(tx, pool_id)?;
    let user = resolve(tx, &pool, username)?;
    store::remove_member(tx, group.pk, user.pk)?;
    Ok(())
}

/// `AdminListGroupsForUser`.
pub fn for_user(r: &impl Read, pool_id: &UserPoolId, username: &str) -> Result<Vec<GroupRow>> {
    let pool = require_pool(r, pool_id)?;
    let user = resolve(r, &pool, username)?;
    Ok(store::for_user(r, user.pk)?)
}

/// `ListUsersInGroup`.
pub fn members(
    r: &impl Read,
    pool_id: &UserPoolId,
    group_name: &str,
    after_pk: i64,
    limit: u32,
) -> Result<Vec<UserRow>> {
    let group = get(r, pool_id, group_name)?;
    Ok(storage::users::list_in_group(r, group.pk, after_pk, limit)?)
}
