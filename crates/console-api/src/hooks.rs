//! The HTTP client hooks are called with: a POST of the trigger's event to the hook's URL,
//! bounded in time. What the answer means (Cognito's failure semantics) and the invocation log
//! are the engine's (`user_pools::engine`).

use std::io::Read as _;
use std::time::{Duration, Instant};

use user_pools::engine::{HookReply, Hooks};

use crate::Console;

/// How long a hook may take: Cognito's limit for a trigger.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of a hook's answer that is read (and kept in the log).
const MAX_BODY: u64 = 64 * 1024;

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

fn post(url: &str, body: &[u8], timeout: Duration, source: &str) -> Result<(u16, String), String> {
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
                Ok(_) => Ok((status, String::from_utf8_lossy(&raw).into_owned())),
                Err(e) => Err(format!("reading the answer failed: {e}")),
            }
        }
        Err(ureq::Error::Timeout(_)) => Err("TimeoutError".into()),
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(format!("connection refused by {url}"))
        }
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            Err("TimeoutError".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

impl Console {
    /// Sets how long hooks may take (Cognito's 5 seconds by default).
    pub fn set_hook_timeout(&self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.inner
            .hook_timeout_ms
            .store(ms.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn hook_timeout(&self) -> Duration {
        Duration::from_millis(
            self.inner
                .hook_timeout_ms
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }
}

/// The hook client of one operation: HTTP, within the console's hook timeout.
pub(crate) struct HttpHooks {
    pub timeout: Duration,
}

impl Hooks for HttpHooks {
    fn post(&self, url: &str, event: &[u8], trigger_source: &str) -> HookReply {
        let started = Instant::now();
        let answer = post(url, event, self.timeout, trigger_source);
        HookReply {
            answer,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        }
    }
}
