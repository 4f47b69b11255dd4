//! Calling hooks: the HTTP POST of a trigger's event, Cognito's failure semantics, and the
//! invocation log the console's Hooks tab reads.
//!
//! A hook is called outside any transaction (it may take seconds) and its invocation is
//! recorded in a small transaction of its own, whatever the outcome: a refused sign-up still
//! shows the call that refused it.

use std::io::Read as _;
use std::time::{Duration, Instant};

use domain::hooks::Trigger;
use serde_json::Value;
use storage::hook_invocations::{self, Invocation};
use storage::pools::PoolRow;
use user_pools::hooks;

use crate::{ApiError, Console};

/// How long a hook may take: Cognito's limit for a trigger.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of a hook's answer that is read (and kept in the log).
const MAX_BODY: u64 = 64 * 1024;

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

/// What came back from the hook's URL.
enum Reply {
    Answer { status: u16, body: String },
    Unreachable(String),
}

/// The HTTP client of everything Poolhouse calls out to (hooks, the inspector's JWKS fetches):
/// rustls on the aws-lc-rs backend the tokens use, a bound on the whole call, statuses as
/// answers rather than errors.
pub(crate) fn http_agent(timeout: Duration, max_redirects: u32) -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(max_redirects)
        .user_agent(concat!("poolhouse/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn post(url: &str, body: &[u8], timeout: Duration, source: &str) -> Reply {
    let sent = http_agent(timeout, 0)
        .post(url)
        .header("content-type", "application/json")
        .header("x-poolhouse-trigger-source", source)
        .send(body);
    match sent {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let mut raw = Vec::new();
            let read = resp
                .body_mut()
                .as_reader()
                .take(MAX_BODY)
                .read_to_end(&mut raw);
            match read {
                Ok(_) => Reply::Answer {
                    status,
                    body: String::from_utf8_lossy(&raw).into_owned(),
                },
                Err(e) => Reply::Unreachable(format!("reading the answer failed: {e}")),
            }
        }
        Err(ureq::Error::Timeout(_)) => Reply::Unreachable("TimeoutError".into()),
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Reply::Unreachable(format!("connection refused by {url}"))
        }
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            Reply::Unreachable("TimeoutError".into())
        }
        Err(e) => Reply::Unreachable(e.to_string()),
    }
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

impl Console {
    /// Sets how long hooks may take (Cognito's 5 seconds by default).
    pub fn set_hook_timeout(&self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.inner
            .hook_timeout_ms
            .store(ms.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    fn hook_timeout(&self) -> Duration {
        Duration::from_millis(
            self.inner
                .hook_timeout_ms
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// Calls the pool's hook for `trigger`, if it has one, and reads its answer with
    /// `read` (which answers the result and notes on what was ignored). `Ok(None)`: no hook.
    ///
    /// Failures are Cognito's: an error answer (non-2xx) refuses the operation with
    /// `UserLambdaValidationException` carrying the hook's message; no answer in time, or an
    /// unreachable hook, is `UnexpectedLambdaException`; an answer that is not the trigger's
    /// shape is `InvalidLambdaResponseException`. Every call is logged.
    /// The event is only built (`call`) when the pool has a hook for `trigger`: sign-ins and
    /// token generation ask on every request, and most pools have no hooks.
    pub(crate) fn call_hook<'c, T>(
        &self,
        pool: &PoolRow,
        trigger: Trigger,
        call: impl FnOnce() -> HookCall<'c>,
        read: impl FnOnce(&Value) -> user_pools::Result<(T, Vec<String>)>,
    ) -> Result<Option<T>, ApiError> {
        let lambda = &pool.config.settings.lambda_config;
        let Some(url) = lambda.url(trigger) else {
            return Ok(None);
        };
        let call = call();
        let region = self.region()?;
        let event = hooks::event(
            &hooks::Header {
                pool_id: &pool.id,
                region: &region,
                trigger_source: call.source,
                username: call.username,
                client_id: call.client_id,
            },
            call.version,
            call.request,
            call.response,
        );
        let body = serde_json::to_vec(&event)
            .map_err(|e| ApiError::new(crate::ErrorCode::InternalErrorException, e.to_string()))?;
        let at = self.now();
        let started = Instant::now();
        let reply = post(url, &body, self.hook_timeout(), call.source);
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let name = trigger.name();

        let (status, response, result) = match reply {
            Reply::Unreachable(reason) => (
                None,
                None,
                Err(user_pools::Error::UnexpectedLambda(format!(
                    "{name} invocation failed due to error {reason}."
                ))),
            ),
            Reply::Answer { status, body } if !(200..300).contains(&status) => (
                Some(status),
                Some(body.clone()),
                Err(user_pools::Error::UserLambdaValidation(format!(
                    "{name} failed with error {}.",
                    error_message(status, &body)
                ))),
            ),
            Reply::Answer { status, body } => {
                let parsed = serde_json::from_str::<Value>(&body)
                    .map_err(|e| {
                        user_pools::Error::InvalidLambdaResponse(format!(
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
                            other => Err(user_pools::Error::InvalidLambdaResponse(format!(
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
            Err(user_pools::Error::UserLambdaValidation(m)) => ("Rejected", Some(m.clone())),
            Err(e) => ("Failed", Some(e.to_string())),
        };
        let record = Invocation {
            pk: 0,
            pool: pool.pk,
            at,
            trigger_source: call.source.to_string(),
            url: url.to_string(),
            username: Some(call.username.to_string()).filter(|u| !u.is_empty()),
            duration_ms,
            outcome: outcome.to_string(),
            status: status.map(i64::from),
            detail,
            request: redacted(&event),
            response,
        };
        if let Err(e) = self
            .inner
            .db
            .write(|tx| hook_invocations::insert(tx, &record))
        {
            tracing::warn!(error = %e, "could not record a hook invocation");
        }
        match result {
            Ok((value, _)) => Ok(Some(value)),
            Err(e) => Err(e.into()),
        }
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
