//! `ListAuditEvents`: the audit log, newest first.

use domain::names::UserPoolId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

/// The result of an audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum AuditOutcome {
    Success,
    Failure,
}

dto! {
    pub struct ListAuditEventsRequest {
        #[serde(default)]
        pub user_pool_id: Option<UserPoolId>,
        #[serde(default)]
        pub operation: Option<String>,
        /// Exactly this target.
        #[serde(default)]
        pub target: Option<String>,
        /// A case-insensitive part of the target or of what names it: a user's email, phone
        /// number or name (as kept with the record or as it is now), an app client's name.
        #[serde(default)]
        pub search: Option<String>,
        #[serde(default)]
        pub outcome: Option<AuditOutcome>,
        /// 1–1000, default 100.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct AuditEventType {
        #[ts(type = "number")]
        pub event_id: i64,
        pub time: f64,
        pub actor: String,
        pub operation: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target: Option<String>,
        /// What a person calls the target: a user's email, phone or name (`<label> -> <group>`
        /// for a membership), an app client's name. Absent when the target is its own name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target_label: Option<String>,
        pub outcome: AuditOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
    }
}

dto! {
    pub struct ListAuditEventsResponse {
        pub events: Vec<AuditEventType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// `ListAuditEvents`: newest first.
pub(crate) fn list_audit_events(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListAuditEventsRequest,
) -> Result<ListAuditEventsResponse, ApiError> {
    let limit = req.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("Limit", "must be between 1 and 1000"));
    }
    if req
        .search
        .as_deref()
        .is_some_and(|s| s.chars().count() > 256)
    {
        return Err(ApiError::invalid(
            "Search",
            "must be at most 256 characters",
        ));
    }
    const SCOPE: &str = "ListAuditEvents";
    let before: Option<i64> = cursor(c, SCOPE, req.next_token.as_deref())?;
    let q = storage::audit::AuditQuery {
        pool_id: req.user_pool_id.clone().map(String::from),
        operation: req.operation.clone(),
        target: req.target.clone(),
        search: req.search.clone(),
        outcome: req.outcome.map(|o| match o {
            AuditOutcome::Success => storage::audit::Outcome::Success,
            AuditOutcome::Failure => storage::audit::Outcome::Failure,
        }),
        before,
        limit: limit + 1,
    };
    let (rows, next) = paged(
        c,
        c.flush_behind_then_read(|r| Ok(storage::audit::list(r, &q)?))?,
        limit,
        SCOPE,
        |e| e.id,
    );
    Ok(ListAuditEventsResponse {
        events: rows
            .into_iter()
            .map(|e| AuditEventType {
                event_id: e.id,
                time: secs(e.at),
                actor: e.actor,
                operation: e.operation,
                user_pool_id: e.pool_id,
                target: e.target,
                target_label: e.target_label,
                outcome: match e.outcome {
                    storage::audit::Outcome::Success => AuditOutcome::Success,
                    storage::audit::Outcome::Failure => AuditOutcome::Failure,
                },
                error_code: e.error_code,
                message: e.message,
            })
            .collect(),
        next_token: next,
    })
}
