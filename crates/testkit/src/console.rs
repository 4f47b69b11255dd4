//! [`TestConsole`] and the dispatch helpers: operations called by name with a JSON body, as
//! every front calls them.

use std::ops::Deref;
use std::sync::Arc;

use console_api::{Actor, ApiError, Console};
use domain::{Clock, FixedClock, SystemClock};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::T0;

/// A `Console` on a fresh store in its own temporary directory, which lives as long as any
/// console opened on it. Its clock is a `FixedClock` at [`T0`] that the test moves (or the
/// system clock, for a test that needs real time); the calls made through [`call`], [`ok`] and
/// [`err`] come from the actor chosen here (the console itself unless said otherwise).
/// Dereferences to the `Console`, for the methods that are not operations.
pub struct TestConsole {
    console: Console,
    clock: Option<Arc<FixedClock>>,
    actor: Actor,
    dir: Arc<tempfile::TempDir>,
}

impl TestConsole {
    /// A fresh store, the clock at [`T0`].
    pub fn new() -> TestConsole {
        TestConsole::at(T0)
    }

    /// A fresh store, the clock at `ms`.
    pub fn at(ms: i64) -> TestConsole {
        let clock = Arc::new(FixedClock::at(ms));
        TestConsole::open(Some(clock.clone()), clock)
    }

    /// A fresh store on the system clock, for tests whose peers read real time (signatures,
    /// token expiry checked by a client).
    pub fn with_system_clock() -> TestConsole {
        TestConsole::open(None, Arc::new(SystemClock))
    }

    fn open(fixed: Option<Arc<FixedClock>>, clock: Arc<dyn Clock>) -> TestConsole {
        let dir = tempfile::tempdir().unwrap();
        let console = Console::open(&dir.path().join("store.db"), clock).unwrap();
        TestConsole {
            console,
            clock: fixed,
            actor: Actor::console(),
            dir: Arc::new(dir),
        }
    }

    /// The same store, with calls made as `actor`.
    pub fn acting_as(self, actor: Actor) -> TestConsole {
        TestConsole { actor, ..self }
    }

    /// The same console (not opened again: it shares the console's caches and its writer
    /// thread), with calls made as `actor`.
    pub fn same_as(&self, actor: Actor) -> TestConsole {
        TestConsole {
            console: self.console.clone(),
            clock: self.clock.clone(),
            actor,
            dir: Arc::clone(&self.dir),
        }
    }

    /// The same store, with calls made as an unsigned endpoint caller from 127.0.0.1, as the
    /// public operations (sign-in, sign-up) are made.
    pub fn as_peer(self) -> TestConsole {
        self.acting_as(Actor::endpoint("127.0.0.1"))
    }

    /// A second `Console` opened on the same file with the same clock and actor: another
    /// process on the store (`serve` beside the CLI).
    pub fn open_again(&self) -> TestConsole {
        let clock: Arc<dyn Clock> = match &self.clock {
            Some(fixed) => fixed.clone(),
            None => Arc::new(SystemClock),
        };
        TestConsole {
            console: Console::open(self.console.store_path(), clock).unwrap(),
            clock: self.clock.clone(),
            actor: self.actor.clone(),
            dir: Arc::clone(&self.dir),
        }
    }

    /// The clock, to move it. Panics for a console on the system clock.
    pub fn clock(&self) -> &Arc<FixedClock> {
        self.clock
            .as_ref()
            .expect("this console runs on the system clock, which a test cannot move")
    }

    /// Who the calls made through [`call`], [`ok`] and [`err`] come from.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The temporary directory the store is in, for files a test puts beside it.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn console(&self) -> &Console {
        &self.console
    }
}

impl Default for TestConsole {
    fn default() -> Self {
        TestConsole::new()
    }
}

impl Deref for TestConsole {
    type Target = Console;

    fn deref(&self) -> &Console {
        &self.console
    }
}

/// Calls operation `op` with `body`, as `c`'s actor, and reads the answer as `T`.
pub fn call<T: DeserializeOwned>(c: &TestConsole, op: &str, body: Value) -> Result<T, ApiError> {
    let out = c
        .console
        .dispatch_json(&c.actor, op, body.to_string().as_bytes())?;
    Ok(serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{op} answered what the test did not expect ({e})")))
}

/// Calls operation `op`, which must succeed; answers its JSON.
pub fn ok(c: &TestConsole, op: &str, body: Value) -> Value {
    call(c, op, body).unwrap_or_else(|e| panic!("{op}: {e}"))
}

/// Calls operation `op`, which must fail; answers the error.
pub fn err(c: &TestConsole, op: &str, body: Value) -> ApiError {
    match call::<Value>(c, op, body) {
        Ok(v) => panic!("{op} should have failed, answered {v}"),
        Err(e) => e,
    }
}

/// The audit events of operation `op`, in the order `ListAuditEvents` answers them.
pub fn audited(c: &TestConsole, op: &str) -> Vec<Value> {
    ok(c, "ListAuditEvents", serde_json::json!({}))["Events"]
        .as_array()
        .unwrap_or_else(|| panic!("ListAuditEvents answered no Events"))
        .iter()
        .filter(|e| e["Operation"] == op)
        .cloned()
        .collect()
}

/// `CreateUserPool` with `body`, which must succeed; answers the new pool's id.
pub fn create_pool(c: &TestConsole, body: Value) -> String {
    id_at(&ok(c, "CreateUserPool", body), "UserPool", "Id")
}

/// `CreateUserPoolClient` with `body`, which must succeed; answers the new client's id.
pub fn create_client(c: &TestConsole, body: Value) -> String {
    id_at(
        &ok(c, "CreateUserPoolClient", body),
        "UserPoolClient",
        "ClientId",
    )
}

/// `CreateIdentityPool` with `body`, which must succeed; answers the new pool's id.
pub fn create_identity_pool(c: &TestConsole, body: Value) -> String {
    ok(c, "CreateIdentityPool", body)["IdentityPoolId"]
        .as_str()
        .unwrap_or_else(|| panic!("CreateIdentityPool answered no IdentityPoolId"))
        .to_string()
}

fn id_at(answer: &Value, object: &str, member: &str) -> String {
    answer[object][member]
        .as_str()
        .unwrap_or_else(|| panic!("{object}.{member} in {answer}"))
        .to_string()
}
