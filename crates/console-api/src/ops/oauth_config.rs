//! The OAuth 2.0 configuration of a user pool: domains, resource servers and app client
//! secrets (rotation). The authorization server's pages and `/oauth2` routes stand on these.

use domain::names::{ClientId, ResourceServerIdentifier, UserPoolDomain, UserPoolId};
use domain::oauth::{CustomDomainConfig, PREFIX_DOMAIN_SUFFIX, ResourceServerScope, Routing};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::domains::DomainRow;
use storage::resource_servers::ResourceServerRow;
use ts_rs::TS;
use user_pools::{client_secrets, domains, resource_servers};

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

/// The host a custom domain's DNS (or hosts-file) entry should point at: the machine serving
/// Poolhouse, since there is no CDN in front of it.
pub const CUSTOM_DOMAIN_TARGET: &str = "localhost";

/// What `CloudFrontDistribution` (and `CloudFrontDomain`) name in Poolhouse: the host that
/// serves the domain — `<prefix>.auth.localhost` for a prefix domain, and
/// [`CUSTOM_DOMAIN_TARGET`] for a custom one.
pub fn serving_host(d: &DomainRow) -> String {
    match d.custom {
        None => format!("{}{PREFIX_DOMAIN_SUFFIX}", d.domain),
        Some(_) => CUSTOM_DOMAIN_TARGET.to_string(),
    }
}

dto! {
    /// `CreateUserPoolDomain` and `UpdateUserPoolDomain`.
    pub struct UserPoolDomainRequest {
        pub domain: UserPoolDomain,
        pub user_pool_id: UserPoolId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub managed_login_version: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_domain_config: Option<CustomDomainConfig>,
        /// Failover routing: stored and answered back (Poolhouse has one region).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub routing: Option<Routing>,
    }
}

dto! {
    /// `CreateUserPoolDomainResponse` and `UpdateUserPoolDomainResponse`.
    pub struct UserPoolDomainResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub managed_login_version: Option<i32>,
        /// For a custom domain: the host its DNS entry points at (see [`serving_host`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cloud_front_domain: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub routing: Option<Routing>,
    }
}

dto! {
    pub struct DescribeUserPoolDomainRequest {
        pub domain: UserPoolDomain,
    }
}

dto! {
    /// `DomainDescriptionType`: every member absent when no pool has the domain, as Cognito
    /// answers.
    #[derive(Default)]
    pub struct DomainDescriptionType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        #[serde(rename = "AWSAccountId", default, skip_serializing_if = "Option::is_none")]
        pub aws_account_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub domain: Option<String>,
        /// Never sent: the hosted pages are not files in a bucket.
        #[serde(rename = "S3Bucket", default, skip_serializing_if = "Option::is_none")]
        pub s3_bucket: Option<String>,
        /// The host that serves the domain (see [`serving_host`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cloud_front_distribution: Option<String>,
        /// Never sent: Poolhouse does not version a domain's deployment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub version: Option<String>,
        /// `ACTIVE`: Poolhouse serves a domain as soon as it is created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_domain_config: Option<CustomDomainConfig>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub managed_login_version: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub routing: Option<Routing>,
    }
}

dto! {
    pub struct DescribeUserPoolDomainResponse {
        pub domain_description: DomainDescriptionType,
    }
}

dto! {
    pub struct DeleteUserPoolDomainRequest {
        pub domain: UserPoolDomain,
        pub user_pool_id: UserPoolId,
    }
}

fn domain_response(d: &DomainRow) -> UserPoolDomainResponse {
    UserPoolDomainResponse {
        managed_login_version: Some(d.managed_login_version),
        cloud_front_domain: d.custom.as_ref().map(|_| serving_host(d)),
        routing: d.routing.clone(),
    }
}

/// The engine's `domains::create` and `domains::update`, which take the same arguments.
type DomainWrite = fn(
    &storage::Tx<'_>,
    &user_pools::Ctx<'_>,
    &UserPoolId,
    &UserPoolDomain,
    Option<&CustomDomainConfig>,
    Option<&Routing>,
    Option<i32>,
) -> user_pools::Result<DomainRow>;

/// CreateUserPoolDomain and UpdateUserPoolDomain: the same request, one engine call each.
fn write_domain(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserPoolDomainRequest,
    write: DomainWrite,
) -> Result<UserPoolDomainResponse, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.domain),
        |tx, ctx| {
            let d = write(
                tx,
                ctx,
                &req.user_pool_id,
                &req.domain,
                req.custom_domain_config.as_ref(),
                req.routing.as_ref(),
                req.managed_login_version,
            )?;
            Ok((domain_response(&d), None))
        },
    )
}

/// `CreateUserPoolDomain`.
pub(crate) fn create_user_pool_domain(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserPoolDomainRequest,
) -> Result<UserPoolDomainResponse, ApiError> {
    write_domain(c, ctx, req, domains::create)
}

/// `DescribeUserPoolDomain`.
pub(crate) fn describe_user_pool_domain(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: DescribeUserPoolDomainRequest,
) -> Result<DescribeUserPoolDomainResponse, ApiError> {
    let ws = c.workspace()?;
    let found = c.read(|r| Ok(domains::describe(r, &req.domain)?))?;
    Ok(DescribeUserPoolDomainResponse {
        domain_description: found
            .map(|d| DomainDescriptionType {
                user_pool_id: Some(d.pool_id.clone()),
                aws_account_id: Some(ws.account_id.clone()),
                domain: Some(d.domain.clone()),
                cloud_front_distribution: Some(serving_host(&d)),
                status: Some("ACTIVE".into()),
                s3_bucket: None,
                version: None,
                custom_domain_config: d.custom.clone(),
                managed_login_version: Some(d.managed_login_version),
                routing: d.routing.clone(),
            })
            .unwrap_or_default(),
    })
}

/// `UpdateUserPoolDomain`.
pub(crate) fn update_user_pool_domain(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserPoolDomainRequest,
) -> Result<UserPoolDomainResponse, ApiError> {
    write_domain(c, ctx, req, domains::update)
}

/// `DeleteUserPoolDomain`.
pub(crate) fn delete_user_pool_domain(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteUserPoolDomainRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.domain, |tx, _| {
        domains::delete(tx, &req.user_pool_id, &req.domain)
    })
}

dto! {
    /// `ResourceServerType`.
    pub struct ResourceServerType {
        pub user_pool_id: String,
        pub identifier: String,
        pub name: String,
        pub scopes: Vec<ResourceServerScope>,
        /// Never sent: every resource server here is the operator's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub managed_by: Option<String>,
    }
}

dto! {
    /// `CreateResourceServer` and `UpdateResourceServer` (absent scopes leave none).
    pub struct ResourceServerRequest {
        pub user_pool_id: UserPoolId,
        pub identifier: ResourceServerIdentifier,
        pub name: String,
        #[serde(default)]
        #[ts(as = "Option<Vec<ResourceServerScope>>", optional)]
        pub scopes: Vec<ResourceServerScope>,
    }
}

dto! {
    pub struct ResourceServerResponse {
        pub resource_server: ResourceServerType,
    }
}

dto! {
    /// `DescribeResourceServer` and `DeleteResourceServer`.
    pub struct ResourceServerIdRequest {
        pub user_pool_id: UserPoolId,
        pub identifier: ResourceServerIdentifier,
    }
}

dto! {
    pub struct ListResourceServersRequest {
        pub user_pool_id: UserPoolId,
        /// 1–50.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListResourceServersResponse {
        pub resource_servers: Vec<ResourceServerType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

fn resource_server_type(pool_id: &str, r: &ResourceServerRow) -> ResourceServerType {
    ResourceServerType {
        user_pool_id: pool_id.to_string(),
        identifier: r.identifier.clone(),
        name: r.name.clone(),
        scopes: r.scopes.clone(),
        managed_by: None,
    }
}

/// `CreateResourceServer`.
pub(crate) fn create_resource_server(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ResourceServerRequest,
) -> Result<ResourceServerResponse, ApiError> {
    let target = req.identifier.to_string();
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, ctx| {
        let r = resource_servers::create(
            tx,
            ctx,
            &req.user_pool_id,
            &req.identifier,
            &req.name,
            &req.scopes,
        )?;
        Ok((
            ResourceServerResponse {
                resource_server: resource_server_type(&req.user_pool_id, &r),
            },
            None,
        ))
    })
}

/// `DescribeResourceServer`.
pub(crate) fn describe_resource_server(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ResourceServerIdRequest,
) -> Result<ResourceServerResponse, ApiError> {
    let r = c.read(|r| {
        Ok(resource_servers::get(
            r,
            &req.user_pool_id,
            &req.identifier,
        )?)
    })?;
    Ok(ResourceServerResponse {
        resource_server: resource_server_type(&req.user_pool_id, &r),
    })
}

/// `UpdateResourceServer`.
pub(crate) fn update_resource_server(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ResourceServerRequest,
) -> Result<ResourceServerResponse, ApiError> {
    let target = req.identifier.to_string();
    c.write_audited(ctx, Some(&req.user_pool_id), Some(&target), |tx, ctx| {
        let r = resource_servers::update(
            tx,
            ctx,
            &req.user_pool_id,
            &req.identifier,
            &req.name,
            &req.scopes,
        )?;
        Ok((
            ResourceServerResponse {
                resource_server: resource_server_type(&req.user_pool_id, &r),
            },
            None,
        ))
    })
}

/// `DeleteResourceServer`.
pub(crate) fn delete_resource_server(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ResourceServerIdRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.identifier, |tx, uctx| {
        resource_servers::delete(tx, uctx, &req.user_pool_id, &req.identifier)
    })
}

/// `ListResourceServers`.
pub(crate) fn list_resource_servers(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListResourceServersRequest,
) -> Result<ListResourceServersResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, 50, 50)?;
    let scope = format!("ListResourceServers|{}", req.user_pool_id);
    let after: String = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| {
        Ok(resource_servers::list(
            r,
            &req.user_pool_id,
            &after,
            limit + 1,
        )?)
    })?;
    let (rows, next) = paged(c, rows, limit, &scope, |r| r.identifier.clone());
    Ok(ListResourceServersResponse {
        resource_servers: rows
            .iter()
            .map(|r| resource_server_type(&req.user_pool_id, r))
            .collect(),
        next_token: next,
    })
}

dto! {
    /// `ClientSecretDescriptorType`: the value only in `AddUserPoolClientSecret`'s answer, and
    /// only when Poolhouse generated it.
    pub struct ClientSecretDescriptorType {
        pub client_secret_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_secret_value: Option<Sensitive>,
        pub client_secret_create_date: f64,
    }
}

dto! {
    pub struct AddUserPoolClientSecretRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        /// The value to use (24–64 of `[\w+]`); a generated one when absent.
        #[serde(default)]
        pub client_secret: Option<Sensitive>,
    }
}

dto! {
    pub struct AddUserPoolClientSecretResponse {
        pub client_secret_descriptor: ClientSecretDescriptorType,
    }
}

dto! {
    pub struct ListUserPoolClientSecretsRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolClientSecretsResponse {
        pub client_secrets: Vec<ClientSecretDescriptorType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct DeleteUserPoolClientSecretRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        pub client_secret_id: String,
    }
}

/// `AddUserPoolClientSecret`.
pub(crate) fn add_user_pool_client_secret(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AddUserPoolClientSecretRequest,
) -> Result<AddUserPoolClientSecretResponse, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.client_id),
        |tx, ctx| {
            let added = client_secrets::add(
                tx,
                ctx,
                &c.inner.master,
                &req.user_pool_id,
                &req.client_id,
                req.client_secret.as_ref().map(Sensitive::expose),
            )?;
            Ok((
                AddUserPoolClientSecretResponse {
                    client_secret_descriptor: ClientSecretDescriptorType {
                        client_secret_id: added.row.secret_id.clone(),
                        client_secret_value: added.shown.map(Sensitive),
                        client_secret_create_date: secs(added.row.created_at),
                    },
                },
                None,
            ))
        },
    )
}

/// `ListUserPoolClientSecrets`: ids and dates, never the values.
pub(crate) fn list_user_pool_client_secrets(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListUserPoolClientSecretsRequest,
) -> Result<ListUserPoolClientSecretsResponse, ApiError> {
    // At most two secrets: one page always holds them all, so no token is ever issued.
    if req.next_token.is_some() {
        return Err(ApiError::invalid(
            "NextToken",
            "is not a token this listing issued",
        ));
    }
    let rows = c.read(|r| Ok(client_secrets::list(r, &req.user_pool_id, &req.client_id)?))?;
    Ok(ListUserPoolClientSecretsResponse {
        client_secrets: rows
            .iter()
            .map(|s| ClientSecretDescriptorType {
                client_secret_id: s.secret_id.clone(),
                client_secret_value: None,
                client_secret_create_date: secs(s.created_at),
            })
            .collect(),
        next_token: None,
    })
}

/// `DeleteUserPoolClientSecret`.
pub(crate) fn delete_user_pool_client_secret(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteUserPoolClientSecretRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.client_id, |tx, _| {
        client_secrets::delete(tx, &req.user_pool_id, &req.client_id, &req.client_secret_id)
    })
}

/// A user pool reached through one of its domains: what a request's `Host` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainHost {
    /// The pool's id.
    pub user_pool_id: String,
    /// The domain as registered: the prefix, or the custom domain's name.
    pub domain: String,
    /// Whether it is a custom domain (else a prefix served at `<prefix>.auth.localhost`).
    pub custom: bool,
}

impl Console {
    /// The pool whose domain `name` (a `Host` name, lower-case, without port) is:
    /// `<prefix>.auth.localhost` for a registered prefix domain, or a registered custom
    /// domain. None for any other name.
    pub fn domain_for_host(&self, name: &str) -> Result<Option<DomainHost>, ApiError> {
        let found = self.read(|r| Ok(domains::pool_of_host(r, name)?))?;
        Ok(found.map(|d| DomainHost {
            user_pool_id: d.pool_id,
            custom: d.custom.is_some(),
            domain: d.domain,
        }))
    }
}
