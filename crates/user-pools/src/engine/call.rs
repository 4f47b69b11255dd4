//! Calling a hook: the event, Cognito's failure semantics, and the invocation log the
//! console's Hooks tab reads.
//!
//! A hook is called outside any transaction (it may take seconds) and its invocation is
//! recorded in a small transaction of its own, whatever the outcome: a refused sign-up still
//! shows the call that refused it.

use domain::hooks::Trigger;
use serde_json::Value;
use storage::hook_invocations::{self, Invocation};
use storage::pools::PoolRow;

use super::Engine;
use crate::hooks::{self, Header};
use crate::{Error, Result};

/// What came back from a hook's URL.
#[derive(Debug, Clone)]
pub struct HookReply {
    /// The HTTP status and body, or why no answer came (`TimeoutError`, a refused connection).
    pub answer: std::result::Result<(u16, String), String>,
    /// How long the call took.
    pub duration_ms: i64,
}

/// One call of a hook.
pub(crate) struct HookCall<'a> {
    /// The full `triggerSource` (`PreSignUp_SignUp`).
    pub source: &'a str,
    pub username: &'a str,
    pub client_id: Option<&'a str>,
    /// The event's `version` (`"1"`; `"2"` for pre token generation V2_0).
    pub version: &'a str,
    pub request: Value,
    pub response: Value,
}

/// The message of a hook's error answer: Lambda's `errorMessage`, a `message`, or the text.
fn error_message(status: u16, body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        for key in ["errorMessage", "message", "error"] {
            if let Some(m) = v.get(key).and_then(Value::as_str) {
                return m.to_string();
            }
        }
    }
    let text: String = body.trim().chars().take(500).collect();
    if text.is_empty() {
        format!("HTTP {status}")
    } else {
        text
    }
}

/// The event as it is kept in the log: the password of a migration event is not.
fn redacted(event: &Value) -> String {
    let mut e = event.clone();
    if let Some(p) = e.pointer_mut("/request/password") {
        *p = Value::String("(hidden)".into());
    }
    e.to_string()
}

impl Engine<'_> {
    /// Calls the pool's hook for `trigger`, if it has one, and reads its answer with `read`
    /// (which answers the result and notes on what was ignored). `Ok(None)`: no hook.
    ///
    /// Failures are Cognito's: an error answer (non-2xx) refuses the operation with
    /// [`Error::UserLambdaValidation`] carrying the hook's message; no answer in time, or an
    /// unreachable hook, is [`Error::UnexpectedLambda`]; an answer that is not the trigger's
    /// shape is [`Error::InvalidLambdaResponse`]. Every call is logged.
    /// The event is only built (`call`) when the pool has a hook for `trigger`: sign-ins and
    /// token generation ask on every request, and most pools have no hooks.
    pub(crate) fn call_hook<'c, T>(
        &self,
        pool: &PoolRow,
        trigger: Trigger,
        call: impl FnOnce() -> HookCall<'c>,
        read: impl FnOnce(&Value) -> Result<(T, Vec<String>)>,
    ) -> Result<Option<T>> {
        let lambda = &pool.config.settings.lambda_config;
        let Some(url) = lambda.url(trigger) else {
            return Ok(None);
        };
        let call = call();
        let event = hooks::event(
            &Header {
                pool_id: &pool.id,
                region: self.ctx.region,
                trigger_source: call.source,
                username: call.username,
                client_id: call.client_id,
            },
            call.version,
            call.request,
            call.response,
        );
        let body = serde_json::to_vec(&event).map_err(|e| Error::Internal(e.to_string()))?;
        let at = self.now();
        let reply = self.hooks.post(url, &body, call.source);
        let name = trigger.name();

        let (status, response, result) = match reply.answer {
            Err(reason) => (
                None,
                None,
                Err(Error::UnexpectedLambda(format!(
                    "{name} invocation failed due to error {reason}."
                ))),
            ),
            Ok((status, body)) if !(200..300).contains(&status) => (
                Some(status),
                Some(body.clone()),
                Err(Error::UserLambdaValidation(format!(
                    "{name} failed with error {}.",
                    error_message(status, &body)
                ))),
            ),
            Ok((status, body)) => {
                let parsed = serde_json::from_str::<Value>(&body)
                    .map_err(|e| {
                        Error::InvalidLambdaResponse(format!(
                            "Unrecognizable lambda output: {name} answered with something that \
                             is not JSON ({e})"
                        ))
                    })
                    .and_then(|v| {
                        // Lambda handlers return the whole event; a bare response is accepted too.
                        let r = match v.get("response") {
                            Some(r) if v.get("triggerSource").is_some() => r.clone(),
                            _ => v,
                        };
                        match r {
                            Value::Object(_) => Ok(r),
                            Value::Null => Ok(Value::Object(Default::default())),
                            other => Err(Error::InvalidLambdaResponse(format!(
                                "Invalid {name} response: expected an object, got {other}"
                            ))),
                        }
                    })
                    .and_then(|r| read(&r));
                (Some(status), Some(body), parsed)
            }
        };
        let (outcome, detail) = match &result {
            Ok((_, notes)) if notes.is_empty() => ("Succeeded", None),
            Ok((_, notes)) => ("Succeeded", Some(notes.join("; "))),
            Err(Error::UserLambdaValidation(m)) => ("Rejected", Some(m.clone())),
            Err(e) => ("Failed", Some(e.to_string())),
        };
        let record = Invocation {
            pk: 0,
            pool: pool.pk,
            at,
            trigger_source: call.source.to_string(),
            url: url.to_string(),
            username: Some(call.username.to_string()).filter(|u| !u.is_empty()),
            duration_ms: reply.duration_ms,
            outcome: outcome.to_string(),
            status: status.map(i64::from),
            detail,
            request: redacted(&event),
            response,
        };
        if let Err(e) = self.write(|tx| Ok(hook_invocations::insert(tx, &record)?)) {
            tracing::warn!(error = %e, "could not record a hook invocation");
        }
        result.map(|(value, _)| Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_lambda_shapes_or_text() {
        assert_eq!(
            error_message(400, r#"{"errorMessage":"no .test emails"}"#),
            "no .test emails"
        );
        assert_eq!(error_message(500, r#"{"message":"boom"}"#), "boom");
        assert_eq!(error_message(403, "  go away \n"), "go away");
        assert_eq!(error_message(502, ""), "HTTP 502");
    }

    #[test]
    fn migration_passwords_are_not_logged() {
        let e = serde_json::json!({"request": {"password": "Secret-1", "userAttributes": {}}});
        let r = redacted(&e);
        assert!(!r.contains("Secret-1"));
        assert!(r.contains("(hidden)"));
    }
}
