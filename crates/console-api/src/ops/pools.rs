//! User pools: create, describe, update (Cognito's replace-all semantics), delete, list, and
//! custom attributes.

use domain::names::UserPoolId;
use domain::pool::{AliasAttribute, PoolSettings, UsernameAttribute, UsernameConfiguration};
use domain::schema::SchemaAttribute;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::pools::PoolRow;
use ts_rs::TS;
use user_pools::pools;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    /// `UserPoolType`: a pool as `DescribeUserPool` returns it.
    pub struct UserPoolType {
        pub id: String,
        pub name: String,
        pub arn: String,
        pub creation_date: f64,
        pub last_modified_date: f64,
        #[ts(type = "number")]
        pub estimated_number_of_users: i64,
        #[serde(flatten)]
        pub settings: PoolSettings,
        pub schema_attributes: Vec<SchemaAttribute>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<UsernameAttribute>>", optional)]
        pub username_attributes: Vec<UsernameAttribute>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<AliasAttribute>>", optional)]
        pub alias_attributes: Vec<AliasAttribute>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username_configuration: Option<UsernameConfiguration>,
        /// The prefix domain, when the pool has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub domain: Option<String>,
        /// The custom domain, when the pool has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_domain: Option<String>,
    }
}

dto! {
    /// `UserPoolDescriptionType`: a pool in `ListUserPools`.
    pub struct UserPoolDescriptionType {
        pub id: String,
        pub name: String,
        pub creation_date: f64,
        pub last_modified_date: f64,
        /// Poolhouse adds the user count so a pool list needs one call.
        #[ts(type = "number")]
        pub estimated_number_of_users: i64,
    }
}

dto! {
    pub struct CreateUserPoolRequest {
        pub pool_name: String,
        #[serde(flatten, deserialize_with = "crate::wire::flattened")]
        pub settings: PoolSettings,
        #[serde(default)]
        #[ts(as = "Option<Vec<UsernameAttribute>>", optional)]
        pub username_attributes: Vec<UsernameAttribute>,
        #[serde(default)]
        #[ts(as = "Option<Vec<AliasAttribute>>", optional)]
        pub alias_attributes: Vec<AliasAttribute>,
        #[serde(default)]
        pub username_configuration: Option<UsernameConfiguration>,
        #[serde(default)]
        #[ts(as = "Option<Vec<SchemaAttribute>>", optional)]
        pub schema: Vec<SchemaAttribute>,
    }
}

dto! {
    pub struct UserPoolResponse {
        pub user_pool: UserPoolType,
    }
}

dto! {
    /// `UpdateUserPool`: the mutable settings. Members fixed at creation are refused by name.
    pub struct UpdateUserPoolRequest {
        pub user_pool_id: UserPoolId,
        #[serde(flatten, deserialize_with = "crate::wire::flattened")]
        pub settings: PoolSettings,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub username_attributes: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub alias_attributes: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub username_configuration: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub schema: Option<serde_json::Value>,
        /// A new name (names can change; ids cannot).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pool_name: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolsRequest {
        /// 1–60.
        pub max_results: u32,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolsResponse {
        pub user_pools: Vec<UserPoolDescriptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct AddCustomAttributesRequest {
        pub user_pool_id: UserPoolId,
        pub custom_attributes: Vec<SchemaAttribute>,
    }
}

pub(crate) fn pool_type(p: &PoolRow, region: &str, account: &str) -> UserPoolType {
    UserPoolType {
        id: p.id.to_string(),
        name: p.name.clone(),
        arn: domain::ids::user_pool_arn(region_of(&p.id).unwrap_or(region), account, &p.id),
        creation_date: secs(p.created_at),
        last_modified_date: secs(p.updated_at),
        estimated_number_of_users: p.user_count,
        settings: p.config.settings.clone(),
        schema_attributes: p.config.schema_attributes.clone(),
        username_attributes: p.config.username_attributes.clone(),
        alias_attributes: p.config.alias_attributes.clone(),
        username_configuration: p.config.username_configuration,
        domain: None,
        custom_domain: None,
    }
}

/// A pool's region is the part of its id before `_`.
pub(crate) fn region_of(id: &str) -> Option<&str> {
    id.split_once('_').map(|(r, _)| r)
}

/// `CreateUserPool`.
pub(crate) fn create_user_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateUserPoolRequest,
) -> Result<UserPoolResponse, ApiError> {
    let ws = c.workspace()?;
    c.write_audited(ctx, None, Some(&req.pool_name), |tx, ctx| {
        let identity = pools::Identity {
            username_attributes: req.username_attributes.clone(),
            alias_attributes: req.alias_attributes.clone(),
            username_configuration: req.username_configuration,
            schema: req.schema.clone(),
        };
        let pool = pools::create(tx, ctx, &req.pool_name, req.settings.clone(), identity)?;
        let id = pool.id.to_string();
        Ok((
            UserPoolResponse {
                user_pool: pool_type(&pool, &ws.region, &ws.account_id),
            },
            Some(id),
        ))
    })
}

/// `DescribeUserPool`.
pub(crate) fn describe_user_pool(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: UserPoolIdRequest,
) -> Result<UserPoolResponse, ApiError> {
    let ws = c.workspace()?;
    let (pool, (domain, custom_domain)) = c.read(|r| {
        let pool = pools::get(r, &req.user_pool_id)?;
        let names = user_pools::domains::of_pool_names(r, pool.pk)?;
        Ok((pool, names))
    })?;
    Ok(UserPoolResponse {
        user_pool: UserPoolType {
            domain,
            custom_domain,
            ..pool_type(&pool, &ws.region, &ws.account_id)
        },
    })
}

/// `UpdateUserPool`: members fixed at creation are refused by name.
pub(crate) fn update_user_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateUserPoolRequest,
) -> Result<Empty, ApiError> {
    let id = req.user_pool_id.clone();
    c.write_audited(ctx, Some(&id), None, |tx, ctx| {
        for (present, field) in [
            (req.username_attributes.is_some(), "UsernameAttributes"),
            (req.alias_attributes.is_some(), "AliasAttributes"),
            (
                req.username_configuration.is_some(),
                "UsernameConfiguration",
            ),
            (req.schema.is_some(), "Schema"),
        ] {
            if present {
                return Err(ApiError::invalid(
                    field,
                    "cannot be changed after the user pool is created",
                ));
            }
        }
        pools::update(
            tx,
            ctx,
            &req.user_pool_id,
            req.pool_name.as_deref(),
            req.settings.clone(),
        )?;
        Ok((Empty {}, None))
    })
}

/// `DeleteUserPool`.
pub(crate) fn delete_user_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserPoolIdRequest,
) -> Result<Empty, ApiError> {
    c.write_audited(ctx, Some(&req.user_pool_id), None, |tx, _| {
        pools::delete(tx, &req.user_pool_id)?;
        Ok((Empty {}, None))
    })
}

/// `ListUserPools`.
pub(crate) fn list_user_pools(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListUserPoolsRequest,
) -> Result<ListUserPoolsResponse, ApiError> {
    let limit = listing_limit("MaxResults", Some(req.max_results), 60, 60)?;
    const SCOPE: &str = "ListUserPools";
    let after: i64 = cursor(c, SCOPE, req.next_token.as_deref())?.unwrap_or_default();
    let (rows, next) = paged(
        c,
        c.read(|r| Ok(pools::list(r, after, limit + 1)?))?,
        limit,
        SCOPE,
        |p| p.pk,
    );
    Ok(ListUserPoolsResponse {
        user_pools: rows
            .iter()
            .map(|p| UserPoolDescriptionType {
                id: p.id.to_string(),
                name: p.name.clone(),
                creation_date: secs(p.created_at),
                last_modified_date: secs(p.updated_at),
                estimated_number_of_users: p.user_count,
            })
            .collect(),
        next_token: next,
    })
}

/// `AddCustomAttributes`.
pub(crate) fn add_custom_attributes(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AddCustomAttributesRequest,
) -> Result<Empty, ApiError> {
    let names: Vec<&str> = req
        .custom_attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let target = names.join(",");
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, ctx| {
        pools::add_custom_attributes(tx, ctx, &req.user_pool_id, &req.custom_attributes)?;
        Ok((Empty {}, None))
    })
}
