//! `ListHookInvocations`: each call of a pool's hooks, newest first.

use domain::hooks::Trigger;
use domain::names::UserPoolId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::OpCtx;
use crate::ops::shared::listing_limit;
use crate::{ApiError, Console};
use storage::hook_invocations;

dto! {
    /// `ListHookInvocations`: a pool's hook calls, newest first.
    pub struct ListHookInvocationsRequest {
        pub user_pool_id: UserPoolId,
        /// Only this trigger's calls (`PreSignUp`, `PreTokenGeneration`, ...).
        #[serde(default)]
        pub trigger: Option<String>,
        /// 1–200, default 50.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// One call of a hook.
    pub struct HookInvocationType {
        pub id: String,
        /// `PreSignUp_SignUp`, `TokenGeneration_Authentication`, ...
        pub trigger_source: String,
        pub url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        pub creation_date: f64,
        #[ts(type = "number")]
        pub duration_ms: i64,
        /// `Succeeded`, `Rejected` (the hook answered with an error), `Failed` (no usable answer).
        pub outcome: String,
        /// The HTTP status of the answer, when there was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(type = "number")]
        pub status_code: Option<i64>,
        /// Why it was rejected or failed, or what of its answer was ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub detail: Option<String>,
        /// The event sent, as JSON (a migration event's password hidden).
        pub request: String,
        /// The answer's body (at most 64 KiB).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response: Option<String>,
    }
}

dto! {
    pub struct ListHookInvocationsResponse {
        pub invocations: Vec<HookInvocationType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// `ListHookInvocations`: a pool's hook calls, newest first.
pub(crate) fn list_hook_invocations(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListHookInvocationsRequest,
) -> Result<ListHookInvocationsResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, 200, 50)?;
    let prefix = match req.trigger.as_deref() {
        None | Some("") => None,
        Some("PreTokenGeneration") => Some("TokenGeneration"),
        Some(t) => Some(
            Trigger::parse(t)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "Trigger",
                        format!(
                            "'{t}' is not a trigger: one of {}",
                            Trigger::ALL.map(Trigger::name).join(", ")
                        ),
                    )
                })?
                .name(),
        ),
    };
    let before = match req.next_token.as_deref() {
        None | Some("") => 0,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| ApiError::invalid("NextToken", "is not a token this list gave"))?,
    };
    c.read(|r| {
        let pool = user_pools::require_pool(r, &req.user_pool_id)?;
        let rows = hook_invocations::list(r, pool.pk, prefix, before, limit + 1)?;
        let more = rows.len() > limit as usize;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        let next_token = if more {
            rows.last().map(|i| i.pk.to_string())
        } else {
            None
        };
        Ok(ListHookInvocationsResponse {
            invocations: rows
                .into_iter()
                .map(|i| HookInvocationType {
                    id: i.pk.to_string(),
                    trigger_source: i.trigger_source,
                    url: i.url,
                    username: i.username,
                    creation_date: crate::secs(i.at),
                    duration_ms: i.duration_ms,
                    outcome: i.outcome,
                    status_code: i.status,
                    detail: i.detail,
                    request: i.request,
                    response: i.response,
                })
                .collect(),
            next_token,
        })
    })
}
