//! What a run keeps, and how it reads back: the parameters without the password (a re-run asks
//! for it again), each step's request and answer with secrets replaced by their length
//! (`backends::mask`), and the tokens seen on the way sealed under the store's master key, so the
//! console can open them in the token inspector later. Secret keys and session tokens are never
//! kept.

use backends::exchange;
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::exchange_runs::RunRow;

use super::{
    ExchangeCaller, ExchangeCredentials, ExchangeFailure, ExchangeFlow, ExchangeHeader,
    ExchangeMessage, ExchangeRun, ExchangeSource, ExchangeStep, ExchangeStepError, ExchangeToken,
    internal,
};
use crate::{ApiError, Console, secs};

/// The parameters as kept (and re-run): the request without its secrets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Kept {
    pub(super) backend_name: String,
    pub(super) identity_pool_id: String,
    pub(super) flow: ExchangeFlow,
    pub(super) source: ExchangeSource,
    #[serde(default)]
    pub(super) role_arn: Option<String>,
    #[serde(default)]
    pub(super) role_session_name: Option<String>,
    #[serde(default)]
    pub(super) duration_seconds: Option<u32>,
}

/// What the tokens are sealed for: the run.
fn tokens_what(run_id: &str) -> String {
    format!("exchange-run-tokens:{run_id}")
}

fn message(headers: &[(String, String)], body: &str) -> (Vec<ExchangeHeader>, String) {
    (
        headers
            .iter()
            .map(|(n, v)| ExchangeHeader {
                name: n.clone(),
                value: v.clone(),
            })
            .collect(),
        body.to_string(),
    )
}

fn step(s: &exchange::Step) -> ExchangeStep {
    let t = &s.trace;
    let (headers, body) = message(&t.request_headers, &t.request_body);
    let response = t.status.map(|status| {
        let (headers, body) = message(&t.response_headers, &t.response_body);
        ExchangeMessage {
            method: None,
            url: None,
            status: Some(status),
            headers,
            body,
        }
    });
    ExchangeStep {
        operation: s.operation.clone(),
        service: s.service.clone(),
        signed_with: s.signed_with.clone(),
        started_ms: s.started_ms,
        elapsed_ms: s.elapsed_ms,
        request: ExchangeMessage {
            method: Some(t.method.clone()),
            url: Some(t.url.clone()),
            status: None,
            headers,
            body,
        },
        response,
        error: s.error.as_ref().map(|e| ExchangeStepError {
            code: e.code.clone(),
            message: e.message.clone(),
        }),
    }
}

impl Console {
    /// The run `id` as kept, with its steps and, when asked, its tokens opened.
    pub(super) fn exchange_run(&self, row: &RunRow, tokens: bool) -> Result<ExchangeRun, ApiError> {
        let kept: Kept = serde_json::from_value(row.params.clone()).map_err(internal)?;
        let result = &row.result;
        let steps: Option<Vec<ExchangeStep>> = if row.steps.is_null() {
            None
        } else {
            Some(serde_json::from_value(row.steps.clone()).map_err(internal)?)
        };
        let tokens = match (&row.tokens_sealed, tokens) {
            (Some(sealed), true) => Some(self.open_tokens(&row.id, sealed)?),
            (None, true) => Some(Vec::new()),
            _ => None,
        };
        Ok(ExchangeRun {
            run_id: row.id.clone(),
            backend_name: row.backend.clone(),
            identity_pool_id: row.identity_pool_id.clone(),
            flow: kept.flow,
            source: kept.source,
            role_arn: kept.role_arn,
            succeeded: row.succeeded,
            identity_id: row.identity_id.clone(),
            credentials: serde_json::from_value(result["Credentials"].clone()).ok(),
            caller: serde_json::from_value(result["Caller"].clone()).ok(),
            failure: serde_json::from_value(result["Failure"].clone()).ok(),
            steps,
            tokens,
            started_at: secs(row.started_at),
            elapsed_ms: row.elapsed_ms,
        })
    }

    pub(super) fn open_tokens(
        &self,
        run_id: &str,
        sealed: &str,
    ) -> Result<Vec<ExchangeToken>, ApiError> {
        use domain::workspace::Sealer;
        let clear = self
            .settings_seal()
            .open(&tokens_what(run_id), sealed)
            .map_err(internal)?;
        serde_json::from_str(&clear).map_err(internal)
    }
}

/// The row a run is kept as, from what it was asked (`kept`) and what happened (`outcome`):
/// the steps masked as the backends crate left them, the tokens sealed for the run. Answers
/// the row and the tokens in clear, which only the run's own answer carries.
pub(super) fn record(
    c: &Console,
    id: &str,
    kept: &Kept,
    outcome: &exchange::Outcome,
    started_at: i64,
) -> Result<(RunRow, Vec<ExchangeToken>), ApiError> {
    let steps: Vec<ExchangeStep> = outcome.steps.iter().map(step).collect();
    let failure = outcome.failure.as_ref().map(|(i, e)| ExchangeFailure {
        step: u32::try_from(*i).unwrap_or(u32::MAX),
        operation: outcome.steps[*i].operation.clone(),
        code: e.code.clone(),
        message: e.message.clone(),
    });
    let credentials = outcome.credentials.as_ref().map(|v| ExchangeCredentials {
        access_key_id: v.access_key_id.clone(),
        expiration: v.expiration,
    });
    let caller = outcome.caller.as_ref().map(|k| ExchangeCaller {
        account: k.account.clone(),
        arn: k.arn.clone(),
        user_id: k.user_id.clone(),
    });
    let tokens: Vec<ExchangeToken> = outcome
        .tokens
        .iter()
        .map(|t| ExchangeToken {
            number: u32::try_from(t.number).unwrap_or(u32::MAX),
            step: u32::try_from(t.step).unwrap_or(u32::MAX),
            name: t.name.clone(),
            value: t.value.clone(),
        })
        .collect();
    let tokens_sealed = if tokens.is_empty() {
        None
    } else {
        use domain::workspace::Sealer;
        let clear = serde_json::to_string(&tokens).map_err(internal)?;
        Some(
            c.settings_seal()
                .seal(&tokens_what(id), &clear)
                .map_err(internal)?,
        )
    };
    let succeeded = failure.is_none() && caller.is_some();
    let row = RunRow {
        pk: 0,
        id: id.to_owned(),
        backend: kept.backend_name.clone(),
        identity_pool_id: kept.identity_pool_id.clone(),
        flow: serde_json::to_value(kept.flow)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        source: serde_json::to_value(kept.source.source_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        params: serde_json::to_value(kept).map_err(internal)?,
        succeeded,
        identity_id: outcome.identity_id.clone(),
        result: json!({
            "Credentials": credentials,
            "Caller": caller,
            "Failure": failure,
        }),
        steps: serde_json::to_value(&steps).map_err(internal)?,
        tokens_sealed,
        started_at,
        elapsed_ms: i64::try_from(outcome.elapsed.as_millis()).unwrap_or(i64::MAX),
    };
    Ok((row, tokens))
}
