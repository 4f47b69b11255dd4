//! `ListOutboxMessages`: the codes and invitations Poolhouse would have sent.

use domain::names::UserPoolId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    pub struct ListOutboxMessagesRequest {
        #[serde(default)]
        pub user_pool_id: Option<UserPoolId>,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct OutboxMessage {
        #[ts(type = "number")]
        pub message_id: i64,
        pub time: f64,
        pub user_pool_id: String,
        pub username: String,
        pub medium: DeliveryMediumType,
        pub destination: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject: Option<String>,
        pub body: String,
        pub kind: String,
        /// SMTP delivery, when the workspace has a server: `Sending`, `Sent` or `Failed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delivery: Option<String>,
        /// Why a delivery failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delivery_detail: Option<String>,
    }
}

dto! {
    pub struct ListOutboxMessagesResponse {
        pub messages: Vec<OutboxMessage>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// `ListOutboxMessages`: newest first.
pub(crate) fn list_outbox_messages(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListOutboxMessagesRequest,
) -> Result<ListOutboxMessagesResponse, ApiError> {
    let limit = req.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("Limit", "must be between 1 and 1000"));
    }
    const SCOPE: &str = "ListOutboxMessages";
    let before: Option<i64> = cursor(c, SCOPE, req.next_token.as_deref())?;
    let (rows, next) = paged(
        c,
        c.read(|r| {
            Ok(storage::outbox::list(
                r,
                req.user_pool_id.as_deref(),
                before,
                limit + 1,
            )?)
        })?,
        limit,
        SCOPE,
        |m| m.id,
    );
    Ok(ListOutboxMessagesResponse {
        messages: rows
            .into_iter()
            .map(|m| OutboxMessage {
                message_id: m.id,
                time: secs(m.at),
                user_pool_id: m.pool_id,
                username: m.username,
                medium: if m.medium == "SMS" {
                    DeliveryMediumType::Sms
                } else {
                    DeliveryMediumType::Email
                },
                destination: m.destination,
                subject: m.subject,
                body: m.body,
                kind: m.kind,
                delivery: m.delivery,
                delivery_detail: m.delivery_detail,
            })
            .collect(),
        next_token: next,
    })
}
