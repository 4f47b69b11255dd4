//! Identity pools (`cognito-identity`): the pools, their roles and role mappings, principal tag
//! maps and tags, in botocore's `cognito-identity` shapes.
//!
//! Roles and role mappings are stored as given once `identity_pools` has checked them; their
//! rules and what a mapping means (which role an identity gets) are that crate's business.

use std::collections::BTreeMap;

use domain::identity_pool::{CognitoIdentityProvider, IdentityPoolConfig, PrincipalTagMap};
use domain::{IdentityPoolId, IdentityPoolName};
use identity_pools::pools;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::identity_pools::IdentityPoolRow;
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};

dto! {
    /// `IdentityPool`: the pool as Describe answers it, and what Update takes.
    pub struct IdentityPool {
        pub identity_pool_id: IdentityPoolId,
        pub identity_pool_name: IdentityPoolName,
        pub allow_unauthenticated_identities: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_classic_flow: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub supported_login_providers: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub developer_provider_name: Option<String>,
        #[serde(default, rename = "OpenIdConnectProviderARNs", skip_serializing_if = "Option::is_none")]
        pub open_id_connect_provider_arns: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cognito_identity_providers: Option<Vec<CognitoIdentityProvider>>,
        #[serde(default, rename = "SamlProviderARNs", skip_serializing_if = "Option::is_none")]
        pub saml_provider_arns: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identity_pool_tags: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct CreateIdentityPoolRequest {
        pub identity_pool_name: IdentityPoolName,
        pub allow_unauthenticated_identities: bool,
        #[serde(default)]
        pub allow_classic_flow: Option<bool>,
        #[serde(default)]
        pub supported_login_providers: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub developer_provider_name: Option<String>,
        #[serde(default, rename = "OpenIdConnectProviderARNs")]
        pub open_id_connect_provider_arns: Option<Vec<String>>,
        #[serde(default)]
        pub cognito_identity_providers: Option<Vec<CognitoIdentityProvider>>,
        #[serde(default, rename = "SamlProviderARNs")]
        pub saml_provider_arns: Option<Vec<String>>,
        #[serde(default)]
        pub identity_pool_tags: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct IdentityPoolIdRequest {
        pub identity_pool_id: IdentityPoolId,
    }
}

dto! {
    pub struct ListIdentityPoolsRequest {
        pub max_results: u32,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// `IdentityPoolShortDescription`.
    pub struct IdentityPoolShortDescription {
        pub identity_pool_id: String,
        pub identity_pool_name: String,
    }
}

dto! {
    pub struct ListIdentityPoolsResponse {
        pub identity_pools: Vec<IdentityPoolShortDescription>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// `RoleMappingType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum RoleMappingType {
    Token,
    Rules,
}

/// `AmbiguousRoleResolutionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum AmbiguousRoleResolutionType {
    AuthenticatedRole,
    Deny,
}

/// `MappingRuleMatchType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum MappingRuleMatchType {
    Equals,
    Contains,
    StartsWith,
    NotEqual,
}

dto! {
    /// `MappingRule`.
    pub struct MappingRule {
        pub claim: String,
        pub match_type: MappingRuleMatchType,
        pub value: String,
        #[serde(rename = "RoleARN")]
        pub role_arn: String,
    }
}

dto! {
    /// `RulesConfigurationType`.
    pub struct RulesConfigurationType {
        pub rules: Vec<MappingRule>,
    }
}

dto! {
    /// `RoleMapping`.
    pub struct RoleMapping {
        #[serde(rename = "Type")]
        pub mapping_type: RoleMappingType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ambiguous_role_resolution: Option<AmbiguousRoleResolutionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rules_configuration: Option<RulesConfigurationType>,
    }
}

dto! {
    pub struct SetIdentityPoolRolesRequest {
        pub identity_pool_id: IdentityPoolId,
        pub roles: BTreeMap<String, String>,
        #[serde(default)]
        pub role_mappings: Option<BTreeMap<String, RoleMapping>>,
    }
}

dto! {
    pub struct GetIdentityPoolRolesResponse {
        pub identity_pool_id: String,
        pub roles: BTreeMap<String, String>,
        pub role_mappings: BTreeMap<String, RoleMapping>,
    }
}

dto! {
    pub struct TagResourceRequest {
        pub resource_arn: String,
        pub tags: BTreeMap<String, String>,
    }
}

dto! {
    pub struct UntagResourceRequest {
        pub resource_arn: String,
        pub tag_keys: Vec<String>,
    }
}

dto! {
    pub struct ListTagsForResourceRequest {
        pub resource_arn: String,
    }
}

dto! {
    pub struct ListTagsForResourceResponse {
        pub tags: BTreeMap<String, String>,
    }
}

dto! {
    pub struct SetPrincipalTagAttributeMapRequest {
        pub identity_pool_id: IdentityPoolId,
        pub identity_provider_name: String,
        #[serde(default)]
        pub use_defaults: Option<bool>,
        #[serde(default)]
        pub principal_tags: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct PrincipalTagAttributeMapRequest {
        pub identity_pool_id: IdentityPoolId,
        pub identity_provider_name: String,
    }
}

dto! {
    /// `SetPrincipalTagAttributeMapResponse` and `GetPrincipalTagAttributeMapResponse`.
    pub struct PrincipalTagAttributeMapResponse {
        pub identity_pool_id: String,
        pub identity_provider_name: String,
        pub use_defaults: bool,
        pub principal_tags: BTreeMap<String, String>,
    }
}

impl From<pools::Error> for ApiError {
    fn from(e: pools::Error) -> Self {
        use pools::Error as E;
        match e {
            E::NotFound(_) => ApiError::new(ErrorCode::ResourceNotFoundException, e.to_string()),
            E::InvalidParameter(f) => f.into(),
            E::LimitExceeded(m) => ApiError::new(ErrorCode::LimitExceededException, m),
            E::Storage(s) => s.into(),
        }
    }
}

fn non_empty<T>(v: T, empty: impl Fn(&T) -> bool) -> Option<T> {
    (!empty(&v)).then_some(v)
}

/// The pool in Cognito's shape; empty lists and maps are left out.
fn identity_pool(p: IdentityPoolRow) -> Result<IdentityPool, ApiError> {
    let c = p.config;
    // Names were checked when written; one that no longer parses is damage.
    let name = IdentityPoolName::parse(p.name).map_err(|e| {
        ApiError::new(
            ErrorCode::InternalErrorException,
            format!("stored identity pool name is unreadable: {e}"),
        )
    })?;
    Ok(IdentityPool {
        identity_pool_id: p.id,
        identity_pool_name: name,
        allow_unauthenticated_identities: c.allow_unauthenticated_identities,
        allow_classic_flow: Some(c.allow_classic_flow),
        supported_login_providers: non_empty(c.supported_login_providers, BTreeMap::is_empty),
        developer_provider_name: c.developer_provider_name,
        open_id_connect_provider_arns: non_empty(c.open_id_connect_provider_arns, Vec::is_empty),
        cognito_identity_providers: non_empty(c.cognito_identity_providers, Vec::is_empty),
        saml_provider_arns: non_empty(c.saml_provider_arns, Vec::is_empty),
        identity_pool_tags: Some(p.tags),
    })
}

/// The OIDC and SAML providers the configuration lists must be the workspace's provider
/// records (`identity_pools::providers::check_listed`).
fn check_providers(
    tx: &storage::Tx<'_>,
    account: &str,
    config: &IdentityPoolConfig,
) -> Result<(), ApiError> {
    Ok(identity_pools::providers::check_listed(
        tx,
        account,
        &config.open_id_connect_provider_arns,
        &config.saml_provider_arns,
    )?)
}

/// `CreateIdentityPool`.
pub(crate) fn create_identity_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateIdentityPoolRequest,
) -> Result<IdentityPool, ApiError> {
    let config = IdentityPoolConfig {
        allow_unauthenticated_identities: req.allow_unauthenticated_identities,
        allow_classic_flow: req.allow_classic_flow.unwrap_or(false),
        supported_login_providers: req.supported_login_providers.unwrap_or_default(),
        developer_provider_name: req.developer_provider_name,
        open_id_connect_provider_arns: req.open_id_connect_provider_arns.unwrap_or_default(),
        cognito_identity_providers: req.cognito_identity_providers.unwrap_or_default(),
        saml_provider_arns: req.saml_provider_arns.unwrap_or_default(),
    };
    let tags = req.identity_pool_tags.unwrap_or_default();
    c.write_audited(ctx, None, None, |tx, uctx| {
        let now = uctx.clock.now_ms();
        check_providers(tx, uctx.account, &config)?;
        let p = pools::create(
            tx,
            uctx.region,
            now,
            &req.identity_pool_name,
            &config,
            &tags,
        )?;
        let id = p.id.to_string();
        Ok((identity_pool(p)?, Some(id)))
    })
}

/// `DescribeIdentityPool`.
pub(crate) fn describe_identity_pool(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: IdentityPoolIdRequest,
) -> Result<IdentityPool, ApiError> {
    let p = c.read(|r| Ok(pools::describe(r, &req.identity_pool_id)?))?;
    identity_pool(p)
}

/// `UpdateIdentityPool`: replaces the whole configuration.
pub(crate) fn update_identity_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: IdentityPool,
) -> Result<IdentityPool, ApiError> {
    let config = IdentityPoolConfig {
        allow_unauthenticated_identities: req.allow_unauthenticated_identities,
        allow_classic_flow: req.allow_classic_flow.unwrap_or(false),
        supported_login_providers: req.supported_login_providers.unwrap_or_default(),
        developer_provider_name: req.developer_provider_name,
        open_id_connect_provider_arns: req.open_id_connect_provider_arns.unwrap_or_default(),
        cognito_identity_providers: req.cognito_identity_providers.unwrap_or_default(),
        saml_provider_arns: req.saml_provider_arns.unwrap_or_default(),
    };
    let id = req.identity_pool_id;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        let now = uctx.clock.now_ms();
        check_providers(tx, uctx.account, &config)?;
        let p = pools::update(
            tx,
            now,
            &id,
            &req.identity_pool_name,
            config,
            req.identity_pool_tags.as_ref(),
        )?;
        Ok((identity_pool(p)?, None))
    })
}

/// `DeleteIdentityPool`.
pub(crate) fn delete_identity_pool(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: IdentityPoolIdRequest,
) -> Result<Empty, ApiError> {
    let id = req.identity_pool_id;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, _| {
        pools::delete(tx, &id)?;
        Ok((Empty {}, None))
    })
}

/// `ListIdentityPools`.
pub(crate) fn list_identity_pools(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListIdentityPoolsRequest,
) -> Result<ListIdentityPoolsResponse, ApiError> {
    let limit = listing_limit("MaxResults", Some(req.max_results), 60, 60)?;
    const SCOPE: &str = "ListIdentityPools";
    let after: i64 = cursor(c, SCOPE, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| Ok(pools::list(r, after, limit + 1)?))?;
    let (rows, next) = paged(c, rows, limit, SCOPE, |p| p.pk);
    Ok(ListIdentityPoolsResponse {
        identity_pools: rows
            .into_iter()
            .map(|p| IdentityPoolShortDescription {
                identity_pool_id: p.id.to_string(),
                identity_pool_name: p.name,
            })
            .collect(),
        next_token: next,
    })
}

/// `SetIdentityPoolRoles`: the engine checks the roles and role mappings (`pools::check_roles`)
/// and answers the first problem, naming its member.
pub(crate) fn set_identity_pool_roles(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetIdentityPoolRolesRequest,
) -> Result<Empty, ApiError> {
    let mappings = req.role_mappings.unwrap_or_default();
    let stored = mappings
        .iter()
        .map(|(k, m)| Ok((k.clone(), serde_json::to_value(m)?)))
        .collect::<Result<BTreeMap<_, _>, serde_json::Error>>()
        .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
    let id = req.identity_pool_id;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        pools::set_roles(tx, uctx.clock.now_ms(), &id, &req.roles, &stored)?;
        Ok((Empty {}, None))
    })
}

/// `GetIdentityPoolRoles`.
pub(crate) fn get_identity_pool_roles(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: IdentityPoolIdRequest,
) -> Result<GetIdentityPoolRolesResponse, ApiError> {
    let p = c.read(|r| Ok(pools::describe(r, &req.identity_pool_id)?))?;
    let role_mappings = p
        .role_mappings
        .into_iter()
        .map(|(k, v)| Ok((k, serde_json::from_value(v)?)))
        .collect::<Result<BTreeMap<_, _>, serde_json::Error>>()
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                format!("stored role mappings are unreadable: {e}"),
            )
        })?;
    Ok(GetIdentityPoolRolesResponse {
        identity_pool_id: p.id.to_string(),
        roles: p.roles,
        role_mappings,
    })
}

/// What a tag operation does to a pool's tags.
enum TagChange<'a> {
    Add(&'a BTreeMap<String, String>),
    Remove(&'a [String]),
}

/// The tag operations' one path: the pool named by its ARN, then its tags read, or changed in
/// an audited write.
fn pool_tags(
    c: &Console,
    ctx: &OpCtx<'_>,
    resource_arn: &str,
    change: Option<TagChange<'_>>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let id = pools::from_arn(&c.workspace()?.account_id, resource_arn)?;
    let Some(change) = change else {
        return c.read(|r| Ok(pools::describe(r, &id)?.tags));
    };
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        let now = uctx.clock.now_ms();
        match change {
            TagChange::Add(tags) => pools::tag(tx, now, &id, tags)?,
            TagChange::Remove(keys) => pools::untag(tx, now, &id, keys)?,
        }
        Ok((pools::describe(tx, &id)?.tags, None))
    })
}

/// `TagResource`.
pub(crate) fn tag_resource(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: TagResourceRequest,
) -> Result<Empty, ApiError> {
    pool_tags(c, ctx, &req.resource_arn, Some(TagChange::Add(&req.tags))).map(|_| Empty {})
}

/// `UntagResource`.
pub(crate) fn untag_resource(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UntagResourceRequest,
) -> Result<Empty, ApiError> {
    pool_tags(
        c,
        ctx,
        &req.resource_arn,
        Some(TagChange::Remove(&req.tag_keys)),
    )
    .map(|_| Empty {})
}

/// `ListTagsForResource`.
pub(crate) fn list_tags_for_resource(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ListTagsForResourceRequest,
) -> Result<ListTagsForResourceResponse, ApiError> {
    let tags = pool_tags(c, ctx, &req.resource_arn, None)?;
    Ok(ListTagsForResourceResponse { tags })
}

/// `SetPrincipalTagAttributeMap`.
pub(crate) fn set_principal_tag_attribute_map(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetPrincipalTagAttributeMapRequest,
) -> Result<PrincipalTagAttributeMapResponse, ApiError> {
    let map = PrincipalTagMap {
        use_defaults: req.use_defaults.unwrap_or(false),
        principal_tags: req.principal_tags.unwrap_or_default(),
    };
    let id = req.identity_pool_id;
    let provider = req.identity_provider_name;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        let m = pools::set_principal_tags(tx, uctx.clock.now_ms(), &id, &provider, map)?;
        Ok((principal_answer(&id, &provider, m), None))
    })
}

/// `GetPrincipalTagAttributeMap`.
pub(crate) fn get_principal_tag_attribute_map(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: PrincipalTagAttributeMapRequest,
) -> Result<PrincipalTagAttributeMapResponse, ApiError> {
    let (id, provider) = (req.identity_pool_id, req.identity_provider_name);
    let m = c.read(|r| Ok(pools::principal_tags(r, &id, &provider)?))?;
    Ok(principal_answer(&id, &provider, m))
}

fn principal_answer(
    id: &IdentityPoolId,
    provider: &str,
    m: PrincipalTagMap,
) -> PrincipalTagAttributeMapResponse {
    PrincipalTagAttributeMapResponse {
        identity_pool_id: id.to_string(),
        identity_provider_name: provider.to_string(),
        use_defaults: m.use_defaults,
        principal_tags: m.principal_tags,
    }
}
