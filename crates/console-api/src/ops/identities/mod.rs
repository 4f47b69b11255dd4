//! Identities of identity pools (`cognito-identity`): the exchange's first steps (GetId,
//! GetOpenIdToken, UnlinkIdentity), the identities' administration (ListIdentities,
//! DescribeIdentity, DeleteIdentities) and developer-authenticated identities
//! (GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, MergeDeveloperIdentities,
//! UnlinkDeveloperIdentity), in botocore's shapes.
//!
//! Logins are verified ([`crate::logins`]) before the write transaction opens: verifying may
//! make keys or, for other providers, call out. A call that changes nothing (GetId for a login
//! already linked, a token for an identity whose logins are all linked) writes nothing.

use std::collections::BTreeMap;

use domain::{FieldError, IdentityId, IdentityPoolId};
use identity_pools::identities::{self, Authorized, Error};
use identity_pools::logins::{self, VerifiedLogin};
use identity_pools::mapping::Login;
use identity_pools::openid::{self, TokenClaims};
use identity_pools::vend::{self, VendRequest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::credentials::CredentialRow;
use storage::identities::IdentityRow;
use storage::identity_pools::IdentityPoolRow;
use ts_rs::TS;

use super::shared::*;
use super::vending::{IdentityCredentials, vend_error};
use crate::logins::ConsoleLogins;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

mod developer;
pub(crate) use developer::{
    get_open_id_token_for_developer_identity, lookup_developer_identity,
    merge_developer_identities, unlink_developer_identity,
};

/// A Logins map: provider → token (or, for the developer provider, the user identifier).
pub type LoginsMap = BTreeMap<String, Sensitive>;

dto! {
    pub struct GetIdRequest {
        #[serde(default)]
        pub account_id: Option<String>,
        pub identity_pool_id: IdentityPoolId,
        #[serde(default)]
        pub logins: Option<LoginsMap>,
    }
}

dto! {
    /// `GetIdResponse` and `MergeDeveloperIdentitiesResponse`.
    pub struct IdentityIdResponse {
        pub identity_id: String,
    }
}

dto! {
    pub struct ListIdentitiesRequest {
        pub identity_pool_id: IdentityPoolId,
        pub max_results: u32,
        #[serde(default)]
        pub next_token: Option<String>,
        #[serde(default)]
        pub hide_disabled: Option<bool>,
    }
}

dto! {
    /// `IdentityDescription`.
    pub struct IdentityDescription {
        pub identity_id: String,
        /// The providers of its logins.
        pub logins: Vec<String>,
        pub creation_date: f64,
        pub last_modified_date: f64,
    }
}

dto! {
    pub struct ListIdentitiesResponse {
        pub identity_pool_id: String,
        pub identities: Vec<IdentityDescription>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct IdentityIdRequest {
        pub identity_id: IdentityId,
    }
}

dto! {
    pub struct DeleteIdentitiesRequest {
        pub identity_ids_to_delete: Vec<IdentityId>,
    }
}

/// `ErrorCode` of an identity DeleteIdentities could not delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum UnprocessedErrorCode {
    AccessDenied,
    InternalServerError,
}

dto! {
    /// `UnprocessedIdentityId`.
    pub struct UnprocessedIdentityId {
        pub identity_id: String,
        pub error_code: UnprocessedErrorCode,
    }
}

dto! {
    pub struct DeleteIdentitiesResponse {
        pub unprocessed_identity_ids: Vec<UnprocessedIdentityId>,
    }
}

dto! {
    pub struct UnlinkIdentityRequest {
        pub identity_id: IdentityId,
        pub logins: LoginsMap,
        pub logins_to_remove: Vec<String>,
    }
}

dto! {
    pub struct GetOpenIdTokenRequest {
        pub identity_id: IdentityId,
        #[serde(default)]
        pub logins: Option<LoginsMap>,
    }
}

dto! {
    /// `GetOpenIdTokenResponse` and `GetOpenIdTokenForDeveloperIdentityResponse`.
    pub struct OpenIdTokenResponse {
        pub identity_id: String,
        pub token: Sensitive,
    }
}

dto! {
    pub struct GetCredentialsForIdentityRequest {
        pub identity_id: IdentityId,
        #[serde(default)]
        pub logins: Option<LoginsMap>,
        #[serde(default)]
        pub custom_role_arn: Option<String>,
    }
}

dto! {
    pub struct GetCredentialsForIdentityResponse {
        pub identity_id: String,
        pub credentials: IdentityCredentials,
    }
}

dto! {
    pub struct GetOpenIdTokenForDeveloperIdentityRequest {
        pub identity_pool_id: IdentityPoolId,
        #[serde(default)]
        pub identity_id: Option<IdentityId>,
        pub logins: LoginsMap,
        #[serde(default)]
        pub principal_tags: Option<BTreeMap<String, String>>,
        /// Seconds, 1–86,400 (default 900).
        #[serde(default)]
        pub token_duration: Option<i64>,
    }
}

dto! {
    pub struct LookupDeveloperIdentityRequest {
        pub identity_pool_id: IdentityPoolId,
        #[serde(default)]
        pub identity_id: Option<IdentityId>,
        #[serde(default)]
        pub developer_user_identifier: Option<String>,
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct LookupDeveloperIdentityResponse {
        pub identity_id: String,
        pub developer_user_identifier_list: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct MergeDeveloperIdentitiesRequest {
        pub source_user_identifier: String,
        pub destination_user_identifier: String,
        pub developer_provider_name: String,
        pub identity_pool_id: IdentityPoolId,
    }
}

dto! {
    pub struct UnlinkDeveloperIdentityRequest {
        pub identity_id: IdentityId,
        pub identity_pool_id: IdentityPoolId,
        pub developer_provider_name: String,
        pub developer_user_identifier: String,
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::NotFound(_) => ApiError::new(ErrorCode::ResourceNotFoundException, message),
            Error::NotAuthorized(_) => ApiError::new(ErrorCode::NotAuthorizedException, message),
            Error::InvalidParameter(f) => f.into(),
            Error::ResourceConflict(_) => {
                ApiError::new(ErrorCode::ResourceConflictException, message)
            }
            Error::DeveloperUserAlreadyRegistered(_) => {
                ApiError::new(ErrorCode::DeveloperUserAlreadyRegisteredException, message)
            }
            Error::LimitExceeded(_) => ApiError::new(ErrorCode::LimitExceededException, message),
            Error::External(_) => ApiError::new(ErrorCode::ExternalServiceException, message),
            Error::Internal(_) => {
                tracing::error!(error = %message, "internal error");
                ApiError::new(ErrorCode::InternalErrorException, message)
            }
            Error::Storage(s) => s.into(),
        }
    }
}

/// The logins in clear.
fn clear(logins: Option<LoginsMap>) -> BTreeMap<String, String> {
    logins
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect()
}

/// Runs `f`; a refusal is recorded in the audit log as the operation's failure (the changes
/// that follow a verification are audited by [`Console::write_audited`] themselves).
fn recorded<T>(
    c: &Console,
    ctx: &OpCtx<'_>,
    target: &str,
    f: impl FnOnce() -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    f().inspect_err(|e| {
        c.record_failure(ctx.actor, ctx.op.name(), None, Some(target), e);
    })
}

/// Verifies a Logins map against the pool.
fn verify(
    c: &Console,
    pool: &IdentityPoolRow,
    field: &str,
    logins: &BTreeMap<String, String>,
) -> Result<Vec<VerifiedLogin>, ApiError> {
    Ok(logins::verify_all(&ConsoleLogins(c), pool, field, logins)?)
}

/// The region of an identity pool (the part of its id before `:`).
fn region_of(pool_id: &str) -> &str {
    pool_id.split_once(':').map_or(pool_id, |(r, _)| r)
}

/// `GetId`.
pub(crate) fn get_id(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetIdRequest,
) -> Result<IdentityIdResponse, ApiError> {
    let pool_id = req.identity_pool_id;
    let logins = clear(req.logins);
    let verified = recorded(c, ctx, &pool_id, || {
        if let Some(a) = &req.account_id
            && (a.is_empty() || a.len() > 15 || !a.chars().all(|ch| ch.is_ascii_digit()))
        {
            return Err(ApiError::invalid("AccountId", "must be 1–15 digits"));
        }
        let pool = c.read(|r| Ok(identities::pool(r, &pool_id)?))?;
        let verified = verify(c, &pool, "Logins", &logins)?;
        let known = c.read(|r| Ok(identities::known(r, &pool, &verified)?))?;
        Ok((verified, known))
    })?;
    let (verified, known) = verified;
    if let Some(i) = known {
        return Ok(IdentityIdResponse { identity_id: i.id });
    }
    c.write_audited(ctx, None, Some(pool_id.as_str()), |tx, uctx| {
        let got = identities::get_id(
            tx,
            &pool_id,
            region_of(&pool_id),
            &verified,
            uctx.clock.now_ms(),
        )?;
        let id = got.identity.id;
        Ok((
            IdentityIdResponse {
                identity_id: id.clone(),
            },
            Some(id),
        ))
    })
}

/// Verifies the caller of an identity operation: the identity exists and the logins prove it.
fn authorize(
    c: &Console,
    id: &IdentityId,
    logins: &BTreeMap<String, String>,
) -> Result<Authorized, ApiError> {
    let (identity, pool) = c.read(|r| Ok(identities::identity(r, id)?))?;
    let verified = verify(c, &pool, "Logins", logins)?;
    c.read(|r| Ok(identities::authorize_in(r, identity, pool, verified)?))
}

/// Links the caller's new logins to the identity, audited; nothing when there are none.
fn link_new(c: &Console, ctx: &OpCtx<'_>, a: &Authorized) -> Result<(), ApiError> {
    if a.to_link.is_empty() {
        return Ok(());
    }
    c.write_audited(ctx, None, Some(a.identity.id.as_str()), |tx, uctx| {
        identities::link_new(tx, a, uctx.clock.now_ms())?;
        Ok(((), None))
    })
}

/// `GetOpenIdToken`: a 10-minute token for the identity.
pub(crate) fn get_open_id_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetOpenIdTokenRequest,
) -> Result<OpenIdTokenResponse, ApiError> {
    let logins = clear(req.logins);
    let a = recorded(c, ctx, &req.identity_id, || {
        authorize(c, &req.identity_id, &logins)
    })?;
    link_new(c, ctx, &a)?;
    let token = sign(
        c,
        &a.identity.id,
        &a.pool.id,
        a.amr(),
        openid::OPEN_ID_TOKEN_SECS,
        &a.principal_tags(),
    )?;
    Ok(OpenIdTokenResponse {
        identity_id: a.identity.id,
        token: Sensitive(token),
    })
}

/// `GetCredentialsForIdentity` (the enhanced flow): the caller proven as for GetOpenIdToken,
/// then one-hour credentials vended for the identity (`identity_pools::vend`: the role mapped
/// from the login that decides — `vend::deciding_login` — the role's trust policy, the guest
/// scope-down). A refusal stores nothing, not even the caller's new logins.
pub(crate) fn get_credentials_for_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetCredentialsForIdentityRequest,
) -> Result<GetCredentialsForIdentityResponse, ApiError> {
    let logins = clear(req.logins);
    let id = req.identity_id;
    let custom_role_arn = req.custom_role_arn;
    let ready = recorded(c, ctx, &id, || {
        match one_read(c, &id, &logins, custom_role_arn.as_deref())? {
            OneRead::Ready(ready) => Ok(ready),
            OneRead::Outside(identity, pool) => {
                // A login that needs more than a read transaction (a provider to ask, keys to
                // make): verified with none open, then the rest in one read transaction.
                let verified = verify(c, &pool, "Logins", &logins)?;
                let now = c.now_ms();
                c.read(|r| {
                    vend_in(
                        c,
                        r,
                        identity,
                        *pool,
                        verified,
                        custom_role_arn.as_deref(),
                        now,
                    )
                })
            }
        }
    })?;
    let a = match ready {
        Ready::Vended(answer, row) => {
            write_behind(c, ctx, &id, *row);
            return Ok(answer);
        }
        Ready::Link(a) => a,
    };
    // New logins to link: the identity changes, so the answer waits for its commit (shared
    // with concurrent vends, docs/benchmarks.md, IP2). The links are checked again in the
    // write's own transaction.
    let console = c.clone();
    let Authorized {
        identity,
        pool,
        logins: verified,
        ..
    } = *a;
    c.write_audited_grouped(ctx, None, Some(id.to_string()), move |tx, uctx| {
        let now = uctx.clock.now_ms();
        let a = identities::authorize_in(tx, identity, pool, verified)?;
        identities::link_new(tx, &a, now)?;
        let vended = vend::vend(
            tx,
            console.credential_key(),
            now,
            &vend_request(&a, custom_role_arn.as_deref())?,
        )
        .map_err(vend_error)?;
        Ok(answer(&a, vended))
    })
}

/// What GetCredentialsForIdentity's read transaction came to.
enum Ready {
    /// Credentials planned and minted; their record is written behind the answer: the
    /// credentials prove themselves (a sealed session token; ARCHITECTURE.md, "Credential
    /// records are written behind the answer").
    Vended(GetCredentialsForIdentityResponse, Box<CredentialRow>),
    /// The caller is proven and has logins to link first.
    Link(Box<Authorized>),
}

enum OneRead {
    Ready(Ready),
    /// A login must be verified outside the transaction.
    Outside(IdentityRow, Box<IdentityPoolRow>),
}

/// The identity, its pool, the caller's logins (when they can be verified in the
/// transaction), the links, the plan and the minting, in one read transaction.
fn one_read(
    c: &Console,
    id: &IdentityId,
    logins: &BTreeMap<String, String>,
    custom_role_arn: Option<&str>,
) -> Result<OneRead, ApiError> {
    let now = c.now_ms();
    c.read(|r| {
        let (identity, pool) = identities::identity(r, id)?;
        let Some(verified) = crate::logins::verify_all_in(c, r, &pool, "Logins", logins)? else {
            return Ok(OneRead::Outside(identity, Box::new(pool)));
        };
        Ok(OneRead::Ready(vend_in(
            c,
            r,
            identity,
            pool,
            verified,
            custom_role_arn,
            now,
        )?))
    })
}

/// The caller's links checked, then (all linked already) the credentials planned and minted.
fn vend_in(
    c: &Console,
    r: &storage::Reader<'_>,
    identity: IdentityRow,
    pool: IdentityPoolRow,
    verified: Vec<VerifiedLogin>,
    custom_role_arn: Option<&str>,
    now: i64,
) -> Result<Ready, ApiError> {
    let a = identities::authorize_in(r, identity, pool, verified)?;
    if !a.to_link.is_empty() {
        return Ok(Ready::Link(Box::new(a)));
    }
    let (vended, row) = vend::vend_unrecorded(
        r,
        c.credential_key(),
        now,
        &vend_request(&a, custom_role_arn)?,
    )
    .map_err(vend_error)?;
    Ok(Ready::Vended(answer(&a, vended), Box::new(row)))
}

/// The credential's record and the audit entry, queued behind the answer.
fn write_behind(c: &Console, ctx: &OpCtx<'_>, id: &IdentityId, row: CredentialRow) {
    c.write_behind_audited(ctx, None, Some(id.to_string()), move |tx| {
        identity_pools::credentials::record(tx, &row)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
    });
}

/// What a vend for the proven caller `a` asks.
/// What to vend for an authorized caller: the role is mapped from the login that decides among
/// several ([`vend::deciding_login`]).
fn vend_request<'a>(
    a: &'a Authorized,
    custom_role_arn: Option<&'a str>,
) -> Result<VendRequest<'a>, ApiError> {
    let deciding = vend::deciding_login(&a.pool, &a.logins, custom_role_arn).map_err(vend_error)?;
    let login = match a.logins.get(deciding) {
        Some(l) => Login::Provider {
            provider: &l.provider,
            claims: &l.claims,
        },
        None => Login::Guest,
    };
    Ok(VendRequest {
        pool: &a.pool,
        identity_id: &a.identity.id,
        login,
        custom_role_arn,
        principal_tags: None,
    })
}

fn answer(a: &Authorized, vended: vend::Vended) -> GetCredentialsForIdentityResponse {
    let cr = vended.credentials;
    GetCredentialsForIdentityResponse {
        identity_id: a.identity.id.clone(),
        credentials: IdentityCredentials {
            access_key_id: cr.access_key_id,
            secret_key: cr.secret_access_key,
            session_token: cr.session_token,
            expiration: secs(cr.expiration_ms),
        },
    }
}

fn sign(
    c: &Console,
    identity_id: &str,
    pool_id: &str,
    amr: Vec<String>,
    lifetime_secs: i64,
    principal_tags: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let keys = c.openid_keys()?;
    let issuer = c.identity_issuer()?;
    let claims = TokenClaims {
        issuer: &issuer,
        identity_id,
        pool_id,
        amr,
        now_secs: c.now().div_euclid(1000),
        lifetime_secs,
        principal_tags,
    };
    Ok(openid::sign(&keys, &claims)?)
}

/// `UnlinkIdentity`: the caller, proven by its logins, unlinks providers from its identity.
pub(crate) fn unlink_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UnlinkIdentityRequest,
) -> Result<Empty, ApiError> {
    let logins = clear(Some(req.logins));
    let id = req.identity_id;
    let a = recorded(c, ctx, &id, || {
        if logins.is_empty() {
            return Err(ApiError::invalid(
                "Logins",
                "must hold a login of the identity: it proves the caller",
            ));
        }
        authorize(c, &id, &logins)
    })?;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        identities::unlink(tx, &a, &req.logins_to_remove, uctx.clock.now_ms())?;
        Ok((Empty {}, None))
    })
}

fn description(d: identities::Description) -> IdentityDescription {
    IdentityDescription {
        identity_id: d.identity.id,
        logins: d.providers,
        creation_date: secs(d.identity.created_at),
        last_modified_date: secs(d.identity.modified_at),
    }
}

/// `DescribeIdentity`.
pub(crate) fn describe_identity(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: IdentityIdRequest,
) -> Result<IdentityDescription, ApiError> {
    let d = c.read(|r| Ok(identities::describe(r, &req.identity_id)?))?;
    Ok(description(d))
}

/// `ListIdentities`.
pub(crate) fn list_identities(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListIdentitiesRequest,
) -> Result<ListIdentitiesResponse, ApiError> {
    let limit = listing_limit("MaxResults", Some(req.max_results), 60, 60)?;
    let hide = req.hide_disabled.unwrap_or(false);
    // A token is bound to its pool and to HideDisabled.
    let scope = format!("ListIdentities:{}:{hide}", req.identity_pool_id);
    let after: i64 = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| {
        Ok(identities::list(
            r,
            &req.identity_pool_id,
            after,
            limit + 1,
            hide,
        )?)
    })?;
    let (rows, next) = paged(c, rows, limit, &scope, |d| d.identity.pk);
    Ok(ListIdentitiesResponse {
        identity_pool_id: req.identity_pool_id.to_string(),
        identities: rows.into_iter().map(description).collect(),
        next_token: next,
    })
}

/// `DeleteIdentities`: 1–60 identities, each deleted on its own. One that does not exist is
/// already gone (Cognito's DeleteIdentities has no not-found error); one whose delete fails is
/// answered in `UnprocessedIdentityIds` with `InternalServerError`, the others stand.
pub(crate) fn delete_identities(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteIdentitiesRequest,
) -> Result<DeleteIdentitiesResponse, ApiError> {
    let ids = req.identity_ids_to_delete;
    let target = ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",");
    if ids.is_empty() || ids.len() > 60 {
        let e = ApiError::invalid("IdentityIdsToDelete", "must hold 1–60 identity ids");
        c.record_failure(ctx.actor, ctx.op.name(), None, None, &e);
        return Err(e);
    }
    c.write_audited(ctx, None, Some(target.as_str()), |tx, _| {
        let unprocessed = identities::delete(tx, &ids)?
            .into_iter()
            .filter_map(|(id, outcome)| match outcome {
                identities::Deletion::Deleted | identities::Deletion::Absent => None,
                identities::Deletion::Failed(reason) => {
                    tracing::error!(identity = %id, error = %reason, "an identity could not be deleted");
                    Some(UnprocessedIdentityId {
                        identity_id: id,
                        error_code: UnprocessedErrorCode::InternalServerError,
                    })
                }
            })
            .collect();
        Ok((
            DeleteIdentitiesResponse {
                unprocessed_identity_ids: unprocessed,
            },
            None,
        ))
    })
}
