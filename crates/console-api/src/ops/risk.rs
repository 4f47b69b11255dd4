//! Threat protection and the support views: the pool's risk configuration, a user's auth
//! events, sessions and lockout, and unlocking.

use domain::names::{ClientId, UserPoolId, Username};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::pools::PoolRow;
use ts_rs::TS;
use user_pools::signin as auth;
use user_pools::users;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    pub struct AdminListUserAuthEventsRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
        /// 0–60, default 60.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// `EventRiskType`.
    pub struct EventRiskType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_decision: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_level: Option<String>,
        pub compromised_credentials_detected: bool,
    }
}

dto! {
    /// `EventContextDataType`.
    pub struct EventContextDataType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_address: Option<String>,
    }
}

dto! {
    /// `AuthEventType`, with Poolhouse's `ClientId` and `Detail` (why it failed, which challenge
    /// it waits on) beside Cognito's members.
    pub struct AuthEventType {
        pub event_id: String,
        /// `SignIn`, `SignUp`, `ForgotPassword`, `PasswordChange`, `ResendCode`.
        pub event_type: String,
        pub creation_date: f64,
        /// `Pass`, `Fail`, `InProgress`.
        pub event_response: String,
        pub event_risk: EventRiskType,
        pub event_context_data: EventContextDataType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub detail: Option<String>,
    }
}

dto! {
    pub struct AdminListUserAuthEventsResponse {
        pub auth_events: Vec<AuthEventType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    /// One sign-in of a user (a refresh token and the ID/access tokens minted from it).
    pub struct UserSessionType {
        /// The `origin_jti` its tokens carry.
        pub origin_jti: String,
        pub client_id: String,
        pub auth_time: f64,
        pub creation_date: f64,
        pub expiration_date: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_used_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub revoked_date: Option<f64>,
        /// `ACTIVE`, `REVOKED` or `EXPIRED`.
        pub status: String,
    }
}

dto! {
    /// A user's sign-in state for support staff: sessions, lockout and failures.
    pub struct DescribeUserSecurityResponse {
        pub username: String,
        pub failed_sign_in_attempts: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub locked_until: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_sign_in: Option<f64>,
        pub sessions: Vec<UserSessionType>,
    }
}

dto! {
    /// `SetRiskConfiguration` (pool-wide; per-client configurations are not kept).
    pub struct SetRiskConfigurationRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub client_id: Option<ClientId>,
        #[serde(default)]
        pub compromised_credentials_risk_configuration:
            Option<domain::risk::CompromisedCredentialsRiskConfiguration>,
        #[serde(default)]
        pub account_takeover_risk_configuration:
            Option<domain::risk::AccountTakeoverRiskConfiguration>,
        #[serde(default)]
        pub risk_exception_configuration: Option<domain::risk::RiskExceptionConfiguration>,
    }
}

dto! {
    pub struct DescribeRiskConfigurationRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub client_id: Option<ClientId>,
    }
}

dto! {
    /// `RiskConfigurationType`.
    pub struct RiskConfigurationType {
        pub user_pool_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub compromised_credentials_risk_configuration:
            Option<domain::risk::CompromisedCredentialsRiskConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_takeover_risk_configuration:
            Option<domain::risk::AccountTakeoverRiskConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_exception_configuration: Option<domain::risk::RiskExceptionConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_modified_date: Option<f64>,
    }
}

dto! {
    pub struct RiskConfigurationResponse {
        pub risk_configuration: RiskConfigurationType,
    }
}

/// `DescribeRiskConfiguration`.
pub(crate) fn describe_risk_configuration(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: DescribeRiskConfigurationRequest,
) -> Result<RiskConfigurationResponse, ApiError> {
    let pool = c.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
    Ok(RiskConfigurationResponse {
        risk_configuration: risk_type(&pool),
    })
}

/// `SetRiskConfiguration`: compromised-credential checks, answers by risk level, and IP
/// ranges, for the whole pool.
pub(crate) fn set_risk_configuration(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetRiskConfigurationRequest,
) -> Result<RiskConfigurationResponse, ApiError> {
    if req.client_id.is_some() {
        return Err(ApiError::invalid(
            "ClientId",
            "per-client risk configurations are not kept; omit ClientId to configure the pool",
        ));
    }
    if let Some(e) = &req.risk_exception_configuration {
        for (field, list) in [
            (
                "RiskExceptionConfiguration.BlockedIPRangeList",
                &e.blocked_ip_range_list,
            ),
            (
                "RiskExceptionConfiguration.SkippedIPRangeList",
                &e.skipped_ip_range_list,
            ),
        ] {
            if let Some(list) = list {
                domain::risk::validate_ranges(field, list)?;
            }
        }
    }
    let pool = c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.user_pool_id),
        |tx, ctx| {
            let risk = domain::risk::RiskConfiguration {
                compromised_credentials: req.compromised_credentials_risk_configuration.clone(),
                account_takeover: req.account_takeover_risk_configuration.clone(),
                exceptions: req.risk_exception_configuration.clone(),
                last_modified: Some(ctx.clock.now_ms()),
            };
            let pool = user_pools::pools::set_risk_configuration(tx, ctx, &req.user_pool_id, risk)?;
            Ok((pool, None))
        },
    )?;
    Ok(RiskConfigurationResponse {
        risk_configuration: risk_type(&pool),
    })
}

/// `AdminListUserAuthEvents`: the user's sign-in history, newest first.
pub(crate) fn admin_list_user_auth_events(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: AdminListUserAuthEventsRequest,
) -> Result<AdminListUserAuthEventsResponse, ApiError> {
    let limit = match req.max_results {
        Some(n) if n > 60 => {
            return Err(ApiError::invalid("MaxResults", "must be between 0 and 60"));
        }
        Some(n) => n,
        None => 60,
    };
    let scope = format!("auth-events:{}:{}", req.user_pool_id, req.username);
    let before: i64 = req
        .next_token
        .as_deref()
        .map(|t| user_pools::pagination::decode(c.pages(), &scope, t))
        .transpose()
        .map_err(|_| ApiError::invalid("NextToken", "is not a token this listing issued"))?
        .unwrap_or(0);
    c.read(|r| {
        let (_, user) = users::get(r, &req.user_pool_id, &req.username)?;
        let mut rows = auth::events(r, &user, before, limit + 1)?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|e| user_pools::pagination::encode(c.pages(), &scope, &e.pk))
        } else {
            None
        };
        Ok(AdminListUserAuthEventsResponse {
            auth_events: rows
                .into_iter()
                .map(|e| AuthEventType {
                    event_id: e.event_id,
                    event_type: e.event_type,
                    creation_date: secs(e.at),
                    event_response: e.response,
                    event_risk: EventRiskType {
                        risk_decision: Some(
                            if e.detail
                                .as_deref()
                                .is_some_and(|d| d.starts_with("Blocked"))
                            {
                                "Block"
                            } else if e.risk_level.as_deref().is_some_and(|l| l != "Low") {
                                "AccountTakeover"
                            } else {
                                "NoRisk"
                            }
                            .into(),
                        ),
                        risk_level: e.risk_level,
                        compromised_credentials_detected: e.compromised,
                    },
                    event_context_data: EventContextDataType { ip_address: e.ip },
                    client_id: e.client_id,
                    detail: e.detail,
                })
                .collect(),
            next_token: next,
        })
    })
}

/// `DescribeUserSecurity`: lockout, failures and sessions, for support staff.
pub(crate) fn describe_user_security(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<DescribeUserSecurityResponse, ApiError> {
    let now = c.now();
    c.read(|r| {
        let (_, user) = users::get(r, &req.user_pool_id, &req.username)?;
        let security = auth::security(r, &user)?;
        let sessions = auth::sessions(r, &user, 100)?;
        let clients = auth::client_ids(r, &sessions)?;
        Ok(DescribeUserSecurityResponse {
            username: user.username.clone(),
            failed_sign_in_attempts: security.failed_sign_ins,
            locked_until: (security.locked_until > now).then(|| secs(security.locked_until)),
            last_sign_in: security.last_sign_in.map(secs),
            sessions: sessions
                .iter()
                .map(|s| UserSessionType {
                    origin_jti: s.origin_jti.clone(),
                    client_id: clients.get(&s.client).cloned().unwrap_or_default(),
                    auth_time: s.auth_time as f64,
                    creation_date: secs(s.created_at),
                    expiration_date: secs(s.expires_at),
                    last_used_date: s.last_used_at.map(secs),
                    revoked_date: s.revoked_at.map(secs),
                    status: if s.revoked_at.is_some() {
                        "REVOKED"
                    } else if s.expires_at <= now {
                        "EXPIRED"
                    } else {
                        "ACTIVE"
                    }
                    .into(),
                })
                .collect(),
        })
    })
}

/// `UnlockUser`: lifts a lockout after failed sign-ins.
pub(crate) fn unlock_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UserRequest,
) -> Result<Empty, ApiError> {
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.username),
        |tx, _| {
            let (_, user) = users::get(tx, &req.user_pool_id, &req.username)?;
            auth::unlock(tx, &user)?;
            Ok((Empty {}, None))
        },
    )
}

/// The pool's risk configuration as Cognito shows it.
fn risk_type(pool: &PoolRow) -> RiskConfigurationType {
    let r = &pool.config.risk;
    RiskConfigurationType {
        user_pool_id: pool.id.to_string(),
        compromised_credentials_risk_configuration: r.compromised_credentials.clone(),
        account_takeover_risk_configuration: r.account_takeover.clone(),
        risk_exception_configuration: r.exceptions.clone(),
        last_modified_date: r.last_modified.map(secs),
    }
}
