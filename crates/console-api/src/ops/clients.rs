//! App clients: create, describe, update, delete, list.

use domain::client::ClientSettings;
use domain::names::{ClientId, UserPoolId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::clients::ClientRow;
use ts_rs::TS;
use user_pools::clients;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    /// `UserPoolClientType`.
    pub struct UserPoolClientType {
        pub user_pool_id: String,
        pub client_name: String,
        pub client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_secret: Option<String>,
        pub creation_date: f64,
        pub last_modified_date: f64,
        #[serde(flatten)]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct UserPoolClientDescription {
        pub client_id: String,
        pub user_pool_id: String,
        pub client_name: String,
    }
}

dto! {
    pub struct CreateUserPoolClientRequest {
        pub user_pool_id: UserPoolId,
        pub client_name: String,
        #[serde(default)]
        pub generate_secret: Option<bool>,
        #[serde(flatten, deserialize_with = "crate::wire::flattened")]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct UserPoolClientResponse {
        pub user_pool_client: UserPoolClientType,
    }
}

dto! {
    pub struct ClientIdRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
    }
}

dto! {
    pub struct UpdateUserPoolClientRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        #[serde(default)]
        pub client_name: Option<String>,
        #[serde(flatten, deserialize_with = "crate::wire::flattened")]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct ListUserPoolClientsRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolClientsResponse {
        pub user_pool_clients: Vec<UserPoolClientDescription>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// The client as the API shows it, its oldest current secret opened from its sealed value.
pub(crate) fn client_type(
    master: &tokens::MasterKey,
    p: &str,
    c: &ClientRow,
) -> Result<UserPoolClientType, ApiError> {
    Ok(UserPoolClientType {
        user_pool_id: p.to_string(),
        client_name: c.name.clone(),
        client_id: c.client_id.clone(),
        client_secret: user_pools::client_secrets::shown(master, c)?,
        creation_date: secs(c.created_at),
        last_modified_date: secs(c.updated_at),
        settings: c.settings.clone(),
    })
}

/// `CreateUserPoolClient`.
pub(crate) fn create_user_pool_client(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateUserPoolClientRequest,
) -> Result<UserPoolClientResponse, ApiError> {
    let master = &c.inner.master;
    let pool_id = req.user_pool_id.clone();
    c.write_audited(ctx, Some(&pool_id), Some(&req.client_name), |tx, ctx| {
        let c = clients::create(
            tx,
            ctx,
            master,
            &req.user_pool_id,
            &req.client_name,
            req.generate_secret.unwrap_or(false),
            req.settings.clone(),
        )?;
        let id = c.client_id.clone();
        Ok((
            UserPoolClientResponse {
                user_pool_client: client_type(master, &req.user_pool_id, &c)?,
            },
            Some(id),
        ))
    })
}

/// `DescribeUserPoolClient`.
pub(crate) fn describe_user_pool_client(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ClientIdRequest,
) -> Result<UserPoolClientResponse, ApiError> {
    let master = &c.inner.master;
    let c = c.read(|r| Ok(clients::get(r, &req.user_pool_id, &req.client_id)?))?;
    Ok(UserPoolClientResponse {
        user_pool_client: client_type(master, &req.user_pool_id, &c)?,
    })
}

/// `UpdateUserPoolClient`.
pub(crate) fn update_user_pool_client(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateUserPoolClientRequest,
) -> Result<UserPoolClientResponse, ApiError> {
    let master = &c.inner.master;
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.client_id),
        |tx, ctx| {
            let c = clients::update(
                tx,
                ctx,
                &req.user_pool_id,
                &req.client_id,
                req.client_name.as_deref(),
                req.settings.clone(),
            )?;
            Ok((
                UserPoolClientResponse {
                    user_pool_client: client_type(master, &req.user_pool_id, &c)?,
                },
                None,
            ))
        },
    )
}

/// `DeleteUserPoolClient`.
pub(crate) fn delete_user_pool_client(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ClientIdRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.client_id, |tx, _| {
        clients::delete(tx, &req.user_pool_id, &req.client_id)
    })
}

/// `ListUserPoolClients`.
pub(crate) fn list_user_pool_clients(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListUserPoolClientsRequest,
) -> Result<ListUserPoolClientsResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, 60, 60)?;
    let scope = format!("ListUserPoolClients|{}", req.user_pool_id);
    let after: String = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| Ok(clients::list(r, &req.user_pool_id, &after, limit + 1)?))?;
    let (rows, next) = paged(c, rows, limit, &scope, |c| c.client_id.clone());
    Ok(ListUserPoolClientsResponse {
        user_pool_clients: rows
            .iter()
            .map(|c| UserPoolClientDescription {
                client_id: c.client_id.clone(),
                user_pool_id: req.user_pool_id.to_string(),
                client_name: c.name.clone(),
            })
            .collect(),
        next_token: next,
    })
}
